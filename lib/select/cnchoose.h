/* cnchoose.h - what a Cloud Native Weekly issue holds.
 *
 * Items are known by a canonical key (lib/feeds/canon.h: their URL, or
 * https://github.com/<repo> for projects). An item published by another
 * issue of the same series (the state store) or already chosen for this one
 * (`seen`, key -> true) is never chosen again. */
#ifndef DG_CNCHOOSE_H
#define DG_CNCHOOSE_H

#include <jansson.h>
#include <stdint.h>
#include "config/config.h"
#include "select/selectopts.h"
#include "store/store.h"

typedef struct dg_select {
	dg_store *store;
	const char *series;      /* the series of the store (lib/issue/series.h) */
	const char *issue;       /* this issue's period label */
	const char *picks_path;  /* the editor's file, for warnings */
	json_t *facts;           /* lower-case repo -> repository object (editor's projects) */
	json_t *warnings;        /* array: what was left out, and why */
} dg_select;

/* The canonical key of a candidate or an editor's item; caller frees; NULL
 * when it has no http(s) URL. */
char *dg_select_key(json_t *item);

/* Up to `max` candidates, in order, not published elsewhere and not seen;
 * each gets "key". New array (shares the items). */
json_t *dg_select_auto(const dg_select *s, json_t *cands, int max, json_t *seen);

/* The editor's `items` of `section` ("project", "article", "news"),
 * completed from the candidates (or, for projects, the repository facts);
 * their title/headline/paragraph win. An item published by an earlier issue
 * is left out with a warning. New array of new items. */
json_t *dg_select_editor(const dg_select *s, json_t *items, json_t *cands, const char *section,
			 json_t *seen);

/* How much a news item matters ("significance"), highest first: a new
 * major or minor release of a watched project, a critical advisory, a high
 * one, other security news (an advisory, a feed item naming a CVE), a patch,
 * a release that is no version, a pre-release, then feed news. */
enum {
	DG_SIG_FEED = 10, DG_SIG_PRE = 20, DG_SIG_OTHER_RELEASE = 25, DG_SIG_PATCH = 30, DG_SIG_SECURITY = 40,
	DG_SIG_HIGH = 45, DG_SIG_MINOR = 50, DG_SIG_CRITICAL = 55, DG_SIG_MAJOR = 60,
};

/* Set "significance" (and "cve" for a feed item naming one; "priority" for
 * releases and advisories: earlier in cnweekly.watch_repos is higher) on
 * each news candidate, then sort them: significance, priority (a feed's
 * `priority`), newest, URL. */
void dg_select_rank_news(const dg_select_opts *o, json_t *news);

/* Set "active" (pushed within cnweekly.project_days before `until`) on each
 * project candidate and sort them: active first, then by stars, then name. */
void dg_select_rank_projects(const dg_select_opts *o, int64_t until, json_t *projects);

/* Candidate orders: articles newest first; news by significance, priority,
 * newest; projects active first, then by stars (then name). For dg_json_sort. */
int dg_select_cmp_newest(const void *pa, const void *pb);
int dg_select_cmp_news(const void *pa, const void *pb);
int dg_select_cmp_stars(const void *pa, const void *pb);

#endif
