/* render.h - model -> Markdown (Mustache templates) -> HTML (cmark-gfm).
 *
 * Templates are looked up, file by file, in: digest.templates_dir (the
 * user's overrides), $DIGEST_DATADIR/templates, templates/ beside the running
 * binary (a source tree), ../share/digest/templates beside it, and the
 * install prefix. Markdown templates live in templates/<lang>/; partials
 * ({{> name}}) are <lang>/name.md.mustache. Values interpolated with {{x}}
 * are escaped for Markdown (a title like "fix: *ptr* [x](y) <b>" stays
 * text); {{{x}}} is raw, for trusted config text and prepared fields. */
#ifndef DG_RENDER_H
#define DG_RENDER_H

#include <jansson.h>
#include "base/buf.h"
#include "config/config.h"
#include "render/theme.h"

/* Render <lang>/<name>.md.mustache with `model`. *md caller-frees. */
int dg_render_markdown(const dg_config *cfg, json_t *model, const char *name, char **md);

/* Markdown (its front matter, if any, skipped) -> HTML through cmark-gfm in
 * safe mode. *html caller-frees. */
int dg_render_html(const char *md, char **html);

/* The WeChat theme digest.theme names (or the default). Caller frees with
 * dg_theme_free. */
int dg_render_theme(const dg_config *cfg, dg_theme **theme);

/* Render certificate.svg.mustache for one new contributor (model entry,
 * plus the community and date). *svg caller-frees. */
int dg_render_certificate(const dg_config *cfg, json_t *model, json_t *person, char **svg);

/* Render the SVG template `name` ("cover.svg.mustache", looked up like the
 * others, so a user overrides it in digest.templates_dir) with `ctx`
 * (borrowed; NULL is an error: a failed json_pack, a value missing or not
 * UTF-8). *svg caller-frees. */
int dg_render_svg(const dg_config *cfg, const char *name, json_t *ctx, char **svg);

/* Find a file under the templates roots ("zh/community.md.mustache",
 * "themes/default.toml"). *path caller-frees; 1 found, 0 not found, <0 error. */
int dg_render_find_file(const dg_config *cfg, const char *relative, char **path);

/* Markdown escaping for interpolated text (the Mustache escape function). */
int dg_render_escape_markdown(dg_buf *out, const char *s, size_t len);

#endif
