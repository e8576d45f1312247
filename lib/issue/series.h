/* series.h - which series of issues an issue belongs to.
 *
 * A series is one kind of issue, of one community, at one cadence: the
 * community report of github.orgs = ["acme"] every week is one series, the
 * same report every two weeks another, another org's report a third. The
 * state store keys what belongs to a series by this name: issue numbers and
 * their reference, items already published, the WeChat draft of a period.
 * So two configs sharing a state directory never affect each other, and a
 * weekly and a biweekly number independently.
 *
 * The name is readable: "community/org:acme,repo:other/tool/w1" (the orgs
 * and extra repositories lowercased and sorted; the config's order and case
 * do not matter). */
#ifndef DG_SERIES_H
#define DG_SERIES_H

#include "config/config.h"
#include "store/store.h"

/* The series name of `kind` ("community", "cnweekly") for the config's
 * community at one issue every `period_weeks` weeks; caller frees (never
 * NULL). */
char *dg_series_name(const dg_config *cfg, const char *kind, int period_weeks);

#endif
