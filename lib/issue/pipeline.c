#include "issue/pipeline.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/output.h"
#include "base/progress.h"
#include "issue/delivery.h"
#include "issue/series.h"
#include "issue/stageopts.h"
#include "publish/draftbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An issue that holds nothing because its sources failed is not written
 * over an issue of the same period that exists. */
static int keep_good(const dg_issue *is)
{
	const dg_run *run = is->run;
	dg_buf path = DG_BUF_INIT;
	size_t failed = json_array_size(is->failures);
	int exists;

	if (!failed || run->draft || !is->kind->empty || !is->kind->empty(is->model))
		return 0;
	/* no cap on `path` and `f`: their appends cannot fail */
	dg_buf_printf(&path, "%s/%s-%s.", run->out_dir, is->kind->name, run->win->label);
	exists = 0;
	for (const char *const *ext = (const char *const[]){"md", "json", "wechat.html", NULL}; *ext && !exists; ext++) {
		dg_buf f = DG_BUF_INIT;
		dg_buf_printf(&f, "%s%s", dg_buf_cstr(&path), *ext);
		exists = access(dg_buf_cstr(&f), F_OK) == 0;
		dg_buf_free(&f);
	}
	dg_buf_free(&path);
	if (!exists)
		return 0;
	return dg_err_set(DG_ERR_FAIL, "the %s issue %s: nothing was collected (%d source%s failed): "
			  "the issue already written for that period is kept", is->kind->name, run->win->label,
			  (int)failed, failed == 1 ? "" : "s");
}

/* Fail before any request when the output cannot be written. */
static int check_writable(const char *dir)
{
	int err = dg_output_mkdirs(dir);

	if (err < 0)
		return err;
	if (access(dir, W_OK | X_OK) < 0)
		return dg_err_set(DG_ERR_FAIL, "%s: cannot write there: %s", dir, strerror(errno));
	return 0;
}

/* The issue's number, decided before the model: none for a preview; none,
 * with a warning a quiet run shows too, for a period before the reference. */
static int decide_number(dg_issue *is)
{
	const dg_run *run = is->run;
	int err;

	if (run->win->in_progress)
		return 0;
	if ((err = dg_issue_number(run->store, &is->nb, 0, &is->number)) < 0 || is->number > 0 || run->draft)
		return err;
	dg_json_appendf(is->warnings, "%s %s: the period is before the reference of the issue numbers (%s), so the "
			"issue has no number", is->kind->name, is->nb.period_label,
			is->nb.reference_date ? "the configured reference_date" : "the first period recorded");
	is->notices = json_array();
	json_array_append(is->notices, json_array_get(is->warnings, json_array_size(is->warnings) - 1));
	return 0;
}

/* The pictures the outputs draw, fetched once the model names them and
 * before any output: the new contributors' avatars, when the issue shows a
 * poster or is published. */
static int fetch_images(dg_issue *is)
{
	const dg_run *run = is->run;

	if (run->draft || (!(run->channels & DG_CHANNEL_WECHAT) && !json_is_string(json_object_get(is->model, "poster"))) ||
	    !json_array_size(json_object_get(is->model, "new_contributors")))
		return 0;
	dg_progress_phase("images");
	return dg_visuals_avatars_until(run->cfg, is->model, run->http, run->store, run->deadline_ms, &is->avatars);
}

/* The writer's step: the kind's items told, checked, kept (lib/writer/);
 * only where its texts are used (use = "issue", or --draft's suggestions). */
static int write_items(dg_issue *is, const dg_stage *net)
{
	const dg_config *cfg = is->run->cfg;
	dg_writer_opts o = dg_stage_writer_opts(cfg);
	json_t *items;
	int err;

	if (!cfg->wr_on || !is->res->writer.text || !is->kind->writer_items ||
	    (!is->run->draft && strcmp(cfg->wr_use, "issue")))
		return 0;
	items = is->kind->writer_items(net, is->collected, is->selection, is->facts);
	if (!json_array_size(items)) {
		json_decref(items);
		return 0;
	}
	dg_progress_phase("writer");
	err = dg_writer_run(&o, &is->res->writer, is->run->http, is->run->store, items, is->warnings, is->failures,
			    is->res->writer_usage, &is->texts);
	json_decref(items);
	return err;
}

