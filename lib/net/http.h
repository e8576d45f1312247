/* http.h - the transfer engine every stage fetches through (libcurl multi).
 *
 * Requests are queued with dg_http_get, dg_http_get_raw or dg_http_post and
 * run by dg_http_run, at most `jobs` at a time; a callback receives each
 * response and may queue more (the next page, a follow-up search). The
 * engine moves bytes and knows no service: gzip, HTTP/2, conditional
 * requests through the state store's ETag cache (a 304 reuses the stored
 * body), redirects, a cap on every body, retries of 5xx, transport errors
 * and malformed JSON with backoff and jitter, and bounds on every run: a
 * whole-run deadline, a stall limit per transfer, a cap on attempts, on the
 * time one request may wait and on the pages of a list.
 *
 * A bearer token is sent only with dg_http_get requests to URLs whose path
 * (dot segments resolved) is under `api_base`, checked again at every
 * redirect; text that comes back is scrubbed of it before it is logged,
 * stored or handed to a callback. A service's other secrets (an AppSecret,
 * an access token it hands out) are scrubbed the same way once given to
 * dg_http_add_secret.
 *
 * What a service's answers mean (its headers, rate buckets, limits, which
 * statuses stop the run) is a policy (dg_http_policy, below) that the
 * service's module installs: lib/github/api.h gives GitHub's
 * (dg_gh_http_new). It applies to dg_http_get requests only; feeds, images
 * and POSTs get the engine's own rules.
 *
 * The library prints nothing: -v lines are DG_MSG_VERBOSE and warnings
 * DG_MSG_WARNING messages (base/err.h). */
#ifndef DG_HTTP_H
#define DG_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include "base/buf.h"  /* DG_MUST_CHECK */
#include "store/store.h"

typedef struct dg_http dg_http;

typedef struct dg_http_opts {
	const char *token;       /* a bearer token for dg_http_get requests under api_base; NULL: none */
	const char *token_name;  /* the variable it comes from, for a policy's messages */
	const char *api_base;    /* the token goes only to URLs under this (NULL: any) */
	int jobs;                /* concurrent transfers; 1 = strictly serial */
	int max_wait;            /* seconds one request may wait (a policy's waits: rate limits) */
	int verbose;             /* a DG_MSG_VERBOSE line per request */
	int offline;             /* answer only from the cache, send nothing */
	dg_store *cache;         /* ETag cache; NULL = none */
	size_t max_body;         /* per-response cap; 0 = 32 MiB */
	int max_attempts;        /* per request for 5xx/transport/malformed; 0 = 6 */
	int retry_base_ms;       /* first backoff, 1..60000; 0 = 500 (cmd/env.c: DIGEST_RETRY_BASE_MS) */
	int timeout;             /* seconds for the whole run (--timeout), from dg_http_new; 0 = none.
				    Requests not done by then fail (DG_HTTP_ERR_FAILED), naming the limit */
	int stall_seconds;       /* a transfer with no progress this long fails, 1..3600; 0 = 60
				    (cmd/env.c: DIGEST_STALL_SECONDS) */
	int max_pages;           /* pages of one paginated list; 0 = 1000 (cmd/env.c: DIGEST_MAX_PAGES) */
} dg_http_opts;

typedef struct dg_http_response {
	const char *url;
	long status;             /* HTTP status of the body (200 also for a 304 served from cache) */
	json_t *json;            /* parsed body (JSON requests); borrowed for the callback */
	const char *body;        /* the raw body, always; borrowed */
	size_t len;
	const char *next_url;    /* Link rel="next", or NULL */
	const char *last_url;    /* Link rel="last", or NULL: the list's pages may be asked for at once */
	const char *content_type;/* Content-Type header, or NULL (raw requests) */
	int from_cache;          /* 1 when the server said 304 (or offline) */
} dg_http_response;

/* Error classes passed to callbacks (and returned by dg_http_run). */
#define DG_HTTP_ERR_NOT_FOUND  -10   /* 404 */
#define DG_HTTP_ERR_REJECTED   -11   /* other 4xx (422 validation, 403 forbidden) */
#define DG_HTTP_ERR_FAILED     -12   /* 5xx / transport / malformed after retries */
#define DG_HTTP_ERR_FATAL      -13   /* the policy stopped the run (a 401, a limit), or libcurl failed */

/* `resp` is set on success (err == 0); on failure resp is NULL, `err` is one
 * of the classes above and `message` a one-line message naming the URL. */
typedef void (*dg_http_cb)(dg_http *h, void *ud, const dg_http_response *resp, int err,
			   const char *message);

