#include "wechat.h"
#include "buf.h"
#include "err.h"

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Input elements nested deeper than this are written as plain text, so a
 * hostile document cannot exhaust the stack. (libxml2 itself stops at 256
 * levels and drops the rest of the document unless XML_PARSE_HUGE is set.) */
#define WX_MAX_DEPTH 48
/* Nested list levels indented as sections; deeper levels stay at this indent. */
#define WX_MAX_LIST_INDENT 4
/* Nested blockquotes beyond this level continue inside the deepest one. */
#define WX_MAX_QUOTE 3
/* Reference titles are cut at this many bytes (on a UTF-8 boundary). */
#define WX_MAX_TITLE 300

#define NBSP "\xc2\xa0"

/* What an input element becomes. */
typedef enum wx_kind {
	K_UNWRAP,      /* unknown or presentational inline: keep the children */
	K_BOX,         /* block container (div, section, details...): keep the children */
	K_DROP,        /* removed with its content */
	K_STRIP,       /* removed, its content kept (fallback content, or what libxml2 nests in it) */
	K_P, K_H, K_BLOCKQUOTE, K_PRE, K_LIST, K_LI, K_TABLE, K_TABLEPART, K_HR,
	K_BR, K_IMG, K_A, K_CODE, K_STRONG, K_EM, K_DEL, K_INPUT
} wx_kind;

static const struct {
	const char *name;
	wx_kind kind;
} wx_kinds[] = {
	{ "a", K_A }, { "address", K_BOX }, { "applet", K_STRIP }, { "area", K_DROP },
	{ "article", K_BOX }, { "aside", K_BOX }, { "audio", K_STRIP }, { "b", K_STRONG },
	{ "base", K_DROP }, { "basefont", K_DROP }, { "bgsound", K_DROP },
	{ "blockquote", K_BLOCKQUOTE }, { "body", K_BOX }, { "br", K_BR }, { "button", K_DROP },
	{ "canvas", K_STRIP }, { "caption", K_DROP }, { "center", K_BOX }, { "code", K_CODE },
	{ "col", K_DROP }, { "colgroup", K_DROP }, { "datalist", K_DROP }, { "dd", K_BOX },
	{ "del", K_DEL }, { "details", K_BOX }, { "dialog", K_DROP }, { "dir", K_LIST },
	{ "div", K_BOX }, { "dl", K_BOX }, { "dt", K_BOX }, { "em", K_EM }, { "embed", K_STRIP },
	{ "fieldset", K_BOX }, { "figcaption", K_BOX }, { "figure", K_BOX }, { "footer", K_BOX },
	{ "foreignobject", K_STRIP }, { "form", K_DROP }, { "frame", K_DROP },
	{ "frameset", K_DROP }, { "h1", K_H }, { "h2", K_H }, { "h3", K_H }, { "h4", K_H },
	{ "h5", K_H }, { "h6", K_H }, { "head", K_DROP }, { "header", K_BOX }, { "hgroup", K_BOX },
	{ "hr", K_HR }, { "html", K_BOX }, { "i", K_EM }, { "iframe", K_DROP }, { "img", K_IMG },
	{ "input", K_INPUT }, { "isindex", K_DROP }, { "kbd", K_CODE }, { "keygen", K_DROP },
	{ "li", K_LI }, { "link", K_DROP }, { "listing", K_PRE }, { "main", K_BOX },
	{ "map", K_DROP }, { "math", K_STRIP }, { "menu", K_LIST }, { "meta", K_DROP },
	{ "meter", K_DROP }, { "nav", K_BOX }, { "noembed", K_DROP }, { "noframes", K_DROP },
	{ "noscript", K_STRIP }, { "object", K_STRIP }, { "ol", K_LIST }, { "optgroup", K_DROP },
	{ "option", K_DROP }, { "output", K_DROP }, { "p", K_P }, { "param", K_DROP },
	{ "plaintext", K_PRE }, { "portal", K_DROP }, { "pre", K_PRE }, { "progress", K_DROP },
	{ "s", K_DEL }, { "samp", K_CODE }, { "script", K_DROP }, { "section", K_BOX },
	{ "select", K_DROP }, { "slot", K_DROP }, { "source", K_DROP }, { "strike", K_DEL },
	{ "strong", K_STRONG }, { "style", K_DROP }, { "summary", K_BOX }, { "svg", K_STRIP },
	{ "table", K_TABLE }, { "tbody", K_TABLEPART }, { "td", K_TABLEPART },
	{ "template", K_DROP }, { "textarea", K_DROP }, { "tfoot", K_TABLEPART },
	{ "th", K_TABLEPART }, { "thead", K_TABLEPART }, { "title", K_DROP },
	{ "tr", K_TABLEPART }, { "track", K_DROP }, { "tt", K_CODE }, { "ul", K_LIST },
	{ "video", K_STRIP }, { "wbr", K_DROP }, { "xmp", K_PRE },
};

/* GitHub emoji shortcodes seen in release notes; the editor shows them raw. */
static const struct {
	const char *code;
	const char *emoji;
} wx_emoji[] = {
	{ "+1", "\xf0\x9f\x91\x8d" }, { "-1", "\xf0\x9f\x91\x8e" },
	{ "arrow_down", "\xe2\xac\x87\xef\xb8\x8f" }, { "arrow_up", "\xe2\xac\x86\xef\xb8\x8f" },
	{ "art", "\xf0\x9f\x8e\xa8" }, { "beetle", "\xf0\x9f\x90\x9e" }, { "book", "\xf0\x9f\x93\x96" },
	{ "bookmark", "\xf0\x9f\x94\x96" }, { "boom", "\xf0\x9f\x92\xa5" }, { "broom", "\xf0\x9f\xa7\xb9" },
	{ "bug", "\xf0\x9f\x90\x9b" }, { "bulb", "\xf0\x9f\x92\xa1" },
	{ "chart_with_upwards_trend", "\xf0\x9f\x93\x88" }, { "clipboard", "\xf0\x9f\x93\x8b" },
	{ "construction", "\xf0\x9f\x9a\xa7" }, { "eyes", "\xf0\x9f\x91\x80" },
	{ "fire", "\xf0\x9f\x94\xa5" }, { "gear", "\xe2\x9a\x99\xef\xb8\x8f" },
	{ "hammer", "\xf0\x9f\x94\xa8" }, { "heart", "\xe2\x9d\xa4\xef\xb8\x8f" },
	{ "heavy_check_mark", "\xe2\x9c\x94\xef\xb8\x8f" }, { "heavy_plus_sign", "\xe2\x9e\x95" },
	{ "information_source", "\xe2\x84\xb9\xef\xb8\x8f" }, { "lock", "\xf0\x9f\x94\x92" },
	{ "mag", "\xf0\x9f\x94\x8d" }, { "memo", "\xf0\x9f\x93\x9d" }, { "new", "\xf0\x9f\x86\x95" },
	{ "package", "\xf0\x9f\x93\xa6" }, { "pencil2", "\xe2\x9c\x8f\xef\xb8\x8f" },
	{ "recycle", "\xe2\x99\xbb\xef\xb8\x8f" }, { "rocket", "\xf0\x9f\x9a\x80" },
	{ "rotating_light", "\xf0\x9f\x9a\xa8" }, { "seedling", "\xf0\x9f\x8c\xb1" },
	{ "shield", "\xf0\x9f\x9b\xa1\xef\xb8\x8f" }, { "sparkles", "\xe2\x9c\xa8" },
	{ "star", "\xe2\xad\x90" }, { "tada", "\xf0\x9f\x8e\x89" }, { "thumbsup", "\xf0\x9f\x91\x8d" },
	{ "warning", "\xe2\x9a\xa0\xef\xb8\x8f" }, { "white_check_mark", "\xe2\x9c\x85" },
	{ "wrench", "\xf0\x9f\x94\xa7" }, { "x", "\xe2\x9d\x8c" }, { "zap", "\xe2\x9a\xa1" },
};

