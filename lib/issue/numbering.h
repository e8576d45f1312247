/* numbering.h - issue numbers ("第 N 期").
 *
 * A number is a function of the period alone: the issue whose period holds
 * the reference is the reference's number, and the number grows by one
 * every `period_weeks` weeks. The reference is `reference_date` /
 * `reference_number` from the config; without them, the first period ever
 * recorded for the series (number 1, or one past the highest number a store
 * from before references holds), remembered in the store. A period before
 * the reference has no number (0). Nothing depends on the order of runs,
 * and a run that records nothing changes nothing. */
#ifndef DG_NUMBERING_H
#define DG_NUMBERING_H

#include <stdint.h>
#include "store/store.h"

typedef struct dg_numbering {
	const char *series;          /* the store's key: lib/issue/series.h */
	const char *period_label;    /* the window's label, e.g. "2024-W22" */
	int64_t since;               /* the window's start */
	const char *reference_date;  /* "YYYY-MM-DD" or NULL */
	int reference_number;
	int period_weeks;            /* 1 weekly, 2 biweekly */
	const char *timezone;
} dg_numbering;

/* Set *number (0: the period is before the reference); with `record`,
 * remember it, and the reference when the store had none. 0 or <0. */
int dg_issue_number(dg_store *store, const dg_numbering *n, int record, int *number);

/* Periods from `ref` to `since` (both period starts), rounded down, with
 * half a day of slack for weeks shortened by a DST change. */
int64_t dg_issue_periods(int64_t ref, int64_t since, int period_weeks);

#endif
