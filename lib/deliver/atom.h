/* atom.h - the Atom feed of past issues (RFC 4287), written with libxml2's
 * writer: every text escaped, invalid UTF-8 repaired and the characters
 * XML 1.0 forbids (controls but tab and line breaks) removed. */
#ifndef DG_ATOM_H
#define DG_ATOM_H

#include <jansson.h>
#include <stdint.h>

/* An entry's fields, as the store keeps them (a JSON object):
 *   id       a stable "tag:" URI (dg_atom_tag)
 *   title, link, summary (plain text), html (the article), updated (RFC 3339) */

/* "tag:HOST,YYYY-MM-DD:KIND/LABEL": the host of `site_url`, the day the
 * period starts (UTC), the kind and the period's label; caller frees.
 * NULL when site_url has no host. */
char *dg_atom_tag(const char *site_url, int64_t since, const char *kind, const char *label);

/* `base` and `path` joined with one '/'; caller frees. */
char *dg_atom_join(const char *base, const char *path);

/* The feed: id `feed_id` (an absolute IRI), alternate link `site_url` (none
 * when NULL), self link `self_url` (may be relative), title `title`,
 * `updated` the newest entry's (or `now`), the `entries` (an array of entry
 * objects, in the order given). 0 with *xml (caller frees), or <0. */
int dg_atom_build(const char *feed_id, const char *site_url, const char *self_url, const char *title,
		  json_t *entries, int64_t now, char **xml);

#endif