typedef struct wx_ref {
	char *url;
	char *title;
} wx_ref;

typedef struct wx {
	const char *st[DG_TH_COUNT];
	char *cell_style[2][3];   /* th/td x left/center/right */
	int cjk;
	xmlDocPtr out;
	wx_ref *refs;
	size_t nrefs, refs_cap;
	size_t *slots;            /* open addressing on url: ref index + 1, 0 = empty */
	size_t nslots;
	int depth;
	int list_level;
	int quote;
	int in_link;
	int skip_space;           /* drop the leading whitespace of the next text */
	int err;
} wx;

/* Output elements whose text is never re-spaced or trimmed (code, URLs). */
static char wx_raw_mark;

/* ---- UTF-8 and character classes ---- */

/* Decode one code point; invalid bytes decode as U+FFFD, one byte long. */
static size_t utf8_get(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (n == 0)
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
		return *cp = 0xfffd, 1;
	if (len > n)
		return *cp = 0xfffd, 1;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return *cp = 0xfffd, 1;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) || (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return *cp = 0xfffd, 1;
	*cp = c;
	return len;
}

/* The code point that ends s[0..n). */
static uint32_t utf8_last(const unsigned char *s, size_t n)
{
	size_t i = n;
	uint32_t cp;

	if (n == 0)
		return 0;
	while (i > 0 && n - i < 4 && (s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return 0xfffd;
	utf8_get(s + i - 1, n - i + 1, &cp);
	return cp;
}

/* Copy `in` with invalid sequences and NULs replaced by U+FFFD, so libxml2
 * never falls back to Latin-1 for the whole document. */
static int utf8_clean(const char *in, size_t len, dg_buf *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, n;
	uint32_t cp;
	int err;

	while (i < len) {
		n = utf8_get(s + i, len - i, &cp);
		/* One byte >= 0x80 means an invalid sequence. */
		if ((n == 1 && s[i] >= 0x80) || cp == 0)
			err = dg_buf_puts(out, "\xef\xbf\xbd");
		else
			err = dg_buf_put(out, s + i, n);
		if (err < 0)
			return err;
		i += n;
	}
	return 0;
}

/* Han and kana, where CJK spacing applies (a superset of what the checker tests). */
static int is_han(uint32_t c)
{
	return (c >= 0x2e80 && c <= 0x2fdf) || (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3100 && c <= 0x312f) ||
	       (c >= 0x31a0 && c <= 0x31ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
	       (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3134f);
}

/* Strict Han only: the em-on-CJK rule counts these. */
static int is_han_strict(uint32_t c)
{
	return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
	       (c >= 0x20000 && c <= 0x3134f);
}

/* Wide characters a soft line break between two of disappears. */
static int is_wide(uint32_t c)
{
	return is_han(c) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef);
}

static int is_alnum_ascii(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int all_ws(const xmlChar *s)
{
	for (; s && *s; s++)
		if (!is_ws(*s))
			return 0;
	return 1;
}

/* Han-vs-Latin balance of a text: 1 when it is mostly Han. */
static int mostly_han(const xmlChar *s)
{
	size_t n = s ? strlen((const char *)s) : 0, i = 0;
	long han = 0, latin = 0;
	uint32_t cp;

	while (i < n) {
		i += utf8_get(s + i, n - i, &cp);
		if (is_han_strict(cp))
			han++;
		else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
			latin++;
	}
	return han > 0 && han >= latin;
}

/* ---- output tree helpers ---- */

static wx_kind kind_of(const xmlNode *n)
{
	size_t lo = 0, hi = sizeof(wx_kinds) / sizeof(wx_kinds[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp((const char *)n->name, wx_kinds[mid].name);

		if (c == 0)
			return wx_kinds[mid].kind;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return K_UNWRAP;
}

static int is_block_kind(wx_kind k)
{
	return k == K_BOX || k == K_STRIP || k == K_P || k == K_H || k == K_BLOCKQUOTE || k == K_PRE || k == K_LIST ||
	       k == K_LI || k == K_TABLE || k == K_TABLEPART || k == K_HR;
}

static int name_is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static int oom(wx *w)
{
	if (!w->err)
		w->err = dg_err_set(DG_ERR_NOMEM, "wechat: out of memory");
	return w->err;
}

/* A new element appended to parent, with optional attribute and style. */
static xmlNodePtr el_attr(wx *w, xmlNodePtr parent, const char *name, const char *attr, const char *value,
			  const char *style)
{
	xmlNodePtr n;

	if (w->err)
		return NULL;
	n = xmlNewDocNode(w->out, NULL, BAD_CAST name, NULL);
	if (!n)
		return oom(w), NULL;
	if (parent)
		xmlAddChild(parent, n);
	if (attr && !xmlNewProp(n, BAD_CAST attr, BAD_CAST value))
		return oom(w), NULL;
	if (style && *style && !xmlNewProp(n, BAD_CAST "style", BAD_CAST style))
		return oom(w), NULL;
	return n;
}

static xmlNodePtr el(wx *w, xmlNodePtr parent, const char *name, int style)
{
	return el_attr(w, parent, name, NULL, NULL, style >= 0 ? w->st[style] : NULL);
}

/* Append raw text (already normalised); adjacent text nodes merge. */
static int put_text(wx *w, xmlNodePtr parent, const char *s, size_t len)
{
	xmlNodePtr t;

	if (w->err || !len)
		return w->err;
	if (len > INT_MAX)
		return w->err = dg_err_set(DG_ERR_FAIL, "wechat: text node too large");
	t = xmlNewDocTextLen(w->out, BAD_CAST s, (int)len);
	if (!t)
		return oom(w);
	if (!xmlAddChild(parent, t)) {
		xmlFreeNode(t);
		return oom(w);
	}
	return 0;
}

static int put_str(wx *w, xmlNodePtr parent, const char *s)
{
	return put_text(w, parent, s, strlen(s));
}

/* ---- text ---- */

static const char *emoji_match(const unsigned char *s, size_t n, size_t *used)
{
	size_t i, len;

	for (len = 1; len < n && len <= 41; len++)
		if (s[len] == ':')
			break;
	if (len < 2 || len >= n || s[len] != ':')
		return NULL;
	for (i = 0; i < sizeof(wx_emoji) / sizeof(wx_emoji[0]); i++)
		if (strlen(wx_emoji[i].code) == len - 1 && memcmp(wx_emoji[i].code, s + 1, len - 1) == 0) {
			*used = len + 1;
			return wx_emoji[i].emoji;
		}
	return NULL;
}

/* Insert one ASCII space between Han and Latin letters/digits, except inside
 * URL-like tokens (containing "://" or starting with "www."). */
static int cjk_space(const char *in, size_t n, dg_buf *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0;
	int err = 0;

	while (i < n && !err) {
		size_t ts = i, te = i, j;
		int urlish;
		uint32_t prev = 0, cp;

		/* A token ends at ASCII space or U+00A0. */
		while (te < n && s[te] != ' ' && !(s[te] == 0xc2 && te + 1 < n && s[te + 1] == 0xa0))
			te++;
		urlish = (te - ts >= 4 && strncasecmp((const char *)s + ts, "www.", 4) == 0);
		for (j = ts; !urlish && j + 2 < te; j++)
			if (s[j] == ':' && s[j + 1] == '/' && s[j + 2] == '/')
				urlish = 1;
		if (urlish) {
			err = dg_buf_put(out, s + ts, te - ts);
		} else {
			for (j = ts; j < te && !err;) {
				size_t len = utf8_get(s + j, te - j, &cp);

				if (prev && ((is_han(prev) && is_alnum_ascii(cp)) || (is_alnum_ascii(prev) && is_han(cp))))
					err = dg_buf_putc(out, ' ');
				if (!err)
					err = dg_buf_put(out, s + j, len);
				prev = cp;
				j += len;
			}
		}
		if (err)
			break;
		i = te;
		if (i < n) {
			size_t sep = s[i] == ' ' ? 1 : 2;

			err = dg_buf_put(out, s + i, sep);
			i += sep;
		}
	}
	return err;
}

/* Body text: whitespace runs collapse to one space (a line break between
 * two wide characters disappears), control characters go, emoji shortcodes
 * become emoji, then optional CJK spacing. */
static int emit_text(wx *w, xmlNodePtr parent, const xmlChar *text)
{
	const unsigned char *s = text;
	size_t n = s ? strlen((const char *)s) : 0, i = 0, used;
	dg_buf a = DG_BUF_INIT, b = DG_BUF_INIT;
	uint32_t prev = 0, next;
	const char *emoji;
	int err = 0;

	if (w->err)
		return w->err;
	if (w->skip_space)
		while (i < n && is_ws(s[i]))
			i++;
	while (i < n && !err) {
		unsigned char c = s[i];

		if (is_ws(c)) {
			size_t j = i;
			int nl = 0;

			while (j < n && is_ws(s[j])) {
				if (s[j] == '\n' || s[j] == '\r')
					nl = 1;
				j++;
			}
			utf8_get(s + j, n - j, &next);
			if (!(nl && is_wide(prev) && is_wide(next))) {
				err = dg_buf_putc(&a, ' ');
				prev = ' ';
			}
			i = j;
		} else if (c < 0x20 || c == 0x7f) {
			i++;
		} else if (c == ':' && (emoji = emoji_match(s + i, n - i, &used)) != NULL) {
			err = dg_buf_puts(&a, emoji);
			prev = 0x1f600;
			i += used;
		} else {
			size_t len = utf8_get(s + i, n - i, &prev);

			err = dg_buf_put(&a, s + i, len);
			i += len;
		}
	}
	if (!err && a.len) {
		if (w->cjk) {
			err = cjk_space(dg_buf_cstr(&a), a.len, &b);
			if (!err)
				err = put_text(w, parent, dg_buf_cstr(&b), b.len);
		} else {
			err = put_text(w, parent, dg_buf_cstr(&a), a.len);
		}
		w->skip_space = 0;
	}
	dg_buf_free(&a);
	dg_buf_free(&b);
	if (err && !w->err)
		w->err = err;
	return w->err;
}

/* `s` with whitespace and control runs collapsed to one space, trimmed, and
 * cut after `max` bytes (0 = no limit). NULL on OOM; caller frees. */
static char *collapse_ws(const xmlChar *s, size_t max)
{
	dg_buf b = DG_BUF_INIT;
	size_t i = 0, len = s ? strlen((const char *)s) : 0;
	char *out;
	int err = 0;

	while (i < len && !err) {
		if (is_ws(s[i]) || s[i] < 0x20 || s[i] == 0x7f) {
			while (i < len && (is_ws(s[i]) || s[i] < 0x20 || s[i] == 0x7f))
				i++;
			if (b.len && i < len)
				err = dg_buf_putc(&b, ' ');
			continue;
		}
		err = dg_buf_putc(&b, (char)s[i]);
		i++;
	}
	if (!err && max && b.len > max) {
		size_t cut = max;

		while (cut > 0 && (b.ptr[cut] & 0xc0) == 0x80)
			cut--;
		b.len = cut;
		b.ptr[cut] = '\0';
		err = dg_buf_puts(&b, "\xe2\x80\xa6");
	}
	out = err ? NULL : dg_buf_detach(&b);
	dg_buf_free(&b);
	return out;
}

static wx_kind kind_of(const xmlNode *n);

/* The text inside n, without what K_DROP elements hold (script source,
 * textarea values...). Iterative: input depth is unbounded. NULL on OOM. */
static char *gather_text(const xmlNode *n)
{
	dg_buf b = DG_BUF_INIT;
	const xmlNode *c = n;
	int err = 0;

	while (c && !err) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			err = dg_buf_puts(&b, (const char *)c->content);
		if (c->type == XML_ELEMENT_NODE && c->children && kind_of(c) != K_DROP) {
			c = c->children;
			continue;
		}
		while (c && c != n && !c->next)
			c = c->parent;
		c = (c && c != n) ? c->next : NULL;
	}
	if (err) {
		dg_buf_free(&b);
		return NULL;
	}
	return dg_buf_detach(&b);
}

/* Text content of an input node, collapsed as above. */
static char *plain_text(const xmlNode *n, size_t max)
{
	char *c = gather_text(n), *out = c ? collapse_ws(BAD_CAST c, max) : NULL;

	free(c);
	return out;
}

/* ---- URLs and references ---- */

/* Trimmed URL without control characters; inner spaces become %20. */
static char *clean_url(const xmlNode *n, const char *attr)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST attr);
	dg_buf b = DG_BUF_INIT;
	const unsigned char *s = v;
	size_t len = v ? strlen((const char *)v) : 0, i = 0;
	char *out;

	while (len && is_ws(s[len - 1]))
		len--;
	while (i < len && is_ws(s[i]))
		i++;
	for (; i < len; i++) {
		if (s[i] == ' ')
			dg_buf_puts(&b, "%20");
		else if (s[i] >= 0x20 && s[i] != 0x7f)
			dg_buf_putc(&b, (char)s[i]);
	}
	xmlFree(v);
	out = dg_buf_detach(&b);
	dg_buf_free(&b);
	return out;
}

enum { URL_NONE, URL_MP, URL_EXT };

static int has_host(const char *after_slashes)
{
	return *after_slashes && *after_slashes != '/' && *after_slashes != '?' && *after_slashes != '#';
}

static int url_class(const char *u)
{
	if (strncmp(u, "https://mp.weixin.qq.com/", 25) == 0)
		return URL_MP;
	if ((strncasecmp(u, "https://", 8) == 0 && has_host(u + 8)) ||
	    (strncasecmp(u, "http://", 7) == 0 && has_host(u + 7)) ||
	    (strncasecmp(u, "ftp://", 6) == 0 && has_host(u + 6)) || (strncasecmp(u, "mailto:", 7) == 0 && u[7]))
		return URL_EXT;
	return URL_NONE;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* url with %XX escapes decoded (cmark-gfm escapes non-ASCII in autolinks). */
static char *pct_decode(const char *url)
{
	char *out = malloc(strlen(url) + 1), *o = out;

	if (!out)
		return NULL;
	for (; *url; url++) {
		if (url[0] == '%' && hexval(url[1]) >= 0 && hexval(url[2]) >= 0 && (hexval(url[1]) || hexval(url[2]))) {
			*o++ = (char)(hexval(url[1]) * 16 + hexval(url[2]));
			url += 2;
		} else {
			*o++ = *url;
		}
	}
	*o = '\0';
	return out;
}

/* Link text that just repeats its target needs no reference. */
static int text_is_url_raw(const char *text, const char *url)
{
	static const char *const schemes[] = { "", "mailto:", "http://", "https://" };
	size_t i, tl = strlen(text), sl;

	while (tl && text[tl - 1] == '/')
		tl--;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		const char *rest;
		size_t rl;

		sl = strlen(schemes[i]);
		if (strncasecmp(url, schemes[i], sl) != 0)
			continue;
		rest = url + sl;
		rl = strlen(rest);
		while (rl && rest[rl - 1] == '/')
			rl--;
		if (rl == tl && tl && strncmp(rest, text, tl) == 0)
			return 1;
	}
	return 0;
}

static int text_is_url(const char *text, const char *url)
{
	char *decoded;
	int yes;

	if (text_is_url_raw(text, url))
		return 1;
	decoded = pct_decode(url);
	yes = decoded && text_is_url_raw(text, decoded);
	free(decoded);
	return yes;
}

/* An https image URL, or NULL when the image cannot be shown in WeChat. */
static char *image_url(const char *src)
{
	const char *rest = NULL;
	size_t len;
	char *out;

	if (strncasecmp(src, "https://", 8) == 0)
		rest = src + 8;
	else if (strncasecmp(src, "http://", 7) == 0)
		rest = src + 7;
	else if (strncmp(src, "//", 2) == 0)
		rest = src + 2;
	if (!rest || !has_host(rest))
		return NULL;
	len = strlen(rest);
	out = malloc(len + 9);
	if (out) {
		memcpy(out, "https://", 8);
		memcpy(out + 8, rest, len + 1);
	}
	return out;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int refs_grow(wx *w)
{
	size_t n = w->nslots ? w->nslots * 2 : 64, i;
	size_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return oom(w);
	for (i = 0; i < w->nrefs; i++) {
		size_t k = hash_str(w->refs[i].url) & (n - 1);

		while (slots[k])
			k = (k + 1) & (n - 1);
		slots[k] = i + 1;
	}
	free(w->slots);
	w->slots = slots;
	w->nslots = n;
	return 0;
}

/* The reference number for url (1-based, by first appearance). */
static int ref_number(wx *w, const char *url, const char *title, size_t *num)
{
	size_t k;

	if ((w->nrefs + 1) * 2 > w->nslots && refs_grow(w) < 0)
		return w->err;
	k = hash_str(url) & (w->nslots - 1);
	while (w->slots[k]) {
		if (strcmp(w->refs[w->slots[k] - 1].url, url) == 0) {
			*num = w->slots[k];
			return 0;
		}
		k = (k + 1) & (w->nslots - 1);
	}
	if (w->nrefs == w->refs_cap) {
		size_t cap = w->refs_cap ? w->refs_cap * 2 : 16;
		wx_ref *r = realloc(w->refs, cap * sizeof(*r));

		if (!r)
			return oom(w);
		w->refs = r;
		w->refs_cap = cap;
	}
	w->refs[w->nrefs].url = strdup(url);
	w->refs[w->nrefs].title = strdup(title);
	if (!w->refs[w->nrefs].url || !w->refs[w->nrefs].title) {
		free(w->refs[w->nrefs].url);
		free(w->refs[w->nrefs].title);
		return oom(w);
	}
	w->slots[k] = ++w->nrefs;
	*num = w->nrefs;
	return 0;
}

/* The host part of a URL, as a fallback reference title. */
static char *url_host(const char *url)
{
	const char *p = strstr(url, "://"), *e;

	p = p ? p + 3 : (strchr(url, ':') ? strchr(url, ':') + 1 : url);
	for (e = p; *e && *e != '/' && *e != '?' && *e != '#'; e++)
		;
	return e > p ? strndup(p, (size_t)(e - p)) : strdup(url);
}

/* ---- the walk ---- */

static int walk_block(wx *w, xmlNodePtr parent, xmlNodePtr first, xmlNodePtr stop);
static int walk_inline(wx *w, xmlNodePtr parent, xmlNodePtr first, xmlNodePtr stop);
static int inline_node(wx *w, xmlNodePtr parent, xmlNodePtr n);
static int block_node(wx *w, xmlNodePtr parent, xmlNodePtr n);

/* Too deep: the element's text, nothing else. */
static int flat_text(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	char *c = gather_text(n);

	if (!c)
		return oom(w);
	emit_text(w, parent, BAD_CAST c);
	free(c);
	return w->err;
}

static int is_checkbox(const xmlNode *n)
{
	xmlChar *type;
	int yes;

	if (!name_is(n, "input"))
		return 0;
	type = xmlGetProp(n, BAD_CAST "type");
	yes = type && strcasecmp((const char *)type, "checkbox") == 0;
	xmlFree(type);
	return yes;
}

static int checkbox(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	int checked = xmlHasProp(n, BAD_CAST "checked") != NULL;

	put_str(w, parent, checked ? "\xe2\x9c\x85" NBSP : "\xe2\xac\x9c" NBSP);
	w->skip_space = 1;
	return w->err;
}

static int image(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	xmlChar *altattr = xmlGetProp(n, BAD_CAST "alt");
	char *src = clean_url(n, "src"), *alt = collapse_ws(altattr, 0), *url = NULL;
	xmlNodePtr img;

	if (!src || !alt) {
		oom(w);
		goto done;
	}
	url = image_url(src);
	if (url) {
		img = el_attr(w, parent, "img", "src", url, NULL);
		if (img && !xmlNewProp(img, BAD_CAST "alt", BAD_CAST alt))
			oom(w);
		if (img && !w->err && !xmlNewProp(img, BAD_CAST "style", BAD_CAST w->st[DG_TH_IMG]))
			oom(w);
		w->skip_space = 0;
	} else if (*alt) {
		emit_text(w, parent, BAD_CAST alt);
	}
done:
	xmlFree(altattr);
	free(alt);
	free(src);
	free(url);
	return w->err;
}

/* The first img alt inside n, for a link whose text is empty. */
static char *first_alt(const xmlNode *n, int depth)
{
	const xmlNode *c;

	if (depth > 8)
		return NULL;
	for (c = n->children; c; c = c->next) {
		if (name_is(c, "img")) {
			xmlChar *alt = xmlGetProp(c, BAD_CAST "alt");

			if (alt && *alt) {
				char *s = strdup((const char *)alt);

				xmlFree(alt);
				return s;
			}
			xmlFree(alt);
		} else if (c->type == XML_ELEMENT_NODE) {
			char *s = first_alt(c, depth + 1);

			if (s)
				return s;
		}
	}
	return NULL;
}

static int link(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	char *url = clean_url(n, "href"), *text = plain_text(n, WX_MAX_TITLE), *title = NULL;
	xmlNodePtr span;
	size_t num = 0;
	int cls;

	if (!url || !text) {
		oom(w);
		goto done;
	}
	cls = w->in_link ? URL_NONE : url_class(url);
	if (cls == URL_MP) {
		span = el_attr(w, parent, "a", "href", url, w->st[DG_TH_A]);
		w->in_link++;
		if (span)
			walk_inline(w, span, n->children, NULL);
		w->in_link--;
	} else if (cls == URL_EXT && text_is_url(text, url)) {
		span = el(w, parent, "span", DG_TH_URL);
		if (span) {
			span->_private = &wx_raw_mark;
			put_str(w, span, text);
		}
	} else if (cls == URL_EXT) {
		char mark[32];

		title = *text ? strdup(text) : first_alt(n, 0);
		if (!title)
			title = url_host(url);
		if (!title || ref_number(w, url, title, &num) < 0) {
			oom(w);
			goto done;
		}
		span = el(w, parent, "span", DG_TH_LINK);
		w->in_link++;
		if (span)
			walk_inline(w, span, n->children, NULL);
		w->in_link--;
		if (span && !span->children)
			emit_text(w, span, BAD_CAST title);
		snprintf(mark, sizeof(mark), "[%zu]", num);
		span = el(w, parent, "sup", DG_TH_SUP);
		if (span)
			put_str(w, span, mark);
	} else {
		/* Anchors, relative and unsafe targets: keep the text only. */
		w->in_link++;
		walk_inline(w, parent, n->children, NULL);
		w->in_link--;
	}
	w->skip_space = 0;
done:
	free(url);
	free(text);
	free(title);
	return w->err;
}

/* Inline code: spaces after the first of a run (and at the edges) are
 * U+00A0 so WeChat cannot collapse them. */
static int inline_code(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	char *c = gather_text(n);
	const unsigned char *s = (const unsigned char *)c;
	size_t len = c ? strlen((const char *)c) : 0, i;
	dg_buf b = DG_BUF_INIT;
	xmlNodePtr code;
	int err = 0;

	if (len == 0)
		goto done;
	for (i = 0; i < len && !err; i++) {
		if (is_ws(s[i]))
			err = (i == 0 || i + 1 == len || is_ws(s[i - 1])) ? dg_buf_puts(&b, NBSP) : dg_buf_putc(&b, ' ');
		else if (s[i] >= 0x20 && s[i] != 0x7f)
			err = dg_buf_putc(&b, (char)s[i]);
	}
	if (err) {
		w->err = err;
		goto done;
	}
	code = el(w, parent, "code", DG_TH_CODE);
	if (code) {
		code->_private = &wx_raw_mark;
		put_text(w, code, dg_buf_cstr(&b), b.len);
	}
	w->skip_space = 0;
done:
	free(c);
	dg_buf_free(&b);
	return w->err;
}

/* Code block: <pre><code -webkit-box><span block>line<br>line</span></code></pre>,
 * tabs as four spaces, every space U+00A0, no whitespace-only text nodes. */
static int code_block(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	char *c = gather_text(n);
	const unsigned char *s = (const unsigned char *)c;
	size_t len = c ? strlen((const char *)c) : 0, i;
	dg_buf line = DG_BUF_INIT;
	xmlNodePtr pre, code, body;
	int err = 0;

	if (len && s[len - 1] == '\n')
		len--;
	if (len && s[len - 1] == '\r')
		len--;
	pre = el(w, parent, "pre", DG_TH_PRE);
	code = pre ? el(w, pre, "code", DG_TH_CODE_BLOCK) : NULL;
	body = code ? el(w, code, "span", DG_TH_CODE_BODY) : NULL;
	if (!body)
		goto done;
	pre->_private = code->_private = body->_private = &wx_raw_mark;
	for (i = 0; i < len && !err; i++) {
		unsigned char ch = s[i];

		if (ch == '\n' || ch == '\r') {
			if (ch == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			err = put_text(w, body, dg_buf_cstr(&line), line.len);
			if (!err && !el(w, body, "br", -1))
				err = w->err;
			dg_buf_clear(&line);
		} else if (ch == '\t') {
			err = dg_buf_puts(&line, NBSP NBSP NBSP NBSP);
		} else if (ch == ' ') {
			err = dg_buf_puts(&line, NBSP);
		} else if (ch >= 0x20 && ch != 0x7f) {
			err = dg_buf_putc(&line, (char)ch);
		}
	}
	if (!err)
		err = put_text(w, body, dg_buf_cstr(&line), line.len);
	if (!err && !body->children)
		err = put_str(w, body, NBSP);
	if (err && !w->err)
		w->err = err;
done:
	free(c);
	dg_buf_free(&line);
	return w->err;
}

static int inline_node(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	xmlNodePtr e;
	wx_kind k;

	if (w->err)
		return w->err;
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
		return emit_text(w, parent, n->content);
	if (n->type != XML_ELEMENT_NODE)
		return 0;
	if (w->depth >= WX_MAX_DEPTH)
		return flat_text(w, parent, n);
	w->depth++;
	k = kind_of(n);
	switch (k) {
	case K_DROP:
		break;
	case K_INPUT:
		if (is_checkbox(n))
			checkbox(w, parent, n);
		break;
	case K_BR:
	case K_HR:
		el(w, parent, "br", -1);
		w->skip_space = 1;
		break;
	case K_A:
		link(w, parent, n);
		break;
	case K_IMG:
		image(w, parent, n);
		break;
	case K_CODE:
	case K_PRE:
		inline_code(w, parent, n);
		break;
	case K_STRONG:
	case K_DEL:
		e = el(w, parent, k == K_STRONG ? "strong" : "del", k == K_STRONG ? DG_TH_STRONG : DG_TH_DEL);
		if (e)
			walk_inline(w, e, n->children, NULL);
		w->skip_space = 0;
		break;
	case K_EM: {
		char *c = gather_text(n);

		e = el(w, parent, "em", mostly_han(BAD_CAST c) ? DG_TH_EM_CJK : DG_TH_EM);
		free(c);
		if (e)
			walk_inline(w, e, n->children, NULL);
		w->skip_space = 0;
		break;
	}
	case K_UNWRAP:
	case K_STRIP:
		walk_inline(w, parent, n->children, NULL);
		break;
	default:
		/* A block inside inline content (only from raw HTML): keep its
		 * content, one line per block. */
		walk_inline(w, parent, n->children, NULL);
		if (n->next && parent->last && !name_is(parent->last, "br")) {
			el(w, parent, "br", -1);
			w->skip_space = 1;
		}
		break;
	}
	w->depth--;
	return w->err;
}

static int walk_inline(wx *w, xmlNodePtr parent, xmlNodePtr first, xmlNodePtr stop)
{
	xmlNodePtr n;

	for (n = first; n && n != stop && !w->err; n = n->next)
		inline_node(w, parent, n);
	return w->err;
}

/* The first meaningful input node of a list item, looking into a leading <p>. */
static int starts_with_checkbox(xmlNodePtr first, xmlNodePtr stop)
{
	xmlNodePtr n;

	for (n = first; n && n != stop; n = n->next) {
		if (n->type == XML_TEXT_NODE && all_ws(n->content))
			continue;
		if (n->type == XML_COMMENT_NODE)
			continue;
		if (name_is(n, "p"))
			return starts_with_checkbox(n->children, NULL);
		return is_checkbox(n);
	}
	return 0;
}

/* One list item. Top level: <li display:block><section>marker content</section></li>;
 * nested levels: <section>marker content</section> (no ul/ol inside li). */
static int list_item(wx *w, xmlNodePtr container, xmlNodePtr first, xmlNodePtr stop, int ordered, long number)
{
	static const char *const bullets[] = { "\xe2\x80\xa2", "\xe2\x97\xa6", "\xe2\x96\xaa" };
	xmlNodePtr sec, para = NULL, n;
	int seen_block = 0, merged = 0;
	char marker[40];

	if (w->list_level == 0) {
		xmlNodePtr li = el(w, container, "li", DG_TH_LI);

		sec = li ? el(w, li, "section", DG_TH_LI_SECTION) : NULL;
	} else {
		sec = el(w, container, "section", DG_TH_LI_NESTED);
	}
	if (!sec)
		return w->err;
	if (!starts_with_checkbox(first, stop)) {
		if (ordered)
			snprintf(marker, sizeof(marker), "%ld." NBSP, number);
		else
			snprintf(marker, sizeof(marker), "%s" NBSP, bullets[w->list_level < 2 ? w->list_level : 2]);
		put_str(w, sec, marker);
	}
	w->skip_space = 1;
	w->list_level++;
	for (n = first; n && n != stop && !w->err; n = n->next) {
		wx_kind k = n->type == XML_ELEMENT_NODE ? kind_of(n) : K_UNWRAP;

		if (n->type != XML_ELEMENT_NODE && n->type != XML_TEXT_NODE && n->type != XML_CDATA_SECTION_NODE)
			continue;
		if (k == K_DROP)
			continue;
		if (!is_block_kind(k)) {
			if (!seen_block) {
				inline_node(w, sec, n);
				continue;
			}
			if (n->type == XML_TEXT_NODE && all_ws(n->content) && !para)
				continue;
			if (!para) {
				para = el(w, sec, "p", w->quote ? DG_TH_BLOCKQUOTE_P : DG_TH_P);
				w->skip_space = 1;
			}
			if (para)
				inline_node(w, para, n);
			continue;
		}
		para = NULL;
		if (k == K_P && !merged && !seen_block) {
			/* The first paragraph shares the marker's line. */
			walk_inline(w, sec, n->children, NULL);
			merged = seen_block = 1;
			continue;
		}
		block_node(w, sec, n);
		seen_block = 1;
	}
	w->list_level--;
	return w->err;
}

static long list_start(xmlNodePtr n)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST "start");
	long start = 1;

	if (v) {
		char *end;
		long s = strtol((const char *)v, &end, 10);

		if (end != (char *)v && s > -1000000000L && s < 1000000000L)
			start = s;
		xmlFree(v);
	}
	return start;
}

static int list(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	int ordered = name_is(n, "ol");
	long number = list_start(n);
	xmlNodePtr container, c;

	if (w->list_level == 0)
		container = el(w, parent, ordered ? "ol" : "ul", ordered ? DG_TH_OL : DG_TH_UL);
	else if (w->list_level < WX_MAX_LIST_INDENT)
		container = el(w, parent, "section", DG_TH_LIST_NESTED);
	else
		container = parent;
	if (!container)
		return w->err;
	for (c = n->children; c && !w->err; c = c->next) {
		if (c->type == XML_TEXT_NODE && all_ws(c->content))
			continue;
		if (c->type != XML_ELEMENT_NODE && c->type != XML_TEXT_NODE)
			continue;
		if (c->type == XML_ELEMENT_NODE && kind_of(c) == K_DROP)
			continue;
		if (name_is(c, "li"))
			list_item(w, container, c->children, NULL, ordered, number++);
		else
			list_item(w, container, c, c->next, ordered, number++);
	}
	return w->err;
}

/* "left", "center" or "right" from align= or style="text-align:...". */
static int cell_align(xmlNodePtr n)
{
	xmlChar *a = xmlGetProp(n, BAD_CAST "align"), *st = xmlGetProp(n, BAD_CAST "style");
	const char *v = (const char *)a;
	int r = 0;

	if (!v && st) {
		const char *p = strstr((const char *)st, "text-align");

		if (p) {
			p += strlen("text-align");
			while (*p == ' ' || *p == ':')
				p++;
			v = p;
		}
	}
	if (v && strncasecmp(v, "center", 6) == 0)
		r = 1;
	else if (v && strncasecmp(v, "right", 5) == 0)
		r = 2;
	xmlFree(a);
	xmlFree(st);
	return r;
}

static int table_row(wx *w, xmlNodePtr parent, xmlNodePtr tr)
{
	xmlNodePtr cell, out, row = el(w, parent, "tr", -1);

	for (cell = tr->children; cell && row && !w->err; cell = cell->next) {
		int th = name_is(cell, "th");

		if (!th && !name_is(cell, "td"))
			continue;
		out = el_attr(w, row, th ? "th" : "td", NULL, NULL, w->cell_style[th ? 0 : 1][cell_align(cell)]);
		w->skip_space = 1;
		if (out)
			walk_inline(w, out, cell->children, NULL);
	}
	return w->err;
}

static int table(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	xmlNodePtr wrap = el(w, parent, "section", DG_TH_TABLE_WRAP);
	xmlNodePtr t = wrap ? el(w, wrap, "table", DG_TH_TABLE) : NULL;
	xmlNodePtr c, g, tr;

	if (!t)
		return w->err;
	for (c = n->children; c && !w->err; c = c->next) {
		if (name_is(c, "thead") || name_is(c, "tbody") || name_is(c, "tfoot")) {
			g = el(w, t, (const char *)c->name, -1);
			for (tr = c->children; g && tr && !w->err; tr = tr->next)
				if (name_is(tr, "tr"))
					table_row(w, g, tr);
		} else if (name_is(c, "tr")) {
			table_row(w, t, c);
		}
	}
	return w->err;
}

/* A paragraph that holds one image and nothing else. */
static xmlNodePtr lone_image(xmlNodePtr p)
{
	xmlNodePtr n, img = NULL;

	for (n = p->children; n; n = n->next) {
		if (n->type == XML_TEXT_NODE && all_ws(n->content))
			continue;
		if (n->type == XML_COMMENT_NODE)
			continue;
		if (img || !name_is(n, "img"))
			return NULL;
		img = n;
	}
	return img;
}

static int figure(wx *w, xmlNodePtr parent, xmlNodePtr img)
{
	char *src = clean_url(img, "src"), *url = src ? image_url(src) : NULL;
	xmlChar *alt = xmlGetProp(img, BAD_CAST "alt");
	xmlNodePtr fig, cap;

	if (!src) {
		oom(w);
		goto done;
	}
	if (!url) {
		/* Not showable: the alt text as a paragraph. */
		if (alt && !all_ws(alt)) {
			xmlNodePtr p = el(w, parent, "p", w->quote ? DG_TH_BLOCKQUOTE_P : DG_TH_P);

			w->skip_space = 1;
			if (p)
				image(w, p, img);
		}
		goto done;
	}
	fig = el(w, parent, "section", DG_TH_FIGURE);
	if (fig)
		image(w, fig, img);
	if (fig && alt && !all_ws(alt)) {
		cap = el(w, fig, "p", DG_TH_FIGCAPTION);
		w->skip_space = 1;
		if (cap)
			emit_text(w, cap, alt);
	}
done:
	free(src);
	free(url);
	xmlFree(alt);
	return w->err;
}

static int block_node(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	xmlNodePtr e, img;
	wx_kind k = kind_of(n);
	int level;

	if (w->depth >= WX_MAX_DEPTH) {
		e = el(w, parent, "p", w->quote ? DG_TH_BLOCKQUOTE_P : DG_TH_P);
		w->skip_space = 1;
		return e ? flat_text(w, e, n) : w->err;
	}
	w->depth++;
	switch (k) {
	case K_P:
		if ((img = lone_image(n)) != NULL) {
			figure(w, parent, img);
			break;
		}
		e = el(w, parent, "p", w->quote ? DG_TH_BLOCKQUOTE_P : DG_TH_P);
		w->skip_space = 1;
		if (e)
			walk_inline(w, e, n->children, NULL);
		break;
	case K_H:
		level = n->name[1] - '0';
		if (level > 4)
			level = 4;
		e = el(w, parent, level == 1 ? "h1" : level == 2 ? "h2" : level == 3 ? "h3" : "h4",
		       DG_TH_H1 + level - 1);
		w->skip_space = 1;
		if (e)
			walk_inline(w, e, n->children, NULL);
		break;
	case K_BLOCKQUOTE:
		e = w->quote < WX_MAX_QUOTE ? el(w, parent, "blockquote", DG_TH_BLOCKQUOTE) : parent;
		w->quote++;
		if (e)
			walk_block(w, e, n->children, NULL);
		w->quote--;
		break;
	case K_PRE:
		code_block(w, parent, n);
		break;
	case K_LIST:
		list(w, parent, n);
		break;
	case K_TABLE:
		table(w, parent, n);
		break;
	case K_HR:
		el(w, parent, "hr", DG_TH_HR);
		break;
	case K_DROP:
		break;
	default:
		/* div, section, a stray li or td...: keep the content. */
		walk_block(w, parent, n->children, NULL);
		break;
	}
	w->depth--;
	return w->err;
}

/* Block context: runs of inline content are wrapped in paragraphs. */
static int walk_block(wx *w, xmlNodePtr parent, xmlNodePtr first, xmlNodePtr stop)
{
	xmlNodePtr n, para = NULL;

	for (n = first; n && n != stop && !w->err; n = n->next) {
		wx_kind k;

		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (!para && all_ws(n->content))
				continue;
		} else if (n->type != XML_ELEMENT_NODE) {
			continue;
		} else if ((k = kind_of(n)) == K_DROP || (k == K_INPUT && !is_checkbox(n))) {
			continue;
		} else if (is_block_kind(k)) {
			para = NULL;
			block_node(w, parent, n);
			continue;
		}
		if (!para) {
			para = el(w, parent, "p", w->quote ? DG_TH_BLOCKQUOTE_P : DG_TH_P);
			w->skip_space = 1;
			if (!para)
				break;
		}
		inline_node(w, para, n);
	}
	return w->err;
}

/* ---- clean-up pass over the output ---- */

static int out_is_inline(const xmlNode *n)
{
	static const char *const names[] = { "span", "sup", "code", "strong", "em", "del", "a" };
	size_t i;

	if (!n || n->type != XML_ELEMENT_NODE)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp((const char *)n->name, names[i]) == 0)
			return 1;
	return 0;
}

