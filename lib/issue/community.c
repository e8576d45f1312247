/* The community report: the org's releases, merged pull requests, new
 * contributors and events of the period (lib/github/), the releases and
 * highlights that lead (lib/select/), modelled by lib/model/report.c. */
#include "issue/pipeline.h"
#include "issue/stageopts.h"
#include "base/text.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/output.h"
#include "base/alloc.h"
#include "base/jsonx.h"
#include "feeds/edits.h"
#include "feeds/fetch.h"
#include "github/collect.h"
#include "history/history.h"
#include "model/model.h"
#include "model/notes.h"
#include "select/highlights.h"
#include "select/releaserank.h"

#include <stdlib.h>
#include <string.h>

/* ---- trends (lib/history/): the weeks before the issue's and its own ---- */

/* The issue's own weeks (1 or 2; 0: an arbitrary range or trends off). */
static size_t own_weeks(const dg_stage *st)
{
	return st->cfg->trends_weeks > 0 && st->win->weeks > 0 ? (size_t)st->win->weeks : 0;
}

/* A complete collection of a closed period: its weeks' counts are the
 * report's, kept for the trends of later issues. */
static void keep_own_weeks(const dg_stage *st, json_t *data)
{
	dg_history_opts o = dg_stage_history_opts(st->cfg);
	dg_week own[2];
	size_t n = st->win->weeks > 0 && st->win->weeks <= 2 ? (size_t)st->win->weeks : 0;

	if (n && (dg_history_own(st->cfg, &o, st->win->iso_year, st->win->week, n, data, own) < 0 ||
		  dg_history_keep_run(st->cfg, st->store, own, n) < 0))
		dg_err_clear(); /* a count not kept is asked for again, once */
}

/* The facts: {"weeks": the series of the weeks before the issue's} (the
 * store's, else the history engine's); NULL when there are no trends. */
static int gather(const dg_stage *st, const void *selection, void **facts)
{
	dg_history_opts o = dg_stage_history_opts(st->cfg);
	size_t own = own_weeks(st), n = o.weeks > 0 && (size_t)o.weeks > own ? (size_t)o.weeks : own;
	dg_week *weeks;
	int64_t last;
	int err;

	*facts = NULL;
	if (!own)
		return 0;
	weeks = dg_calloc(n, sizeof(*weeks));
	if ((err = dg_date_week_start(st->win->iso_year, st->win->week, o.timezone, &last)) < 0 ||
	    (err = dg_history_weeks(&o, last, n, weeks)) < 0 ||
	    (err = dg_history_fill(st->cfg, &o, st->http, st->store, json_object_get((json_t *)selection, "repos"),
				   st->win->since, weeks, n - own, st->warnings, st->failures)) < 0) {
		free(weeks);
		return err;
	}
	*facts = json_pack("{s:o}", "weeks", dg_history_json(&o, weeks, n - own));
	free(weeks);
	return 0;
}

/* The series of the model: the facts' weeks, then the issue's own counted
 * from its collection; NULL when there are no trends. */
static json_t *trend_series(const dg_stage *st, json_t *collected, json_t *facts)
{
	dg_history_opts o = dg_stage_history_opts(st->cfg);
	size_t own = own_weeks(st);
	dg_week mine[2];
	json_t *series, *tail;

	if (!own || !facts || own > 2 ||
	    dg_history_own(st->cfg, &o, st->win->iso_year, st->win->week, own, collected, mine) < 0) {
		dg_err_clear();
		return NULL;
	}
	series = json_deep_copy(json_object_get(facts, "weeks"));
	tail = dg_history_json(&o, mine, own);
	json_array_extend(series, tail);
	json_decref(tail);
	return series;
}

/* Posts by their "published" time (RFC 3339, UTC from the feed parser), then URL. */
static int newest_first(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int r = strcmp(dg_json_str(b, "published"), dg_json_str(a, "published"));

	return r ? r : strcmp(dg_json_str(a, "url"), dg_json_str(b, "url"));
}

