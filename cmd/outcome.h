/* outcome.h - what a run says on its way and at its end: warnings, the
 * files written, the request summary, a preview, a missing config. Every
 * line through cmd/term.h, so server text is escaped. */
#ifndef DG_OUTCOME_H
#define DG_OUTCOME_H

#include "base/window.h"
#include "issue/pipeline.h"
#include "net/http.h"

/* No config file anywhere: where the example is and how to run init.
 * Returns the exit code (2). */
int dg_outcome_no_config(void);

/* The period is still in progress: one warning, printed even with -q (a
 * preview is not the issue a cron job expects). */
void dg_outcome_preview(const dg_window *win, const char *tz);

/* The end of a run that got as far as the pipeline (`err` its result,
 * `http` NULL when it was not created): the warnings (with -q the failed
 * sources and the notices), the error, the request summary, the files
 * written (stdout), the WeChat drafts, what failed. */
void dg_outcome_print(const dg_issue_result *res, int err, int quiet, dg_http *http, const char *out_dir);

#endif
