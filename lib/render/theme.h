/* theme.h - WeChat themes: one inline CSS style string per element.
 *
 * A theme file is TOML (templates/themes/default.toml):
 *     [meta]   name = "...", description = "..."
 *     [style]  root = "font-family:...;font-size:16px;...", h1 = "...", ...
 * A file may set any subset of [style] keys; the rest keep the built-in
 * default theme's values. Every style is checked when it is set: it must not
 * use what the WeChat editor strips or what could escape its element
 * (position/top/left/right/bottom/z-index, var(), --custom properties,
 * color-mix()/oklch()/lab()/lch(), url(), @-rules, backslashes, comments,
 * "<>{}"), and structural elements must keep what the checklist needs
 * (root: font-family, px font-size, line-height, color, text-align:left;
 * code_block: overflow-x:auto and -webkit-box+nowrap or white-space:pre;
 * table: border-collapse:collapse; th/td: border and padding; img:
 * max-width:100% and display:block; table_wrap: overflow-x:auto; refs_url:
 * word-break:break-all; sentinel: font-size:0, line-height:0, margin:0). */
#ifndef DG_THEME_H
#define DG_THEME_H

#include <stddef.h>

typedef enum dg_theme_element {
	DG_TH_ROOT, DG_TH_SENTINEL,
	DG_TH_H1, DG_TH_H2, DG_TH_H3, DG_TH_H4, DG_TH_P,
	DG_TH_STRONG, DG_TH_EM, DG_TH_EM_CJK, DG_TH_DEL,
	DG_TH_A, DG_TH_LINK, DG_TH_URL, DG_TH_SUP,
	DG_TH_BLOCKQUOTE, DG_TH_BLOCKQUOTE_P,
	DG_TH_PRE, DG_TH_CODE_BLOCK, DG_TH_CODE_BODY, DG_TH_CODE,
	DG_TH_UL, DG_TH_OL, DG_TH_LI, DG_TH_LI_SECTION, DG_TH_LIST_NESTED, DG_TH_LI_NESTED, DG_TH_LI_MARKER,
	DG_TH_TABLE_WRAP, DG_TH_TABLE, DG_TH_TH, DG_TH_TD,
	DG_TH_IMG, DG_TH_FIGURE, DG_TH_FIGCAPTION, DG_TH_HR,
	DG_TH_REFS, DG_TH_REFS_HEADING, DG_TH_REFS_ENTRY, DG_TH_REFS_URL,
	DG_TH_COUNT
} dg_theme_element;

typedef struct dg_theme dg_theme;

/* The built-in copy of templates/themes/default.toml, so the binary works
 * without data files. Returns 0 and sets *out (caller frees with
 * dg_theme_free): it cannot fail (out of memory aborts, base/alloc.h). */
int dg_theme_default(dg_theme **out);

/* Load a theme file over the default theme. Returns 0 and sets *out (caller
 * frees), or a negative code: DG_ERR_CONFIG with "FILE:LINE: key 'style.x':
 * ..." for TOML errors, unknown tables/keys, non-string values and rejected
 * styles; the TOML module's code and message when the file cannot be read. */
int dg_theme_load(const char *path, dg_theme **out);

/* Set one element's style by name ("h1", "code_block", ...) after checking it
 * as described above. Returns 0, or DG_ERR_CONFIG naming the element. */
int dg_theme_set(dg_theme *t, const char *element, const char *style);

/* The style for an element name; "" for an unknown name. Borrowed from t. */
const char *dg_theme_style(const dg_theme *t, const char *element);
/* The style for an element id; borrowed from t, never NULL. */
const char *dg_theme_get(const dg_theme *t, dg_theme_element e);
/* [meta] name ("default" for the built-in theme); borrowed from t. */
const char *dg_theme_name(const dg_theme *t);

/* Element names in enum order: the keys a theme's [style] table accepts. */
const char *dg_theme_element_name(dg_theme_element e);

/* Check one style string for `element` without a theme. Returns 0, or
 * DG_ERR_CONFIG with "element 'x': <what is wrong>". */
int dg_theme_check(const char *element, const char *style);

void dg_theme_free(dg_theme *t);  /* accepts NULL */

#endif
