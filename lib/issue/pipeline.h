/* pipeline.h - one issue of any kind, built stage by stage.
 *
 * Each stage is a function of what it is given and returns a new value;
 * none writes into what an earlier stage made:
 *
 *   collect   the network and the editor's files -> the kind's collected value
 *   select    collected -> what the issue holds (no request; the store is read)
 *   gather    the facts of what was selected (the network; optional)
 *   write     with [writer]: the kind's items told by the writer
 *             (lib/writer/), checked and kept; the model shows them with
 *             use = "issue", the editor's file offers them with --draft
 *   model     collected + selection + facts + the decided meta (number,
 *             warnings, failed sources) -> the model, complete: the one
 *             jansson value the templates see, read-only afterwards
 *   images    the pictures the outputs draw (avatars), fetched once
 *   outputs   model -> files (lib/issue/outputs.c), in every format asked for
 *   record    what the issue leaves in the state store (published items)
 *   publish   the WeChat draft box
 *
 * A kind of issue (lib/issue/kinds.c) is a table of its own stages. The
 * pipeline loads the run's resources once (the language's words, the
 * WeChat theme), runs each kind's stages in that order with the issue's
 * number decided between select and model, and renders every format.
 * When every issue of the run is built, all their files are written at
 * once (lib/base/fileset.h), and only then does each issue record its
 * number and the kind's state, in one transaction: a failure anywhere
 * leaves every output file and the store as they were. With `draft`, a
 * kind that has an editor's file writes that instead, and nothing is
 * recorded; a period still in progress is a preview: no number, nothing
 * recorded.
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
#include "images/visuals.h"
#include "issue/numbering.h"
#include "model/lang.h"
#include "model/model.h"
#include "net/http.h"
#include "render/theme.h"
#include "store/store.h"
#include "wechat/wechat.h"
#include "writer/writer.h"

/* Output formats (--format). */
#define DG_FORMAT_MD   1u
#define DG_FORMAT_HTML 2u
#define DG_FORMAT_JSON 4u
#define DG_FORMAT_WXJSON 8u  /* wechat-json: the WeChat draft payload */
#define DG_FORMAT_EML  16u   /* eml: the email edition (lib/issue/delivery.h) */

/* Delivery channels (--publish). */
#define DG_CHANNEL_WECHAT 1u
#define DG_CHANNEL_EMAIL  2u
#define DG_CHANNEL_NOTIFY 4u

/* What the command line chose; everything borrowed. */
typedef struct dg_run {
	const dg_config *cfg;
	const dg_window *win;
	dg_http *http;
	dg_store *store;
	const char *out_dir;
	unsigned formats;        /* DG_FORMAT_* */
	int draft;               /* write the editor's file instead of the issue */
	const char *publish;     /* --publish's list ("wechat,email,notify"); NULL: none */
	long long deadline_ms;   /* the run's end for drawing pictures from outside (dg_image_deadline); 0: none */
	int refresh;             /* --refresh: collect again even when a complete collection of the period is kept */
	unsigned channels;       /* --publish's list as DG_CHANNEL_* bits; 0: none */
	int resend;              /* --resend: deliver again what was delivered already */
} dg_run;

/* What a run loads once and every issue reads (lib/issue/resources.c). */
typedef struct dg_resources {
	dg_lang *lang;           /* templates/<lang>/strings.toml */
	dg_theme *theme;         /* the WeChat theme (digest.theme) */
	char *words[5];          /* the WeChat outputs' words: reference heading, copy, copied, failed,
				    reference separator */
	dg_wechat_words wechat;  /* pointing into words[] */
	dg_writer_prompt writer; /* the writer's instructions (templates/<lang>/writer.txt); text NULL: no writer */
	dg_writer_usage *writer_usage; /* what the run's writer used so far (the pipeline's) */
} dg_resources;

int dg_resources_load(const dg_config *cfg, dg_resources *res);
void dg_resources_clear(dg_resources *res);

/* What a kind's stage may read: borrowed, built by the pipeline. Pure stages
 * (select, model, draft) get http NULL: they cannot send a request. */
typedef struct dg_stage {
	const dg_config *cfg;
	const dg_window *win;
	const dg_resources *res;
	dg_store *store;
	dg_http *http;           /* collect and gather only */
	const char *series;      /* the store's key of the issue's series (lib/issue/series.h) */
	int draft;               /* --draft: the editor's file is the goal */
	json_t *warnings;        /* where a stage says what it could not do (the issue's list) */
	json_t *failures;        /* where collect and gather name the sources that failed */
	int refresh;             /* the run's --refresh (collect only) */
	json_t *writer;          /* the writer's texts by item id (draft only: suggestions); NULL: none */
} dg_stage;

