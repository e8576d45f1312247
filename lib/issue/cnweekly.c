/* The Cloud Native Weekly (云原生周刊): candidates from the feed list
 * (lib/feeds/) and GitHub (lib/github/weekly.h), chosen by the editor's file
 * or automatically (lib/select/weekly.h), modelled by lib/model/weekly.c;
 * what an issue published is recorded so that no later issue repeats it. */
#include "base/buf.h"
#include "base/err.h"
#include "base/progress.h"
#include "base/jsonx.h"
#include "feeds/feedlist.h"
#include "feeds/fetch.h"
#include "feeds/picks.h"
#include "github/weekly.h"
#include "issue/pipeline.h"
#include "model/model.h"
#include "net/collector.h"
#include "select/weekly.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct cnweekly {
	dg_collector col;
	json_t *feeds;           /* the feed list */
	json_t *picks;           /* the editor's file, or NULL */
	char *picks_path;
	dg_feed_items items;     /* article and news candidates */
	json_t *projects;        /* project candidates */
	json_t *facts;           /* lower-case repo -> repository object */
	json_t *latest;          /* lower-case repo -> latest release or null */
	json_t *sel[3];          /* chosen projects, articles, news */
} cnweekly;

enum { PROJECTS, ARTICLES, NEWS };

/* <cnweekly.picks_dir>/<label>.toml */
static char *picks_path(const dg_config *cfg, const dg_window *w)
{
	size_t n = strlen(cfg->cn_picks_dir) + strlen(w->label) + 8;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s.toml", cfg->cn_picks_dir, w->label);
	return p;
}

static int collect(dg_issue *is)
{
	const dg_run *run = is->run;
	const dg_config *cfg = run->cfg;
	cnweekly *c = calloc(1, sizeof(*c));
	size_t i;
	json_t *p;
	int err;

	if (!(is->data = c))
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	if ((err = dg_collector_init(&c->col, cfg, run->http, run->store, run->win->since, run->win->until)) < 0)
		return err;
	if (!(c->picks_path = picks_path(cfg, run->win)))
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	if (run->draft) {
		struct stat st;
		if (stat(c->picks_path, &st) == 0) /* never overwrite the editor's work */
			return dg_err_set(DG_ERR_FAIL, "%s exists: not overwriting the editor's file (remove it to draft again)",
					  c->picks_path);
	}
	c->items.articles = json_array();
	c->items.news = json_array();
	c->projects = json_array();
	c->facts = json_object();
	c->latest = json_object();
	if ((err = dg_feedlist_load(cfg, &c->feeds)) < 0)
		return err;
	if ((err = dg_picks_load(c->picks_path, &c->picks)) < 0)
		return err;

	dg_progress_phase("feeds, releases, projects");
	dg_feeds_fetch(&c->col, c->feeds, &c->items);
	dg_gh_watched_releases(&c->col, c->items.news);
	dg_gh_watched_advisories(&c->col, c->items.news);
	if (!c->picks && cfg->cn_max_projects > 0)
		dg_gh_project_search(&c->col, c->facts, c->projects);
	json_array_foreach(json_object_get(c->picks, "projects"), i, p)
		if (*dg_json_str(p, "repo"))
			dg_gh_repo_facts(&c->col, dg_json_str(p, "repo"), c->facts);
	if ((err = dg_http_run(run->http)) < 0 || (err = dg_model_release_news(cfg, c->items.news)) < 0)
		return err;
	dg_json_sort(c->items.articles, dg_select_cmp_newest);
	dg_select_rank_news(cfg, c->items.news);
	dg_select_rank_projects(cfg, run->win->until, c->projects);
	return 0;
}

static dg_select selection(const dg_issue *is)
{
	cnweekly *c = is->data;
	dg_select s = {is->run->store, is->series, is->run->win->label, c->picks_path, c->facts,
		       c->col.warnings};
	return s;
}

static int select_items(dg_issue *is)
{
	const dg_config *cfg = is->run->cfg;
	cnweekly *c = is->data;
	dg_select s = selection(is);
	json_t *seen = json_object(), *p;
	size_t i;

	if (c->picks) {
		c->sel[PROJECTS] = dg_select_editor(&s, json_object_get(c->picks, "projects"), c->projects, "project", seen);
		c->sel[ARTICLES] = dg_select_editor(&s, json_object_get(c->picks, "articles"), c->items.articles, "article", seen);
		c->sel[NEWS] = dg_select_editor(&s, json_object_get(c->picks, "news"), c->items.news, "news", seen);
	} else {
		c->sel[PROJECTS] = dg_select_auto(&s, c->projects, cfg->cn_max_projects, seen);
		c->sel[NEWS] = dg_select_auto(&s, c->items.news, cfg->cn_max_news, seen);
		c->sel[ARTICLES] = dg_select_auto(&s, c->items.articles, cfg->cn_max_articles, seen);
	}
	json_decref(seen);
	/* Facts of the chosen projects: their latest release. */
	json_array_foreach(c->sel[PROJECTS], i, p)
		if (*dg_json_str(p, "repo"))
			dg_gh_latest_release(&c->col, dg_json_str(p, "repo"), c->latest);
	dg_progress_phase("latest releases");
	return dg_http_run(is->run->http);
}

