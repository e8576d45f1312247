#include "render/theme.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/buf.h"
#include "base/str.h"
#include "config/schema.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct dg_theme {
	char *name;
	char *style[DG_TH_COUNT];
};

/* Keys of a theme's [style] table, in enum order. */
static const char *const theme_names[DG_TH_COUNT] = {
	"root", "sentinel",
	"h1", "h2", "h3", "h4", "p",
	"strong", "em", "em_cjk", "del",
	"a", "link", "url", "sup",
	"blockquote", "blockquote_p",
	"pre", "code_block", "code_body", "code",
	"ul", "ol", "li", "li_section", "list_nested", "li_nested", "li_marker",
	"table_wrap", "table", "th", "td",
	"img", "figure", "figcaption", "hr",
	"refs", "refs_heading", "refs_entry", "refs_url",
};

/* The built-in theme: must stay identical to templates/themes/default.toml
 * (tests/unit/test_wechat.c compares them). */
static const char *const theme_default_styles[DG_TH_COUNT] = {
	/* root */
	"font-family:-apple-system-font,BlinkMacSystemFont,'Helvetica Neue','PingFang SC',"
	"'Hiragino Sans GB','Microsoft YaHei UI','Microsoft YaHei',Arial,sans-serif;"
	"font-size:16px;line-height:1.75;color:#3f3f3f;text-align:left;"
	"word-wrap:break-word;padding:0 4px",
	/* sentinel */
	"font-size:0;line-height:0;margin:0",
	/* h1 */
	"display:table;margin:1.6em auto 1em;padding:0 0.6em 0.3em;"
	"border-bottom:2px solid #00a971;font-size:1.35em;font-weight:bold;"
	"line-height:1.5;color:#2f3d37;text-align:center",
	/* h2 */
	"display:table;margin:1.8em auto 1em;padding:0.15em 0.8em;border-radius:4px;"
	"background-color:#00a971;font-size:1.2em;font-weight:bold;line-height:1.5;"
	"color:#ffffff;text-align:center",
	/* h3 */
	"margin:1.6em 0 0.8em;padding-left:0.6em;border-left:4px solid #00a971;"
	"font-size:1.1em;font-weight:bold;line-height:1.5;color:#2f3d37",
	/* h4 */
	"margin:1.4em 0 0.6em;font-size:1em;font-weight:bold;line-height:1.5;"
	"color:#00875a",
	/* p */
	"margin:0.9em 0;line-height:1.75;color:#3f3f3f",
	/* strong */
	"font-weight:bold;color:#00875a",
	/* em */
	"font-style:italic;color:#3f3f3f",
	/* em_cjk */
	"font-style:normal;font-weight:bold;color:#3f3f3f",
	/* del */
	"text-decoration:line-through;color:#8c8c8c",
	/* a */
	"color:#576b95;text-decoration:none",
	/* link */
	"color:#576b95",
	/* url */
	"color:#576b95;word-break:break-all",
	/* sup */
	"font-size:0.75em;line-height:0;vertical-align:super;color:#576b95",
	/* blockquote */
	"margin:1em 0;padding:0.6em 1em;border-left:4px solid #00a971;border-radius:4px;"
	"background-color:#f3f8f6;color:#595959",
	/* blockquote_p */
	"margin:0.3em 0;line-height:1.75;color:#595959",
	/* pre */
	"margin:1em 0;padding:0;border:1px solid #e6ebe9;border-radius:6px;"
	"background-color:#f6f8fa;font-size:13px;line-height:1.6;text-align:left;"
	"letter-spacing:0;overflow-x:auto",
	/* code_block */
	"display:-webkit-box;padding:0.9em 1em;white-space:nowrap;overflow-x:auto;"
	"font-family:Menlo,Monaco,Consolas,'Courier New',monospace;font-size:13px;"
	"line-height:1.6;color:#24292e;background-color:#f6f8fa;text-align:left;"
	"letter-spacing:0",
	/* code_body */
	"display:block;white-space:nowrap;color:#24292e;text-align:left;letter-spacing:0",
	/* code */
	"padding:0.1em 0.3em;border-radius:3px;background-color:#f0f3f2;"
	"font-family:Menlo,Monaco,Consolas,'Courier New',monospace;font-size:0.9em;"
	"color:#c7254e;overflow-wrap:break-word",
	/* ul */
	"margin:0.8em 0;padding-left:0;list-style-type:none;color:#3f3f3f",
	/* ol */
	"margin:0.8em 0;padding-left:0;list-style-type:none;color:#3f3f3f",
	/* li */
	"display:block;margin:0.25em 0 0.25em 0.6em;line-height:1.75;color:#3f3f3f",
	/* li_section: a hanging indent, wrapped lines start under the text */
	"margin:0;padding-left:1.3em;text-indent:-1.3em;color:#3f3f3f",
	/* list_nested */
	"margin:0.2em 0 0.2em 1.2em",
	/* li_nested */
	"margin:0.2em 0;padding-left:1.3em;text-indent:-1.3em;line-height:1.75;color:#3f3f3f",
	/* li_marker */
	"display:inline-block;width:1.3em;text-indent:0;color:#3f3f3f",
	/* table_wrap */
	"margin:1em 0;max-width:100%;overflow-x:auto",
	/* table */
	"border-collapse:collapse;border-spacing:0;margin:0;min-width:100%;"
	"font-size:14px;line-height:1.5;color:#3f3f3f",
	/* th */
	"border:1px solid #dfe4e2;padding:6px 8px;background-color:#f0f5f3;"
	"font-weight:bold;color:#2f3d37;text-align:left;min-width:4em",
	/* td */
	"border:1px solid #dfe4e2;padding:6px 8px;color:#3f3f3f;text-align:left;"
	"min-width:4em",
	/* img */
	"display:block;max-width:100%;height:auto;margin:0.6em auto;border-radius:4px",
	/* figure */
	"margin:1.2em 0;text-align:center",
	/* figcaption */
	"margin-top:0.3em;font-size:0.85em;line-height:1.5;color:#8c8c8c;"
	"text-align:center",
	/* hr */
	"margin:2em 0;height:0;border:0;border-top:1px solid #e0e6e3",
	/* refs */
	"margin:2.4em 0 0;padding-top:0.6em;border-top:1px solid #e0e6e3",
	/* refs_heading */
	"margin:0.4em 0 0.6em;font-size:1em;font-weight:bold;line-height:1.5;"
	"color:#2f3d37",
	/* refs_entry */
	"margin:0.25em 0;font-size:13px;line-height:1.6;color:#6b6b6b",
	/* refs_url */
	"color:#8c8c8c;word-break:break-all",
};

