/* feed.c - RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed into entry objects:
 * the entry point, which picks the reader, the entry objects both readers
 * build and the warning about what was repaired.
 *
 * The readers: feedxml.c (RSS and Atom), feedjson.c (JSON Feed); links:
 * feedlink.c; dates, text cleaning, the byte-level pass: feeddate.c,
 * feedtext.c, feedfix.c; what they share (elements, entry objects):
 * feedutil.c. Calls go one way: feed.c -> readers -> feedlink.c -> feedutil.c. */
#include "feeds/feed.h"
#include "feeds/feedint.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"

#include <libxml/tree.h>

#include <stdlib.h>
#include <string.h>

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
	while (k < len && dg_str_is_space((unsigned char)data[k]))
		k++;
	if (k >= len)
		return dg_err_set(DG_ERR_FAIL, "%s: empty document", c.name);
	arr = json_array();
	if (data[k] == '{' || data[k] == '[')
		err = dg_feed_parse_json(&c, data + k, len - k, arr);
	else
		err = dg_feed_parse_xml(&c, data, len, opts, arr);
	if (err < 0)
		goto done;
	if (c.errors || c.ns_errors || c.fixed_amp || c.fixed_ent || c.fixed_ref || c.entity_cut || c.link_cut) {
		/* An uncapped buffer: the appends cannot fail. */
		dg_buf_printf(&w, "%s: recovered from malformed XML", c.name);
		if (c.errors)
			dg_buf_printf(&w, ": %d error%s, first at %s", c.errors, c.errors == 1 ? "" : "s",
				      c.first_error);
		if (c.ns_errors)
			dg_buf_printf(&w, "; %d namespace error%s, first at %s", c.ns_errors,
				      c.ns_errors == 1 ? "" : "s", c.first_ns_error);
		if (c.fixed_amp)
			dg_buf_printf(&w, "; escaped %d bare '&'", c.fixed_amp);
		if (c.fixed_ent)
			dg_buf_printf(&w, "; replaced %d undeclared HTML entit%s", c.fixed_ent,
				      c.fixed_ent == 1 ? "y" : "ies");
		if (c.fixed_ref)
			dg_buf_printf(&w, "; fixed %d \"&#X\" reference%s", c.fixed_ref, c.fixed_ref == 1 ? "" : "s");
		if (c.entity_cut)
			dg_buf_printf(&w, "; dropped %d entity reference%s past the expansion limit", c.entity_cut,
				      c.entity_cut == 1 ? "" : "s");
		if (c.link_cut)
			dg_buf_printf(&w, "; dropped %d link%s made too long by xml:base", c.link_cut,
				      c.link_cut == 1 ? "" : "s");
		*warning = dg_buf_detach(&w);
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
