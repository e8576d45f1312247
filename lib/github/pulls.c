/* pulls.c - pull requests merged in the window, through the search API.
 *
 * One search per scope group. A window holding more than the search API
 * pages through in one order but no more than in two is read oldest first
 * and newest first (its first page kept); a larger one is cut into
 * ceil(total / 1000) + 1 parts of its time range (the first page's items
 * kept). The other pages of a search are asked for at once, the total being
 * known from the first.
 *
 * Every window's distinct results are counted against its total_count once
 * its pages are in: GitHub does not promise that tied results come in
 * reverse between order=asc and order=desc, nor that a server honours
 * order=desc, so a window read from both ends may come back short. A window
 * read short is cut again, down to one-second parts; a second that still
 * cannot be read whole fails the source, named with its window: merged
 * pulls are never lost silently.
 *
 * A server may report any total: a run sends at most dg_pulls_budget()
 * merged-PR search requests (pages included): SEARCHES_PER_DAY per scope
 * group and day of the window. Past that the merged pulls are incomplete:
 * the source counts as failed. */
#include "github/collectint.h"
#include "github/collect.h"
#include "base/alloc.h"
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

int64_t dg_pulls_parts(int64_t total, int64_t lo, int64_t hi)
{
	uint64_t span = hi > lo ? (uint64_t)hi - (uint64_t)lo : 0; /* no overflow for any pair */
	int64_t parts = total > 0 ? total / SEARCH_CAP + (total % SEARCH_CAP != 0) + 1 : 2;

	if (span < 2)
		return 0;
	if (parts < 2)
		parts = 2;
	if (parts > SPLIT_PARTS_MAX)
		parts = SPLIT_PARTS_MAX;
	return (uint64_t)parts > span ? (int64_t)span : parts;
}