static int out_trims_edges(const xmlNode *n)
{
	static const char *const names[] = { "p", "h1", "h2", "h3", "h4", "section", "li", "td", "th",
					     "figcaption", "blockquote", "figure" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp((const char *)n->name, names[i]) == 0)
			return 1;
	return 0;
}

static int out_drop_if_empty(const xmlNode *n)
{
	static const char *const names[] = { "p", "h1", "h2", "h3", "h4", "strong", "em", "del", "span",
					     "figcaption" };
	size_t i;

	if (n->_private == &wx_raw_mark || n->children)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp((const char *)n->name, names[i]) == 0)
			return 1;
	return 0;
}

/* First (last = 0) or last code point of the text inside an output element. */
static uint32_t edge_char(const xmlNode *n, int last)
{
	const xmlNode *c;

	for (c = last ? n->last : n->children; c; c = last ? c->prev : c->next) {
		if (c->type == XML_TEXT_NODE && c->content && *c->content) {
			size_t len = strlen((const char *)c->content);
			uint32_t cp;

			if (last)
				return utf8_last(c->content, len);
			utf8_get(c->content, len, &cp);
			return cp;
		}
		if (c->type == XML_ELEMENT_NODE) {
			uint32_t cp = edge_char(c, last);

			if (cp)
				return cp;
		}
	}
	return 0;
}

