#include "base/window.h"
#include "base/date.h"
#include "base/err.h"

#include <stdio.h>
#include <string.h>

int dg_window_weeks(const char *week, int weeks, const char *tz, int64_t now, dg_window *out)
{
	int y, w, y0, w0;
	int64_t start, end;

	memset(out, 0, sizeof(*out));
	if (week) {
		if (dg_date_parse_week(week, &y, &w) < 0) {
			if (strlen(week) == 8 && week[4] == '-' && (week[5] == 'W' || week[5] == 'w') &&
			    sscanf(week, "%4d-%*c%2d", &y, &w) == 2 && y > 0)
				return dg_err_set(DG_ERR_CONFIG, "week '%s' does not exist: %d has %d ISO weeks (W01 to W%d)",
						  week, y, dg_date_weeks_in_year(y), dg_date_weeks_in_year(y));
			return dg_err_set(DG_ERR_CONFIG, "week '%s': expected YYYY-Www, e.g. 2024-W22", week);
		}
	} else {
		/* The week holding `now` is incomplete: take the one before it. */
		if (dg_date_iso_week_of(now, tz, &y, &w) < 0 || dg_date_week_start(y, w, tz, &start) < 0 ||
		    dg_date_iso_week_of(start - 3 * 86400, tz, &y, &w) < 0)
			return dg_err_set(DG_ERR_FAIL, "cannot compute the last complete week");
	}
	if (dg_date_week_start(y, w, tz, &start) < 0 ||
	    dg_date_week_start(y, w, tz, &end) < 0)
		return dg_err_set(DG_ERR_FAIL, "cannot compute week %04d-W%02d in %s", y, w, tz);
	/* Next Monday: a week after, re-anchored to local midnight for DST. */
	{
		int ny, nw;
		if (dg_date_iso_week_of(start + 8 * 86400, tz, &ny, &nw) < 0 ||
		    dg_date_week_start(ny, nw, tz, &end) < 0)
			return dg_err_set(DG_ERR_FAIL, "cannot compute the end of week %04d-W%02d", y, w);
	}
	out->iso_year = y;
	out->week = w;
	out->weeks = weeks;
	out->until = end;
	if (weeks == 2) {
		if (dg_date_iso_week_of(start - 3 * 86400, tz, &y0, &w0) < 0 ||
		    dg_date_week_start(y0, w0, tz, &start) < 0)
			return dg_err_set(DG_ERR_FAIL, "cannot compute the week before %04d-W%02d", y, w);
		if (y0 == y)
			snprintf(out->label, sizeof(out->label), "%04d-W%02d-W%02d", y0, w0, w);
		else
			snprintf(out->label, sizeof(out->label), "%04d-W%02d-%04d-W%02d", y0, w0, y, w);
		snprintf(out->week_label, sizeof(out->week_label), "%04d-W%02d", y0, w0);
	} else {
		snprintf(out->label, sizeof(out->label), "%04d-W%02d", y, w);
		snprintf(out->week_label, sizeof(out->week_label), "%04d-W%02d", y, w);
	}
	out->since = start;
	return 0;
}

int dg_window_range(const char *since, const char *until, const char *tz, dg_window *out)
{
	int y1, m1, d1, y2, m2, d2, iy, iw;

	memset(out, 0, sizeof(*out));
	if (dg_date_parse_cli(since, tz, &out->since) < 0)
		return dg_err_set(DG_ERR_CONFIG, "--since '%s': expected YYYY-MM-DD or an RFC 3339 time", since);
	if (dg_date_parse_cli(until, tz, &out->until) < 0)
		return dg_err_set(DG_ERR_CONFIG, "--until '%s': expected YYYY-MM-DD or an RFC 3339 time", until);
	if (out->until <= out->since)
		return dg_err_set(DG_ERR_CONFIG, "--until '%s' must be after --since '%s'", until, since);
	dg_date_local_ymd(out->since, tz, &y1, &m1, &d1);
	dg_date_local_ymd(out->until, tz, &y2, &m2, &d2);
	dg_date_iso_week_of(out->since, tz, &iy, &iw);
	snprintf(out->week_label, sizeof(out->week_label), "%04d-W%02d", iy, iw);
	{
		dg_window wk;
		/* A range that is exactly one ISO week is named like --week. */
		if (dg_window_weeks(out->week_label, 1, tz, 0, &wk) == 0 && wk.since == out->since &&
		    wk.until == out->until) {
			*out = wk;
			return 0;
		}
	}
	snprintf(out->label, sizeof(out->label), "%04d-%02d-%02d--%04d-%02d-%02d", y1, m1, d1, y2, m2, d2);
	return 0;
}

int dg_window_against_now(dg_window *w, int64_t now, const char *tz)
{
	int y, m, d;

	w->in_progress = 0;
	if (w->since > now) {
		if (dg_date_local_ymd(w->since, tz, &y, &m, &d) < 0)
			return dg_err_set(DG_ERR_CONFIG, "the period %s has not started yet", w->label);
		return dg_err_set(DG_ERR_CONFIG, "the period %s has not started yet: it starts on %04d-%02d-%02d (%s)",
				  w->label, y, m, d, tz);
	}
	w->in_progress = w->until > now;
	return 0;
}
