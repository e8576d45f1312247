/* The community report: the org's releases, merged pull requests, new
 * contributors and events of the period (lib/github/), modelled by
 * lib/model/model.c. */
#include "issue/pipeline.h"
#include "base/text.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/output.h"
#include "github/collect.h"
#include "model/model.h"

#include <stdlib.h>
#include <string.h>

/* What a complete collection of this period gave, kept in the store under
 * the period, the API and the config file's exact bytes: an offline
 * re-render parses that one value instead of every cached response. Any
 * change of the config makes another key. */
static char *collected_key(const dg_run *run)
{
	char *text = NULL;
	size_t len = 0;
	dg_buf key = DG_BUF_INIT;
	int err;

	if (run->cfg->path && dg_output_read_file(run->cfg->path, 16u << 20, &text, &len) < 0)
		len = 0;
	err = dg_buf_printf(&key, "%lld..%lld %s %016llx-%zu", (long long)run->win->since, (long long)run->win->until,
			    run->cfg->api_url, (unsigned long long)dg_text_hash(text, len), len);
	free(text);
	dg_err_clear();
	if (err < 0) {
		dg_buf_free(&key);
		return NULL;
	}
	return dg_buf_detach(&key);
}

static int collect(dg_issue *is)
{
	const dg_run *run = is->run;
	dg_collect_result res = {0};
	char *key = collected_key(run), *kept = NULL;
	size_t len;
	int err;

	if (key && dg_http_offline(run->http) &&
	    dg_store_kept_get(run->store, "collected-community", key, &kept, &len) == 1 &&
	    (is->data = json_loadb(kept, len, 0, NULL))) {
		free(kept);
		free(key);
		return 0;
	}
	free(kept);
	err = dg_collect_community(run->cfg, run->http, run->store, run->win->since, run->win->until, &res);
	if (err < 0) {
		free(key);
		return err;
	}
	/* Kept only once complete: every source read, the period over. */
	if (key && !json_array_size(res.failures) && !dg_http_offline(run->http) && !run->win->in_progress) {
		char *dump = json_dumps(res.data, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (!dump || dg_store_kept_put(run->store, "collected-community", key, dump, strlen(dump)) < 0)
			dg_err_clear(); /* a cache that cannot be written costs time, not correctness */
		free(dump);
	}
	free(key);
	is->data = res.data;
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
