#include "github/collect.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "github/events.h"
#include "github/collectint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Releases are listed newest-created first, but GitHub does not document the
 * order: keep paging while a page still holds anything this close to the window. */
#define RELEASE_MARGIN (30 * 86400)
#define SEARCH_CAP 1000

static int cmp_cstr(const void *a, const void *b);
void dg_collect_failed(collect *c, const char *what, const char *message)
{
	c->failed++;
	dg_json_appendf(c->warnings, "%s: %s", what, message);
}

int dg_url_encode(const char *s, char **out)
{
	dg_buf b = DG_BUF_INIT;
	int err = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && !err; p++) {
		if (isalnum(*p) || strchr("-._~", *p))
			err = dg_buf_putc(&b, (char)*p);
		else
			err = dg_buf_printf(&b, "%%%02X", *p);
	}
	if (err < 0) {
		dg_buf_free(&b);
		return err;
	}
	return dg_buf_finish(&b, out);
}

int dg_collect_is_bot(const dg_config *cfg, const char *login, const char *type)
{
	size_t n = login ? strlen(login) : 0;

	if (!login || !*login)
		return 1; /* no author (a deleted account): nobody to credit */
	if (type && !strcmp(type, "Bot"))
		return 1;
	if (n > 5 && !strcmp(login + n - 5, "[bot]"))
		return 1;
	return dg_config_is_listed_bot(cfg, login);
}

page_job *dg_collect_job_new(collect *c, const char *repo)
{
	page_job *j = calloc(1, sizeof(*j));

	if (j && !(j->repo = strdup(repo ? repo : ""))) {
		free(j);
		j = NULL;
	}
	if (j) {
		j->c = c;
		j->first_page = 1;
	}
	return j;
}

