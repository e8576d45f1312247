/* collectint.h - what lib/collect.c shares with lib/newcomers.c; private.
 *
 * The collection state of one run and the helpers both files use. Nothing
 * outside the collectors includes this. */
#ifndef DG_COLLECTINT_H
#define DG_COLLECTINT_H

#include <jansson.h>
#include <stdint.h>
#include "config/config.h"
#include "net/http.h"
#include "store/store.h"

/* GitHub rejects search queries longer than 256 characters. */
#define SEARCH_QUERY_MAX 240

typedef struct collect {
	const dg_config *cfg;
	dg_http *http;
	dg_store *store;
	int64_t since, until;
	char api[1024];
	char *scope;             /* identifies the watched set in the contributor table; owned */

	json_t *repos;           /* lower-case full_name -> {"full_name","html_url","description"} */
	json_t *releases;        /* array */
	json_t *pulls;           /* "repo#number" -> pull (split searches may overlap) */
	json_t *authors;         /* login -> {"login","url","avatar_url","pulls","first":pull,"id"} */
	json_t *new_contributors;
	json_t *events_past, *events_upcoming;
	json_t *warnings;
	int failed;
	int org_failures;
	int or_understood;       /* a batched author search returned only its own authors */
	char **groups;           /* search scope qualifiers */
	int merged_pending;      /* merged-PR searches in flight */
	int contributors_started;
	json_t *pulls_sorted;
} collect;

/* One paged listing in flight. */
typedef struct page_job {
	collect *c;
	char *repo;              /* owner/name, or the org, or the author login */
	int64_t lo, hi;          /* search window [lo, hi) */
	int first_page;
	json_t *batch;           /* author searches: the logins asked about */
	const char *group;       /* author searches: the scope qualifier */
} page_job;

/* Count a source as failed and say why in the warnings. */
void dg_collect_failed(collect *c, const char *what, const char *message);
page_job *dg_collect_job_new(collect *c, const char *repo);
void dg_collect_job_free(page_job *j);
/* RFC 3339 time at obj[key]; *ok says whether there was one. */
int64_t dg_collect_time_of(json_t *obj, const char *key, int *ok);
/* Queue a search/issues query; 0 when queued (else counted as failed). */
int dg_collect_queue_search(collect *c, const char *query, dg_http_cb cb, page_job *j);
/* Logins: case-insensitive, then exact, for a stable order. */
int dg_collect_cmp_login(const char *a, const char *b);

/* New contributors (lib/newcomers.c): ask about the window's authors the
 * store does not know, then decide who is new and remember it. */
void dg_newcomers_search(collect *c, char **groups);
void dg_newcomers_settle(collect *c);

#endif