int dg_http_new(const dg_http_opts *opts, dg_http **out);
/* The pages a paginated list may have (dg_http_opts.max_pages). */
int dg_http_max_pages(const dg_http *h);
/* 1 when the client sends nothing (--offline). */
int dg_http_offline(const dg_http *h);
/* 1 when the client writes -v lines (a transfer made outside it says so too). */
int dg_http_verbose(const dg_http *h);
void dg_http_free(dg_http *h);             /* accepts NULL */

/* Queue a GET of `url` (absolute), a JSON document of the API: the token
 * (under api_base) and the policy's headers and rules go with it; the body
 * is parsed. The callback is called exactly once.
 * A URL queued from a callback that equals the response's next_url is the
 * next page of the same list: a page already fetched in that list (a Link
 * loop) or a page past max_pages is refused with a message that does not
 * repeat the URL (<0, nothing queued; the callback is not called). */
int dg_http_get(dg_http *h, const char *url, dg_http_cb cb, void *ud);

/* Queue a GET of a non-JSON document (a feed, an image): sent without the
 * token or the policy, body passed raw; still cached with its ETag.
 * A refused connection or a host without an address fails at once (not
 * retried); a URL that failed is not sent again by this client: asked for
 * again, it fails with the same message. */
int dg_http_get_raw(dg_http *h, const char *url, dg_http_cb cb, void *ud);

/* Queue a POST of `len` bytes of `body` with `content_type` (copied):
 * raw like dg_http_get_raw, never with the token, never cached, retried like
 * a GET (5xx, transport), never redirected. Messages and -v lines name the
 * URL with its access_token= value redacted (dg_http_redact). For a POST
 * that may be repeated: the same body asks for the same result. */
int dg_http_post(dg_http *h, const char *url, const char *content_type, const void *body,
		 size_t len, dg_http_cb cb, void *ud);

/* dg_http_post sent exactly once: a 5xx, a transport error or the run's
 * deadline fail it at once, never retried. For a POST that creates
 * something (a draft): the server may have done it before the answer was
 * lost, and a second send would do it twice. */
int dg_http_post_once(dg_http *h, const char *url, const char *content_type, const void *body,
		      size_t len, dg_http_cb cb, void *ud);

/* dg_http_post with header lines (copied, wiped when done; an
 * "Authorization: Bearer KEY" line: add the key with dg_http_add_secret
 * too). Since a POST is never redirected, they go to `url` only. A 429 is
 * retried like a 5xx, after the server's Retry-After when it says one (one
 * longer than max_wait fails the request at once) or the backoff. */
int dg_http_post_with(dg_http *h, const char *url, const char *content_type, const char *const *headers,
		      const void *body, size_t len, dg_http_cb cb, void *ud);

/* dg_http_post_with for a query service (a database's HTTP interface): a
 * host that refuses the connection or has no address fails at once (it is
 * down: not retried), and a refusal's message ends with the first line of
 * the service's body, its reason (secrets scrubbed, at most 300 code
 * points). */
int dg_http_post_query(dg_http *h, const char *url, const char *content_type, const char *const *headers,
		       const void *body, size_t len, dg_http_cb cb, void *ud);

/* Scrub `secret` (copied; wiped when the client is freed), as the token is,
 * from every body, kept header, redirect, message and -v line of `h` from
 * now on, in the forms a server may echo it: as is, percent-encoded and
 * JSON-escaped. A secret under 4 bytes is not added (it would scrub
 * ordinary text); one added already is not added twice. */
void dg_http_add_secret(dg_http *h, const char *secret);

/* Stop scrubbing `secret` (and its forms; the copies are wiped): a token
 * the service hands out again while it is valid (WeChat's stable_token)
 * must not come back as '*' to the client that asks for it. */
void dg_http_forget_secret(dg_http *h, const char *secret);

/* Overwrite with '*' every copy of the client's token and secrets in
 * s[0..len) (a value a caller decoded from a body: JSON escapes may have
 * hidden a secret from the engine's scrubbing of the bytes). NULL: nothing
 * to do. */
void dg_http_scrub_secrets(const dg_http *h, char *s, size_t len);

/* `url` with the value of every access_token= / secret= parameter replaced
 * by "REDACTED"; caller frees; never NULL. */
char *dg_http_redact(const char *url);

/* Run until every queued request (and those queued by callbacks) is done.
 * Returns 0, or DG_HTTP_ERR_FATAL with the message (the remaining requests
 * are answered with that error): the policy stopped the run, or libcurl
 * failed (the message names the call). Called from a callback (or a
 * message handler) while it runs: DG_ERR_FAIL, nothing done. */
DG_MUST_CHECK int dg_http_run(dg_http *h);

typedef struct dg_http_stats {
	long requests;           /* sent over the network, retries included */
	long not_modified;       /* 304s */
	long retries;
	long cache_hits;         /* bodies served from the store (304 + offline) */
	long waited_ms;          /* time spent waiting for rate limits (the policy's waits) */
} dg_http_stats;