void dg_collect_job_free(page_job *j)
{
	if (j) {
		free(j->repo);
		json_decref(j->batch);
		free(j);
	}
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

int64_t dg_collect_time_of(json_t *obj, const char *key, int *ok)
{
	int64_t t = 0;
	const char *v = json_string_value(json_object_get(obj, key));

	*ok = v && dg_date_parse_rfc3339(v, &t) == 0;
	return t;
}

/* Queue a GET; on failure to queue, count the source as failed. */
static void queue(collect *c, const char *url, dg_http_cb cb, page_job *j)
{
	if (dg_http_get(c->http, url, cb, j) < 0) {
		dg_collect_failed(c, url, dg_err_last());
		dg_collect_job_free(j);
	}
}

static int watched_repo(collect *c, const char *full_name)
{
	char key[512];

	snprintf(key, sizeof(key), "%s", full_name);
	lower(key);
	return json_object_get(c->repos, key) != NULL;
}

/* ---- stage 1: repositories ---- */

static void add_repo(collect *c, json_t *r, int explicit)
{
	const char *full = dg_json_str(r, "full_name");
	char key[512];
	json_t *desc = json_object_get(r, "description");

	if (!*full)
		return;
	if (!explicit) {
		if (json_is_true(json_object_get(r, "archived")) && !c->cfg->include_archived)
			return;
		if (json_is_true(json_object_get(r, "fork")) && !c->cfg->include_forks)
			return;
	}
	if (dg_strv_contains_ci(&c->cfg->exclude_repos, full))
		return;
	snprintf(key, sizeof(key), "%s", full);
	lower(key);
	json_object_set_new(c->repos, key,
			    json_pack("{s:s, s:s, s:O}", "full_name", full, "html_url", dg_json_str(r, "html_url"),
				      "description", json_is_string(desc) ? desc : json_null()));
}

static void on_org_repos(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	page_job *j = ud;
	collect *c = j->c;
	size_t i;
	json_t *r;

	if (err) {
		c->org_failures++;
		dg_collect_failed(c, j->repo, err == DG_HTTP_ERR_NOT_FOUND ?
			      "organisation not found (github.orgs)" : msg);
		if (err == DG_HTTP_ERR_NOT_FOUND)
			dg_json_appendf(c->warnings, "%s", msg);
		dg_collect_job_free(j);
		return;
	}
	if (!json_is_array(resp->json)) {
		dg_collect_failed(c, resp->url, "expected a JSON array of repositories");
		dg_collect_job_free(j);
		return;
	}
	json_array_foreach(resp->json, i, r)
		add_repo(c, r, 0);
	if (resp->next_url) {
		j->first_page = 0;
		if (dg_http_get(h, resp->next_url, on_org_repos, j) == 0)
			return;
		dg_collect_failed(c, resp->next_url, dg_err_last());
	}
	dg_collect_job_free(j);
}

static void on_repo(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	page_job *j = ud;
	collect *c = j->c;

	(void)h;
	if (err)
		dg_collect_failed(c, j->repo, err == DG_HTTP_ERR_NOT_FOUND ?
			      "repository not found (github.repos)" : msg);
	else if (!json_is_object(resp->json))
		dg_collect_failed(c, resp->url, "expected a JSON object for the repository");
	else
		add_repo(c, resp->json, 1);
	dg_collect_job_free(j);
}

/* ---- stage 2: releases, merged pulls, events ---- */

static void on_releases(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	page_job *j = ud;
	collect *c = j->c;
	int more = 0, ok;
	size_t i;
	json_t *r;

	if (err) {
		dg_collect_failed(c, j->repo, msg);
		dg_collect_job_free(j);
		return;
	}
	if (!json_is_array(resp->json)) {
		dg_collect_failed(c, resp->url, "expected a JSON array of releases");
		dg_collect_job_free(j);
		return;
	}
	json_array_foreach(resp->json, i, r) {
		int64_t created = dg_collect_time_of(r, "created_at", &ok);
		int64_t published;
		json_t *author = json_object_get(r, "author");
		const char *name = dg_json_str(r, "name");

		if (!ok || created >= c->since - RELEASE_MARGIN)
			more = 1;
		published = dg_collect_time_of(r, "published_at", &ok);
		if (!ok || json_is_true(json_object_get(r, "draft")))
			continue;
		if (ok && published >= c->since - RELEASE_MARGIN)
			more = 1;
		if (published < c->since || published >= c->until)
			continue;
		json_array_append_new(c->releases,
			json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s}",
				  "repo", j->repo, "tag", dg_json_str(r, "tag_name"),
				  "name", *name ? name : dg_json_str(r, "tag_name"),
				  "published_at", dg_json_str(r, "published_at"),
				  "prerelease", json_is_true(json_object_get(r, "prerelease")),
				  "url", dg_json_str(r, "html_url"), "author", dg_json_str(author, "login"),
				  "body", dg_json_str(r, "body")));
	}
	if (more && resp->next_url) {
		if (dg_http_get(h, resp->next_url, on_releases, j) == 0)
			return;
		dg_collect_failed(c, resp->next_url, dg_err_last());
	}
	dg_collect_job_free(j);
}

/* Queue a GET; 0 when queued, else the source is counted as failed. */
static int queue_checked(collect *c, const char *url, dg_http_cb cb, page_job *j)
{
	if (dg_http_get(c->http, url, cb, j) < 0) {
		dg_collect_failed(c, url, dg_err_last());
		dg_collect_job_free(j);
		return -1;
	}
	return 0;
}

int dg_collect_queue_search(collect *c, const char *query, dg_http_cb cb, page_job *j)
{
	char *enc = NULL, url[4096];

	if (dg_url_encode(query, &enc) < 0) {
		dg_collect_failed(c, query, dg_err_last());
		dg_collect_job_free(j);
		return -1;
	}
	snprintf(url, sizeof(url), "%s/search/issues?q=%s&sort=created&order=asc&per_page=100", c->api, enc);
	free(enc);
	return queue_checked(c, url, cb, j);
}

/* "repo:a/b repo:c/d" or "org:o": the qualifier of a search group. */
static void merged_query(collect *c, const char *group, int64_t lo, int64_t hi, char *q, size_t size)
{
	char a[DG_DATE_RFC3339_LEN], b[DG_DATE_RFC3339_LEN];

	(void)c;
	dg_date_format_utc(lo, a);
	dg_date_format_utc(hi - 1, b); /* the range is inclusive: [lo, hi) = lo..hi-1s */
	snprintf(q, size, "is:pr is:merged %s merged:%s..%s", group, a, b);
}

