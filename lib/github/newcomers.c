/* newcomers.c - who contributed for the first time in the window.
 *
 * A person is new when their first merged pull request in any watched
 * repository falls in the window. The store remembers, per person, the
 * earliest merged PR seen and whether anything earlier exists; people it does
 * not know are asked about with the search API, up to six to a query.
 *
 * An empty answer to "(author:a OR author:b ...)" means "none of them" only
 * where the server applies OR to every term: servers without GitHub's
 * advanced search (older Enterprise Server, proxies) read the parentheses as
 * words, AND the terms or keep one author, and answer nothing or too little.
 * So authors are batched only once a probe proved the syntax at this API
 * base: a search for people this run saw merge in scope, in the window, whose
 * answer must hold every one of them and nobody else. The proof is kept in
 * the store per API base (PROOF_MAX_AGE); without one each author is asked
 * about alone. A misread query costs requests, never a wrong fact. */
#include "github/collectint.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jsonx.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Authors per search: GitHub allows five AND/OR/NOT operators in a query. */
#define AUTHOR_BATCH 6
/* A probe's answer must fit one page (per_page=100) to prove anything; an
 * author batch is filled while the in-window pulls of its people (a lower
 * bound of their answer) fit that page too: the busiest of this run are
 * likely the long histories that fill a page before the others show, so
 * they go apart, and the rest fill the query to GitHub's limits. */
#define PROBE_PAGE 100
/* A proof older than this is made again (a server may change under a URL). */
#define PROOF_MAX_AGE (30 * 86400)

/* One author search in flight. */
typedef struct author_job {
	dg_newcomers *nc;
	char *who;               /* "author:a OR author:b" */
	const char *group;       /* the scope qualifier (borrowed from the groups) */
	dg_author *batch[AUTHOR_BATCH];
	size_t n;
} author_job;

static void author_job_free(void *p)
{
	author_job *j = p;

	if (j) {
		free(j->who);
		free(j);
	}
}

void dg_newcomers_init(dg_newcomers *nc, dg_collector *c, dg_authors *authors)
{
	memset(nc, 0, sizeof(*nc));
	nc->c = c;
	nc->authors = authors;
	nc->scope = dg_scope_key(&c->cfg->orgs, &c->cfg->repos);
	nc->found = json_array();
	nc->or_terms = 1;
	nc->now = (int64_t)time(NULL);
}

void dg_newcomers_clear(dg_newcomers *nc)
{
	free(nc->scope);
	free(nc->unknown);
	json_decref(nc->found);
	memset(nc, 0, sizeof(*nc));
}

size_t dg_newcomers_batch(dg_author *const *batch, size_t n, const char *group)
{
	/* the query around the authors, with the RFC 3339 date */
	size_t base = strlen(group) + DG_DATE_RFC3339_LEN - 1 + 40, who = 0, k;
	long pulls = 0;

	for (k = 0; k < n && k < AUTHOR_BATCH; k++) {
		size_t len = strlen(batch[k]->login);
		long p = batch[k]->pulls > 0 ? batch[k]->pulls : 0;
		if (k && base + who + len + 14 > SEARCH_QUERY_MAX)
			break;
		if (k && pulls + p > PROBE_PAGE)
			break;
		who += (k ? 4 : 0) + 7 + len; /* " OR " "author:" */
		pulls += p;
	}
	return k;
}

/* "is:pr is:merged (WHO) GROUP WHEN" (no parentheses for one author). */
static void author_query(dg_author *const *batch, size_t n, const char *group, const char *when,
			 char **who, char **query)
{
	dg_buf w = DG_BUF_INIT, q = DG_BUF_INIT;

	for (size_t k = 0; k < n; k++)
		dg_buf_printf(&w, "%sauthor:%s", k ? " OR " : "", batch[k]->login);
	if (n > 1)
		dg_buf_printf(&q, "is:pr is:merged (%s) %s %s", dg_buf_cstr(&w), group, when);
	else
		dg_buf_printf(&q, "is:pr is:merged %s %s %s", dg_buf_cstr(&w), group, when);
	*who = dg_buf_detach(&w);     /* uncapped: never NULL */
	*query = dg_buf_detach(&q);
}

void dg_newcomers_query(dg_author *const *batch, size_t n, const char *group, int64_t since,
			char **who, char **query)
{
	char when[DG_DATE_RFC3339_LEN + 16];

	memcpy(when, "merged:<", 8);
	dg_date_format_utc(since, when + 8);
	author_query(batch, n, group, when, who, query);
}

