/* weekly.c - a week's counts as the report counts them; the weeks digest
 * never ran, asked for with the collector's merged-PR search. */
#include "github/weekly.h"
#include "github/collectint.h"
#include "github/collect.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/text.h"

#include <stdlib.h>
#include <string.h>

void dg_weekly_count(const dg_config *cfg, json_t *pulls, int64_t *merged_prs, int64_t *contributors)
{
	json_t *people = json_array(), *p;
	dg_authors a;
	size_t i;

	/* A kept collection says "bot" where the search said the author's type. */
	json_array_foreach(pulls, i, p)
		json_array_append_new(people, json_pack("{s:s, s:s}", "author", dg_json_str(p, "author"), "author_type",
						       json_is_true(json_object_get(p, "bot")) ? "Bot" :
						       dg_json_str(p, "author_type")));
	dg_authors_build(&a, cfg, people);
	json_decref(people);
	*merged_prs = (int64_t)json_array_size(pulls);
	*contributors = (int64_t)a.n;
	dg_authors_clear(&a);
}

char *dg_weekly_people_scope(const dg_config *cfg)
{
	return dg_scope_key(&cfg->orgs, &cfg->repos);
}

char *dg_weekly_scope(const dg_config *cfg)
{
	char *people = dg_scope_key(&cfg->orgs, &cfg->repos);
	dg_buf b = DG_BUF_INIT;   /* no cap: cannot fail */

	dg_buf_printf(&b, "%s %s", cfg->api_url, people);
	for (size_t i = 0; i < cfg->exclude_repos.n; i++) {
		char *low = dg_text_lower(cfg->exclude_repos.v[i]);
		dg_buf_printf(&b, " -%s", low);
		free(low);
	}
	dg_buf_printf(&b, "%s%s", cfg->include_archived ? " +archived" : "", cfg->include_forks ? " +forks" : "");
	free(people);
	return dg_buf_detach(&b);
}

int64_t dg_weekly_known_newcomers(const dg_config *cfg, dg_store *store, json_t *pulls, int64_t since,
				  int64_t until)
{
	dg_authors a;
	char *scope = dg_scope_key(&cfg->orgs, &cfg->repos);
	int64_t found = 0;

	dg_authors_build(&a, cfg, pulls);
	for (size_t i = 0; i < a.n && found >= 0; i++) {
		dg_contributor rec = {0};
		int got = dg_store_contributor_get(store, scope, a.v[i].login, &rec);

		if (got < 0)
			dg_err_clear();
		if (got != 1)
			found = -1;                 /* nobody knows this person's first */
		else if (rec.first_merged_at < since)
			;                           /* merged before: not new, surely */
		else if (rec.exact && rec.first_merged_at < until && a.v[i].first.merged >= rec.first_merged_at)
			found++;                    /* nothing before this week's */
		else
			found = -1;
		dg_contributor_clear(&rec);
	}
	dg_authors_clear(&a);
	free(scope);
	return found;
}

/* The watched set is known (given, or every listing in): record the merged
 * pulls that came before it. */
static void after_repos(collect *c)
{
	json_t *early = c->merged_early;

	c->repos_done = 1;
	c->merged_early = NULL;
	if (early)
		dg_pulls_record(c, early);
	json_decref(early);
}

static void after_pulls(collect *c)
{
	(void)c;
}