static void search_merged(collect *c, const char *group, int64_t lo, int64_t hi);
static void on_merged(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg);

static void record_pull(collect *c, json_t *item)
{
	const char *repo_url = dg_json_str(item, "repository_url");
	const char *slash = strstr(repo_url, "/repos/");
	json_t *pr = json_object_get(item, "pull_request");
	json_t *user = json_object_get(item, "user");
	json_t *labels = json_array(), *label;
	char repo[512], key[600];
	int ok;
	size_t i;
	int64_t merged = dg_collect_time_of(pr, "merged_at", &ok);

	if (!slash || !ok || merged < c->since || merged >= c->until) {
		json_decref(labels);
		return;
	}
	snprintf(repo, sizeof(repo), "%s", slash + 7);
	if (!watched_repo(c, repo)) {
		json_decref(labels);
		return;
	}
	/* Spell the repo as GitHub does in the repository list. */
	snprintf(key, sizeof(key), "%s", repo);
	lower(key);
	snprintf(repo, sizeof(repo), "%s", dg_json_str(json_object_get(c->repos, key), "full_name"));
	json_array_foreach(json_object_get(item, "labels"), i, label)
		if (json_is_string(json_object_get(label, "name")))
			json_array_append(labels, json_object_get(label, "name"));
	snprintf(key, sizeof(key), "%s#%lld", repo, (long long)json_integer_value(json_object_get(item, "number")));
	json_object_set_new(c->pulls, key,
		json_pack("{s:s, s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:I}",
			  "repo", repo, "number", json_integer_value(json_object_get(item, "number")),
			  "title", dg_json_str(item, "title"), "url", dg_json_str(item, "html_url"),
			  "author", dg_json_str(user, "login"), "labels", labels,
			  "merged_at", dg_json_str(pr, "merged_at"),
			  "author_type", dg_json_str(user, "type"), "author_url", dg_json_str(user, "html_url"),
			  "author_avatar", dg_json_str(user, "avatar_url"),
			  "author_id", json_integer_value(json_object_get(user, "id"))));
}

static void merged_page(page_job *j, const dg_http_response *resp, int err, const char *msg)
{
	collect *c = j->c;
	json_t *items, *item;
	size_t i;

	if (err) {
		dg_collect_failed(c, j->repo, msg);
		dg_collect_job_free(j);
		return;
	}
	items = json_object_get(resp->json, "items");
	if (!json_is_array(items)) {
		dg_collect_failed(c, resp->url, "expected a search result with \"items\"");
		dg_collect_job_free(j);
		return;
	}
	if (j->first_page && json_integer_value(json_object_get(resp->json, "total_count")) > SEARCH_CAP &&
	    j->hi - j->lo > 1) {
		/* More than the search API will page through: halve the window. */
		int64_t mid = j->lo + (j->hi - j->lo) / 2;
		search_merged(c, j->repo, j->lo, mid);
		search_merged(c, j->repo, mid, j->hi);
		dg_collect_job_free(j);
		return;
	}
	if (json_is_true(json_object_get(resp->json, "incomplete_results")))
		dg_json_appendf(c->warnings, "%s: GitHub reported incomplete search results; some merged pull requests may be missing",
		     resp->url);
	json_array_foreach(items, i, item)
		record_pull(c, item);
	if (j->first_page && resp->next_url) {
		/* The total is known: ask for the other pages at once rather
		 * than one after another along the Link chain. */
		json_int_t total = json_integer_value(json_object_get(resp->json, "total_count"));
		size_t per_page = json_array_size(items) ? json_array_size(items) : 100;
		json_int_t pages = (total + (json_int_t)per_page - 1) / (json_int_t)per_page;
		char url[4200];
		for (json_int_t p = 2; p <= pages && (p - 1) * (json_int_t)per_page < SEARCH_CAP; p++) {
			page_job *pj = dg_collect_job_new(c, j->repo);
			if (!pj) {
				dg_collect_failed(c, resp->url, "out of memory");
				break;
			}
			pj->first_page = 0;
			pj->lo = j->lo;
			pj->hi = j->hi;
			snprintf(url, sizeof(url), "%s&page=%lld", resp->url, (long long)p);
			if (queue_checked(c, url, on_merged, pj) == 0)
				c->merged_pending++;
		}
	}
	dg_collect_job_free(j);
}

