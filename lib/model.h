/* model.h - the digest model: the one jansson value templates see.
 *
 * `--format json` writes it as is (stable keys, documented in README.md). */
#ifndef DG_MODEL_H
#define DG_MODEL_H

#include <jansson.h>
#include "config.h"
#include "window.h"

/* Build the community report's model from collected `data` (borrowed).
 * *out is new (caller decrefs). */
int dg_model_community(const dg_config *cfg, const dg_window *w, json_t *data, int number,
		       json_t **out);

/* Add the footer's links (digest.links) and QR image (digest.qr_image) to
 * `model`, with has.links / has.qr_image (the "has" object must exist). */
void dg_model_add_links(const dg_config *cfg, json_t *model);

/* Keep only http(s) links (and digest's own certificates/ paths) in every
 * "url", "link" and "*_url" string, percent-encoding what would end a
 * Markdown link early; others become "". */
void dg_model_sanitize_urls(json_t *model);

/* Serialise for --format json: indented, keys in insertion order, UTF-8,
 * trailing newline. Caller frees. */
char *dg_model_dump(json_t *model);

#endif
