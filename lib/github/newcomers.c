/* newcomers.c - who contributed for the first time in the window.
 *
 * A person is new when their first merged pull request in any watched
 * repository falls in the window. The store remembers, per person, the
 * earliest merged PR seen and whether anything earlier exists; people it does
 * not know are asked about with the search API, six to a query. */
#include "github/collectint.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jsonx.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Authors per search: GitHub allows five AND/OR/NOT operators in a query. */
#define AUTHOR_BATCH 6

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

int dg_newcomers_init(dg_newcomers *nc, dg_collector *c, dg_authors *authors)
{
	memset(nc, 0, sizeof(*nc));
	nc->c = c;
	nc->authors = authors;
	nc->scope = dg_scope_key(&c->cfg->orgs, &c->cfg->repos);
	nc->found = json_array();
	if (!nc->scope || !nc->found) {
		dg_newcomers_clear(nc);
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	}
	return 0;
}

void dg_newcomers_clear(dg_newcomers *nc)
{
	free(nc->scope);
	json_decref(nc->found);
	memset(nc, 0, sizeof(*nc));
}

size_t dg_newcomers_batch(dg_author *const *batch, size_t n, const char *group)
{
	/* the query around the authors, with the RFC 3339 date */
	size_t base = strlen(group) + DG_DATE_RFC3339_LEN - 1 + 40, who = 0, k;

	for (k = 0; k < n && k < AUTHOR_BATCH; k++) {
		size_t len = strlen(batch[k]->login);
		if (k && base + who + len + 14 > SEARCH_QUERY_MAX)
			break;
		who += (k ? 4 : 0) + 7 + len; /* " OR " "author:" */
	}
	return k;
}

int dg_newcomers_query(dg_author *const *batch, size_t n, const char *group, int64_t since,
		       char **who, char **query)
{
	char day[DG_DATE_RFC3339_LEN];
	dg_buf w = DG_BUF_INIT, q = DG_BUF_INIT;

	dg_date_format_utc(since, day);
	for (size_t k = 0; k < n; k++)
		dg_buf_printf(&w, "%sauthor:%s", k ? " OR " : "", batch[k]->login);
	if (n > 1)
		dg_buf_printf(&q, "is:pr is:merged (%s) %s merged:<%s", dg_buf_cstr(&w), group, day);
	else
		dg_buf_printf(&q, "is:pr is:merged %s %s merged:<%s", dg_buf_cstr(&w), group, day);
	*who = dg_buf_detach(&w);
	*query = dg_buf_detach(&q);
	if (!*who || !*query) {
		free(*who);
		free(*query);
		*who = *query = NULL;
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	}
	return 0;
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
static void note_earlier(dg_newcomers *nc, dg_author *a, json_t *item, int64_t t, int complete)
{
	const char *ru = dg_json_str(item, "repository_url");
	const char *slash = strstr(ru, "/repos/");
	dg_pull_ref e = {0};

	if (!a->has_earlier || t < a->earlier.merged) {
		e.repo = strdup(slash ? slash + 7 : "");
		e.number = json_integer_value(json_object_get(item, "number"));
		e.url = strdup(dg_json_str(item, "html_url"));
		e.merged = t;
		if (!e.repo || !e.url) {
			dg_pull_ref_clear(&e);
			dg_collector_failed(nc->c, a->login, "out of memory");
			a->search_failed = 1;
			return;
		}
		dg_pull_ref_clear(&a->earlier);
		a->earlier = e;
		a->has_earlier = 1;
	}
	if (!complete)
		a->earlier_inexact = 1;
}

/* Answers to "did these people have a merged PR before the window?".
 * A person found in the results is settled. One not found is settled only
 * when the page held every match; otherwise, or when the results do not
 * look like an OR over the batch, each is asked about alone. */
static void on_author_search(dg_http *h, void *ud, const dg_http_response *resp, int err,
			     const char *msg)
{
	author_job *j = ud;
	dg_newcomers *nc = j->nc;
	json_t *items, *item;
	dg_author *retry[AUTHOR_BATCH];
	size_t i, n = j->n, nretry = 0;
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
		/* Someone outside the batch: the OR was not understood. */
		search_one_by_one(nc, j->group, j->batch, n);
		author_job_free(j);
		return;
	}
	if (n > 1 && json_array_size(items))
		nc->or_understood = 1;
	if (n > 1 && !json_array_size(items) && !nc->or_understood) {
		/* Nobody found: trust that only once the OR is known to work here
		 * (a query GitHub misread as text would also find nothing). */
		search_one_by_one(nc, j->group, j->batch, n);
		author_job_free(j);
		return;
	}
	complete = (size_t)json_integer_value(json_object_get(resp->json, "total_count")) <=
		   json_array_size(items);
	json_array_foreach(items, i, item) {
		int64_t t = dg_collect_time_of(json_object_get(item, "pull_request"), "merged_at", &ok);
		dg_author *a;

		if (!ok || t >= nc->c->since)
			continue;
		if ((a = dg_authors_find_ci(nc->authors, dg_json_str(json_object_get(item, "user"), "login"))))
			note_earlier(nc, a, item, t, complete);
	}
	for (i = 0; i < n; i++) {
		dg_author *a = j->batch[i];
		/* Alone, every match is earlier: an incomplete page still found one. */
		if (a->has_earlier || complete || n == 1)
			a->searched = 1;
		else
			retry[nretry++] = a;
	}
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
		author_job *j = calloc(1, sizeof(*j));
		char *q = NULL;

		if (!j || dg_newcomers_query(authors + i, k, group, nc->c->since, &j->who, &q) < 0) {
			dg_collector_failed(nc->c, group, "out of memory: a new contributor search");
			for (size_t x = i; x < i + k; x++)
				authors[x]->search_failed = 1;
			author_job_free(j);
		} else {
			j->nc = nc;
			j->group = group;
			memcpy(j->batch, authors + i, k * sizeof(*authors));
			j->n = k;
			if (dg_collect_search(nc->c, q, on_author_search, j, author_job_free) < 0)
				for (size_t x = i; x < i + k; x++)
					authors[x]->search_failed = 1;
		}
		free(q);
		i += k;
	}
}

void dg_newcomers_search(dg_newcomers *nc, char **groups)
{
	dg_authors *all = nc->authors;
	dg_author **unknown = calloc(all->n + 1, sizeof(*unknown));
	size_t n = 0;

	if (!unknown) {
		dg_collector_failed(nc->c, "new contributors", "out of memory");
		for (size_t i = 0; i < all->n; i++)
			all->v[i].search_failed = 1;
		return;
	}
	/* In login order: the same batches (and so the same cached URLs) every run. */
	for (size_t i = 0; i < all->n; i++) {
		dg_author *a = &all->v[i];
		dg_contributor known;
		int found = dg_store_contributor_get(nc->c->store, nc->scope, a->login, &known);

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
	for (size_t g = 0; groups[g]; g++)
		search_authors(nc, groups[g], unknown, n);
	free(unknown);
}

/* The model's entry for a new contributor. */
static int add_found(dg_newcomers *nc, const dg_author *a)
{
	const dg_pull_ref *f = &a->first;

	return json_array_append_new(nc->found,
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
		if (is_new && add_found(nc, a) < 0)
			dg_collector_failed(c, a->login, "out of memory");
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
	if (dg_store_commit(c->store) < 0)
		dg_collector_failed(c, "state store", dg_err_last());
}
