/* wxinline.c - the walk over inline content: text, emphasis, code, images,
 * checkboxes and links (kept as <a> only for mp.weixin.qq.com; others become
 * text with a numbered reference). Split from wechat.c, which walks the
 * blocks; shared internals are in wxint.h. */
#include "wechat/wxint.h"
#include "base/alloc.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Reference titles are cut to this many columns (CJK characters take two). */
#define WX_MAX_TITLE 300

/* Too deep: the element's text, nothing else. */
int dg_wx_flat_text(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	char *c = dg_wx_gather_text(n);

	dg_wx_emit_text(w, parent, BAD_CAST c);
	free(c);
	return w->err;
}

int dg_wx_is_checkbox(const xmlNode *n)
{
	xmlChar *type;
	int yes;

	if (!dg_wx_name_is(n, "input"))
		return 0;
	type = xmlGetProp(n, BAD_CAST "type");
	yes = type && strcasecmp((const char *)type, "checkbox") == 0;
	xmlFree(type);
	return yes;
}

static int checkbox(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	int checked = xmlHasProp(n, BAD_CAST "checked") != NULL;

	dg_wx_put_str(w, parent, checked ? "\xe2\x9c\x85" NBSP : "\xe2\xac\x9c" NBSP);
	w->skip_space = 1;
	return w->err;
}

