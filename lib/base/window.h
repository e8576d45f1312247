/* window.h - the period a digest covers: [since, until), half-open.
 *
 * Weeks are ISO weeks in the config's timezone (Monday 00:00 local to the
 * next Monday 00:00); a biweekly window is the two weeks ending with the
 * given week. The label names output files: "2024-W22", "2024-W21-W22", or
 * "2024-05-01--2024-05-08" for an arbitrary range. */
#ifndef DG_WINDOW_H
#define DG_WINDOW_H

#include <stdint.h>

typedef struct dg_window {
	int64_t since, until;
	int iso_year, week;      /* the (last) ISO week; 0 for arbitrary ranges */
	int weeks;               /* 1, 2, or 0 for an arbitrary range */
	char label[48];
	char week_label[16];     /* "2024-W22": the ISO week holding `since` */
	int in_progress;         /* the period has not ended yet (dg_window_against_now) */
} dg_window;

/* `week` = "YYYY-Www", or NULL for the last complete week before `now`.
 * `weeks` = 1 (weekly) or 2 (biweekly). DG_ERR_CONFIG on a malformed week. */
int dg_window_weeks(const char *week, int weeks, const char *tz, int64_t now, dg_window *out);

/* --since/--until: "YYYY-MM-DD" (local midnight) or RFC 3339. */
int dg_window_range(const char *since, const char *until, const char *tz, dg_window *out);

/* Hold the period against `now`: DG_ERR_CONFIG saying when it starts when
 * it has not started; sets w->in_progress when it has not ended (an issue
 * of it is a preview). Dates are told in `tz`. */
int dg_window_against_now(dg_window *w, int64_t now, const char *tz);

#endif
