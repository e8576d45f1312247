/* wechat-check - verify a WeChat fragment against docs/wechat.md section 7.
 *
 * Usage: wechat-check [--strict] FILE.wechat.html...
 * Prints one "ok - Cn ..." / "not ok - Cn: detail" line per item and file.
 * M items (C1-C5, C8-C10, C12-C14, C17) fail the run; S items (C6, C7, C11,
 * C15, C16, C18-C20) print "# warn - ..." unless --strict. Exit 0 when all
 * counted items pass, 1 when one fails, 2 on usage or I/O errors.
 *
 * Written independently of lib/wechat.c on purpose: it parses the fragment
 * with libxml2's HTML parser and looks only at the result. */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NITEMS 20
#define MAX_DEPTH 2000

static const char *const item_desc[NITEMS] = {
	"one root section", "no banned elements or attributes", "no id or class",
	"styled elements carry style", "no banned CSS", "no div-like containers",
	"explicit non-black text colours", "links only to mp.weixin.qq.com",
	"external links as numbered references", "code blocks survive the editor",
	"code alignment and colours explicit", "lists flattened", "tables scroll and have cell styles",
	"images are https with inline size", "nbsp at inline boundaries", "sentinel paragraphs",
	"size limits", "wide content scrolls", "no italic on CJK emphasis", "CJK/Latin spacing",
};

/* 1 = must (counts toward the exit status), 0 = should. */
static const int item_must[NITEMS] = { 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0 };

typedef struct chk {
	char detail[NITEMS][400];
	int fails[NITEMS];
	/* C9 */
	long *sup_nums;
	size_t nsups, sups_cap;
	long last_sup_order;
	long order;
	/* C17 */
	long text_chars;
	int too_deep;
} chk;

static void fail(chk *c, int item, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void fail(chk *c, int item, const char *fmt, ...)
{
	va_list ap;

	if (c->fails[item - 1]++ == 0) {
		va_start(ap, fmt);
		vsnprintf(c->detail[item - 1], sizeof(c->detail[0]), fmt, ap);
		va_end(ap);
	}
}

/* ---- helpers ---- */

static int is_el(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, name) == 0;
}

static int name_in(const xmlNode *n, const char *const *names)
{
	for (; *names; names++)
		if (is_el(n, *names))
			return 1;
	return 0;
}

static size_t u8(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (!n)
		return *cp = 0, 0;
	if (s[0] < 0x80)
		return *cp = s[0], 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return *cp = 0xfffd, 0;
	if (len > n)
		return *cp = 0xfffd, 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return *cp = 0xfffd, 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) || (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return *cp = 0xfffd, 0;
	*cp = c;
	return len;
}

/* Position of the first invalid UTF-8 byte, or -1. */
static long utf8_invalid(const unsigned char *s, size_t n)
{
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		len = u8(s + i, n - i, &cp);
		if (!len)
			return (long)i;
		i += len;
	}
	return -1;
}

static int han(uint32_t c)
{
	return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
	       (c >= 0x20000 && c <= 0x3134f);
}

