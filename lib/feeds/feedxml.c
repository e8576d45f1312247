/* feedxml.c - RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 entries out of an XML feed.
 *
 * XML is read with libxml2's recovering parser after a byte-level pass
 * (feedfix.c) that fixes what real feeds get wrong most (bare '&', HTML
 * entities without a DTD), so one stray ampersand does not cost a link.
 * Elements are matched by namespace URI, never by prefix. */
#include "feeds/feed.h"
#include "feeds/feedint.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FIELD_MAX ((size_t)4 << 20)   /* bytes of one field we look at */

static xmlNode *child(const feed_ctx *c, const xmlNode *parent, const char *uri, const char *local)
{
	if (!parent)
		return NULL;
	for (xmlNode *n = parent->children; n; n = n->next)
		if (dg_feed_node_is(c, n, uri, local))
			return n;
	return NULL;
}

/* --- element content --- */

/* Text of an entity reference (declared, or an HTML one), appended as UTF-8. */
static void put_entity(const feed_ctx *c, const xmlNode *n, dg_buf *b)
{
	xmlEntityPtr ent = xmlGetDocEntity(c->doc, n->name);
	const htmlEntityDesc *h;

	if (ent) {   /* declared in the document: its expansion (libxml2 caps amplification) */
		xmlChar *t = xmlNodeGetContent(n);

		if (t)
			dg_buf_puts(b, (const char *)t);
		xmlFree(t);
	} else if ((h = htmlEntityLookup(n->name))) {
		dg_buf_put_utf8(b, h->value);
	}
}

/* The content of element el as a string (malloc'ed): its text, or, when it
 * holds elements (naked HTML, Atom xhtml), its children serialized as
 * markup, with *markup set. At most FIELD_MAX bytes (and a node). */