void dg_newcomers_probe_query(dg_author *const *probe, size_t n, const char *group, int64_t since,
			      int64_t until, char **query)
{
	char when[2 * DG_DATE_RFC3339_LEN + 16], *who;

	memcpy(when, "merged:", 7);
	dg_date_format_utc(since, when + 7);
	strcat(when, "..");
	dg_date_format_utc(until - 1, when + strlen(when)); /* inclusive: [since, until) */
	author_query(probe, n, group, when, &who, query);
	free(who);
}

size_t dg_newcomers_probe_pick(dg_author *const *authors, size_t n, const char *group,
			       dg_author **probe)
{
	size_t k = 0;
	int64_t sum = 0;

	/* The fewest pulls first, so that every match fits one page. */
	while (k < AUTHOR_BATCH) {
		dg_author *best = NULL;

		for (size_t i = 0; i < n; i++) {
			dg_author *a = authors[i];
			int taken = 0;

			for (size_t x = 0; x < k && !taken; x++)
				taken = probe[x] == a || !strcasecmp(probe[x]->login, a->login);
			if (taken || a->pulls < 1 || !a->first.repo || !dg_scope_group_has(group, a->first.repo))
				continue;
			if (!best || a->pulls < best->pulls)
				best = a;
		}
		if (!best || sum + best->pulls > PROBE_PAGE)
			break;
		sum += best->pulls;
		probe[k++] = best;
	}
	return k;
}

int dg_newcomers_probe_check(dg_author *const *probe, size_t n, json_t *result)
{
	json_t *items = json_object_get(result, "items"), *item;
	unsigned seen = 0;
	size_t i, x;

	if (!json_is_array(items) || n < 2 || n > AUTHOR_BATCH)
		return 0;
	json_array_foreach(items, i, item) {
		const char *login = dg_json_str(json_object_get(item, "user"), "login");

		for (x = 0; x < n && strcasecmp(probe[x]->login, login); x++)
			;
		if (x == n)
			return 0; /* someone else: not an OR over these authors */
		seen |= 1u << x;
	}
	return seen == (1u << n) - 1;
}

static void search_authors(dg_newcomers *nc, const char *group, dg_author *const *authors, size_t n);

static void mark_failed(author_job *j)
{
	for (size_t i = 0; i < j->n; i++)
		j->batch[i]->search_failed = 1;
}

static int batch_has(const author_job *j, const char *login)
{
	for (size_t i = 0; i < j->n; i++)
		if (!strcasecmp(j->batch[i]->login, login))
			return 1;
	return 0;
}

static void search_one_by_one(dg_newcomers *nc, const char *group, dg_author *const *authors, size_t n)
{
	for (size_t i = 0; i < n; i++)
		search_authors(nc, group, &authors[i], 1);
}

/* Remember `item` (a merged pull before the window) as the earliest of `a`
 * when it is. */
static void note_earlier(dg_author *a, json_t *item, int64_t t, int complete)
{
	const char *ru = dg_json_str(item, "repository_url");
	const char *slash = strstr(ru, "/repos/");
	dg_pull_ref e = {0};

	if (!a->has_earlier || t < a->earlier.merged) {
		e.repo = dg_strdup(slash ? slash + 7 : "");
		e.number = json_integer_value(json_object_get(item, "number"));
		e.url = dg_strdup(dg_json_str(item, "html_url"));
		e.merged = t;
		dg_pull_ref_clear(&a->earlier);
		a->earlier = e;
		a->has_earlier = 1;
	}
	if (!complete)
		a->earlier_inexact = 1;
}

/* Answers to "did these people have a merged PR before the window?".
 * A person found in the results is settled. One not found is settled only
 * when the page held every match; otherwise those left are asked about again
 * in a smaller batch; when the results do not look like an OR over the
 * batch, each is asked about alone. */
