/* The trend chart's geometry (pure, unit-tested) and its drawing. */
#include "images/trendchart.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/text.h"
#include "images/image.h"
#include "render/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHART_W 750
#define CHART_H 520
#define PLOT_L 80
#define PLOT_R 730
#define PLOT_T 150
#define PLOT_B 440

void dg_chart_scale_for(int64_t max, dg_chart_scale *out)
{
	static const int64_t mult[] = {1, 2, 5};
	int64_t pow10 = 1;

	if (max < 1)
		max = 1;
	for (;;) {
		for (size_t i = 0; i < 3; i++) {
			int64_t step = mult[i] * pow10;
			int64_t steps = max / step + (max % step != 0);
			if (steps <= 5) {
				if (steps < 2)
					steps = 2;
				out->step = step;
				out->steps = (int)steps;
				out->top = step * steps;
				return;
			}
		}
		if (pow10 > INT64_MAX / 100) {   /* no nicer step left: the largest */
			out->step = max / 5 + 1;
			out->steps = 5;
			out->top = out->step > INT64_MAX / 5 ? INT64_MAX : out->step * 5;
			return;
		}
		pow10 *= 10;
	}
}

int dg_chart_bar_height(int64_t value, const dg_chart_scale *s, int plot_h)
{
	double h;

	if (value <= 0 || plot_h <= 0)
		return 0;
	h = (double)value / (double)s->top * plot_h;
	if (h > plot_h)
		h = plot_h;
	return h < 3 ? 3 : (int)(h + 0.5);
}

static json_t *str_int(int64_t v)
{
	char b[32];

	snprintf(b, sizeof(b), "%lld", (long long)v);
	return json_string(b);
}

/* One series as line segments between known weeks, and its dots. */
static json_t *line(json_t *weeks, const char *key, const dg_chart_scale *s, double slot, const char *color,
		    const char *word, int legend_x)
{
	json_t *segments = json_array(), *dots = json_array(), *w;
	dg_buf pts = DG_BUF_INIT;   /* no cap */
	size_t i;

	json_array_foreach(weeks, i, w) {
		json_t *v = json_object_get(w, key);
		if (!json_is_integer(v)) {
			if (pts.len)
				json_array_append_new(segments, json_pack("{s:s%}", "points", dg_buf_cstr(&pts), pts.len));
			dg_buf_clear(&pts);
			continue;
		}
		int x = PLOT_L + (int)(slot * (double)i + slot / 2);
		int y = PLOT_B - dg_chart_bar_height(json_integer_value(v), s, PLOT_B - PLOT_T);
		dg_buf_printf(&pts, "%s%d,%d", pts.len ? " " : "", x, y);
		json_array_append_new(dots, json_pack("{s:i, s:i}", "cx", x, "cy", y));
	}
	if (pts.len)
		json_array_append_new(segments, json_pack("{s:s%}", "points", dg_buf_cstr(&pts), pts.len));
	dg_buf_free(&pts);
	return json_pack("{s:s, s:s, s:o, s:o, s:i, s:i}", "color", color, "word", word, "segments", segments,
			 "dots", dots, "legend_x", legend_x, "legend_text_x", legend_x + 34);
}

