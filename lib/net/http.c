#include "net/http.h"
#include "net/httpint.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/progress.h"
#include "base/text.h"
#include "base/date.h"

#include <curl/curl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DEFAULT_MAX_BODY (32u << 20)
#define DEFAULT_ATTEMPTS 6
#define DEFAULT_STALL_SECONDS 60
#define DEFAULT_MAX_PAGES 1000
#define MAX_REDIRECTS 5
#define TRANSFER_TIMEOUT_MS 120000L
#define MAX_RATE_RETRIES 20
#define SECONDARY_FIRST_WAIT_MS 60000   /* GitHub: wait at least a minute without Retry-After */

enum resource { RES_CORE, RES_SEARCH, RES_COUNT };
/* Start order among ready requests: the critical path (searches) first,
 * then GitHub's other requests, then feeds. */
enum { PRIO_SEARCH, PRIO_CORE, PRIO_RAW };
static const char *const resource_names[RES_COUNT] = {"core", "search"};

/* The pages of one paginated list: the URLs fetched (a Link loop ends it). */
typedef struct page_chain {
	int refs;
	json_t *seen;            /* url -> true */
} page_chain;

typedef struct request {
	struct request *next;
	struct request *run_prev, *run_next;  /* in the list of running transfers */
	char *url;               /* what was asked for: the cache key */
	char *target;            /* where a redirect sent it, or NULL */
	int redirects;
	page_chain *chain;       /* NULL until a next page is asked for */
	int page;                /* 1 for the first page of a list */
	long long waited_ms;     /* rate-limit waits of this request so far */
	dg_http_cb cb;
	void *ud;
	enum resource resource;
	int attempts;            /* 5xx/transport/malformed tries so far */
	int rate_retries;
	long long not_before_ms; /* monotonic */

	CURL *easy;
	struct curl_slist *headers;
	dg_buf body;
	char *cached_etag, *cached_body, *cached_next;
	size_t cached_len;

	/* captured response headers */
	char *etag, *link_next;
	long retry_after;        /* -1 none */
	long rl_remaining, rl_limit;
	long long rl_reset;
	int rl_resource;         /* -1 unknown */
	int raw;                 /* not GitHub JSON: no token, body passed as is */
	char *post, *post_type;  /* a POST's body and Content-Type (dg_http_post); NULL: GET */
	size_t post_len;
	int counted;             /* in flight against its bucket */
	int prio;                /* PRIO_*: lower starts first */
	char *content_type;
	char *message;           /* the error body's "message" (json_message) */
} request;

struct dg_http {
	dg_http_opts opts;
	CURLM *multi;
	request *queue_head, *queue_tail;   /* waiting to start */
	request *running;                   /* transfers under way */
	int active;
	dg_rate rate[RES_COUNT];
	long long blocked_until_ms[RES_COUNT];
	int fatal;
	char *fatal_message;     /* why the run stops; NULL until then */
	long long deadline_ms;   /* monotonic; 0 = none */
	int expired;             /* the deadline passed: everything left fails */
	request *current;        /* the request whose callback is running */
	const char *current_next;/* the next page that callback was given */
	char wait_why[160];      /* what the queue is waiting for (progress line) */
	int warned_no_token;
	json_t *failed_raw;      /* url -> message: raw GETs that failed this run (finish) */
	dg_http_stats stats;
	unsigned rng;
	char user_agent[64];
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void request_reset_response(request *r)
{
	dg_buf_free(&r->body);  /* a retry starts a new body: keeps the cap, drops an error */
	free(r->etag);
	free(r->link_next);
	free(r->content_type);
	r->etag = r->link_next = r->content_type = NULL;
	r->retry_after = -1;
	r->rl_remaining = r->rl_limit = -1;
	r->rl_reset = 0;
	r->rl_resource = -1;
}

static void chain_release(page_chain *c)
{
	if (c && --c->refs == 0) {
		json_decref(c->seen);
		free(c);
	}
}

static void request_free(request *r)
{
	if (!r)
		return;
	chain_release(r->chain);
	free(r->target);
	if (r->easy)
		curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	dg_buf_free(&r->body);
	free(r->url);
	free(r->post);
	free(r->post_type);
	free(r->etag);
	free(r->link_next);
	free(r->content_type);
	free(r->message);
	free(r->cached_etag);
	free(r->cached_body);
	free(r->cached_next);
	free(r);
}

int dg_http_new(const dg_http_opts *opts, dg_http **out)
{
	static int global_done;
	dg_http *h;
	const char *env_base = getenv("DIGEST_RETRY_BASE_MS");

	*out = NULL;
	if (!global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return dg_err_set(DG_ERR_FAIL, "libcurl initialisation failed");
		global_done = 1;
	}
	if (!(h = calloc(1, sizeof(*h))))
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	h->opts = *opts;
	if (h->opts.jobs < 1)
		h->opts.jobs = 1;
	if (!h->opts.max_body)
		h->opts.max_body = DEFAULT_MAX_BODY;
	if (h->opts.max_attempts < 1)
		h->opts.max_attempts = DEFAULT_ATTEMPTS;
	if (env_base && *env_base)
		h->opts.retry_base_ms = atoi(env_base);
	else if (h->opts.retry_base_ms <= 0)
		h->opts.retry_base_ms = 500;
	if ((env_base = getenv("DIGEST_STALL_SECONDS")) && atoi(env_base) > 0)
		h->opts.stall_seconds = atoi(env_base);
	else if (h->opts.stall_seconds <= 0)
		h->opts.stall_seconds = DEFAULT_STALL_SECONDS;
	if ((env_base = getenv("DIGEST_MAX_PAGES")) && atoi(env_base) > 0)
		h->opts.max_pages = atoi(env_base);
	else if (h->opts.max_pages <= 0)
		h->opts.max_pages = DEFAULT_MAX_PAGES;
	if (h->opts.timeout > 0)
		h->deadline_ms = now_ms() + h->opts.timeout * 1000LL;
	h->stats.core_remaining = -1;
	h->rng = (unsigned)time(NULL) ^ 0x9e3779b9u;
	snprintf(h->user_agent, sizeof(h->user_agent), "digest/%s (+libcurl)", DG_VERSION);
	if (!opts->offline) {
		if (!(h->multi = curl_multi_init())) {
			free(h);
			return dg_err_set(DG_ERR_FAIL, "libcurl: cannot create a multi handle");
		}
		curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->opts.jobs);
		curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)h->opts.jobs);
		curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	}
	*out = h;
	return 0;
}

