#include "feeds/fetch.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "feeds/feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct feed_job {
	dg_collector *c;
	dg_feed_items *items;
	char *name;
	char *category;
	char *language;
	json_int_t priority;
} feed_job;

static void feed_job_free(void *p)
{
	feed_job *j = p;

	if (!j)
		return;
	free(j->name);
	free(j->category);
	free(j->language);
	free(j);
}

static feed_job *feed_job_new(dg_collector *c, dg_feed_items *items, json_t *feed)
{
	feed_job *j = dg_calloc(1, sizeof(*j));

	j->c = c;
	j->items = items;
	j->name = dg_strdup(dg_json_str(feed, "name"));
	j->category = dg_strdup(dg_json_str(feed, "category"));
	j->language = dg_strdup(dg_json_str(feed, "language"));
	j->priority = json_integer_value(json_object_get(feed, "priority"));
	return j;
}

static void charset_of(const char *content_type, char *out, size_t size)
{
	const char *p = content_type ? strstr(content_type, "charset=") : NULL;
	size_t n = 0;

	out[0] = '\0';
	if (!p)
		return;
	p += 8;
	if (*p == '"')
		p++;
	while (p[n] && p[n] != '"' && p[n] != ';' && p[n] != ' ' && n + 1 < size)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
}

static void on_feed(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	feed_job *j = ud;
	dg_collector *c = j->c;
	json_t *entries = NULL, *e;
	char *warning = NULL, charset[64], what[600];
	dg_feed_opts o = {0};
	size_t i;

	(void)h;
	snprintf(what, sizeof(what), "feed \"%s\"", j->name);
	if (err) {
		dg_collector_failed(c, what, msg);
		feed_job_free(j);
		return;
	}
	charset_of(resp->content_type, charset, sizeof(charset));
	o.name = resp->url;
	o.base_url = resp->url;
	o.http_charset = *charset ? charset : NULL;
	o.summary_max = (size_t)c->cfg->cn_summary_length;
	if (dg_feed_parse(resp->body, resp->len, &o, &entries, &warning) < 0) {
		dg_collector_failed(c, what, dg_err_last());
		free(warning);
		feed_job_free(j);
		return;
	}
	j->items->read++;
	if (warning)
		dg_json_appendf(c->warnings, "%s (%s) is malformed; read what could be recovered: %s", what, resp->url, warning);
	free(warning);
	json_array_foreach(entries, i, e) {
		int64_t t;
		const char *published = json_string_value(json_object_get(e, "published"));
		if (!published || dg_date_parse_rfc3339(published, &t) < 0 || t < c->since || t >= c->until)
			continue;
		if (!*dg_json_str(e, "link") || !*dg_json_str(e, "title"))
			continue;
		json_array_append_new(!strcmp(j->category, "news") ? j->items->news : j->items->articles,
			json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "title", dg_json_str(e, "title"),
				  "url", dg_json_str(e, "link"), "source", j->name, "published", published,
				  "summary", dg_json_str(e, "summary"), "language", j->language, "kind", "feed",
				  "priority", j->priority));
	}
	json_decref(entries);
	feed_job_free(j);
}

void dg_feeds_fetch(dg_collector *c, json_t *list, dg_feed_items *items)
{
	size_t i;
	json_t *f;

	items->total = (int)json_array_size(list);
	json_array_foreach(list, i, f) {
		const char *url = dg_json_str(f, "url");
		dg_collector_get(c, url, 1, on_feed, feed_job_new(c, items, f), feed_job_free);
	}
}
