#include "model.h"
#include "date.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>

static json_t *window_json(const dg_config *cfg, const dg_window *w)
{
	char since[DG_DATE_RFC3339_LEN], until[DG_DATE_RFC3339_LEN];

	dg_date_format_utc(w->since, since);
	dg_date_format_utc(w->until, until);
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "since", since, "until", until,
			 "week", w->week_label, "label", w->label, "weeks", w->weeks,
			 "timezone", cfg->timezone);
}

int dg_model_community(const dg_config *cfg, const dg_window *w, json_t *data, json_t **out)
{
	json_t *m, *stats;
	const char *key;
	json_t *v;

	*out = NULL;
	stats = json_pack("{s:I, s:I, s:I, s:I}",
			  "merged_pulls", (json_int_t)json_array_size(json_object_get(data, "merged_pulls")),
			  "contributors", (json_int_t)json_array_size(json_object_get(data, "contributors")),
			  "new_contributors", (json_int_t)json_array_size(json_object_get(data, "new_contributors")),
			  "releases", (json_int_t)json_array_size(json_object_get(data, "releases")));
	m = json_pack("{s:s, s:s, s:s, s:o}", "kind", "community",
		      "title", cfg->community_title ? cfg->community_title : cfg->title,
		      "language", cfg->language, "window", window_json(cfg, w));
	if (!m || !stats) {
		json_decref(m);
		json_decref(stats);
		return dg_err_set(DG_ERR_NOMEM, "out of memory building the model");
	}
	json_object_foreach(data, key, v)
		json_object_set(m, key, v);
	json_object_set_new(m, "stats", stats);
	/* warnings last: easiest to find at the end of the JSON */
	if ((v = json_object_get(data, "warnings"))) {
		json_incref(v);
		json_object_del(m, "warnings");
		json_object_set_new(m, "warnings", v);
	}
	*out = m;
	return 0;
}

char *dg_model_dump(json_t *model)
{
	char *s = json_dumps(model, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII * 0);
	char *out;
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	if (!(out = realloc(s, n + 2))) {
		free(s);
		return NULL;
	}
	out[n] = '\n';
	out[n + 1] = '\0';
	return out;
}