int dg_weekly_repos(const dg_config *cfg, dg_http *http, dg_store *store, json_t **repos, json_t *warnings,
		    json_t *failures)
{
	collect c;
	const char *k;
	json_t *r, *v;
	size_t i;
	int err;

	*repos = NULL;
	memset(&c, 0, sizeof(c));
	(void)dg_collector_init(&c.base, cfg, http, store, 0, 0);   /* 0 */
	c.after_repos = after_repos;
	c.after_pulls = after_pulls;
	c.repos = json_object();
	dg_repos_queue(&c);
	if ((err = dg_http_run(http)) == 0) {
		json_array_foreach(c.base.warnings, i, v)
			dg_json_appendf(warnings, "trends: %s", json_string_value(v));
		json_array_foreach(c.base.failures, i, v)
			dg_json_appendf(failures, "trends: %s", json_string_value(v));
		if (!json_array_size(c.base.failures)) {
			*repos = json_array();
			json_object_foreach(c.repos, k, r)
				json_array_append(*repos, r);
		}
	}
	json_decref(c.repos);
	json_decref(c.org);
	json_decref(c.merged_early);
	dg_collector_clear(&c.base);
	return err;
}

int dg_weekly_backfill(const dg_config *cfg, dg_http *http, dg_store *store, json_t *repos, dg_week *weeks,
		       size_t n, json_t *warnings, json_t *failures)
{
	collect c;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	size_t ngroups = 0, i;
	json_t *r, *all = NULL;
	int err = 0;

	for (i = 0; i < n; i++) {
		weeks[i].merged_prs = weeks[i].contributors = weeks[i].new_contributors = -1;
		lo = weeks[i].since < lo ? weeks[i].since : lo;
		hi = weeks[i].until > hi ? weeks[i].until : hi;
	}
	if (!n)
		return 0;
	memset(&c, 0, sizeof(c));
	(void)dg_collector_init(&c.base, cfg, http, store, lo, hi);   /* 0 */
	c.after_repos = after_repos;
	c.after_pulls = after_pulls;
	c.repos = json_object();
	c.pulls = json_object();
	c.groups = dg_scope_groups(&cfg->orgs, &cfg->repos);
	while (c.groups[ngroups])
		ngroups++;
	/* A day's budget a week and group: a week of about 2,500 merged pulls;
	 * past it (or a server that claims more) the weeks stay unknown. */
	c.merged_budget = (int64_t)n * (int64_t)(ngroups ? ngroups : 1) * SEARCHES_PER_DAY;
	json_array_foreach(repos, i, r) {
		char *key = dg_text_lower(dg_json_str(r, "full_name"));
		if (key && *key)
			json_object_set_new(c.repos, key, json_pack("{s:s}", "full_name", dg_json_str(r, "full_name")));
		free(key);
	}
	c.repos_done = 1;
	for (i = 0; i < n; i++)
		for (size_t g = 0; c.groups[g]; g++)
			dg_pulls_search(&c, c.groups[g], weeks[i].since, weeks[i].until);
	if ((err = dg_http_run(http)) < 0)
		goto done;
	if (json_array_size(c.base.failures)) {
		json_t *v;
		json_array_foreach(c.base.warnings, i, v)
			dg_json_appendf(warnings, "trends: %s", json_string_value(v));
		json_array_foreach(c.base.failures, i, v)
			dg_json_appendf(failures, "trends: %s", json_string_value(v));
		goto done;
	}
	all = json_array();
	{
		const char *k;
		json_object_foreach(c.pulls, k, r)
			json_array_append(all, r);
	}
	for (i = 0; i < n; i++) {
		json_t *week = json_array();
		size_t j;
		json_array_foreach(all, j, r) {
			int ok = 0;
			int64_t t = dg_collect_time_of(r, "merged_at", &ok);
			if (ok && t >= weeks[i].since && t < weeks[i].until)
				json_array_append(week, r);
		}
		dg_weekly_count(cfg, week, &weeks[i].merged_prs, &weeks[i].contributors);
		weeks[i].new_contributors = dg_weekly_known_newcomers(cfg, store, week, weeks[i].since, weeks[i].until);
		json_decref(week);
	}
done:
	json_decref(all);
	dg_scope_groups_free(c.groups);
	json_decref(c.merged_early);
	json_decref(c.repos);
	json_decref(c.pulls);
	json_decref(c.org);
	dg_collector_clear(&c.base);
	return err;
}