static int is_block_out(const xmlNode *n);

static int set_text(wx *w, xmlNodePtr t, const char *s, size_t len)
{
	char *copy = strndup(s, len);

	if (!copy)
		return oom(w);
	xmlNodeSetContent(t, BAD_CAST copy);
	free(copy);
	return 0;
}

/* Text next to inline elements: a boundary space becomes U+00A0 (WeChat
 * eats plain ones) and Han/Latin pairs across the boundary get one. */
static int fix_text(wx *w, xmlNodePtr parent, xmlNodePtr t)
{
	const char *s = (const char *)t->content;
	size_t len = s ? strlen(s) : 0, start = 0, end = len;
	int trims = out_trims_edges(parent);
	int pre = 0, post = 0, lsp = 0, rsp = 0;
	uint32_t first, lastc, cp;
	dg_buf b = DG_BUF_INIT;
	int err = 0;

	if ((trims && (!t->prev || name_is(t->prev, "br"))) || is_block_out(t->prev))
		while (start < end && is_ws((unsigned char)s[start]))
			start++;
	if ((trims && (!t->next || name_is(t->next, "br"))) || is_block_out(t->next))
		while (end > start && is_ws((unsigned char)s[end - 1]))
			end--;
	if (start == end) {
		xmlUnlinkNode(t);
		xmlFreeNode(t);
		return 0;
	}
	utf8_get((const unsigned char *)s + start, end - start, &first);
	lastc = utf8_last((const unsigned char *)s + start, end - start);
	if (out_is_inline(t->prev)) {
		cp = edge_char(t->prev, 1);
		if (first == ' ')
			lsp = 1;
		else if (w->cjk && ((is_han(first) && is_alnum_ascii(cp)) || (is_alnum_ascii(first) && is_han(cp))))
			pre = 1;
	}
	if (out_is_inline(t->next)) {
		cp = edge_char(t->next, 0);
		if (lastc == ' ')
			rsp = 1;
		else if (w->cjk && ((is_han(lastc) && is_alnum_ascii(cp)) || (is_alnum_ascii(lastc) && is_han(cp))))
			post = 1;
	}
	if (start == 0 && end == len && !pre && !post && !lsp && !rsp)
		return 0;
	if (lsp)
		start++;
	if (rsp && end > start)
		end--;
	else if (rsp)
		rsp = 0;  /* a single space between two inline elements: one U+00A0 */
	if ((pre || lsp) && (err = dg_buf_puts(&b, NBSP)) < 0)
		goto done;
	if ((err = dg_buf_put(&b, s + start, end - start)) < 0)
		goto done;
	if ((post || rsp) && (err = dg_buf_puts(&b, NBSP)) < 0)
		goto done;
	err = set_text(w, t, dg_buf_cstr(&b), b.len);
done:
	dg_buf_free(&b);
	if (err && !w->err)
		w->err = err;
	return w->err;
}

