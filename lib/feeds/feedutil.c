/* feedutil.c - the feed reader's toolbox: XML elements by namespace URI,
 * trimmed attributes and the entry objects both readers build. Below
 * feedxml.c, feedjson.c and feedlink.c, which call it; it calls none of them. */
#include "feeds/feedint.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/str.h"

#include <libxml/tree.h>

#include <stdlib.h>
#include <string.h>

/* Namespace URIs compared the forgiving way: surrounding blanks, case and a
 * trailing slash do not matter (feeds write the iTunes one in every case).
 * Every element's test compares its URI, so a URI longer than any padded
 * known one is no match without being measured to its end. */
#define NS_URI_MAX 512

int dg_feed_ns_eq(const char *href, const char *uri)
{
	size_t a = strnlen(href, NS_URI_MAX + 1), b;

	if (a > NS_URI_MAX)
		return 0;
	a = dg_str_trim(&href, a);
	b = strlen(uri);
	if (a && href[a - 1] == '/')
		a--;
	if (b && uri[b - 1] == '/')
		b--;
	return a == b && dg_str_eq_ci(href, uri, a);
}

static int is_core_ns(const char *href)
{
	return dg_feed_ns_eq(href, NS_RSS10) || dg_feed_ns_eq(href, NS_RSS090) || dg_feed_ns_eq(href, NS_RSS_UL) ||
	       dg_feed_ns_eq(href, NS_RSS_HV);
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

int dg_feed_node_is(const feed_ctx *c, const xmlNode *n, const char *uri, const char *local)
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
		       (c->atom_core && (dg_feed_ns_eq(href, NS_ATOM10) || dg_feed_ns_eq(href, NS_ATOM03)));
	if (strcmp(uri, NS_ANYATOM) == 0)
		return href ? dg_feed_ns_eq(href, NS_ATOM10) || dg_feed_ns_eq(href, NS_ATOM03) : c->atom_core;
	return href && dg_feed_ns_eq(href, uri);
}

char *dg_feed_attr(const xmlNode *n, const char *name)
{
	xmlChar *v;
	char *r;

	if (!n || !(v = xmlGetProp(n, (const xmlChar *)name)))
		return NULL;
	r = dg_str_trim_dup((const char *)v, strlen((const char *)v));
	xmlFree(v);
	return r;
}

void dg_feed_entry_free(dg_feed_entry *e)
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

static json_t *date_or_null(int has, int64_t t)
{
	char d[DG_DATE_RFC3339_LEN];

	if (!has)
		return json_null();
	dg_date_format_utc(t, d);
	return json_string_nocheck(d);
}

void dg_feed_entry_append(json_t *arr, const dg_feed_entry *e)
{
	json_t *o = json_object();

	json_object_set_new_nocheck(o, "title", str_or_null(e->title));
	json_object_set_new_nocheck(o, "link", str_or_null(e->link));
	json_object_set_new_nocheck(o, "published", date_or_null(e->has_pub || e->has_upd,
								  e->has_pub ? e->pub : e->upd));
	json_object_set_new_nocheck(o, "updated", date_or_null(e->has_upd, e->upd));
	json_object_set_new_nocheck(o, "summary", str_or_null(e->summary));
	json_object_set_new_nocheck(o, "id", str_or_null(e->id));
	json_object_set_new_nocheck(o, "author", str_or_null(e->author));
	json_array_append_new(arr, o);
}
