/* canon.h - canonical URLs, so the same item is recognised across issues.
 *
 * Lower-case scheme and host, no default port, no fragment, no tracking
 * parameters (utm_*, fbclid, gclid, mc_cid, mc_eid, _hsenc, _hsmi, ref,
 * spm, from, source=rss-style feed markers), remaining query parameters kept in
 * order, no trailing slash, "http" and "https" treated alike, "www." dropped. */
#ifndef DG_CANON_H
#define DG_CANON_H

/* Returns a new string (caller frees), or NULL for an empty or non-http(s) URL. */
char *dg_canon_url(const char *url);

#endif
