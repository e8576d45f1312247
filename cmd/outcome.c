/* What a run says: see outcome.h. */
#include "outcome.h"
#include "base/buf.h"
#include "base/datadir.h"
#include "base/date.h"
#include "base/err.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dg_outcome_no_config(void)
{
	char *example = NULL, *real = NULL;

	if (dg_datadir_find(NULL, ".", "config.example.toml", &example) == 1)
		real = realpath(example, NULL);
	fprintf(stderr, "digest: no config file (--config FILE, $DIGEST_CONFIG, ./digest.toml or "
			"$XDG_CONFIG_HOME/digest/config.toml)\n"
			"digest: to start, write one for your org:  digest init --org YOUR-ORG\n");
	if (real || example)
		dg_term_print("or copy the example to ./digest.toml and edit it: ", real ? real : example);
	free(real);
	free(example);
	return 2;
}

void dg_outcome_preview(const dg_window *win, const char *tz)
{
	int y = 0, m = 0, d = 0;

	dg_date_local_ymd(win->until, tz, &y, &m, &d);
	fprintf(stderr, "digest: warning: the period %s is still in progress (it ends on %04d-%02d-%02d, %s): "
			"this is a preview, titled as one, with no number, and nothing is recorded\n",
		win->label, y, m, d, tz);
}

static void lines(FILE *f, json_t *list)
{
	size_t i;
	json_t *l;

	json_array_foreach(list, i, l) {
		dg_term_put(f, json_string_value(l));
		fputc('\n', f);
	}
}

void dg_outcome_print(const dg_issue_result *res, int err, int quiet, dg_http *http, const char *out_dir)
{
	size_t i, written = json_array_size(res->written);
	json_t *msg;
	char summary[512];

	/* With -q: the failed sources, one line each (a cron mail says what
	 * failed and why), and what makes the issue other than expected. */
	json_array_foreach(quiet ? res->failures : res->warnings, i, msg)
		dg_term_print(quiet ? "failed: " : "warning: ", json_string_value(msg));
	if (quiet)
		json_array_foreach(res->notices, i, msg)
			dg_term_print("warning: ", json_string_value(msg));
	if (err < 0 && res->publish_failed) {
		char head[160];
		snprintf(head, sizeof(head), "the issue was written (%zu file%s) and recorded; publishing failed: ",
			 written, written == 1 ? "" : "s");
		dg_term_print(head, dg_err_last());
	} else if (err < 0) {
		dg_term_print("", dg_err_last());
	}
	if (http && !quiet) {
		dg_http_format_summary(http, summary, sizeof(summary));
		if (res->writer.requests_left >= 0) {
			size_t n = strlen(summary);
			snprintf(summary + n, sizeof(summary) - n, "; writer: %ld request%s, %ld tokens, %ld kept answer%s",
				 res->writer.requests, res->writer.requests == 1 ? "" : "s", res->writer.tokens,
				 res->writer.kept, res->writer.kept == 1 ? "" : "s");
		}
		dg_term_print("", summary);
	}
	if ((err == 0 || res->publish_failed) && !quiet)
		lines(stdout, res->written);
	lines(stdout, res->published);
	if (err == 0 && res->failed_sources) {
		dg_buf b = DG_BUF_INIT;
		dg_buf_printf(&b, "%d source%s failed; the digest was written to %s (%zu file%s) without them",
			      res->failed_sources, res->failed_sources == 1 ? "" : "s", out_dir, written,
			      written == 1 ? "" : "s");
		dg_term_print("", dg_buf_error(&b) == 0 ? dg_buf_cstr(&b) : "some sources failed");
		dg_buf_free(&b);
	}
}
