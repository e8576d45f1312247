/* render.h - model -> Markdown (Mustache templates) -> HTML (WeChat fragment + preview page).
 *
 * Templates are looked up, file by file, in: digest.templates_dir (the
 * user's overrides), $DIGEST_DATADIR/templates, the directory of the running
 * binary (a source tree), ../share/digest/templates beside it, and the
 * install prefix. Language subdirectory: templates/<lang>/. */
#ifndef DG_RENDER_H
#define DG_RENDER_H

#include <jansson.h>
#include "config.h"

/* Render templates/<lang>/<name>.md.mustache with `model`. *md caller-frees. */
int dg_render_markdown(const dg_config *cfg, json_t *model, const char *name, char **md);

/* Markdown -> WeChat fragment and standalone preview page (caller frees both). */
int dg_render_html(const dg_config *cfg, const char *md, const char *title, char **fragment,
		   char **page);

/* Find a shipped/user file relative to the templates root ("zh/community.md.mustache",
 * "themes/default.toml"). *path caller-frees; 1 found, 0 not found. */
int dg_render_find_file(const dg_config *cfg, const char *relative, char **path);

#endif
