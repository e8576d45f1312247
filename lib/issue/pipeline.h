/* pipeline.h - one issue of any kind, built stage by stage.
 *
 * A kind of issue (lib/issue/kinds.c) is a table of stages:
 *
 *   collect   the network and the editor's files -> the kind's data
 *   select    what the issue holds (may fetch facts of what was chosen)
 *   model     the digest model, the one jansson value the templates see
 *   record    what the issue leaves in the state store (published items)
 *
 * The pipeline runs them in that order with the issue's number between
 * select and model, and renders every format asked for (lib/issue/outputs.c).
 * When every issue of the run is built, all their files are written at once
 * (lib/base/fileset.h), and only then does each issue record its number and
 * the kind's state, in one transaction: a failure anywhere leaves every
 * output file and the store as they were. With `draft`, a kind that has an
 * editor's file writes that instead, and nothing is recorded.
 *
 * An issue built while some source failed says so in its model ("partial":
 * true, "failed_sources": [...]) and the templates show a note; when it
 * holds nothing at all (kind->empty), it is not written over a previous
 * issue of the same period. */
#ifndef DG_PIPELINE_H
#define DG_PIPELINE_H

#include <jansson.h>
#include "base/fileset.h"
#include "base/window.h"
#include "config/config.h"
#include "issue/numbering.h"
#include "net/http.h"
#include "store/store.h"

/* Output formats (--format). */
#define DG_FORMAT_MD   1u
#define DG_FORMAT_HTML 2u
#define DG_FORMAT_JSON 4u
#define DG_FORMAT_WXJSON 8u  /* wechat-json: the WeChat draft payload */

/* What the command line chose; everything borrowed. */
typedef struct dg_run {
	const dg_config *cfg;
	const dg_window *win;
	dg_http *http;
	dg_store *store;
	const char *out_dir;
	unsigned formats;        /* DG_FORMAT_* */
	int draft;               /* write the editor's file instead of the issue */
	const char *publish;     /* "wechat": send each issue to the WeChat draft box; NULL: none */
} dg_run;

struct dg_kind;

/* One issue being built. */
typedef struct dg_issue {
	const struct dg_kind *kind;
	const dg_run *run;
	char *series;            /* the store's key of the issue's series (lib/issue/series.h) */
	void *data;              /* the kind's own state (kind->clear frees it) */
	json_t *model;           /* set by kind->model */
	json_t *warnings;        /* array of strings, shown to the user (the model's "warnings") */
	json_t *notices;         /* those that a quiet run shows too; NULL when none */
	int number;              /* the issue's number, set before kind->model */
	json_t *failures;        /* the sources that could not be read (exit code 3): their
				    messages (new array owned by the issue) */
	dg_fileset *files;       /* what the run writes (shared by its issues) */
	dg_numbering nb;         /* how the number was found */
} dg_issue;

/* A kind's table, in this order: {name, collect, select, numbering, model,
 * draft, record, clear, empty} (NULL where a kind has no such stage). */
typedef struct dg_kind {
	const char *name;        /* "community", "cnweekly": file names, store keys, templates */
	int (*collect)(dg_issue *is);
	int (*select)(dg_issue *is);             /* NULL: nothing to choose */
	/* The reference of the numbering (date, number, period in weeks);
	 * the pipeline has filled in the rest. */
	void (*numbering)(const dg_issue *is, dg_numbering *nb);
	int (*model)(dg_issue *is);
	int (*draft)(dg_issue *is);              /* add the editor's file to is->files; NULL: none */
	int (*record)(dg_issue *is);             /* inside the store transaction; NULL: nothing */
	void (*clear)(dg_issue *is);             /* free is->data */
	int (*empty)(const dg_issue *is);        /* 1 when the model holds nothing to publish */
} dg_kind;

/* The kinds, in the order `--kind all` builds them; NULL-terminated. */
extern const dg_kind *const dg_kinds[];
/* A kind by name; NULL when unknown. */
const dg_kind *dg_kind_find(const char *name);
extern const dg_kind dg_kind_community;
extern const dg_kind dg_kind_cnweekly;

/* What a run of the pipeline leaves for the caller. */
typedef struct dg_issue_result {
	json_t *written;         /* paths of the files written (listed ones), new array */
	json_t *warnings;        /* of every issue built, in order; new array */
	json_t *notices;         /* those of the warnings that say an issue is not the one expected
				    (no number): shown even to a quiet run; new array */
	json_t *failures;        /* the failed sources' messages, in order; new array */
	int failed_sources;      /* their count */
	int publish_failed;      /* 1: dg_pipeline_run's error is --publish's alone: every file
				    was written and recorded, and `written` lists them */
} dg_issue_result;

/* Build one issue of each of `kinds` (NULL-terminated), write all their
 * files, then record each. 0, or <0 with a message (nothing written; the
 * warnings of the issues built so far are still in *res). */
int dg_pipeline_run(const dg_run *run, const dg_kind *const *kinds, dg_issue_result *res);
void dg_issue_result_clear(dg_issue_result *res);

/* The stages, one at a time: build an issue up to its files (added to
 * `files`); after the files are in place, record it; free it. */
int dg_issue_build(const dg_run *run, const dg_kind *kind, dg_fileset *files, dg_issue **out);
int dg_issue_record(dg_issue *is);
void dg_issue_free(dg_issue *is);

/* --format's list ("md,html") as DG_FORMAT_* bits: 0, or DG_ERR_CONFIG
 * naming the unknown format. */
int dg_outputs_formats(const char *list, unsigned *mask);

/* Render is->model in every format of run->formats into is->files
 * (lib/issue/outputs.c). */
int dg_outputs_render(dg_issue *is);

#endif