/* A kind's table. Its values (collected, selection, facts) are its own
 * types, freed by its `drop` functions; NULL stages are skipped. */
typedef struct dg_kind {
	const char *name;        /* "community", "cnweekly": file names, store keys, templates */
	/* The reference of the numbering (date, number, weeks per issue). */
	void (*numbering)(const dg_config *cfg, const dg_window *win, dg_numbering *nb);
	int (*collect)(const dg_stage *st, void **collected);
	int (*select)(const dg_stage *st, const void *collected, void **selection);
	int (*gather)(const dg_stage *st, const void *selection, void **facts);
	int (*model)(const dg_stage *st, const void *collected, const void *selection, const void *facts,
		     const dg_model_meta *meta, json_t **model);
	/* The editor's file into `files`, instead of the issue; NULL: none. */
	int (*draft)(const dg_stage *st, const void *collected, const void *selection, json_t *model,
		     dg_fileset *files);
	int (*record)(const dg_stage *st, const void *selection);   /* inside the store transaction */
	int (*empty)(json_t *model);                                 /* 1: nothing to publish */
	/* What the writer tells: [{"id", "kind", "facts"}] (new); NULL: nothing. */
	json_t *(*writer_items)(const dg_stage *st, const void *collected, const void *selection, const void *facts);
	void (*drop_collected)(void *v), (*drop_selection)(void *v), (*drop_facts)(void *v);
} dg_kind;

/* The kinds, in the order `--kind all` builds them; NULL-terminated. */
extern const dg_kind *const dg_kinds[];
/* A kind by name; NULL when unknown. */
const dg_kind *dg_kind_find(const char *name);
extern const dg_kind dg_kind_community;
extern const dg_kind dg_kind_cnweekly;

/* An editor's file at `path` may be drafted: 0 when it does not exist,
 * else DG_ERR_FAIL ("PATH exists: not overwriting the editor's file"). */
int dg_editor_file_absent(const char *path);
/* Add the editor's file `text` (taken over) at `path` to `files` (listed). */
int dg_editor_file_add(dg_fileset *files, const char *path, char *text);

/* One issue being built: the values its stages returned, owned here. */
typedef struct dg_issue {
	const dg_kind *kind;
	const dg_run *run;
	const dg_resources *res;
	char *series;            /* the store's key of the issue's series */
	dg_numbering nb;         /* how the number is found */
	int number;              /* 0: none */
	void *collected, *selection, *facts;
	json_t *texts;           /* the writer's accepted texts by item id; NULL: no writer */
	json_t *model;           /* complete once built; read-only afterwards */
	dg_image_set avatars;    /* the pictures the outputs and the draft show */
	json_t *warnings;        /* shown to the user: the stages', the model's and the outputs' */
	json_t *notices;         /* those a quiet run shows too (no number); NULL when none */
	json_t *failures;        /* the sources that could not be read (exit code 3) */
	dg_fileset *files;       /* what the run writes (shared by its issues) */
	char *email;             /* the email edition (eml, --publish email); NULL: none */
	size_t email_len;
	char *feed_entry;        /* the Atom entry recorded with the issue (JSON); NULL: none */
} dg_issue;

/* What a run of the pipeline leaves for the caller. */
typedef struct dg_issue_result {
	json_t *written;         /* paths of the files written (listed ones), new array */
	json_t *warnings;        /* of every issue built, in order; new array */
	json_t *notices;         /* those of the warnings that say an issue is not the one expected
				    (no number): shown even to a quiet run; new array */
	json_t *failures;        /* the failed sources' messages, in order; new array */
	json_t *published;       /* one line per delivery ("wechat draft added: ID (community)", "email sent ..."); new array */
	int failed_sources;      /* their count */
	dg_writer_usage writer;  /* what the writer used (requests -1: no writer) */
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
int dg_issue_build(const dg_run *run, const dg_resources *res, const dg_kind *kind, dg_fileset *files,
		   dg_issue **out);
int dg_issue_record(dg_issue *is);
void dg_issue_free(dg_issue *is);

/* --format's list ("md,html") as DG_FORMAT_* bits: 0, or DG_ERR_CONFIG
 * naming the unknown format. */
int dg_outputs_formats(const char *list, unsigned *mask);

/* Render the issue's model in every format of run->formats into is->files
 * (lib/issue/outputs.c). Reads the model; warnings go to is->warnings. */
int dg_outputs_render(dg_issue *is);

#endif
