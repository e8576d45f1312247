/* The Cloud Native Weekly (云原生周刊): candidates from the feed list
 * (lib/feeds/) and GitHub (lib/github/cnsources.h), ranked and chosen by the
 * editor's file or automatically (lib/select/cnchoose.h), the chosen
 * projects' latest releases gathered, modelled by lib/model/cnmodel.c; what
 * an issue published is recorded so that no later issue repeats it. */
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/progress.h"
#include "base/jsonx.h"
#include "feeds/feedlist.h"
#include "feeds/fetch.h"
#include "feeds/picks.h"
#include "github/cnsources.h"
#include "issue/pipeline.h"
#include "issue/stageopts.h"
#include "model/model.h"
#include "net/collector.h"
#include "select/cnchoose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What collect returns: the candidates as fetched, and the editor's file. */
typedef struct cn_collected {
	json_t *picks;           /* the editor's file, or NULL */
	char *picks_path;
	dg_feed_items items;     /* article and news candidates */
	json_t *projects;        /* project candidates */
	json_t *facts;           /* lower-case repo -> repository object */
} cn_collected;

enum { PROJECTS, ARTICLES, NEWS };

/* What select returns: the candidates ranked (copies), and the chosen ones. */
typedef struct cn_selection {
	json_t *ranked[3];       /* projects, articles, news: ranked copies of the candidates */
	json_t *sel[3];          /* chosen projects, articles, news */
	json_t *edits;           /* url -> the editor's text kept from a community report (lib/store) */
} cn_selection;

/* <cnweekly.picks_dir>/<label>.toml */
static char *picks_path(const dg_config *cfg, const dg_window *w)
{
	size_t n = strlen(cfg->cn_picks_dir) + strlen(w->label) + 8;
	char *p = dg_malloc(n);

	snprintf(p, n, "%s/%s.toml", cfg->cn_picks_dir, w->label);
	return p;
}

static void drop_collected(void *v)
{
	cn_collected *c = v;

	if (!c)
		return;
	json_decref(c->picks);
	free(c->picks_path);
	json_decref(c->items.articles);
	json_decref(c->items.news);
	json_decref(c->projects);
	json_decref(c->facts);
	free(c);
}

/* The collector's warnings and failed sources become the issue's. */
static void hand_over(const dg_stage *st, dg_collector *col)
{
	json_array_extend(st->warnings, col->warnings);
	json_array_extend(st->failures, col->failures);
	dg_collector_clear(col);
}

static int collect(const dg_stage *st, void **out)
{
	const dg_config *cfg = st->cfg;
	cn_collected *c = dg_calloc(1, sizeof(*c));
	dg_collector col;
	json_t *feeds = NULL, *p;
	size_t i;
	int err;

	*out = c;
	c->picks_path = picks_path(cfg, st->win);
	if (st->draft && (err = dg_editor_file_absent(c->picks_path)) < 0)
		return err;
	c->items.articles = json_array();
	c->items.news = json_array();
	c->projects = json_array();
	c->facts = json_object();
	if ((err = dg_feedlist_load(cfg, &feeds)) < 0 || (err = dg_picks_load(c->picks_path, &c->picks)) < 0 ||
	    (err = dg_collector_init(&col, cfg, st->http, st->store, st->win->since, st->win->until)) < 0) {
		json_decref(feeds);
		return err;
	}
	dg_progress_phase("feeds, releases, projects");
	dg_feeds_fetch(&col, feeds, &c->items);
	dg_gh_watched_releases(&col, c->items.news);
	dg_gh_watched_advisories(&col, c->items.news);
	if (!c->picks && cfg->cn_max_projects > 0)
		dg_gh_project_search(&col, c->facts, c->projects);
	json_array_foreach(json_object_get(c->picks, "projects"), i, p)
		if (*dg_json_str(p, "repo"))
			dg_gh_repo_facts(&col, dg_json_str(p, "repo"), c->facts);
	err = dg_http_run(st->http);
	json_decref(feeds);
	hand_over(st, &col);
	return err;
}

static dg_select selection_of(const dg_stage *st, const cn_collected *c)
{
	dg_select s = {st->store, st->series, st->win->label, c->picks_path, c->facts, st->warnings};
	return s;
}

static void drop_selection(void *v)
{
	cn_selection *sel = v;

	if (!sel)
		return;
	for (int l = 0; l < 3; l++) {
		json_decref(sel->ranked[l]);
		json_decref(sel->sel[l]);
	}
	json_decref(sel->edits);
	free(sel);
}

