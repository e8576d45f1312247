/* collector.h - what every collector of one run shares.
 *
 * Both kinds of issue collect through one of these: the config, the HTTP
 * client, the state store, the window [since, until), the API base and the
 * sources that could not be read (each counted and named in a warning; they
 * make the exit code 3). Collectors queue requests with dg_collector_get and
 * keep their own results; dg_http_run (lib/net/http.h) runs them. */
#ifndef DG_COLLECTOR_H
#define DG_COLLECTOR_H

#include <jansson.h>
#include <stdint.h>
#include "config/config.h"
#include "net/http.h"
#include "store/store.h"

typedef struct dg_collector {
	const dg_config *cfg;
	dg_http *http;
	dg_store *store;
	int64_t since, until;
	char *api;               /* github.api_url without a trailing '/' */
	json_t *warnings;        /* array of strings, in the order they happened */
	json_t *failures;        /* the sources that could not be read: their messages (also among
				    the warnings); their count is the array's size */
} dg_collector;

/* Returns 0 (out of memory aborts, base/alloc.h). */
int dg_collector_init(dg_collector *c, const dg_config *cfg, dg_http *http, dg_store *store,
		      int64_t since, int64_t until);
void dg_collector_clear(dg_collector *c);

/* Count a source as failed and say why: warning "WHAT: MESSAGE". */
void dg_collector_failed(dg_collector *c, const char *what, const char *message);

/* The API base followed by the formatted path ("/repos/%s/releases"); caller
 * frees; never NULL. */
char *dg_collector_api(const dg_collector *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Queue a GET of `url` (raw: a document that is not the API's JSON, sent
 * without the token). Returns 0 when queued; when it cannot be queued the
 * source counts as failed, `job` is freed with job_free and the result is
 * <0. */
int dg_collector_get(dg_collector *c, const char *url, int raw, dg_http_cb cb, void *job,
		      void (*job_free)(void *));

#endif
