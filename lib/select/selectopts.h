/* selectopts.h - what the select stage reads of the config, and nothing
 * else: built by lib/issue/stageopts.c, so a signature that takes it says
 * what it reads. Everything borrowed from the config. */
#ifndef DG_SELECTOPTS_H
#define DG_SELECTOPTS_H

#include <stddef.h>
#include "config/config.h"

typedef struct dg_select_opts {
	const dg_product *products;      /* [[report.products]]; none: one product per repository */
	size_t n_products;
	const dg_strv *highlight_labels; /* report.highlight_labels (may be empty) */
	const dg_strv *community_repos;  /* report.community_repos: their PRs are news (besides any repository named community) */
	const char *community;           /* digest.community: names the org's main repository's product */
	int highlights_per_product;      /* report.highlights_per_repo */
	int highlights_max;              /* report.highlights_max */
	const dg_strv *watch_repos;      /* cnweekly.watch_repos: earlier ranks first among equals */
	int project_days;                /* cnweekly.project_days */
} dg_select_opts;

#endif
