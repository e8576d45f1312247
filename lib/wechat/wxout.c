/* wxout.c - the output tree of the WeChat pass: building it (elements with
 * inline styles, text), the clean-up pass that trims and re-spaces text at
 * element boundaries, and the serialisation WeChat's editor accepts.
 * Shared internals are in wxint.h. */
#include "wechat/wxint.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/str.h"
#include "base/text.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Its address marks raw output elements (see wxint.h). */
char dg_wx_raw_mark;

/* ---- output tree helpers ---- */

int dg_wx_name_is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* A new element appended to parent, with optional attribute and style.
 * libxml2 allocates through base/alloc.h: these calls cannot fail. */
xmlNodePtr dg_wx_el_attr(wx *w, xmlNodePtr parent, const char *name, const char *attr, const char *value,
			 const char *style)
{
	xmlNodePtr n;

	if (w->err)
		return NULL;
	n = xmlNewDocNode(w->out, NULL, BAD_CAST name, NULL);
	if (parent)
		xmlAddChild(parent, n);
	if (attr)
		xmlNewProp(n, BAD_CAST attr, BAD_CAST value);
	if (style && *style)
		xmlNewProp(n, BAD_CAST "style", BAD_CAST style);
	return n;
}

xmlNodePtr dg_wx_el(wx *w, xmlNodePtr parent, const char *name, int style)
{
	return dg_wx_el_attr(w, parent, name, NULL, NULL, style >= 0 ? w->st[style] : NULL);
}

/* Append raw text (already normalised); adjacent text nodes merge. */
int dg_wx_put_text(wx *w, xmlNodePtr parent, const char *s, size_t len)
{
	if (w->err || !len)
		return w->err;
	if (len > INT_MAX)
		return w->err = dg_err_set(DG_ERR_FAIL, "wechat: text node too large");
	xmlAddChild(parent, xmlNewDocTextLen(w->out, BAD_CAST s, (int)len));
	return 0;
}

