/* pulls.c - pull requests merged in the window, through the search API.
 *
 * One search per scope group. A window holding more than the search API
 * pages through in one order but no more than in two is read oldest first
 * and newest first (its first page kept); a larger one is halved until each
 * half is that small. The other pages of a search are asked for at once, the
 * total being known from the first.
 *
 * A server may report any total: a window shorter than SPLIT_FLOOR is not
 * split (its pages are read and a warning names the capped slice), and a run
 * sends at most dg_pulls_budget() merged-PR search requests (pages
 * included): SEARCHES_PER_DAY per scope group and day of the window. Past
 * that the merged pulls are incomplete: the source counts as failed. */
#include "github/collectint.h"
#include "github/collect.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/str.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *dg_pulls_query(const char *group, int64_t lo, int64_t hi)
{
	char a[DG_DATE_RFC3339_LEN], b[DG_DATE_RFC3339_LEN];
	dg_buf q = DG_BUF_INIT;

	dg_date_format_utc(lo, a);
	dg_date_format_utc(hi - 1, b); /* the range is inclusive: [lo, hi) = lo..hi-1s */
	dg_buf_printf(&q, "is:pr is:merged %s merged:%s..%s", group, a, b);
	return dg_buf_detach(&q);
}

int dg_pulls_split(int64_t total, int64_t lo, int64_t hi, int64_t *mid)
{
	if (total <= SEARCH_CAP)
		return DG_PULLS_FITS;
	if (hi <= lo || (uint64_t)hi - (uint64_t)lo < SPLIT_FLOOR)
		return DG_PULLS_CAPPED;
	*mid = lo + (hi - lo) / 2;
	return DG_PULLS_SPLIT;
}

int64_t dg_pulls_last_page(int64_t total, size_t per_page)
{
	int64_t per = per_page && per_page <= SEARCH_CAP ? (int64_t)per_page : 100;
	int64_t within_cap = (SEARCH_CAP - 1) / per + 1; /* pages p with (p - 1) * per < SEARCH_CAP */
	int64_t pages;

	if (total <= 0)
		return 0;
	pages = total / per + (total % per != 0); /* no total + per - 1: total may be INT64_MAX */
	return pages < within_cap ? pages : within_cap;
}

int64_t dg_pulls_budget(size_t groups, int64_t lo, int64_t hi)
{
	uint64_t span = hi > lo ? (uint64_t)hi - (uint64_t)lo : 0; /* no overflow for any pair */
	uint64_t days = span / 86400 + (span % 86400 != 0);

	if (days < 1)
		days = 1;
	if (days > 3660)
		days = 3660; /* ten years: keeps the product far from overflow */
	if (groups < 1)
		groups = 1;
	if (groups > 1000)
		groups = 1000;
	return (int64_t)groups * (int64_t)days * SEARCHES_PER_DAY;
}

/* One more merged-PR search request: 0 when within the run's budget, else
 * -1 (the first time, the source is counted as failed with the reason). */
static int spend(collect *c, const char *group)
{
	char msg[320];

	if (c->merged_sent < c->merged_budget) {
		c->merged_sent++;
		return 0;
	}
	if (!c->merged_over) {
		c->merged_over = 1;
		snprintf(msg, sizeof(msg),
			 "stopped after %lld search requests, the limit for this window (%d a day per "
			 "search group): the server kept reporting more matches than the search API pages "
			 "through; merged pull requests and new contributors are incomplete",
			 (long long)c->merged_sent, SEARCHES_PER_DAY);
		dg_collector_failed(&c->base, group, msg);
	}
	return -1;
}

/* Case-insensitive search within [s, end). */
static const char *find_ci(const char *s, const char *end, const char *word)
{
	return dg_str_find_ci(s, (size_t)(end - s), word);
}

/* A "#N" or ".../issues/N" or ".../pull/N" reference right at s (after
 * spaces and a colon); N or 0. */
