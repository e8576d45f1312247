/* weeks.c - the community's weeks: from the store, else from the engine
 * (REST backfill or ClickHouse), kept once a week is over. */
#include "history/history.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jsonx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dg_history_weeks(const dg_history_opts *o, int64_t last_since, size_t n, dg_week *out)
{
	int y, m, d, err;
	int64_t day0, yy;

	if ((err = dg_date_local_ymd(last_since, o->timezone, &y, &m, &d)) < 0)
		return err;
	day0 = dg_date_days_from_civil(y, m, d);
	for (size_t k = 0; k <= n; k++) {
		int64_t t;
		dg_date_civil_from_days(day0 - 7 * (int64_t)(n - 1) + 7 * (int64_t)k, &yy, &m, &d);
		if ((err = dg_date_local_time((int)yy, m, d, 0, 0, 0, o->timezone, &t)) < 0)
			return err;
		if (k < n) {
			out[k] = (dg_week){t, 0, -1, -1, -1};
		}
		if (k > 0)
			out[k - 1].until = t;
	}
	return 0;
}

void dg_history_label(const dg_history_opts *o, int64_t since, char out[16])
{
	int y = 0, w = 0;

	if (dg_date_iso_week_of(since, o->timezone, &y, &w) < 0)
		dg_err_clear();
	snprintf(out, 16, "%04d-W%02d", y % 10000, w % 100);
}

int dg_history_keep_run(const dg_config *cfg, dg_store *store, const dg_week *weeks, size_t n)
{
	char *scope = dg_weekly_scope(cfg);
	int err = 0;

	for (size_t i = 0; i < n && !err; i++) {
		dg_store_week w = {weeks[i].merged_prs, weeks[i].contributors, weeks[i].new_contributors};
		if (weeks[i].merged_prs >= 0)
			err = dg_store_week_put(store, scope, "run", weeks[i].since, weeks[i].until, &w);
	}
	free(scope);
	return err;
}

int dg_history_fill(const dg_config *cfg, const dg_history_opts *o, dg_http *http, dg_store *store, json_t *repos,
		    int64_t now, dg_week *weeks, size_t n, json_t *warnings, json_t *failures)
{
	const char *source = o->clickhouse ? "clickhouse" : "rest";
	char *scope = dg_weekly_scope(cfg);
	dg_week *ask = dg_calloc(n + 1, sizeof(*ask));
	size_t *at = dg_calloc(n + 1, sizeof(*at)), k = 0, i;
	json_t *listed = NULL;
	int err = 0;

	for (i = 0; i < n; i++) {
		dg_store_week w;
		int got;

		if (weeks[i].merged_prs >= 0)
			continue;
		if ((got = dg_store_week_get(store, scope, source, weeks[i].since, weeks[i].until, &w)) < 0) {
			err = got;
			goto done;
		}
		if (got == 1) {
			weeks[i].merged_prs = w.merged_prs;
			weeks[i].contributors = w.contributors;
			weeks[i].new_contributors = w.new_contributors;
		} else if (weeks[i].until <= now) {
			ask[k] = weeks[i];
			at[k++] = i;
		}
	}
	if (!k || !http || dg_http_offline(http))
		goto done;
	if (!repos) {
		if ((err = dg_weekly_repos(cfg, http, store, &listed, warnings, failures)) < 0 || !listed)
			goto done;
		repos = listed;
	}
	if (o->clickhouse)
		err = dg_clickhouse_weeks(cfg, o, http, repos, ask, k, warnings, failures);
	else
		err = dg_weekly_backfill(cfg, http, store, repos, ask, k, warnings, failures);
	if (err < 0)
		goto done;
	if ((err = dg_store_begin(store)) < 0)
		goto done;
	for (i = 0; i < k; i++) {
		dg_store_week w = {ask[i].merged_prs, ask[i].contributors, ask[i].new_contributors};
		if (ask[i].merged_prs < 0)
			continue;
		weeks[at[i]] = ask[i];
		if ((err = dg_store_week_put(store, scope, source, ask[i].since, ask[i].until, &w)) < 0)
			break;
	}
	if (err < 0)
		(void)dg_store_rollback(store);
	else
		err = dg_store_commit(store);
done:
	json_decref(listed);
	free(ask);
	free(at);
	free(scope);
	return err;
}

json_t *dg_history_json(const dg_history_opts *o, const dg_week *weeks, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		char label[16];
		const dg_week *w = &weeks[i];

		dg_history_label(o, w->since, label);
		json_array_append_new(a, json_pack("{s:s, s:o, s:o, s:o}", "week", label,
			"merged_prs", w->merged_prs >= 0 ? json_integer(w->merged_prs) : json_null(),
			"contributors", w->contributors >= 0 ? json_integer(w->contributors) : json_null(),
			"new_contributors", w->new_contributors >= 0 ? json_integer(w->new_contributors) : json_null()));
	}
	return a;
}

int dg_history_own(const dg_config *cfg, const dg_history_opts *o, int iso_year, int week, size_t n_own,
		   json_t *collected, dg_week *out)
{
	int64_t last;
	json_t *p;
	size_t i, k;
	int err;

	if ((err = dg_date_week_start(iso_year, week, o->timezone, &last)) < 0 ||
	    (err = dg_history_weeks(o, last, n_own, out)) < 0)
		return err;
	for (k = 0; k < n_own; k++) {
		json_t *pulls = json_array();
		int64_t fresh = 0;

		json_array_foreach(json_object_get(collected, "merged_pulls"), i, p) {
			int64_t t = 0;
			if (dg_date_parse_rfc3339(dg_json_str(p, "merged_at"), &t) == 0 &&
			    t >= out[k].since && t < out[k].until)
				json_array_append(pulls, p);
			dg_err_clear();
		}
		json_array_foreach(json_object_get(collected, "new_contributors"), i, p) {
			int64_t t = 0;
			json_t *first = json_object_get(p, "first_pull");
			if (dg_date_parse_rfc3339(dg_json_str(first, "merged_at"), &t) == 0 &&
			    t >= out[k].since && t < out[k].until)
				fresh++;
			dg_err_clear();
		}
		dg_weekly_count(cfg, pulls, &out[k].merged_prs, &out[k].contributors);
		out[k].new_contributors = fresh;
		json_decref(pulls);
	}
	return 0;
}