static char *content_of(const feed_ctx *c, const xmlNode *el, int *markup)
{
	dg_buf b = DG_BUF_INIT;   /* uncapped: the appends cannot fail */

	*markup = 0;
	for (xmlNode *n = el->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			*markup = 1;
	if (*markup) {
		xmlBufferPtr xb = xmlBufferCreate();

		for (xmlNode *n = el->children; n && (size_t)xmlBufferLength(xb) < FIELD_MAX; n = n->next)
			xmlNodeDump(xb, c->doc, n, 0, 0);
		dg_buf_put(&b, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
		xmlBufferFree(xb);
	} else {
		for (xmlNode *n = el->children; n && b.len < FIELD_MAX; n = n->next) {
			if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
				dg_buf_puts(&b, (const char *)n->content);
			else if (n->type == XML_ENTITY_REF_NODE)
				put_entity(c, n, &b);
		}
	}
	return dg_buf_detach(&b);
}

static int b64_val(int ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+' || ch == '-')
		return 62;
	if (ch == '/' || ch == '_')
		return 63;
	return -1;
}

/* Decode base64 in place (whitespace ignored); returns the new length, or
 * -1 when it is not base64. */
static long b64_decode(char *s)
{
	unsigned acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; s[i]; i++) {
		int v;

		if (dg_str_is_space((unsigned char)s[i]) || s[i] == '=')
			continue;
		if ((v = b64_val((unsigned char)s[i])) < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			s[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	s[o] = '\0';
	return (long)o;
}

/* How an Atom text construct (or 0.3 content) is to be read. Returns 0 for
 * readable, -1 for a type that is not text (images, JSON, other XML). */
static int atom_kind(const xmlNode *el, enum dg_feed_text_kind *kind, int *base64)
{
	char *type = dg_feed_attr(el, "type"), *mode = dg_feed_attr(el, "mode");
	int ok = 0;

	*kind = DG_FEED_TEXT_PLAIN;
	*base64 = mode && strcasecmp(mode, "base64") == 0;
	if (!type || !*type || strcasecmp(type, "text") == 0 || strcasecmp(type, "text/plain") == 0)
		*kind = DG_FEED_TEXT_PLAIN;
	else if (strcasecmp(type, "html") == 0 || strcasecmp(type, "text/html") == 0 ||
		 strcasecmp(type, "xhtml") == 0 || strcasecmp(type, "application/xhtml+xml") == 0)
		*kind = DG_FEED_TEXT_HTML;
	else if (dg_str_starts_ci(type, strlen(type), "text/"))
		*kind = DG_FEED_TEXT_PLAIN;
	else
		ok = -1;
	free(type);
	free(mode);
	return ok;
}

/* A text that is empty is none: NULL (s freed) or s. */
static char *none_if_empty(char *s)
{
	if (s && !*s) {
		free(s);
		return NULL;
	}
	return s;
}

/* Clean text of element el read as `kind` (markup children force HTML), or
 * NULL when absent or empty. */
static char *text_of(const feed_ctx *c, const xmlNode *el, enum dg_feed_text_kind kind, int base64, size_t max)
{
	char *raw, *out;
	int markup;

	if (!el)
		return NULL;
	raw = content_of(c, el, &markup);
	if (base64 && !markup && b64_decode(raw) < 0)
		raw[0] = '\0';
	if (markup)
		kind = DG_FEED_TEXT_HTML;
	out = dg_feed_text(raw, strlen(raw), kind, max);
	free(raw);
	return none_if_empty(out);
}

/* Atom text construct: the type attribute decides; NULL when not text. */
static char *atom_text(const feed_ctx *c, const xmlNode *el, size_t max)
{
	enum dg_feed_text_kind kind;
	int base64;
	char *src;

	if (!el)
		return NULL;
	if ((src = dg_feed_attr(el, "src"))) {   /* out-of-line content: nothing to read here */
		free(src);
		return NULL;
	}
	if (atom_kind(el, &kind, &base64) < 0)
		return NULL;
	return text_of(c, el, kind, base64, max);
}

/* --- people and dates --- */

/* "me@example.com (Name)", "Name (me@example.com)", "Name <me@x>" -> Name. */
static char *person_name(const char *s)
{
	const char *open = strchr(s, '('), *close = open ? strchr(open, ')') : NULL, *lt;
	char *out;
	size_t n = strlen(s);

	if (open && close) {
		char *inside = dg_str_trim_dup(open + 1, (size_t)(close - open - 1));
		char *outside = dg_str_trim_dup(s, (size_t)(open - s));
		const char *pick = (*inside && (strchr(outside, '@') || !*outside)) ? inside : outside;

		out = dg_feed_text(pick, strlen(pick), DG_FEED_TEXT_PLAIN, 0);
		free(inside);
		free(outside);
	} else {
		if ((lt = strchr(s, '<')) && lt > s)
			n = (size_t)(lt - s);
		out = dg_feed_text(s, n, DG_FEED_TEXT_PLAIN, 0);
	}
	return none_if_empty(out);
}

static char *person_of(const xmlNode *el)
{
	xmlChar *t;
	char *r;

	if (!el || !(t = xmlNodeGetContent(el)))
		return NULL;
	r = person_name((const char *)t);
	xmlFree(t);
	return r;
}

/* First element of the candidates (uri, local pairs) under parent that
 * holds a date we can read. */
static int date_of(const feed_ctx *c, const xmlNode *parent, const char *const *cands, int64_t *out)
{
	for (int i = 0; cands[i]; i += 2)
		for (xmlNode *n = parent->children; n; n = n->next) {
			xmlChar *t;
			int ok;

			if (!dg_feed_node_is(c, n, cands[i] == (const char *)1 ? NS_CORE : cands[i], cands[i + 1]))
				continue;
			if (!(t = xmlNodeGetContent(n)))
				continue;
			ok = dg_feed_parse_date((const char *)t, out) == 0;
			xmlFree(t);
			if (ok)
				return 1;
		}
	return 0;
}

/* Dates (uri, local) in order of preference; (const char *)1 = NS_CORE. */
#define CORE (const char *)1
static const char *const rss_published[] = {
	CORE, "pubDate", NS_ATOM10, "published", NS_DCTERMS, "issued", NS_DCTERMS, "created",
	NS_DC, "date", NS_ATOM03, "issued", NULL
};
static const char *const rss_updated[] = {
	NS_ATOM10, "updated", NS_DCTERMS, "modified", NS_DC, "date", NULL
};
static const char *const atom_published[] = {
	NS_ANYATOM, "published", NS_ANYATOM, "issued", NS_ANYATOM, "created",
	NS_DCTERMS, "issued", NS_DC, "date", NULL
};
static const char *const atom_updated[] = {
	NS_ANYATOM, "updated", NS_ANYATOM, "modified", NS_DCTERMS, "modified", NULL
};

/* media:description directly or inside media:group. */
static xmlNode *media_description(const feed_ctx *c, const xmlNode *item)
{
	xmlNode *d = child(c, item, NS_MEDIA, "description");

	return d ? d : child(c, child(c, item, NS_MEDIA, "group"), NS_MEDIA, "description");
}

static void rss_item(feed_ctx *c, const xmlNode *item, json_t *arr)
{
	dg_feed_entry e = { 0 };
	xmlNode *n, *guid = child(c, item, NS_CORE, "guid");
	size_t max = c->summary_max;

	e.title = text_of(c, child(c, item, NS_CORE, "title"), DG_FEED_TEXT_AUTO_STRICT, 0, 0);
	if (!e.title)
		e.title = text_of(c, child(c, item, NS_DC, "title"), DG_FEED_TEXT_AUTO_STRICT, 0, 0);
	if (!e.title)
		e.title = atom_text(c, child(c, item, NS_ATOM10, "title"), 0);

	/* The last non-empty <link> wins (as in feedparser and gofeed);
	 * <link href="..."/> counts too. */
	for (n = item->children; n; n = n->next) {
		char *l = NULL, *href;

		if (!dg_feed_node_is(c, n, NS_CORE, "link"))
			continue;
		if (!(l = dg_feed_link_text(c, n)) && (href = dg_feed_attr(n, "href"))) {
			l = dg_feed_resolve_at(c, n, href);
			free(href);
		}
		if (l) {
			free(e.link);
			e.link = l;
		}
	}
	if (!e.link)
		e.link = dg_feed_atom_link(c, item, "alternate");
	if (!e.link && guid) {
		char *perma = dg_feed_attr(guid, "isPermaLink");
		xmlChar *t = xmlNodeGetContent(guid);
		char *g = t ? dg_str_trim_dup((const char *)t, strlen((const char *)t)) : NULL;

		if (g && (!perma || strcasecmp(perma, "false") != 0) &&
		    (dg_str_starts_ci(g, strlen(g), "http://") || dg_str_starts_ci(g, strlen(g), "https://")))
			e.link = dg_feed_resolve_at(c, guid, g);
		free(g);
		free(perma);
		xmlFree(t);
	}

	e.has_pub = date_of(c, item, rss_published, &e.pub);
	e.has_upd = date_of(c, item, rss_updated, &e.upd);

	/* A non-standard <summary> next to <description> is the short one. */
	e.summary = text_of(c, child(c, item, NS_CORE, "summary"), DG_FEED_TEXT_AUTO, 0, max);
	if (!e.summary)
		e.summary = text_of(c, child(c, item, NS_CORE, "description"), DG_FEED_TEXT_AUTO, 0, max);
	if (!e.summary)
		e.summary = text_of(c, child(c, item, NS_DC, "description"), DG_FEED_TEXT_AUTO, 0, max);
	if (!e.summary)
		e.summary = text_of(c, child(c, item, NS_CONTENT, "encoded"), DG_FEED_TEXT_AUTO, 0, max);
	if (!e.summary)   /* Netscape RSS 0.91's full text */
		e.summary = text_of(c, child(c, item, NS_CORE, "fullitem"), DG_FEED_TEXT_AUTO, 0, max);
	if (!e.summary)
		e.summary = atom_text(c, child(c, item, NS_ATOM10, "summary"), max);
	if (!e.summary)
		e.summary = atom_text(c, child(c, item, NS_ATOM10, "content"), max);
	if (!e.summary)
		e.summary = text_of(c, child(c, item, NS_ITUNES, "summary"), DG_FEED_TEXT_AUTO, 0, max);
	if (!e.summary)
		e.summary = text_of(c, child(c, item, NS_XHTML, "body"), DG_FEED_TEXT_HTML, 0, max);
	if (!e.summary)
		e.summary = text_of(c, media_description(c, item), DG_FEED_TEXT_AUTO, 0, max);
	if (!e.summary)
		e.summary = text_of(c, child(c, item, NS_ITUNES, "subtitle"), DG_FEED_TEXT_AUTO, 0, max);

	e.author = person_of(child(c, item, NS_CORE, "author"));
	if (!e.author)
		e.author = person_of(child(c, item, NS_DC, "creator"));
	if (!e.author)
		e.author = person_of(child(c, child(c, item, NS_ATOM10, "author"), NS_ATOM10, "name"));
	if (!e.author)
		e.author = person_of(child(c, item, NS_ITUNES, "author"));
	if (!e.author)
		e.author = person_of(child(c, item, NS_DC, "author"));

	e.id = text_of(c, guid, DG_FEED_TEXT_PLAIN, 0, 0);
	if (!e.id) {
		char *about = NULL;

		for (xmlAttr *a = item->properties; a && !about; a = a->next)
			if (a->name && strcmp((const char *)a->name, "about") == 0 && a->ns &&
			    dg_feed_ns_eq((const char *)a->ns->href, NS_RDF))
				about = dg_feed_attr(item, "about");
		e.id = about;
	}
	if (!e.id && e.link)
		e.id = dg_strdup(e.link);
	dg_feed_entry_append(arr, &e);
	dg_feed_entry_free(&e);
}

static void atom_entry(feed_ctx *c, const xmlNode *ent, json_t *arr)
{
	dg_feed_entry e = { 0 };
	size_t max = c->summary_max;
	xmlNode *t = child(c, ent, NS_ANYATOM, "title");

	if (t) {
		e.title = atom_text(c, t, 0);
		if (!e.title)   /* a title of an odd type: read it as text anyway */
			e.title = text_of(c, t, DG_FEED_TEXT_PLAIN, 0, 0);
	}
	if (!e.title)
		e.title = text_of(c, child(c, child(c, ent, NS_MEDIA, "group"), NS_MEDIA, "title"),
				  DG_FEED_TEXT_PLAIN, 0, 0);
	e.link = dg_feed_atom_link(c, ent, "alternate");
	e.has_pub = date_of(c, ent, atom_published, &e.pub);
	e.has_upd = date_of(c, ent, atom_updated, &e.upd);
	e.summary = atom_text(c, child(c, ent, NS_ANYATOM, "summary"), max);
	if (!e.summary)
		e.summary = atom_text(c, child(c, ent, NS_ANYATOM, "content"), max);
	if (!e.summary)
		e.summary = text_of(c, media_description(c, ent), DG_FEED_TEXT_AUTO, 0, max);
	if (!e.summary)
		e.summary = text_of(c, child(c, ent, NS_DC, "description"), DG_FEED_TEXT_AUTO, 0, max);
	e.author = person_of(child(c, child(c, ent, NS_ANYATOM, "author"), NS_ANYATOM, "name"));
	if (!e.author)
		e.author = person_of(child(c, ent, NS_DC, "creator"));
	if (!e.author && c->feed_author)
		e.author = dg_strdup(c->feed_author);
	e.id = text_of(c, child(c, ent, NS_ANYATOM, "id"), DG_FEED_TEXT_PLAIN, 0, 0);
	dg_feed_entry_append(arr, &e);
	dg_feed_entry_free(&e);
}

/* The feed's own absolute link: the last resort base for entry links. */
static void set_feed_base(feed_ctx *c, char *cand)
{
	if (!c->feed_base && cand && dg_feed_scheme_len(cand)) {
		c->feed_base = cand;
		c->feed_base_len = strlen(cand);
	}
	else
		free(cand);
}

static void read_rss(feed_ctx *c, const xmlNode *root, json_t *arr)
{
	xmlNode *chan = child(c, root, NS_CORE, "channel");

	if (chan) {
		set_feed_base(c, dg_feed_link_text(c, child(c, chan, NS_CORE, "link")));
		set_feed_base(c, dg_feed_atom_link(c, chan, "alternate"));
		set_feed_base(c, dg_feed_atom_link(c, chan, "self"));
	}
	/* RSS 2.0 puts items in the channel, RSS 0.90/1.0 next to it; sloppy
	 * feeds do either. Document order either way. */
	for (xmlNode *n = root->children; n; n = n->next) {
		if (dg_feed_node_is(c, n, NS_CORE, "item"))
			rss_item(c, n, arr);
		else if (n == chan)
			for (xmlNode *m = chan->children; m; m = m->next)
				if (dg_feed_node_is(c, m, NS_CORE, "item"))
					rss_item(c, m, arr);
	}
}

static void read_atom(feed_ctx *c, const xmlNode *root, json_t *arr)
{
	set_feed_base(c, dg_feed_atom_link(c, root, "alternate"));
	set_feed_base(c, dg_feed_atom_link(c, root, "self"));
	c->feed_author = person_of(child(c, child(c, root, NS_ANYATOM, "author"), NS_ANYATOM, "name"));
	for (xmlNode *n = root->children; n; n = n->next)
		if (dg_feed_node_is(c, n, NS_ANYATOM, "entry") || dg_feed_node_is(c, n, NS_ANYATOM, "item"))
			atom_entry(c, n, arr);   /* <item> in Atom: sloppy but meant */
}

/* --- entity amplification --- */

/* The text one reference to ent expands to, measured once per entity (the
 * length is kept in the entity's application field, ours while the document
 * lives). libxml2 refuses runaway nesting while parsing, not the number of
 * references: a 10 KB entity referenced from every field of every item would
 * make gigabytes of text. */
static size_t entity_len(xmlEntityPtr ent, xmlNode *ref)
{
	xmlChar *t;
	size_t n;

	if (ent->_private)
		return (size_t)((uintptr_t)ent->_private - 1);
	t = xmlNodeGetContent(ref);
	n = t ? strlen((const char *)t) : 0;
	xmlFree(t);
	ent->_private = (void *)(uintptr_t)(n + 1);
	return n;
}

/* Charge ref against *left; past the budget it is dropped from the tree. */
static void charge_ref(feed_ctx *c, xmlNode *ref, size_t *left)
{
	xmlEntityPtr ent = xmlGetDocEntity(c->doc, ref->name);
	size_t n;

	if (!ent)
		return;   /* undeclared: read as an HTML entity, a few bytes */
	n = entity_len(ent, ref);
	if (n <= *left) {
		*left -= n;
		return;
	}
	xmlUnlinkNode(ref);
	xmlFreeNode(ref);   /* an entity reference does not own the entity's nodes */
	c->entity_cut++;
}

static void charge_list(feed_ctx *c, xmlNode *n, size_t *left)
{
	while (n) {
		xmlNode *next = n->next;

		if (n->type == XML_ENTITY_REF_NODE)
			charge_ref(c, n, left);
		n = next;
	}
}

/* One pass in document order over the tree under root: the references to
 * declared entities (in content and attributes) expand to `budget` bytes in
 * all; the ones past it are removed, so that every later read is bounded. */
static void cap_entities(feed_ctx *c, xmlNode *root, size_t budget)
{
	xmlNode *n = root;

	while (n) {
		if (n->type == XML_ELEMENT_NODE) {
			for (xmlAttr *a = n->properties; a; a = a->next)
				charge_list(c, a->children, &budget);
			charge_list(c, n->children, &budget);
			if (n->children) {
				n = n->children;
				continue;
			}
		}
		while (n != root && !n->next)
			n = n->parent;
		n = n == root ? NULL : n->next;
	}
}

/* --- XML --- */

static void on_xml_error(void *ud, xmlErrorPtr e)
{
	feed_ctx *c = ud;
	dg_buf msg = DG_BUF_INIT;
	char **first;
	int *count;

	if (!e || e->level < XML_ERR_ERROR)
		return;
	if (e->domain == XML_FROM_NAMESPACE) {
		/* A namespace URI with blanks around it is still that namespace. */
		if (e->code == XML_WAR_NS_URI || e->code == XML_WAR_NS_URI_RELATIVE)
			return;
		count = &c->ns_errors;
		first = &c->first_ns_error;
	} else {
		count = &c->errors;
		first = &c->first_error;
	}
	if ((*count)++)
		return;
	dg_buf_printf(&msg, "line %d: %s", e->line, e->message ? e->message : "error");
	while (msg.len && dg_str_is_space((unsigned char)msg.ptr[msg.len - 1]))
		msg.ptr[--msg.len] = '\0';
	*first = dg_buf_detach(&msg);
}

static void on_generic_error(void *ud, const char *msg, ...)
{
	(void)ud;
	(void)msg;
}

static xmlParserInputPtr no_entity_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;   /* never read external entities or DTDs, from disk or network */
}

int dg_feed_parse_xml(feed_ctx *c, const char *data, size_t len, const dg_feed_opts *opts,
		     json_t *arr)
{
	xmlStructuredErrorFunc old_s = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_g = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;
	xmlExternalEntityLoader old_loader = xmlGetExternalEntityLoader();
	const char *charset = opts && opts->http_charset && *opts->http_charset ? opts->http_charset : NULL;
	dg_buf fixed = DG_BUF_INIT, wide = DG_BUF_INIT;
	xmlNode *root;
	const char *rname, *colon;
	int err = 0, is_wide;

	if ((err = dg_feed_decode_wide(data, len, &wide, &is_wide)) < 0)
		goto done;
	if (is_wide) {
		data = wide.ptr ? wide.ptr : "";
		len = wide.len;
		charset = "UTF-8";   /* overrides the prolog's "utf-16" */
	}
	/* Blank lines before the XML declaration (a classic of PHP templates). */
	if (dg_feed_ascii_compatible(data, len, charset)) {
		size_t k = 0;

		while (k < len && dg_str_is_space((unsigned char)data[k]))
			k++;
		if (k && len - k >= 5 && memcmp(data + k, "<?xml", 5) == 0)
			data += k, len -= k;
		if ((err = dg_feed_repair(c, data, len, &fixed)) < 0)
			goto done;
		data = fixed.ptr ? fixed.ptr : "";
		len = fixed.len;
	}
	if (len > INT_MAX) {
		err = dg_err_set(DG_ERR_FAIL, "%s: document too large (%zu bytes)", c->name, len);
		goto done;
	}
	xmlSetStructuredErrorFunc(c, on_xml_error);
	xmlSetGenericErrorFunc(NULL, on_generic_error);
	xmlSetExternalEntityLoader(no_entity_loader);
	c->doc = xmlReadMemory(data, (int)len, c->base_url, charset,
			       XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOCDATA |
			       XML_PARSE_NOWARNING);
	xmlSetExternalEntityLoader(old_loader);
	xmlSetStructuredErrorFunc(old_sctx, old_s);
	xmlSetGenericErrorFunc(old_gctx, old_g);
	if (!c->doc || !(root = xmlDocGetRootElement(c->doc))) {
		err = dg_err_set(DG_ERR_FAIL, "%s: not a feed: no XML document%s%s", c->name,
				 c->errors ? ": " : "", c->errors ? c->first_error : "");
		goto done;
	}
	/* Entities may expand to the document's own size (one field's worth for a small one). */
	cap_entities(c, root, len > FIELD_MAX ? len : FIELD_MAX);
	/* Resolving may lengthen links by as much again in all. */
	c->link_budget = len > FIELD_MAX ? len : FIELD_MAX;
	if (c->base_url) {
		c->doc_base.base = (char *)c->base_url;
		c->doc_base.len = strlen(c->base_url);
	}
	rname = (const char *)root->name;
	if (!root->ns && (colon = strchr(rname, ':')))
		rname = colon + 1;
	if (strcmp(rname, "rss") == 0 || strcmp(rname, "RDF") == 0 || strcmp(rname, "channel") == 0) {
		read_rss(c, root, arr);
	} else if (strcmp(rname, "feed") == 0 &&
		   (!root->ns || dg_feed_ns_eq((const char *)root->ns->href, NS_ATOM10) ||
		    dg_feed_ns_eq((const char *)root->ns->href, NS_ATOM03))) {
		c->atom_core = !root->ns;
		read_atom(c, root, arr);
	} else if (strcmp(rname, "entry") == 0 && root->ns &&
		   (dg_feed_ns_eq((const char *)root->ns->href, NS_ATOM10) ||
		    dg_feed_ns_eq((const char *)root->ns->href, NS_ATOM03))) {
		atom_entry(c, root, arr);
	} else {
		err = dg_err_set(DG_ERR_FAIL, "%s: not a feed: root element <%s>, expected <rss>, "
				 "<rdf:RDF> or <feed>", c->name, (const char *)root->name);
	}
	if (!err && c->errors && json_array_size(arr) == 0)
		err = dg_err_set(DG_ERR_FAIL, "%s: malformed XML, no entry recovered: %s",
				 c->name, c->first_error);
done:
	dg_buf_free(&fixed);
	dg_buf_free(&wide);
	return err;
}