static long long reference_at(const char *s, const char *end, int issues_only)
{
	while (s < end && (*s == ' ' || *s == ':' || *s == '\t'))
		s++;
	if (s < end && *s == '#')
		s++;
	else if (end - s > 19 && !strncmp(s, "https://github.com/", 19)) {
		const char *slash = s + 19;
		for (int k = 0; k < 2 && slash < end; k++)
			while (slash < end && *slash++ != '/')
				;
		if (!strncmp(slash, "issues/", 7))
			s = slash + 7;
		else if (!issues_only && !strncmp(slash, "pull/", 5))
			s = slash + 5;
		else
			return 0;
	} else
		return 0;
	if (s >= end || !isdigit((unsigned char)*s))
		return 0;
	return strtoll(s, NULL, 10);
}

/* Reading a body stops here: the signals sit near the top. */
#define SIGNALS_SCAN 65536

void dg_pull_signals_read(const char *title, const char *body, dg_pull_signals *out)
{
	static const char *const fixes[] = {"fixes", "fixed", "fix", "closes", "closed", "close",
					    "resolves", "resolved", "resolve"};
	static const char *const picks[] = {"cherry pick of", "cherry-pick of", "cherry picked from",
					    "cherry-picked from", "backport of", "backport", "cherry-pick"};
	const char *texts[2] = {title ? title : "", body ? body : ""};

	memset(out, 0, sizeof(*out));
	for (int t = 0; t < 2; t++) {
		const char *s = texts[t], *end = s + strnlen(s, SIGNALS_SCAN), *at;

		for (size_t i = 0; i < sizeof(picks) / sizeof(picks[0]) && !out->cherry_of; i++)
			for (at = s; (at = find_ci(at, end, picks[i])) != NULL && !out->cherry_of; at++)
				out->cherry_of = reference_at(at + strlen(picks[i]), end, 0);
		if (t == 0)
			continue;
		for (size_t i = 0; i < sizeof(fixes) / sizeof(fixes[0]) && !out->links_issue; i++)
			for (at = s; (at = find_ci(at, end, fixes[i])) != NULL && !out->links_issue; at++)
				if (at == s || !isalnum((unsigned char)at[-1]))
					out->links_issue = reference_at(at + strlen(fixes[i]), end, 1) > 0;
		if ((at = find_ci(s, end, "```release-note"))) {
			const char *close, *b;
			at += 15;
			while (at < end && *at != '\n')
				at++;
			close = find_ci(at, end, "```");
			for (b = at; b < (close ? close : end) && dg_str_is_space((unsigned char)*b); b++)
				;
			if (b < (close ? close : end) && strncasecmp(b, "none", 4) && strncasecmp(b, "n/a", 3))
				out->release_note = 1;
		}
		for (at = s; !out->release_note && (at = find_ci(at, end, "release note")) != NULL; at++) {
			const char *line = at;
			while (line > s && line[-1] != '\n')
				line--;
			while (line < at && (*line == ' ' || *line == '*'))
				line++;
			if (*line == '#' || line == at)
				out->release_note = 1;
		}
	}
}

static void record_pull(collect *c, json_t *item)
{
	const char *repo_url = dg_json_str(item, "repository_url");
	const char *slash = strstr(repo_url, "/repos/");
	const char *repo;
	json_t *pr = json_object_get(item, "pull_request");
	json_t *user = json_object_get(item, "user");
	json_t *labels, *label;
	json_int_t number = json_integer_value(json_object_get(item, "number"));
	dg_buf key = DG_BUF_INIT;
	char *k;
	int ok;
	size_t i;
	int64_t merged = dg_collect_time_of(pr, "merged_at", &ok);
	dg_pull_signals sig;

	if (!slash || !ok || merged < c->base.since || merged >= c->base.until)
		return;
	/* Spell the repo as GitHub does in the repository list. */
	if (!(repo = dg_repos_watched(c, slash + 7)))
		return;
	dg_buf_printf(&key, "%s#%lld", repo, (long long)number);
	k = dg_buf_detach(&key);   /* uncapped: never NULL */
	labels = json_array();
	json_array_foreach(json_object_get(item, "labels"), i, label)
		if (json_is_string(json_object_get(label, "name")))
			json_array_append(labels, json_object_get(label, "name"));
	dg_pull_signals_read(dg_json_str(item, "title"), dg_json_str(item, "body"), &sig);
	json_object_set_new(c->pulls, k,
		json_pack("{s:s, s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:I, s:b, s:b, s:I}",
			  "repo", repo, "number", number,
			  "title", dg_json_str(item, "title"), "url", dg_json_str(item, "html_url"),
			  "author", dg_json_str(user, "login"), "labels", labels,
			  "merged_at", dg_json_str(pr, "merged_at"),
			  "author_type", dg_json_str(user, "type"), "author_url", dg_json_str(user, "html_url"),
			  "author_avatar", dg_json_str(user, "avatar_url"),
			  "author_id", json_integer_value(json_object_get(user, "id")),
			  "release_note", sig.release_note, "links_issue", sig.links_issue,
			  "cherry_of", (json_int_t)sig.cherry_of));
	free(k);
}

