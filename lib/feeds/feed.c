/* feed.c - RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed into entry objects.
 *
 * XML is read with libxml2's recovering parser after a byte-level pass that
 * fixes what real feeds get wrong most (bare '&', HTML entities without a
 * DTD), so one stray ampersand does not cost a link. Elements are matched by
 * namespace URI, never by prefix. Dates, text cleaning, the byte-level pass:
 * feeddate.c, feedtext.c, feedfix.c. */
#include "feeds/feed.h"
#include "base/date.h"
#include "base/buf.h"
#include "base/err.h"
#include "feeds/feedint.h"

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NS_ATOM10  "http://www.w3.org/2005/Atom"
#define NS_ATOM03  "http://purl.org/atom/ns#"
#define NS_RSS10   "http://purl.org/rss/1.0/"
#define NS_RSS090  "http://my.netscape.com/rdf/simple/0.9/"
#define NS_RSS_UL  "http://backend.userland.com/rss2"
#define NS_RSS_HV  "http://blogs.law.harvard.edu/tech/rss"
#define NS_RDF     "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC      "http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS "http://purl.org/dc/terms/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_ITUNES  "http://www.itunes.com/dtds/podcast-1.0.dtd"
#define NS_MEDIA   "http://search.yahoo.com/mrss/"
#define NS_XHTML   "http://www.w3.org/1999/xhtml"
#define NS_CORE    NULL   /* the format's own elements: no namespace or an RSS one */
#define NS_ANYATOM "atom" /* marker: Atom 1.0 or 0.3 */

#define FIELD_MAX ((size_t)4 << 20)   /* bytes of one field we look at */

/* --- small string helpers --- */

static int is_ws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Trimmed copy of s[0..n) (malloc'ed), NULL on OOM. */
static char *trim_dup(const char *s, size_t n)
{
	char *r;

	while (n && is_ws((unsigned char)*s))
		s++, n--;
	while (n && is_ws((unsigned char)s[n - 1]))
		n--;
	if (!(r = malloc(n + 1)))
		return NULL;
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

/* Namespace URIs compared the forgiving way: surrounding blanks, case and a
 * trailing slash do not matter (feeds write the iTunes one in every case). */
static int ns_eq(const char *href, const char *uri)
{
	size_t a, b;

	while (is_ws((unsigned char)*href))
		href++;
	a = strlen(href);
	while (a && is_ws((unsigned char)href[a - 1]))
		a--;
	b = strlen(uri);
	if (a && href[a - 1] == '/')
		a--;
	if (b && uri[b - 1] == '/')
		b--;
	return a == b && strncasecmp(href, uri, a) == 0;
}

static int is_core_ns(const char *href)
{
	return ns_eq(href, NS_RSS10) || ns_eq(href, NS_RSS090) || ns_eq(href, NS_RSS_UL) ||
	       ns_eq(href, NS_RSS_HV);
}

/* The namespace an undeclared prefix most likely meant ("content:encoded"
 * without xmlns:content is common enough to honour). */
static const char *guess_prefix(const char *prefix, size_t n)
{
	static const struct { const char *p, *uri; } known[] = {
		{ "content", NS_CONTENT }, { "dc", NS_DC }, { "dcterms", NS_DCTERMS },
		{ "atom", NS_ATOM10 }, { "media", NS_MEDIA }, { "itunes", NS_ITUNES },
		{ "rdf", NS_RDF }, { "xhtml", NS_XHTML },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].p) == n && strncmp(known[i].p, prefix, n) == 0)
			return known[i].uri;
	return NULL;
}

/* Does element n have local name `local` in namespace `uri`? uri NS_CORE =
 * no namespace or an RSS one (or Atom's, in an Atom feed without xmlns);
 * NS_ANYATOM = Atom 1.0 or 0.3 (or none, in such a feed). */
static int node_is(const feed_ctx *c, const xmlNode *n, const char *uri, const char *local)
{
	const char *name, *colon, *href = NULL;

	if (!n || n->type != XML_ELEMENT_NODE || !n->name)
		return 0;
	name = (const char *)n->name;
	if (n->ns && n->ns->href) {
		href = (const char *)n->ns->href;
	} else if ((colon = strchr(name, ':'))) {
		href = guess_prefix(name, (size_t)(colon - name));
		if (!href)
			return 0;
		name = colon + 1;
	}
	if (strcmp(name, local) != 0)
		return 0;
	if (uri == NS_CORE)
		return !href || is_core_ns(href) ||
		       (c->atom_core && (ns_eq(href, NS_ATOM10) || ns_eq(href, NS_ATOM03)));
	if (strcmp(uri, NS_ANYATOM) == 0)
		return href ? ns_eq(href, NS_ATOM10) || ns_eq(href, NS_ATOM03) : c->atom_core;
	return href && ns_eq(href, uri);
}

