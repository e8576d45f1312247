/* visuals.h - the images of an issue: certificate PNGs, the new-contributors
 * poster and the cover, each rendered from an SVG template users can
 * override (templates/certificate.svg.mustache, poster.svg.mustache,
 * cover.svg.mustache), and the avatars the poster shows, fetched through
 * the HTTP client without the token and kept in the state store. */
#ifndef DG_VISUALS_H
#define DG_VISUALS_H

#include <jansson.h>
#include <stddef.h>
#include "base/fileset.h"
#include "config/config.h"
#include "net/body.h"
#include "net/http.h"
#include "store/store.h"

/* The certificates the model names (each new contributor with
 * "certificate_generated": its "certificate_file" SVG and "certificate_png",
 * paths under `out_dir` decided by the model), drawn and added to `files`.
 * Reads the model, never writes it. */
int dg_visuals_certificates(const dg_config *cfg, dg_store *store, json_t *model, const char *out_dir,
			    dg_fileset *files);

/* The side of an avatar as the poster and the draft get it (the poster
 * shows it at 96 px). */
#define DG_VISUALS_AVATAR_PX 192u

/* Images fetched for an issue, by URL: the avatars its poster and its
 * WeChat draft show, fetched once, before any output. */
typedef struct dg_image_set {
	size_t n;
	char **urls;
	dg_http_body *bodies;    /* bodies[i] for urls[i]: a PNG of at most DG_VISUALS_AVATAR_PX
				    a side drawn from what was fetched, or why not */
} dg_image_set;
#define DG_IMAGE_SET_INIT {0, NULL, NULL}

/* Fetch the avatars of the model's new contributors (dg_visuals_avatar_url)
 * into *out (cleared first; dg_image_set_clear), each checked from its
 * header and redrawn as a small PNG in a child process that stops at
 * `deadline_ms` (image.h: dg_image_deadline; 0: none): one refused, too slow
 * or that does not decode holds why (naming its URL) instead. 0, or <0
 * when the HTTP client stopped (what was fetched is still in *out). */
int dg_visuals_avatars_until(const dg_config *cfg, json_t *model, dg_http *http, dg_store *store,
			     long long deadline_ms, dg_image_set *out);
/* The body fetched for `url`, or NULL when the set has none. Borrowed. */
const dg_http_body *dg_image_set_find(const dg_image_set *set, const char *url);
void dg_image_set_clear(dg_image_set *set);     /* accepts NULL */

/* The cover (900x383: the title and the period) as PNG; caller frees. */
int dg_visuals_cover(const dg_config *cfg, json_t *model, char **png, size_t *len);

/* The new-contributors poster (avatars in a grid with the logins) as PNG;
 * *png NULL when the issue has no new contributor. The avatars come from
 * `avatars` (dg_visuals_avatars_until); one missing or unusable is drawn as the
 * login's initial, with a warning in `warnings`. The first 119 people are
 * drawn and the 120th cell says how many more ("+N") when there are more:
 * any number of people makes a poster of at most 900 x 4010 px. No request,
 * no picture from outside decoded (the set holds PNGs we drew). */
int dg_visuals_poster(const dg_config *cfg, json_t *model, const dg_image_set *avatars, json_t *warnings,
		      char **png, size_t *len);

/* Where a person's avatar is fetched: images.avatar_url with {login} (the
 * login percent-encoded), else the model's avatar_small. Caller frees. */
char *dg_visuals_avatar_url(const dg_config *cfg, json_t *person);

/* Fetch `n` URLs in parallel (dg_http_get_raw: never with the token); each
 * body is checked from its header (image.h: dg_image_check): one refused
 * is dropped (out[i] says why) and never kept; one that passes is kept in
 * the state store ("image", by URL), so a URL is fetched once (a kept one
 * that fails the checks now is dropped from the store and fetched again);
 * one that failed is not sent again in the run either (the client
 * remembers it and answers the same message), and a host that refuses the
 * connection or does not resolve is not retried: images are cosmetic.
 * out[i] is filled for urls[i]: the bytes, or why not (clear each with
 * dg_http_body_clear). 0, or <0 when the HTTP client stopped (out still
 * filled). */
int dg_visuals_fetch(dg_http *http, dg_store *store, const char *const *urls, size_t n, dg_http_body *out);
/* Free the `n` URLs and bodies of a batch and both arrays; accepts NULLs. */
void dg_visuals_fetch_free(char **urls, dg_http_body *out, size_t n);

#endif