/* What record_pull reads of a search item, and nothing else (a body may be
 * large): kept while the watched set is not known yet. */
static json_t *item_core(json_t *item)
{
	json_t *user = json_object_get(item, "user"), *labels = json_array(), *label, *out;
	size_t i;

	json_array_foreach(json_object_get(item, "labels"), i, label)
		json_array_append_new(labels, json_pack("{s:O?}", "name", json_object_get(label, "name")));
	out = json_pack("{s:O?, s:O?, s:O?, s:O?, s:{s:O?, s:O?, s:O?, s:O?, s:O?}, s:O, s:{s:O?}}",
			"repository_url", json_object_get(item, "repository_url"),
			"number", json_object_get(item, "number"), "title", json_object_get(item, "title"),
			"html_url", json_object_get(item, "html_url"),
			"user", "login", json_object_get(user, "login"), "type", json_object_get(user, "type"),
			"html_url", json_object_get(user, "html_url"),
			"avatar_url", json_object_get(user, "avatar_url"), "id", json_object_get(user, "id"),
			"labels", labels,
			"pull_request", "merged_at",
			json_object_get(json_object_get(item, "pull_request"), "merged_at"));
	json_decref(labels);
	return out;
}

void dg_pulls_record(collect *c, json_t *items)
{
	size_t i;
	json_t *item;

	if (!c->repos_done && !c->merged_early)
		c->merged_early = json_array();
	json_array_foreach(items, i, item) {
		if (c->repos_done)
			record_pull(c, item);
		else
			json_array_append_new(c->merged_early, item_core(item));
	}
}

static void on_merged(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg);

/* Queue one more page of a search; counts it as pending when queued. */
static void get_page(collect *c, const char *url, page_job *j)
{
	if (spend(c, j->name) < 0)
		dg_collect_job_free(j);
	else if (dg_collector_get(&c->base, url, 0, on_merged, j, dg_collect_job_free) == 0)
		c->merged_pending++;
}

/* Pages `from` .. `last` of the search `url` (no page parameter yet), in
 * the order `desc` names. */
static void queue_pages(collect *c, page_job *j, const char *url, int64_t from, int64_t last, int desc)
{
	for (int64_t p = from; p <= last && !c->merged_over; p++) {
		page_job *pj = dg_collect_job_new(c, j->name);
		dg_buf u = DG_BUF_INIT;
		char *s;

		pj->first_page = 0;
		pj->desc = desc ? (p == from ? 2 : 1) : 0;  /* 2: its first page */
		pj->lo = j->lo;
		pj->hi = j->hi;
		dg_buf_printf(&u, "%s&page=%lld", url, (long long)p);
		s = dg_buf_detach(&u);   /* uncapped: never NULL */
		get_page(c, s, pj);
		free(s);
	}
}

/* The other pages of a first page (2 .. the last within the cap). */
static void other_pages(collect *c, page_job *j, const dg_http_response *resp, json_t *items)
{
	queue_pages(c, j, resp->url, 2, dg_pulls_last_page(dg_collect_total(resp->json), json_array_size(items)), 0);
}

/* An over-cap window read newest first too: the pages holding what the
 * oldest-first reading cannot reach. */
