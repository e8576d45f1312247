/* releaserank.h - which release of the period leads.
 *
 * Releases are grouped into products ([[report.products]], else one product
 * per repository, named after it); the same tag released by several
 * repositories of a product is one entry naming its repositories. Within a
 * product the release that matters most comes first: a new major, then a
 * new minor, then a patch, then a pre-release (dg_semver_kind_of), the
 * higher version, then the newer. Products are ordered by their first
 * entry: a final release before any pre-release, then the product's
 * activity (merged pull requests by people). The lead, first entry
 * of the first product, is chosen by the releases' facts alone (never the
 * period's activity): a final before a pre-release, then major > minor >
 * patch, then the products' configured order (unconfigured ones by name),
 * the higher version, the newer, so the weekly and every biweekly holding
 * that week lead with the same release. */
#ifndef DG_RELEASERANK_H
#define DG_RELEASERANK_H

#include <jansson.h>
#include <stdint.h>
#include "select/selectopts.h"

/* The product `repo` belongs to: its configured name, else the
 * repository's own name (after the slash). *key (may be NULL) tells
 * products apart: the configured name, else the repository. Borrowed. */
const char *dg_product_of(const dg_select_opts *o, const char *repo, const char **key);

/* The product's name as shown: the configured product's name; else, for
 * the org's main repository (named as the org) the community's name
 * (digest.community); else the repository's name with its first letter
 * upper-cased ("kubekey" -> "Kubekey"): a raw lower-case name only when the
 * config says so. A new string (caller frees). */
char *dg_product_name(const dg_select_opts *o, const char *repo);

/* <0 when release a (tag, GitHub's pre-release flag, publication time)
 * matters more than b, >0 when less, 0 when they tie. */
int dg_release_cmp(const char *tag_a, int pre_a, int64_t t_a, const char *tag_b, int pre_b, int64_t t_b);

/* 1 when the release is a pre-release: flagged so, or its tag says so. */
int dg_release_is_pre(const char *tag, int flagged);

/* The products of `releases` (the collector's list, borrowed; `pulls` the
 * merged pull requests, for activity). A new array (caller decrefs), lead
 * first, of {"name", "activity", "final" (bool), "entries": [{"tag",
 * "name", "url", "published_at", "prerelease", "kind" ("major", "minor",
 * "patch", "pre", "other"), "repos": [the collector's release objects,
 * borrowed copies, in the product's repository order]}]}. Never NULL. */
json_t *dg_select_releases(const dg_select_opts *o, json_t *releases, json_t *pulls);

#endif