int dg_http_offline(const dg_http *h)
{
	return h->opts.offline;
}

void dg_http_free(dg_http *h)
{
	if (!h)
		return;
	while (h->queue_head) {
		request *r = h->queue_head;
		h->queue_head = r->next;
		request_free(r);
	}
	if (h->multi)
		curl_multi_cleanup(h->multi);
	free(h->fatal_message);
	json_decref(h->failed_raw);
	free(h);
}

static void unlink_running(dg_http *h, request *r)
{
	if (r->counted) {
		r->counted = 0;
		h->rate[r->resource].in_flight--;
	}
	if (r->run_prev)
		r->run_prev->run_next = r->run_next;
	else if (h->running == r)
		h->running = r->run_next;
	if (r->run_next)
		r->run_next->run_prev = r->run_prev;
	r->run_prev = r->run_next = NULL;
}

static void enqueue(dg_http *h, request *r)
{
	r->next = NULL;
	if (h->queue_tail)
		h->queue_tail->next = r;
	else
		h->queue_head = r;
	h->queue_tail = r;
}

/* A page asked for from the callback of the previous one: same list. */
static int follow_page(dg_http *h, request *r)
{
	request *prev = h->current;

	if (!prev || !h->current_next || strcmp(r->url, h->current_next))
		return 0;
	if (!prev->chain) {
		if (!(prev->chain = calloc(1, sizeof(*prev->chain))) || !(prev->chain->seen = json_object())) {
			free(prev->chain);
			prev->chain = NULL;
			return dg_err_set(DG_ERR_NOMEM, "out of memory");
		}
		prev->chain->refs = 1;
		json_object_set_new(prev->chain->seen, prev->url, json_true());
	}
	if (json_object_get(prev->chain->seen, r->url))
		return dg_err_set(DG_ERR_FAIL, "the list's Link rel=\"next\" leads back to a page already "
				  "fetched; stopped after page %d", prev->page);
	if (prev->page >= h->opts.max_pages)
		return dg_err_set(DG_ERR_FAIL, "the list goes on past %d pages; stopped there", h->opts.max_pages);
	r->chain = prev->chain;
	r->chain->refs++;
	r->page = prev->page + 1;
	return json_object_set_new(r->chain->seen, r->url, json_true()) < 0 ?
		dg_err_set(DG_ERR_NOMEM, "out of memory") : 0;
}