static int fixup(wx *w, xmlNodePtr node)
{
	xmlNodePtr c, next;

	for (c = node->children; c && !w->err; c = next) {
		next = c->next;
		if (c->type == XML_ELEMENT_NODE && c->_private != &wx_raw_mark) {
			fixup(w, c);
			if (out_drop_if_empty(c)) {
				xmlUnlinkNode(c);
				xmlFreeNode(c);
			}
		}
	}
	if (node->_private == &wx_raw_mark)
		return w->err;
	for (c = node->children; c && !w->err; c = next) {
		next = c->next;
		if (c->type == XML_TEXT_NODE)
			fix_text(w, node, c);
	}
	return w->err;
}

/* ---- serialisation ---- */

static int is_void(const xmlNode *n)
{
	return name_is(n, "br") || name_is(n, "hr") || name_is(n, "img");
}

static int is_block_out(const xmlNode *n)
{
	static const char *const names[] = { "section", "p", "h1", "h2", "h3", "h4", "blockquote", "pre",
					     "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr",
					     "figure", "hr" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (name_is(n, names[i]))
			return 1;
	return 0;
}

static int newline_parent(const xmlNode *n)
{
	return name_is(n, "section") || name_is(n, "blockquote") || name_is(n, "ul") || name_is(n, "ol") ||
	       name_is(n, "li") || name_is(n, "table") || name_is(n, "thead") || name_is(n, "tbody") ||
	       name_is(n, "tfoot");
}

static int put_escaped(dg_buf *b, const char *s, int attr)
{
	const char *run = s;
	int err = 0;

	for (; *s && !err; s++) {
		const char *rep = NULL;

		if (*s == '&')
			rep = "&amp;";
		else if (*s == '<')
			rep = "&lt;";
		else if (*s == '>')
			rep = "&gt;";
		else if (*s == '"' && attr)
			rep = "&quot;";
		else if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0)
			rep = "&nbsp;";
		if (!rep)
			continue;
		err = dg_buf_put(b, run, (size_t)(s - run));
		if (!err)
			err = dg_buf_puts(b, rep);
		if ((unsigned char)s[0] == 0xc2)
			s++;
		run = s + 1;
	}
	if (!err)
		err = dg_buf_put(b, run, (size_t)(s - run));
	return err;
}

