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

/* The highlights of `pulls` (the collector's, borrowed) merged in [since,
 * until): a new array of groups {"product", "repo" (the same name),
 * "activity", "pulls": [{"title", "number", "url", "author", "author_url",
 * "score", "backports": [{"number", "url"}], "has_backports"}], "rest",
 * "has_rest", "rest_url" (GitHub's search of the group's merged PRs of the
 * window)}. Sets *bots to the count of bots' pulls. What could not be done
 * as configured is appended to `warnings`. Never NULL. */
json_t *dg_select_highlights(const dg_select_opts *o, json_t *pulls, int64_t since, int64_t until,
			     json_t *warnings, size_t *bots);

#endif
