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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Authors per search: GitHub allows five AND/OR/NOT operators in a query. */
#define AUTHOR_BATCH 6

static void search_authors(collect *c, const char *group, json_t *logins);

static void mark_failed(collect *c, json_t *batch)
{
	size_t i;
	json_t *login;

	json_array_foreach(batch, i, login)
		json_object_set_new(json_object_get(c->authors, json_string_value(login)), "search_failed",
				    json_true());
}

static int batch_has(json_t *batch, const char *login)
{
	size_t i;
	json_t *l;

	json_array_foreach(batch, i, l)
		if (!strcasecmp(json_string_value(l), login))
			return 1;
	return 0;
}

static void search_one_by_one(collect *c, const char *group, json_t *logins)
{
	size_t i;
	json_t *login;

	json_array_foreach(logins, i, login) {
		json_t *one = json_pack("[O]", login);
		search_authors(c, group, one);
		json_decref(one);
	}
}

/* Answers to "did these people have a merged PR before the window?".
 * A person found in the results is settled. One not found is settled only
 * when the page held every match; otherwise, or when the results do not
 * look like an OR over the batch, each is asked about alone. */
static void on_author_search(dg_http *h, void *ud, const dg_http_response *resp, int err,
			     const char *msg)
{
	page_job *j = ud;
	collect *c = j->c;
	json_t *items, *item, *login, *retry;
	size_t i, n = json_array_size(j->batch);
	int complete, ok;

	(void)h;
	if (err) {
		dg_collect_failed(c, j->repo, msg);
		mark_failed(c, j->batch);
		dg_collect_job_free(j);
		return;
	}
	items = json_object_get(resp->json, "items");
	if (!json_is_array(items)) {
		dg_collect_failed(c, resp->url, "expected a search result with \"items\"");
		mark_failed(c, j->batch);
		dg_collect_job_free(j);
		return;
	}
	json_array_foreach(items, i, item)
		if (!batch_has(j->batch, dg_json_str(json_object_get(item, "user"), "login")))
			break;
	if (i < json_array_size(items) && n > 1) {
		/* Someone outside the batch: the OR was not understood. */
		search_one_by_one(c, j->group, j->batch);
		dg_collect_job_free(j);
		return;
	}
	if (n > 1 && json_array_size(items))
		c->or_understood = 1;
	if (n > 1 && !json_array_size(items) && !c->or_understood) {
		/* Nobody found: trust that only once the OR is known to work here
		 * (a query GitHub misread as text would also find nothing). */
		search_one_by_one(c, j->group, j->batch);
		dg_collect_job_free(j);
		return;
	}
	complete = (size_t)json_integer_value(json_object_get(resp->json, "total_count")) <=
		   json_array_size(items);
	json_array_foreach(items, i, item) {
		const char *who = dg_json_str(json_object_get(item, "user"), "login");
		json_t *a = NULL, *earliest, *v;
		const char *k;
		int64_t t = dg_collect_time_of(json_object_get(item, "pull_request"), "merged_at", &ok);
		int ok2;

		if (!ok || t >= c->since)
			continue;
		json_object_foreach(c->authors, k, v)
			if (!strcasecmp(k, who))
				a = v;
		if (!a)
			continue;
		earliest = json_object_get(a, "earlier");
		if (!earliest || t < dg_collect_time_of(json_object_get(earliest, "pull_request"), "merged_at", &ok2))
			json_object_set(a, "earlier", item);
		if (!complete)
			json_object_set_new(a, "earlier_inexact", json_true());
	}
	retry = json_array();
	json_array_foreach(j->batch, i, login) {
		json_t *a = json_object_get(c->authors, json_string_value(login));
		/* Alone, every match is earlier: an incomplete page still found one. */
		if (json_object_get(a, "earlier") || complete || n == 1)
			json_object_set_new(a, "searched", json_true());
		else
			json_array_append(retry, login);
	}
	search_one_by_one(c, j->group, retry);
	json_decref(retry);
	dg_collect_job_free(j);
}

/* Queue searches for `logins` (array of strings) within one scope group,
 * batched under GitHub's operator and query-length limits. */
static void search_authors(collect *c, const char *group, json_t *logins)
{
	char since[DG_DATE_RFC3339_LEN];
	size_t i = 0, n = json_array_size(logins);

	dg_date_format_utc(c->since, since);
	while (i < n) {
		dg_buf q = DG_BUF_INIT, who = DG_BUF_INIT;
		json_t *batch = json_array();
		size_t base = strlen(group) + strlen(since) + 40;
		page_job *j;

		for (; i < n && json_array_size(batch) < AUTHOR_BATCH; i++) {
			const char *login = json_string_value(json_array_get(logins, i));
			if (json_array_size(batch) && base + who.len + strlen(login) + 14 > SEARCH_QUERY_MAX)
				break;
			dg_buf_printf(&who, "%sauthor:%s", json_array_size(batch) ? " OR " : "", login);
			json_array_append_new(batch, json_string(login));
		}
		if (json_array_size(batch) > 1)
			dg_buf_printf(&q, "is:pr is:merged (%s) %s merged:<%s", dg_buf_cstr(&who), group, since);
		else
			dg_buf_printf(&q, "is:pr is:merged %s %s merged:<%s", dg_buf_cstr(&who), group, since);
		if (dg_buf_error(&who) < 0 || dg_buf_error(&q) < 0) {
			dg_collect_failed(c, group, dg_err_last());
			json_decref(batch);
		} else if ((j = dg_collect_job_new(c, dg_buf_cstr(&who)))) {
			j->batch = batch;
			j->group = group;
			dg_collect_queue_search(c, dg_buf_cstr(&q), on_author_search, j);
		} else {
			dg_collect_failed(c, dg_buf_cstr(&who), "out of memory");
			json_decref(batch);
		}
		dg_buf_free(&q);
		dg_buf_free(&who);
	}
}


