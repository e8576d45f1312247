/* wechat.c - the walk over the input HTML tree, block by block, and the
 * entry point dg_wechat_fragment. Inline content is wxinline.c, text
 * (UTF-8, CJK spacing) wxtext.c, links and the reference list wxlinks.c,
 * the output tree, its clean-up and serialisation wxout.c, what each input
 * element becomes wxkind.c (see wxint.h). Calls go one way: wechat.c ->
 * wxinline.c -> wxlinks.c, wxtext.c -> wxout.c, wxkind.c. */
#include "wechat/wechat.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"
#include "wechat/wxint.h"
#include "base/text.h"

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nested list levels indented as sections; deeper levels stay at this indent. */
#define WX_MAX_LIST_INDENT 4
/* Nested blockquotes beyond this level continue inside the deepest one. */
#define WX_MAX_QUOTE 3

/* ---- the walk ---- */

static int is_block_kind(wx_kind k)
{
	return k == K_BOX || k == K_STRIP || k == K_P || k == K_H || k == K_BLOCKQUOTE || k == K_PRE || k == K_LIST ||
	       k == K_LI || k == K_TABLE || k == K_TABLEPART || k == K_HR;
}

static int walk_block(wx *w, xmlNodePtr parent, xmlNodePtr first, xmlNodePtr stop);
static int block_node(wx *w, xmlNodePtr parent, xmlNodePtr n);

/* Code block: <pre><code -webkit-box><span block>line<br>line</span></code></pre>,
 * tabs as four spaces, every space U+00A0, no whitespace-only text nodes. */
