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

/* A page of a week's search: its items recorded, its total noted. */
typedef struct week_page {
	collect *c;
	int64_t *total;          /* the first page's total_count (-1: none); NULL for later pages */
	int *failed;
} week_page;

static void on_week_page(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	week_page *j = ud;
	json_t *items = err ? NULL : json_object_get(resp->json, "items");

	(void)h;
	if (err || !json_is_array(items)) {
		dg_collector_failed(&j->c->base, "merged pull requests of a week (trends)",
				    err ? msg : "expected a search result with \"items\"");
		*j->failed = 1;
	} else {
		dg_pulls_record(j->c, items);
		if (j->total)
			*j->total = dg_collect_total(resp->json);
		/* A first page that is not full holds the whole result: a bigger
		 * total is a count the server cannot back. */
		if (j->total && *j->total > (int64_t)json_array_size(items) && json_array_size(items) < 100) {
			dg_collector_failed(&j->c->base, resp->url, "the search reported more merged pull requests than "
					    "its first page (not full) holds");
			*j->failed = 1;
			*j->total = -1;
		}
		j->c->merged_sent++;
		if (!*j->failed && j->total && *j->total > (int64_t)json_array_size(items) && *j->total <= SEARCH_CAP) {
			/* The other pages, all at once: the whole week within one order. */
			int64_t last = (*j->total + 99) / 100;
			for (int64_t p = 2; p <= last; p++) {
				dg_buf url = DG_BUF_INIT;   /* uncapped: cannot fail */
				week_page *more = dg_calloc(1, sizeof(*more));

				more->c = j->c;
				more->failed = j->failed;
				dg_buf_printf(&url, "%s&page=%lld", resp->url, (long long)p);
				if (dg_collector_get(&j->c->base, dg_buf_cstr(&url), 0, on_week_page, more, free) < 0)
					*j->failed = 1;
				dg_buf_free(&url);
			}
		}
	}
	free(j);
}

/* The weeks asked for, each scope group of each with one merged-PR search,
 * all at once: a week of at most SEARCH_CAP merged pulls is read whole (its
 * other pages queued when its first gives the total) and counted as the
 * report counts; a bigger one is counted by the search's total alone
 * (contributors and new contributors unknown: a gap in their line), so a
 * week costs at most SEARCH_CAP / 100 requests a group. A search that fails
 * leaves its week unknown, named. */
int dg_weekly_backfill(const dg_config *cfg, dg_http *http, dg_store *store, json_t *repos, dg_week *weeks,
		       size_t n, json_t *warnings, json_t *failures)
{
	collect c;
	size_t i, ngroups = 0, first = 0, per_week;
	int64_t *totals = NULL, lo = INT64_MAX, hi = INT64_MIN;
	int *failed = NULL;
	json_t *r, *v;
	const char *k;
	int err = 0;

	for (i = 0; i < n; i++)
		weeks[i].merged_prs = weeks[i].contributors = weeks[i].new_contributors = -1;
	if (!n)
		return 0;
	memset(&c, 0, sizeof(c));
	c.groups = dg_scope_groups(&cfg->orgs, &cfg->repos);
	while (c.groups[ngroups])
		ngroups++;
	/* The newest weeks first, as many as a run's share allows at their
	 * dearest: the rest are asked by the next run (each week is kept once
	 * known), so a big config does not spend many minutes of GitHub's
	 * search limit on the past in one run. */
	per_week = (SEARCH_CAP / 100) * (ngroups ? ngroups : 1);
	if (n * per_week > BACKFILL_RUN_SEARCHES)
		first = n - (BACKFILL_RUN_SEARCHES / per_week ? BACKFILL_RUN_SEARCHES / per_week : 1);
	for (i = first; i < n; i++) {
		lo = weeks[i].since < lo ? weeks[i].since : lo;
		hi = weeks[i].until > hi ? weeks[i].until : hi;
	}
	(void)dg_collector_init(&c.base, cfg, http, store, lo, hi);   /* 0 */
	c.after_repos = after_repos;
	c.after_pulls = after_pulls;
	c.repos = json_object();
	c.pulls = json_object();
	totals = dg_calloc(n * ngroups + 1, sizeof(*totals));
	failed = dg_calloc(n + 1, sizeof(*failed));
	json_array_foreach(repos, i, r) {
		char *key = dg_text_lower(dg_json_str(r, "full_name"));
		if (key && *key)
			json_object_set_new(c.repos, key, json_pack("{s:s}", "full_name", dg_json_str(r, "full_name")));
		free(key);
	}
	c.repos_done = 1;
	for (i = first; i < n; i++)
		for (size_t g = 0; g < ngroups; g++) {
			char *q = dg_pulls_query(c.groups[g], weeks[i].since, weeks[i].until);
			week_page *j = dg_calloc(1, sizeof(*j));

			j->c = &c;
			j->total = &totals[i * ngroups + g];
			j->failed = &failed[i];
			totals[i * ngroups + g] = -1;
			if (dg_collect_search(&c.base, q, on_week_page, j, free) < 0)
				failed[i] = 1;
			free(q);
		}
	if ((err = dg_http_run(http)) < 0)
		goto done;
	json_array_foreach(c.base.warnings, i, v)
		dg_json_appendf(warnings, "trends: %s", json_string_value(v));
	json_array_foreach(c.base.failures, i, v)
		dg_json_appendf(failures, "trends: %s", json_string_value(v));
	for (i = first; i < n; i++) {
		int64_t sum = 0;
		int whole = 1;
		json_t *week;

		for (size_t g = 0; g < ngroups; g++) {
			if (totals[i * ngroups + g] < 0)
				failed[i] = 1;
			else if (totals[i * ngroups + g] > SEARCH_CAP)
				whole = 0;
			sum += totals[i * ngroups + g] > 0 ? totals[i * ngroups + g] : 0;
		}
		if (failed[i])
			continue;
		if (!whole) {
			weeks[i].merged_prs = sum;   /* too many to read for a chart: the search's total */
			continue;
		}
		week = json_array();
		json_object_foreach(c.pulls, k, r) {
			int ok = 0;
			int64_t t = dg_collect_time_of(r, "merged_at", &ok);
			if (ok && t >= weeks[i].since && t < weeks[i].until)
				json_array_append(week, r);
		}
		dg_weekly_count(cfg, week, &weeks[i].merged_prs, &weeks[i].contributors);
		weeks[i].new_contributors = dg_weekly_known_newcomers(cfg, store, week, weeks[i].since, weeks[i].until);
		json_decref(week);
	}
	if (first)
		dg_json_appendf(warnings, "trends: %zu earlier week%s not asked for in this run (at most %d searches of "
				"past weeks a run); the next run goes on", first, first == 1 ? "" : "s",
				BACKFILL_RUN_SEARCHES);
done:
	free(totals);
	free(failed);
	dg_scope_groups_free(c.groups);
	json_decref(c.merged_early);
	json_decref(c.repos);
	json_decref(c.pulls);
	json_decref(c.org);
	dg_collector_clear(&c.base);
	return err;
}
