/* select/highlights.h - which merged pull requests the report highlights.
 *
 * From what the search API gives without extra requests: a score from the
 * labels (kind/feature over kind/bug over docs and chores), a release-note
 * block in the body, a linked issue and the title's conventional-commit type
 * (feat over fix over docs/chore). Cherry-picks and backports ("Automated
 * cherry pick of #N", "[release-x.y] ...", "backport", the same title again)
 * are folded into their original pull request; bots' pull requests are never
 * highlighted. Groups are products (lib/select/releaserank.h), the most active
 * first, each capped at report.highlights_per_repo, all of them at
 * report.highlights_max. */
#ifndef DG_SELECT_HIGHLIGHTS_H
#define DG_SELECT_HIGHLIGHTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "select/selectopts.h"

/* The title without its branch and cherry-pick prefixes ("[release-3.2] ",
 * "Automated cherry pick of #6603: ", "[Backport] "): *start points into
 * `title`, the length is returned. Sets *backport when a prefix said so. */
size_t dg_highlight_base_title(const char *title, const char **start, int *backport);

/* The score of a merged pull request (the collector's object: "title",
 * "labels", "release_note", "links_issue"). */
int dg_highlight_score(json_t *pull);

/* 1 when the merged pull request is community news, not a code change: a
 * PR of the community repository (named "community", or one of
 * report.community_repos), a governance label, or a title about
 * governance (dg_line_governance: nominations, OWNERS/MAINTAINERS,
 * SIG members, adopters). */
int dg_highlight_is_news(const dg_select_opts *o, json_t *pull);

/* The community news of `pulls` (borrowed): people's news PRs, no
 * backport, oldest first; a new array of {"title", "url", "repo",
 * "merged_at", "authors": [{"login", "url"}]}. Never NULL. */
json_t *dg_select_news(const dg_select_opts *o, json_t *pulls);

/* The backports of `pulls` (borrowed) whose original is not among them
 * and which are no chore: never highlights, told under their release when
 * it is shown. A new array of {"title" (without its marks), "url", "repo",
 * "merged_at", "branch" ("1.2" of "[release-1.2]", or "")}. Never NULL. */
json_t *dg_select_lone_backports(json_t *pulls);

/* The highlights of `pulls` (the collector's, borrowed) merged in [since,
 * until): a new array of groups {"product", "repo" (the same name),
 * "activity", "pulls": [{"title", "number", "url", "author", "author_url",
 * "score", "backports": [{"number", "url"}], "has_backports"}], "rest",
 * "has_rest", "rest_url" (GitHub's search of the group's merged PRs of the
 * window)}. Each pull also has "authors" [{"login", "url"}] and "series"
 * [{"number", "url"}] (the PRs a series of the same title apart from its
 * last word, same repository and week, folded into it; "has_series").
 * Never highlighted: news (dg_highlight_is_news), a backport whose
 * original is not in the window, chores (dg_line_kind_of) while any other
 * change is there. Titles lose a conventional-commit prefix that repeats
 * their verb (dg_line_strip_prefix). Sets *bots to the count of bots' pulls. What could not be done
 * as configured is appended to `warnings`. Never NULL. */
json_t *dg_select_highlights(const dg_select_opts *o, json_t *pulls, int64_t since, int64_t until,
			     json_t *warnings, size_t *bots);

#endif
