/* history.h - the community's weeks: merged pull requests, active
 * contributors and new contributors per week, for the trends section and
 * `digest history`.
 *
 * Where a week's counts come from, in order: the state store (a week an
 * issue was built for keeps the report's own counts, "run"; a week asked
 * for before keeps what it was told); else, with engine "github", the
 * merged-PR search of that week over REST (lib/github/weekly.h); with
 * engine "clickhouse", one SQL query for every missing week over the
 * watched repositories in a table of GitHub events (ClickHouse's
 * github_events columns: event_type, action, repo_name, number,
 * creator_user_login, merged, merged_at), read as JSONEachRow. A closed
 * week's answer is kept in the store, so it is never asked for again. */
#ifndef DG_HISTORY_H
#define DG_HISTORY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "config/config.h"
#include "github/weekly.h"
#include "net/http.h"
#include "store/store.h"

/* What the history reads of the config (lib/issue/stageopts.c builds it;
 * borrowed). */
typedef struct dg_history_opts {
	int weeks;               /* trends.weeks */
	const char *timezone;    /* digest.timezone: a week is Monday 00:00 to Monday there */
	int clickhouse;          /* history.engine = "clickhouse" */
	const char *url;         /* ClickHouse's HTTP interface */
	const char *user_env, *password_env;
	const char *database;    /* NULL: the server's default */
	const char *table;
} dg_history_opts;

/* The `n` weeks ending with the week that starts at `last_since` (a week's
 * start in o->timezone), oldest first, counts unknown (-1). 0 or <0. */
int dg_history_weeks(const dg_history_opts *o, int64_t last_since, size_t n, dg_week *out);

/* "2021-W49" for the week starting at `since`. */
void dg_history_label(const dg_history_opts *o, int64_t since, char out[16]);

/* Fill the counts of weeks[0 .. n) that are not known yet (merged_prs < 0)
 * from the store, then from the engine; weeks that end after `now` are
 * never asked for nor kept. `repos` is the watched set ([{"full_name"}],
 * borrowed); NULL: listed when needed. A source that fails is named in
 * `failures` (and `warnings`); its weeks stay unknown. 0, or <0 when the
 * HTTP client stopped or the store failed. */
int dg_history_fill(const dg_config *cfg, const dg_history_opts *o, dg_http *http, dg_store *store, json_t *repos,
		    int64_t now, dg_week *weeks, size_t n, json_t *warnings, json_t *failures);

/* The issue's own weeks (n_own: 1 weekly, 2 biweekly, the last being ISO
 * week `week` of `iso_year`) counted from its collection (the collector's
 * "merged_pulls" and "new_contributors") as the report counts them. 0 or <0. */
int dg_history_own(const dg_config *cfg, const dg_history_opts *o, int iso_year, int week, size_t n_own,
		   json_t *collected, dg_week *out);

/* Keep the counts of a run's own weeks (a complete collection of a closed
 * period): source "run". */
int dg_history_keep_run(const dg_config *cfg, dg_store *store, const dg_week *weeks, size_t n);

/* The series as JSON: [{"week","merged_prs","contributors","new_contributors"}],
 * unknown counts null; new array. */
json_t *dg_history_json(const dg_history_opts *o, const dg_week *weeks, size_t n);

/* ---- ClickHouse (clickhouse.c) ---- */

/* The query for [lo, hi) over the repositories `repos` ("owner/name" as
 * GitHub spells them, the table's primary key; a name with other bytes than
 * letters, digits, '-', '_', '.' and '/' is left out), n_repos of them: one
 * row per merged pull request, {"repo","number","login","merged",
 * "first_merged"} (epoch seconds; first_merged: the author's first merge in
 * those repositories, in the whole table); caller frees. */
char *dg_clickhouse_query(const dg_history_opts *o, char *const *repos, size_t n_repos, int64_t lo, int64_t hi);

/* Ask ClickHouse for the counts of weeks[0 .. n) (filled in; -1 left when
 * it failed: named "clickhouse: ..." in `failures`). 0, or <0 when the
 * HTTP client stopped. */
int dg_clickhouse_weeks(const dg_config *cfg, const dg_history_opts *o, dg_http *http, json_t *repos, dg_week *weeks,
			size_t n, json_t *warnings, json_t *failures);

/* The counts of weeks[0 .. n) from the query's rows (JSONEachRow text, len
 * bytes). 0, or DG_ERR_FAIL naming the line that is not a row. */
int dg_clickhouse_count(const dg_config *cfg, const char *rows, size_t len, dg_week *weeks, size_t n);

#endif
