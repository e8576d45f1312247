/* wxint.h - internals shared by the files of the WeChat pass (wechat.c,
 * wxinline.c, wxtext.c, wxlinks.c, wxout.c, wxkind.c): the walk's state, the input
 * element classes and the dg_wx_ functions that cross those files. Private:
 * nothing outside the pass includes it; the public API is wechat.h. */
#ifndef DG_WXINT_H
#define DG_WXINT_H

#include "base/buf.h"
#include "render/theme.h"

#include <libxml/tree.h>

#include <stddef.h>
#include <stdint.h>

/* Input elements nested deeper than this are written as plain text, so a
 * hostile document cannot exhaust the stack. (libxml2 itself stops at 256
 * levels and drops the rest of the document unless XML_PARSE_HUGE is set.) */
#define WX_MAX_DEPTH 48

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

typedef struct wx_ref {
	char *url;
	char *title;
} wx_ref;

typedef struct wx {
	const char *st[DG_TH_COUNT];
	char *cell_style[2][3];   /* th/td x left/center/right */
	int cjk;
	int issue;                /* dg_wechat_opts.issue */
	const char *files_url;    /* dg_wechat_opts.files_url */
	const char *refs_sep;     /* dg_wechat_opts.refs_sep */
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

/* Output elements whose text is never re-spaced or trimmed (code, URLs):
 * their _private points here. Defined in wxout.c. */
extern char dg_wx_raw_mark;

/* What dg_wx_url_class says about a link target. */
enum { URL_NONE, URL_MP, URL_EXT };

/* Functions that return int return w->err (0 ok, <0 with the message set);
 * after a failure they do nothing. Returned char * are malloc'ed (caller
 * frees). Out of memory aborts (base/alloc.h, libxml2 included): no
 * function here reports it. */

/* wxkind.c: the class of input element n (by name). */
wx_kind dg_wx_kind_of(const xmlNode *n);

/* wxinline.c: the walk over inline content. */
int dg_wx_flat_text(wx *w, xmlNodePtr parent, xmlNodePtr n);    /* n's text only (too deep) */
int dg_wx_is_checkbox(const xmlNode *n);                         /* 1 for <input type=checkbox> */
int dg_wx_image(wx *w, xmlNodePtr parent, xmlNodePtr n);        /* <img>, or its alt as text */
int dg_wx_inline_node(wx *w, xmlNodePtr parent, xmlNodePtr n);
int dg_wx_walk_inline(wx *w, xmlNodePtr parent, xmlNodePtr first, xmlNodePtr stop);

/* wxtext.c: character classes, text (UTF-8 itself is base/text.h, the
 * whitespace class base/str.h). */
int dg_wx_all_ws(const xmlChar *s);
int dg_wx_mostly_han(const xmlChar *s);
int dg_wx_emit_text(wx *w, xmlNodePtr parent, const xmlChar *text);     /* body text, normalised */
char *dg_wx_collapse_ws(const xmlChar *s, size_t max);        /* max in columns */
char *dg_wx_gather_text(const xmlNode *n);
char *dg_wx_plain_text(const xmlNode *n, size_t max);

/* wxlinks.c: URLs and the reference list. */
char *dg_wx_clean_url(const xmlNode *n, const char *attr);
int dg_wx_url_class(const char *u);                                      /* URL_* */
int dg_wx_text_is_url(const char *text, const char *url);
char *dg_wx_image_url(const wx *w, const char *src);                    /* NULL when not showable */
int dg_wx_image_link(const wx *w, const char *href);   /* 1: an issue's link to an image (shown as one) */
int dg_wx_quiet_link(const wx *w, const char *url);    /* 1: an issue's profile or search link (no reference) */
size_t dg_wx_ref_number(wx *w, const char *url, const char *title);     /* 1-based */
char *dg_wx_url_host(const char *url);
int dg_wx_add_refs(wx *w, xmlNodePtr root, const char *heading);

/* wxout.c: the output tree, its clean-up pass and serialisation. */
int dg_wx_name_is(const xmlNode *n, const char *name);
xmlNodePtr dg_wx_el_attr(wx *w, xmlNodePtr parent, const char *name, const char *attr, const char *value,
			 const char *style);                             /* NULL after an error (w->err) */
xmlNodePtr dg_wx_el(wx *w, xmlNodePtr parent, const char *name, int style);  /* style -1 = none */
int dg_wx_put_text(wx *w, xmlNodePtr parent, const char *s, size_t len);
int dg_wx_put_str(wx *w, xmlNodePtr parent, const char *s);
int dg_wx_fixup(wx *w, xmlNodePtr node);
void dg_wx_serialize(dg_buf *b, const xmlNode *n);                       /* appends to b */

#endif