/* Properties that WeChat drops or that let a style leave its element. */
static const char *const banned_props[] = {
	"position", "top", "left", "right", "bottom", "z-index", "inset", "inset-block",
	"inset-inline", "behavior", "-moz-binding", "content",
};

/* Value fragments WeChat strips (variables, modern colour functions) or
 * that fetch resources (url(), image-set(), expression()). */
static const char *const banned_values[] = {
	"var(", "env(", "attr(", "color-mix(", "oklch(", "oklab(", "lab(", "lch(", "url(",
	"image-set(", "expression(", "javascript:",
};

const char *dg_theme_element_name(dg_theme_element e)
{
	return (unsigned)e < DG_TH_COUNT ? theme_names[e] : "";
}

static int theme_lookup(const char *element)
{
	int i;

	for (i = 0; i < DG_TH_COUNT; i++)
		if (strcmp(theme_names[i], element) == 0)
			return i;
	return -1;
}

/* One parsed declaration: property lower-cased, value trimmed, "!important"
 * removed. Pointers into a scratch copy. */
typedef struct decl {
	char *prop;
	char *value;
} decl;

#define THEME_MAX_DECLS 64

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* Split `copy` (modified in place) into declarations on ';' outside quotes
 * and parentheses. Returns the count, or -1 with *why set. */
