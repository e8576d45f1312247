/* http.h - the GitHub REST client every collector uses (libcurl multi).
 *
 * Requests are queued with dg_http_get and run by dg_http_run, at most
 * `jobs` at a time; a callback receives each parsed JSON response and may
 * queue more (the next page, a follow-up search). The client handles:
 * GitHub's headers and token, gzip, HTTP/2, conditional requests through the
 * state store's ETag cache (a 304 reuses the stored body), 5xx / transport /
 * malformed-body retries with backoff (save dg_http_get_raw's exceptions),
 * secondary limits (Retry-After or exponential backoff with jitter) and
 * primary-limit exhaustion (wait for the reset within `max_wait`, else stop
 * with a message saying when it resets).
 * The token is sent only in the Authorization header, only to URLs whose path
 * (dot segments resolved) is under the API base, checked again at every
 * redirect; text that comes back from a server is scrubbed of it before it is
 * printed, stored or handed to a callback. Every run is bounded: a whole-run
 * deadline, a stall limit per transfer, a cap on attempts and on the time
 * one request may wait, and on the pages of a list. */
#ifndef DG_HTTP_H
#define DG_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include "base/buf.h"  /* DG_MUST_CHECK */
#include "store/store.h"

typedef struct dg_http dg_http;

typedef struct dg_http_opts {
	const char *token;       /* NULL: unauthenticated (a warning is printed once) */
	const char *token_name;  /* the variable it comes from, for that warning */
	const char *api_base;    /* the token and GitHub headers go only to URLs under this */
	int jobs;                /* concurrent transfers; 1 = strictly serial */
	int max_wait;            /* seconds we may wait for a rate-limit reset */
	int verbose;             /* print each request on stderr */
	int quiet;               /* no warnings on stderr */
	int offline;             /* answer only from the cache, send nothing */
	dg_store *cache;         /* ETag cache; NULL = none */
	size_t max_body;         /* per-response cap; 0 = 32 MiB */
	int max_attempts;        /* per request for 5xx/transport/malformed; 0 = 6 */
	int retry_base_ms;       /* first backoff; 0 = 500 (env DIGEST_RETRY_BASE_MS overrides) */
	int timeout;             /* seconds for the whole run (--timeout), from dg_http_new; 0 = none.
				    Requests not done by then fail (DG_HTTP_ERR_FAILED), naming the limit */
	int stall_seconds;       /* a transfer with no progress this long fails; 0 = 60
				    (env DIGEST_STALL_SECONDS overrides, for tests) */
	int max_pages;           /* pages of one paginated list; 0 = 1000 (env DIGEST_MAX_PAGES) */
} dg_http_opts;

typedef struct dg_http_response {
	const char *url;
	long status;             /* HTTP status of the body (200 also for a 304 served from cache) */
	json_t *json;            /* parsed body (JSON requests); borrowed for the callback */
	const char *body;        /* the raw body, always; borrowed */
	size_t len;
	const char *next_url;    /* Link rel="next", or NULL */
	const char *content_type;/* Content-Type header, or NULL (raw requests) */
	int from_cache;          /* 1 when the server said 304 (or offline) */
} dg_http_response;

/* Error classes passed to callbacks (and returned by dg_http_run). */
#define DG_HTTP_ERR_NOT_FOUND  -10   /* 404 */
#define DG_HTTP_ERR_REJECTED   -11   /* other 4xx (422 validation, 403 forbidden) */
#define DG_HTTP_ERR_FAILED     -12   /* 5xx / transport / malformed after retries */
#define DG_HTTP_ERR_FATAL      -13   /* 401, limit exhausted: the whole run stops */

/* `resp` is set on success (err == 0); on failure resp is NULL, `err` is one
 * of the classes above and `message` a one-line message naming the URL. */
typedef void (*dg_http_cb)(dg_http *h, void *ud, const dg_http_response *resp, int err,
			   const char *message);

int dg_http_new(const dg_http_opts *opts, dg_http **out);
/* 1 when the client sends nothing (--offline). */
int dg_http_offline(const dg_http *h);
void dg_http_free(dg_http *h);             /* accepts NULL */

/* Queue a GET of `url` (absolute). The callback is called exactly once.
 * A URL queued from a callback that equals the response's next_url is the
 * next page of the same list: a page already fetched in that list (a Link
 * loop) or a page past max_pages is refused with a message that does not
 * repeat the URL (<0, nothing queued; the callback is not called). */
int dg_http_get(dg_http *h, const char *url, dg_http_cb cb, void *ud);

/* Queue a GET of a non-JSON document (a feed, an image): sent without the
 * token or GitHub's headers, body passed raw; still cached with its ETag.
 * A refused connection or a host without an address fails at once (not
 * retried); a URL that failed is not sent again by this client: asked for
 * again, it fails with the same message. */
int dg_http_get_raw(dg_http *h, const char *url, dg_http_cb cb, void *ud);

/* Queue a POST of `len` bytes of `body` with `content_type` (copied):
 * raw like dg_http_get_raw, never with the token, never cached, retried like
 * a GET (5xx, transport), never redirected. Messages and -v lines name the
 * URL with its access_token= value redacted (dg_http_redact). */
int dg_http_post(dg_http *h, const char *url, const char *content_type, const void *body,
		 size_t len, dg_http_cb cb, void *ud);

/* `url` with the value of every access_token= / secret= parameter replaced
 * by "REDACTED"; caller frees; NULL on OOM. */
char *dg_http_redact(const char *url);

/* Run until every queued request (and those queued by callbacks) is done.
 * Returns 0, or DG_HTTP_ERR_FATAL with the message (the remaining requests
 * are answered with that error). */
DG_MUST_CHECK int dg_http_run(dg_http *h);

typedef struct dg_http_stats {
	long requests;           /* sent over the network, retries included */
	long not_modified;       /* 304s */
	long retries;
	long cache_hits;         /* bodies served from the store (304 + offline) */
	long core_used, search_used;  /* responses that cost quota */
	long core_remaining;     /* last X-RateLimit-Remaining for core, -1 unknown */
	long core_limit;
	long long core_reset;    /* epoch seconds, 0 unknown */
	long waited_ms;          /* time spent waiting for rate limits and backoff */
} dg_http_stats;

void dg_http_get_stats(const dg_http *h, dg_http_stats *out);

/* "123 requests (45 not modified), 2 retries; quota used 78 (search 3), 4922 left, resets 12:00 UTC" */
void dg_http_format_summary(const dg_http *h, char *out, size_t size);

#endif
