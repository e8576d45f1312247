/* collectint.h - what the files of the community collector share; private.
 *
 * collect.c is the entry (dg_collect_community): it queues the stages and
 * assembles the model. Each stage is one file: repos.c (the watched set),
 * releases.c, pulls.c (merged-PR searches), eventlist.c (event issues),
 * scope.c (search qualifiers, the contributor table's scope), contributors.c
 * (the window's authors) and newcomers.c (who is new). Nothing outside
 * lib/github includes this but the unit tests. */
#ifndef DG_COLLECTINT_H
#define DG_COLLECTINT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "config/config.h"
#include "net/collector.h"

/* GitHub rejects search queries longer than 256 characters. */
#define SEARCH_QUERY_MAX 240
/* The search API pages through at most this many results. */
#define SEARCH_CAP 1000

/* ---- the window's authors (contributors.c) ---- */

/* A merged pull request: the first of an author in the window, or an earlier
 * one a search found. */
typedef struct dg_pull_ref {
	char *repo;              /* owner/name */
	int64_t number;
	char *url;
	char *title;
	char *merged_at;         /* as GitHub wrote it */
	int64_t merged;          /* the same, seconds UTC */
} dg_pull_ref;

typedef struct dg_author {
	char *login;
	char *url;
	char *avatar_url;
	int64_t id;
	int pulls;               /* merged in the window */
	size_t order;            /* index of `first` among the window's pulls */
	dg_pull_ref first;       /* the earliest merged in the window */

	/* What newcomers.c learns. */
	int known;               /* the store knows this person ... */
	int64_t known_first_at;  /* ... and this first merge */
	int searched;            /* a search answered (found one earlier, or saw every match) */
	int search_failed;       /* a search failed: nothing is decided */
	int has_earlier;
	dg_pull_ref earlier;     /* the earliest merged before the window found */
	int earlier_inexact;     /* found on a page that did not hold every match */
} dg_author;

typedef struct dg_authors {
	dg_author *v;            /* sorted by dg_collect_cmp_login */
	size_t n;
} dg_authors;

/* The authors of `pulls` (model pulls sorted by merge time; bots left out);
 * free with dg_authors_clear. */
void dg_authors_build(dg_authors *out, const dg_config *cfg, json_t *pulls);
void dg_authors_clear(dg_authors *a);
/* The author with exactly this login, or NULL. */
dg_author *dg_authors_find(const dg_authors *a, const char *login);
/* The author with this login in any case (the latest to appear), or NULL. */
dg_author *dg_authors_find_ci(const dg_authors *a, const char *login);
/* The model's "contributors": [{"login","url","avatar_url","pulls"}]
 * (unsorted); caller decrefs. */
json_t *dg_authors_model(const dg_authors *a);
void dg_pull_ref_clear(dg_pull_ref *p);

/* ---- new contributors (newcomers.c) ---- */

typedef struct dg_newcomers {
	dg_collector *c;         /* borrowed */
	dg_authors *authors;     /* borrowed; what is learned is written into them */
	char *scope;             /* the watched set's key in the contributor table */
	char **groups;           /* borrowed: the scope groups searched in */
	dg_author **unknown;     /* the authors the store cannot answer for ... */
	size_t nunknown;         /* ... asked about once the probe answered */
	int or_terms;            /* authors one search may hold: 1 until OR is proven here */
	int or_proven;           /* this run's probe proved it (kept in the store) */
	int or_revoked;          /* a batch's answer contradicted it (forgotten) */
	int64_t now;             /* when the run started (seconds UTC), for the proof */
	json_t *found;           /* the model's "new_contributors" (unsorted) */
} dg_newcomers;

/* Free with dg_newcomers_clear. */
void dg_newcomers_init(dg_newcomers *nc, dg_collector *c, dg_authors *authors);
void dg_newcomers_clear(dg_newcomers *nc);
/* Ask about the authors the store does not know, within each scope group
 * (NULL-terminated). */
void dg_newcomers_search(dg_newcomers *nc, char **groups);
/* After the searches: decide who is new and remember what was learned. */
void dg_newcomers_settle(dg_newcomers *nc);

/* How many of `batch` go in one author search (at least 1 when n > 0): at
 * most six (GitHub allows five operators), the query under SEARCH_QUERY_MAX
 * and their in-window pulls within one page of 100. */
