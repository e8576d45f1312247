/* feedjson.c - JSON Feed 1.0/1.1 items into entry objects. */
#include "feeds/feed.h"
#include "feeds/feedint.h"
#include "base/alloc.h"
#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : NULL;
}

/* The clean text of o[key], NULL when absent or empty. */
static char *json_text(const json_t *o, const char *key, enum dg_feed_text_kind kind, size_t max)
{
	json_t *v = json_object_get(o, key);
	const char *s = json_string_value(v);
	char *out;

	if (!s || !*s)
		return NULL;
	out = dg_feed_text(s, json_string_length(v), kind, max);
	if (!*out) {
		free(out);
		return NULL;
	}
	return out;
}

static int json_date(const json_t *o, const char *key, int64_t *out)
{
	const char *s = jstr(o, key);

	return s && dg_feed_parse_date(s, out) == 0;
}

int dg_feed_parse_json(feed_ctx *c, const char *data, size_t len, json_t *arr)
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
		dg_feed_entry e = { 0 };
		const json_t *au = json_object_get(item, "author"), *aus = json_object_get(item, "authors");
		const json_t *id = json_object_get(item, "id");
		const char *url = jstr(item, "url");

		if (!json_is_object(item))
			continue;
		e.title = json_text(item, "title", DG_FEED_TEXT_AUTO_STRICT, 0);
		if (!url)
			url = jstr(item, "external_url");
		e.link = url ? dg_feed_resolve(url, bases, 3) : NULL;
		e.has_pub = json_date(item, "date_published", &e.pub);
		e.has_upd = json_date(item, "date_modified", &e.upd);
		e.summary = json_text(item, "summary", DG_FEED_TEXT_PLAIN, c->summary_max);
		if (!e.summary)
			e.summary = json_text(item, "content_text", DG_FEED_TEXT_PLAIN, c->summary_max);
		if (!e.summary)
			e.summary = json_text(item, "content_html", DG_FEED_TEXT_HTML, c->summary_max);
		if (json_is_array(aus) && json_array_size(aus))
			au = json_array_get(aus, 0);
		if (json_is_object(au))
			e.author = json_text(au, "name", DG_FEED_TEXT_PLAIN, 0);
		if (json_is_string(id) && *json_string_value(id)) {
			e.id = dg_strdup(json_string_value(id));
		} else if (json_is_integer(id)) {
			char num[32];

			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(id));
			e.id = dg_strdup(num);
		}
		dg_feed_entry_append(arr, &e);
		dg_feed_entry_free(&e);
	}
done:
	json_decref(root);
	return err;
}
