/* trendchart.h - the trends section's chart: the model's weekly series
 * drawn from templates/trend.svg.mustache (users may override it) to PNG.
 *
 * 750 px wide (twice a 375 px phone screen, so text stays 11 px or more
 * there), bars for merged pull requests with their values, lines for active
 * and new contributors; a week with no count is a gap (no bar, the lines
 * broken, a dash). One scale for the three: contributors never outnumber
 * merged pull requests. */
#ifndef DG_TRENDCHART_H
#define DG_TRENDCHART_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "config/config.h"
#include "store/store.h"

/* The value axis for values up to `max` (<= 0: all weeks zero or unknown):
 * a step of 1, 2 or 5 times a power of ten and the top, a multiple of it,
 * with 2 to 5 steps; top >= max; never 0. */
typedef struct dg_chart_scale {
	int64_t top, step;
	int steps;
} dg_chart_scale;
void dg_chart_scale_for(int64_t max, dg_chart_scale *out);

/* The height in pixels of a bar of `value` on a plot `plot_h` high: 0 for 0,
 * at least 3 for any value above 0 (a small week beside a huge one stays
 * visible), plot_h at the top. */
int dg_chart_bar_height(int64_t value, const dg_chart_scale *s, int plot_h);

/* The template's context for the model's "trend" (see trend.svg.mustache);
 * new reference, NULL when the model has no trend. */
json_t *dg_chart_context(json_t *trend);

/* The model's trend chart as PNG (*png caller frees; NULL when the model
 * has no trend): from the store when the same SVG was drawn before (kept
 * under "chart-png" by the SVG's hash and the encoder, like the
 * certificates), else drawn and kept. `store` may be NULL. 0 or <0 naming
 * the template. */
int dg_visuals_trend(const dg_config *cfg, dg_store *store, json_t *model, char **png, size_t *len);

#endif
