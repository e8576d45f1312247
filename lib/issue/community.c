/* The community report: the org's releases, merged pull requests, new
 * contributors and events of the period (lib/github/), modelled by
 * lib/model/model.c. */
#include "issue/pipeline.h"
#include "github/collect.h"
#include "model/model.h"

static int collect(dg_issue *is)
{
	const dg_run *run = is->run;
	dg_collect_result res = {0};
	int err = dg_collect_community(run->cfg, run->http, run->store, run->win->since, run->win->until, &res);

	if (err < 0)
		return err;
	is->data = res.data;
	is->failed_sources += res.failed_sources;
	json_array_extend(is->failures, res.failures);
	json_decref(res.failures);
	return 0;
}

static void numbering(const dg_issue *is, dg_numbering *nb)
{
	const dg_config *cfg = is->run->cfg;

	nb->reference_date = cfg->report_reference_date;
	nb->reference_number = cfg->report_reference_number;
	nb->period_weeks = is->run->win->weeks > 0 ? is->run->win->weeks : 1;
}

static int model(dg_issue *is)
{
	int err = dg_model_community(is->run->cfg, is->run->win, is->data, is->number, &is->model);

	if (err == 0)
		is->warnings = json_incref(json_object_get(is->model, "warnings"));
	return err;
}

static void clear(dg_issue *is)
{
	json_decref(is->data);
	is->data = NULL;
}

/* Nothing to publish: no release, no merged pull request, no event. */
static int empty(const dg_issue *is)
{
	json_t *stats = json_object_get(is->model, "stats"), *events = json_object_get(is->model, "events");

	return !json_integer_value(json_object_get(stats, "releases")) &&
	       !json_integer_value(json_object_get(stats, "merged_pulls")) &&
	       !json_array_size(json_object_get(events, "past")) && !json_array_size(json_object_get(events, "upcoming"));
}

const dg_kind dg_kind_community = {"community", collect, NULL, numbering, model, NULL, NULL, clear, empty};