static void search_merged(collect *c, const char *group, int64_t lo, int64_t hi)
{
	char q[1024];
	page_job *j = dg_collect_job_new(c, group);

	if (!j) {
		dg_collect_failed(c, group, "out of memory");
		return;
	}
	j->lo = lo;
	j->hi = hi;
	merged_query(c, group, lo, hi, q, sizeof(q));
	if (dg_collect_queue_search(c, q, on_merged, j) == 0)
		c->merged_pending++;
}

static void start_contributors(collect *c);

static void on_merged(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	collect *c = ((page_job *)ud)->c;

	(void)h;
	merged_page(ud, resp, err, msg);
	/* The last page in: who contributed is known, so the contributor
	 * searches can run while release listings are still arriving. */
	if (--c->merged_pending == 0)
		start_contributors(c);
}

static void on_events(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	page_job *j = ud;
	collect *c = j->c;
	size_t i;
	json_t *issue;
	int64_t horizon = c->until + (int64_t)c->cfg->upcoming_days * 86400;

	if (err) {
		dg_collect_failed(c, j->repo, err == DG_HTTP_ERR_NOT_FOUND ?
			      "events repository not found (events.repos)" : msg);
		dg_collect_job_free(j);
		return;
	}
	if (!json_is_array(resp->json)) {
		dg_collect_failed(c, resp->url, "expected a JSON array of issues");
		dg_collect_job_free(j);
		return;
	}
	json_array_foreach(resp->json, i, issue) {
		dg_event_fields f;
		json_t *list, *e;
		char utc[DG_DATE_RFC3339_LEN];
		long long number = json_integer_value(json_object_get(issue, "number"));

		if (json_object_get(issue, "pull_request"))
			continue;
		dg_event_parse(dg_json_str(issue, "body"), c->cfg->timezone, &f);
		if (!f.has_when) {
			dg_json_appendf(c->warnings, "%s#%lld: event \"%s\" has no parseable date%s%s%s", j->repo, number,
			     dg_json_str(issue, "title"), f.date ? " (date: '" : "", f.date ? f.date : "",
			     f.date ? "')" : "");
			dg_event_fields_clear(&f);
			continue;
		}
		list = f.when >= c->since && f.when < c->until ? c->events_past :
		       f.when >= c->until && f.when < horizon ? c->events_upcoming : NULL;
		if (list) {
			int64_t parsed;
			dg_date_format_utc(f.when, utc);
			/* Keep an RFC 3339 date as written (its offset is the local time
			 * readers expect); naive forms become UTC. */
			e = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "repo", j->repo,
				      "number", (json_int_t)number, "title", dg_json_str(issue, "title"),
				      "url", dg_json_str(issue, "html_url"),
				      "date", dg_date_parse_rfc3339(f.date, &parsed) == 0 ? f.date : utc,
				      "date_utc", utc, "location", f.location ? f.location : "",
				      "link", f.link ? f.link : "");
			json_array_append_new(list, e);
		}
		dg_event_fields_clear(&f);
	}
	if (resp->next_url) {
		if (dg_http_get(h, resp->next_url, on_events, j) == 0)
			return;
		dg_collect_failed(c, resp->next_url, dg_err_last());
	}
	dg_collect_job_free(j);
}

/* ---- stage 3: contributors ---- */

/* Scope groups for searches: one per org, extra repos chunked under the
 * query-length limit. Returned as a NULL-terminated array of strings. */