/* What a complete collection of this period gave, kept in the store under
 * the period, the API and the config file's exact bytes: a re-render of the
 * closed period parses that one value instead of sending a request for
 * every cached response. Any change of the config makes another key. */
static char *collected_key(const dg_stage *st)
{
	char *text = NULL;
	size_t len = 0;
	dg_buf key = DG_BUF_INIT;   /* no cap: cannot fail */

	if (st->cfg->path && dg_output_read_file(st->cfg->path, 16u << 20, &text, &len) < 0)
		len = 0;
	dg_buf_printf(&key, "%lld..%lld %s %016llx-%zu", (long long)st->win->since, (long long)st->win->until,
		      st->cfg->api_url, (unsigned long long)dg_text_hash(text, len), len);
	free(text);
	dg_err_clear();
	return dg_buf_detach(&key);
}

/* <digest.edits_dir>/community-<label>.toml */
static char *edits_path(const dg_stage *st)
{
	dg_buf p = DG_BUF_INIT;   /* no cap: cannot fail */

	dg_buf_printf(&p, "%s/community-%s.toml", st->cfg->edits_dir, st->win->label);
	return dg_buf_detach(&p);
}

/* The editor's file, when there is one, as data["editor"] (not kept with
 * the collection: the file changes while the period stays). */
static int add_editor(const dg_stage *st, json_t *data)
{
	char *path = edits_path(st);
	json_t *e = NULL;
	int err = st->draft ? dg_editor_file_absent(path) : dg_edits_load(path, &e);

	if (e)
		json_object_set_new(data, "editor", e);
	free(path);
	return err < 0 ? err : 0;
}

/* The community's own posts of the period from [report] blog_feeds, newest
 * first, into data["blog_posts"] ({"title","url","source","published",
 * "summary",...}, lib/feeds/fetch.h); a feed that cannot be read is a
 * failed source. <0 only when the run must stop (a fatal HTTP error). */
static int collect_blog(const dg_stage *st, json_t *data, json_t *failures)
{
	const dg_config *cfg = st->cfg;
	dg_feed_items items = {json_array(), json_array(), 0, 0};
	json_t *list = json_array();
	dg_collector col;
	int err;

	for (size_t i = 0; i < cfg->blog_feeds.n; i++) {
		const char *url = cfg->blog_feeds.v[i], *host = strstr(url, "://");
		const char *end = host ? host + 3 + strcspn(host + 3, "/?#") : url;
		char *name = dg_strndup(host ? host + 3 : url, (size_t)(end - (host ? host + 3 : url)));

		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "name", name, "url", url, "category",
						      "articles", "language", cfg->language));
		free(name);
	}
	(void)dg_collector_init(&col, cfg, st->http, st->store, st->win->since, st->win->until);   /* 0 */
	dg_feeds_fetch(&col, list, &items);
	err = dg_http_run(st->http);
	dg_json_sort(items.articles, newest_first);
	json_object_set_new(data, "blog_posts", items.articles);
	json_decref(items.news);
	json_array_extend(json_object_get(data, "warnings"), col.warnings);
	json_array_extend(failures, col.failures);
	dg_collector_clear(&col);
	json_decref(list);
	return err < 0 ? err : 0;
}

/* The collected value is the collector's data, {"repos", "releases",
 * "merged_pulls", "contributors", "new_contributors", "events",
 * "good_first_issues", "blog_posts", "warnings"}. */