void dg_http_get_stats(const dg_http *h, dg_http_stats *out);

/* "123 requests (45 not modified), 2 retries" and, after "; ", the
 * policy's part ("quota used 78 core + 3 search, 4922 of 5000 left (resets ...)"). */
void dg_http_format_summary(const dg_http *h, char *out, size_t size);

/* ---- a service's rules ----
 * A policy judges the answers to dg_http_get requests; the engine does what
 * it decides. Its functions get the `state` given to dg_http_set_policy. */

#define DG_HTTP_LANES 4          /* a policy's lanes (rate buckets): 0 .. DG_HTTP_LANES-1 */
#define DG_HTTP_READ_MAX 8       /* response headers a policy may read */
/* Start order among requests that may start (lower first): a policy's
 * requests take DG_HTTP_PRIO_FIRST or DG_HTTP_PRIO_API; documents (raw
 * GETs) come last. */
enum { DG_HTTP_PRIO_FIRST, DG_HTTP_PRIO_API, DG_HTTP_PRIO_DOCUMENT };

/* What a finished transfer brought back (transport errors are the engine's). */
typedef struct dg_http_reply {
	const char *url;         /* as asked for: messages name it */
	long status;
	const char *body;        /* NUL-terminated, the token scrubbed out */
	size_t len;
	const char *const *headers; /* the values of the policy's `read` headers, in order; NULL when
				       absent (the last one sent wins), the token scrubbed out */
	int lane;
	int token_sent;          /* the token went with it */
	int attempts;            /* failures retried so far (DG_HTTP_RETRY and the engine's) */
	int waits;               /* DG_HTTP_WAIT so far */
	long long waited_ms;     /* their total */
	long jitter_ms;          /* a random delay drawn for this reply: the engine's first backoff */
} dg_http_reply;

/* What to do with a reply. */
enum {
	DG_HTTP_USUAL,           /* the engine's rules: 2xx delivered (a 304 from the cache), 3xx
				    followed, 5xx retried with backoff, others failed (404: NOT_FOUND) */
	DG_HTTP_RETRY,           /* again after the engine's backoff, as one more attempt; when the
				    attempts are used up, DG_HTTP_USUAL */
	DG_HTTP_WAIT,            /* again after delay_ms, not an attempt (the run's deadline permitting) */
	DG_HTTP_FAIL,            /* answer the callback with `err` and `message` */
	DG_HTTP_STOP,            /* the run stops with `message` (DG_HTTP_ERR_FATAL) */
};

typedef struct dg_http_verdict {
	int action;              /* DG_HTTP_* above */
	long long delay_ms;      /* WAIT */
	int hold_lane;           /* WAIT: no request of the lane starts before then either */
	const char *why;         /* RETRY, WAIT: a few words for -v and the progress line; static */
	int err;                 /* FAIL: a DG_HTTP_ERR_* class */
	char *message;           /* FAIL, STOP: one line naming the URL; malloc'ed, the engine frees it
				    (NULL: "URL: HTTP STATUS", or "the run was stopped") */
} dg_http_verdict;

/* What dg_http_policy.gate answers besides a delay. */
#define DG_HTTP_GATE_ANSWER  -1  /* an answer in flight will tell */
#define DG_HTTP_GATE_STOP    -2  /* the run stops: *stop is the message (malloc'ed) */

typedef struct dg_http_policy {
	const char *const *send;       /* header lines sent with each request; NULL-terminated */
	const char *const *read;       /* response headers `judge` reads (at most DG_HTTP_READ_MAX) */
	const char *const *lane_names; /* one per lane: "(core)" after a retry's reason */
	/* The lane (0 .. DG_HTTP_LANES-1) and DG_HTTP_PRIO_* of a request to `url`. */
	void (*route)(void *state, const char *url, int *lane, int *prio);
	/* When a request of `lane` may start, `in_flight` of the lane being
	 * under way: 0 now, DG_HTTP_GATE_ANSWER, DG_HTTP_GATE_STOP, or in this
	 * many milliseconds, `why` (size `why_size`) saying what it waits for. */
	long long (*gate)(void *state, int lane, int in_flight, char *why, size_t why_size, char **stop);
	/* What to do with a reply (`v` zeroed: DG_HTTP_USUAL). */
	void (*judge)(void *state, const dg_http_reply *r, dg_http_verdict *v);
	/* The policy's part of the summary line; "" for none. */
	void (*summary)(void *state, char *out, size_t size);
	void (*free)(void *state);
} dg_http_policy;

/* Install `p` (borrowed: static) for the dg_http_get requests of `h`, with
 * `state` (owned from now on: p->free(state) when the client is freed, or
 * here on failure). Once, before anything is queued; 0 or <0. */
int dg_http_set_policy(dg_http *h, const dg_http_policy *p, void *state);

#endif
