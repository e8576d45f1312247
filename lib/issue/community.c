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
#include "feeds/fetch.h"
#include "github/collect.h"
#include "history/history.h"
#include "model/model.h"
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
	return 0;
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
	return 0;
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
	json_t *series;
	int err = dg_model_community(&o, st->res->lang, st->win, (json_t *)collected, (json_t *)selection, meta, out);

	if (err < 0 || !(series = trend_series(st, (json_t *)collected, (json_t *)facts)))
		return err;
	if ((err = dg_model_trend(st->res->lang, "community", st->win, series, own_weeks(st), *out)) < 0) {
		json_decref(*out);
		*out = NULL;
	}
	json_decref(series);
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
	.name = "community", .numbering = numbering, .collect = collect, .select = select_items, .gather = gather, .model = model,
	.empty = empty, .drop_collected = drop, .drop_selection = drop, .drop_facts = drop,
};