static int serialize(dg_buf *b, const xmlNode *n)
{
	const xmlAttr *a;
	const xmlNode *c;
	int err = 0;

	if (n->type == XML_TEXT_NODE)
		return put_escaped(b, (const char *)n->content, 0);
	if (n->type != XML_ELEMENT_NODE)
		return 0;
	err = dg_buf_printf(b, "<%s", (const char *)n->name);
	for (a = n->properties; a && !err; a = a->next) {
		err = dg_buf_printf(b, " %s=\"", (const char *)a->name);
		if (!err && a->children && a->children->content)
			err = put_escaped(b, (const char *)a->children->content, 1);
		if (!err)
			err = dg_buf_putc(b, '"');
	}
	if (!err)
		err = dg_buf_putc(b, '>');
	if (is_void(n))
		return err;
	for (c = n->children; c && !err; c = c->next) {
		err = serialize(b, c);
		if (!err && c->type == XML_ELEMENT_NODE && is_block_out(c) && newline_parent(n))
			err = dg_buf_putc(b, '\n');
	}
	if (!err)
		err = dg_buf_printf(b, "</%s>", (const char *)n->name);
	return err;
}

/* ---- entry points ---- */

/* theme style minus its text-align declarations, plus the cell's own. */
static char *cell_style(const char *style, const char *align)
{
	dg_buf b = DG_BUF_INIT;
	const char *p = style, *semi;
	char *out;

	while (*p) {
		const char *q;

		semi = strchr(p, ';');
		if (!semi)
			semi = p + strlen(p);
		for (q = p; q < semi && (*q == ' ' || *q == '\t'); q++)
			;
		if (!(semi - q >= 10 && strncasecmp(q, "text-align", 10) == 0) && semi > q) {
			if (b.len)
				dg_buf_putc(&b, ';');
			dg_buf_put(&b, q, (size_t)(semi - q));
		}
		p = *semi ? semi + 1 : semi;
	}
	dg_buf_printf(&b, "%stext-align:%s", b.len ? ";" : "", align);
	out = dg_buf_detach(&b);
	dg_buf_free(&b);
	return out;
}