/* The candidates ranked (on copies: the collected ones stay as fetched),
 * then chosen: the editor's file, else the best of each section. */
static int select_items(const dg_stage *st, const void *collected, void **out)
{
	const dg_config *cfg = st->cfg;
	const cn_collected *c = collected;
	cn_selection *sel = dg_calloc(1, sizeof(*sel));
	dg_select s = selection_of(st, c);
	dg_select_opts o = dg_stage_select_opts(cfg);
	json_t *seen = json_object();

	*out = sel;
	sel->ranked[PROJECTS] = json_deep_copy(c->projects);
	sel->ranked[ARTICLES] = json_deep_copy(c->items.articles);
	sel->ranked[NEWS] = json_deep_copy(c->items.news);
	dg_json_sort(sel->ranked[ARTICLES], dg_select_cmp_newest);
	dg_select_rank_news(&o, sel->ranked[NEWS]);
	dg_select_rank_projects(&o, st->win->until, sel->ranked[PROJECTS]);
	if (c->picks) {
		sel->sel[PROJECTS] = dg_select_editor(&s, json_object_get(c->picks, "projects"), sel->ranked[PROJECTS],
						      "project", seen);
		sel->sel[ARTICLES] = dg_select_editor(&s, json_object_get(c->picks, "articles"), sel->ranked[ARTICLES],
						      "article", seen);
		sel->sel[NEWS] = dg_select_editor(&s, json_object_get(c->picks, "news"), sel->ranked[NEWS], "news", seen);
	} else {
		sel->sel[PROJECTS] = dg_select_auto(&s, sel->ranked[PROJECTS], cfg->cn_max_projects, seen);
		sel->sel[NEWS] = dg_select_auto(&s, sel->ranked[NEWS], cfg->cn_max_news, seen);
		sel->sel[ARTICLES] = dg_select_auto(&s, sel->ranked[ARTICLES], cfg->cn_max_articles, seen);
	}
	json_decref(seen);
	/* An edit made once in a community report's editor's file is not made again. */
	sel->edits = json_object();
	for (int l = 0; l < 3; l++) {
		size_t i;
		json_t *it;
		json_array_foreach(sel->sel[l], i, it) {
			char *text = NULL;
			int found = *dg_json_str(it, "url") ? dg_store_edit_get(st->store, dg_json_str(it, "url"), &text) : 0;
			if (found == 1)
				json_object_set_new(sel->edits, dg_json_str(it, "url"), json_string(text));
			free(text);
			if (found < 0)
				return found;
		}
	}
	return 0;
}

/* The items without the editor's paragraph, for the writer. */
static json_t *writer_items(const dg_stage *st, const void *collected, const void *selection, const void *facts)
{
	const cn_selection *sel = selection;
	static const char *const kinds[3] = {"project", "article", "news"};
	json_t *items = json_array(), *it;
	size_t i;

	(void)st;
	(void)collected;
	(void)facts;
	for (int l = 0; l < 3; l++)
		json_array_foreach(sel->sel[l], i, it) {
			const char *url = dg_json_str(it, "url");
			json_t *f;

			if (!*url || *dg_json_str(it, "paragraph") || json_object_get(sel->edits, url))
				continue;
			f = l == PROJECTS ? json_pack("{s:s, s:s, s:s, s:I}", "name", dg_json_str(it, "name"), "description",
						      dg_json_str(it, "description"), "language", dg_json_str(it, "language"),
						      "stars", json_integer_value(json_object_get(it, "stars")))
					  : json_pack("{s:s, s:s, s:s}", "title", dg_json_str(it, "title"), "source",
						      dg_json_str(it, "source"), "summary", dg_json_str(it, "summary"));
			if (f)
				json_array_append_new(items, json_pack("{s:s, s:s, s:o}", "id", url, "kind", kinds[l], "facts", f));
		}
	return items;
}

/* The facts of the chosen projects: their latest release at the period's end. */
static int gather(const dg_stage *st, const void *selection, void **out)
{
	const cn_selection *sel = selection;
	dg_collector col;
	json_t *latest = json_object(), *p;
	size_t i;
	int err;

	*out = latest;
	if ((err = dg_collector_init(&col, st->cfg, st->http, st->store, st->win->since, st->win->until)) < 0)
		return err;
	json_array_foreach(sel->sel[PROJECTS], i, p)
		if (*dg_json_str(p, "repo"))
			dg_gh_latest_release(&col, dg_json_str(p, "repo"), latest);
	dg_progress_phase("latest releases");
	err = dg_http_run(st->http);
	hand_over(st, &col);
	return err;
}

