#include "issue/numbering.h"
#include "base/date.h"
#include "base/err.h"

int64_t dg_issue_periods(int64_t ref, int64_t since, int period_weeks)
{
	int64_t period = (int64_t)(period_weeks > 0 ? period_weeks : 1) * 7 * 86400;
	int64_t diff = since - ref;

	return diff >= 0 ? (diff + 43200) / period : -((-diff + period - 43200 - 1) / period);
}

/* The configured reference: the start of the ISO week holding the date. */
static int configured(const dg_numbering *n, int64_t *ref)
{
	int y, wk;

	return n->reference_date && dg_date_parse_day(n->reference_date, n->timezone, ref) == 0 &&
	       dg_date_iso_week_of(*ref, n->timezone, &y, &wk) == 0 &&
	       dg_date_week_start(y, wk, n->timezone, ref) == 0;
}

int dg_issue_number(dg_store *store, const dg_numbering *n, int record, int *number)
{
	int64_t ref = 0, periods;
	int ref_number = n->reference_number, found = 0, max = 0, err;

	*number = 0;
	if (!configured(n, &ref)) {
		if ((found = dg_store_reference_get(store, n->series, &ref, &ref_number)) < 0)
			return found;
		if (!found) {
			/* This period is the first: after the numbers of an older store, if any. */
			if (dg_store_issue_max(store, n->series, &max) < 0)
				return DG_ERR_FAIL;
			ref = n->since;
			ref_number = max + 1;
			if (record && (err = dg_store_reference_put(store, n->series, ref, ref_number)) < 0)
				return err;
		}
	}
	periods = dg_issue_periods(ref, n->since, n->period_weeks);
	if (periods < 0 || periods > 1000000)
		return 0;
	*number = ref_number + (int)periods;
	return record ? dg_store_issue_put(store, n->series, n->period_label, *number) : 0;
}