static int collect(const dg_stage *st, void **collected)
{
	dg_collect_result res = {0};
	char *key = collected_key(st), *kept = NULL;
	json_t *data = NULL;
	size_t len;
	int err;

	/* A closed period's kept collection is what a fresh collection would
	 * give (the repositories' history of that period, and each author's
	 * first merged PR, do not change once it is over): it is used unless
	 * --refresh asks for the network. A period in progress is never kept. */
	if (!st->win->in_progress && (dg_http_offline(st->http) || !st->refresh) &&
	    dg_store_kept_get(st->store, "collected-community", key, &kept, &len) == 1)
		data = json_loadb(kept, len, 0, NULL);
	free(kept);
	if (data)
		keep_own_weeks(st, data);   /* kept by a run before the trends */
	if (!data) {
		if ((err = dg_collect_community(st->cfg, st->http, st->store, st->win->since, st->win->until, &res)) < 0) {
			free(key);
			return err;
		}
		data = res.data;
		if (st->cfg->blog_feeds.n && (err = collect_blog(st, data, res.failures)) < 0) {
			json_decref(data);
			json_decref(res.failures);
			free(key);
			return err;
		}
		/* Kept only once complete: every source read, the period over. */
		if (!json_array_size(res.failures) && !dg_http_offline(st->http) && !st->win->in_progress) {
			char *dump = json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER);
			if (dg_store_kept_put(st->store, "collected-community", key, dump, strlen(dump)) < 0)
				dg_err_clear(); /* a cache that cannot be written costs time, not correctness */
			free(dump);
			keep_own_weeks(st, data);
		}
		json_array_extend(st->failures, res.failures);
		json_decref(res.failures);
	}
	free(key);
	json_array_extend(st->warnings, json_object_get(data, "warnings"));
	*collected = data;
	return add_editor(st, data);
}

/* Drop what the editor dropped: releases (a product without one goes),
 * highlighted pull requests and community news. */
static void apply_drops(json_t *sel, json_t *dropped)
{
	json_t *products = json_object_get(sel, "products"), *groups = json_object_get(sel, "highlight_groups");
	json_t *news = json_object_get(sel, "news");

	for (size_t i = json_array_size(products); i-- > 0;) {
		json_t *entries = json_object_get(json_array_get(products, i), "entries");
		for (size_t k = json_array_size(entries); k-- > 0;)
			if (json_object_get(dropped, dg_json_str(json_array_get(entries, k), "url")))
				json_array_remove(entries, k);
		if (!json_array_size(entries))
			json_array_remove(products, i);
	}
	for (size_t i = json_array_size(groups); i-- > 0;) {
		json_t *pulls = json_object_get(json_array_get(groups, i), "pulls");
		for (size_t k = json_array_size(pulls); k-- > 0;)
			if (json_object_get(dropped, dg_json_str(json_array_get(pulls, k), "url")))
				json_array_remove(pulls, k);
		if (!json_array_size(pulls))
			json_array_remove(groups, i);
	}
	for (size_t i = json_array_size(news); i-- > 0;)
		if (json_object_get(dropped, dg_json_str(json_array_get(news, i), "url")))
			json_array_remove(news, i);
}

/* A shown item's edited text kept from an earlier issue's editor's file,
 * unless this issue's file lists the item (it decides, "" included). */
static int reuse_edit(const dg_stage *st, json_t *edits, json_t *listed, const char *url)
{
	char *text = NULL;
	int found;

	if (!*url || json_object_get(edits, url) || json_object_get(listed, url))
		return 0;
	if ((found = dg_store_edit_get(st->store, url, &text)) == 1)
		json_object_set_new(edits, url, json_string(text));
	free(text);
	return found < 0 ? found : 0;
}

/* What the editor decided: "file_edits" (url -> the file's own texts, to
 * keep), "edits" (those and the kept ones of every shown item), "lead",
 * "editor_news" (the file's [[news]]); the dropped items leave the selection. */