size_t dg_newcomers_batch(dg_author *const *batch, size_t n, const char *group);
/* The search for merged pulls of `batch` before `since` within `group`:
 * *who is "author:a OR author:b", *query the whole query; caller frees both. */
void dg_newcomers_query(dg_author *const *batch, size_t n, const char *group, int64_t since,
			char **who, char **query);

/* The probe of the OR syntax: up to six of `authors` (n of them) whose first
 * pull of the window lies in `group`, the fewest pulls first, their pulls
 * within one page. Writes them to probe[]; returns how many. */
size_t dg_newcomers_probe_pick(dg_author *const *authors, size_t n, const char *group,
			       dg_author **probe);
/* "is:pr is:merged (author:a OR ...) GROUP merged:SINCE..UNTIL-1s"; caller
 * frees. */
void dg_newcomers_probe_query(dg_author *const *probe, size_t n, const char *group, int64_t since,
			      int64_t until, char **query);
/* 1 when the search result holds a pull of every one of `probe` (2..6 of
 * them) and of nobody else: the server applied OR to every term. */
int dg_newcomers_probe_check(dg_author *const *probe, size_t n, json_t *result);

/* ---- search scope (scope.c) ---- */

/* One qualifier per org ("org:o"), then the extra repos outside those orgs
 * ("repo:a/b repo:c/d") chunked under the query-length limit. A
 * NULL-terminated array; free with dg_scope_groups_free. */
char **dg_scope_groups(const dg_strv *orgs, const dg_strv *repos);
void dg_scope_groups_free(char **groups);
/* 1 when owner/name `repo` lies in `group` ("org:o" or "repo:a/b repo:c/d",
 * any case), else 0. */
int dg_scope_group_has(const char *group, const char *repo);
/* "org:a repo:b/c": the lower-case qualifiers, sorted (reordering the config
 * keeps what the store knows); caller frees. */
char *dg_scope_key(const dg_strv *orgs, const dg_strv *repos);

/* ---- merged pull requests (pulls.c) ---- */

/* "is:pr is:merged GROUP merged:LO..HI-1s"; caller frees. */
char *dg_pulls_query(const char *group, int64_t lo, int64_t hi);
/* Merged-PR search requests a run may send per scope group and day of the
 * window (a week of 10,000 merged pulls takes about 120 in all). */
#define SEARCHES_PER_DAY 32
/* A window is never cut into more parts than this at once. */
#define SPLIT_PARTS_MAX 1000

/* Into how many parts to cut a window [lo, hi) holding `total` matches that
 * cannot be read whole: ceil(total / SEARCH_CAP) + 1, at least 2, at most
 * one a second and SPLIT_PARTS_MAX; 0 when it cannot be cut (one second or
 * less). */
int64_t dg_pulls_parts(int64_t total, int64_t lo, int64_t hi);
/* Where part k (0 .. parts) of [lo, hi) in `parts` parts starts: lo for 0,
 * hi for parts, strictly increasing in between; no overflow for any window. */
int64_t dg_pulls_cut(int64_t lo, int64_t hi, int64_t k, int64_t parts);
/* The last page to ask for: `total` results (any int64_t; <= 0: none),
 * per_page to a page, within SEARCH_CAP. */
int64_t dg_pulls_last_page(int64_t total, size_t per_page);
/* How many merged-PR search requests a run over `groups` scope groups and
 * the window [lo, hi) may send: SEARCHES_PER_DAY per group and (started)
 * day, at least one day and one group. */
int64_t dg_pulls_budget(size_t groups, int64_t lo, int64_t hi);

/* ---- the collection of one run ---- */