static int split_decls(char *copy, decl *d, const char **why)
{
	char *p = copy, *start = copy, quote = 0;
	int depth = 0, n = 0, last = 0;

	while (!last) {
		char c = *p;

		if (c && quote) {
			if (c == quote)
				quote = 0;
			p++;
			continue;
		}
		if (c == '\'' || c == '"') {
			quote = c;
			p++;
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		if (c && (c != ';' || depth > 0)) {
			p++;
			continue;
		}
		last = (c == '\0');
		*p = '\0';
		{
			char *item = trim(start), *colon, *q, *imp;

			if (*item) {
				if (n == THEME_MAX_DECLS)
					return *why = "too many declarations", -1;
				colon = strchr(item, ':');
				if (!colon)
					return *why = "a declaration without ':'", -1;
				*colon = '\0';
				d[n].prop = trim(item);
				d[n].value = trim(colon + 1);
				for (q = d[n].prop; *q; q++) {
					*q = (char)dg_str_lower((unsigned char)*q);
					if (!(islower((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '-'))
						return *why = "a property name with characters other than a-z, 0-9 and '-'", -1;
				}
				if (!*d[n].prop || !*d[n].value)
					return *why = "an empty property or value", -1;
				imp = (char *)dg_str_find_ci(d[n].value, strlen(d[n].value), "!important");
				if (imp) {
					*imp = '\0';
					d[n].value = trim(d[n].value);
				}
				n++;
			}
		}
		start = ++p;
	}
	if (quote)
		return *why = "an unterminated quote", -1;
	return n;
}

static const char *decl_get(const decl *d, int n, const char *prop)
{
	const char *v = NULL;
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(d[i].prop, prop) == 0)
			v = d[i].value;  /* the last one wins, as in CSS */
	return v;
}

static int decl_is(const decl *d, int n, const char *prop, const char *value)
{
	const char *v = decl_get(d, n, prop);

	return v && strcasecmp(v, value) == 0;
}

static int decl_has_prefix(const decl *d, int n, const char *prefix)
{
	size_t len = strlen(prefix);
	int i;

	for (i = 0; i < n; i++)
		if (strncmp(d[i].prop, prefix, len) == 0)
			return 1;
	return 0;
}

/* What the checklist needs from the structural elements (C1, C10, C13, C14,
 * C9, C16); NULL when the style provides it. */
static const char *check_required(int e, const decl *d, int n)
{
	const char *v;

	switch (e) {
	case DG_TH_ROOT:
		if (!decl_get(d, n, "font-family"))
			return "must set font-family";
		v = decl_get(d, n, "font-size");
		if (!v || strlen(v) < 3 || strcasecmp(v + strlen(v) - 2, "px") != 0)
			return "must set font-size in px";
		if (!decl_get(d, n, "line-height"))
			return "must set line-height";
		if (!decl_get(d, n, "color"))
			return "must set color";
		if (!decl_is(d, n, "text-align", "left"))
			return "must set text-align:left";
		break;
	case DG_TH_SENTINEL:
		if (!decl_is(d, n, "font-size", "0") || !decl_is(d, n, "line-height", "0") ||
		    !decl_is(d, n, "margin", "0"))
			return "must be font-size:0;line-height:0;margin:0";
		break;
	case DG_TH_CODE_BLOCK:
		if (!decl_is(d, n, "overflow-x", "auto") && !decl_is(d, n, "overflow-x", "scroll"))
			return "must set overflow-x:auto";
		if (!(decl_is(d, n, "display", "-webkit-box") && decl_is(d, n, "white-space", "nowrap")) &&
		    !decl_is(d, n, "white-space", "pre"))
			return "must set display:-webkit-box with white-space:nowrap, or white-space:pre";
		break;
	case DG_TH_TABLE_WRAP:
		if (!decl_is(d, n, "overflow-x", "auto") && !decl_is(d, n, "overflow-x", "scroll"))
			return "must set overflow-x:auto";
		break;
	case DG_TH_TABLE:
		if (!decl_is(d, n, "border-collapse", "collapse"))
			return "must set border-collapse:collapse";
		break;
	case DG_TH_TH:
	case DG_TH_TD:
		if (!decl_has_prefix(d, n, "border"))
			return "must set a border";
		if (!decl_has_prefix(d, n, "padding"))
			return "must set padding";
		break;
	case DG_TH_IMG:
		if (!decl_is(d, n, "max-width", "100%") || !decl_is(d, n, "display", "block"))
			return "must set max-width:100% and display:block";
		break;
	case DG_TH_REFS_URL:
		if (!decl_is(d, n, "word-break", "break-all"))
			return "must set word-break:break-all";
		break;
	default:
		break;
	}
	return NULL;
}

/* 0, or DG_ERR_CONFIG with *msg = "style uses a banned property 'position'"
 * (caller frees). */
static int theme_check_idx(int e, const char *style, char **msg)
{
	decl d[THEME_MAX_DECLS];
	char *copy = NULL;
	const char *p, *why = NULL, *detail = NULL;
	size_t i;
	int n, j, err = DG_ERR_CONFIG;

	*msg = NULL;
	for (p = style; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f || strchr("<>{}\\@", c)) {
			why = "contains a control character or one of < > { } \\ @";
			goto done;
		}
	}
	if (strstr(style, "/*")) {
		why = "contains a CSS comment";
		goto done;
	}
	copy = dg_strdup(style);
	n = split_decls(copy, d, &why);
	if (n < 0)
		goto done;
	if (n == 0) {
		why = "is empty (every element needs a style)";
		goto done;
	}
	for (j = 0; j < n; j++) {
		if (strncmp(d[j].prop, "--", 2) == 0) {
			detail = d[j].prop;
			why = "uses a custom property";
			goto done;
		}
		for (i = 0; i < sizeof(banned_props) / sizeof(banned_props[0]); i++)
			if (strcmp(d[j].prop, banned_props[i]) == 0) {
				detail = d[j].prop;
				why = "uses a banned property";
				goto done;
			}
		for (i = 0; i < sizeof(banned_values) / sizeof(banned_values[0]); i++)
			if (dg_str_find_ci(d[j].value, strlen(d[j].value), banned_values[i])) {
				detail = banned_values[i];
				why = "uses a banned value";
				goto done;
			}
	}
	if (!(why = check_required(e, d, n)))
		err = 0;
done:
	if (err < 0) {
		dg_buf b = DG_BUF_INIT;   /* no cap: cannot fail */

		dg_buf_printf(&b, "style %s", why);
		if (detail)
			dg_buf_printf(&b, " '%s'", detail);
		*msg = dg_buf_detach(&b);
	}
	free(copy);
	return err;
}

int dg_theme_check(const char *element, const char *style)
{
	char *msg = NULL;
	int err, e = theme_lookup(element);

	if (e < 0)
		return dg_err_set(DG_ERR_CONFIG, "theme: unknown element '%s'", element);
	if ((err = theme_check_idx(e, style, &msg)) < 0)
		dg_err_set(err, "theme: element '%s': %s", element, msg);
	free(msg);
	return err;
}

static void theme_set_idx(dg_theme *t, int e, const char *style)
{
	char *copy = dg_strdup(style);

	free(t->style[e]);
	t->style[e] = copy;
}

int dg_theme_set(dg_theme *t, const char *element, const char *style)
{
	int err, e = theme_lookup(element);

	if (e < 0)
		return dg_err_set(DG_ERR_CONFIG, "theme: unknown element '%s'", element);
	if ((err = dg_theme_check(element, style)) < 0)
		return err;
	theme_set_idx(t, e, style);
	return 0;
}

const char *dg_theme_style(const dg_theme *t, const char *element)
{
	int e = theme_lookup(element);

	return (t && e >= 0 && t->style[e]) ? t->style[e] : "";
}

const char *dg_theme_get(const dg_theme *t, dg_theme_element e)
{
	return (t && (unsigned)e < DG_TH_COUNT && t->style[e]) ? t->style[e] : "";
}

const char *dg_theme_name(const dg_theme *t)
{
	return t && t->name ? t->name : "";
}

void dg_theme_free(dg_theme *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < DG_TH_COUNT; i++)
		free(t->style[i]);
	free(t->name);
	free(t);
}

