#include "issue/numbering.h"
#include "base/date.h"
#include "base/err.h"

int dg_issue_number(dg_store *store, const dg_numbering *n, int record, int *number)
{
	int found = dg_store_issue_get(store, n->kind, n->period_label, number), max = 0;
	int64_t ref;
	int y, wk;

	if (found < 0)
		return found;
	if (found)
		return 0;
	*number = 0;
	if (n->reference_date && dg_date_parse_day(n->reference_date, n->timezone, &ref) == 0 &&
	    dg_date_iso_week_of(ref, n->timezone, &y, &wk) == 0 &&
	    dg_date_week_start(y, wk, n->timezone, &ref) == 0) {
		int64_t period = (int64_t)(n->period_weeks > 0 ? n->period_weeks : 1) * 7 * 86400;
		int64_t diff = n->since - ref;
		/* Floor division, with half a day of slack for DST-shortened weeks. */
		int64_t periods = diff >= 0 ? (diff + 43200) / period : -((-diff + period - 43200 - 1) / period);
		*number = n->reference_number + (int)periods;
	}
	if (*number < 1) {
		if (dg_store_issue_max(store, n->kind, &max) < 0)
			return DG_ERR_FAIL;
		*number = max + 1;
	}
	return record ? dg_store_issue_put(store, n->kind, n->period_label, *number) : 0;
}
