/* env.h - the DIGEST_* variables that tune the HTTP engine, read once by the
 * program (the library reads none): DIGEST_RETRY_BASE_MS (first backoff,
 * 1..60000 ms), DIGEST_STALL_SECONDS (a transfer without progress fails,
 * 1..3600 s), DIGEST_MAX_PAGES (pages of one list, 1..100000). Tests use
 * them to make waits short; unset or empty, the engine's defaults hold. */
#ifndef DG_ENV_H
#define DG_ENV_H

#include "net/http.h"

/* Set o->retry_base_ms, o->stall_seconds and o->max_pages from the
 * variables that are set. 0, or DG_ERR_CONFIG (exit 2) naming the first bad
 * one: "DIGEST_RETRY_BASE_MS '-5': expected milliseconds from 1 to 60000". */
int dg_env_http(dg_http_opts *o);

#endif
