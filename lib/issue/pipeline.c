#include "issue/pipeline.h"
#include "base/err.h"

#include <stdlib.h>
#include <string.h>

/* The issue's number and the kind's state, in one transaction, once the
 * files are in place. */
static int record(dg_issue *is, const dg_numbering *nb)
{
	dg_store *store = is->run->store;
	int err, number;

	if ((err = dg_store_begin(store)) < 0)
		return err;
	err = dg_issue_number(store, nb, 1, &number);
	if (!err && is->kind->record)
		err = is->kind->record(is);
	if (!err)
		err = dg_store_commit(store);
	if (err < 0)
		dg_store_rollback(store);
	return err;
}

static int list_written(const dg_issue *is, dg_issue_result *res)
{
	if (!(res->written = json_array()))
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < is->files.n; i++) {
		char *path;
		if (!is->files.v[i].listed)
			continue;
		if (!(path = dg_fileset_path(&is->files, i)) ||
		    json_array_append_new(res->written, json_string(path)) < 0) {
			free(path);
			return dg_err_set(DG_ERR_NOMEM, "out of memory");
		}
		free(path);
	}
	return 0;
}

int dg_pipeline_run(const dg_run *run, const dg_kind *kind, dg_issue_result *res)
{
	dg_issue is;
	dg_numbering nb;
	int err;

	memset(res, 0, sizeof(*res));
	memset(&is, 0, sizeof(is));
	memset(&nb, 0, sizeof(nb));
	is.kind = kind;
	is.run = run;
	if (run->draft && !kind->draft) {
		err = dg_err_set(DG_ERR_CONFIG, "--draft: the %s issue has no editor's file", kind->name);
		goto done;
	}
	if ((err = kind->collect(&is)) < 0)
		goto done;
	if (kind->select && (err = kind->select(&is)) < 0)
		goto done;
	nb.kind = kind->name;
	nb.period_label = run->win->label;
	nb.since = run->win->since;
	nb.timezone = run->cfg->timezone;
	kind->numbering(&is, &nb);
	if ((err = dg_issue_number(run->store, &nb, 0, &is.number)) < 0)
		goto done;
	if ((err = kind->model(&is)) < 0)
		goto done;
	res->warnings = json_incref(is.warnings);
	res->failed_sources = is.failed_sources;
	if ((err = run->draft ? kind->draft(&is) : dg_outputs_render(&is)) < 0)
		goto done;
	if ((err = dg_fileset_commit(&is.files)) < 0)
		goto done;
	if (!run->draft && (err = record(&is, &nb)) < 0)
		goto done;
	err = list_written(&is, res);
done:
	if (kind->clear)
		kind->clear(&is);
	json_decref(is.model);
	json_decref(is.warnings);
	dg_fileset_clear(&is.files);
	return err;
}

void dg_issue_result_clear(dg_issue_result *res)
{
	json_decref(res->written);
	json_decref(res->warnings);
	memset(res, 0, sizeof(*res));
}