static xmlNode *child(const feed_ctx *c, const xmlNode *parent, const char *uri, const char *local)
{
	if (!parent)
		return NULL;
	for (xmlNode *n = parent->children; n; n = n->next)
		if (node_is(c, n, uri, local))
			return n;
	return NULL;
}

/* Attribute value, trimmed (malloc'ed) or NULL. */
static char *attr(const xmlNode *n, const char *name)
{
	xmlChar *v;
	char *r;

	if (!n || !(v = xmlGetProp(n, (const xmlChar *)name)))
		return NULL;
	r = trim_dup((const char *)v, strlen((const char *)v));
	xmlFree(v);
	return r;
}

/* --- element content --- */

/* Text of an entity reference (declared, or an HTML one), appended as UTF-8. */
static int put_entity(const feed_ctx *c, const xmlNode *n, dg_buf *b)
{
	xmlEntityPtr ent = xmlGetDocEntity(c->doc, n->name);
	const htmlEntityDesc *h;

	if (ent) {   /* declared in the document: its expansion (libxml2 caps amplification) */
		xmlChar *t = xmlNodeGetContent(n);
		int err = t ? dg_buf_puts(b, (const char *)t) : 0;

		xmlFree(t);
		return err;
	}
	if (!(h = htmlEntityLookup(n->name)))
		return 0;
	return dg_buf_put_utf8(b, h->value);
}

/* The content of element el as a string (malloc'ed; NULL on OOM): its text,
 * or, when it holds elements (naked HTML, Atom xhtml), its children
 * serialized as markup, with *markup set. At most FIELD_MAX bytes. */
