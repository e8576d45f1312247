/* feedlink.c - links of feed entries made absolute (xml:base, the document
 * URL, the feed's own link) and kept only when of a scheme a reader follows. */
#include "feeds/feedint.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/str.h"

#include <libxml/tree.h>
#include <libxml/uri.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int dg_feed_scheme_len(const char *s)
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
	int n = dg_feed_scheme_len(s);

	for (size_t i = 0; n && i < sizeof(ok) / sizeof(ok[0]); i++)
		if ((size_t)n == strlen(ok[i]) && dg_str_eq_ci(s, ok[i], (size_t)n))
			return 1;
	return 0;
}

/* Percent-encode what xmlBuildURI refuses (non-ASCII, blanks, "<>{}|..."). */
static char *uri_escape(const char *s)
{
	dg_buf b = DG_BUF_INIT;   /* uncapped: cannot fail */

	dg_str_percent_encode(&b, s, strlen(s), DG_STR_PCT_ASCII, "\"<>\\^`{|}");
	return dg_buf_detach(&b);
}

/* href resolved against base; NULL when libxml2 cannot (a malformed URI). */
static char *build_uri(const char *href, const char *base)
{
	char *h = uri_escape(href), *b = uri_escape(base), *r = NULL;
	xmlChar *u;

	if ((u = xmlBuildURI((const xmlChar *)h, (const xmlChar *)b))) {
		r = dg_strdup((const char *)u);
		xmlFree(u);
	}
	free(h);
	free(b);
	return r;
}

/* href made absolute against the first usable base; an absolute href is
 * kept as written. NULL when empty or of an unsafe scheme. */