int dg_wx_put_str(wx *w, xmlNodePtr parent, const char *s)
{
	return dg_wx_put_text(w, parent, s, strlen(s));
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

	if (n->_private == &dg_wx_raw_mark || n->children)
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
				return dg_text_utf8_last(c->content, len);
			dg_text_utf8_next(c->content, len, &cp);
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

/* An inline element whose text is long (a link to owner/repo#1234, a long
 * identifier): the space next to it is U+2005 (a quarter em, as wide as a
 * space): one a line may break after (UAX #14 class BA) and that no editor
 * trims as whitespace, where a U+00A0 would glue the word before to the
 * element and leave a ragged line on a phone. */
#define GLUE_MAX 12
#define BREAKABLE_SPACE "\xe2\x80\x85"

static int long_inline(const xmlNode *n)
{
	xmlChar *text = xmlNodeGetContent(n);
	size_t cols = 0;

	for (const unsigned char *p = text; p && *p; p++)
		cols += (*p & 0xc0) != 0x80;   /* code points */
	xmlFree(text);
	return cols > GLUE_MAX;
}

/* Text next to inline elements: a boundary space becomes U+00A0 (WeChat
 * eats plain ones) and Han/Latin pairs across the boundary get one; next
 * to a long element it is one a line may break at (long_inline). */
static void fix_text(wx *w, xmlNodePtr parent, xmlNodePtr t)
{
	const char *s = (const char *)t->content;
	size_t len = s ? strlen(s) : 0, start = 0, end = len;
	int trims = out_trims_edges(parent);
	int pre = 0, post = 0, lsp = 0, rsp = 0;
	uint32_t first, lastc, cp;
	dg_buf b = DG_BUF_INIT;   /* uncapped: the appends cannot fail */

	if ((trims && (!t->prev || dg_wx_name_is(t->prev, "br"))) || is_block_out(t->prev))
		while (start < end && dg_str_is_space((unsigned char)s[start]))
			start++;
	if ((trims && (!t->next || dg_wx_name_is(t->next, "br"))) || is_block_out(t->next))
		while (end > start && dg_str_is_space((unsigned char)s[end - 1]))
			end--;
	if (start == end) {
		xmlUnlinkNode(t);
		xmlFreeNode(t);
		return;
	}
	dg_text_utf8_next((const unsigned char *)s + start, end - start, &first);
	lastc = dg_text_utf8_last((const unsigned char *)s + start, end - start);
	if (out_is_inline(t->prev)) {
		cp = edge_char(t->prev, 1);
		if (first == ' ')
			lsp = 1;
		else if (w->cjk && ((dg_text_is_han(first) && dg_text_is_alnum_ascii(cp)) ||
				    (dg_text_is_alnum_ascii(first) && dg_text_is_han(cp))))
			pre = 1;
	}
	if (out_is_inline(t->next)) {
		cp = edge_char(t->next, 0);
		if (lastc == ' ')
			rsp = 1;
		else if (w->cjk && ((dg_text_is_han(lastc) && dg_text_is_alnum_ascii(cp)) ||
				    (dg_text_is_alnum_ascii(lastc) && dg_text_is_han(cp))))
			post = 1;
	}
	if (start == 0 && end == len && !pre && !post && !lsp && !rsp)
		return;
	if (lsp)
		start++;
	if (rsp && end > start)
		end--;
	else if (rsp)
		rsp = 0;  /* a single space between two inline elements: one U+00A0 */
	if (pre || lsp)
		dg_buf_puts(&b, long_inline(t->prev) ? BREAKABLE_SPACE : NBSP);
	dg_buf_put(&b, s + start, end - start);
	if (post || rsp)
		dg_buf_puts(&b, long_inline(t->next) ? BREAKABLE_SPACE : NBSP);
	xmlNodeSetContent(t, BAD_CAST dg_buf_cstr(&b));
	dg_buf_free(&b);
}

int dg_wx_fixup(wx *w, xmlNodePtr node)
{
	xmlNodePtr c, next;

	for (c = node->children; c && !w->err; c = next) {
		next = c->next;
		if (c->type == XML_ELEMENT_NODE && c->_private != &dg_wx_raw_mark) {
			dg_wx_fixup(w, c);
			if (out_drop_if_empty(c)) {
				xmlUnlinkNode(c);
				xmlFreeNode(c);
			}
		}
	}
	if (node->_private == &dg_wx_raw_mark)
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
	return dg_wx_name_is(n, "br") || dg_wx_name_is(n, "hr") || dg_wx_name_is(n, "img");
}

static int is_block_out(const xmlNode *n)
{
	static const char *const names[] = { "section", "p", "h1", "h2", "h3", "h4", "blockquote", "pre",
					     "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr",
					     "figure", "hr" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (dg_wx_name_is(n, names[i]))
			return 1;
	return 0;
}

static int newline_parent(const xmlNode *n)
{
	return dg_wx_name_is(n, "section") || dg_wx_name_is(n, "blockquote") || dg_wx_name_is(n, "ul") ||
	       dg_wx_name_is(n, "ol") || dg_wx_name_is(n, "li") || dg_wx_name_is(n, "table") ||
	       dg_wx_name_is(n, "thead") || dg_wx_name_is(n, "tbody") || dg_wx_name_is(n, "tfoot");
}

static void put_escaped(dg_buf *b, const char *s, int attr)
{
	const char *run = s;

	for (; *s; s++) {
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
		dg_buf_put(b, run, (size_t)(s - run));
		dg_buf_puts(b, rep);
		if ((unsigned char)s[0] == 0xc2)
			s++;
		run = s + 1;
	}
	dg_buf_put(b, run, (size_t)(s - run));
}

void dg_wx_serialize(dg_buf *b, const xmlNode *n)
{
	const xmlAttr *a;
	const xmlNode *c;

	if (n->type == XML_TEXT_NODE) {
		put_escaped(b, (const char *)n->content, 0);
		return;
	}
	if (n->type != XML_ELEMENT_NODE)
		return;
	dg_buf_printf(b, "<%s", (const char *)n->name);
	for (a = n->properties; a; a = a->next) {
		dg_buf_printf(b, " %s=\"", (const char *)a->name);
		if (a->children && a->children->content)
			put_escaped(b, (const char *)a->children->content, 1);
		dg_buf_putc(b, '"');
	}
	dg_buf_putc(b, '>');
	if (is_void(n))
		return;
	for (c = n->children; c; c = c->next) {
		dg_wx_serialize(b, c);
		if (c->type == XML_ELEMENT_NODE && is_block_out(c) && newline_parent(n))
			dg_buf_putc(b, '\n');
	}
	dg_buf_printf(b, "</%s>", (const char *)n->name);
}