static int code_block(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	char *c = dg_wx_gather_text(n);
	const unsigned char *s = (const unsigned char *)c;
	size_t len = strlen(c), i;
	dg_buf line = DG_BUF_INIT;   /* uncapped: the appends cannot fail */
	xmlNodePtr pre, code, body;
	int err = 0;

	if (len && s[len - 1] == '\n')
		len--;
	if (len && s[len - 1] == '\r')
		len--;
	pre = dg_wx_el(w, parent, "pre", DG_TH_PRE);
	code = pre ? dg_wx_el(w, pre, "code", DG_TH_CODE_BLOCK) : NULL;
	body = code ? dg_wx_el(w, code, "span", DG_TH_CODE_BODY) : NULL;
	if (!body)
		goto done;
	pre->_private = code->_private = body->_private = &dg_wx_raw_mark;
	for (i = 0; i < len && !err; i++) {
		unsigned char ch = s[i];

		if (ch == '\n' || ch == '\r') {
			if (ch == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			err = dg_wx_put_text(w, body, dg_buf_cstr(&line), line.len);
			if (!err && !dg_wx_el(w, body, "br", -1))
				err = w->err;
			dg_buf_clear(&line);
		} else if (ch == '\t') {
			dg_buf_puts(&line, NBSP NBSP NBSP NBSP);
		} else if (ch == ' ') {
			dg_buf_puts(&line, NBSP);
		} else if (ch >= 0x20 && ch != 0x7f) {
			dg_buf_putc(&line, (char)ch);
		}
	}
	if (!err)
		err = dg_wx_put_text(w, body, dg_buf_cstr(&line), line.len);
	if (!err && !body->children)
		err = dg_wx_put_str(w, body, NBSP);
	if (err && !w->err)
		w->err = err;
done:
	free(c);
	dg_buf_free(&line);
	return w->err;
}

/* The first meaningful input node of a list item, looking into a leading <p>. */
static int starts_with_checkbox(xmlNodePtr first, xmlNodePtr stop)
{
	xmlNodePtr n;

	for (n = first; n && n != stop; n = n->next) {
		if (n->type == XML_TEXT_NODE && dg_wx_all_ws(n->content))
			continue;
		if (n->type == XML_COMMENT_NODE)
			continue;
		if (dg_wx_name_is(n, "p"))
			return starts_with_checkbox(n->children, NULL);
		return dg_wx_is_checkbox(n);
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
		xmlNodePtr li = dg_wx_el(w, container, "li", DG_TH_LI);

		sec = li ? dg_wx_el(w, li, "section", DG_TH_LI_SECTION) : NULL;
	} else {
		sec = dg_wx_el(w, container, "section", DG_TH_LI_NESTED);
	}
	if (!sec)
		return w->err;
	if (!starts_with_checkbox(first, stop)) {
		/* The marker is as wide as the item's hanging indent (li_marker). */
		xmlNodePtr mark = dg_wx_el(w, sec, "span", DG_TH_LI_MARKER);
		if (ordered)
			snprintf(marker, sizeof(marker), "%ld.", number);
		else
			snprintf(marker, sizeof(marker), "%s", bullets[w->list_level < 2 ? w->list_level : 2]);
		if (mark)
			dg_wx_put_str(w, mark, marker);
	}
	w->skip_space = 1;
	w->list_level++;
	for (n = first; n && n != stop && !w->err; n = n->next) {
		wx_kind k = n->type == XML_ELEMENT_NODE ? dg_wx_kind_of(n) : K_UNWRAP;

		if (n->type != XML_ELEMENT_NODE && n->type != XML_TEXT_NODE && n->type != XML_CDATA_SECTION_NODE)
			continue;
		if (k == K_DROP)
			continue;
		if (!is_block_kind(k)) {
			if (!seen_block) {
				dg_wx_inline_node(w, sec, n);
				continue;
			}
			if (n->type == XML_TEXT_NODE && dg_wx_all_ws(n->content) && !para)
				continue;
			if (!para) {
				para = dg_wx_el(w, sec, "p", w->quote ? DG_TH_BLOCKQUOTE_P : DG_TH_P);
				w->skip_space = 1;
			}
			if (para)
				dg_wx_inline_node(w, para, n);
			continue;
		}
		para = NULL;
		if (k == K_P && !merged && !seen_block) {
			/* The first paragraph shares the marker's line. */
			dg_wx_walk_inline(w, sec, n->children, NULL);
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
	int ordered = dg_wx_name_is(n, "ol");
	long number = list_start(n);
	xmlNodePtr container, c;

	if (w->list_level == 0)
		container = dg_wx_el(w, parent, ordered ? "ol" : "ul", ordered ? DG_TH_OL : DG_TH_UL);
	else if (w->list_level < WX_MAX_LIST_INDENT)
		container = dg_wx_el(w, parent, "section", DG_TH_LIST_NESTED);
	else
		container = parent;
	if (!container)
		return w->err;
	for (c = n->children; c && !w->err; c = c->next) {
		if (c->type == XML_TEXT_NODE && dg_wx_all_ws(c->content))
			continue;
		if (c->type != XML_ELEMENT_NODE && c->type != XML_TEXT_NODE)
			continue;
		if (c->type == XML_ELEMENT_NODE && dg_wx_kind_of(c) == K_DROP)
			continue;
		if (dg_wx_name_is(c, "li"))
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
	if (v && dg_str_starts_ci(v, strlen(v), "center"))
		r = 1;
	else if (v && dg_str_starts_ci(v, strlen(v), "right"))
		r = 2;
	xmlFree(a);
	xmlFree(st);
	return r;
}

static int table_row(wx *w, xmlNodePtr parent, xmlNodePtr tr)
{
	xmlNodePtr cell, out, row = dg_wx_el(w, parent, "tr", -1);

	for (cell = tr->children; cell && row && !w->err; cell = cell->next) {
		int th = dg_wx_name_is(cell, "th");

		if (!th && !dg_wx_name_is(cell, "td"))
			continue;
		out = dg_wx_el_attr(w, row, th ? "th" : "td", NULL, NULL, w->cell_style[th ? 0 : 1][cell_align(cell)]);
		w->skip_space = 1;
		if (out)
			dg_wx_walk_inline(w, out, cell->children, NULL);
	}
	return w->err;
}

static int table(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	xmlNodePtr wrap = dg_wx_el(w, parent, "section", DG_TH_TABLE_WRAP);
	xmlNodePtr t = wrap ? dg_wx_el(w, wrap, "table", DG_TH_TABLE) : NULL;
	xmlNodePtr c, g, tr;

	if (!t)
		return w->err;
	for (c = n->children; c && !w->err; c = c->next) {
		if (dg_wx_name_is(c, "thead") || dg_wx_name_is(c, "tbody") || dg_wx_name_is(c, "tfoot")) {
			g = dg_wx_el(w, t, (const char *)c->name, -1);
			for (tr = c->children; g && tr && !w->err; tr = tr->next)
				if (dg_wx_name_is(tr, "tr"))
					table_row(w, g, tr);
		} else if (dg_wx_name_is(c, "tr")) {
			table_row(w, t, c);
		}
	}
	return w->err;
}

/* A paragraph that holds one image and nothing else, or (in an issue) one
 * link to an image: the node, else NULL. */
static xmlNodePtr lone_image(const wx *w, xmlNodePtr p)
{
	xmlNodePtr n, img = NULL;

	for (n = p->children; n; n = n->next) {
		if (n->type == XML_TEXT_NODE && dg_wx_all_ws(n->content))
			continue;
		if (n->type == XML_COMMENT_NODE)
			continue;
		if (img || !(dg_wx_name_is(n, "img") || dg_wx_name_is(n, "a")))
			return NULL;
		img = n;
	}
	if (img && dg_wx_name_is(img, "a")) {
		char *href = dg_wx_clean_url(img, "href");
		int yes = dg_wx_image_link(w, href);
		free(href);
		return yes ? img : NULL;
	}
	return img;
}

/* A centred picture with its caption: an <img>, or an issue's link to an
 * image, the link's text being the caption (a new contributor's
 * certificate shows in the article rather than as a dead link). */
static int figure(wx *w, xmlNodePtr parent, xmlNodePtr img)
{
	int is_link = dg_wx_name_is(img, "a");
	char *src = dg_wx_clean_url(img, is_link ? "href" : "src"), *url = dg_wx_image_url(w, src);
	char *text = is_link ? dg_wx_plain_text(img, 300) : NULL;
	xmlChar *alt = is_link ? xmlCharStrdup(text) : xmlGetProp(img, BAD_CAST "alt");
	xmlNodePtr fig, cap, pic;

	if (!url) {
		/* Not showable: the alt text as a paragraph. */
		if (alt && !dg_wx_all_ws(alt)) {
			xmlNodePtr p = dg_wx_el(w, parent, "p", w->quote ? DG_TH_BLOCKQUOTE_P : DG_TH_P);

			w->skip_space = 1;
			if (p && is_link)
				dg_wx_emit_text(w, p, alt);
			else if (p)
				dg_wx_image(w, p, img);
		}
		goto done;
	}
	fig = dg_wx_el(w, parent, "section", DG_TH_FIGURE);
	if (fig && !is_link) {
		dg_wx_image(w, fig, img);
	} else if (fig && (pic = dg_wx_el_attr(w, fig, "img", "src", url, NULL))) {
		xmlNewProp(pic, BAD_CAST "alt", alt);
		xmlNewProp(pic, BAD_CAST "style", BAD_CAST w->st[DG_TH_IMG]);
	}
	if (fig && alt && !dg_wx_all_ws(alt)) {
		cap = dg_wx_el(w, fig, "p", DG_TH_FIGCAPTION);
		w->skip_space = 1;
		if (cap)
			dg_wx_emit_text(w, cap, alt);
	}
done:
	free(src);
	free(url);
	free(text);
	xmlFree(alt);
	return w->err;
}

static int block_node(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	xmlNodePtr e, img;
	wx_kind k = dg_wx_kind_of(n);
	int level;

	if (w->depth >= WX_MAX_DEPTH) {
		e = dg_wx_el(w, parent, "p", w->quote ? DG_TH_BLOCKQUOTE_P : DG_TH_P);
		w->skip_space = 1;
		return e ? dg_wx_flat_text(w, e, n) : w->err;
	}
	w->depth++;
	switch (k) {
	case K_P:
		if ((img = lone_image(w, n)) != NULL) {
			figure(w, parent, img);
			break;
		}
		e = dg_wx_el(w, parent, "p", w->quote ? DG_TH_BLOCKQUOTE_P : DG_TH_P);
		w->skip_space = 1;
		if (e)
			dg_wx_walk_inline(w, e, n->children, NULL);
		break;
	case K_H:
		level = n->name[1] - '0';
		if (level > 4)
			level = 4;
		e = dg_wx_el(w, parent, level == 1 ? "h1" : level == 2 ? "h2" : level == 3 ? "h3" : "h4",
			     DG_TH_H1 + level - 1);
		w->skip_space = 1;
		if (e)
			dg_wx_walk_inline(w, e, n->children, NULL);
		break;
	case K_BLOCKQUOTE:
		e = w->quote < WX_MAX_QUOTE ? dg_wx_el(w, parent, "blockquote", DG_TH_BLOCKQUOTE) : parent;
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
		dg_wx_el(w, parent, "hr", DG_TH_HR);
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
			if (!para && dg_wx_all_ws(n->content))
				continue;
		} else if (n->type != XML_ELEMENT_NODE) {
			continue;
		} else if ((k = dg_wx_kind_of(n)) == K_DROP || (k == K_INPUT && !dg_wx_is_checkbox(n))) {
			continue;
		} else if (is_block_kind(k)) {
			para = NULL;
			block_node(w, parent, n);
			continue;
		}
		if (!para) {
			para = dg_wx_el(w, parent, "p", w->quote ? DG_TH_BLOCKQUOTE_P : DG_TH_P);
			w->skip_space = 1;
			if (!para)
				break;
		}
		dg_wx_inline_node(w, para, n);
	}
	return w->err;
}

/* ---- entry points ---- */

/* theme style minus its text-align declarations, plus the cell's own. */
static char *cell_style(const char *style, const char *align)
{
	dg_buf b = DG_BUF_INIT;
	const char *p = style, *semi;

	while (*p) {
		const char *q;

		semi = strchr(p, ';');
		if (!semi)
			semi = p + strlen(p);
		for (q = p; q < semi && (*q == ' ' || *q == '\t'); q++)
			;
		if (!dg_str_starts_ci(q, (size_t)(semi - q), "text-align") && semi > q) {
			if (b.len)
				dg_buf_putc(&b, ';');
			dg_buf_put(&b, q, (size_t)(semi - q));
		}
		p = *semi ? semi + 1 : semi;
	}
	dg_buf_printf(&b, "%stext-align:%s", b.len ? ";" : "", align);
	return dg_buf_detach(&b);   /* uncapped: never NULL */
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
	/* The caller's wording (templates/<lang>/strings.toml): none here. */
	if (!opts || !opts->refs_heading || !*opts->refs_heading)
		return dg_err_set(DG_ERR_FAIL, "wechat: no heading for the reference list (opts.refs_heading)");
	memset(&w, 0, sizeof(w));
	w.cjk = opts->cjk_spacing;
	w.issue = opts->issue;
	w.refs_sep = opts->refs_sep;
	w.files_url = opts->files_url && *opts->files_url ? opts->files_url : NULL;
	theme = opts->theme;
	if (!theme) {
		if ((err = dg_theme_default(&own_theme)) < 0)
			goto done;
		theme = own_theme;
	}
	for (i = 0; i < DG_TH_COUNT; i++)
		w.st[i] = dg_theme_get(theme, (dg_theme_element)i);
	for (i = 0; i < 6; i++)
		w.cell_style[i / 3][i % 3] = cell_style(w.st[i / 3 ? DG_TH_TD : DG_TH_TH], aligns[i % 3]);
	dg_text_utf8_repair(html ? html : "", html ? len : 0, &clean);   /* uncapped: cannot fail */
	if (clean.len > INT_MAX) {
		err = dg_err_set(DG_ERR_FAIL, "wechat: HTML input of %zu bytes is too large", clean.len);
		goto done;
	}
	if (clean.len)
		in = htmlReadMemory(dg_buf_cstr(&clean), (int)clean.len, NULL, "UTF-8",
				    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				    HTML_PARSE_IGNORE_ENC | HTML_PARSE_RECOVER | XML_PARSE_HUGE);
	w.out = htmlNewDocNoDtD(NULL, NULL);
	root = dg_wx_el(&w, NULL, "section", DG_TH_ROOT);
	xmlDocSetRootElement(w.out, root);
	sentinel = dg_wx_el(&w, root, "p", DG_TH_SENTINEL);
	if (sentinel)
		dg_wx_put_str(&w, sentinel, NBSP);
	if (in)
		walk_block(&w, root, in->children, NULL);
	dg_wx_add_refs(&w, root, opts->refs_heading);
	sentinel = dg_wx_el(&w, root, "p", DG_TH_SENTINEL);
	if (sentinel)
		dg_wx_put_str(&w, sentinel, NBSP);
	if (!w.err)
		dg_wx_fixup(&w, root);
	if ((err = w.err) < 0)
		goto done;
	dg_wx_serialize(&out, root);
	dg_buf_putc(&out, '\n');
	err = dg_buf_finish(&out, fragment);   /* uncapped: 0 */
done:
	if (in)
		xmlFreeDoc(in);
	wx_free(&w);
	dg_buf_free(&clean);
	dg_buf_free(&out);
	dg_theme_free(own_theme);
	return err;
}
