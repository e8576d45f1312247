/* select/weekly.h - what a Cloud Native Weekly issue holds.
 *
 * Items are known by a canonical key (lib/feeds/canon.h: their URL, or
 * https://github.com/<repo> for projects). An item published by another
 * issue of the same kind (the state store) or already chosen for this one
 * (`seen`, key -> true) is never chosen again. */
#ifndef DG_SELECT_WEEKLY_H
#define DG_SELECT_WEEKLY_H

#include <jansson.h>
#include "store/store.h"

typedef struct dg_select {
	dg_store *store;
	const char *kind;        /* "cnweekly" */
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

/* Candidate orders: articles newest first; news releases first, then
 * newest; projects by stars (then name). For dg_json_sort. */
int dg_select_cmp_newest(const void *pa, const void *pb);
int dg_select_cmp_news(const void *pa, const void *pb);
int dg_select_cmp_stars(const void *pa, const void *pb);

#endif