typedef struct collect {
	dg_collector base;       /* cfg, http, store, window, api, warnings, failed */
	json_t *repos;           /* lower-case full_name -> {"full_name","html_url","description"} */
	json_t *org;             /* the first org's profile {"login","name","html_url"} when the config
				    names no community; NULL otherwise or when it could not be read */
	json_t *releases;        /* array */
	json_t *pulls;           /* "repo#number" -> pull (split searches may overlap) */
	json_t *pulls_sorted;    /* by merge time, once every merged page is in */
	json_t *events_past, *events_upcoming;
	json_t *good_first;      /* issue URL -> good first issue (goodfirst.c) */
	char **groups;           /* search scope qualifiers */
	int merged_pending;      /* merged-PR searches in flight */
	int64_t merged_sent;     /* merged-PR search requests queued ... */
	int64_t merged_budget;   /* ... and how many the run may send (dg_pulls_budget) */
	int merged_over;         /* the budget ran out: the merged pulls are incomplete */
	json_t *merged_early;    /* search items that came before the repository list */
	int repos_pending;       /* repository listings (and single repos) not done yet */
	int repos_done;          /* the watched set is known: releases and events queued */
	int repos_failed;        /* ... and it is empty because every listing failed */
	size_t repos_warning;    /* 1 + the index in warnings of the first listing's failure; 0 none */
	int contributors_started;
	/* The conductor's next steps (collect.c), called by the stage that
	 * finishes: through a pointer, so no stage file calls the conductor's.
	 * after_repos: the watched set is known: queue the releases and the
	 * events, record the merged pulls that came before it, start the
	 * contributors when the merged searches are done (once; nothing when
	 * every listing failed). after_pulls: the merged searches are all in:
	 * build the authors, start the newcomer searches (once). */
	void (*after_repos)(struct collect *c);
	void (*after_pulls)(struct collect *c);
	dg_authors authors;
	dg_newcomers newcomers;
} collect;

/* ---- good first issues (goodfirst.c) ---- */

/* Queue the search of each scope group (when report.good_first_issues). */
void dg_goodfirst_queue(collect *c);
/* The model's "good_first_issues": [{"title","url","repo","number",
 * "summary","created_at"}] of watched repositories, oldest first (new
 * array). */
json_t *dg_goodfirst_model(collect *c);

/* One paged listing in flight. */
typedef struct page_job {
	collect *c;
	char *name;              /* owner/name, the org, or the search group */
	int64_t lo, hi;          /* search window [lo, hi) */
	int first_page;
	int page, last_page;     /* a page asked for at once with the others (repos.c); else 0 */
	int desc;                /* newest-first page of an over-cap window: 2 the first, 1 others */
	struct merged_window *win; /* a merged-PR search page: its window (pulls.c); else NULL */
} page_job;

/* Never NULL. */
page_job *dg_collect_job_new(collect *c, const char *name);
void dg_collect_job_free(void *job);
/* The JSON array of a listing page; NULL when the request failed (named
 * `not_found` for a 404 when not NULL) or the page is something else (named
 * `expected`): the source then counts as failed and `j` is freed. */
json_t *dg_collect_listing(page_job *j, const dg_http_response *resp, int err, const char *msg,
			   const char *not_found, const char *expected);
/* Queue the next page with `j` and `cb`, or free `j` when next_url is NULL. */
void dg_collect_next(page_job *j, const char *next_url, dg_http_cb cb);
/* RFC 3339 time at obj[key]; *ok says whether there was one. */
int64_t dg_collect_time_of(json_t *obj, const char *key, int *ok);
/* Queue a search/issues query; 0 when queued, else counted as failed and
 * `job` freed. */
int dg_collect_search(dg_collector *c, const char *query, dg_http_cb cb, void *job,
		      void (*job_free)(void *));
/* A search result's total_count: 0 .. INT64_MAX, or -1 when it is missing or
 * not a count (a negative number, text, a fraction). */
int64_t dg_collect_total(json_t *result);
/* qsort comparator over char * (strcmp). */
int dg_collect_cmp_cstr(const void *a, const void *b);
/* Logins: case-insensitive, then exact, for a stable order. */
int dg_collect_cmp_login(const char *a, const char *b);
/* Stage 1 (repos.c): list the orgs and extra repos into c->repos; the
 * callback that ends the last listing calls c->after_repos. */
void dg_repos_queue(collect *c);
/* Record the items of a merged-PR search page, or keep them until the
 * watched set is known (the merged search starts with the listings). */
void dg_pulls_record(collect *c, json_t *items);
/* How the watched set spells `full_name` (any case); NULL when not watched. */
const char *dg_repos_watched(collect *c, const char *full_name);
/* Stage 2: releases of every watched repo, the merged-PR search of one
 * group over [lo, hi), the event issues. */
void dg_releases_queue(collect *c);
void dg_pulls_search(collect *c, const char *group, int64_t lo, int64_t hi);
void dg_eventlist_queue(collect *c);

#endif