static int get(dg_http *h, const char *url, dg_http_cb cb, void *ud, int raw)
{
	request *r = calloc(1, sizeof(*r));
	int err;

	if (!r || !(r->url = strdup(url))) {
		free(r);
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	}
	r->page = 1;
	if ((err = follow_page(h, r)) < 0) {
		request_free(r);
		return err;
	}
	r->cb = cb;
	r->ud = ud;
	r->raw = raw;
	r->resource = !raw && strstr(url, "/search/") ? RES_SEARCH : RES_CORE;
	r->prio = raw ? PRIO_RAW : r->resource == RES_SEARCH ? PRIO_SEARCH : PRIO_CORE;
	dg_buf_init(&r->body, h->opts.max_body);
	request_reset_response(r);
	enqueue(h, r);
	return 0;
}

int dg_http_get(dg_http *h, const char *url, dg_http_cb cb, void *ud)
{
	return get(h, url, cb, ud, 0);
}

int dg_http_get_raw(dg_http *h, const char *url, dg_http_cb cb, void *ud)
{
	return get(h, url, cb, ud, 1);
}

/* The request's url is the redacted one (every message and log line names
 * it); the real one is its target. */
int dg_http_post(dg_http *h, const char *url, const char *content_type, const void *body,
		 size_t len, dg_http_cb cb, void *ud)
{
	request *r = calloc(1, sizeof(*r));

	if (!r || !(r->target = strdup(url)) || !(r->url = dg_http_redact(url)) ||
	    !(r->post_type = strdup(content_type)) || !(r->post = malloc(len ? len : 1))) {
		request_free(r);
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	}
	if (len)
		memcpy(r->post, body, len);
	r->post_len = len;
	r->page = 1;
	r->cb = cb;
	r->ud = ud;
	r->raw = 1;
	r->resource = RES_CORE;
	dg_buf_init(&r->body, h->opts.max_body);
	request_reset_response(r);
	enqueue(h, r);
	return 0;
}

/* --- curl callbacks --- */

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	request *r = ud;

	if (dg_buf_put(&r->body, data, size * n) < 0)
		return 0; /* over the cap: curl stops with CURLE_WRITE_ERROR */
	return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
	request *r = ud;
	size_t len = size * n;
	char *v;

	if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
		/* A new response (redirect, 100 Continue): forget the last one's headers. */
		request_reset_response(r);
		return len;
	}
	if ((v = dg_http_header_value(data, len, "ETag"))) {
		free(r->etag);
		r->etag = v;
	} else if ((v = dg_http_header_value(data, len, "Link"))) {
		free(r->link_next);
		r->link_next = dg_http_link_next(v);
		free(v);
	} else if ((v = dg_http_header_value(data, len, "Content-Type"))) {
		free(r->content_type);
		r->content_type = v;
	} else if ((v = dg_http_header_value(data, len, "Retry-After"))) {
		r->retry_after = dg_http_retry_after(v);
		free(v);
	} else if ((v = dg_http_header_value(data, len, "X-RateLimit-Remaining"))) {
		long long x = dg_http_header_number(v);
		r->rl_remaining = x > LONG_MAX ? LONG_MAX : (long)x;
		free(v);
	} else if ((v = dg_http_header_value(data, len, "X-RateLimit-Limit"))) {
		long long x = dg_http_header_number(v);
		r->rl_limit = x > LONG_MAX ? LONG_MAX : (long)x;
		free(v);
	} else if ((v = dg_http_header_value(data, len, "X-RateLimit-Reset"))) {
		r->rl_reset = dg_http_header_number(v) < 0 ? 0 : dg_http_header_number(v);
		free(v);
	} else if ((v = dg_http_header_value(data, len, "X-RateLimit-Resource"))) {
		r->rl_resource = !strcmp(v, "search") ? RES_SEARCH : !strcmp(v, "core") ? RES_CORE : -1;
		free(v);
	}
	return len;
}

/* --- starting transfers --- */

static int add_header(request *r, const char *line)
{
	struct curl_slist *l = curl_slist_append(r->headers, line);

	if (!l)
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	r->headers = l;
	return 0;
}

