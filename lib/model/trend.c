/* The trends section of the community report: the weeks' series (the
 * history's, the issue's own weeks counted by the report), the change of
 * merged pull requests against the previous period, the chart's words and
 * its file name. */
#include "model/model.h"
#include "base/buf.h"
#include "base/jsonx.h"
#include "model/lang.h"
#include "model/modelint.h"

#include <stdlib.h>

/* The sum of merged_prs of weeks [from, to); -1 when one is not known. */
static json_int_t merged_sum(json_t *weeks, size_t from, size_t to)
{
	json_int_t sum = 0;

	for (size_t i = from; i < to; i++) {
		json_t *v = json_object_get(json_array_get(weeks, i), "merged_prs");
		if (!json_is_integer(v))
			return -1;
		sum += json_integer_value(v);
	}
	return sum;
}

int dg_model_trend(const dg_lang *lang, const char *kind, const dg_window *w, json_t *weeks, size_t n_own,
		   json_t *model)
{
	size_t n = json_array_size(weeks);
	json_int_t cur = n >= n_own ? merged_sum(weeks, n - n_own, n) : -1;
	json_int_t prev = n >= 2 * n_own ? merged_sum(weeks, n - 2 * n_own, n - n_own) : -1;
	json_t *change = json_object(), *trend;
	dg_buf text = DG_BUF_INIT, image = DG_BUF_INIT;
	char *sentence, *title, *w_merged, *w_contributors, *w_new, *alt;
	int err = 0;

	json_object_set_new(change, "merged_prs", cur >= 0 ? json_integer(cur) : json_null());
	json_object_set_new(change, "previous", prev >= 0 ? json_integer(prev) : json_null());
	if (cur >= 0 && prev > 0) {
		/* rounded half away from zero */
		json_int_t d = cur - prev, pct = (d * 200 / prev + (d >= 0 ? 1 : -1)) / 2;
		json_object_set_new(change, "percent", json_integer(pct));
		dg_buf_printf(&text, "%s%lld%%", pct >= 0 ? "+" : "", (long long)pct);
	} else {
		json_object_set_new(change, "percent", json_null());
	}
	json_object_set_new(change, "text", text.len ? dg_model_buf_string(&text) : json_null());
	sentence = dg_lang_say(lang, "trends.sentence",
			       json_pack("{s:I, s:b, s:s, s:I}", "merged_prs", cur >= 0 ? cur : 0, "has_change",
					 text.len > 0, "change", dg_buf_cstr(&text), "weeks", (json_int_t)n), &err);
	title = dg_lang_say(lang, "trends.title", json_pack("{s:I}", "weeks", (json_int_t)n), &err);
	w_merged = dg_lang_say(lang, "trends.merged_prs", json_object(), &err);
	w_contributors = dg_lang_say(lang, "trends.contributors", json_object(), &err);
	w_new = dg_lang_say(lang, "trends.new_contributors", json_object(), &err);
	alt = dg_lang_say(lang, "trends.alt", json_pack("{s:I}", "weeks", (json_int_t)n), &err);
	dg_buf_printf(&image, "%s-%s.trend.png", kind, w->label);
	if (err >= 0) {
		trend = json_pack("{s:O, s:o, s:s, s:s, s:s, s:{s:s, s:s, s:s}}", "weeks", weeks, "change", change,
				  "sentence", sentence, "title", title, "alt", alt,
				  "words", "merged_prs", w_merged, "contributors", w_contributors,
				  "new_contributors", w_new);
		change = NULL;
		json_object_set_new(trend, "image", dg_model_buf_string(&image));
		json_object_set_new(model, "trend", trend);
		json_object_set_new(json_object_get(model, "has"), "trend", json_true());
	}
	json_decref(change);
	dg_buf_free(&text);
	dg_buf_free(&image);
	free(sentence);
	free(title);
	free(w_merged);
	free(w_contributors);
	free(w_new);
	free(alt);
	return err;
}
