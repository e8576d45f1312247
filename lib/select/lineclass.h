/* lineclass.h - what one line of change says it is: the ranking rules of
 * release-note lines and pull request titles, in one place for the
 * community report and the Cloud Native Weekly.
 *
 * A line is a chore (dependency bumps "Bump X from A to B", "build(deps)",
 * CI, typos, lint, tests, e2e, flaky tests, publishing a release, docs
 * only), a feature ("feat:", "Add", "Support", ...), a fix ("fix:", "Fix",
 * "bug") or other. A heading is a headline section (Highlights, What's New,
 * New Features, Features, Breaking Changes, Urgent, Security, Notable),
 * whatever emoji or trailing words it has. A title or line is about the
 * community's governance when it nominates someone, adds a member to a
 * SIG, changes OWNERS/MAINTAINERS or the adopters. */
#ifndef DG_LINECLASS_H
#define DG_LINECLASS_H

#include <stddef.h>

/* Chores are told only when fewer than this many other lines are. */
#define DG_LINE_CHORES_BELOW 3

/* In the order a report prefers them (higher first). */
enum dg_line_kind { DG_LINE_CHORE, DG_LINE_OTHER, DG_LINE_FIX, DG_LINE_FEATURE };

/* The kind of s[0..len) (a title or a note line, UTF-8). */
enum dg_line_kind dg_line_kind_of(const char *s, size_t len);

/* 1 when the heading text s[0..len) names a headline section. */
int dg_line_headline_heading(const char *s, size_t len);

/* 1 when s[0..len) is about governance or the community's membership. */
int dg_line_governance(const char *s, size_t len);

/* The title without a conventional-commit prefix that says nothing the
 * rest does not: "fix: Fix the x" -> "Fix the x", "feat: add y" -> "add y"
 * is kept as "Add y" by the caller's capital; a "fix:" before a lower-case
 * text stays ("fix: sed is not working"). *start points into s; returns the
 * length kept. *capitalise is set when the first letter should be upper
 * case for the text to read as a sentence. */
size_t dg_line_strip_prefix(const char *s, size_t len, const char **start, int *capitalise);

/* A key that near-duplicate lines share: lower-case letters and digits of
 * the line without its prefix and trailing references ("(#123)", "in
 * https://..."), words joined by one space. Caller frees; never NULL. */
char *dg_line_key(const char *s, size_t len);

#endif
