/* writer.h - the writer: each item of an issue told in the language
 * by an OpenAI-compatible chat API, checked, and kept in the state store.
 *
 * One request (POST {api_url}/chat/completions, JSON mode, not streamed)
 * carries up to `batch` items, {"language", "items": [{"id", "kind",
 * "facts"}]} serialised into the user message; the system message is the
 * instructions (templates/<lang>/writer.txt). The answer's content is
 * {"items": [{"id", "text"}]}. Each text passes dg_writer_check
 * (writer/wcheck.h) or the item keeps the facts' text, with a warning
 * naming it. Answers (and refusals) are kept by (api_url, model, the
 * instructions' version, the language, the item's id, kind and facts): a
 * re-run sends no request, and an offline run uses only what is kept.
 *
 * The key (the variable named by key_env; unset or empty: none) goes only
 * as "Authorization: Bearer" with these POSTs to api_url (a POST is never
 * redirected), and is scrubbed from every answer and message
 * (dg_http_add_secret). */
#ifndef DG_WRITER_H
#define DG_WRITER_H

#include <jansson.h>
#include "net/http.h"
#include "store/store.h"

/* What the writer reads of the config (built in lib/issue/stageopts.c); borrowed. */
typedef struct dg_writer_opts {
	const char *api_url;     /* writer.api_url: the base, without /chat/completions */
	const char *model;       /* writer.model */
	const char *key_env;     /* writer.key_env */
	const char *language;    /* digest.language */
	int batch;               /* writer.batch: items per request */
	int max_requests;        /* writer.max_requests: per run */
} dg_writer_opts;

/* The instructions (the system message) and their version (a hash of the
 * text): loaded once per run. */
typedef struct dg_writer_prompt {
	char *text;
	char version[20];
} dg_writer_prompt;

/* templates/<language>/writer.txt, from templates_dir first (NULL: none). 0 or <0. */
int dg_writer_prompt_load(const char *templates_dir, const char *language, dg_writer_prompt *p);
void dg_writer_prompt_clear(dg_writer_prompt *p);

/* What a run's writer did, for the summary line. */
typedef struct dg_writer_usage {
	long requests;           /* requests answered or failed (not counting retries) */
	long tokens;             /* the answers' usage.total_tokens */
	long kept;               /* items answered from the store */
	long requests_left;      /* of max_requests, for the issues still to come; -1: not started */
} dg_writer_usage;

/* Tell `items` ([{"id": s, "kind": s, "facts": {...}}], borrowed). *texts
 * is a new object id -> accepted text (items refused, unanswered or not
 * asked keep the facts' text: they are absent). A refused or missing item
 * adds a warning naming it; a request that failed (down, refused, a
 * malformed answer, the budget used up) adds one line to `failures` naming
 * the writer (for 401/403 also key_env). Returns 0, or <0 only when the
 * store cannot be read. */
int dg_writer_run(const dg_writer_opts *o, const dg_writer_prompt *prompt, dg_http *http, dg_store *store,
		  json_t *items, json_t *warnings, json_t *failures, dg_writer_usage *usage, json_t **texts);

/* One tiny request (digest doctor): 0 when the API answers in JSON mode,
 * else <0 with a message naming the writer. */
int dg_writer_probe(const dg_writer_opts *o, dg_http *http);

#endif
