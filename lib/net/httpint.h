/* httpint.h - what the engine's files share (lib/net/http.c: the client,
 * starting transfers, the loop; httpdone.c: what becomes of a request;
 * httptext.c: server text); private to lib/net. http.c calls httpdone.c,
 * never the other way. */
#ifndef DG_HTTPINT_H
#define DG_HTTPINT_H

#include <curl/curl.h>
#include <jansson.h>
#include "base/buf.h"
#include "net/http.h"
#include "net/httptext.h"

#define MAX_REDIRECTS 5

/* How a request treats transport errors (libcurl's code, not CURLE_OK): the
 * rule is the caller's, by the entry point it queues with. */
enum {
	DG_HTTP_TRANSPORT_RETRY,     /* every one is tried again (the API, POSTs) */
	DG_HTTP_TRANSPORT_REACHABLE, /* tried again unless the host refuses or has no address */
};

/* 1 when a transfer that ended with libcurl's `code` is tried again under
 * `rule`. A raw GET (dg_http_get_raw: a feed, an image; never the API)
 * follows DG_HTTP_TRANSPORT_REACHABLE: a host that refuses the connection
 * or has no address will not change within the backoff (a minute for six
 * tries), and what it serves is optional. */
static inline int dg_http_transport_retry(int rule, CURLcode code)
{
	return rule == DG_HTTP_TRANSPORT_RETRY ||
	       (code != CURLE_COULDNT_CONNECT && code != CURLE_COULDNT_RESOLVE_HOST &&
		code != CURLE_COULDNT_RESOLVE_PROXY);
}

/* The pages of one paginated list: the URLs fetched (a Link loop ends it). */
typedef struct dg_http_chain {
	int refs;
	json_t *seen;            /* url -> true */
} dg_http_chain;

typedef struct dg_http_req {
	struct dg_http_req *next;
	struct dg_http_req *run_prev, *run_next;  /* in the list of running transfers */
	char *url;               /* what was asked for: the cache key */
	char *target;            /* where a redirect sent it, or NULL */
	int redirects;
	dg_http_chain *chain;    /* NULL until a next page is asked for */
	int page;                /* 1 for the first page of a list */
	dg_http_cb cb;
	void *ud;
	int api;                 /* dg_http_get: JSON, the token under api_base, the policy */
	int transport;           /* DG_HTTP_TRANSPORT_*: which transport errors are tried again */
	int lane;                /* the policy's lane, -1 none */
	int prio;                /* DG_HTTP_PRIO_*: lower starts first */
	int counted;             /* in flight in its lane */
	const char *const *read_names; /* the policy's `read` headers (api requests) */
	int nread;
	int attempts;            /* failures retried so far (5xx/transport/malformed, the policy's RETRY) */
	int waits;               /* the policy's WAITs so far */
	long long waited_ms;     /* their total */
	long long not_before_ms; /* monotonic */

	CURL *easy;
	struct curl_slist *headers;
	dg_buf body;
	char *cached_etag, *cached_body, *cached_next, *cached_last;
	size_t cached_len;
	char *post, *post_type;  /* a POST's body and Content-Type (dg_http_post); NULL: GET */
	size_t post_len;
	int once;                /* dg_http_post_once: sent once, never retried */
	char **extra;            /* dg_http_post_with: its header lines (wiped when freed); NULL: none */
	size_t nextra;
	int retry_busy;          /* dg_http_post_with: a 429 is retried too, after its Retry-After */
	int say_body;            /* dg_http_post_query: a refusal's message ends with its body's first line */

	/* captured response headers */
	char *etag, *link_next, *link_last, *content_type, *retry_after;
	char *read[DG_HTTP_READ_MAX]; /* the policy's `read` headers */
} dg_http_req;

struct dg_http {
	dg_http_opts opts;
	CURLM *multi;
	const dg_http_policy *policy;       /* NULL: the engine's rules only */
	void *policy_state;
	int nread, nlanes;                  /* the policy's read headers and named lanes */
	dg_http_req *queue_head, *queue_tail; /* waiting to start */
	dg_http_req *running;               /* transfers under way */
	int active;
	int in_flight[DG_HTTP_LANES];
	long long held_until_ms[DG_HTTP_LANES]; /* monotonic: a WAIT with hold_lane */
	int fatal;
	char *fatal_message;     /* why the run stops; NULL until then */
	long long deadline_ms;   /* monotonic; 0 = none */
	int expired;             /* the deadline passed: everything left fails */
	int in_run;              /* dg_http_run is running: no second one from a callback */
	dg_http_req *current;    /* the request whose callback is running */
	const char *current_next;/* the next page that callback was given */
	char wait_why[160];      /* what the queue is waiting for (progress line) */
	json_t *failed_raw;      /* url -> message: raw GETs that failed this run (dg_http_finish) */
	char **secrets;          /* dg_http_add_secret: scrubbed like the token; wiped when freed */
	size_t nsecrets;
	dg_http_stats stats;
	unsigned rng;
	char user_agent[64];
};

/* ---- httpdone.c: what becomes of a request ---- */
long long dg_http_now_ms(void);  /* CLOCK_MONOTONIC */
/* Forget a response's body and headers (a retry, a redirect's next response). */
void dg_http_reset_response(dg_http_req *r);
void dg_http_req_free(dg_http_req *r);
void dg_http_enqueue(dg_http *h, dg_http_req *r);
/* Out of the running list (and its lane's count). */
void dg_http_unlink_running(dg_http *h, dg_http_req *r);
/* Answer the callback with the error class and message, then free the request. */
void dg_http_fail(dg_http *h, dg_http_req *r, int err, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The run stops (the first message stays); returns the message kept. */
const char *dg_http_set_fatal(dg_http *h, const char *message);
/* "libcurl: CALL: what" as dg_err_last; returns DG_ERR_FAIL. */
int dg_http_multi_failed(const char *call, CURLMcode mc);
/* A finished transfer (libcurl's result `code`): deliver, retry, wait, fail or stop. */
void dg_http_done(dg_http *h, dg_http_req *r, CURLcode code);
/* --offline: the stored body, or a failure. */
void dg_http_serve_offline(dg_http *h, dg_http_req *r);
/* Every queued request fails with the run's fatal message. */
void dg_http_abort_queued(dg_http *h);
/* Every transfer under way ends: with the deadline's message (`expired`) or the fatal one. */
void dg_http_abort_running(dg_http *h, int expired);
/* The run's time is up: every queued and running request fails, naming the limit. */
void dg_http_expire(dg_http *h);

/* ---- httptext.c ---- */
/* A DG_MSG_VERBOSE line (-v) with secret parameters redacted
 * (dg_http_redact) and the client's secrets scrubbed; the program escapes it. */
void dg_http_log(const dg_http *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The token and every secret of `h` overwritten in s[0..len) (NULL: nothing). */
void dg_http_scrub_all(const dg_http *h, char *s, size_t len);

#endif