int dg_wx_image(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	xmlChar *altattr = xmlGetProp(n, BAD_CAST "alt");
	char *src = dg_wx_clean_url(n, "src"), *alt = dg_wx_collapse_ws(altattr, 0), *url = dg_wx_image_url(w, src);
	xmlNodePtr img;

	if (url) {
		img = dg_wx_el_attr(w, parent, "img", "src", url, NULL);
		if (img) {
			xmlNewProp(img, BAD_CAST "alt", BAD_CAST alt);
			xmlNewProp(img, BAD_CAST "style", BAD_CAST w->st[DG_TH_IMG]);
		}
		w->skip_space = 0;
	} else if (*alt) {
		dg_wx_emit_text(w, parent, BAD_CAST alt);
	}
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
		if (dg_wx_name_is(c, "img")) {
			xmlChar *alt = xmlGetProp(c, BAD_CAST "alt");

			if (alt && *alt) {
				char *s = dg_strdup((const char *)alt);

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
	char *url = dg_wx_clean_url(n, "href"), *text = dg_wx_plain_text(n, WX_MAX_TITLE), *title = NULL;
	xmlNodePtr span;
	size_t num;
	int cls;

	cls = w->in_link || dg_wx_quiet_link(w, url) ? URL_NONE : dg_wx_url_class(url);
	if (cls == URL_MP) {
		span = dg_wx_el_attr(w, parent, "a", "href", url, w->st[DG_TH_A]);
		w->in_link++;
		if (span)
			dg_wx_walk_inline(w, span, n->children, NULL);
		w->in_link--;
	} else if (cls == URL_EXT && dg_wx_text_is_url(text, url)) {
		span = dg_wx_el(w, parent, "span", DG_TH_URL);
		if (span) {
			span->_private = &dg_wx_raw_mark;
			dg_wx_put_str(w, span, text);
		}
	} else if (cls == URL_EXT) {
		char mark[32];

		title = *text ? dg_strdup(text) : first_alt(n, 0);
		if (!title)
			title = dg_wx_url_host(url);
		num = dg_wx_ref_number(w, url, title);
		span = dg_wx_el(w, parent, "span", DG_TH_LINK);
		w->in_link++;
		if (span)
			dg_wx_walk_inline(w, span, n->children, NULL);
		w->in_link--;
		if (span && !span->children)
			dg_wx_emit_text(w, span, BAD_CAST title);
		snprintf(mark, sizeof(mark), "[%zu]", num);
		span = dg_wx_el(w, parent, "sup", DG_TH_SUP);
		if (span)
			dg_wx_put_str(w, span, mark);
	} else {
		/* Anchors, relative and unsafe targets, an issue's profile and
		 * search links: keep the text only. */
		w->in_link++;
		dg_wx_walk_inline(w, parent, n->children, NULL);
		w->in_link--;
	}
	w->skip_space = 0;
	free(url);
	free(text);
	free(title);
	return w->err;
}

/* Inline code: spaces after the first of a run (and at the edges) are
 * U+00A0 so WeChat cannot collapse them. */
static int inline_code(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	char *c = dg_wx_gather_text(n);
	const unsigned char *s = (const unsigned char *)c;
	size_t len = strlen(c), i;
	dg_buf b = DG_BUF_INIT;   /* uncapped: the appends cannot fail */
	xmlNodePtr code;

	if (len == 0)
		goto done;
	for (i = 0; i < len; i++) {
		if (dg_str_is_space(s[i])) {
			if (i == 0 || i + 1 == len || dg_str_is_space(s[i - 1]))
				dg_buf_puts(&b, NBSP);
			else
				dg_buf_putc(&b, ' ');
		} else if (s[i] >= 0x20 && s[i] != 0x7f) {
			dg_buf_putc(&b, (char)s[i]);
		}
	}
	code = dg_wx_el(w, parent, "code", DG_TH_CODE);
	if (code) {
		code->_private = &dg_wx_raw_mark;
		dg_wx_put_text(w, code, dg_buf_cstr(&b), b.len);
	}
	w->skip_space = 0;
done:
	free(c);
	dg_buf_free(&b);
	return w->err;
}

int dg_wx_inline_node(wx *w, xmlNodePtr parent, xmlNodePtr n)
{
	xmlNodePtr e;
	wx_kind k;

	if (w->err)
		return w->err;
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
		return dg_wx_emit_text(w, parent, n->content);
	if (n->type != XML_ELEMENT_NODE)
		return 0;
	if (w->depth >= WX_MAX_DEPTH)
		return dg_wx_flat_text(w, parent, n);
	w->depth++;
	k = dg_wx_kind_of(n);
	switch (k) {
	case K_DROP:
		break;
	case K_INPUT:
		if (dg_wx_is_checkbox(n))
			checkbox(w, parent, n);
		break;
	case K_BR:
	case K_HR:
		dg_wx_el(w, parent, "br", -1);
		w->skip_space = 1;
		break;
	case K_A:
		link(w, parent, n);
		break;
	case K_IMG:
		dg_wx_image(w, parent, n);
		break;
	case K_CODE:
	case K_PRE:
		inline_code(w, parent, n);
		break;
	case K_STRONG:
	case K_DEL:
		e = dg_wx_el(w, parent, k == K_STRONG ? "strong" : "del", k == K_STRONG ? DG_TH_STRONG : DG_TH_DEL);
		if (e)
			dg_wx_walk_inline(w, e, n->children, NULL);
		w->skip_space = 0;
		break;
	case K_EM: {
		char *c = dg_wx_gather_text(n);

		e = dg_wx_el(w, parent, "em", dg_wx_mostly_han(BAD_CAST c) ? DG_TH_EM_CJK : DG_TH_EM);
		free(c);
		if (e)
			dg_wx_walk_inline(w, e, n->children, NULL);
		w->skip_space = 0;
		break;
	}
	case K_UNWRAP:
	case K_STRIP:
		dg_wx_walk_inline(w, parent, n->children, NULL);
		break;
	default:
		/* A block inside inline content (only from raw HTML): keep its
		 * content, one line per block. */
		dg_wx_walk_inline(w, parent, n->children, NULL);
		if (n->next && parent->last && !dg_wx_name_is(parent->last, "br")) {
			dg_wx_el(w, parent, "br", -1);
			w->skip_space = 1;
		}
		break;
	}
	w->depth--;
	return w->err;
}

int dg_wx_walk_inline(wx *w, xmlNodePtr parent, xmlNodePtr first, xmlNodePtr stop)
{
	xmlNodePtr n;

	for (n = first; n && n != stop && !w->err; n = n->next)
		dg_wx_inline_node(w, parent, n);
	return w->err;
}