static void newest_pages(collect *c, page_job *j, const dg_http_response *resp, json_t *items, int64_t total)
{
	const char *asc = strstr(resp->url, "&order=asc");
	dg_buf url = DG_BUF_INIT;
	char *u;

	if (!asc)
		return;
	dg_buf_printf(&url, "%.*s&order=desc%s", (int)(asc - resp->url), resp->url, asc + 10);
	u = dg_buf_detach(&url);   /* uncapped: never NULL */
	queue_pages(c, j, u, 1, dg_pulls_last_page(total - SEARCH_CAP, json_array_size(items)), 1);
	free(u);
}

/* 1 when a newest-first page is not newest first (a server that ignores
 * order=desc): its window is then split instead. */
static int not_descending(json_t *items)
{
	int ok1, ok2;
	size_t n = json_array_size(items);
	int64_t first, last;

	if (n < 2)
		return 0;
	first = dg_collect_time_of(json_array_get(items, 0), "created_at", &ok1);
	last = dg_collect_time_of(json_array_get(items, n - 1), "created_at", &ok2);
	return ok1 && ok2 && first < last;
}

static void merged_page(page_job *j, const dg_http_response *resp, int err, const char *msg)
{
	collect *c = j->c;
	json_t *items;
	int64_t mid = 0, total;
	int how = DG_PULLS_FITS;

	if (err) {
		dg_collector_failed(&c->base, j->name, msg);
		dg_collect_job_free(j);
		return;
	}
	items = json_object_get(resp->json, "items");
	if (!json_is_array(items)) {
		dg_collector_failed(&c->base, resp->url, "expected a search result with \"items\"");
		dg_collect_job_free(j);
		return;
	}
	total = dg_collect_total(resp->json);
	if (j->first_page)
		how = dg_pulls_split(total, j->lo, j->hi, &mid);
	if (how == DG_PULLS_SPLIT && total <= 2 * SEARCH_CAP) {
		how = DG_PULLS_FITS;  /* read from both ends */
		newest_pages(c, j, resp, items, total);
	}
	if (j->desc == 2 && not_descending(items) &&
	    dg_pulls_split(SEARCH_CAP + 1, j->lo, j->hi, &mid) == DG_PULLS_SPLIT)
		how = DG_PULLS_SPLIT;  /* once per window: only its first newest-first page splits */
	if (how == DG_PULLS_SPLIT) {
		dg_pulls_search(c, j->name, j->lo, mid);
		dg_pulls_search(c, j->name, mid, j->hi);
		dg_collect_job_free(j);
		return;
	}
	if (how == DG_PULLS_CAPPED) {
		char a[DG_DATE_RFC3339_LEN], b[DG_DATE_RFC3339_LEN];

		dg_date_format_utc(j->lo, a);
		dg_date_format_utc(j->hi - 1, b);
		dg_json_appendf(c->base.warnings,
				"%s merged:%s..%s: the search API capped the results at %d of %lld; "
				"merged pull requests of that slice may be missing",
				j->name, a, b, SEARCH_CAP, (long long)total);
	}
	if (json_is_true(json_object_get(resp->json, "incomplete_results")))
		dg_json_appendf(c->base.warnings,
				"%s: GitHub reported incomplete search results; some merged pull requests may be missing",
				resp->url);
	dg_pulls_record(c, items);
	if (j->first_page && resp->next_url)
		other_pages(c, j, resp, items);
	dg_collect_job_free(j);
}

static void on_merged(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	collect *c = ((page_job *)ud)->c;

	(void)h;
	merged_page(ud, resp, err, msg);
	/* The last page in: who contributed is known (once the watched set is),
	 * so the contributor searches can run while release listings are still
	 * arriving. */
	if (--c->merged_pending == 0 && c->repos_done && !c->repos_failed)
		c->after_pulls(c);
}

void dg_pulls_search(collect *c, const char *group, int64_t lo, int64_t hi)
{
	page_job *j = dg_collect_job_new(c, group);
	char *q = dg_pulls_query(group, lo, hi);

	j->lo = lo;
	j->hi = hi;
	if (spend(c, group) < 0) {
		dg_collect_job_free(j);
		free(q);
		return;
	}
	if (dg_collect_search(&c->base, q, on_merged, j, dg_collect_job_free) == 0)
		c->merged_pending++;
	free(q);
}
