/* feedint.h - internals shared by the files of the feed reader (feed.c,
 * feedxml.c, feedjson.c, feedlink.c, feedfix.c, feedutil.c): the parse
 * state, the entry being built, namespace URIs and the dg_feed_ functions
 * that cross those files. Calls go one way: feed.c -> feedxml.c,
 * feedjson.c -> feedlink.c, feedfix.c -> feedutil.c. Private to the feed reader (feeddate.c and feedtext.c need only the
 * public feed.h); the public API is feed.h. */
#ifndef DG_FEEDINT_H
#define DG_FEEDINT_H

#include "base/buf.h"
#include "feeds/feed.h"

#include <jansson.h>
#include <libxml/tree.h>

#include <stddef.h>

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

/* feedlink.c: the xml:base in force at one depth of the element last resolved. */
struct feed_base_slot {
	const xmlNode *node;
	char *base;      /* NULL: none (or unusable) */
	size_t len;
	int owned;       /* base was allocated for this slot (else it is the parent's) */
};

typedef struct feed_ctx {
	const char *name;        /* for messages */
	const char *base_url;
	size_t summary_max;
	xmlDocPtr doc;
	char *feed_base;         /* the feed's own absolute link */
	char *feed_author;       /* Atom: inherited by entries without one */
	int atom_core;           /* Atom feed without a namespace: core = Atom */
	int errors;              /* well-formedness errors */
	int ns_errors;           /* undeclared prefixes and the like */
	char *first_error;       /* "line N: message" of the first of each (malloc'ed) */
	char *first_ns_error;
	int fixed_amp, fixed_ent, fixed_ref;
	int entity_cut;          /* entity references dropped past the expansion budget */
	size_t feed_base_len;
	size_t link_budget;      /* bytes resolution may still add to links */
	int link_cut;            /* links dropped past it */
	struct feed_base_slot *base_slots;   /* per depth, for the element last resolved */
	size_t nbase_slots;
	struct feed_base_slot doc_base;      /* the document URL (borrowed base_url) */
} feed_ctx;

/* One entry while it is built; strings malloc'ed, NULL when absent. */
typedef struct dg_feed_entry {
	char *title, *link, *summary, *id, *author;
	int has_pub, has_upd;
	int64_t pub, upd;
} dg_feed_entry;

/* feedutil.c: XML elements by namespace URI and the entry objects.
 * Returned char * are malloc'ed (caller frees); out of memory aborts. */
int dg_feed_ns_eq(const char *href, const char *uri);     /* the forgiving URI comparison */
int dg_feed_node_is(const feed_ctx *c, const xmlNode *n, const char *uri, const char *local);
char *dg_feed_attr(const xmlNode *n, const char *name);   /* trimmed value, NULL when absent */
void dg_feed_entry_free(dg_feed_entry *e);                 /* frees the strings, not e */
void dg_feed_entry_append(json_t *arr, const dg_feed_entry *e);

/* feedxml.c: the RSS/Atom reader. */
int dg_feed_parse_xml(feed_ctx *c, const char *data, size_t len, const dg_feed_opts *opts,
		      json_t *arr);                         /* appends entries; 0 or <0 */

/* feedlink.c: links; NULL when empty or of a scheme readers do not follow. */
int dg_feed_scheme_len(const char *s);                     /* length of "scheme" before ':', 0 = none */
char *dg_feed_resolve(const char *href, const char *const *bases, int nbases);
char *dg_feed_resolve_at(feed_ctx *c, const xmlNode *n, const char *href);
char *dg_feed_link_text(feed_ctx *c, const xmlNode *n);
char *dg_feed_atom_link(feed_ctx *c, const xmlNode *parent, const char *rel_want);
void dg_feed_bases_free(feed_ctx *c);                      /* the xml:base cache */

/* feedjson.c: the JSON Feed reader; appends entries, 0 or <0. */
int dg_feed_parse_json(feed_ctx *c, const char *data, size_t len, json_t *arr);

/* feedfix.c: the byte-level pass before libxml2. */

/* Copy s[0..len) to out, escaping bare '&', turning HTML entities the
 * document does not declare into character references and "&#X" into "&#x"
 * (counted in c->fixed_amp, fixed_ent, fixed_ref). Only for ASCII-compatible
 * encodings. Returns 0, or <0 when out cannot grow. */
int dg_feed_repair(feed_ctx *c, const char *s, size_t len, dg_buf *out);

/* 1 when '&' and '<' bytes of s[0..len) are those characters, judging by a
 * BOM or NUL bytes, then http_charset (may be NULL), else the XML prolog. */
int dg_feed_ascii_compatible(const char *s, size_t len, const char *http_charset);

/* Append UTF-16/32 data (BOM or the byte pattern of "<") to out as UTF-8 and
 * set *wide = 1; *wide = 0 (out untouched) when data is neither. Returns 0,
 * or <0 when out cannot grow. */
int dg_feed_decode_wide(const char *data, size_t len, dg_buf *out, int *wide);

#endif
