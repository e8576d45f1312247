/* lang.h - the wording of one language: templates/<lang>/strings.toml.
 *
 * Titles, front-matter texts, list separators and the like that the model
 * writes into its values live beside the templates, one file per language,
 * found by the same lookup (digest.templates_dir first, so a user overrides
 * the whole file). Each value is a small Mustache template rendered without
 * escaping: the result is a model value, escaped later by the Markdown
 * templates that show it. The file holds a fixed set of strings in tables
 * ("[cnweekly] title = ..." is the key "cnweekly.title"; lang.c lists them
 * with the names each may use); a missing or unknown key is an error. */
#ifndef DG_LANG_H
#define DG_LANG_H

#include <jansson.h>
#include "base/buf.h"

typedef struct dg_lang dg_lang;
/* The loader reads digest.language and digest.templates_dir of the config
 * (config/config.h); the model stage itself reads only dg_model_opts. */
struct dg_config;

/* Load <cfg->language>/strings.toml from the templates roots. Returns 0 and
 * sets *out (caller frees with dg_lang_free), or <0 with a message naming the
 * file, and for a bad entry its line and key ("FILE:LINE: key 'x': ..."). */
DG_MUST_CHECK int dg_lang_load(const struct dg_config *cfg, dg_lang **out);

/* Load a strings file by path (what dg_lang_load does once it found it). */
DG_MUST_CHECK int dg_lang_load_file(const char *path, dg_lang **out);

void dg_lang_free(dg_lang *lang); /* accepts NULL */

/* Render string `key` ("cnweekly.title") with the names in `ctx` (borrowed;
 * NULL = none), without escaping. Returns 0 and sets *out (caller frees), or
 * <0 with a message naming the file, the line and the key. */
DG_MUST_CHECK int dg_lang_format(const dg_lang *lang, const char *key, json_t *ctx, char **out);

/* dg_lang_format for a series of calls checked once: `ctx` is stolen and is
 * an error when NULL (a failed json_pack: a value that is not UTF-8; pass
 * json_object() for no names). The first error is kept in
 * *err and, once *err < 0, calls return NULL without doing anything. Returns
 * the text (caller frees) or NULL. */
char *dg_lang_say(const dg_lang *lang, const char *key, json_t *ctx, int *err);

#endif