static void numbering(const dg_issue *is, dg_numbering *nb)
{
	const dg_config *cfg = is->run->cfg;

	nb->reference_date = cfg->cn_reference_date;
	nb->reference_number = cfg->cn_reference_number;
	nb->period_weeks = cfg->cn_period_weeks;
}

/* The items the editor has still to write in the issue's language, in one warning. */
static void warn_to_write(const dg_config *cfg, json_t *to_write, json_t *warnings)
{
	dg_buf b = DG_BUF_INIT;
	size_t i;
	json_t *it;

	if (!json_array_size(to_write))
		return;
	dg_buf_printf(&b, "%zu item(s) have no %s paragraph yet (a sentence from the facts stands in):",
		      json_array_size(to_write), cfg->language);
	json_array_foreach(to_write, i, it)
		dg_buf_printf(&b, "%s %s \"%s\"", i ? "," : "", dg_json_str(it, "section"), dg_json_str(it, "item"));
	if (dg_buf_error(&b) == 0)
		dg_json_appendf(warnings, "%s", dg_buf_cstr(&b));
	dg_buf_free(&b);
}

static int model(dg_issue *is)
{
	cnweekly *c = is->data;
	dg_weekly_input in = {c->sel[PROJECTS], c->sel[ARTICLES], c->sel[NEWS], c->latest,
			      c->picks ? json_string_value(json_object_get(c->picks, "headline")) : NULL,
			      is->number, c->items.total, c->items.read,
			      c->col.warnings,
			      c->picks ? json_string_value(json_object_get(c->picks, "lead")) : NULL};
	int err;

	if (c->items.total && !c->items.read)
		dg_json_appendf(c->col.warnings, "no feed could be read");
	if ((err = dg_model_weekly(is->run->cfg, is->run->win, &in, &is->model)) < 0)
		return err;
	warn_to_write(is->run->cfg, json_object_get(is->model, "to_write"), c->col.warnings);
	json_object_set(is->model, "warnings", c->col.warnings);
	is->warnings = json_incref(c->col.warnings);
	json_array_extend(is->failures, c->col.failures);
	return 0;
}

/* The editor's file, pre-filled: more than an issue holds, never what was published. */
static int draft(dg_issue *is)
{
	const dg_config *cfg = is->run->cfg;
	cnweekly *c = is->data;
	dg_select s = selection(is);
	json_t *seen = json_object(), *candidates;
	const char *slash = strrchr(c->picks_path, '/');
	char *text = NULL, *dir;
	int err;

	candidates = json_pack("{s:O, s:o, s:o, s:o}", "headline", json_object_get(is->model, "headline"),
		"projects", dg_select_auto(&s, c->projects, 3 * cfg->cn_max_projects, seen),
		"articles", dg_select_auto(&s, c->items.articles, 3 * cfg->cn_max_articles, seen),
		"news", dg_select_auto(&s, c->items.news, 3 * cfg->cn_max_news, seen));
	json_decref(seen);
	if (!candidates)
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	err = dg_picks_draft(candidates, is->run->win->label, &text);
	json_decref(candidates);
	if (err < 0)
		return err;
	if (!(dir = slash ? strndup(c->picks_path, (size_t)(slash - c->picks_path)) : strdup("."))) {
		free(text);
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	}
	err = dg_fileset_add(is->files, *dir ? dir : "/", slash ? slash + 1 : c->picks_path, text, strlen(text), 1);
	free(dir);
	return err;
}

/* What this issue publishes: cleared first so that a re-render is the same issue. */
static int record(dg_issue *is)
{
	cnweekly *c = is->data;
	dg_store *store = is->run->store;
	const char *label = is->run->win->label;
	size_t i;
	json_t *it;
	int err = dg_store_published_clear(store, is->series, label);

	for (int l = 0; l < 3 && !err; l++)
		json_array_foreach(c->sel[l], i, it)
			if ((err = dg_store_published_add(store, is->series, label, dg_json_str(it, "key"))) < 0)
				break;
	return err;
}

static void clear(dg_issue *is)
{
	cnweekly *c = is->data;

	if (!c)
		return;
	dg_collector_clear(&c->col);
	json_decref(c->feeds);
	json_decref(c->picks);
	free(c->picks_path);
	json_decref(c->items.articles);
	json_decref(c->items.news);
	json_decref(c->projects);
	json_decref(c->facts);
	json_decref(c->latest);
	for (int l = 0; l < 3; l++)
		json_decref(c->sel[l]);
	free(c);
	is->data = NULL;
}

/* Nothing to publish: no project, article or news item. */
static int empty(const dg_issue *is)
{
	json_t *stats = json_object_get(is->model, "stats");

	return !json_integer_value(json_object_get(stats, "projects")) &&
	       !json_integer_value(json_object_get(stats, "articles")) &&
	       !json_integer_value(json_object_get(stats, "news"));
}

const dg_kind dg_kind_cnweekly = {"cnweekly", collect, select_items, numbering, model, draft, record, clear, empty};