static char **scope_groups(collect *c)
{
	size_t n = c->cfg->orgs.n + c->cfg->repos.n + 1, k = 0;
	char **groups = calloc(n, sizeof(char *));
	dg_buf b = DG_BUF_INIT;

	if (!groups)
		return NULL;
	for (size_t i = 0; i < c->cfg->orgs.n; i++) {
		char q[300];
		snprintf(q, sizeof(q), "org:%s", c->cfg->orgs.v[i]);
		if (!(groups[k++] = strdup(q)))
			goto fail;
	}
	for (size_t i = 0; i < c->cfg->repos.n; i++) {
		const char *r = c->cfg->repos.v[i];
		int in_org = 0;
		for (size_t o = 0; o < c->cfg->orgs.n; o++) {
			size_t ol = strlen(c->cfg->orgs.v[o]);
			if (!strncasecmp(r, c->cfg->orgs.v[o], ol) && r[ol] == '/')
				in_org = 1;
		}
		if (in_org)
			continue;
		/* a NULL entry would end the array early: fail instead */
		if (b.len && b.len + strlen(r) + 6 > SEARCH_QUERY_MAX - 90 &&
		    !(groups[k++] = dg_buf_detach(&b)))
			goto fail;
		dg_buf_printf(&b, "%srepo:%s", b.len ? " " : "", r);
	}
	if (b.len && !(groups[k++] = dg_buf_detach(&b)))
		goto fail;
	dg_buf_free(&b);
	return groups;
fail:
	dg_buf_free(&b);
	while (k > 0)
		free(groups[--k]);
	free(groups);
	return NULL;
}

static void free_groups(char **g)
{
	for (size_t i = 0; g && g[i]; i++)
		free(g[i]);
	free(g);
}

/* ---- assembling ---- */

int dg_collect_cmp_login(const char *a, const char *b)
{
	int r = strcasecmp(a, b);
	return r ? r : strcmp(a, b);
}

static int cmp_str_field(json_t *a, json_t *b, const char *k)
{
	return strcmp(dg_json_str(a, k), dg_json_str(b, k));
}

static int cmp_int_field(json_t *a, json_t *b, const char *k)
{
	json_int_t x = json_integer_value(json_object_get(a, k)), y = json_integer_value(json_object_get(b, k));
	return x < y ? -1 : x > y;
}

static int cmp_release(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int64_t ta = 0, tb = 0;
	int r;

	dg_date_parse_rfc3339(dg_json_str(a, "published_at"), &ta);
	dg_date_parse_rfc3339(dg_json_str(b, "published_at"), &tb);
	if (ta != tb)
		return ta < tb ? -1 : 1;
	if ((r = cmp_str_field(a, b, "repo")))
		return r;
	return cmp_str_field(a, b, "tag");
}

static int cmp_pull(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int64_t ta = 0, tb = 0;
	int r;

	dg_date_parse_rfc3339(dg_json_str(a, "merged_at"), &ta);
	dg_date_parse_rfc3339(dg_json_str(b, "merged_at"), &tb);
	if (ta != tb)
		return ta < tb ? -1 : 1;
	if ((r = cmp_str_field(a, b, "repo")))
		return r;
	return cmp_int_field(a, b, "number");
}

static int cmp_event(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int r = cmp_str_field(a, b, "date_utc");

	if (r)
		return r;
	if ((r = cmp_str_field(a, b, "repo")))
		return r;
	return cmp_int_field(a, b, "number");
}

static int cmp_login(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	return dg_collect_cmp_login(dg_json_str(a, "login"), dg_json_str(b, "login"));
}

static int cmp_contributor(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int r = -cmp_int_field(a, b, "pulls");
	return r ? r : cmp_login(pa, pb);
}

static int cmp_repo(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	return dg_collect_cmp_login(dg_json_str(a, "full_name"), dg_json_str(b, "full_name"));
}

/* A new array holding `src`'s elements sorted; src keeps its references. */
static json_t *sorted(json_t *src, int (*cmp)(const void *, const void *))
{
	json_t *out = json_copy(src);

	dg_json_sort(out, cmp);
	return out;
}

static json_t *object_values(json_t *obj)
{
	json_t *arr = json_array(), *v;
	const char *k;

	json_object_foreach(obj, k, v)
		json_array_append(arr, v);
	return arr;
}