static int latin_alnum(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ascii_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int only_ascii_ws(const xmlChar *s)
{
	for (; s && *s; s++)
		if (!ascii_ws(*s))
			return 0;
	return 1;
}

/* A short, single-line excerpt for messages. */
static const char *excerpt(const char *s, char *buf, size_t len)
{
	size_t i = 0, o = 0;

	if (!s)
		s = "";
	while (s[i] && o + 8 < len && o < 70) {
		unsigned char c = (unsigned char)s[i];

		buf[o++] = (c < 0x20) ? ' ' : (char)c;
		i++;
	}
	/* do not cut a UTF-8 sequence */
	while (o > 0 && s[i] && ((unsigned char)s[i] & 0xc0) == 0x80 && ((unsigned char)buf[o - 1] & 0x80))
		o--, i--;
	if (s[i]) {
		memcpy(buf + o, "\xe2\x80\xa6", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* style="..." as declarations: finds the last value of prop (lower-cased
 * property, value trimmed, "!important" dropped). */
static int style_get(const xmlNode *n, const char *prop, char *out, size_t outlen)
{
	xmlChar *st = xmlGetProp(n, BAD_CAST "style");
	const char *p = (const char *)st;
	int found = 0;

	while (p && *p) {
		const char *start = p, *colon = NULL, *end, *vs, *ve;
		char quote = 0;
		int depth = 0;

		for (; *p; p++) {
			if (quote) {
				if (*p == quote)
					quote = 0;
			} else if (*p == '\'' || *p == '"') {
				quote = *p;
			} else if (*p == '(') {
				depth++;
			} else if (*p == ')' && depth) {
				depth--;
			} else if (*p == ':' && !colon && !depth) {
				colon = p;
			} else if (*p == ';' && !depth) {
				break;
			}
		}
		end = p;
		if (*p)
			p++;
		if (!colon)
			continue;
		while (start < colon && ascii_ws((unsigned char)*start))
			start++;
		ve = colon;
		while (ve > start && ascii_ws((unsigned char)ve[-1]))
			ve--;
		if ((size_t)(ve - start) != strlen(prop) || strncasecmp(start, prop, strlen(prop)) != 0)
			continue;
		vs = colon + 1;
		while (vs < end && ascii_ws((unsigned char)*vs))
			vs++;
		ve = end;
		while (ve > vs && ascii_ws((unsigned char)ve[-1]))
			ve--;
		if (ve - vs >= 10 && strncasecmp(ve - 10, "!important", 10) == 0) {
			ve -= 10;
			while (ve > vs && ascii_ws((unsigned char)ve[-1]))
				ve--;
		}
		snprintf(out, outlen, "%.*s", (int)(ve - vs), vs);
		found = 1;
	}
	xmlFree(st);
	return found;
}

static int style_is(const xmlNode *n, const char *prop, const char *value)
{
	char v[256];

	return style_get(n, prop, v, sizeof(v)) && strcasecmp(v, value) == 0;
}

static int style_has(const xmlNode *n, const char *prop)
{
	char v[256];

	return style_get(n, prop, v, sizeof(v)) && v[0];
}

/* Any property starting with prefix ("border" matches border-top...), not 0/none. */
static int style_has_prefix(const xmlNode *n, const char *prefix)
{
	xmlChar *st = xmlGetProp(n, BAD_CAST "style");
	const char *p = (const char *)st;
	size_t len = strlen(prefix);
	int found = 0;

	while (p && *p && !found) {
		while (*p == ';' || ascii_ws((unsigned char)*p))
			p++;
		if (strncasecmp(p, prefix, len) == 0) {
			const char *colon = strchr(p, ':');

			if (colon) {
				colon++;
				while (ascii_ws((unsigned char)*colon))
					colon++;
				found = strncasecmp(colon, "none", 4) != 0 && !(colon[0] == '0' && (colon[1] == ';' || !colon[1]));
			}
		}
		p = strchr(p, ';');
	}
	xmlFree(st);
	return found;
}

static int overflow_scrolls(const xmlNode *n)
{
	return style_is(n, "overflow-x", "auto") || style_is(n, "overflow-x", "scroll") ||
	       style_is(n, "overflow", "auto") || style_is(n, "overflow", "scroll");
}

static int is_black(const char *v)
{
	char s[128];
	size_t i, o = 0;

	for (i = 0; v[i] && o + 1 < sizeof(s); i++)
		if (!ascii_ws((unsigned char)v[i]))
			s[o++] = (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] + 32 : v[i]);
	s[o] = '\0';
	return strcmp(s, "#000") == 0 || strcmp(s, "#000000") == 0 || strcmp(s, "black") == 0 ||
	       strcmp(s, "#000f") == 0 || strcmp(s, "#000000ff") == 0 || strncmp(s, "rgb(0,0,0", 9) == 0 ||
	       strncmp(s, "rgba(0,0,0,", 11) == 0;
}

/* Han vs Latin letters in a text: the emphasis is "mostly Han". */
static int mostly_han(const xmlChar *s)
{
	size_t n = s ? strlen((const char *)s) : 0, i = 0, len;
	long h = 0, l = 0;
	uint32_t cp;

	while (i < n) {
		len = u8(s + i, n - i, &cp);
		i += len ? len : 1;
		if (han(cp))
			h++;
		else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
			l++;
	}
	return h > 0 && h >= l;
}

/* C20: Han next to a Latin letter/digit inside one text node, outside
 * URL-like tokens. Returns a pointer to the offending place or NULL. */
static const char *cjk_unspaced(const xmlChar *text)
{
	const unsigned char *s = text;
	size_t n = s ? strlen((const char *)s) : 0, i = 0;

	while (i < n) {
		size_t ts = i, te = i, j, len;
		int url = 0;
		uint32_t prev = 0, cp;

		while (te < n && s[te] != ' ' && !(s[te] == 0xc2 && te + 1 < n && s[te + 1] == 0xa0) && !ascii_ws(s[te]))
			te++;
		url = te - ts >= 4 && strncasecmp((const char *)s + ts, "www.", 4) == 0;
		for (j = ts; !url && j + 2 < te; j++)
			if (s[j] == ':' && s[j + 1] == '/' && s[j + 2] == '/')
				url = 1;
		for (j = ts; !url && j < te; j += len ? len : 1) {
			len = u8(s + j, te - j, &cp);
			if (prev && ((han(prev) && latin_alnum(cp)) || (latin_alnum(prev) && han(cp))))
				return (const char *)s + (j >= 6 ? j - 6 : 0);
			prev = cp;
		}
		i = te < n ? te + (s[te] == 0xc2 ? 2 : 1) : te;
	}
	return NULL;
}

/* ---- the walk ---- */

static const char *const banned_elements[] = {
	"style", "script", "link", "meta", "iframe", "form", "input", "button", "object", "embed",
	"foreignobject", "canvas", "frame", "frameset", "applet", "base", "template", "noscript",
	"textarea", "select", NULL,
};
static const char *const div_like[] = { "div", "article", "header", "footer", "nav", "aside", "main", NULL };
static const char *const need_style[] = {
	"h1", "h2", "h3", "h4", "p", "blockquote", "pre", "code", "ul", "ol", "li", "table", "th",
	"td", "img", "figcaption", "strong", "em", "sup", "hr", NULL,
};
static const char *const inline_names[] = {
	"span", "sup", "sub", "code", "strong", "em", "b", "i", "del", "s", "a", "u", "small", "mark", NULL,
};
static const char *const banned_props[] = { "position", "top", "left", "right", "bottom", "z-index", NULL };
static const char *const banned_values[] = {
	"var(", "color-mix(", "oklch(", "lab(", "lch(", "url(", "@font-face", "@import", "expression(", NULL,
};

/* One style attribute against C5 and C7. */
static void check_style_attr(chk *c, const xmlNode *n, const char *style)
{
	const char *p = style;
	char ex[128];

	while (*p) {
		const char *end = p, *colon;
		char prop[64], val[256];
		size_t pl, i;
		int depth = 0;
		char quote = 0;

		for (; *end; end++) {
			if (quote) {
				if (*end == quote)
					quote = 0;
			} else if (*end == '\'' || *end == '"') {
				quote = *end;
			} else if (*end == '(') {
				depth++;
			} else if (*end == ')' && depth) {
				depth--;
			} else if (*end == ';' && !depth) {
				break;
			}
		}
		colon = memchr(p, ':', (size_t)(end - p));
		if (colon) {
			while (p < colon && ascii_ws((unsigned char)*p))
				p++;
			pl = (size_t)(colon - p);
			while (pl && ascii_ws((unsigned char)p[pl - 1]))
				pl--;
			snprintf(prop, sizeof(prop), "%.*s", (int)pl, p);
			for (i = 0; prop[i]; i++)
				if (prop[i] >= 'A' && prop[i] <= 'Z')
					prop[i] += 32;
			snprintf(val, sizeof(val), "%.*s", (int)(end - colon - 1), colon + 1);
			for (i = 0; banned_props[i]; i++)
				if (strcmp(prop, banned_props[i]) == 0)
					fail(c, 5, "<%s style> uses '%s'", (const char *)n->name, prop);
			if (strncmp(prop, "--", 2) == 0)
				fail(c, 5, "<%s style> defines custom property '%s'", (const char *)n->name, prop);
			for (i = 0; banned_values[i]; i++) {
				const char *q;

				for (q = val; *q; q++)
					if (strncasecmp(q, banned_values[i], strlen(banned_values[i])) == 0) {
						fail(c, 5, "<%s style> %s: uses '%s'", (const char *)n->name, prop,
						     banned_values[i]);
						break;
					}
			}
			if (strcmp(prop, "color") == 0 && is_black(val))
				fail(c, 7, "<%s style=\"...color:%s\"> is pure black", (const char *)n->name,
				     excerpt(val, ex, sizeof(ex)));
			if ((strcmp(prop, "width") == 0 || strcmp(prop, "min-width") == 0)) {
				double px = strtod(val, NULL);

				if (strstr(val, "px") && px > 677)
					fail(c, 18, "<%s style=\"%s:%s\"> is wider than 677px", (const char *)n->name, prop,
					     excerpt(val, ex, sizeof(ex)));
			}
		}
		p = *end ? end + 1 : end;
	}
}

static void check_attrs(chk *c, const xmlNode *n, int in_svg)
{
	const xmlAttr *a;
	char ex[128];

	for (a = n->properties; a; a = a->next) {
		xmlChar *v = xmlNodeGetContent((const xmlNode *)a);
		const char *name = (const char *)a->name;
		char squeezed[512];
		size_t i, o = 0;

		for (i = 0; v && v[i] && o + 1 < sizeof(squeezed); i++)
			if (v[i] > 0x20)
				squeezed[o++] = (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] + 32 : v[i]);
		squeezed[o] = '\0';
		if (strncasecmp(name, "on", 2) == 0)
			fail(c, 2, "<%s %s=...> event handler attribute", (const char *)n->name, name);
		if (strcasecmp(name, "id") == 0)
			fail(c, 3, "<%s id=\"%s\">", (const char *)n->name, excerpt((const char *)v, ex, sizeof(ex)));
		if (strcasecmp(name, "class") == 0)
			fail(c, 3, "<%s class=\"%s\">", (const char *)n->name, excerpt((const char *)v, ex, sizeof(ex)));
		if (strstr(squeezed, "javascript:") || strstr(squeezed, "vbscript:"))
			fail(c, 8, "<%s %s=\"%s\"> is a script URL", (const char *)n->name, name,
			     excerpt((const char *)v, ex, sizeof(ex)));
		if (in_svg && strstr(squeezed, "url(#"))
			fail(c, 2, "<%s %s=\"...url(#...)\"> inside svg", (const char *)n->name, name);
		if (strcasecmp(name, "style") == 0 && v)
			check_style_attr(c, n, (const char *)v);
		xmlFree(v);
	}
}

static int li_has_marker(const xmlNode *li)
{
	xmlChar *t = xmlNodeGetContent(li);
	const unsigned char *s = t;
	static const char *const markers[] = {
		"\xe2\x80\xa2", "\xe2\x97\xa6", "\xe2\x96\xaa", "\xe2\x96\xab", "\xe2\x80\xa3", "\xc2\xb7", "-", "*",
		"\xe2\x9c\x85", "\xe2\xac\x9c", "\xe2\x98\x91", "\xe2\x98\x90", NULL,
	};
	size_t i = 0, k;
	int ok = 0;

	while (s && ascii_ws(s[i]))
		i++;
	if (s && s[i] >= '0' && s[i] <= '9') {
		while (s[i] >= '0' && s[i] <= '9')
			i++;
		if (s[i] == '.' || s[i] == ')')
			ok = (s[i + 1] == ' ' || (s[i + 1] == 0xc2 && s[i + 2] == 0xa0));
	} else if (s) {
		for (k = 0; markers[k] && !ok; k++) {
			size_t ml = strlen(markers[k]);

			if (strncmp((const char *)s + i, markers[k], ml) == 0)
				ok = s[i + ml] == ' ' || (s[i + ml] == 0xc2 && s[i + ml + 1] == 0xa0);
		}
	}
	xmlFree(t);
	return ok;
}

static void check_li(chk *c, const xmlNode *li)
{
	const xmlNode *k;
	int sections = 0, others = 0, text = 0;

	for (k = li->children; k; k = k->next) {
		if (k->type == XML_ELEMENT_NODE) {
			if (is_el(k, "section"))
				sections++;
			else
				others++;
		} else if (k->type == XML_TEXT_NODE && !only_ascii_ws(k->content)) {
			text++;
		}
	}
	if (sections && !others && !text)
		return;
	if (style_is(li, "display", "block") && li_has_marker(li))
		return;
	fail(c, 12, "<li> neither wraps its content in <section> nor is display:block with a text marker");
}

static void check_pre(chk *c, const xmlNode *pre);

static void check_cell(chk *c, const xmlNode *cell)
{
	if (!style_has_prefix(cell, "border"))
		fail(c, 13, "<%s> has no inline border", (const char *)cell->name);
	if (!style_has_prefix(cell, "padding"))
		fail(c, 13, "<%s> has no inline padding", (const char *)cell->name);
	if (!style_has(cell, "text-align"))
		fail(c, 13, "<%s> has no inline text-align", (const char *)cell->name);
}

static void check_img(chk *c, const xmlNode *img)
{
	xmlChar *src = xmlGetProp(img, BAD_CAST "src");
	char ex[128];

	if (!src || strncmp((const char *)src, "https://", 8) != 0 || !src[8] || src[8] == '/')
		fail(c, 14, "<img src=\"%s\"> is not an absolute https URL", excerpt((const char *)src, ex, sizeof(ex)));
	if (xmlHasProp(img, BAD_CAST "width") || xmlHasProp(img, BAD_CAST "height"))
		fail(c, 14, "<img> has a width/height attribute");
	if (!style_is(img, "max-width", "100%") || !style_is(img, "display", "block")) {
		fail(c, 14, "<img src=\"%s\"> lacks max-width:100%% and display:block", excerpt((const char *)src, ex, sizeof(ex)));
		fail(c, 18, "<img> lacks max-width:100%%");
	}
	if (!xmlHasProp(img, BAD_CAST "alt"))
		fail(c, 14, "<img src=\"%s\"> has no alt", excerpt((const char *)src, ex, sizeof(ex)));
	xmlFree(src);
}

static void check_text(chk *c, const xmlNode *t, int in_pre, int in_code)
{
	const xmlChar *s = t->content;
	size_t n = s ? strlen((const char *)s) : 0, i = 0, len;
	uint32_t cp;
	const char *bad;
	char ex[128];

	if (!only_ascii_ws(s))
		while (i < n) {
			len = u8(s + i, n - i, &cp);
			i += len ? len : 1;
			c->text_chars++;
		}
	if (in_pre || !n)
		return;
	if (name_in(t->prev, inline_names) && s[0] == ' ')
		fail(c, 15, "plain space after <%s>: \"%s\"", (const char *)t->prev->name, excerpt((const char *)s, ex, sizeof(ex)));
	if (name_in(t->next, inline_names) && s[n - 1] == ' ')
		fail(c, 15, "plain space before <%s>: \"%s\"", (const char *)t->next->name,
		     excerpt((const char *)s + (n > 30 ? n - 30 : 0), ex, sizeof(ex)));
	if (!in_code && (bad = cjk_unspaced(s)) != NULL)
		fail(c, 20, "no space between Han and Latin: \"%s\"", excerpt(bad, ex, sizeof(ex)));
}

static void walk(chk *c, const xmlNode *n, int depth, int in_pre, int in_svg, int in_code, int lists)
{
	const xmlNode *k;
	char ex[128];

	if (depth > MAX_DEPTH) {
		c->too_deep = 1;
		return;
	}
	for (k = n; k; k = k->next) {
		if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
			check_text(c, k, in_pre, in_code);
			continue;
		}
		if (k->type != XML_ELEMENT_NODE)
			continue;
		c->order++;
		check_attrs(c, k, in_svg);
		if (name_in(k, banned_elements))
			fail(c, 2, "<%s> element", (const char *)k->name);
		if (in_svg && is_el(k, "defs"))
			fail(c, 2, "<defs> inside svg");
		if (name_in(k, div_like))
			fail(c, 6, "<%s> element", (const char *)k->name);
		if (name_in(k, need_style)) {
			xmlChar *st = xmlGetProp(k, BAD_CAST "style");

			if (!st || only_ascii_ws(st))
				fail(c, 4, "<%s> has no style or an empty one", (const char *)k->name);
			xmlFree(st);
		}
		if (is_el(k, "a")) {
			xmlChar *href = xmlGetProp(k, BAD_CAST "href");

			if (!href || strncmp((const char *)href, "https://mp.weixin.qq.com/", 25) != 0)
				fail(c, 8, "<a href=\"%s\"> is not mp.weixin.qq.com", excerpt((const char *)href, ex, sizeof(ex)));
			xmlFree(href);
		}
		if (is_el(k, "sup")) {
			xmlChar *t = xmlNodeGetContent(k);
			const char *s = (const char *)t;
			char *end;
			long num;

			if (s && s[0] == '[' && s[1] >= '0' && s[1] <= '9') {
				num = strtol(s + 1, &end, 10);
				if (end[0] == ']' && end[1] == '\0') {
					const xmlNode *prev = k->prev;

					if (c->nsups == c->sups_cap) {
						size_t cap = c->sups_cap ? c->sups_cap * 2 : 64;
						long *p = realloc(c->sup_nums, cap * sizeof(*p));

						if (p) {
							c->sup_nums = p;
							c->sups_cap = cap;
						}
					}
					if (c->nsups < c->sups_cap)
						c->sup_nums[c->nsups++] = num;
					c->last_sup_order = c->order;
					if (!is_el(prev, "span"))
						fail(c, 9, "<sup>[%ld]</sup> does not follow a <span> holding the link text", num);
				}
			}
			xmlFree(t);
		}
		if (is_el(k, "ul") || is_el(k, "ol")) {
			if (is_el(k->parent, "li") || is_el(k->parent, "ul") || is_el(k->parent, "ol"))
				fail(c, 12, "<%s> directly inside <%s>", (const char *)k->name, (const char *)k->parent->name);
			if (lists >= 2)
				fail(c, 12, "<%s> nested %d levels deep", (const char *)k->name, lists + 1);
		}
		if (is_el(k, "li"))
			check_li(c, k);
		if (is_el(k, "table")) {
			if (!is_el(k->parent, "section") || !overflow_scrolls(k->parent)) {
				fail(c, 13, "<table> is not directly inside a <section style=\"overflow-x:auto\">");
				fail(c, 18, "<table> does not scroll horizontally");
			}
			if (!style_is(k, "border-collapse", "collapse"))
				fail(c, 13, "<table> lacks border-collapse:collapse");
		}
		if (is_el(k, "th") || is_el(k, "td"))
			check_cell(c, k);
		if (is_el(k, "img"))
			check_img(c, k);
		if (is_el(k, "pre"))
			check_pre(c, k);
		{
			char fs[64];
			int italic = style_get(k, "font-style", fs, sizeof(fs)) &&
				     (strcasecmp(fs, "italic") == 0 || strcasecmp(fs, "oblique") == 0);
			int emph = (is_el(k, "em") || is_el(k, "i")) && !style_is(k, "font-style", "normal");

			if (italic || emph) {
				xmlChar *t = xmlNodeGetContent(k);

				if (mostly_han(t))
					fail(c, 19, "<%s> makes mostly-Han text italic: \"%s\"", (const char *)k->name,
					     excerpt((const char *)t, ex, sizeof(ex)));
				xmlFree(t);
			}
		}
		walk(c, k->children, depth + 1, in_pre || is_el(k, "pre"), in_svg || is_el(k, "svg"),
		     in_code || is_el(k, "code") || is_el(k, "kbd") || is_el(k, "samp"),
		     lists + (is_el(k, "ul") || is_el(k, "ol")));
	}
}

/* C10 and C11 for one <pre>. */
static void check_pre_text(chk *c, const xmlNode *n, int depth)
{
	const xmlNode *k;

	for (k = n; k && depth < MAX_DEPTH; k = k->next) {
		if (k->type == XML_TEXT_NODE) {
			const char *s = (const char *)k->content;

			if (!s)
				continue;
			if (strpbrk(s, "\n\r\t"))
				fail(c, 10, "code text contains a raw newline or tab");
			if (only_ascii_ws(k->content))
				fail(c, 10, "code has a whitespace-only text node");
			if (s[0] == ' ' || strstr(s, "  "))
				fail(c, 10, "code text has a leading or doubled U+0020 space");
		} else if (k->type == XML_ELEMENT_NODE) {
			if (xmlHasProp(k, BAD_CAST "class"))
				fail(c, 11, "<%s class> inside pre relies on a class", (const char *)k->name);
			check_pre_text(c, k->children, depth + 1);
		}
	}
}

static void check_pre(chk *c, const xmlNode *pre)
{
	const xmlNode *cands[8], *k;
	size_t nc = 0, i;
	int scroll = 0, mode = 0, align = 0, spacing = 0;

	cands[nc++] = pre;
	for (k = pre->children; k && nc < 8; k = k->next)
		if (is_el(k, "code"))
			cands[nc++] = k;
	for (i = 0; i < nc; i++) {
		const xmlNode *e = cands[i];

		if (overflow_scrolls(e))
			scroll = 1;
		if (style_is(e, "white-space", "pre"))
			mode = 1;
		if (style_is(e, "display", "-webkit-box")) {
			const xmlNode *ch;
			int elements = 0;

			for (ch = e->children; ch; ch = ch->next)
				if (ch->type == XML_ELEMENT_NODE)
					elements++;
			if (elements != 1)
				fail(c, 10, "<%s style=\"display:-webkit-box\"> has %d element children, not 1",
				     (const char *)e->name, elements);
			if (style_is(e, "white-space", "nowrap"))
				mode = 1;
		}
		if (style_is(e, "text-align", "left"))
			align = 1;
		if (style_is(e, "letter-spacing", "0") || style_is(e, "letter-spacing", "0px"))
			spacing = 1;
	}
	if (!scroll)
		fail(c, 10, "<pre> and its <code> have no overflow-x:auto");
	if (!mode)
		fail(c, 10, "<pre>/<code> is neither display:-webkit-box + white-space:nowrap nor white-space:pre");
	if (!align || !spacing)
		fail(c, 11, "<pre>/<code> do not set text-align:left and letter-spacing:0");
	check_pre_text(c, pre->children, 0);
}

/* C9: the reference list after the last reference mark. */
static int entry_parse(const xmlNode *e, long *num)
{
	xmlChar *t = xmlNodeGetContent(e);
	const char *s = (const char *)t;
	char *end;
	int ok = 0;

	if (s && s[0] == '[' && s[1] >= '0' && s[1] <= '9') {
		*num = strtol(s + 1, &end, 10);
		ok = end[0] == ']' && (end[1] == ' ' || ((unsigned char)end[1] == 0xc2 && (unsigned char)end[2] == 0xa0)) &&
		     strchr(end, ':') != NULL;
	}
	xmlFree(t);
	return ok;
}

static int is_block(const xmlNode *n)
{
	static const char *const blocks[] = { "p", "li", "section", "div", "h1", "h2", "h3", "h4", "h5", "h6",
					      "ul", "ol", "table", "blockquote", "pre", NULL };

	return name_in(n, blocks);
}

static int leaf_block(const xmlNode *n)
{
	const xmlNode *k;

	if (!is_block(n))
		return 0;
	for (k = n->children; k; k = k->next)
		if (is_block(k))
			return 0;
	return 1;
}

typedef struct entries {
	const xmlNode **v;
	size_t n, cap;
} entries;

static void collect_entries(chk *c, const xmlNode *n, long *order, entries *out, int depth)
{
	const xmlNode *k;

	for (k = n; k && depth < MAX_DEPTH; k = k->next) {
		long num;

		if (k->type != XML_ELEMENT_NODE)
			continue;
		(*order)++;
		if (*order > c->last_sup_order && leaf_block(k) && entry_parse(k, &num)) {
			if (out->n == out->cap) {
				size_t cap = out->cap ? out->cap * 2 : 64;
				const xmlNode **p = realloc(out->v, cap * sizeof(*p));

				if (!p)
					return;
				out->v = p;
				out->cap = cap;
			}
			out->v[out->n++] = k;
		}
		collect_entries(c, k->children, order, out, depth + 1);
	}
}

/* The URL of an entry: text of a descendant element with word-break:break-all. */
static const xmlNode *entry_url(const xmlNode *e, int depth)
{
	const xmlNode *k;

	for (k = e->children; k && depth < 16; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (style_is(k, "word-break", "break-all"))
			return k;
		if ((k = entry_url(k, depth + 1)) != NULL)
			return k;
	}
	return NULL;
}

static int has_descendant(const xmlNode *n, const char *name, int depth)
{
	const xmlNode *k;

	for (k = n->children; k && depth < 64; k = k->next)
		if (is_el(k, name) || (k->type == XML_ELEMENT_NODE && has_descendant(k, name, depth + 1)))
			return 1;
	return 0;
}

static void check_refs(chk *c, const xmlNode *root)
{
	entries e = { NULL, 0, 0 };
	long order = 0, max = 0;
	size_t i, j;
	char ex[128];

	for (i = 0; i < c->nsups; i++) {
		if (c->sup_nums[i] > max + 1)
			fail(c, 9, "reference [%ld] appears before [%ld]", c->sup_nums[i], max + 1);
		if (c->sup_nums[i] > max)
			max = c->sup_nums[i];
	}
	if (c->nsups == 0) {
		return;
	}
	collect_entries(c, root, &order, &e, 0);
	if ((long)e.n != max)
		fail(c, 9, "%ld reference marks but %zu reference entries", max, e.n);
	if (e.n) {
		const xmlNode *h = e.v[0]->prev;
		xmlChar *ht;

		while (h && h->type != XML_ELEMENT_NODE)
			h = h->prev;
		ht = h ? xmlNodeGetContent(h) : NULL;
		if (!h || only_ascii_ws(ht))
			fail(c, 9, "no reference heading before the first reference entry");
		xmlFree(ht);
	}
	for (i = 0; i < e.n; i++) {
		const xmlNode *u;
		xmlChar *ut;
		long num = 0;

		entry_parse(e.v[i], &num);
		if (num != (long)i + 1)
			fail(c, 9, "reference entry %zu is numbered [%ld]", i + 1, num);
		if (!xmlHasProp(e.v[i], BAD_CAST "style"))
			fail(c, 4, "reference entry [%ld] has no style", num);
		if (has_descendant(e.v[i], "a", 0))
			fail(c, 9, "reference entry [%ld] contains a link", num);
		u = entry_url(e.v[i], 0);
		if (!u) {
			fail(c, 9, "reference entry [%ld] has no URL span with word-break:break-all", num);
			continue;
		}
		ut = xmlNodeGetContent(u);
		for (j = 0; j < i; j++) {
			const xmlNode *v = entry_url(e.v[j], 0);
			xmlChar *vt = v ? xmlNodeGetContent(v) : NULL;

			if (vt && ut && strcmp((const char *)vt, (const char *)ut) == 0)
				fail(c, 9, "URL %s is listed twice", excerpt((const char *)ut, ex, sizeof(ex)));
			xmlFree(vt);
		}
		xmlFree(ut);
	}
	free(e.v);
}

static void check_sentinel(chk *c, const xmlNode *k, const char *which)
{
	xmlChar *t = xmlNodeGetContent(k);

	if (!is_el(k, "p") || !style_is(k, "font-size", "0") || !style_is(k, "line-height", "0") ||
	    !style_is(k, "margin", "0") || !t || strcmp((const char *)t, "\xc2\xa0") != 0)
		fail(c, 16, "the %s child of the root is not <p style=\"font-size:0;line-height:0;margin:0\">&nbsp;</p>",
		     which);
	xmlFree(t);
}

/* The first child element named `name` of n. */
static const xmlNode *child_el(const xmlNode *n, const char *name)
{
	const xmlNode *k;

	for (k = n ? n->children : NULL; k; k = k->next)
		if (is_el(k, name))
			return k;
	return NULL;
}

/* libxml2 2.9's HTML_PARSE_NOIMPLIED mode nests the elements that follow
 * the first top-level element inside it, so the fragment is parsed with the
 * implied html/head/body and the top level is body's children (plus
 * anything the parser moved into head). */
static void check_root(chk *c, htmlDocPtr doc)
{
	const xmlNode *html = xmlDocGetRootElement(doc), *head = child_el(html, "head");
	const xmlNode *body = child_el(html, "body"), *k, *root = NULL, *first = NULL, *last = NULL;
	int elements = 0;
	char v[256];

	for (k = head ? head->children : NULL; k; k = k->next)
		if (k->type == XML_ELEMENT_NODE)
			fail(c, 1, "<%s> outside the root section", (const char *)k->name);
	for (k = body ? body->children : NULL; k; k = k->next) {
		if (k->type == XML_ELEMENT_NODE) {
			if (!elements++)
				root = k;
		} else if (k->type == XML_TEXT_NODE && !only_ascii_ws(k->content)) {
			fail(c, 1, "text outside the root section");
		}
	}
	if (elements != 1 || !is_el(root, "section")) {
		fail(c, 1, "%d top-level elements (first <%s>), expected one <section>", elements,
		     root ? (const char *)root->name : "none");
		if (!root)
			return;
	}
	if (!style_has(root, "font-family"))
		fail(c, 1, "root has no font-family");
	if (!style_get(root, "font-size", v, sizeof(v)) || strlen(v) < 3 || strcasecmp(v + strlen(v) - 2, "px") != 0)
		fail(c, 1, "root font-size is not in px");
	if (!style_has(root, "line-height"))
		fail(c, 1, "root has no line-height");
	if (!style_get(root, "color", v, sizeof(v)))
		fail(c, 1, "root has no color");
	if (!style_get(root, "color", v, sizeof(v)) || is_black(v))
		fail(c, 7, "root colour missing or pure black");
	if (!style_is(root, "text-align", "left"))
		fail(c, 1, "root lacks text-align:left");
	for (k = root->children; k; k = k->next) {
		if (k->type == XML_ELEMENT_NODE) {
			if (!first)
				first = k;
			last = k;
		} else if (k->type == XML_TEXT_NODE && !only_ascii_ws(k->content)) {
			fail(c, 16, "text directly inside the root section");
		}
	}
	if (first)
		check_sentinel(c, first, "first");
	if (last && last != first)
		check_sentinel(c, last, "last");
	if (!first)
		fail(c, 16, "the root section is empty");
}

/* html/head/body written in the fragment itself (the parser adds them anyway). */
static void check_document_tags(chk *c, const char *data, size_t len)
{
	static const char *const tags[] = { "<html", "<head", "<body", "<!doctype" };
	size_t i, t;

	for (i = 0; i < len; i++) {
		if (data[i] != '<')
			continue;
		for (t = 0; t < sizeof(tags) / sizeof(tags[0]); t++) {
			size_t tl = strlen(tags[t]);
			char after = i + tl < len ? data[i + tl] : '\0';

			if (i + tl <= len && strncasecmp(data + i, tags[t], tl) == 0 &&
			    (after == '>' || after == ' ' || after == '\t' || after == '\n' || after == '/'))
				fail(c, 1, "%s> inside the fragment", tags[t]);
		}
	}
}

static int check_file(const char *path, int strict)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL, *p;
	size_t len = 0, cap = 0, got;
	htmlDocPtr doc = NULL;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	chk c;
	long bad;
	int i, failed = 0;

	memset(&c, 0, sizeof(c));
	if (!f) {
		printf("not ok - %s: cannot open\n", path);
		return 2;
	}
	for (;;) {
		if (len + 65536 > cap) {
			cap = (len + 65536) * 2;
			p = realloc(data, cap + 1);
			if (!p)
				break;
			data = p;
		}
		got = fread(data + len, 1, cap - len, f);
		len += got;
		if (!got)
			break;
	}
	fclose(f);
	if (!data || len > INT_MAX) {
		printf("not ok - %s: cannot read\n", path);
		free(data);
		return 2;
	}
	data[len] = '\0';
	if ((bad = utf8_invalid((const unsigned char *)data, len)) >= 0)
		fail(&c, 1, "invalid UTF-8 at byte %ld", bad);
	doc = htmlReadMemory(data, (int)len, NULL, "UTF-8",
			     HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NODEFDTD |
				     HTML_PARSE_IGNORE_ENC);
	check_document_tags(&c, data, len);
	if (!doc) {
		fail(&c, 1, "empty or unparsable document");
	} else {
		check_root(&c, doc);
		walk(&c, doc->children, 0, 0, 0, 0, 0);
		check_refs(&c, doc->children);
	}
	if (c.too_deep)
		fail(&c, 1, "elements nested deeper than %d levels", MAX_DEPTH);
	if (len >= 1024 * 1024)
		fail(&c, 17, "%zu bytes of HTML (limit 1 MiB)", len);
	if (c.text_chars >= 20000)
		fail(&c, 17, "%ld characters of text (limit 20000)", c.text_chars);
	for (i = 0; i < NITEMS; i++) {
		if (!c.fails[i]) {
			printf("ok - C%d %s (%s)\n", i + 1, item_desc[i], base);
			continue;
		}
		printf("%s - C%d: %s%s (%s)\n", item_must[i] || strict ? "not ok" : "# warn", i + 1, c.detail[i],
		       c.fails[i] > 1 ? " (and more)" : "", base);
		if (item_must[i] || strict)
			failed = 1;
	}
	if (doc)
		xmlFreeDoc(doc);
	free(c.sup_nums);
	free(data);
	return failed;
}

int main(int argc, char **argv)
{
	int i = 1, strict = 0, status = 0, r;

	if (i < argc && strcmp(argv[i], "--strict") == 0) {
		strict = 1;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: wechat-check [--strict] FILE.wechat.html...\n");
		return 2;
	}
	for (; i < argc; i++) {
		r = check_file(argv[i], strict);
		if (r > status)
			status = r;
	}
	xmlCleanupParser();
	return status;
}