int64_t dg_pulls_cut(int64_t lo, int64_t hi, int64_t k, int64_t parts)
{
	uint64_t span = hi > lo ? (uint64_t)hi - (uint64_t)lo : 0;

	if (k <= 0 || parts < 1)
		return lo;
	if (k >= parts)
		return hi;
	/* parts <= SPLIT_PARTS_MAX: span % parts * k stays small */
	return (int64_t)((uint64_t)lo + span / (uint64_t)parts * (uint64_t)k +
			 span % (uint64_t)parts * (uint64_t)k / (uint64_t)parts);
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

/* One window [lo, hi) of a group's merged-PR search: the distinct results
 * its pages gave, against the total its first page reported. */
typedef struct merged_window {
	collect *c;
	char *group;
	int64_t lo, hi;
	int64_t total;           /* the first page's total_count; -1 until then or not a count */
	json_t *seen;            /* "repository_url#number" -> true */
	int pending;             /* its pages queued and not in yet */
	int refs;                /* page jobs (and callers) holding it */
	int done;                /* cut into parts, or a page failed: nothing left to decide */
} merged_window;

static void window_release(merged_window *w)
{
	if (w && --w->refs == 0) {
		json_decref(w->seen);
		free(w->group);
		free(w);
	}
}

static void merged_job_free(void *job)
{
	page_job *j = job;

	if (j)
		window_release(j->win);
	dg_collect_job_free(j);
}

static page_job *window_job(merged_window *w)
{
	page_job *j = dg_collect_job_new(w->c, w->group);

	j->lo = w->lo;
	j->hi = w->hi;
	j->win = w;
	w->refs++;
	return j;
}

/* "GROUP merged:LO..HI-1s": how a window is named in messages. */
static void window_name(const merged_window *w, dg_buf *out)
{
	char a[DG_DATE_RFC3339_LEN], b[DG_DATE_RFC3339_LEN];

	dg_date_format_utc(w->lo, a);
	dg_date_format_utc(w->hi - 1, b);
	dg_buf_printf(out, "%s merged:%s..%s", w->group, a, b);
}

/* Cut the window into parts by its total and search each; a window of one
 * second cannot be cut: the source fails, naming it. Once per window. */
static void window_split(merged_window *w)
{
	int64_t parts = dg_pulls_parts(w->total, w->lo, w->hi);

	w->done = 1;
	if (parts == 0) {
		dg_buf name = DG_BUF_INIT, msg = DG_BUF_INIT;

		window_name(w, &name);
		dg_buf_printf(&msg, "the search gave %zu distinct of its %lld matches and a second cannot be "
			      "searched in parts; merged pull requests of that second are missing",
			      json_object_size(w->seen), (long long)w->total);
		dg_collector_failed(&w->c->base, dg_buf_cstr(&name), dg_buf_cstr(&msg));
		dg_buf_free(&name);
		dg_buf_free(&msg);
		return;
	}
	for (int64_t k = 0; k < parts && !w->c->merged_over; k++)
		dg_pulls_search(w->c, w->group, dg_pulls_cut(w->lo, w->hi, k, parts),
				dg_pulls_cut(w->lo, w->hi, k + 1, parts));
}

/* Every page of the window is in: complete, or cut again. */
static void window_settle(merged_window *w)
{
	if (w->done || w->total < 0 || (uint64_t)w->total <= json_object_size(w->seen))
		return;
	window_split(w);
}

/* Count the page's results among the window's distinct ones. */
static void window_note(merged_window *w, json_t *items)
{
	size_t i;
	json_t *item;

	json_array_foreach(items, i, item) {
		dg_buf key = DG_BUF_INIT;
		char *k;

		dg_buf_printf(&key, "%s#%lld", dg_json_str(item, "repository_url"),
			      (long long)json_integer_value(json_object_get(item, "number")));
		k = dg_buf_detach(&key);   /* uncapped: never NULL */
		json_object_set_new(w->seen, k, json_true()); /* a key that is not UTF-8: not counted */
		free(k);
	}
}

static void on_merged(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg);

/* Queue one more page of a window; counts it as pending when queued. */
static void get_page(collect *c, const char *url, page_job *j)
{
	merged_window *w = j->win;

	if (spend(c, j->name) < 0) {
		w->done = 1;
		merged_job_free(j);
	} else if (dg_collector_get(&c->base, url, 0, on_merged, j, merged_job_free) == 0) {
		c->merged_pending++;
		w->pending++;
	} else {
		w->done = 1;   /* counted as failed */
	}
}

/* Pages `from` .. `last` of the search `url` (no page parameter yet), in
 * the order `desc` names. The caller holds a reference to j->win. */
static void queue_pages(collect *c, page_job *j, const char *url, int64_t from, int64_t last, int desc)
{
	for (int64_t p = from; p <= last && !c->merged_over; p++) {
		page_job *pj = window_job(j->win);
		dg_buf u = DG_BUF_INIT;
		char *s;

		pj->first_page = 0;
		pj->desc = desc ? (p == from ? 2 : 1) : 0;  /* 2: its first page */
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
 * order=desc): its window is then cut at once, its other pages being
 * copies of the oldest-first ones. */
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
	merged_window *w = j->win;
	json_t *items;
	int64_t total;

	if (err) {
		w->done = 1;
		dg_collector_failed(&c->base, j->name, msg);
		merged_job_free(j);
		return;
	}
	items = json_object_get(resp->json, "items");
	if (!json_is_array(items)) {
		w->done = 1;
		dg_collector_failed(&c->base, resp->url, "expected a search result with \"items\"");
		merged_job_free(j);
		return;
	}
	if (json_is_true(json_object_get(resp->json, "incomplete_results")))
		dg_json_appendf(c->base.warnings,
				"%s: GitHub reported incomplete search results; some merged pull requests may be missing",
				resp->url);
	/* What a page gave is kept, even when its window is then cut. */
	dg_pulls_record(c, items);
	window_note(w, items);
	total = dg_collect_total(resp->json);
	if (j->first_page) {
		w->total = total;
		if (total > 2 * SEARCH_CAP && dg_pulls_parts(total, w->lo, w->hi) > 0) {
			window_split(w);
		} else {
			if (resp->next_url)
				other_pages(c, j, resp, items);
			if (total > SEARCH_CAP)
				newest_pages(c, j, resp, items, total);  /* read from both ends */
		}
	} else if (j->desc == 2 && !w->done && not_descending(items) &&
		   dg_pulls_parts(w->total, w->lo, w->hi) > 0) {
		window_split(w);
	}
	merged_job_free(j);
}

static void on_merged(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	page_job *j = ud;
	collect *c = j->c;
	merged_window *w = j->win;

	(void)h;
	w->refs++;   /* past the page's own job */
	merged_page(j, resp, err, msg);
	if (--w->pending == 0)
		window_settle(w);
	window_release(w);
	/* The last page in: who contributed is known (once the watched set is),
	 * so the contributor searches can run while release listings are still
	 * arriving. */
	if (--c->merged_pending == 0 && c->repos_done && !c->repos_failed)
		c->after_pulls(c);
}

void dg_pulls_search(collect *c, const char *group, int64_t lo, int64_t hi)
{
	merged_window *w = dg_calloc(1, sizeof(*w));
	page_job *j;
	char *q = dg_pulls_query(group, lo, hi);

	w->c = c;
	w->group = dg_strdup(group);
	w->lo = lo;
	w->hi = hi;
	w->total = -1;
	w->seen = json_object();
	w->refs = 1;   /* this call's */
	j = window_job(w);
	if (spend(c, group) < 0) {
		merged_job_free(j);
	} else if (dg_collect_search(&c->base, q, on_merged, j, merged_job_free) == 0) {
		c->merged_pending++;
		w->pending++;
	}
	window_release(w);
	free(q);
}