static void on_author_search(dg_http *h, void *ud, const dg_http_response *resp, int err,
			     const char *msg)
{
	author_job *j = ud;
	dg_newcomers *nc = j->nc;
	json_t *items, *item;
	dg_author *retry[AUTHOR_BATCH];
	size_t i, n = j->n, nretry = 0;
	int64_t total;
	int complete, ok;

	(void)h;
	if (err) {
		dg_collector_failed(nc->c, j->who, msg);
		mark_failed(j);
		author_job_free(j);
		return;
	}
	items = json_object_get(resp->json, "items");
	if (!json_is_array(items)) {
		dg_collector_failed(nc->c, resp->url, "expected a search result with \"items\"");
		mark_failed(j);
		author_job_free(j);
		return;
	}
	json_array_foreach(items, i, item)
		if (!batch_has(j, dg_json_str(json_object_get(item, "user"), "login")))
			break;
	if (i < json_array_size(items) && n > 1) {
		/* Someone outside the batch: the OR is not what the probe saw.
		 * Trust no other batch of this run, and forget the proof. */
		nc->or_terms = 1;
		nc->or_revoked = 1;
		search_one_by_one(nc, j->group, j->batch, n);
		author_job_free(j);
		return;
	}
	if (n > (size_t)nc->or_terms) {
		/* Not (or no longer) proven that OR covers every term here. */
		search_one_by_one(nc, j->group, j->batch, n);
		author_job_free(j);
		return;
	}
	total = dg_collect_total(resp->json);
	complete = total >= 0 && (uint64_t)total <= json_array_size(items);
	json_array_foreach(items, i, item) {
		int64_t t = dg_collect_time_of(json_object_get(item, "pull_request"), "merged_at", &ok);
		dg_author *a;

		if (!ok || t >= nc->c->since)
			continue;
		if ((a = dg_authors_find_ci(nc->authors, dg_json_str(json_object_get(item, "user"), "login"))))
			note_earlier(a, item, t, complete);
	}
	for (i = 0; i < n; i++) {
		dg_author *a = j->batch[i];
		/* Alone, every match is earlier: an incomplete page still found one. */
		if (a->has_earlier || complete || n == 1)
			a->searched = 1;
		else
			retry[nretry++] = a;
	}
	/* Those the full page left out are asked about again, together: the
	 * people it was full of are settled, so the batch shrinks each time. */
	if (nretry < n)
		search_authors(nc, j->group, retry, nretry);
	else
		search_one_by_one(nc, j->group, retry, nretry);
	author_job_free(j);
}

/* Queue searches for `authors` within one scope group, batched under
 * GitHub's operator and query-length limits. */
static void search_authors(dg_newcomers *nc, const char *group, dg_author *const *authors, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t k = dg_newcomers_batch(authors + i, n - i, group);

		if (k > (size_t)nc->or_terms)
			k = nc->or_terms > 1 ? (size_t)nc->or_terms : 1;
		author_job *j = dg_calloc(1, sizeof(*j));
		char *q;

		dg_newcomers_query(authors + i, k, group, nc->c->since, &j->who, &q);
		j->nc = nc;
		j->group = group;
		memcpy(j->batch, authors + i, k * sizeof(*authors));
		j->n = k;
		if (dg_collect_search(nc->c, q, on_author_search, j, author_job_free) < 0)
			for (size_t x = i; x < i + k; x++)
				authors[x]->search_failed = 1;
		free(q);
		i += k;
	}
}

/* The searches for the unknown authors, batched as far as proven. */
static void search_unknown(dg_newcomers *nc)
{
	for (size_t g = 0; nc->groups[g]; g++)
		search_authors(nc, nc->groups[g], nc->unknown, nc->nunknown);
	free(nc->unknown);
	nc->unknown = NULL;
	nc->nunknown = 0;
}

typedef struct probe_job {
	dg_newcomers *nc;
	dg_author *probe[AUTHOR_BATCH];
	size_t n;
} probe_job;

static void on_probe(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	probe_job *j = ud;
	dg_newcomers *nc = j->nc;

	(void)h;
	(void)msg; /* a failed probe proves nothing: each author is asked alone */
	if (!err && dg_newcomers_probe_check(j->probe, j->n, resp->json)) {
		nc->or_terms = (int)j->n;
		nc->or_proven = 1;
	}
	free(j);
	search_unknown(nc);
}

/* Queue the probe (the unknown authors' searches follow its answer); 0 when
 * queued, else <0 (nothing to probe with, or it could not be queued). */
static int probe(dg_newcomers *nc)
{
	probe_job *j = dg_calloc(1, sizeof(*j));
	dg_author *pick[AUTHOR_BATCH], **all = dg_calloc(nc->authors->n + 1, sizeof(*all));
	char *q = NULL;
	int err = DG_ERR_FAIL;

	for (size_t i = 0; i < nc->authors->n; i++)
		all[i] = &nc->authors->v[i];
	/* The group offering the most people to probe with. */
	for (size_t g = 0; nc->groups[g] && j->n < AUTHOR_BATCH; g++) {
		size_t k = dg_newcomers_probe_pick(all, nc->authors->n, nc->groups[g], pick);
		char *gq = NULL;

		/* Under the query-length limit: fewer people. */
		while (k >= 2) {
			dg_newcomers_probe_query(pick, k, nc->groups[g], nc->c->since, nc->c->until, &gq);
			if (strlen(gq) <= SEARCH_QUERY_MAX)
				break;
			free(gq);
			gq = NULL;
			k--;
		}
		if (k >= 2 && k > j->n) {
			free(q);
			q = gq;
			gq = NULL;
			memcpy(j->probe, pick, k * sizeof(*pick));
			j->n = k;
		}
		free(gq);
	}
	if (j->n < 2)
		goto done;
	j->nc = nc;
	err = dg_collect_search(nc->c, q, on_probe, j, free);
	j = NULL; /* freed by the search when not queued */
done:
	free(j);
	free(all);
	free(q);
	return err;
}