static void wx_free(wx *w)
{
	size_t i;

	for (i = 0; i < w->nrefs; i++) {
		free(w->refs[i].url);
		free(w->refs[i].title);
	}
	free(w->refs);
	free(w->slots);
	for (i = 0; i < 6; i++)
		free(w->cell_style[i / 3][i % 3]);
	if (w->out)
		xmlFreeDoc(w->out);
}

static int add_refs(wx *w, xmlNodePtr root, const char *heading)
{
	xmlNodePtr sec, h, p, u;
	char num[32];
	size_t i;

	if (!w->nrefs)
		return 0;
	sec = el(w, root, "section", DG_TH_REFS);
	h = sec ? el(w, sec, "h4", DG_TH_REFS_HEADING) : NULL;
	if (h) {
		w->skip_space = 1;
		emit_text(w, h, BAD_CAST heading);
	}
	for (i = 0; i < w->nrefs && !w->err; i++) {
		p = el(w, sec, "p", DG_TH_REFS_ENTRY);
		if (!p)
			break;
		snprintf(num, sizeof(num), "[%zu] ", i + 1);
		put_str(w, p, num);
		w->skip_space = 1;
		emit_text(w, p, BAD_CAST w->refs[i].title);
		put_str(w, p, ":" NBSP);
		u = el(w, p, "span", DG_TH_REFS_URL);
		if (u) {
			u->_private = &wx_raw_mark;
			put_str(w, u, w->refs[i].url);
		}
	}
	return w->err;
}

