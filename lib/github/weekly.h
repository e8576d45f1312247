/* weekly.h - a week's counts as the community report counts them, and the
 * weeks digest never ran, backfilled over REST.
 *
 * The report counts merged pull requests (the merged-PR search's, in the
 * watched repositories) and active contributors (the distinct authors of
 * those, bots apart: dg_authors_build, the collector's own). A week it did
 * not run is asked for with the same merged-PR search (one request a week
 * and scope group when a week holds under 100 merged pulls); new
 * contributors of such a week are known only when the state store knows
 * every author's first merged PR, else -1. */
#ifndef DG_WEEKLY_H
#define DG_WEEKLY_H

#include <jansson.h>
#include <stdint.h>
#include "config/config.h"
#include "net/http.h"
#include "store/store.h"

/* One week [since, until) and what is known of it; -1: not known. */
typedef struct dg_week {
	int64_t since, until;
	int64_t merged_prs, contributors, new_contributors;
} dg_week;

/* The counts of `pulls` (the collector's merged pulls: {"author",
 * "author_type" or, in a collection, "bot"}) as the report counts them. */
void dg_weekly_count(const dg_config *cfg, json_t *pulls, int64_t *merged_prs, int64_t *contributors);

/* The key of what a trend counts: the API, the watched set and what is left
 * out of it (the state store's trend_weeks scope); caller frees. */
char *dg_weekly_scope(const dg_config *cfg);
/* The contributor table's scope of the watched set (newcomers); caller frees. */
char *dg_weekly_people_scope(const dg_config *cfg);

/* The watched set as the collector lists it (the orgs' repositories,
 * exclusions applied, the extra repos): *repos [{"full_name", ...}], new
 * array, or NULL when a listing failed (named in `failures` and `warnings`,
 * "trends: ..."). 0, or <0 when the HTTP client stopped. */
int dg_weekly_repos(const dg_config *cfg, dg_http *http, dg_store *store, json_t **repos, json_t *warnings,
		    json_t *failures);

/* Searches a run spends on weeks of the past, at most (and the week it is
 * in): 11 weeks at SEARCH_CAP / 100 requests each for one scope group, some
 * four minutes of GitHub's 30 searches a minute. */
#define BACKFILL_RUN_SEARCHES 120

/* Ask for the merged pulls of `weeks` (n of them, oldest first; counts
 * filled in for each week whose searches all answered), in the repositories
 * of `repos` (the collector's "repos": [{"full_name"}]), every week at once:
 * a week of up to SEARCH_CAP merged pulls is read whole and counted as the
 * report counts, a bigger one is counted by the search's total alone (its
 * contributors unknown). Only the newest weeks that fit in
 * BACKFILL_RUN_SEARCHES at SEARCH_CAP / 100 requests a week and scope group
 * are asked (the rest stay unknown, -1, with one warning: the next run asks
 * them). A search that fails leaves its week unknown and is named in
 * `failures` and `warnings` ("trends: ..."); so does a first page that is
 * not full under a bigger total (a count the server cannot back). 0, or <0
 * when the HTTP client stopped. */
int dg_weekly_backfill(const dg_config *cfg, dg_http *http, dg_store *store, json_t *repos, dg_week *weeks,
		       size_t n, json_t *warnings, json_t *failures);

/* New contributors among the authors of `pulls` within [since, until), as
 * far as the state store knows each author's first merged PR; -1 when it
 * does not know one of them. */
int64_t dg_weekly_known_newcomers(const dg_config *cfg, dg_store *store, json_t *pulls, int64_t since,
				  int64_t until);

#endif