void dg_newcomers_search(dg_newcomers *nc, char **groups)
{
	dg_authors *all = nc->authors;
	dg_author **unknown = dg_calloc(all->n + 1, sizeof(*unknown));
	size_t n = 0;
	int64_t proven_at = 0;
	int terms = 0, found;

	/* In login order: the same batches (and so the same cached URLs) every run. */
	for (size_t i = 0; i < all->n; i++) {
		dg_author *a = &all->v[i];
		dg_contributor known;

		found = dg_store_contributor_get(nc->c->store, nc->scope, a->login, &known);
		if (found < 0) {
			dg_collector_failed(nc->c, "state store", dg_err_last());
			continue;
		}
		if (found == 1) {
			a->known = 1;
			a->known_first_at = known.first_merged_at;
			if (known.first_merged_at < nc->c->since || known.exact) {
				dg_contributor_clear(&known);
				continue; /* answered by the store */
			}
		}
		dg_contributor_clear(&known);
		unknown[n++] = a;
	}
	nc->groups = groups;
	nc->unknown = unknown;
	nc->nunknown = n;
	nc->or_terms = 1;
	if (n < 2) {
		search_unknown(nc);
		return;
	}
	found = dg_store_search_or_get(nc->c->store, nc->c->api, &terms, &proven_at);
	if (found < 0)
		dg_collector_failed(nc->c, "state store", dg_err_last());
	if (found == 1 && terms >= 2 && proven_at <= nc->now && nc->now - proven_at < PROOF_MAX_AGE) {
		nc->or_terms = terms < AUTHOR_BATCH ? terms : AUTHOR_BATCH;
		search_unknown(nc);
	} else if (probe(nc) < 0) {
		search_unknown(nc);
	}
}

/* The model's entry for a new contributor (strings that came out of
 * jansson: valid UTF-8, which json_pack cannot refuse). */
static void add_found(dg_newcomers *nc, const dg_author *a)
{
	const dg_pull_ref *f = &a->first;

	json_array_append_new(nc->found,
		json_pack("{s:s, s:s, s:s, s:{s:s, s:I, s:s, s:s, s:s}}",
			  "login", a->login, "url", a->url, "avatar_url", a->avatar_url,
			  "first_pull", "repo", f->repo, "number", (json_int_t)f->number,
			  "url", f->url, "merged_at", f->merged_at, "title", f->title));
}

void dg_newcomers_settle(dg_newcomers *nc)
{
	dg_collector *c = nc->c;

	if (dg_store_begin(c->store) < 0) {
		dg_collector_failed(c, "state store", dg_err_last());
		return;
	}
	for (size_t i = 0; i < nc->authors->n; i++) {
		dg_author *a = &nc->authors->v[i];
		const dg_pull_ref *from = NULL;  /* what the store is told */
		int is_new = 0, exact = 1;

		if (a->search_failed)
			continue;
		if (a->searched) {
			if (a->has_earlier) {
				from = &a->earlier;
				exact = !a->earlier_inexact;
			} else {
				is_new = 1;
				from = &a->first;
			}
		} else if (a->known && a->known_first_at >= c->since) {
			/* Known exactly, and nothing before the window: new if the first
			 * PR falls here (an earlier run may have seen a later PR only). */
			is_new = 1;
			if (a->first.merged < a->known_first_at)
				from = &a->first;
		}
		if (is_new)
			add_found(nc, a);
		if (from) {
			dg_contributor rec = {
				.login = a->login, .user_id = a->id, .first_repo = from->repo,
				.first_number = from->number, .first_url = from->url,
				.first_merged_at = from->merged, .exact = exact,
			};
			if (dg_store_contributor_put(c->store, nc->scope, &rec) < 0)
				dg_collector_failed(c, "state store", dg_err_last());
		}
	}
	/* What this run proved (or saw contradicted) of the search syntax. */
	if ((nc->or_revoked || nc->or_proven) &&
	    dg_store_search_or_put(c->store, c->api, nc->or_revoked ? 0 : nc->or_terms, nc->now) < 0)
		dg_collector_failed(c, "state store", dg_err_last());
	if (dg_store_commit(c->store) < 0)
		dg_collector_failed(c, "state store", dg_err_last());
}
