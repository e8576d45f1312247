/* feedtext.c - titles and summaries as one line of plain text.
 *
 * Feeds put HTML, escaped HTML, double-escaped HTML and plain text in the same
 * elements, often in Windows-1252 that was taken for Latin-1. Everything ends
 * up here: HTML goes through libxml2's HTML parser (forgiving, no network),
 * the result is cleaned code point by code point and cut for a newsletter. */
#include "feeds/feed.h"
#include "base/buf.h"
#include "base/text.h"

#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>

#include <stdlib.h>
#include <string.h>

#define TEXT_MAX_DEPTH 256

/* C1 controls are almost always Windows-1252 bytes read as Latin-1. 0 =
 * undefined in 1252: dropped. */
static const unsigned short cp1252_c1[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

static int is_uspace(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
	       c == 0xa0 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
	       c == 0x202f || c == 0x205f || c == 0x3000;
}

/* Clean and collapse `in` into `out` (uncapped): valid UTF-8, C1 mapped,
 * controls dropped, one space between words, none at the ends. */
static void clean(const char *in, size_t len, dg_buf *out)
{
	const unsigned char *s = (const unsigned char *)in;
	int pending_space = 0;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = dg_text_utf8_decode(s + i, len - i, &cp);

		if (!n) {   /* invalid byte: dropped */
			i++;
			continue;
		}
		i += n;
		if (cp >= 0x80 && cp <= 0x9f)
			cp = cp1252_c1[cp - 0x80];
		if (is_uspace(cp)) {
			pending_space = out->len > 0;
			continue;
		}
		if (cp == 0 || cp < 0x20 || cp == 0x7f || cp == 0xfeff || cp == 0xfffe ||
		    cp == 0xffff || (cp >= 0x80 && cp <= 0x9f))
			continue;
		if (pending_space)
			dg_buf_putc(out, ' ');
		pending_space = 0;
		dg_buf_put_utf8(out, cp);
	}
}

/* --- HTML to text --- */

static int is_block(const char *name)
{
	static const char *const blocks[] = {
		"address", "article", "aside", "blockquote", "br", "caption", "dd", "details",
		"div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
		"h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
		"pre", "section", "summary", "table", "td", "th", "tr", "ul",
	};

	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (strcmp(name, blocks[i]) == 0)
			return 1;
	return 0;
}

/* Elements whose text is not content (feedparser drops the same ones). */
static int is_hidden(const char *name)
{
	return strcmp(name, "script") == 0 || strcmp(name, "style") == 0 ||
	       strcmp(name, "applet") == 0;
}

/* The text under n into b (uncapped). */
static void walk(xmlNode *n, dg_buf *b, int depth)
{
	if (depth > TEXT_MAX_DEPTH)
		return;
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				dg_buf_puts(b, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE && n->name) {
			const char *name = (const char *)n->name;
			int block = is_block(name);

			if (is_hidden(name))
				continue;
			if (block)
				dg_buf_putc(b, ' ');
			walk(n->children, b, depth + 1);
			if (block)
				dg_buf_putc(b, ' ');
		}
	}
}

