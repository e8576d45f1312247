/* starter.h - the starting config `digest init` writes for one organisation.
 *
 * Pure: what was learnt from GitHub (the org's profile, its repositories,
 * which of them have releases or event issues) goes in, the text of a
 * commented digest.toml comes out; cmd/init.c does the fetching.
 *
 * Products (the rule, also in the README and the man page): only
 * repositories with at least one release are products. Those named ORG or
 * ORG-<x> (the organisation's login) are one product, named after the
 * community's display name. The stem of any other repository's name is the
 * part before its first '-' ("ks-installer" -> "ks"); repositories whose
 * stem is the name of one of the org's repositories (the head: "tracer" for
 * "tracer-ui") are one product named after the head. Every other repository
 * with releases is a product of its own, named after it. In a product the
 * repository named like it comes first, then the others by name. */
#ifndef DG_STARTER_H
#define DG_STARTER_H

#include <stddef.h>
#include "base/buf.h"
#include "config/config.h"

typedef struct dg_starter {
	const char *org;            /* the organisation's login */
	const char *name;           /* its display name (the profile's name, else the login) */
	const char *website;        /* an http(s) URL for the footer links, or NULL */
	const char *github_url;     /* the org's page on GitHub */
	const char *api_url;
	const char *language;       /* "zh" | "en" */
	const dg_strv *listed;      /* names of the watched repositories (no forks, none archived) */
	const dg_strv *released;    /* those of them with at least one release */
	const dg_strv *event_repos; /* "owner/name" of the repositories holding event issues */
} dg_starter;

/* The products of `s` by the rule above, the org's first, then by name.
 * Sets *out and *n (caller frees with dg_starter_products_free) and returns 0
 * (out of memory aborts). */
int dg_starter_products(const dg_starter *s, dg_product **out, size_t *n);
void dg_starter_products_free(dg_product *p, size_t n);  /* accepts NULL */

/* The config text (caller frees *out): every string TOML-escaped, each key
 * with a short comment, paths relative to the file. Returns 0 (out of memory
 * aborts). */
int dg_starter_write(const dg_starter *s, char **out);

#endif