static char *content_of(const feed_ctx *c, const xmlNode *el, int *markup)
{
	dg_buf b = DG_BUF_INIT;
	xmlBufferPtr xb = NULL;
	char *r = NULL;

	*markup = 0;
	for (xmlNode *n = el->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			*markup = 1;
	if (*markup) {
		if (!(xb = xmlBufferCreate()))
			goto done;
		for (xmlNode *n = el->children; n && (size_t)xmlBufferLength(xb) < FIELD_MAX; n = n->next)
			xmlNodeDump(xb, c->doc, n, 0, 0);
		if (dg_buf_put(&b, xmlBufferContent(xb), (size_t)xmlBufferLength(xb)) < 0)
			goto done;
	} else {
		for (xmlNode *n = el->children; n && b.len < FIELD_MAX; n = n->next) {
			int err = 0;

			if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
				err = dg_buf_puts(&b, (const char *)n->content);
			else if (n->type == XML_ENTITY_REF_NODE)
				err = put_entity(c, n, &b);
			if (err < 0)
				goto done;
		}
	}
	r = dg_buf_detach(&b);
done:
	if (xb)
		xmlBufferFree(xb);
	dg_buf_free(&b);
	return r;
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

		if (is_ws((unsigned char)s[i]) || s[i] == '=')
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
	char *type = attr(el, "type"), *mode = attr(el, "mode");
	int ok = 0;

	*kind = DG_FEED_TEXT_PLAIN;
	*base64 = mode && strcasecmp(mode, "base64") == 0;
	if (!type || !*type || strcasecmp(type, "text") == 0 || strcasecmp(type, "text/plain") == 0)
		*kind = DG_FEED_TEXT_PLAIN;
	else if (strcasecmp(type, "html") == 0 || strcasecmp(type, "text/html") == 0 ||
		 strcasecmp(type, "xhtml") == 0 || strcasecmp(type, "application/xhtml+xml") == 0)
		*kind = DG_FEED_TEXT_HTML;
	else if (strncasecmp(type, "text/", 5) == 0)
		*kind = DG_FEED_TEXT_PLAIN;
	else
		ok = -1;
	free(type);
	free(mode);
	return ok;
}

/* Clean text of element el read as `kind` (markup children force HTML), or
 * NULL when absent or empty. Sets *err on OOM. */
static char *text_of(const feed_ctx *c, const xmlNode *el, enum dg_feed_text_kind kind,
		     int base64, size_t max, int *err)
{
	char *raw, *out = NULL;
	int markup;

	if (!el || *err)
		return NULL;
	if (!(raw = content_of(c, el, &markup))) {
		*err = dg_err_set(DG_ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (base64 && !markup && b64_decode(raw) < 0)
		raw[0] = '\0';
	if (markup)
		kind = DG_FEED_TEXT_HTML;
	if ((*err = dg_feed_text(raw, strlen(raw), kind, max, &out)) < 0)
		out = NULL;
	free(raw);
	if (out && !*out) {
		free(out);
		out = NULL;
	}
	return out;
}

/* Atom text construct: the type attribute decides; NULL when not text. */
static char *atom_text(const feed_ctx *c, const xmlNode *el, size_t max, int *err)
{
	enum dg_feed_text_kind kind;
	int base64;
	char *src;

	if (!el)
		return NULL;
	if ((src = attr(el, "src"))) {   /* out-of-line content: nothing to read here */
		free(src);
		return NULL;
	}
	if (atom_kind(el, &kind, &base64) < 0)
		return NULL;
	return text_of(c, el, kind, base64, max, err);
}

/* --- links --- */

static int scheme_len(const char *s)
{
	int i = 0;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	       (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	return s[i] == ':' ? i : 0;
}

/* Links end up in HTML: only schemes a reader would follow. */
static int safe_scheme(const char *s)
{
	static const char *const ok[] = {
		"http", "https", "ftp", "ftps", "mailto", "gopher", "gemini", "magnet",
		"news", "nntp", "feed", "irc", "ircs", "xmpp", "tel", "sip",
	};
	int n = scheme_len(s);

	for (size_t i = 0; n && i < sizeof(ok) / sizeof(ok[0]); i++)
		if ((size_t)n == strlen(ok[i]) && strncasecmp(s, ok[i], (size_t)n) == 0)
			return 1;
	return 0;
}

/* Percent-encode what xmlBuildURI refuses (non-ASCII, blanks, "<>{}|..."). */
static char *uri_escape(const char *s)
{
	dg_buf b = DG_BUF_INIT;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		int err = ch >= 0x80 || ch <= 0x20 || strchr("\"<>\\^`{|}", ch) ?
			  dg_buf_printf(&b, "%%%02X", ch) : dg_buf_putc(&b, (char)ch);

		if (err < 0) {
			dg_buf_free(&b);
			return NULL;
		}
	}
	return dg_buf_detach(&b);
}

static char *build_uri(const char *href, const char *base)
{
	char *h = uri_escape(href), *b = uri_escape(base), *r = NULL;
	xmlChar *u;

	if (h && b && (u = xmlBuildURI((const xmlChar *)h, (const xmlChar *)b))) {
		r = strdup((const char *)u);
		xmlFree(u);
	}
	free(h);
	free(b);
	return r;
}

/* href made absolute against the first usable base; an absolute href is
 * kept as written. NULL when empty or of an unsafe scheme. */
static char *resolve(const char *href, const char *const *bases, int nbases)
{
	char *h;

	if (!href || !(h = trim_dup(href, strlen(href))))
		return NULL;
	if (!*h || (scheme_len(h) && !safe_scheme(h))) {
		free(h);
		return NULL;
	}
	if (scheme_len(h))
		return h;
	for (int i = 0; i < nbases; i++) {
		char *r;

		if (!bases[i] || !safe_scheme(bases[i]))
			continue;
		if ((r = build_uri(h, bases[i])) && safe_scheme(r)) {
			free(h);
			return r;
		}
		free(r);
	}
	return h;   /* relative, and nothing to resolve it against */
}

/* href found on/in node n: xml:base (and the document URL), then the feed link. */
static char *resolve_at(const feed_ctx *c, const xmlNode *n, const char *href)
{
	xmlChar *base = xmlNodeGetBase(c->doc, n);
	char *abs = NULL, *r;
	const char *bases[2] = { (const char *)base, c->feed_base };

	/* A relative xml:base with no document URL: relative to the feed link. */
	if (base && !scheme_len((const char *)base) && c->feed_base &&
	    (abs = build_uri((const char *)base, c->feed_base)))
		bases[0] = abs;
	r = resolve(href, bases, 2);
	free(abs);
	xmlFree(base);
	return r;
}

/* Text of element n resolved as a link. */
static char *link_text(const feed_ctx *c, const xmlNode *n)
{
	xmlChar *t;
	char *r;

	if (!n || !(t = xmlNodeGetContent(n)))
		return NULL;
	r = resolve_at(c, n, (const char *)t);
	xmlFree(t);
	return r;
}

/* Is this link's type one a reader opens in a browser (or unstated)? */
static int html_type(const char *type)
{
	return !type || !*type || strcasecmp(type, "text/html") == 0 ||
	       strcasecmp(type, "application/xhtml+xml") == 0;
}

/* The link under parent with rel `rel_want` ("alternate" also matches a
 * missing rel), preferring one of an HTML type (as feedparser does), made
 * absolute; NULL when none. */
static char *atom_link(const feed_ctx *c, const xmlNode *parent, const char *rel_want)
{
	char *fallback = NULL;

	for (xmlNode *n = parent ? parent->children : NULL; n; n = n->next) {
		char *rel, *href, *type, *r;
		int match;

		if (!node_is(c, n, NS_ANYATOM, "link"))
			continue;
		rel = attr(n, "rel");
		match = strcmp(rel_want, "alternate") == 0 ?
			(!rel || !*rel || strcasecmp(rel, "alternate") == 0 ||
			 strcmp(rel, "http://www.iana.org/assignments/relation/alternate") == 0) :
			(rel && strcasecmp(rel, rel_want) == 0);
		free(rel);
		if (!match || !(href = attr(n, "href")))
			continue;
		r = resolve_at(c, n, href);
		free(href);
		if (!r)
			continue;
		type = attr(n, "type");
		match = html_type(type);
		free(type);
		if (match) {
			free(fallback);
			return r;
		}
		if (fallback)
			free(r);
		else
			fallback = r;
	}
	return fallback;
}

/* --- people and dates --- */

/* "me@example.com (Name)", "Name (me@example.com)", "Name <me@x>" -> Name. */
static char *person_name(const char *s, int *err)
{
	const char *open = strchr(s, '('), *close = open ? strchr(open, ')') : NULL, *lt;
	char *out = NULL;
	size_t n = strlen(s);

	if (open && close) {
		char *inside = trim_dup(open + 1, (size_t)(close - open - 1));
		char *outside = trim_dup(s, (size_t)(open - s));

		if (inside && outside) {
			const char *pick = (*inside && (strchr(outside, '@') || !*outside)) ? inside : outside;

			*err = dg_feed_text(pick, strlen(pick), DG_FEED_TEXT_PLAIN, 0, &out);
		} else {
			*err = dg_err_set(DG_ERR_NOMEM, "out of memory");
		}
		free(inside);
		free(outside);
	} else {
		if ((lt = strchr(s, '<')) && lt > s)
			n = (size_t)(lt - s);
		*err = dg_feed_text(s, n, DG_FEED_TEXT_PLAIN, 0, &out);
	}
	if (out && !*out) {
		free(out);
		out = NULL;
	}
	return out;
}

static char *person_of(const xmlNode *el, int *err)
{
	xmlChar *t;
	char *r;

	if (!el || *err || !(t = xmlNodeGetContent(el)))
		return NULL;
	r = person_name((const char *)t, err);
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

			if (!node_is(c, n, cands[i] == (const char *)1 ? NS_CORE : cands[i], cands[i + 1]))
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

/* --- building entries --- */

typedef struct entry {
	char *title, *link, *summary, *id, *author;
	int has_pub, has_upd;
	int64_t pub, upd;
} entry;

static void entry_free(entry *e)
{
	free(e->title);
	free(e->link);
	free(e->summary);
	free(e->id);
	free(e->author);
}

static json_t *str_or_null(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;

	return j ? j : json_null();   /* json_string refuses invalid UTF-8: then null */
}

static int entry_append(json_t *arr, const entry *e)
{
	json_t *o = json_object();
	char d[DG_DATE_RFC3339_LEN];
	int err = 0;

	if (!o)
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	err |= json_object_set_new(o, "title", str_or_null(e->title));
	err |= json_object_set_new(o, "link", str_or_null(e->link));
	if (e->has_pub || e->has_upd) {
		dg_date_format_utc(e->has_pub ? e->pub : e->upd, d);
		err |= json_object_set_new(o, "published", json_string(d));
	} else {
		err |= json_object_set_new(o, "published", json_null());
	}
	if (e->has_upd) {
		dg_date_format_utc(e->upd, d);
		err |= json_object_set_new(o, "updated", json_string(d));
	} else {
		err |= json_object_set_new(o, "updated", json_null());
	}
	err |= json_object_set_new(o, "summary", str_or_null(e->summary));
	err |= json_object_set_new(o, "id", str_or_null(e->id));
	err |= json_object_set_new(o, "author", str_or_null(e->author));
	if (err || json_array_append_new(arr, o) < 0) {
		if (!err)
			return dg_err_set(DG_ERR_NOMEM, "out of memory");
		json_decref(o);
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
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

static int rss_item(feed_ctx *c, const xmlNode *item, json_t *arr)
{
	entry e = { 0 };
	int err = 0;
	xmlNode *n, *guid = child(c, item, NS_CORE, "guid");
	size_t max = c->summary_max;

	e.title = text_of(c, child(c, item, NS_CORE, "title"), DG_FEED_TEXT_AUTO_STRICT, 0, 0, &err);
	if (!e.title)
		e.title = text_of(c, child(c, item, NS_DC, "title"), DG_FEED_TEXT_AUTO_STRICT, 0, 0, &err);
	if (!e.title)
		e.title = atom_text(c, child(c, item, NS_ATOM10, "title"), 0, &err);

	/* The last non-empty <link> wins (as in feedparser and gofeed);
	 * <link href="..."/> counts too. */
	for (n = item->children; n && !err; n = n->next) {
		char *l = NULL, *href;

		if (!node_is(c, n, NS_CORE, "link"))
			continue;
		if (!(l = link_text(c, n)) && (href = attr(n, "href"))) {
			l = resolve_at(c, n, href);
			free(href);
		}
		if (l) {
			free(e.link);
			e.link = l;
		}
	}
	if (!e.link)
		e.link = atom_link(c, item, "alternate");
	if (!e.link && guid) {
		char *perma = attr(guid, "isPermaLink");
		xmlChar *t = xmlNodeGetContent(guid);
		char *g = t ? trim_dup((const char *)t, strlen((const char *)t)) : NULL;

		if (g && (!perma || strcasecmp(perma, "false") != 0) &&
		    (strncasecmp(g, "http://", 7) == 0 || strncasecmp(g, "https://", 8) == 0))
			e.link = resolve_at(c, guid, g);
		free(g);
		free(perma);
		xmlFree(t);
	}

	e.has_pub = date_of(c, item, rss_published, &e.pub);
	e.has_upd = date_of(c, item, rss_updated, &e.upd);

	/* A non-standard <summary> next to <description> is the short one. */
	e.summary = text_of(c, child(c, item, NS_CORE, "summary"), DG_FEED_TEXT_AUTO, 0, max, &err);
	if (!e.summary)
		e.summary = text_of(c, child(c, item, NS_CORE, "description"), DG_FEED_TEXT_AUTO, 0, max, &err);
	if (!e.summary)
		e.summary = text_of(c, child(c, item, NS_DC, "description"), DG_FEED_TEXT_AUTO, 0, max, &err);
	if (!e.summary)
		e.summary = text_of(c, child(c, item, NS_CONTENT, "encoded"), DG_FEED_TEXT_AUTO, 0, max, &err);
	if (!e.summary)   /* Netscape RSS 0.91's full text */
		e.summary = text_of(c, child(c, item, NS_CORE, "fullitem"), DG_FEED_TEXT_AUTO, 0, max, &err);
	if (!e.summary)
		e.summary = atom_text(c, child(c, item, NS_ATOM10, "summary"), max, &err);
	if (!e.summary)
		e.summary = atom_text(c, child(c, item, NS_ATOM10, "content"), max, &err);
	if (!e.summary)
		e.summary = text_of(c, child(c, item, NS_ITUNES, "summary"), DG_FEED_TEXT_AUTO, 0, max, &err);
	if (!e.summary)
		e.summary = text_of(c, child(c, item, NS_XHTML, "body"), DG_FEED_TEXT_HTML, 0, max, &err);
	if (!e.summary)
		e.summary = text_of(c, media_description(c, item), DG_FEED_TEXT_AUTO, 0, max, &err);
	if (!e.summary)
		e.summary = text_of(c, child(c, item, NS_ITUNES, "subtitle"), DG_FEED_TEXT_AUTO, 0, max, &err);

	e.author = person_of(child(c, item, NS_CORE, "author"), &err);
	if (!e.author)
		e.author = person_of(child(c, item, NS_DC, "creator"), &err);
	if (!e.author)
		e.author = person_of(child(c, child(c, item, NS_ATOM10, "author"), NS_ATOM10, "name"), &err);
	if (!e.author)
		e.author = person_of(child(c, item, NS_ITUNES, "author"), &err);
	if (!e.author)
		e.author = person_of(child(c, item, NS_DC, "author"), &err);

	e.id = text_of(c, guid, DG_FEED_TEXT_PLAIN, 0, 0, &err);
	if (!e.id) {
		char *about = NULL;

		for (xmlAttr *a = item->properties; a && !about; a = a->next)
			if (a->name && strcmp((const char *)a->name, "about") == 0 && a->ns &&
			    ns_eq((const char *)a->ns->href, NS_RDF))
				about = attr(item, "about");
		e.id = about;
	}
	if (!e.id && e.link)
		e.id = strdup(e.link);
	if (!err)
		err = entry_append(arr, &e);
	entry_free(&e);
	return err;
}

static int atom_entry(feed_ctx *c, const xmlNode *ent, json_t *arr)
{
	entry e = { 0 };
	int err = 0;
	size_t max = c->summary_max;
	xmlNode *t = child(c, ent, NS_ANYATOM, "title");

	if (t) {
		e.title = atom_text(c, t, 0, &err);
		if (!e.title && !err)   /* a title of an odd type: read it as text anyway */
			e.title = text_of(c, t, DG_FEED_TEXT_PLAIN, 0, 0, &err);
	}
	if (!e.title)
		e.title = text_of(c, child(c, child(c, ent, NS_MEDIA, "group"), NS_MEDIA, "title"),
				  DG_FEED_TEXT_PLAIN, 0, 0, &err);
	e.link = atom_link(c, ent, "alternate");
	e.has_pub = date_of(c, ent, atom_published, &e.pub);
	e.has_upd = date_of(c, ent, atom_updated, &e.upd);
	e.summary = atom_text(c, child(c, ent, NS_ANYATOM, "summary"), max, &err);
	if (!e.summary)
		e.summary = atom_text(c, child(c, ent, NS_ANYATOM, "content"), max, &err);
	if (!e.summary)
		e.summary = text_of(c, media_description(c, ent), DG_FEED_TEXT_AUTO, 0, max, &err);
	if (!e.summary)
		e.summary = text_of(c, child(c, ent, NS_DC, "description"), DG_FEED_TEXT_AUTO, 0, max, &err);
	e.author = person_of(child(c, child(c, ent, NS_ANYATOM, "author"), NS_ANYATOM, "name"), &err);
	if (!e.author)
		e.author = person_of(child(c, ent, NS_DC, "creator"), &err);
	if (!e.author && c->feed_author && !(e.author = strdup(c->feed_author)))
		err = dg_err_set(DG_ERR_NOMEM, "out of memory");
	e.id = text_of(c, child(c, ent, NS_ANYATOM, "id"), DG_FEED_TEXT_PLAIN, 0, 0, &err);
	if (!err)
		err = entry_append(arr, &e);
	entry_free(&e);
	return err;
}

/* The feed's own absolute link: the last resort base for entry links. */
static void set_feed_base(feed_ctx *c, char *cand)
{
	if (!c->feed_base && cand && scheme_len(cand))
		c->feed_base = cand;
	else
		free(cand);
}

static int read_rss(feed_ctx *c, const xmlNode *root, json_t *arr)
{
	xmlNode *chan = child(c, root, NS_CORE, "channel");
	int err = 0;

	if (chan) {
		set_feed_base(c, link_text(c, child(c, chan, NS_CORE, "link")));
		set_feed_base(c, atom_link(c, chan, "alternate"));
		set_feed_base(c, atom_link(c, chan, "self"));
	}
	/* RSS 2.0 puts items in the channel, RSS 0.90/1.0 next to it; sloppy
	 * feeds do either. Document order either way. */
	for (xmlNode *n = root->children; n && !err; n = n->next) {
		if (node_is(c, n, NS_CORE, "item"))
			err = rss_item(c, n, arr);
		else if (n == chan)
			for (xmlNode *m = chan->children; m && !err; m = m->next)
				if (node_is(c, m, NS_CORE, "item"))
					err = rss_item(c, m, arr);
	}
	return err;
}

static int read_atom(feed_ctx *c, const xmlNode *root, json_t *arr)
{
	int err = 0;

	set_feed_base(c, atom_link(c, root, "alternate"));
	set_feed_base(c, atom_link(c, root, "self"));
	c->feed_author = person_of(child(c, child(c, root, NS_ANYATOM, "author"), NS_ANYATOM, "name"), &err);
	for (xmlNode *n = root->children; n && !err; n = n->next)
		if (node_is(c, n, NS_ANYATOM, "entry") || node_is(c, n, NS_ANYATOM, "item"))
			err = atom_entry(c, n, arr);   /* <item> in Atom: sloppy but meant */
	return err;
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
	if (dg_buf_printf(&msg, "line %d: %s", e->line, e->message ? e->message : "error") < 0) {
		c->nomem = 1;
		dg_buf_free(&msg);
		return;
	}
	while (msg.len && is_ws((unsigned char)msg.ptr[msg.len - 1]))
		msg.ptr[--msg.len] = '\0';
	if (!(*first = dg_buf_detach(&msg)))
		c->nomem = 1;
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

static int parse_xml(feed_ctx *c, const char *data, size_t len, const dg_feed_opts *opts,
		     json_t *arr)
{
	xmlStructuredErrorFunc old_s = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_g = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;
	xmlExternalEntityLoader old_loader = xmlGetExternalEntityLoader();
	const char *charset = opts && opts->http_charset && *opts->http_charset ? opts->http_charset : NULL;
	dg_buf fixed = DG_BUF_INIT, wide = DG_BUF_INIT;
	const xmlNode *root;
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

		while (k < len && is_ws((unsigned char)data[k]))
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
	if (c->nomem) {   /* from here on, a counted error has its message */
		err = dg_err_set(DG_ERR_NOMEM, "out of memory");
		goto done;
	}
	if (!c->doc || !(root = xmlDocGetRootElement(c->doc))) {
		err = dg_err_set(DG_ERR_FAIL, "%s: not a feed: no XML document%s%s", c->name,
				 c->errors ? ": " : "", c->errors ? c->first_error : "");
		goto done;
	}
	rname = (const char *)root->name;
	if (!root->ns && (colon = strchr(rname, ':')))
		rname = colon + 1;
	if (strcmp(rname, "rss") == 0 || strcmp(rname, "RDF") == 0 || strcmp(rname, "channel") == 0) {
		err = read_rss(c, root, arr);
	} else if (strcmp(rname, "feed") == 0 &&
		   (!root->ns || ns_eq((const char *)root->ns->href, NS_ATOM10) ||
		    ns_eq((const char *)root->ns->href, NS_ATOM03))) {
		c->atom_core = !root->ns;
		err = read_atom(c, root, arr);
	} else if (strcmp(rname, "entry") == 0 && root->ns &&
		   (ns_eq((const char *)root->ns->href, NS_ATOM10) ||
		    ns_eq((const char *)root->ns->href, NS_ATOM03))) {
		err = atom_entry(c, root, arr);
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

/* --- JSON Feed --- */

static const char *jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : NULL;
}

static int json_text(const json_t *o, const char *key, enum dg_feed_text_kind kind,
		     size_t max, char **out)
{
	json_t *v = json_object_get(o, key);
	const char *s = json_string_value(v);

	*out = NULL;
	if (!s || !*s)
		return 0;
	if (dg_feed_text(s, json_string_length(v), kind, max, out) < 0)
		return DG_ERR_NOMEM;
	if (!**out) {
		free(*out);
		*out = NULL;
	}
	return 0;
}

static int json_date(const json_t *o, const char *key, int64_t *out)
{
	const char *s = jstr(o, key);

	return s && dg_feed_parse_date(s, out) == 0;
}

static int parse_json(feed_ctx *c, const char *data, size_t len, json_t *arr)
{
	json_error_t jerr;
	json_t *root = json_loadb(data, len, 0, &jerr), *items, *item;
	const char *bases[3];
	size_t i;
	int err = 0;

	if (!root)
		return dg_err_set(DG_ERR_FAIL, "%s: not a feed: invalid JSON at line %d: %s",
				  c->name, jerr.line, jerr.text);
	items = json_object_get(root, "items");
	if (!json_is_object(root) || !json_is_array(items)) {
		err = dg_err_set(DG_ERR_FAIL, "%s: not a feed: JSON without an \"items\" array",
				 c->name);
		goto done;
	}
	bases[0] = c->base_url;
	bases[1] = jstr(root, "home_page_url");
	bases[2] = jstr(root, "feed_url");
	json_array_foreach(items, i, item) {
		entry e = { 0 };
		const json_t *au = json_object_get(item, "author"), *aus = json_object_get(item, "authors");
		const json_t *id = json_object_get(item, "id");
		const char *url = jstr(item, "url");

		if (!json_is_object(item))
			continue;
		if (!err)
			err = json_text(item, "title", DG_FEED_TEXT_AUTO_STRICT, 0, &e.title);
		if (!url)
			url = jstr(item, "external_url");
		e.link = url ? resolve(url, bases, 3) : NULL;
		e.has_pub = json_date(item, "date_published", &e.pub);
		e.has_upd = json_date(item, "date_modified", &e.upd);
		if (!err)
			err = json_text(item, "summary", DG_FEED_TEXT_PLAIN, c->summary_max, &e.summary);
		if (!err && !e.summary)
			err = json_text(item, "content_text", DG_FEED_TEXT_PLAIN, c->summary_max, &e.summary);
		if (!err && !e.summary)
			err = json_text(item, "content_html", DG_FEED_TEXT_HTML, c->summary_max, &e.summary);
		if (json_is_array(aus) && json_array_size(aus))
			au = json_array_get(aus, 0);
		if (!err && json_is_object(au))
			err = json_text(au, "name", DG_FEED_TEXT_PLAIN, 0, &e.author);
		if (json_is_string(id) && *json_string_value(id)) {
			e.id = strdup(json_string_value(id));
		} else if (json_is_integer(id)) {
			char num[32];

			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(id));
			e.id = strdup(num);
		}
		if (!err)
			err = entry_append(arr, &e);
		entry_free(&e);
		if (err)
			break;
	}
done:
	json_decref(root);
	return err;
}

int dg_feed_parse(const char *data, size_t len, const dg_feed_opts *opts,
		  json_t **entries, char **warning)
{
	feed_ctx c = { 0 };
	json_t *arr = NULL;
	dg_buf w = DG_BUF_INIT;
	size_t k = 0;
	int err = 0;

	*entries = NULL;
	*warning = NULL;
	c.base_url = opts && opts->base_url && *opts->base_url ? opts->base_url : NULL;
	c.name = opts && opts->name ? opts->name : c.base_url ? c.base_url : "feed";
	c.summary_max = opts && opts->summary_max ? opts->summary_max : DG_FEED_SUMMARY_MAX;
	if (!data)
		len = 0;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		k = 3;
	while (k < len && is_ws((unsigned char)data[k]))
		k++;
	if (k >= len)
		return dg_err_set(DG_ERR_FAIL, "%s: empty document", c.name);
	if (!(arr = json_array()))
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	if (data[k] == '{' || data[k] == '[')
		err = parse_json(&c, data + k, len - k, arr);
	else
		err = parse_xml(&c, data, len, opts, arr);
	if (err < 0)
		goto done;
	if (c.errors || c.ns_errors || c.fixed_amp || c.fixed_ent || c.fixed_ref) {
		err = dg_buf_printf(&w, "%s: recovered from malformed XML", c.name);
		if (!err && c.errors)
			err = dg_buf_printf(&w, ": %d error%s, first at %s", c.errors,
					    c.errors == 1 ? "" : "s", c.first_error);
		if (!err && c.ns_errors)
			err = dg_buf_printf(&w, "; %d namespace error%s, first at %s", c.ns_errors,
					    c.ns_errors == 1 ? "" : "s", c.first_ns_error);
		if (!err && c.fixed_amp)
			err = dg_buf_printf(&w, "; escaped %d bare '&'", c.fixed_amp);
		if (!err && c.fixed_ent)
			err = dg_buf_printf(&w, "; replaced %d undeclared HTML entit%s", c.fixed_ent,
					    c.fixed_ent == 1 ? "y" : "ies");
		if (!err && c.fixed_ref)
			err = dg_buf_printf(&w, "; fixed %d \"&#X\" reference%s", c.fixed_ref,
					    c.fixed_ref == 1 ? "" : "s");
		if (err < 0 || !(*warning = dg_buf_detach(&w))) {
			err = dg_err_set(DG_ERR_NOMEM, "out of memory");
			goto done;
		}
	}
	*entries = arr;
	arr = NULL;
done:
	json_decref(arr);
	dg_buf_free(&w);
	if (c.doc)
		xmlFreeDoc(c.doc);
	free(c.feed_base);
	free(c.feed_author);
	free(c.first_error);
	free(c.first_ns_error);
	return err;
}