static int apply_editor(const dg_stage *st, json_t *editor, json_t *sel)
{
	json_t *dropped = json_object(), *file = json_object(), *listed = json_object(), *edits, *it, *g;
	size_t i, k;
	int err = 0;

	json_array_foreach(json_object_get(editor, "items"), i, it) {
		json_object_set_new(listed, dg_json_str(it, "url"), json_true());
		if (json_is_true(json_object_get(it, "drop")))
			json_object_set_new(dropped, dg_json_str(it, "url"), json_true());
		else if (*dg_json_str(it, "text"))
			json_object_set_new(file, dg_json_str(it, "url"), json_string(dg_json_str(it, "text")));
	}
	apply_drops(sel, dropped);
	json_decref(dropped);
	edits = json_deep_copy(file);
	json_array_foreach(json_object_get(sel, "products"), i, g)
		json_array_foreach(json_object_get(g, "entries"), k, it)
			if (!err)
				err = reuse_edit(st, edits, listed, dg_json_str(it, "url"));
	json_array_foreach(json_object_get(sel, "highlight_groups"), i, g)
		json_array_foreach(json_object_get(g, "pulls"), k, it)
			if (!err)
				err = reuse_edit(st, edits, listed, dg_json_str(it, "url"));
	json_array_foreach(json_object_get(sel, "news"), i, it)
		if (!err)
			err = reuse_edit(st, edits, listed, dg_json_str(it, "url"));
	json_decref(listed);
	json_object_set_new(sel, "file_edits", file);
	json_object_set_new(sel, "edits", edits);
	if (*dg_json_str(editor, "lead"))
		json_object_set(sel, "lead", json_object_get(editor, "lead"));
	json_object_set_new(sel, "editor_news", json_object_get(editor, "news") ?
						json_deep_copy(json_object_get(editor, "news")) : json_array());
	return err;
}

/* What the report holds: the releases by product, the lead first, and the
 * highlighted pull requests, the community news: {"products",
 * "highlight_groups", "bot_pulls", "news", "backports" (those told under
 * their release)}. */
static int select_items(const dg_stage *st, const void *collected, void **selection)
{
	json_t *data = (json_t *)collected, *sel;
	dg_select_opts o = dg_stage_select_opts(st->cfg);
	size_t bots = 0;

	/* Two new arrays (never NULL): json_pack cannot fail. */
	sel = json_pack("{s:o, s:o}",
			"products", dg_select_releases(&o, json_object_get(data, "releases"),
						       json_object_get(data, "merged_pulls")),
			"highlight_groups", dg_select_highlights(&o, json_object_get(data, "merged_pulls"),
								 st->win->since, st->win->until, st->warnings, &bots));
	json_object_set_new(sel, "bot_pulls", json_integer((json_int_t)bots));
	json_object_set(sel, "repos", json_object_get(data, "repos"));   /* the watched set, for the trends */
	json_object_set_new(sel, "news", dg_select_news(&o, json_object_get(data, "merged_pulls")));
	json_object_set_new(sel, "backports", dg_select_lone_backports(json_object_get(data, "merged_pulls")));
	*selection = sel;
	return apply_editor(st, json_object_get(data, "editor"), sel);
}

/* The notes a release's summary is told from: those of its first
 * repository that has any, as the report shows them. */
static json_t *release_notes(const dg_stage *st, json_t *entry)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(entry, "repos"), i, r) {
		int cut = 0;
		json_t *notes = dg_notes_extract(dg_json_str(r, "body"), (size_t)st->cfg->release_note_lines, 140, &cut);
		if (json_array_size(notes))
			return notes;
		json_decref(notes);
	}
	return json_array();
}

static json_t *pull_labels(json_t *data, const char *url)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(data, "merged_pulls"), i, p)
		if (!strcmp(dg_json_str(p, "url"), url))
			return json_deep_copy(json_object_get(p, "labels") ? json_object_get(p, "labels") : json_array());
	return json_array();
}

/* The lead, each product's latest release, each community news item and
 * each highlight, unless the editor wrote its text. */