static void build_authors(collect *c, json_t *pulls_sorted)
{
	size_t i;
	json_t *p;

	json_array_foreach(pulls_sorted, i, p) {
		const char *login = dg_json_str(p, "author");
		json_t *a;
		if (dg_collect_is_bot(c->cfg, login, dg_json_str(p, "author_type")))
			continue;
		if (!(a = json_object_get(c->authors, login))) {
			char url[512];
			snprintf(url, sizeof(url), "https://github.com/%s", login);
			a = json_pack("{s:s, s:s, s:s, s:i, s:O, s:I}", "login", login,
				      "url", *dg_json_str(p, "author_url") ? dg_json_str(p, "author_url") : url,
				      "avatar_url", dg_json_str(p, "author_avatar"), "pulls", 0, "first", p,
				      "id", json_integer_value(json_object_get(p, "author_id")));
			json_object_set_new(c->authors, login, a);
		}
		json_object_set_new(a, "pulls", json_integer(json_integer_value(json_object_get(a, "pulls")) + 1));
	}
}

static void strip_private(json_t *pulls)
{
	size_t i;
	json_t *p;

	json_array_foreach(pulls, i, p) {
		json_object_del(p, "author_type");
		json_object_del(p, "author_url");
		json_object_del(p, "author_avatar");
		json_object_del(p, "author_id");
	}
}

static int make_scope(collect *c)
{
	dg_buf b = DG_BUF_INIT;

	/* Sorted so that reordering the config does not forget what is known. */
	json_t *parts = json_array(), *s;
	size_t i;
	for (i = 0; i < c->cfg->orgs.n; i++) {
		char t[300];
		snprintf(t, sizeof(t), "org:%s", c->cfg->orgs.v[i]);
		lower(t);
		json_array_append_new(parts, json_string(t));
	}
	for (i = 0; i < c->cfg->repos.n; i++) {
		char t[300];
		snprintf(t, sizeof(t), "repo:%s", c->cfg->repos.v[i]);
		lower(t);
		json_array_append_new(parts, json_string(t));
	}
	size_t n = json_array_size(parts);
	const char **v = calloc(n + 1, sizeof(*v));
	if (!v) {
		json_decref(parts);
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < n; i++)
		v[i] = json_string_value(json_array_get(parts, i));
	qsort(v, n, sizeof(*v), cmp_cstr);
	for (i = 0; i < n; i++)
		dg_buf_printf(&b, "%s%s", i ? " " : "", v[i]);
	(void)s;
	free(v);
	json_decref(parts);
	return dg_buf_finish(&b, &c->scope);
}

