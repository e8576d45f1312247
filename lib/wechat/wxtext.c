/* wxtext.c - text for the WeChat pass: the character classes CJK spacing
 * needs (on base/text.h), whitespace collapsing, emoji shortcodes and the
 * text of input nodes. No knowledge of elements beyond dg_wx_kind_of
 * (wxkind.c); shared internals are in wxint.h. */
#include "wechat/wxint.h"
#include "base/str.h"
#include "base/text.h"

#include <stdlib.h>
#include <string.h>

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

/* ---- character classes ---- */

/* Wide characters a soft line break between two of disappears. */
static int is_wide(uint32_t c)
{
	enum dg_text_cjk k = dg_text_cjk_class(c);

	return dg_text_is_han(c) || k == DG_TEXT_CJK_PUNCT || k == DG_TEXT_FULLWIDTH;
}

int dg_wx_all_ws(const xmlChar *s)
{
	for (; s && *s; s++)
		if (!dg_str_is_space(*s))
			return 0;
	return 1;
}

/* Han-vs-Latin balance of a text: 1 when it is mostly Han. */
int dg_wx_mostly_han(const xmlChar *s)
{
	size_t n = s ? strlen((const char *)s) : 0, i = 0;
	long han = 0, latin = 0;
	uint32_t cp;

	while (i < n) {
		i += dg_text_utf8_next(s + i, n - i, &cp);
		if (dg_text_cjk_class(cp) == DG_TEXT_HAN)
			han++;
		else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
			latin++;
	}
	return han > 0 && han >= latin;
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

/* Body text: whitespace runs collapse to one space (a line break between
 * two wide characters disappears), control characters go, emoji shortcodes
 * become emoji, then optional CJK spacing. */
int dg_wx_emit_text(wx *w, xmlNodePtr parent, const xmlChar *text)
{
	const unsigned char *s = text;
	size_t n = s ? strlen((const char *)s) : 0, i = 0, used;
	dg_buf a = DG_BUF_INIT, b = DG_BUF_INIT;   /* uncapped: the appends cannot fail */
	uint32_t prev = 0, next;
	const char *emoji;

	if (w->err)
		return w->err;
	if (w->skip_space)
		while (i < n && dg_str_is_space(s[i]))
			i++;
	while (i < n) {
		unsigned char c = s[i];

		if (dg_str_is_space(c)) {
			size_t j = i;
			int nl = 0;

			while (j < n && dg_str_is_space(s[j])) {
				if (s[j] == '\n' || s[j] == '\r')
					nl = 1;
				j++;
			}
			dg_text_utf8_next(s + j, n - j, &next);
			if (!(nl && is_wide(prev) && is_wide(next))) {
				dg_buf_putc(&a, ' ');
				prev = ' ';
			}
			i = j;
		} else if (c < 0x20 || c == 0x7f) {
			i++;
		} else if (c == ':' && (emoji = emoji_match(s + i, n - i, &used)) != NULL) {
			dg_buf_puts(&a, emoji);
			prev = 0x1f600;
			i += used;
		} else {
			size_t len = dg_text_utf8_next(s + i, n - i, &prev);

			dg_buf_put(&a, s + i, len);
			i += len;
		}
	}
	if (a.len) {
		if (w->cjk) {
			dg_text_cjk_space(dg_buf_cstr(&a), a.len, &b);
			dg_wx_put_text(w, parent, dg_buf_cstr(&b), b.len);
		} else {
			dg_wx_put_text(w, parent, dg_buf_cstr(&a), a.len);
		}
		w->skip_space = 0;
	}
	dg_buf_free(&a);
	dg_buf_free(&b);
	return w->err;
}

/* `s` with whitespace and control runs collapsed to one space, trimmed, and
 * cut to `max` columns with "…" (0 = no limit). Caller frees. */
char *dg_wx_collapse_ws(const xmlChar *s, size_t max)
{
	dg_buf b = DG_BUF_INIT;   /* uncapped: the appends cannot fail */
	size_t i = 0, len = s ? strlen((const char *)s) : 0;

	while (i < len) {
		if (dg_str_is_space(s[i]) || s[i] < 0x20 || s[i] == 0x7f) {
			while (i < len && (dg_str_is_space(s[i]) || s[i] < 0x20 || s[i] == 0x7f))
				i++;
			if (b.len && i < len)
				dg_buf_putc(&b, ' ');
			continue;
		}
		dg_buf_putc(&b, (char)s[i]);
		i++;
	}
	dg_text_cut(&b, max, DG_TEXT_WIDTH, 0);
	return dg_buf_detach(&b);
}

/* The text inside n, without what K_DROP elements hold (script source,
 * textarea values...). Iterative: input depth is unbounded. Caller frees. */
char *dg_wx_gather_text(const xmlNode *n)
{
	dg_buf b = DG_BUF_INIT;   /* uncapped: the appends cannot fail */
	const xmlNode *c = n;

	while (c) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			dg_buf_puts(&b, (const char *)c->content);
		if (c->type == XML_ELEMENT_NODE && c->children && dg_wx_kind_of(c) != K_DROP) {
			c = c->children;
			continue;
		}
		while (c && c != n && !c->next)
			c = c->parent;
		c = (c && c != n) ? c->next : NULL;
	}
	return dg_buf_detach(&b);
}

/* Text content of an input node, collapsed as above. */
char *dg_wx_plain_text(const xmlNode *n, size_t max)
{
	char *c = dg_wx_gather_text(n), *out = dg_wx_collapse_ws(BAD_CAST c, max);

	free(c);
	return out;
}