int dg_issue_build(const dg_run *run, const dg_resources *res, const dg_kind *kind, dg_fileset *files,
		   dg_issue **out)
{
	dg_issue *is = dg_calloc(1, sizeof(*is));
	dg_stage net, pure;
	dg_model_meta meta;
	int err;

	*out = is;
	is->kind = kind;
	is->run = run;
	is->res = res;
	is->files = files;
	is->failures = json_array();
	is->warnings = json_array();
	if (run->draft && !kind->draft)
		return dg_err_set(DG_ERR_CONFIG, "--draft: the %s issue has no editor's file", kind->name);
	/* The series first: what the store holds of it decides the number and,
	 * for some kinds, what may be chosen. */
	is->nb.period_label = run->win->label;
	is->nb.since = run->win->since;
	is->nb.timezone = run->cfg->timezone;
	kind->numbering(run->cfg, run->win, &is->nb);
	is->series = dg_series_name(run->cfg, kind->name, is->nb.period_weeks);
	is->nb.series = is->series;
	if ((err = dg_store_series_adopt(run->store, kind->name, is->series, is->nb.period_weeks > 1)) < 0)
		return err;
	net = (dg_stage){run->cfg, run->win, res, run->store, run->http, is->series, run->draft, is->warnings,
			 is->failures, run->refresh, NULL};
	pure = net;
	pure.http = NULL;
	pure.refresh = 0;
	if ((err = kind->collect(&net, &is->collected)) < 0 ||
	    (kind->select && (err = kind->select(&pure, is->collected, &is->selection)) < 0) ||
	    (kind->gather && (err = kind->gather(&net, is->selection, &is->facts)) < 0) ||
	    (err = write_items(is, &net)) < 0 || (err = decide_number(is)) < 0)
		return err;
	meta = (dg_model_meta){is->number, is->warnings, is->failures, NULL, NULL};
	if (is->texts && !run->draft && !strcmp(run->cfg->wr_use, "issue")) {
		meta.texts = is->texts;
		/* the note, when a text of the writer's is shown ("": the language's) */
		if (json_object_size(is->texts))
			meta.note = run->cfg->wr_note ? run->cfg->wr_note : "";
	}
	pure.writer = is->texts;
	if ((err = kind->model(&pure, is->collected, is->selection, is->facts, &meta, &is->model)) < 0)
		return err;
	/* From here the model is read, never written: its warnings are the issue's so far. */
	json_array_clear(is->warnings);
	json_array_extend(is->warnings, json_object_get(is->model, "warnings"));
	if ((err = keep_good(is)) < 0)
		return err;
	if (run->draft) {
		dg_progress_phase("render");
		return kind->draft(&pure, is->collected, is->selection, is->model, files);
	}
	if ((err = fetch_images(is)) < 0)
		return err;
	dg_progress_phase("render");
	return dg_outputs_render(is);
}

/* The issue's number and the kind's state, in one transaction. */
int dg_issue_record(dg_issue *is)
{
	dg_store *store = is->run->store;
	int err, number;

	if (is->run->draft || is->run->win->in_progress)
		return 0;  /* an editor's file, a preview: nothing to remember */
	if ((err = dg_store_begin(store)) < 0)
		return err;
	err = dg_issue_number(store, &is->nb, 1, &number);
	if (!err && is->kind->record) {
		dg_stage st = {is->run->cfg, is->run->win, is->res, store, NULL, is->series, 0, is->warnings,
			       is->failures, 0, NULL};
		err = is->kind->record(&st, is->selection);
	}
	if (!err)
		err = dg_delivery_record(is);
	if (!err)
		err = dg_store_commit(store);
	if (err < 0)
		dg_store_rollback(store);
	return err;
}

void dg_issue_free(dg_issue *is)
{
	if (!is)
		return;
	if (is->collected)
		is->kind->drop_collected(is->collected);
	if (is->selection)
		is->kind->drop_selection(is->selection);
	if (is->facts)
		is->kind->drop_facts(is->facts);
	dg_image_set_clear(&is->avatars);
	json_decref(is->texts);
	json_decref(is->model);
	json_decref(is->warnings);
	json_decref(is->notices);
	json_decref(is->failures);
	free(is->email);
	free(is->feed_entry);
	free(is->series);
	free(is);
}

static int list_written(const dg_fileset *files, json_t *written)
{
	for (size_t i = 0; i < files->n; i++) {
		char *path;
		if (!files->v[i].listed)
			continue;
		path = dg_fileset_path(files, i);
		/* --out may name a folder in any bytes: json_string refuses what is no UTF-8 */
		if (json_array_append_new(written, json_string(path)) < 0) {
			dg_err_set(DG_ERR_FAIL, "%s: written, but the path is not valid UTF-8", path);
			free(path);
			return DG_ERR_FAIL;
		}
		free(path);
	}
	return 0;
}

