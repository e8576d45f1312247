#include "issue/pipeline.h"
#include "base/err.h"
#include "base/jsonx.h"

#include <stdlib.h>
#include <string.h>

/* Every kind's model says "number": null when the period has none, with a
 * warning (the templates leave the number out). */
static int number_model(dg_issue *is)
{
	if (!is->warnings && !(is->warnings = json_array()))
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	if (is->number > 0)
		return json_object_set_new(is->model, "number", json_integer(is->number)) < 0 ? DG_ERR_NOMEM : 0;
	dg_json_appendf(is->warnings, "%s %s: the period is before the reference of the issue numbers "
			"(%s), so the issue has no number", is->kind->name, is->nb.period_label,
			is->nb.reference_date ? "the configured reference_date" : "the first period recorded");
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
	if (run->draft && !kind->draft)
		return dg_err_set(DG_ERR_CONFIG, "--draft: the %s issue has no editor's file", kind->name);
	if ((err = kind->collect(is)) < 0 || (kind->select && (err = kind->select(is)) < 0))
		return err;
	is->nb.kind = kind->name;
	is->nb.period_label = run->win->label;
	is->nb.since = run->win->since;
	is->nb.timezone = run->cfg->timezone;
	kind->numbering(is, &is->nb);
	if ((err = dg_issue_number(run->store, &is->nb, 0, &is->number)) < 0 || (err = kind->model(is)) < 0 ||
	    (err = number_model(is)) < 0)
		return err;
	return run->draft ? kind->draft(is) : dg_outputs_render(is);
}

/* The issue's number and the kind's state, in one transaction. */
int dg_issue_record(dg_issue *is)
{
	dg_store *store = is->run->store;
	int err, number;

	if (is->run->draft)
		return 0;
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

int dg_pipeline_run(const dg_run *run, const dg_kind *const *kinds, dg_issue_result *res)
{
	dg_fileset files = DG_FILESET_INIT;
	dg_issue *issues[8] = {0};
	size_t n = 0;
	int err = 0;

	memset(res, 0, sizeof(*res));
	res->written = json_array();
	res->warnings = json_array();
	if (!res->written || !res->warnings)
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	for (; kinds[n] && n < sizeof(issues) / sizeof(issues[0]) && !err; n++) {
		err = dg_issue_build(run, kinds[n], &files, &issues[n]);
		if (issues[n] && issues[n]->warnings)
			json_array_extend(res->warnings, issues[n]->warnings);
		if (issues[n])
			res->failed_sources += issues[n]->failed_sources;
	}
	if (!err)
		err = dg_fileset_commit(&files);
	for (size_t i = 0; i < n && !err; i++)
		err = dg_issue_record(issues[i]);
	if (!err)
		err = list_written(&files, res->written);
	for (size_t i = 0; i < n; i++)
		dg_issue_free(issues[i]);
	dg_fileset_clear(&files);
	return err;
}

void dg_issue_result_clear(dg_issue_result *res)
{
	json_decref(res->written);
	json_decref(res->warnings);
	memset(res, 0, sizeof(*res));
}