static int cmp_json_login(const void *pa, const void *pb)
{
	return dg_collect_cmp_login(json_string_value(*(json_t *const *)pa),
			    json_string_value(*(json_t *const *)pb));
}

void dg_newcomers_search(collect *c, char **groups)
{
	const char *login;
	json_t *a, *unknown = json_array();

	json_object_foreach(c->authors, login, a) {
		dg_contributor known;
		int found = dg_store_contributor_get(c->store, c->scope, login, &known);

		if (found < 0) {
			dg_collect_failed(c, "state store", dg_err_last());
			continue;
		}
		if (found == 1) {
			json_object_set_new(a, "known_first_at", json_integer(known.first_merged_at));
			if (known.first_merged_at < c->since || known.exact) {
				dg_contributor_clear(&known);
				continue; /* answered by the store */
			}
		}
		dg_contributor_clear(&known);
		json_array_append_new(unknown, json_string(login));
	}
	/* Sorted: the same batches (and so the same cached URLs) every run. */
	dg_json_sort(unknown, cmp_json_login);
	for (size_t g = 0; groups[g]; g++)
		search_authors(c, groups[g], unknown);
	json_decref(unknown);
}

/* Decide who is new and remember what was learned. */
void dg_newcomers_settle(collect *c)
{
	const char *login;
	json_t *a;

	if (dg_store_begin(c->store) < 0) {
		dg_collect_failed(c, "state store", dg_err_last());
		return;
	}
	json_object_foreach(c->authors, login, a) {
		json_t *first = json_object_get(a, "first");      /* earliest in the window */
		json_t *earlier = json_object_get(a, "earlier");  /* from the search */
		int ok, is_new = 0, store_it = 0;
		int64_t first_at = dg_collect_time_of(first, "merged_at", &ok);
		dg_contributor rec = {0};

		if (json_is_true(json_object_get(a, "search_failed")))
			continue;
		rec.login = (char *)login;
		rec.user_id = json_integer_value(json_object_get(a, "id"));
		if (json_is_true(json_object_get(a, "searched"))) {
			if (earlier) {
				json_t *pr = json_object_get(earlier, "pull_request");
				const char *ru = dg_json_str(earlier, "repository_url");
				const char *slash = strstr(ru, "/repos/");
				rec.first_repo = (char *)(slash ? slash + 7 : "");
				rec.first_number = json_integer_value(json_object_get(earlier, "number"));
				rec.first_url = (char *)dg_json_str(earlier, "html_url");
				rec.first_merged_at = dg_collect_time_of(pr, "merged_at", &ok);
				rec.exact = !json_is_true(json_object_get(a, "earlier_inexact"));
			} else {
				is_new = 1;
			}
			store_it = 1;
		} else if (json_integer_value(json_object_get(a, "known_first_at")) >= c->since) {
			/* Known exactly, and nothing before the window: new if the first
			 * PR falls here (an earlier run may have seen a later PR only). */
			is_new = 1;
			if (first_at < json_integer_value(json_object_get(a, "known_first_at")))
				store_it = 1;
		}
		if (is_new) {
			rec.first_repo = (char *)dg_json_str(first, "repo");
			rec.first_number = json_integer_value(json_object_get(first, "number"));
			rec.first_url = (char *)dg_json_str(first, "url");
			rec.first_merged_at = first_at;
			rec.exact = 1;
			json_array_append_new(c->new_contributors,
				json_pack("{s:s, s:s, s:s, s:{s:s, s:I, s:s, s:s, s:s}}",
					  "login", login, "url", dg_json_str(a, "url"), "avatar_url", dg_json_str(a, "avatar_url"),
					  "first_pull", "repo", dg_json_str(first, "repo"),
					  "number", json_integer_value(json_object_get(first, "number")),
					  "url", dg_json_str(first, "url"), "merged_at", dg_json_str(first, "merged_at"),
					  "title", dg_json_str(first, "title")));
		}
		if (store_it && dg_store_contributor_put(c->store, c->scope, &rec) < 0)
			dg_collect_failed(c, "state store", dg_err_last());
	}
	if (dg_store_commit(c->store) < 0)
		dg_collect_failed(c, "state store", dg_err_last());
}