/* After the files and the state: the issue into the WeChat draft box. */
static int publish(dg_issue *is, dg_issue_result *res)
{
	dg_publish_in in = {is->run->cfg, is->run->http, is->run->store, is->run->out_dir, is->kind->name,
			    is->series, is->run->win->label, is->model, is->res->lang, &is->avatars, res->warnings,
			    is->run->deadline_ms};
	char *media_id = NULL;
	int updated = 0, err;

	dg_progress_phase("publish");
	if ((err = dg_publish_wechat(&in, &media_id, &updated)) == 0)
		dg_json_appendf(res->published, "wechat draft %s: %s (%s)", updated ? "updated" : "added", media_id,
				is->kind->name);
	free(media_id);
	return err;
}

/* Every issue to every channel of the run; one error naming each that failed. */
static int publish_all(dg_issue **issues, size_t n, dg_issue_result *res)
{
	dg_buf failed = DG_BUF_INIT;
	int nfailed = 0, err = 0;

	for (size_t i = 0; i < n; i++) {
		const dg_run *run = issues[i]->run;
		int wechat_ok = 0;
		if (run->channels & DG_CHANNEL_WECHAT) {
			if (publish(issues[i], res) < 0) {
				(void)dg_buf_printf(&failed, "%s%s", failed.len ? "; " : "", dg_err_last());
				nfailed++;
			} else {
				wechat_ok = 1;
			}
		}
		nfailed += dg_delivery_send(issues[i], res, wechat_ok ? dg_json_str(issues[i]->model, "title") : NULL,
					    &failed);
	}
	if (nfailed) {
		/* one failure keeps its own message (and its class) */
		err = nfailed == 1 ? dg_err_set(DG_ERR_FAIL, "%s", dg_buf_cstr(&failed))
				   : dg_err_set(DG_ERR_FAIL, "--publish: %d deliveries failed: %s", nfailed,
						dg_buf_cstr(&failed));
		res->publish_failed = 1;
	}
	dg_buf_free(&failed);
	return err;
}

int dg_pipeline_run(const dg_run *run, const dg_kind *const *kinds, dg_issue_result *res)
{
	dg_fileset files = DG_FILESET_INIT;
	dg_issue *issues[8] = {0};
	dg_resources resources;
	size_t n = 0;
	int err = 0;

	memset(res, 0, sizeof(*res));
	res->written = json_array();
	res->warnings = json_array();
	res->notices = json_array();
	res->failures = json_array();
	res->published = json_array();
	res->writer.requests_left = -1;
	if (!run->draft && (err = check_writable(run->out_dir)) < 0)
		return err;
	/* Words and theme once, before any request: a broken one costs no quota. */
	if ((err = dg_resources_load(run->cfg, &resources)) < 0) {
		dg_resources_clear(&resources);
		return err;
	}
	resources.writer_usage = &res->writer;
	if (((run->channels & DG_CHANNEL_WECHAT) && (err = dg_publish_wechat_preflight(run->cfg, run->http)) < 0) ||
	    (run->channels && (err = dg_delivery_preflight(run->cfg, run->channels, run->http)) < 0)) {
		dg_resources_clear(&resources);
		return err;
	}
	for (; kinds[n] && n < sizeof(issues) / sizeof(issues[0]) && !err; n++) {
		err = dg_issue_build(run, &resources, kinds[n], &files, &issues[n]);
		if (issues[n] && issues[n]->warnings)
			json_array_extend(res->warnings, issues[n]->warnings);
		if (issues[n] && issues[n]->notices)
			json_array_extend(res->notices, issues[n]->notices);
		if (issues[n])
			json_array_extend(res->failures, issues[n]->failures);
	}
	res->failed_sources = (int)json_array_size(res->failures);
	if (!err) {
		dg_progress_phase("write");
		err = dg_fileset_commit(&files);
	}
	for (size_t i = 0; i < n && !err; i++)
		err = dg_issue_record(issues[i]);
	if (!err)
		err = list_written(&files, res->written);
	/* The files are in place and recorded: a publish failure does not undo
	 * them, and one channel failing does not stop the others. */
	if (!err && run->channels)
		err = publish_all(issues, n, res);
	for (size_t i = 0; i < n; i++)
		dg_issue_free(issues[i]);
	dg_fileset_clear(&files);
	dg_resources_clear(&resources);
	return err;
}

void dg_issue_result_clear(dg_issue_result *res)
{
	json_decref(res->written);
	json_decref(res->warnings);
	json_decref(res->notices);
	json_decref(res->failures);
	json_decref(res->published);
	memset(res, 0, sizeof(*res));
}
