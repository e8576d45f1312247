#include "issue/pipeline.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/output.h"
#include "base/progress.h"
#include "issue/series.h"
#include "publish/wechat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A model built while sources failed says so; one with nothing in it is
 * not written over an issue of the same period that exists. */
static int mark_partial(dg_issue *is)
{
	const dg_run *run = is->run;
	dg_buf path = DG_BUF_INIT;
	int exists;

	size_t failed = json_array_size(is->failures);

	json_object_set_new(is->model, "partial", json_boolean(failed > 0));
	json_object_set(is->model, "failed_sources", is->failures);
	json_object_set_new(is->model, "failed_count", json_integer((json_int_t)failed));
	json_object_set_new(is->model, "show_partial_note", json_boolean(failed > 0 && run->cfg->partial_note));
	if (!failed || run->draft || !is->kind->empty || !is->kind->empty(is))
		return 0;
	if (dg_buf_printf(&path, "%s/%s-%s.", run->out_dir, is->kind->name, run->win->label) < 0)
		return dg_buf_error(&path);
	exists = 0;
	for (const char *const *ext = (const char *const[]){"md", "json", "wechat.html", NULL}; *ext && !exists; ext++) {
		dg_buf f = DG_BUF_INIT;
		exists = dg_buf_printf(&f, "%s%s", dg_buf_cstr(&path), *ext) == 0 && access(dg_buf_cstr(&f), F_OK) == 0;
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

/* Every kind's model says "number": null when the period has none, with a
 * warning (the templates leave the number out). */
static int number_model(dg_issue *is)
{
	if (!is->warnings && !(is->warnings = json_array()))
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	if (is->number > 0)
		return json_object_set_new(is->model, "number", json_integer(is->number)) < 0 ? DG_ERR_NOMEM : 0;
	if (!is->run->win->in_progress && !is->run->draft) {
		dg_json_appendf(is->warnings, "%s %s: the period is before the reference of the issue numbers "
			"(%s), so the issue has no number", is->kind->name, is->nb.period_label,
			is->nb.reference_date ? "the configured reference_date" : "the first period recorded");
		if ((is->notices = json_array()))
			json_array_append(is->notices, json_array_get(is->warnings, json_array_size(is->warnings) - 1));
	}
	return json_object_set_new(is->model, "number", json_null()) < 0 ? DG_ERR_NOMEM : 0;
}

int dg_issue_build(const dg_run *run, const dg_kind *kind, dg_fileset *files, dg_issue **out)
{
	dg_issue *is = calloc(1, sizeof(*is));
	int err;

	if (!(*out = is))
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	is->kind = kind;
	is->run = run;
	is->files = files;
	if (!(is->failures = json_array()))
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	if (run->draft && !kind->draft)
		return dg_err_set(DG_ERR_CONFIG, "--draft: the %s issue has no editor's file", kind->name);
	/* The series first: what the store holds of it decides the number and,
	 * for some kinds, what may be chosen. */
	is->nb.period_label = run->win->label;
	is->nb.since = run->win->since;
	is->nb.timezone = run->cfg->timezone;
	kind->numbering(is, &is->nb);
	if (!(is->series = dg_series_name(run->cfg, kind->name, is->nb.period_weeks)))
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	is->nb.series = is->series;
	if ((err = dg_store_series_adopt(run->store, kind->name, is->series, is->nb.period_weeks > 1)) < 0)
		return err;
	if ((err = kind->collect(is)) < 0 || (kind->select && (err = kind->select(is)) < 0))
		return err;
	/* A preview (the period has not ended) takes no number. */
	if ((!run->win->in_progress && (err = dg_issue_number(run->store, &is->nb, 0, &is->number)) < 0) ||
	    (err = kind->model(is)) < 0 ||
	    (err = number_model(is)) < 0)
		return err;
	if ((err = mark_partial(is)) < 0)
		return err;
	dg_progress_phase("render");
	return run->draft ? kind->draft(is) : dg_outputs_render(is);
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
	if (!err && is->kind->record)
		err = is->kind->record(is);
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
	if (is->kind->clear)
		is->kind->clear(is);
	json_decref(is->model);
	json_decref(is->warnings);
	json_decref(is->notices);
	json_decref(is->failures);
	free(is->series);
	free(is);
}

static int list_written(const dg_fileset *files, json_t *written)
{
	for (size_t i = 0; i < files->n; i++) {
		char *path;
		if (!files->v[i].listed)
			continue;
		if (!(path = dg_fileset_path(files, i)) || json_array_append_new(written, json_string(path)) < 0) {
			free(path);
			return dg_err_set(DG_ERR_NOMEM, "out of memory");
		}
		free(path);
	}
	return 0;
}

/* After the files and the state: the issue into the WeChat draft box. */
static int publish(dg_issue *is, dg_issue_result *res)
{
	dg_publish_in in = {is->run->cfg, is->run->http, is->run->store, is->run->out_dir, is->kind->name,
			    is->series, is->run->win->label, is->model, res->warnings};
	char *media_id = NULL;
	int updated = 0, err;

	dg_progress_phase("publish");
	err = dg_publish_wechat(&in, &media_id, &updated);
	if (!err)
		printf("wechat draft %s: %s (%s)\n", updated ? "updated" : "added", media_id, is->kind->name);
	free(media_id);
	return err;
}

int dg_pipeline_run(const dg_run *run, const dg_kind *const *kinds, dg_issue_result *res)
{
	dg_fileset files = DG_FILESET_INIT;
	dg_issue *issues[8] = {0};
	size_t n = 0;
	int err = 0;

	memset(res, 0, sizeof(*res));
	res->written = json_array();
	res->warnings = json_array();
	res->notices = json_array();
	res->failures = json_array();
	if (!res->written || !res->warnings || !res->notices || !res->failures)
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	if (!run->draft && (err = check_writable(run->out_dir)) < 0)
		return err;
	if (run->publish && (err = dg_publish_wechat_preflight(run->cfg, run->http)) < 0)
		return err;
	for (; kinds[n] && n < sizeof(issues) / sizeof(issues[0]) && !err; n++) {
		err = dg_issue_build(run, kinds[n], &files, &issues[n]);
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
	/* The files are in place and recorded: a publish failure does not undo them. */
	for (size_t i = 0; i < n && !err && run->publish; i++)
		res->publish_failed = (err = publish(issues[i], res)) < 0;
	for (size_t i = 0; i < n; i++)
		dg_issue_free(issues[i]);
	dg_fileset_clear(&files);
	return err;
}

void dg_issue_result_clear(dg_issue_result *res)
{
	json_decref(res->written);
	json_decref(res->warnings);
	json_decref(res->notices);
	json_decref(res->failures);
	memset(res, 0, sizeof(*res));
}