static void silent_structured(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

static void silent_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Text content of an HTML fragment, appended to b (uncapped). */
static void html_text(const char *s, size_t len, dg_buf *b)
{
	xmlStructuredErrorFunc old_s = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_g = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;
	htmlDocPtr doc;

	if (!len || len > (size_t)INT32_MAX)
		return;
	xmlSetStructuredErrorFunc(NULL, silent_structured);
	xmlSetGenericErrorFunc(NULL, silent_generic);
	doc = htmlReadMemory(s, (int)len, NULL, "UTF-8",
			     HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
			     HTML_PARSE_RECOVER);
	xmlSetStructuredErrorFunc(old_sctx, old_s);
	xmlSetGenericErrorFunc(old_gctx, old_g);
	if (!doc)
		return;   /* nothing readable: no text */
	walk(doc->children, b, 0);
	xmlFreeDoc(doc);
}

/* --- does it look like HTML? --- */

/* HTML5 elements libxml2's HTML 4 table does not know. */
static int html5_tag(const char *name)
{
	static const char *const tags[] = {
		"article", "aside", "audio", "details", "figcaption", "figure", "footer",
		"header", "main", "mark", "nav", "picture", "section", "source", "summary",
		"time", "video",
	};

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strcmp(name, tags[i]) == 0)
			return 1;
	return 0;
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Longest names looked up: longer runs are no entity or tag (the longest
 * entity, "CounterClockwiseContourIntegral", has 31 letters). */
#define ENTITY_NAME_MAX 39
#define TAG_NAME_MAX    15

int dg_feed_looks_like_html(const char *s, size_t len, enum dg_feed_text_kind kind)
{
	dg_buf name = DG_BUF_INIT;   /* uncapped: the appends cannot fail */
	int known = 0, unknown = 0, close = 0, entity = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '&') {
			size_t j = i + 1, k;

			if (j < len && s[j] == '#') {
				j++;
				if (j < len && (s[j] == 'x' || s[j] == 'X'))
					j++;
				k = j;
				while (j < len && (is_digit(s[j]) || (s[j] >= 'a' && s[j] <= 'f') ||
						   (s[j] >= 'A' && s[j] <= 'F')))
					j++;
				if (j > k && j < len && s[j] == ';')
					entity = 1;
				continue;
			}
			dg_buf_clear(&name);
			for (k = j; j < len && j - k < ENTITY_NAME_MAX && (is_alpha(s[j]) || is_digit(s[j])); j++)
				;
			if (j > k && j < len && s[j] == ';') {
				dg_buf_put(&name, s + k, j - k);
				if (htmlEntityLookup((const xmlChar *)name.ptr))
					entity = 1;
			}
		} else if (s[i] == '<') {
			size_t j = i + 1, k;
			int is_close = 0;

			if (j + 2 < len && s[j] == '!' && s[j + 1] == '-' && s[j + 2] == '-') {
				known++;   /* a comment */
				continue;
			}
			if (j < len && s[j] == '/')
				is_close = 1, j++;
			for (k = j; j < len && j - k < TAG_NAME_MAX && (is_alpha(s[j]) || (j > k && is_digit(s[j]))); j++)
				;
			if (j == k || j >= len || !(s[j] == '>' || s[j] == '/' || s[j] == ' ' ||
						    s[j] == '\t' || s[j] == '\n' || s[j] == '\r'))
				continue;   /* "a < b", "<3": not a tag */
			dg_buf_clear(&name);
			for (; k < j; k++)
				dg_buf_putc(&name, (char)(s[k] | 0x20));
			if (htmlTagLookup((const xmlChar *)name.ptr) || html5_tag(name.ptr)) {
				known++;
				close |= is_close;
			} else {
				unknown++;
			}
		}
	}
	dg_buf_free(&name);
	if (kind == DG_FEED_TEXT_AUTO_STRICT)
		return (close || entity) && !unknown;
	return known || entity;
}

char *dg_feed_text(const char *s, size_t len, enum dg_feed_text_kind kind, size_t max_chars)
{
	dg_buf raw = DG_BUF_INIT, b = DG_BUF_INIT;   /* uncapped: nothing here fails */
	int html;
	char *out;

	if (!s)
		len = 0;
	if (kind == DG_FEED_TEXT_HTML)
		html = 1;
	else if (kind == DG_FEED_TEXT_AUTO || kind == DG_FEED_TEXT_AUTO_STRICT)
		html = dg_feed_looks_like_html(s, len, kind);
	else
		html = 0;
	if (html) {
		html_text(s, len, &raw);
		s = raw.ptr;
		len = raw.len;
	}
	clean(s ? s : "", len, &b);
	dg_text_cut(&b, max_chars, DG_TEXT_CODE_POINTS, DG_TEXT_CUT_WORD);
	out = dg_buf_detach(&b);
	dg_buf_free(&raw);
	return out;
}

char *dg_feed_summary(const char *html_or_text, size_t len, size_t max_chars)
{
	return dg_feed_text(html_or_text, len, DG_FEED_TEXT_AUTO, max_chars);
}
