/* cnweekly.h - the Cloud Native Weekly (云原生周刊): candidates, picks, dedupe, numbering.
 *
 * Candidates for a window [since, until): entries of the feed list published
 * in it (category article or news), releases of cnweekly.watch_repos
 * published in it (news), and projects from the search API (cnweekly.topics,
 * created within cnweekly.project_days, at least cnweekly.min_stars, by
 * stars). When the editor's file <picks_dir>/<YYYY>-W<ww>.toml exists it
 * decides the content; otherwise the best candidates are taken. Every item
 * published by an earlier issue (by canonical URL, lib/canon.h) is left out;
 * re-rendering an issue gives the same issue. */
#ifndef DG_CNWEEKLY_H
#define DG_CNWEEKLY_H

#include <jansson.h>
#include "config/config.h"
#include "net/http.h"
#include "store/store.h"
#include "issue/window.h"

typedef struct dg_cnweekly_result {
	json_t *model;           /* the model (caller decrefs) */
	json_t *candidates;      /* {"headline","projects","articles","news"}: for --draft */
	int failed_sources;
} dg_cnweekly_result;

/* Collect and select. `record` = 1 records the items and number in
 * the store (a real render; not a draft). */
int dg_cnweekly_build(const dg_config *cfg, dg_http *http, dg_store *store, const dg_window *w,
		      int record, dg_cnweekly_result *out);

/* The path of the editor's file for window `w` (caller frees). */
char *dg_cnweekly_picks_path(const dg_config *cfg, const dg_window *w);

#endif