json_t *dg_chart_context(json_t *trend)
{
	json_t *weeks = json_object_get(trend, "weeks"), *words = json_object_get(trend, "words"), *w;
	json_t *bars, *ticks, *xlabels, *gaps;
	size_t n = json_array_size(weeks), i;
	int64_t max = 0;
	dg_chart_scale s;
	double slot;
	size_t every;

	if (!json_is_object(trend) || !n)
		return NULL;
	bars = json_array();
	ticks = json_array();
	xlabels = json_array();
	gaps = json_array();
	json_array_foreach(weeks, i, w) {
		const char *keys[] = {"merged_prs", "contributors", "new_contributors"};
		for (size_t k = 0; k < 3; k++) {
			json_t *v = json_object_get(w, keys[k]);
			if (json_is_integer(v) && json_integer_value(v) > max)
				max = json_integer_value(v);
		}
	}
	dg_chart_scale_for(max, &s);
	slot = (double)(PLOT_R - PLOT_L) / (double)n;
	/* A week label is about 50 px wide at 24 px: every k-th when they crowd. */
	every = (size_t)(56.0 / slot) + 1;
	for (int k = 0; k <= s.steps; k++) {
		int y = PLOT_B - (int)((double)(PLOT_B - PLOT_T) * k / s.steps + 0.5);
		json_array_append_new(ticks, json_pack("{s:i, s:o}", "y", y, "label", str_int(s.step * k)));
	}
	json_array_foreach(weeks, i, w) {
		json_t *v = json_object_get(w, "merged_prs");
		const char *label = dg_json_str(w, "week");
		const char *wk = strchr(label, 'W');
		int cx = PLOT_L + (int)(slot * (double)i + slot / 2);
		int bw = (int)(slot * 0.6);

		if ((n - 1 - i) % every == 0)
			json_array_append_new(xlabels, json_pack("{s:i, s:s}", "x", cx, "label", wk ? wk : label));
		if (!json_is_integer(v)) {
			json_array_append_new(gaps, json_pack("{s:i, s:i}", "x", cx, "y", PLOT_B - 8));
			continue;
		}
		int h = dg_chart_bar_height(json_integer_value(v), &s, PLOT_B - PLOT_T);
		json_array_append_new(bars, json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:o, s:b}", "x", cx - bw / 2,
						      "y", PLOT_B - h, "w", bw < 2 ? 2 : bw, "h", h, "vx", cx,
						      "vy", PLOT_B - h - 8, "value", str_int(json_integer_value(v)),
						      "show", slot >= 40));
	}
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:O?, s:o, s:o, s:o, s:o, s:[o, o], s:s, s:i}",
			 "width", CHART_W, "height", CHART_H, "plot_l", PLOT_L, "plot_r", PLOT_R, "plot_b", PLOT_B,
			 "label_y", PLOT_B + 40,
			 "title", json_object_get(trend, "title"), "ticks", ticks, "bars", bars, "xlabels", xlabels,
			 "gaps", gaps, "lines",
			 line(weeks, "contributors", &s, slot, "#242e42", dg_json_str(words, "contributors"), 230),
			 line(weeks, "new_contributors", &s, slot, "#f5a623", dg_json_str(words, "new_contributors"), 500),
			 "merged_word", dg_json_str(words, "merged_prs"), "legend_y", 100);
}

int dg_visuals_trend(const dg_config *cfg, dg_store *store, json_t *model, char **png, size_t *len)
{
	json_t *ctx = dg_chart_context(json_object_get(model, "trend"));
	char *svg = NULL, key[64];
	int err;

	*png = NULL;
	*len = 0;
	if (!ctx)
		return 0;
	json_object_set_new(ctx, "language", json_string(cfg->language));
	if ((err = dg_render_svg(cfg, "trend.svg.mustache", ctx, &svg)) < 0)
		goto done;
	/* The SVG, the scale and the encoder ("p3": libpng, no filter, zlib 3). */
	snprintf(key, sizeof(key), "%016llx-%zu-1-p3", (unsigned long long)dg_text_hash(svg, strlen(svg)), strlen(svg));
	if (store && dg_store_kept_get(store, "chart-png", key, png, len) == 1)
		goto done;
	dg_err_clear();
	if ((err = dg_image_svg_to_png(svg, strlen(svg), 1.0, "trend.svg.mustache", png, len)) == 0 && store &&
	    dg_store_kept_put(store, "chart-png", key, *png, *len) < 0)
		dg_err_clear();   /* a cache that cannot be written costs time, not correctness */
done:
	free(svg);
	json_decref(ctx);
	return err;
}
