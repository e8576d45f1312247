/* numbering.h - issue numbers ("第 N 期").
 *
 * An issue keeps the number the store gave it. A new one is numbered from a
 * reference: the issue whose period holds `reference_date` is
 * `reference_number`, and the number grows by one every `period_weeks`
 * weeks. Without a reference, the next number after the highest recorded. */
#ifndef DG_NUMBERING_H
#define DG_NUMBERING_H

#include <stdint.h>
#include "store/store.h"

typedef struct dg_numbering {
	const char *kind;            /* "community", "cnweekly" */
	const char *period_label;    /* the window's label, e.g. "2024-W22" */
	int64_t since;               /* the window's start */
	const char *reference_date;  /* "YYYY-MM-DD" or NULL */
	int reference_number;
	int period_weeks;            /* 1 weekly, 2 biweekly */
	const char *timezone;
} dg_numbering;

/* Set *number; with `record`, remember it in the store. */
int dg_issue_number(dg_store *store, const dg_numbering *n, int record, int *number);

#endif
