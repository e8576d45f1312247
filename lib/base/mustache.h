/* mustache.h - a Mustache template engine over jansson values.
 *
 * Implements the spec (../shared/testdata/mustache-spec): variables
 * ({{x}} escaped, {{{x}}} and {{&x}} raw), dotted names and implicit
 * iterator {{.}}, sections over arrays / objects / truthy values, inverted
 * sections, comments, partials (with standalone-line indentation), set
 * delimiters, and the spec's standalone-line whitespace rules; also the
 * optional modules template inheritance ({{<parent}}{{$block}}..{{/block}}
 * {{/parent}}: parents come from the partial callback) and dynamic names
 * ({{>*name}}, {{<*name}}). Not lambdas.
 *
 * Values: integers as integers, reals in the shortest form that reads back
 * the same with a ".0" kept (1.0 -> "1.0", 1.21 -> "1.21"), true/false as
 * words, null and missing names as nothing, objects/arrays as compact JSON.
 * Falsey for sections: false, null, missing, the empty array ("" and 0 are
 * truthy, as the spec says).
 *
 * Escaping is pluggable: the spec uses HTML escaping (dg_mustache_escape_html);
 * Markdown templates pass a Markdown escaper. */
#ifndef DG_MUSTACHE_H
#define DG_MUSTACHE_H

#include <jansson.h>
#include "base/buf.h"

/* Append the escaped form of `len` bytes of `s` to `out`; 0 or <0. */
typedef int (*dg_mustache_escape_fn)(dg_buf *out, const char *s, size_t len);

/* Look up partial `name`: on success set *text (malloc'ed, caller of the
 * engine frees it - the engine calls free()) and *len, return 0. A missing
 * partial returns 1 (renders as empty, per the spec); <0 is an error.
 * Called at most once per name per render call (results are cached). */
typedef int (*dg_mustache_partial_fn)(void *ud, const char *name,
				      char **text, size_t *len);

typedef struct dg_mustache_opts {
	dg_mustache_escape_fn escape;    /* NULL = dg_mustache_escape_html */
	dg_mustache_partial_fn partial;  /* NULL = no partials */
	void *partial_ud;
	const char *name;                /* template name for error messages */
} dg_mustache_opts;

/* Render `tmpl` with `context` (borrowed) appending to `out`. Returns 0, or
 * DG_ERR_FAIL with "NAME:LINE: ..." for malformed templates (unclosed
 * section, mismatched close tag, bad delimiter; errors inside a partial name
 * the partial and the including line) and for partials/parents/block
 * overrides nested more than 64 deep (a template including itself).
 * Partial errors (<0 from the callback) and buffer errors pass through. On
 * failure `out` is left as it was before the call. */
int dg_mustache_render(const char *tmpl, size_t len, json_t *context,
		       const dg_mustache_opts *opts, dg_buf *out);

/* HTML escaping: & < > " ' become entities. 0 or <0 (buffer errors). */
int dg_mustache_escape_html(dg_buf *out, const char *s, size_t len);

#endif