int dg_wechat_fragment(const char *html, size_t len, const dg_wechat_opts *opts, char **fragment)
{
	static const char *const aligns[3] = { "left", "center", "right" };
	dg_theme *own_theme = NULL;
	const dg_theme *theme;
	dg_buf clean = DG_BUF_INIT, out = DG_BUF_INIT;
	htmlDocPtr in = NULL;
	xmlNodePtr root, sentinel;
	wx w;
	int i, err = 0;

	*fragment = NULL;
	memset(&w, 0, sizeof(w));
	w.cjk = opts ? opts->cjk_spacing : 1;
	theme = opts ? opts->theme : NULL;
	if (!theme) {
		if ((err = dg_theme_default(&own_theme)) < 0)
			goto done;
		theme = own_theme;
	}
	for (i = 0; i < DG_TH_COUNT; i++)
		w.st[i] = dg_theme_get(theme, (dg_theme_element)i);
	for (i = 0; i < 6; i++)
		if (!(w.cell_style[i / 3][i % 3] = cell_style(w.st[i / 3 ? DG_TH_TD : DG_TH_TH], aligns[i % 3]))) {
			err = dg_err_set(DG_ERR_NOMEM, "wechat: out of memory");
			goto done;
		}
	if ((err = utf8_clean(html ? html : "", html ? len : 0, &clean)) < 0)
		goto done;
	if (clean.len > INT_MAX) {
		err = dg_err_set(DG_ERR_FAIL, "wechat: HTML input of %zu bytes is too large", clean.len);
		goto done;
	}
	if (clean.len)
		in = htmlReadMemory(dg_buf_cstr(&clean), (int)clean.len, NULL, "UTF-8",
				    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				    HTML_PARSE_IGNORE_ENC | HTML_PARSE_RECOVER | XML_PARSE_HUGE);
	w.out = htmlNewDocNoDtD(NULL, NULL);
	root = w.out ? el(&w, NULL, "section", DG_TH_ROOT) : NULL;
	if (!root) {
		err = dg_err_set(DG_ERR_NOMEM, "wechat: out of memory");
		goto done;
	}
	xmlDocSetRootElement(w.out, root);
	sentinel = el(&w, root, "p", DG_TH_SENTINEL);
	if (sentinel)
		put_str(&w, sentinel, NBSP);
	if (in)
		walk_block(&w, root, in->children, NULL);
	add_refs(&w, root, opts && opts->refs_heading && *opts->refs_heading ? opts->refs_heading : "参考链接");
	sentinel = el(&w, root, "p", DG_TH_SENTINEL);
	if (sentinel)
		put_str(&w, sentinel, NBSP);
	if (!w.err)
		fixup(&w, root);
	if ((err = w.err) < 0)
		goto done;
	if ((err = serialize(&out, root)) < 0 || (err = dg_buf_putc(&out, '\n')) < 0)
		goto done;
	*fragment = dg_buf_detach(&out);
	if (!*fragment)
		err = dg_err_set(DG_ERR_NOMEM, "wechat: out of memory");
done:
	if (in)
		xmlFreeDoc(in);
	wx_free(&w);
	dg_buf_free(&clean);
	dg_buf_free(&out);
	dg_theme_free(own_theme);
	return err;
}