static void numbering(const dg_config *cfg, const dg_window *win, dg_numbering *nb)
{
	(void)win;
	nb->reference_date = cfg->cn_reference_date;
	nb->reference_number = cfg->cn_reference_number;
	nb->period_weeks = cfg->cn_period_weeks;
}

static int model(const dg_stage *st, const void *collected, const void *selection, const void *facts,
		 const dg_model_meta *meta, json_t **out)
{
	const cn_collected *c = collected;
	const cn_selection *sel = selection;
	dg_weekly_input in = {sel->sel[PROJECTS], sel->sel[ARTICLES], sel->sel[NEWS], (json_t *)facts,
			      c->picks ? json_string_value(json_object_get(c->picks, "headline")) : NULL,
			      c->items.total, c->items.read,
			      c->picks ? json_string_value(json_object_get(c->picks, "lead")) : NULL, NULL};
	dg_model_opts o = dg_stage_model_opts(st->cfg);
	json_t *texts = meta->texts ? json_deep_copy(meta->texts) : json_object();
	int err;

	json_object_update(texts, sel->edits);   /* the editor's over the writer's */
	in.texts = texts;
	err = dg_model_weekly(&o, st->res->lang, st->win, &in, meta, out);
	json_decref(texts);
	return err;
}

/* The editor's file, pre-filled: more than an issue holds, never what was
 * published, worded like the issue would word them. */
static int draft(const dg_stage *st, const void *collected, const void *selection, json_t *model,
		 dg_fileset *files)
{
	const dg_config *cfg = st->cfg;
	const cn_collected *c = collected;
	const cn_selection *sel = selection;
	dg_select s = selection_of(st, c);
	json_t *seen = json_object(), *candidates, *news = json_deep_copy(sel->ranked[NEWS]);
	char *text = NULL;
	int err;

	if ((err = dg_model_release_news(st->res->lang, news)) < 0) {
		json_decref(news);
		json_decref(seen);
		return err;
	}
	candidates = json_pack("{s:O, s:o, s:o, s:o}", "headline", json_object_get(model, "headline"),
		"projects", dg_select_auto(&s, sel->ranked[PROJECTS], 3 * cfg->cn_max_projects, seen),
		"articles", dg_select_auto(&s, sel->ranked[ARTICLES], 3 * cfg->cn_max_articles, seen),
		"news", dg_select_auto(&s, news, 3 * cfg->cn_max_news, seen));
	json_decref(seen);
	json_decref(news);
	if (!candidates)   /* json_pack's "O": the model has no headline */
		return dg_err_set(DG_ERR_FAIL, "cnweekly: the model has no headline for the editor's file");
	/* The writer's text, when it told the item, is the suggestion. */
	for (const char *const *l = (const char *const[]){"projects", "articles", "news", NULL}; *l; l++) {
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(candidates, *l), i, it)
			if (*dg_json_str(st->writer, dg_json_str(it, "url")))
				json_object_set(it, **l == 'p' ? "description" : "summary",
						json_object_get(st->writer, dg_json_str(it, "url")));
	}
	err = dg_picks_draft(candidates, st->win->label, &text);
	json_decref(candidates);
	if (err < 0)
		return err;
	return dg_editor_file_add(files, c->picks_path, text);
}

/* What this issue publishes: cleared first so that a re-render is the same issue. */
static int record(const dg_stage *st, const void *selection)
{
	const cn_selection *sel = selection;
	const char *label = st->win->label;
	size_t i;
	json_t *it;
	int err = dg_store_published_clear(st->store, st->series, label);

	for (int l = 0; l < 3 && !err; l++)
		json_array_foreach(sel->sel[l], i, it)
			if ((err = dg_store_published_add(st->store, st->series, label, dg_json_str(it, "key"))) < 0)
				break;
	return err;
}

/* Nothing to publish: no project, article or news item. */
static int empty(json_t *model)
{
	json_t *stats = json_object_get(model, "stats");

	return !json_integer_value(json_object_get(stats, "projects")) &&
	       !json_integer_value(json_object_get(stats, "articles")) &&
	       !json_integer_value(json_object_get(stats, "news"));
}

static void drop_facts(void *v)
{
	json_decref(v);
}

const dg_kind dg_kind_cnweekly = {
	.name = "cnweekly", .numbering = numbering, .collect = collect, .select = select_items, .gather = gather,
	.model = model, .draft = draft, .record = record, .empty = empty, .writer_items = writer_items,
	.drop_collected = drop_collected, .drop_selection = drop_selection, .drop_facts = drop_facts,
};
