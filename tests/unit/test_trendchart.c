/* The trend chart's scales (lib/images/trendchart.h) and the ClickHouse
 * rows' counting (lib/history/history.h): zero weeks, one huge week, gaps. */
#include "check.h"
#include "base/err.h"
#include "config/config.h"
#include "history/history.h"
#include "images/trendchart.h"

#include <stdlib.h>

static json_t *week(const char *label, long long merged, long long people, long long fresh)
{
	return json_pack("{s:s, s:o, s:o, s:o}", "week", label,
			 "merged_prs", merged < 0 ? json_null() : json_integer(merged),
			 "contributors", people < 0 ? json_null() : json_integer(people),
			 "new_contributors", fresh < 0 ? json_null() : json_integer(fresh));
}

int main(void)
{
	dg_chart_scale s;

	dg_chart_scale_for(0, &s);
	CHECK(s.top > 0 && s.step > 0 && s.steps >= 2 && s.top == s.step * s.steps, "all weeks zero: a scale of %lld",
	      (long long)s.top);
	CHECK(dg_chart_bar_height(0, &s, 290) == 0, "a zero week has no bar");
	dg_chart_scale_for(46, &s);
	CHECK(s.top == 50 && s.step == 10 && s.steps == 5, "46 -> 0..50 by 10 (%lld by %lld)", (long long)s.top,
	      (long long)s.step);
	dg_chart_scale_for(3, &s);
	CHECK(s.top >= 3 && s.step == 1, "3 -> steps of 1 (%lld)", (long long)s.top);
	dg_chart_scale_for(100000, &s);
	CHECK(s.top == 100000 && s.steps >= 2 && s.steps <= 5, "one huge week: top %lld", (long long)s.top);
	CHECK(dg_chart_bar_height(100000, &s, 290) == 290, "the huge week fills the plot");
	CHECK(dg_chart_bar_height(1, &s, 290) == 3, "a week of 1 beside it stays visible (3 px)");
	dg_chart_scale_for(INT64_MAX, &s);
	CHECK(s.top >= INT64_MAX / 2 && s.step > 0, "the largest count has a scale");
	for (int64_t m = 1; m < 2000; m += 7) {
		dg_chart_scale_for(m, &s);
		if (s.top < m || s.steps < 2 || s.steps > 5 || s.top != s.step * s.steps) {
			CHECK(0, "a nice scale for %lld", (long long)m);
			break;
		}
	}
	CHECK(1, "every count 1..2000 has a top >= it in 2 to 5 steps");

	/* Gaps: a null week has no bar and breaks the lines. */
	json_t *trend = json_pack("{s:[o, o, o, o], s:s, s:{s:s, s:s, s:s}}", "weeks",
				  week("2021-W46", 10, 4, 1), week("2021-W47", -1, -1, -1),
				  week("2021-W48", 500, 30, -1), week("2021-W49", 0, 0, 0),
				  "title", "t", "words", "merged_prs", "m", "contributors", "c", "new_contributors", "n");
	json_t *ctx = dg_chart_context(trend);
	json_t *lines = json_object_get(ctx, "lines");
	CHECK(json_array_size(json_object_get(ctx, "bars")) == 3, "three bars for three known weeks");
	CHECK(json_array_size(json_object_get(ctx, "gaps")) == 1, "one gap drawn for the null week");
	CHECK(json_array_size(json_object_get(json_array_get(lines, 0), "segments")) == 2,
	      "the contributors' line is broken by the gap");
	CHECK(json_array_size(json_object_get(json_array_get(lines, 1), "segments")) == 2 &&
	      json_array_size(json_object_get(json_array_get(lines, 1), "dots")) == 2,
	      "the new contributors' line: two pieces, a dot per known week");
	CHECK(json_integer_value(json_object_get(json_array_get(json_object_get(ctx, "bars"), 2), "h")) == 0,
	      "a zero week's bar is 0 px");
	CHECK(dg_chart_context(NULL) == NULL, "no trend, no chart");
	json_decref(ctx);
	json_decref(trend);

	/* ClickHouse rows counted as the report counts: bots apart, a PR once. */
	{
		dg_config *cfg = NULL;
		dg_week w[2] = {{1000, 2000, -1, -1, -1}, {2000, 3000, -1, -1, -1}};
		const char rows[] =
			"{\"repo\":\"a/b\",\"number\":1,\"login\":\"ann\",\"merged\":1500,\"first_merged\":1500}\n"
			"{\"repo\":\"a/b\",\"number\":2,\"login\":\"ann\",\"merged\":1600,\"first_merged\":1500}\n"
			"{\"repo\":\"a/b\",\"number\":3,\"login\":\"dependabot[bot]\",\"merged\":1700,\"first_merged\":1700}\n"
			"{\"repo\":\"a/c\",\"number\":4,\"login\":\"bob\",\"merged\":\"2500\",\"first_merged\":\"10\"}\n";
		CHECK(dg_config_load(NULL, &cfg) == 0, "default config");
		CHECK(dg_clickhouse_count(cfg, rows, sizeof(rows) - 1, w, 2) == 0, "rows counted");
		CHECK(w[0].merged_prs == 3 && w[0].contributors == 1 && w[0].new_contributors == 1,
		      "week 1: 3 merged (a bot's too), 1 contributor, 1 new (%lld %lld %lld)", (long long)w[0].merged_prs,
		      (long long)w[0].contributors, (long long)w[0].new_contributors);
		CHECK(w[1].merged_prs == 1 && w[1].contributors == 1 && w[1].new_contributors == 0,
		      "week 2: quoted numbers read, an old first is not new");
		CHECK(dg_clickhouse_count(cfg, "Code: 60, e.displayText()\n", 26, w, 2) < 0,
		      "an error text is not rows: %s", dg_err_last());
		dg_config_free(cfg);
	}
	return check_done();
}