static void start_contributors(collect *c)
{
	json_t *all;

	if (c->contributors_started)
		return;
	c->contributors_started = 1;
	all = object_values(c->pulls);
	c->pulls_sorted = sorted(all, cmp_pull);
	json_decref(all);
	build_authors(c, c->pulls_sorted);
	dg_newcomers_search(c, c->groups);
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int dg_collect_community(const dg_config *cfg, dg_http *http, dg_store *store, int64_t since,
			 int64_t until, dg_collect_result *out)
{
	collect c = {0};
	int err = 0;
	size_t len;
	char url[2048];
	json_t *pulls = NULL, *authors = NULL;
	const char *key;
	json_t *v;

	memset(out, 0, sizeof(*out));
	c.cfg = cfg;
	c.http = http;
	c.store = store;
	c.since = since;
	c.until = until;
	snprintf(c.api, sizeof(c.api), "%s", cfg->api_url);
	len = strlen(c.api);
	while (len && c.api[len - 1] == '/')
		c.api[--len] = '\0';
	if ((err = make_scope(&c)) < 0)
		goto done;
	c.repos = json_object();
	c.releases = json_array();
	c.pulls = json_object();
	c.authors = json_object();
	c.new_contributors = json_array();
	c.events_past = json_array();
	c.events_upcoming = json_array();
	c.warnings = json_array();

	/* Stage 1: which repositories are watched. */
	for (size_t i = 0; i < cfg->orgs.n; i++) {
		page_job *j = dg_collect_job_new(&c, cfg->orgs.v[i]);
		snprintf(url, sizeof(url), "%s/orgs/%s/repos?type=%s&per_page=100", c.api, cfg->orgs.v[i],
			 cfg->include_forks ? "all" : "sources");
		if (j)
			queue(&c, url, on_org_repos, j);
	}
	for (size_t i = 0; i < cfg->repos.n; i++) {
		page_job *j = dg_collect_job_new(&c, cfg->repos.v[i]);
		snprintf(url, sizeof(url), "%s/repos/%s", c.api, cfg->repos.v[i]);
		if (j)
			queue(&c, url, on_repo, j);
	}
	if ((err = dg_http_run(http)) < 0)
		goto done;
	if (cfg->orgs.n + cfg->repos.n > 0 && json_object_size(c.repos) == 0 && c.failed) {
		err = dg_err_set(DG_ERR_FAIL, "%s", json_string_value(json_array_get(c.warnings, 0)));
		goto done;
	}

	/* Stage 2: releases per repo (sorted keys: deterministic request order),
	 * merged pulls per search group, events. */
	{
		size_t n = json_object_size(c.repos), k = 0;
		const char **names = calloc(n + 1, sizeof(*names));
		json_object_foreach(c.repos, key, v)
			names[k++] = dg_json_str(v, "full_name");
		qsort(names, k, sizeof(*names), cmp_cstr);
		for (size_t i = 0; i < k; i++) {
			page_job *j = dg_collect_job_new(&c, names[i]);
			snprintf(url, sizeof(url), "%s/repos/%s/releases?per_page=100", c.api, names[i]);
			if (j)
				queue(&c, url, on_releases, j);
		}
		free(names);
	}
	if (!(c.groups = scope_groups(&c))) {
		err = dg_err_set(DG_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (size_t g = 0; c.groups[g]; g++)
		search_merged(&c, c.groups[g], since, until);
	for (size_t i = 0; i < cfg->event_repos.n; i++) {
		char *label = NULL;
		page_job *j = dg_collect_job_new(&c, cfg->event_repos.v[i]);
		if (dg_url_encode(cfg->event_label, &label) < 0 || !j) {
			free(label);
			dg_collect_job_free(j);
			continue;
		}
		snprintf(url, sizeof(url), "%s/repos/%s/issues?labels=%s&state=all&per_page=100", c.api,
			 cfg->event_repos.v[i], label);
		free(label);
		queue(&c, url, on_events, j);
	}
	if ((err = dg_http_run(http)) < 0)
		goto done;

	/* Stage 3: contributors (usually started as the last merged page came in). */
	start_contributors(&c);
	if ((err = dg_http_run(http)) < 0)
		goto done;
	dg_newcomers_settle(&c);
	pulls = json_incref(c.pulls_sorted);

	authors = json_array();
	json_object_foreach(c.authors, key, v)
		json_array_append_new(authors,
			json_pack("{s:s, s:s, s:s, s:O}", "login", key, "url", dg_json_str(v, "url"),
				  "avatar_url", dg_json_str(v, "avatar_url"), "pulls", json_object_get(v, "pulls")));
	strip_private(pulls);
	{
		json_t *repos_arr = object_values(c.repos);
		out->data = json_pack("{s:o, s:o, s:O, s:o, s:o, s:{s:o, s:o}, s:O}",
			"repos", sorted(repos_arr, cmp_repo),
			"releases", sorted(c.releases, cmp_release),
			"merged_pulls", pulls,
			"contributors", sorted(authors, cmp_contributor),
			"new_contributors", sorted(c.new_contributors, cmp_login),
			"events", "past", sorted(c.events_past, cmp_event),
			"upcoming", sorted(c.events_upcoming, cmp_event),
			"warnings", c.warnings);
		json_decref(repos_arr);
	}
	out->failed_sources = c.failed;
	if (!out->data)
		err = dg_err_set(DG_ERR_NOMEM, "out of memory building the model");
done:
	json_decref(pulls);
	json_decref(authors);
	free_groups(c.groups);
	free(c.scope);
	json_decref(c.pulls_sorted);
	json_decref(c.repos);
	json_decref(c.releases);
	json_decref(c.pulls);
	json_decref(c.authors);
	json_decref(c.new_contributors);
	json_decref(c.events_past);
	json_decref(c.events_upcoming);
	json_decref(c.warnings);
	return err;
}