char *dg_feed_resolve(const char *href, const char *const *bases, int nbases)
{
	char *h;

	if (!href)
		return NULL;
	h = dg_str_trim_dup(href, strlen(href));
	if (!*h || (dg_feed_scheme_len(h) && !safe_scheme(h))) {
		free(h);
		return NULL;
	}
	if (dg_feed_scheme_len(h))
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

/* --- xml:base, once per element ---
 *
 * libxml2's xmlNodeGetBase walks and re-resolves every ancestor's xml:base
 * for each call: a megabyte of xml:base on the channel cost a megabyte per
 * link. Here the base in force is kept per depth for the ancestors of the
 * element last asked about (document order makes that the common case), an
 * element without xml:base shares its parent's, and a base longer than what
 * is left of the link budget is not used at all. */
static void slot_clear(struct feed_base_slot *s)
{
	if (s->owned)
		free(s->base);
	memset(s, 0, sizeof(*s));
}

void dg_feed_bases_free(feed_ctx *c)
{
	for (size_t i = 0; i < c->nbase_slots; i++)
		slot_clear(&c->base_slots[i]);
	free(c->base_slots);
	c->base_slots = NULL;
	c->nbase_slots = 0;
}

/* The xml:base in force at n, n at depth d (0 = the root element), or the
 * document URL above the root; borrowed, NULL when none. */
static const struct feed_base_slot *base_at(feed_ctx *c, const xmlNode *n, size_t d)
{
	const struct feed_base_slot *up;
	struct feed_base_slot *s;
	xmlChar *own;

	if (!n || n->type == XML_DOCUMENT_NODE)
		return &c->doc_base;
	if (d >= c->nbase_slots) {
		size_t cap = d + 16;
		struct feed_base_slot *v = dg_realloc(c->base_slots, cap * sizeof(*v));

		memset(v + c->nbase_slots, 0, (cap - c->nbase_slots) * sizeof(*v));
		c->base_slots = v;
		c->nbase_slots = cap;
	}
	s = &c->base_slots[d];
	if (s->node == n)
		return s;
	/* Another element at this depth: the slots below belonged to the old one. */
	for (size_t i = d; i < c->nbase_slots && c->base_slots[i].node; i++)
		slot_clear(&c->base_slots[i]);
	up = base_at(c, n->parent, d ? d - 1 : 0);   /* the document URL above the root */
	s = &c->base_slots[d];   /* the recursion may have moved the array */
	s->node = n;
	own = n->type == XML_ELEMENT_NODE ? xmlGetNsProp(n, (const xmlChar *)"base", XML_XML_NAMESPACE) : NULL;
	if (!own) {
		s->base = up->base;
		s->len = up->len;
		return s;
	}
	if (dg_feed_scheme_len((const char *)own) || !up->base)
		s->base = dg_strdup((const char *)own);
	else   /* NULL, as xmlNodeGetBase, when it cannot be resolved */
		s->base = build_uri((const char *)own, up->base);
	xmlFree(own);
	s->owned = s->base != NULL;
	s->len = s->base ? strlen(s->base) : 0;
	return s;
}

static size_t depth_of(const xmlNode *n)
{
	size_t d = 0;

	while (n && n->parent && n->parent->type != XML_DOCUMENT_NODE)
		n = n->parent, d++;
	return d;
}

/* href found on/in node n: xml:base (and the document URL), then the feed
 * link. Resolution may make links longer than written by c->link_budget
 * bytes in all: a base longer than what is left is not used, and a link
 * that it would have resolved, or that would grow past it, is dropped
 * (counted in c->link_cut). */
char *dg_feed_resolve_at(feed_ctx *c, const xmlNode *n, const char *href)
{
	const struct feed_base_slot *at = base_at(c, n, depth_of(n));
	int skipped = (at->base && at->len > c->link_budget) ||
		      (c->feed_base && c->feed_base_len > c->link_budget);
	const char *base = at->base && at->len <= c->link_budget ? at->base : NULL;
	const char *feed = c->feed_base && c->feed_base_len <= c->link_budget ? c->feed_base : NULL;
	char *abs = NULL, *r;
	const char *bases[2] = { base, feed };
	size_t hlen, rlen;

	/* A relative xml:base with no document URL: relative to the feed link. */
	if (base && !dg_feed_scheme_len(base) && feed && (abs = build_uri(base, feed)))
		bases[0] = abs;
	r = dg_feed_resolve(href, bases, 2);
	free(abs);
	if (!r)
		return NULL;
	hlen = strlen(href);
	rlen = strlen(r);
	if ((skipped && !dg_feed_scheme_len(r)) || (rlen > hlen && rlen - hlen > c->link_budget)) {
		free(r);
		c->link_cut++;
		return NULL;
	}
	if (rlen > hlen)
		c->link_budget -= rlen - hlen;
	return r;
}

/* Text of element n resolved as a link. */
char *dg_feed_link_text(feed_ctx *c, const xmlNode *n)
{
	xmlChar *t;
	char *r;

	if (!n || !(t = xmlNodeGetContent(n)))
		return NULL;
	r = dg_feed_resolve_at(c, n, (const char *)t);
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
char *dg_feed_atom_link(feed_ctx *c, const xmlNode *parent, const char *rel_want)
{
	char *fallback = NULL;

	for (xmlNode *n = parent ? parent->children : NULL; n; n = n->next) {
		char *rel, *href, *type, *r;
		int match;

		if (!dg_feed_node_is(c, n, NS_ANYATOM, "link"))
			continue;
		rel = dg_feed_attr(n, "rel");
		match = strcmp(rel_want, "alternate") == 0 ?
			(!rel || !*rel || strcasecmp(rel, "alternate") == 0 ||
			 strcmp(rel, "http://www.iana.org/assignments/relation/alternate") == 0) :
			(rel && strcasecmp(rel, rel_want) == 0);
		free(rel);
		if (!match || !(href = dg_feed_attr(n, "href")))
			continue;
		r = dg_feed_resolve_at(c, n, href);
		free(href);
		if (!r)
			continue;
		type = dg_feed_attr(n, "type");
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