static int start_transfer(dg_http *h, request *r)
{
	const char *url = r->target ? r->target : r->url;
	const char *failed = r->raw && !r->post ? json_string_value(json_object_get(h->failed_raw, r->url)) : NULL;
	char line[1200];
	long long timeout_ms = TRANSFER_TIMEOUT_MS;
	int err = 0;

	if (failed)
		return dg_err_set(DG_ERR_FAIL, "%s", failed);  /* the same answer, nothing sent */
	request_reset_response(r);
	curl_slist_free_all(r->headers);
	r->headers = NULL;
	if (h->opts.cache && !r->cached_body && !r->post) {
		if ((err = dg_store_cache_get(h->opts.cache, r->url, &r->cached_etag, &r->cached_next,
					      &r->cached_body, &r->cached_len)) < 0)
			return err;
	}
	if (r->post) {
		snprintf(line, sizeof(line), "Content-Type: %.1000s", r->post_type);
		if ((err = add_header(r, line)) < 0 || (err = add_header(r, "Expect:")) < 0)
			return err;
	} else if (r->raw) {
		if ((err = add_header(r, "Accept: application/atom+xml, application/rss+xml, "
					 "application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")) < 0)
			return err;
	} else if ((err = add_header(r, "Accept: application/vnd.github+json")) < 0 ||
		   (err = add_header(r, "X-GitHub-Api-Version: 2022-11-28")) < 0) {
		return err;
	}
	if (h->opts.token && !r->raw && dg_http_is_api_url(h->opts.api_base, url)) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", h->opts.token);
		err = add_header(r, line);
		memset(line, 0, sizeof(line)); /* no copy of the token lingers on the stack */
		if (err < 0)
			return err;
	}
	if (r->cached_etag && strlen(r->cached_etag) < 1000) {
		snprintf(line, sizeof(line), "If-None-Match: %s", r->cached_etag);
		if ((err = add_header(r, line)) < 0)
			return err;
	}
	if (!r->easy && !(r->easy = curl_easy_init()))
		return dg_err_set(DG_ERR_FAIL, "libcurl: cannot create a handle");
	curl_easy_reset(r->easy);
	if (h->deadline_ms && h->deadline_ms - now_ms() < timeout_ms)
		timeout_ms = h->deadline_ms - now_ms() > 1 ? h->deadline_ms - now_ms() : 1;
	curl_easy_setopt(r->easy, CURLOPT_URL, url);
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(r->easy, CURLOPT_USERAGENT, h->user_agent);
	curl_easy_setopt(r->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(r->easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(r->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(r->easy, CURLOPT_LOW_SPEED_TIME, (long)h->opts.stall_seconds);
	/* Redirects are followed by handle_done, so that the token check runs
	 * again for every location. */
	curl_easy_setopt(r->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	if (r->post) {
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, r->post);
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->post_len);
	}
	if (curl_multi_add_handle(h->multi, r->easy) != CURLM_OK)
		return dg_err_set(DG_ERR_FAIL, "libcurl: cannot start %s", url);
	h->active++;
	h->stats.requests++;
	if (!r->raw) {
		r->counted = 1;
		h->rate[r->resource].in_flight++;
	}
	r->run_next = h->running;
	if (h->running)
		h->running->run_prev = r;
	h->running = r;
	return 0;
}

/* --- finishing --- */

/* Answer the request's callback (once), then free it. */
static void answer(dg_http *h, request *r, const dg_http_response *resp, int err, const char *msg)
{
	h->current = r;
	h->current_next = resp ? resp->next_url : NULL;
	r->cb(h, r->ud, resp, err, msg);
	h->current = NULL;
	h->current_next = NULL;
	request_free(r);
}

static void finish(dg_http *h, request *r, const dg_http_response *resp, int err, const char *msg)
{
	if (err && h->opts.verbose)
		dg_http_log("GET %s failed: %s", r->url, msg);
	/* Not sent again (an avatar: the poster's, then the draft's): the client lives for the run. */
	if (err && r->raw && !r->post && (h->failed_raw || (h->failed_raw = json_object())))
		json_object_set_new(h->failed_raw, r->url, json_string(msg));
	answer(h, r, resp, err, msg);
}

static void fail(dg_http *h, request *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail(dg_http *h, request *r, int err, const char *fmt, ...)
{
	dg_buf msg = DG_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	if (dg_buf_vprintf(&msg, fmt, ap) < 0) {
		dg_buf_free(&msg);
		dg_buf_puts(&msg, "out of memory");
	}
	va_end(ap);
	finish(h, r, NULL, err, dg_buf_cstr(&msg));
	dg_buf_free(&msg);
}

/* What the deadline leaves: a request not done by then fails, naming it. */
static void fail_expired(dg_http *h, request *r)
{
	fail(h, r, DG_HTTP_ERR_FAILED, "%s: not done within the run's time limit (--timeout %d s)", r->url,
	     h->opts.timeout);
}

static void set_fatal(dg_http *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_fatal(dg_http *h, const char *fmt, ...)
{
	dg_buf b = DG_BUF_INIT;
	va_list ap;

	if (h->fatal)
		return;
	h->fatal = 1;
	va_start(ap, fmt);
	if (dg_buf_vprintf(&b, fmt, ap) == 0)
		h->fatal_message = dg_buf_detach(&b);
	va_end(ap);
	dg_buf_free(&b);
	if (!h->fatal_message)
		h->fatal_message = strdup("out of memory");
}

static const char *fatal_message(const dg_http *h)
{
	return h->fatal_message ? h->fatal_message : "out of memory";
}

static long backoff_ms(dg_http *h, int attempt)
{
	long base = (long)h->opts.retry_base_ms << (attempt > 10 ? 10 : attempt);

	h->rng = h->rng * 1103515245u + 12345u;
	/* Full jitter in [base/2, base]: spreads retries of parallel requests. */
	return base / 2 + (long)((h->rng >> 8) % (unsigned)(base / 2 + 1));
}

static void retry_later(dg_http *h, request *r, long delay_ms, const char *why)
{
	if (h->deadline_ms && now_ms() + delay_ms >= h->deadline_ms) {
		fail(h, r, DG_HTTP_ERR_FAILED, "%s: %s; a retry in %.1f s would end after the run's time limit "
		     "(--timeout %d s)", r->url, why, delay_ms / 1000.0, h->opts.timeout);
		return;
	}
	h->stats.retries++;
	snprintf(h->wait_why, sizeof(h->wait_why), "%s (%s)", why, resource_names[r->resource]);
	if (h->opts.verbose)
		dg_http_log("GET %s: %s, retrying in %.1f s", r->url, why, delay_ms / 1000.0);
	r->not_before_ms = now_ms() + delay_ms;
	enqueue(h, r);
}

static long long epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The run stops: `res`'s bucket is empty until `reset`, beyond --max-wait. */
static void set_fatal_exhausted(dg_http *h, int res, long long reset)
{
	long long secs = reset - (long long)time(NULL) + 1;
	char when[64];

	dg_http_format_time(reset, when, sizeof(when));
	set_fatal(h, "GitHub API rate limit (%s) exhausted: it resets at %s (in %lld min), "
		  "beyond --max-wait %d s; run again then",
		  resource_names[res], when, (secs + 59) / 60, h->opts.max_wait);
}

/* What an answer says of its bucket (rate.c). */
static void note_rate(dg_http *h, request *r, long status)
{
	int res = r->rl_resource >= 0 ? r->rl_resource : (int)r->resource;
	dg_rate *b = &h->rate[res];

	if (r->raw)
		return;
	dg_rate_note(b, r->rl_remaining, r->rl_limit, r->rl_reset,
		     status == 304 || (status >= 200 && status < 300));
	if (res == RES_CORE && b->known == DG_RATE_KNOWN) {
		h->stats.core_remaining = b->remaining;
		h->stats.core_limit = b->limit;
		h->stats.core_reset = b->reset;
	}
}

/* 0 when a request of bucket `res` may start now; else the monotonic time to
 * look again, or -1 to wait for an answer in flight. An empty bucket is
 * waited for until its reset within --max-wait; beyond, the run stops. */
static long long bucket_wait(dg_http *h, int res)
{
	long long until = dg_rate_wait(&h->rate[res], epoch_ms()), now = epoch_ms();
	char when[64];

	if (until <= 0)
		return until;
	if (until - now > h->opts.max_wait * 1000LL) {
		set_fatal_exhausted(h, res, h->rate[res].reset);
		return -1;
	}
	dg_http_format_time(h->rate[res].reset, when, sizeof(when));
	snprintf(h->wait_why, sizeof(h->wait_why), "the %s rate limit is used up (resets %s)",
		 resource_names[res], when);
	return now_ms() + (until - now);
}

/* Body to JSON, answering the callback; malformed bodies are retried. */
static void deliver(dg_http *h, request *r, const char *body, size_t len, const char *next,
		    long status, int from_cache)
{
	json_error_t jerr;
	json_t *json = r->raw ? NULL : json_loadb(body, len, 0, &jerr);
	dg_http_response resp;

	if (!json && !r->raw) {
		if (!from_cache && r->attempts < h->opts.max_attempts) {
			retry_later(h, r, backoff_ms(h, r->attempts), "malformed JSON");
			return;
		}
		fail(h, r, DG_HTTP_ERR_FAILED, "%s: malformed JSON in the response (line %d: %s)", r->url,
		     jerr.line, jerr.text);
		return;
	}
	if (!from_cache && h->opts.cache && r->etag && status == 200 && !r->post) {
		if (dg_store_cache_put(h->opts.cache, r->url, r->etag, next, body, len) < 0 &&
		    !h->opts.quiet)
			dg_err_print("warning: ", dg_err_last());
	}
	resp.url = r->url;
	resp.status = status;
	resp.json = json;
	resp.body = body;
	resp.len = len;
	resp.next_url = next;
	resp.content_type = r->content_type;
	resp.from_cache = from_cache;
	answer(h, r, &resp, 0, NULL);
	json_decref(json);
}

/* The "message" of an error body, valid UTF-8, at most 300 columns; "" when
 * none. Owned by the request. */
static const char *json_message(request *r)
{
	json_t *j = json_loadb(r->body.ptr ? r->body.ptr : "", r->body.len, 0, NULL);
	const char *m = j ? json_string_value(json_object_get(j, "message")) : NULL;
	dg_buf b = DG_BUF_INIT;

	free(r->message);
	r->message = NULL;
	if (m && dg_text_utf8_repair(m, strlen(m), &b) == 0 && dg_text_cut(&b, 300, DG_TEXT_WIDTH, 0) == 0)
		r->message = dg_buf_detach(&b);
	dg_buf_free(&b);
	json_decref(j);
	return r->message ? r->message : "";
}

static void handle_done(dg_http *h, request *r, CURLcode code)
{
	long status = 0;
	const char *message;

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(h->multi, r->easy);
	unlink_running(h, r);
	h->active--;
	dg_http_scrub(h->opts.token, r->body.ptr, r->body.len);
	dg_http_scrub(h->opts.token, r->link_next, r->link_next ? strlen(r->link_next) : 0);
	dg_http_scrub(h->opts.token, r->etag, r->etag ? strlen(r->etag) : 0);
	dg_http_scrub(h->opts.token, r->content_type, r->content_type ? strlen(r->content_type) : 0);
	if (h->opts.verbose)
		dg_http_log("%s %s -> %ld%s", r->post ? "POST" : "GET", r->post || !r->target ? r->url : r->target, status,
		     code != CURLE_OK ? " (transport error)" :
		     status == 304 ? " (not modified, cache hit)" :
		     r->cached_etag ? " (cache stale)" : " (cache miss)");
	if (code == CURLE_OPERATION_TIMEDOUT && h->deadline_ms && now_ms() >= h->deadline_ms) {
		fail_expired(h, r);
		return;
	}
	if (code != CURLE_OK) {
		if (code == CURLE_WRITE_ERROR) {
			fail(h, r, DG_HTTP_ERR_FAILED, "%s: response larger than %zu bytes", r->url,
			     h->opts.max_body);
			return;
		}
		if (++r->attempts < h->opts.max_attempts && dg_http_transport_retry(r->raw && !r->post, code)) {
			retry_later(h, r, backoff_ms(h, r->attempts), curl_easy_strerror(code));
			return;
		}
		fail(h, r, DG_HTTP_ERR_FAILED, "%s: %s (after %d attempt%s)", r->url,
		     curl_easy_strerror(code), r->attempts, r->attempts == 1 ? "" : "s");
		return;
	}
	note_rate(h, r, status);
	if (status != 304 && r->rl_remaining >= 0) {
		if (r->resource == RES_SEARCH)
			h->stats.search_used++;
		else
			h->stats.core_used++;
	}
	if (status == 304 && r->cached_body) {
		h->stats.not_modified++;
		h->stats.cache_hits++;
		deliver(h, r, r->cached_body, r->cached_len, r->cached_next, 200, 1);
		return;
	}
	if (r->post && status >= 300 && status < 400) {
		fail(h, r, DG_HTTP_ERR_FAILED, "%s: HTTP %ld: a POST is not redirected", r->url, status);
		return;
	}
	if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
		char *location = NULL;
		curl_easy_getinfo(r->easy, CURLINFO_REDIRECT_URL, &location);
		if (!location || strncasecmp(location, "http", 4)) {
			fail(h, r, DG_HTTP_ERR_FAILED, "%s: HTTP %ld without a usable Location", r->url, status);
		} else if (++r->redirects > MAX_REDIRECTS) {
			fail(h, r, DG_HTTP_ERR_FAILED, "%s: more than %d redirects", r->url, MAX_REDIRECTS);
		} else {
			char *next = strdup(location);
			if (!next) {
				fail(h, r, DG_HTTP_ERR_FAILED, "%s: out of memory", r->url);
				return;
			}
			dg_http_scrub(h->opts.token, next, strlen(next));
			free(r->target);
			r->target = next;
			r->not_before_ms = 0;
			enqueue(h, r);
		}
		return;
	}
	if (status >= 200 && status < 300) {
		if (status != 200 || !r->body.len) {
			/* 202 Accepted etc.: GitHub is still computing; try again shortly. */
			if (++r->attempts < h->opts.max_attempts) {
				retry_later(h, r, backoff_ms(h, r->attempts), "no content yet");
				return;
			}
		}
		r->attempts++;
		deliver(h, r, dg_buf_cstr(&r->body), r->body.len, r->link_next, status, 0);
		return;
	}
	/* GitHub's 401 stops the run; another service's (a feed, WeChat) is that source's failure (below). */
	if (status == 401 && !r->raw && !r->post) {
		char *why = dg_http_unauthorized(r->url, json_message(r), h->opts.token_name,
						 h->opts.token && dg_http_is_api_url(h->opts.api_base,
										     r->target ? r->target : r->url));
		set_fatal(h, "%s", why ? why : "401 Unauthorized");
		free(why);
		fail(h, r, DG_HTTP_ERR_FATAL, "%s", fatal_message(h));
		return;
	}
	if (status == 403 || status == 429) {
		long long wait_ms = -1;
		const char *why = "secondary rate limit";
		message = json_message(r);
		if (r->retry_after >= 0) {
			wait_ms = r->retry_after * 1000LL;
		} else if (r->rl_remaining == 0 && r->rl_reset > 0) {
			long long secs = r->rl_reset - (long long)time(NULL) + 1;
			why = "rate limit exhausted";
			if (secs < 1)
				secs = 1;
			if (secs > h->opts.max_wait) {
				set_fatal_exhausted(h, r->rl_resource >= 0 ? r->rl_resource : (int)r->resource,
						    r->rl_reset);
				fail(h, r, DG_HTTP_ERR_FATAL, "%s", fatal_message(h));
				return;
			}
			wait_ms = secs * 1000;
			h->blocked_until_ms[r->resource] = now_ms() + wait_ms;
		} else if (dg_http_contains_ci(message, "secondary rate limit") || status == 429) {
			wait_ms = (long long)SECONDARY_FIRST_WAIT_MS << (r->rate_retries > 4 ? 4 : r->rate_retries);
			wait_ms += backoff_ms(h, 0);
		}
		if (wait_ms >= 0) {
			if (wait_ms > h->opts.max_wait * 1000LL) {
				set_fatal(h, "%s: %ld %s: would need to wait %lld s, beyond --max-wait %d s",
					  r->url, status, why, wait_ms / 1000, h->opts.max_wait);
				fail(h, r, DG_HTTP_ERR_FATAL, "%s", fatal_message(h));
				return;
			}
			if (r->waited_ms + wait_ms > h->opts.max_wait * 1000LL || ++r->rate_retries > MAX_RATE_RETRIES) {
				/* Each wait was allowed, not all of them together. */
				set_fatal(h, "%s: %ld %s again after %d waits (%lld s in all); waiting once more would "
					  "pass --max-wait %d s for one request", r->url, status, why, r->rate_retries,
					  r->waited_ms / 1000, h->opts.max_wait);
				fail(h, r, DG_HTTP_ERR_FATAL, "%s", fatal_message(h));
				return;
			}
			r->waited_ms += wait_ms;
			h->stats.waited_ms += wait_ms;
			retry_later(h, r, (long)wait_ms, why);
			return;
		}
		fail(h, r, DG_HTTP_ERR_REJECTED, "%s: 403 Forbidden%s%s", r->url, *message ? ": " : "",
		     message);
		return;
	}
	if (status >= 500) {
		if (++r->attempts < h->opts.max_attempts) {
			char why[32];
			snprintf(why, sizeof(why), "HTTP %ld", status);
			retry_later(h, r, backoff_ms(h, r->attempts), why);
			return;
		}
		fail(h, r, DG_HTTP_ERR_FAILED, "%s: HTTP %ld (after %d attempts)", r->url, status,
		     r->attempts);
		return;
	}
	message = json_message(r);
	fail(h, r, status == 404 ? DG_HTTP_ERR_NOT_FOUND : DG_HTTP_ERR_REJECTED, "%s: HTTP %ld%s%s",
	     r->url, status, *message ? ": " : "", message);
}

static void serve_offline(dg_http *h, request *r)
{
	if (h->opts.cache && !r->post &&
	    dg_store_cache_get(h->opts.cache, r->url, &r->cached_etag, &r->cached_next,
						&r->cached_body, &r->cached_len) == 1) {
		h->stats.cache_hits++;
		deliver(h, r, r->cached_body, r->cached_len, r->cached_next, 200, 1);
		return;
	}
	fail(h, r, DG_HTTP_ERR_FAILED, "%s: not in the state store (offline run)", r->url);
}

/* Take the queued request that may start now, of the best priority (the
 * first queued among equals); NULL if none. */
static request *dequeue_ready(dg_http *h, long long now, long long *next_wake)
{
	request *prev = NULL, *best = NULL, *best_prev = NULL;
	long long bucket[RES_COUNT];

	for (int i = 0; i < RES_COUNT; i++)
		bucket[i] = h->opts.offline ? 0 : bucket_wait(h, i);
	if (h->fatal)
		return NULL;
	for (request *r = h->queue_head; r; prev = r, r = r->next) {
		long long t = r->not_before_ms;
		if (h->blocked_until_ms[r->resource] > t)
			t = h->blocked_until_ms[r->resource];
		if (!r->raw && bucket[r->resource] && (bucket[r->resource] < 0 || bucket[r->resource] > t))
			t = bucket[r->resource];
		if (t < 0)
			continue;  /* an answer will tell */
		if (t > now) {
			if (*next_wake < 0 || t < *next_wake)
				*next_wake = t;
			continue;
		}
		if (!best || r->prio < best->prio) {
			best = r;
			best_prev = prev;
			if (r->prio == PRIO_SEARCH || h->opts.offline)
				break;  /* offline, no path is critical: in the order asked */
		}
	}
	if (!best)
		return NULL;
	if (best_prev)
		best_prev->next = best->next;
	else
		h->queue_head = best->next;
	if (h->queue_tail == best)
		h->queue_tail = best_prev;
	best->next = NULL;
	return best;
}

/* The run's time is up: every queued and running request fails, naming the limit. */
static void expire(dg_http *h)
{
	if (!h->expired && !h->opts.quiet)
		dg_http_log("warning: the run's time limit (--timeout %d s) was reached; "
			    "what is not fetched yet counts as failed", h->opts.timeout);
	h->expired = 1;
	while (h->queue_head) {
		request *r = h->queue_head;
		h->queue_head = r->next;
		if (!h->queue_head)
			h->queue_tail = NULL;
		fail_expired(h, r);
	}
	while (h->running) {
		request *r = h->running;
		unlink_running(h, r);
		curl_multi_remove_handle(h->multi, r->easy);
		h->active--;
		fail_expired(h, r);
	}
}

static void abort_queued(dg_http *h)
{
	while (h->queue_head) {
		request *r = h->queue_head;
		h->queue_head = r->next;
		if (!h->queue_head)
			h->queue_tail = NULL;
		finish(h, r, NULL, DG_HTTP_ERR_FATAL, fatal_message(h));
	}
}

int dg_http_run(dg_http *h)
{
	dg_date_zone_freeze();  /* resolver threads read the environment from here on */
	if (!h->opts.token && !h->opts.offline && !h->warned_no_token && !h->opts.quiet) {
		dg_http_log("warning: no GitHub token: %s is not set (nor GH_TOKEN); unauthenticated requests are "
			    "limited to 60 per hour", h->opts.token_name ? h->opts.token_name : "GITHUB_TOKEN");
		h->warned_no_token = 1;
	}
	if (h->opts.offline) {
		request *r;
		long long wake = -1;
		while ((r = dequeue_ready(h, now_ms() + 1000000000LL, &wake)))
			serve_offline(h, r);
		return 0;
	}
	while (h->queue_head || h->active) {
		long long now = now_ms(), wake = -1;
		int running = 0, msgs;
		CURLMsg *m;
		request *r;

		if (h->fatal) {
			abort_queued(h);
			if (!h->active)
				break;
		}
		if (h->deadline_ms && now >= h->deadline_ms)
			expire(h);
		while (!h->fatal && h->active < h->opts.jobs && (r = dequeue_ready(h, now, &wake))) {
			if (start_transfer(h, r) < 0)
				fail(h, r, DG_HTTP_ERR_FAILED, "%s", dg_err_last());
		}
		curl_multi_perform(h->multi, &running);
		while ((m = curl_multi_info_read(h->multi, &msgs))) {
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
			handle_done(h, r, m->data.result);
		}
		dg_progress_requests(h->stats.requests - h->active, h->active);
		dg_progress_wait(!h->active && wake > now_ms() ? wake : 0, h->wait_why);
		dg_progress_tick();
		if (h->active || (h->queue_head && wake >= 0)) {
			int timeout = 100;
			now = now_ms();
			if (!h->active && wake > now)
				timeout = (int)(wake - now > 1000 ? 1000 : wake - now);
			else if (wake >= 0 && wake - now < timeout)
				timeout = wake > now ? (int)(wake - now) : 0;
			if (h->deadline_ms && h->deadline_ms - now < timeout)
				timeout = h->deadline_ms > now ? (int)(h->deadline_ms - now) : 0;
			curl_multi_poll(h->multi, NULL, 0, timeout, NULL);
		}
	}
	if (h->fatal)
		return dg_err_set(DG_HTTP_ERR_FATAL, "%s", fatal_message(h));
	return 0;
}

void dg_http_get_stats(const dg_http *h, dg_http_stats *out)
{
	*out = h->stats;
}