static json_t *writer_items(const dg_stage *st, const void *collected, const void *selection, const void *facts)
{
	json_t *sel = (json_t *)selection, *items = json_array(), *edits = json_object_get(sel, "edits"), *g, *it;
	size_t i, k;

	(void)facts;
	json_array_foreach(json_object_get(sel, "products"), i, g) {
		json_t *e = json_array_get(json_object_get(g, "entries"), 0);
		json_t *f = json_pack("{s:s, s:s, s:s, s:o}", "product", dg_json_str(g, "name"), "tag", dg_json_str(e, "tag"),
				      "name", dg_json_str(e, "name"), "notes", release_notes(st, e));

		if (i == 0 && !json_object_get(sel, "lead"))
			json_array_append_new(items, json_pack("{s:s, s:s, s:O}", "id", "lead", "kind", "lead", "facts", f));
		if (!json_object_get(edits, dg_json_str(e, "url")))
			json_array_append_new(items, json_pack("{s:s, s:s, s:o}", "id", dg_json_str(e, "url"), "kind",
							       "release", "facts", f));
		else
			json_decref(f);
	}
	json_array_foreach(json_object_get(sel, "news"), i, it)
		if (!json_object_get(edits, dg_json_str(it, "url")))
			json_array_append_new(items, json_pack("{s:s, s:s, s:{s:s, s:s, s:o}}", "id", dg_json_str(it, "url"),
				"kind", "news", "facts", "title", dg_json_str(it, "title"), "repo", dg_json_str(it, "repo"),
				"labels", pull_labels((json_t *)collected, dg_json_str(it, "url"))));
	json_array_foreach(json_object_get(sel, "highlight_groups"), i, g)
		json_array_foreach(json_object_get(g, "pulls"), k, it)
			if (!json_object_get(edits, dg_json_str(it, "url")))
				json_array_append_new(items, json_pack("{s:s, s:s, s:{s:s, s:I, s:s, s:s, s:o}}", "id",
					dg_json_str(it, "url"), "kind", "highlight", "facts", "title", dg_json_str(it, "title"),
					"number", json_integer_value(json_object_get(it, "number")),
					"repo", dg_json_str(it, "repo"), "author", dg_json_str(it, "author"), "labels",
					pull_labels((json_t *)collected, dg_json_str(it, "url"))));
	return items;
}

static void numbering(const dg_config *cfg, const dg_window *win, dg_numbering *nb)
{
	nb->reference_date = cfg->report_reference_date;
	nb->reference_number = cfg->report_reference_number;
	nb->period_weeks = win->weeks > 0 ? win->weeks : 1;
}

static int model(const dg_stage *st, const void *collected, const void *selection, const void *facts,
		 const dg_model_meta *meta, json_t **out)
{
	dg_model_opts o = dg_stage_model_opts(st->cfg);
	json_t *sel = (json_t *)selection;
	json_t *texts = meta->texts ? json_deep_copy(meta->texts) : json_object();
	dg_model_meta m = *meta;
	json_t *series;
	int err;

	/* The editor's texts over the writer's. */
	json_object_update(texts, json_object_get(sel, "edits"));
	if (json_object_get(sel, "lead"))
		json_object_set(texts, "lead", json_object_get(sel, "lead"));
	m.texts = texts;
	err = dg_model_community(&o, st->res->lang, st->win, (json_t *)collected, sel, &m, out);
	json_decref(texts);
	if (err < 0 || !(series = trend_series(st, (json_t *)collected, (json_t *)facts)))
		return err;
	if ((err = dg_model_trend(st->res->lang, "community", st->win, series, own_weeks(st), *out)) < 0) {
		json_decref(*out);
		*out = NULL;
	}
	json_decref(series);
	return err;
}

/* A pull request's [[item]] (a highlight, a news item): its title, the
 * writer's text or the title as the suggestion, the kept edit as its text. */