int dg_theme_default(dg_theme **out)
{
	dg_theme *t = dg_calloc(1, sizeof(*t));

	t->name = dg_strdup("default");
	for (int i = 0; i < DG_TH_COUNT; i++)
		theme_set_idx(t, i, theme_default_styles[i]);
	*out = t;
	return 0;
}

/* A [style] value: checked like dg_theme_set, named by file, line and key. */
static int store_style(const dg_schema_ctx *c, const dg_toml *v, void *slot)
{
	const char *style = dg_toml_string(v, NULL);
	char *msg = NULL, *copy;
	int err = theme_check_idx(theme_lookup(c->key), style, &msg);

	if (err == DG_ERR_CONFIG)
		dg_schema_error(c, v, err, "%s", msg);
	free(msg);
	if (err < 0)
		return err;
	copy = dg_strdup(style);
	free(*(char **)slot);
	*(char **)slot = copy;
	return 0;
}

static int ignore_value(const dg_schema_ctx *c, const dg_toml *v, void *slot)
{
	(void)c, (void)v, (void)slot;
	return 0;
}

static const dg_schema_key meta_keys[] = {
	{.name = "name", .type = DG_SCHEMA_STRING, .offset = offsetof(dg_theme, name)},
	{.name = "description", .type = DG_SCHEMA_STRING, .store = ignore_value},
	{0},
};

int dg_theme_load(const char *path, dg_theme **out)
{
	/* [style] has one key per element, in enum order. */
	dg_schema_key style_keys[DG_TH_COUNT + 1] = {{0}};
	const dg_schema_table meta = {meta_keys, "unknown key (expected name or description)", NULL};
	const dg_schema_table style = {style_keys,
				       "unknown element (the keys are those of templates/themes/default.toml)", NULL};
	const dg_schema_key root_keys[] = {
		{.name = "meta", .type = DG_SCHEMA_TABLE, .sub = &meta},
		{.name = "style", .type = DG_SCHEMA_TABLE, .sub = &style},
		{0},
	};
	const dg_schema_table schema = {root_keys, "unknown key (expected the tables [meta] and [style])", NULL};
	dg_toml *doc = NULL;
	dg_theme *t = NULL;
	int err = 0;

	*out = NULL;
	for (int e = 0; e < DG_TH_COUNT; e++)
		style_keys[e] = (dg_schema_key){.name = theme_names[e], .type = DG_SCHEMA_STRING,
						.offset = offsetof(dg_theme, style) + (size_t)e * sizeof(char *),
						.store = store_style};
	if ((err = dg_toml_parse_file(path, &doc)) < 0)
		goto done;
	if ((err = dg_theme_default(&t)) < 0)
		goto done;
	if ((err = dg_schema_apply(&schema, doc, path, t, NULL)) < 0)
		goto done;
	*out = t;
	t = NULL;
done:
	dg_theme_free(t);
	dg_toml_free(doc);
	return err;
}
