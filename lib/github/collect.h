/* collect.h - the community report's data for a window [since, until).
 *
 * Pulls, through the GitHub REST API (lib/http.h): the watched repositories
 * (orgs minus exclusions, plus extra repos), releases published in the
 * window, pull requests merged in it (search API, split when a window holds
 * more than the search cap), the window's contributors and new contributors
 * (first merged PR in any watched repo, remembered in the state store), and
 * event issues (past and upcoming). */
#ifndef DG_COLLECT_H
#define DG_COLLECT_H

#include <jansson.h>
#include <stdint.h>
#include "config/config.h"
#include "net/http.h"
#include "store/store.h"

typedef struct dg_collect_result {
	json_t *data;            /* {"repos","releases","merged_pulls","contributors",
				     "new_contributors","events":{"past","upcoming"},"warnings"}; caller decrefs */
	json_t *failures;        /* the sources that could not be read (exit code 3): their
				    messages; caller decrefs */
} dg_collect_result;

/* Returns 0 (result filled, possibly with failed sources), or <0 when nothing
 * usable could be collected (DG_HTTP_ERR_FATAL for 401 / exhausted limits). */
int dg_collect_community(const dg_config *cfg, dg_http *http, dg_store *store, int64_t since,
			 int64_t until, dg_collect_result *out);

/* Percent-encode for a query string value (RFC 3986 unreserved kept:
 * dg_str_percent_encode with DG_STR_PCT_UNRESERVED); *out: caller frees.
 * Returns 0 (out of memory aborts). */
int dg_url_encode(const char *s, char **out);

/* 1 when a GitHub user object or login is a bot: type "Bot", login ending in
 * "[bot]", or listed in github.bots. */
int dg_collect_is_bot(const dg_config *cfg, const char *login, const char *type);

/* What the highlight ranking needs of a pull request's title and body,
 * so the body itself is not kept. */
typedef struct dg_pull_signals {
	int release_note;        /* a non-empty ```release-note block or a "Release note" heading */
	int links_issue;         /* "Fixes #12", "Closes https://github.com/o/r/issues/12", ... */
	long long cherry_of;     /* "Automated cherry pick of #N", "backport of #N": N, else 0 */
} dg_pull_signals;

/* Read the signals of `title` and `body` (either may be NULL). */
void dg_pull_signals_read(const char *title, const char *body, dg_pull_signals *out);

#endif