static json_t *titled_item(const dg_stage *st, json_t *edits, json_t *it, const char *section)
{
	const char *url = dg_json_str(it, "url"), *w = dg_json_str(st->writer, url);

	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "url", url, "section", section, "title", dg_json_str(it, "title"),
			 "suggestion", *w ? w : dg_json_str(it, "title"), "text", dg_json_str(edits, url));
}

/* The editor's file: the lead and one [[item]] per shown item, each with
 * what digest would write (the writer's text when there is one) and the
 * text an earlier issue's editor gave it. */
static int draft(const dg_stage *st, const void *collected, const void *selection, json_t *model,
		 dg_fileset *files)
{
	json_t *items = json_array(), *g, *it, *lead = json_object_get(model, "lead");
	json_t *edits = json_object_get((json_t *)selection, "edits");   /* kept from earlier issues */
	dg_buf lead_text = DG_BUF_INIT;   /* no cap: cannot fail */
	char *path = edits_path(st), *text = NULL;
	size_t i, k;
	int err;

	(void)collected;
	json_array_foreach(json_object_get(model, "release_groups"), i, g) {
		json_t *e = json_object_get(g, "latest"), *n;
		const char *w = dg_json_str(st->writer, dg_json_str(e, "url"));
		dg_buf sug = DG_BUF_INIT;   /* no cap: cannot fail */

		if (*w)
			dg_buf_puts(&sug, w);
		else
			json_array_foreach(json_object_get(e, "notes"), k, n)
				dg_buf_printf(&sug, "%s%s", k ? "; " : "", json_string_value(n));
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:s}", "url", dg_json_str(e, "url"), "section",
						       "releases", "title", dg_json_str(e, "name"), "suggestion",
						       dg_buf_cstr(&sug), "text", dg_json_str(edits, dg_json_str(e, "url"))));
		dg_buf_free(&sug);
	}
	json_array_foreach(json_object_get(model, "highlight_groups"), i, g)
		json_array_foreach(json_object_get(g, "pulls"), k, it)
			json_array_append_new(items, titled_item(st, edits, it, "highlights"));
	json_array_foreach(json_object_get(model, "news"), i, it)
		json_array_append_new(items, titled_item(st, edits, it, "news"));
	if (*dg_json_str(st->writer, "lead"))
		dg_buf_puts(&lead_text, dg_json_str(st->writer, "lead"));
	else if (json_is_object(lead))
		dg_buf_printf(&lead_text, "%s %s", dg_json_str(lead, "product"), dg_json_str(lead, "name"));
	err = dg_edits_draft(st->win->label, dg_buf_cstr(&lead_text), items, &text);
	json_decref(items);
	dg_buf_free(&lead_text);
	if (err == 0)
		err = dg_editor_file_add(files, path, text);
	free(path);
	return err;
}

/* The editor's texts of this issue, kept by URL for every later issue. */
static int record(const dg_stage *st, const void *selection)
{
	const char *url;
	json_t *text;
	int err = 0;

	json_object_foreach(json_object_get((json_t *)selection, "file_edits"), url, text)
		if ((err = dg_store_edit_put(st->store, url, json_string_value(text))) < 0)
			break;
	return err;
}

/* Nothing to publish: no release, no merged pull request, no event. */
static int empty(json_t *model)
{
	json_t *stats = json_object_get(model, "stats"), *events = json_object_get(model, "events");

	return !json_integer_value(json_object_get(stats, "releases")) &&
	       !json_integer_value(json_object_get(stats, "merged_pulls")) &&
	       !json_array_size(json_object_get(events, "past")) && !json_array_size(json_object_get(events, "upcoming"));
}

static void drop(void *v)
{
	json_decref(v);
}

const dg_kind dg_kind_community = {
	.name = "community", .numbering = numbering, .collect = collect, .select = select_items, .gather = gather,
	.model = model,
	.draft = draft, .record = record, .empty = empty, .writer_items = writer_items, .drop_collected = drop, .drop_selection = drop, .drop_facts = drop,
};
