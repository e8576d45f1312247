/* feed.c - RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed into entry objects:
 * the entry point, which picks the reader, the entry objects both readers
 * build and the warning about what was repaired.
 *
 * The readers: feedxml.c (RSS and Atom), feedjson.c (JSON Feed); links:
 * feedlink.c; dates, text cleaning, the byte-level pass: feeddate.c,
 * feedtext.c, feedfix.c. */
#include "feeds/feed.h"
#include "feeds/feedint.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"

#include <libxml/tree.h>

#include <stdlib.h>
#include <string.h>

int dg_feed_is_ws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Trimmed copy of s[0..n) (malloc'ed), NULL on OOM. */
char *dg_feed_trim_dup(const char *s, size_t n)
{
	char *r;

	while (n && dg_feed_is_ws((unsigned char)*s))
		s++, n--;
	while (n && dg_feed_is_ws((unsigned char)s[n - 1]))
		n--;
	if (!(r = malloc(n + 1)))
		return NULL;
	memcpy(r, s, n);
	r[n] = '\0';
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

int dg_feed_entry_append(json_t *arr, const dg_feed_entry *e)
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
	while (k < len && dg_feed_is_ws((unsigned char)data[k]))
		k++;
	if (k >= len)
		return dg_err_set(DG_ERR_FAIL, "%s: empty document", c.name);
	if (!(arr = json_array()))
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	if (data[k] == '{' || data[k] == '[')
		err = dg_feed_parse_json(&c, data + k, len - k, arr);
	else
		err = dg_feed_parse_xml(&c, data, len, opts, arr);
	if (err < 0)
		goto done;
	if (c.errors || c.ns_errors || c.fixed_amp || c.fixed_ent || c.fixed_ref || c.entity_cut || c.link_cut) {
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
		if (!err && c.entity_cut)
			err = dg_buf_printf(&w, "; dropped %d entity reference%s past the expansion limit",
					    c.entity_cut, c.entity_cut == 1 ? "" : "s");
		if (!err && c.link_cut)
			err = dg_buf_printf(&w, "; dropped %d link%s made too long by xml:base", c.link_cut,
					    c.link_cut == 1 ? "" : "s");
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
	dg_feed_bases_free(&c);
	free(c.feed_base);
	free(c.feed_author);
	free(c.first_error);
	free(c.first_ns_error);
	return err;
}
