/* http.c - the transfer engine's client: queueing, starting transfers (the
 * token's confinement, the cache's validators), the gates of a policy's
 * lanes, libcurl's multi loop and the deadline. What becomes of a finished
 * transfer is httpdone.c's; a service's rules come from its policy
 * (http.h: dg_http_policy). */
#include "net/http.h"
#include "net/httpint.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/progress.h"
#include "base/date.h"
#include "base/str.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_MAX_BODY (32u << 20)
#define DEFAULT_ATTEMPTS 6
#define DEFAULT_RETRY_BASE_MS 500
#define MAX_RETRY_BASE_MS 60000
#define DEFAULT_STALL_SECONDS 60
#define MAX_STALL_SECONDS 3600
#define DEFAULT_MAX_PAGES 1000
#define TRANSFER_TIMEOUT_MS 120000L
#define ACCEPT_DOCUMENT "Accept: application/atom+xml, application/rss+xml, application/feed+json, " \
			"application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"

/* Free a copy of a secret, wiped first. */
static void wipe_free(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

/* The multi handle, its options checked (jobs bound the connections). */
static int multi_new(dg_http *h)
{
	CURLMcode mc;

	if (!(h->multi = curl_multi_init()))
		return dg_err_set(DG_ERR_FAIL, "libcurl: curl_multi_init failed");
	if ((mc = curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->opts.jobs)) != CURLM_OK)
		return dg_http_multi_failed("curl_multi_setopt CURLMOPT_MAX_TOTAL_CONNECTIONS", mc);
	if ((mc = curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)h->opts.jobs)) != CURLM_OK)
		return dg_http_multi_failed("curl_multi_setopt CURLMOPT_MAX_HOST_CONNECTIONS", mc);
	if ((mc = curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX)) != CURLM_OK)
		return dg_http_multi_failed("curl_multi_setopt CURLMOPT_PIPELINING", mc);
	return 0;
}

int dg_http_new(const dg_http_opts *opts, dg_http **out)
{
	static int global_done;
	dg_http *h;
	int err;

	*out = NULL;
	if (!global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return dg_err_set(DG_ERR_FAIL, "libcurl: curl_global_init failed");
		global_done = 1;
	}
	h = dg_calloc(1, sizeof(*h));
	h->opts = *opts;
	if (h->opts.jobs < 1)
		h->opts.jobs = 1;
	if (!h->opts.max_body)
		h->opts.max_body = DEFAULT_MAX_BODY;
	if (h->opts.max_attempts < 1)
		h->opts.max_attempts = DEFAULT_ATTEMPTS;
	/* Out of range (the program checks its variables, cmd/env.c): the
	 * default, so the backoff's shift never sees a negative or huge base. */
	if (h->opts.retry_base_ms < 1 || h->opts.retry_base_ms > MAX_RETRY_BASE_MS)
		h->opts.retry_base_ms = DEFAULT_RETRY_BASE_MS;
	if (h->opts.stall_seconds < 1 || h->opts.stall_seconds > MAX_STALL_SECONDS)
		h->opts.stall_seconds = DEFAULT_STALL_SECONDS;
	if (h->opts.max_pages < 1)
		h->opts.max_pages = DEFAULT_MAX_PAGES;
	if (h->opts.timeout > 0)
		h->deadline_ms = dg_http_now_ms() + h->opts.timeout * 1000LL;
	h->rng = (unsigned)time(NULL) ^ 0x9e3779b9u;
	snprintf(h->user_agent, sizeof(h->user_agent), "digest/%s (+libcurl)", DG_VERSION);
	if (!opts->offline && (err = multi_new(h)) < 0) {
		dg_http_free(h);
		return err;
	}
	*out = h;
	return 0;
}

int dg_http_set_policy(dg_http *h, const dg_http_policy *p, void *state)
{
	int nread = 0, nlanes = 0;

	while (p->read && p->read[nread])
		nread++;
	while (p->lane_names && p->lane_names[nlanes])
		nlanes++;
	if (h->policy || h->queue_head || nread > DG_HTTP_READ_MAX || nlanes > DG_HTTP_LANES) {
		if (p->free)
			p->free(state);
		return dg_err_set(DG_ERR_FAIL, "dg_http_set_policy: a policy is set, requests are queued, or "
				  "it reads more than %d headers or has more than %d lanes", DG_HTTP_READ_MAX,
				  DG_HTTP_LANES);
	}
	h->policy = p;
	h->policy_state = state;
	h->nread = nread;
	h->nlanes = nlanes;
	return 0;
}

int dg_http_offline(const dg_http *h)
{
	return h->opts.offline;
}

int dg_http_verbose(const dg_http *h)
{
	return h && h->opts.verbose;
}

void dg_http_free(dg_http *h)
{
	if (!h)
		return;
	while (h->queue_head) {
		dg_http_req *r = h->queue_head;
		h->queue_head = r->next;
		dg_http_req_free(r);
	}
	if (h->multi)
		(void)curl_multi_cleanup(h->multi);  /* nothing is left to tell it failed */
	if (h->policy && h->policy->free)
		h->policy->free(h->policy_state);
	free(h->fatal_message);
	json_decref(h->failed_raw);
	for (size_t i = 0; i < h->nsecrets; i++)
		wipe_free(h->secrets[i]);
	free(h->secrets);
	free(h);
}

/* A page asked for from the callback of the previous one: same list. */
static int follow_page(dg_http *h, dg_http_req *r)
{
	dg_http_req *prev = h->current;

	if (!prev || !h->current_next || strcmp(r->url, h->current_next))
		return 0;
	if (!prev->chain) {
		prev->chain = dg_calloc(1, sizeof(*prev->chain));
		prev->chain->seen = json_object();
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
	/* Refused only for a key that is not UTF-8 (a server's Link). */
	return json_object_set_new(r->chain->seen, r->url, json_true()) < 0 ?
		dg_err_set(DG_ERR_FAIL, "the list's Link rel=\"next\" is not valid UTF-8; stopped after page %d",
			   prev->page) : 0;
}

int dg_http_max_pages(const dg_http *h)
{
	return h->opts.max_pages;
}

static int get(dg_http *h, const char *url, dg_http_cb cb, void *ud, int api)
{
	dg_http_req *r = dg_calloc(1, sizeof(*r));
	int err;

	r->url = dg_strdup(url);
	r->page = 1;
	if ((err = follow_page(h, r)) < 0) {
		dg_http_req_free(r);
		return err;
	}
	r->cb = cb;
	r->ud = ud;
	r->api = api;
	r->lane = -1;
	r->prio = api ? DG_HTTP_PRIO_API : DG_HTTP_PRIO_DOCUMENT;
	r->transport = api ? DG_HTTP_TRANSPORT_RETRY : DG_HTTP_TRANSPORT_REACHABLE;
	if (api && h->policy) {
		if (h->policy->route)
			h->policy->route(h->policy_state, url, &r->lane, &r->prio);
		if (r->lane >= h->nlanes)
			r->lane = -1;
		r->read_names = h->policy->read;
		r->nread = h->nread;
	}
	dg_buf_init(&r->body, h->opts.max_body);
	dg_http_enqueue(h, r);
	return 0;
}

int dg_http_get(dg_http *h, const char *url, dg_http_cb cb, void *ud)
{
	return get(h, url, cb, ud, 1);
}

int dg_http_get_raw(dg_http *h, const char *url, dg_http_cb cb, void *ud)
{
	return get(h, url, cb, ud, 0);
}

/* The request's url is the redacted one (every message and log line names
 * it); the real one is its target. */
static dg_http_req *post(dg_http *h, const char *url, const char *content_type, const void *body, size_t len,
			 dg_http_cb cb, void *ud, int once)
{
	dg_http_req *r = dg_calloc(1, sizeof(*r));

	r->target = dg_strdup(url);
	r->url = dg_http_redact(url);
	r->post_type = dg_strdup(content_type);
	r->post = dg_malloc(len);
	if (len)
		memcpy(r->post, body, len);
	r->post_len = len;
	r->page = 1;
	r->cb = cb;
	r->ud = ud;
	r->lane = -1;
	r->prio = DG_HTTP_PRIO_FIRST;  /* a POST waits for no bucket: it goes first */
	r->transport = DG_HTTP_TRANSPORT_RETRY;
	r->once = once;
	dg_buf_init(&r->body, h->opts.max_body);
	return r;
}

int dg_http_post(dg_http *h, const char *url, const char *content_type, const void *body,
		 size_t len, dg_http_cb cb, void *ud)
{
	dg_http_enqueue(h, post(h, url, content_type, body, len, cb, ud, 0));
	return 0;
}

int dg_http_post_once(dg_http *h, const char *url, const char *content_type, const void *body,
		      size_t len, dg_http_cb cb, void *ud)
{
	dg_http_enqueue(h, post(h, url, content_type, body, len, cb, ud, 1));
	return 0;
}

/* A POST with header lines of its own (copied). */
static dg_http_req *post_lines(dg_http *h, const char *url, const char *content_type, const char *const *headers,
			       const void *body, size_t len, dg_http_cb cb, void *ud)
{
	dg_http_req *r = post(h, url, content_type, body, len, cb, ud, 0);

	for (const char *const *l = headers; l && *l; l++) {
		r->extra = dg_realloc(r->extra, (r->nextra + 1) * sizeof(*r->extra));
		r->extra[r->nextra++] = dg_strdup(*l);
	}
	r->retry_busy = 1;
	return r;
}

int dg_http_post_with(dg_http *h, const char *url, const char *content_type, const char *const *headers,
		      const void *body, size_t len, dg_http_cb cb, void *ud)
{
	dg_http_enqueue(h, post_lines(h, url, content_type, headers, body, len, cb, ud));
	return 0;
}

int dg_http_post_query(dg_http *h, const char *url, const char *content_type, const char *const *headers,
		       const void *body, size_t len, dg_http_cb cb, void *ud)
{
	dg_http_req *r = post_lines(h, url, content_type, headers, body, len, cb, ud);

	r->transport = DG_HTTP_TRANSPORT_REACHABLE;   /* refused: the service is down */
	r->say_body = 1;
	dg_http_enqueue(h, r);
	return 0;
}

/* The forms a server may echo a secret in: as is; percent-encoded, as it
 * goes into a URL (draftbox encodes the token in the query); as a JSON
 * string carries it (the bytes, before any decoding: '"' and '\\'
 * escaped, controls as \u00XX, '/' as is). forms[i] caller wipes and
 * frees. */
static void secret_forms(const char *secret, size_t n, char *forms[3])
{
	dg_buf pct = DG_BUF_INIT, js = DG_BUF_INIT;

	forms[0] = dg_strdup(secret);
	(void)dg_str_percent_encode(&pct, secret, n, DG_STR_PCT_UNRESERVED, NULL);  /* no cap: cannot fail */
	forms[1] = dg_buf_detach(&pct);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)secret[i];
		if (c == '"' || c == '\\')
			dg_buf_putc(&js, '\\');
		if (c < 0x20)
			dg_buf_printf(&js, "\\u%04x", c);
		else
			dg_buf_putc(&js, (char)c);
	}
	forms[2] = dg_buf_detach(&js);
	dg_buf_free(&pct);
	dg_buf_free(&js);
}

static void add_one_secret(dg_http *h, char *s)
{
	for (size_t i = 0; i < h->nsecrets; i++)
		if (!strcmp(h->secrets[i], s)) {
			wipe_free(s);
			return;
		}
	h->secrets = dg_realloc(h->secrets, (h->nsecrets + 1) * sizeof(*h->secrets));
	h->secrets[h->nsecrets++] = s;
}

void dg_http_add_secret(dg_http *h, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	char *forms[3];

	if (n < 4)
		return;
	secret_forms(secret, n, forms);
	for (int i = 0; i < 3; i++)
		add_one_secret(h, forms[i]);
}

void dg_http_forget_secret(dg_http *h, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	char *forms[3];

	if (n < 4)
		return;
	secret_forms(secret, n, forms);
	for (int f = 0; f < 3; f++) {
		for (size_t i = 0; i < h->nsecrets; i++)
			if (!strcmp(h->secrets[i], forms[f])) {
				wipe_free(h->secrets[i]);
				h->secrets[i] = h->secrets[--h->nsecrets];
				break;
			}
		wipe_free(forms[f]);
	}
}

/* --- curl callbacks --- */

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	dg_http_req *r = ud;

	if (dg_buf_put(&r->body, data, size * n) < 0)
		return 0; /* over the cap: curl stops with CURLE_WRITE_ERROR */
	return size * n;
}

static void take(char **slot, char *v)
{
	free(*slot);
	*slot = v;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
	dg_http_req *r = ud;
	size_t len = size * n;
	char *v;

	if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
		/* A new response (redirect, 100 Continue): forget the last one's headers. */
		dg_http_reset_response(r);
		return len;
	}
	if ((v = dg_http_header_value(data, len, "ETag"))) {
		take(&r->etag, v);
	} else if ((v = dg_http_header_value(data, len, "Link"))) {
		take(&r->link_next, dg_http_link_rel(v, "next"));
		take(&r->link_last, dg_http_link_rel(v, "last"));
		free(v);
	} else if ((v = dg_http_header_value(data, len, "Content-Type"))) {
		take(&r->content_type, v);
	} else if (r->retry_busy && (v = dg_http_header_value(data, len, "Retry-After"))) {
		take(&r->retry_after, v);
	} else {
		for (int i = 0; i < r->nread; i++)
			if ((v = dg_http_header_value(data, len, r->read_names[i]))) {
				take(&r->read[i], v);
				break;
			}
	}
	return len;
}

/* --- starting transfers --- */

/* curl_slist_append fails only when out of memory (libcurl allocates
 * through base/alloc.h, which aborts first). */
static void add_header(dg_http_req *r, const char *line)
{
	struct curl_slist *l = curl_slist_append(r->headers, line);

	if (!l)
		dg_oom(strlen(line));
	r->headers = l;
}

/* The request's header lines: a POST's body type, what a document accepts
 * (feed types first), the policy's, the token, If-None-Match. */
static void build_headers(dg_http *h, dg_http_req *r, const char *url)
{
	char line[1200];

	curl_slist_free_all(r->headers);
	r->headers = NULL;
	if (r->post) {
		snprintf(line, sizeof(line), "Content-Type: %.1000s", r->post_type);
		add_header(r, line);
		add_header(r, "Expect:");
		/* dg_http_post_with's lines: a POST is never redirected, so they
		 * reach only the URL its caller chose */
		for (size_t i = 0; i < r->nextra; i++)
			add_header(r, r->extra[i]);
	} else if (!r->api) {
		add_header(r, ACCEPT_DOCUMENT);
	} else if (h->policy && h->policy->send) {
		for (const char *const *s = h->policy->send; *s; s++)
			add_header(r, *s);
	}
	/* The token: a dg_http_get to a URL under the base, checked again for
	 * every redirect's target (this runs for each). */
	if (h->opts.token && r->api && dg_http_is_api_url(h->opts.api_base, url)) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", h->opts.token);
		add_header(r, line);
		memset(line, 0, sizeof(line)); /* no copy of the token lingers on the stack */
	}
	if (r->cached_etag && strlen(r->cached_etag) < 1000) {
		snprintf(line, sizeof(line), "If-None-Match: %s", r->cached_etag);
		add_header(r, line);
	}
}

static int setopt_failed(const char *url, const char *option, CURLcode cc)
{
	return dg_err_set(DG_ERR_FAIL, "%s: libcurl: curl_easy_setopt %s: %s", url, option, curl_easy_strerror(cc));
}

/* Set an option of `e`; a failure returns from the calling function, naming it. */
#define SETOPT(e, option, value)                                                 \
	do {                                                                     \
		CURLcode cc_ = curl_easy_setopt(e, option, value);               \
		if (cc_ != CURLE_OK)                                             \
			return setopt_failed(url, #option, cc_);                 \
	} while (0)

static int set_options(dg_http *h, dg_http_req *r, const char *url)
{
	CURL *e = r->easy;
	long long timeout_ms = TRANSFER_TIMEOUT_MS, now = dg_http_now_ms();

	if (h->deadline_ms && h->deadline_ms - now < timeout_ms)
		timeout_ms = h->deadline_ms - now > 1 ? h->deadline_ms - now : 1;
	SETOPT(e, CURLOPT_URL, url);
	SETOPT(e, CURLOPT_HTTPHEADER, r->headers);
	SETOPT(e, CURLOPT_USERAGENT, h->user_agent);
	SETOPT(e, CURLOPT_ACCEPT_ENCODING, "");
	/* A libcurl built without HTTP/2 refuses this one: it speaks HTTP/1.1. */
	(void)curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	SETOPT(e, CURLOPT_CONNECTTIMEOUT, 15L);
	SETOPT(e, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	SETOPT(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	SETOPT(e, CURLOPT_LOW_SPEED_TIME, (long)h->opts.stall_seconds);
	/* Redirects are followed by httpdone.c, so that the token check runs
	 * again for every location. */
	SETOPT(e, CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(e, CURLOPT_NOSIGNAL, 1L);
	SETOPT(e, CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SETOPT(e, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(e, CURLOPT_WRITEDATA, r);
	SETOPT(e, CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(e, CURLOPT_HEADERDATA, r);
	SETOPT(e, CURLOPT_PRIVATE, r);
	if (r->post) {
		SETOPT(e, CURLOPT_POSTFIELDS, r->post);
		SETOPT(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->post_len);
	}
	return 0;
}

static int start_transfer(dg_http *h, dg_http_req *r)
{
	const char *url = r->target ? r->target : r->url;
	const char *failed = !r->api && !r->post ? json_string_value(json_object_get(h->failed_raw, r->url)) : NULL;
	CURLMcode mc;
	int err = 0;

	if (failed)
		return dg_err_set(DG_ERR_FAIL, "%s", failed);  /* the same answer, nothing sent */
	dg_http_reset_response(r);
	if (h->opts.cache && !r->cached_body && !r->post) {
		if ((err = dg_store_cache_get(h->opts.cache, r->url, &r->cached_etag, &r->cached_next, &r->cached_last,
					      &r->cached_body, &r->cached_len)) < 0)
			return err;
	}
	build_headers(h, r, url);
	if (!r->easy && !(r->easy = curl_easy_init()))
		return dg_err_set(DG_ERR_FAIL, "%s: libcurl: curl_easy_init failed", url);
	curl_easy_reset(r->easy);
	if ((err = set_options(h, r, url)) < 0)
		return err;
	if ((mc = curl_multi_add_handle(h->multi, r->easy)) != CURLM_OK)
		return dg_err_set(DG_ERR_FAIL, "%s: libcurl: curl_multi_add_handle: %s", url, curl_multi_strerror(mc));
	h->active++;
	h->stats.requests++;
	if (r->lane >= 0) {
		r->counted = 1;
		h->in_flight[r->lane]++;
	}
	r->run_next = h->running;
	if (h->running)
		h->running->run_prev = r;
	h->running = r;
	return 0;
}

/* --- the queue --- */

/* When a request of `lane` may start: 0 now, -1 when an answer will tell,
 * else the monotonic time to look again (the policy's gate). */
static long long lane_opens(dg_http *h, int lane)
{
	char why[160] = "", *message = NULL;
	long long d;

	if (h->opts.offline || !h->policy->gate)
		return 0;
	d = h->policy->gate(h->policy_state, lane, h->in_flight[lane], why, sizeof(why), &message);
	if (d == DG_HTTP_GATE_STOP) {
		dg_http_set_fatal(h, message);
		free(message);
		return -1;
	}
	if (d <= 0)
		return d < 0 ? -1 : 0;
	snprintf(h->wait_why, sizeof(h->wait_why), "%s", why);
	return dg_http_now_ms() + d;
}

/* Take the queued request that may start now, of the best priority (the
 * first queued among equals); NULL if none. */
static dg_http_req *dequeue_ready(dg_http *h, long long now, long long *next_wake)
{
	dg_http_req *prev = NULL, *best = NULL, *best_prev = NULL;
	long long opens[DG_HTTP_LANES];
	int asked[DG_HTTP_LANES] = {0};

	for (dg_http_req *r = h->queue_head; r; prev = r, r = r->next) {
		long long t = r->not_before_ms;
		if (r->lane >= 0) {
			/* Each lane's gate once a pass, for a lane with a request waiting. */
			if (!asked[r->lane]) {
				asked[r->lane] = 1;
				opens[r->lane] = lane_opens(h, r->lane);
				if (h->fatal)
					return NULL;
			}
			if (h->held_until_ms[r->lane] > t)
				t = h->held_until_ms[r->lane];
			if (opens[r->lane] && (opens[r->lane] < 0 || opens[r->lane] > t))
				t = opens[r->lane];
		}
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
			if (r->prio == DG_HTTP_PRIO_FIRST || h->opts.offline)
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

/* --- the loop --- */

/* libcurl's multi handle failed: the run stops, naming the call. */
static void multi_broke(dg_http *h, const char *call, CURLMcode mc)
{
	dg_http_multi_failed(call, mc);
	dg_http_set_fatal(h, dg_err_last());
	dg_http_abort_running(h, 0);
}

/* Answer every finished transfer. */
static void read_done(dg_http *h)
{
	CURLMsg *m;
	int msgs;

	while ((m = curl_multi_info_read(h->multi, &msgs))) {
		dg_http_req *r = NULL;
		if (m->msg != CURLMSG_DONE)
			continue;
		if (curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r) != CURLE_OK || !r) {
			dg_http_set_fatal(h, "libcurl: curl_easy_getinfo CURLINFO_PRIVATE failed");
			dg_http_abort_running(h, 0);
			return;
		}
		dg_http_done(h, r, m->data.result);
	}
}

/* How long curl_multi_poll may sleep: until the next wake-up or the
 * deadline; at most a second (the progress line's countdown). */
static int poll_timeout(const dg_http *h, long long wake)
{
	long long now = dg_http_now_ms();
	int timeout = 100;

	if (!h->active && wake > now)
		timeout = (int)(wake - now > 1000 ? 1000 : wake - now);
	else if (wake >= 0 && wake - now < timeout)
		timeout = wake > now ? (int)(wake - now) : 0;
	if (h->deadline_ms && h->deadline_ms - now < timeout)
		timeout = h->deadline_ms > now ? (int)(h->deadline_ms - now) : 0;
	return timeout;
}

static void run(dg_http *h)
{
	dg_http_req *r;
	CURLMcode mc;

	if (h->opts.offline) {
		long long wake = -1;
		while ((r = dequeue_ready(h, dg_http_now_ms() + 1000000000LL, &wake)))
			dg_http_serve_offline(h, r);
		return;
	}
	while (h->queue_head || h->active) {
		long long now = dg_http_now_ms(), wake = -1;
		int running = 0;

		if (h->fatal) {
			dg_http_abort_queued(h);
			if (!h->active)
				break;
		}
		if (h->deadline_ms && now >= h->deadline_ms)
			dg_http_expire(h);
		while (!h->fatal && h->active < h->opts.jobs && (r = dequeue_ready(h, now, &wake))) {
			if (start_transfer(h, r) < 0)
				dg_http_fail(h, r, DG_HTTP_ERR_FAILED, "%s", dg_err_last());
		}
		if ((mc = curl_multi_perform(h->multi, &running)) != CURLM_OK) {
			multi_broke(h, "curl_multi_perform", mc);
			continue;
		}
		read_done(h);
		dg_progress_requests(h->stats.requests - h->active, h->active);
		dg_progress_wait(!h->active && wake > dg_http_now_ms() ? wake : 0, h->wait_why);
		dg_progress_tick();
		if ((h->active || (h->queue_head && wake >= 0)) &&
		    (mc = curl_multi_poll(h->multi, NULL, 0, poll_timeout(h, wake), NULL)) != CURLM_OK)
			multi_broke(h, "curl_multi_poll", mc);
	}
}

int dg_http_run(dg_http *h)
{
	/* A callback (or a message handler) that ran the client again would
	 * answer requests inside another's answer: refused. */
	if (h->in_run)
		return dg_err_set(DG_ERR_FAIL, "dg_http_run called from a callback");
	dg_date_zone_freeze();  /* resolver threads read the environment from here on */
	h->in_run = 1;
	run(h);
	h->in_run = 0;
	if (h->fatal)
		return dg_err_set(DG_HTTP_ERR_FATAL, "%s", h->fatal_message);
	return 0;
}

void dg_http_get_stats(const dg_http *h, dg_http_stats *out)
{
	*out = h->stats;
}

/* The end-of-run summary line (lib/net/http.h). */
void dg_http_format_summary(const dg_http *h, char *out, size_t size)
{
	char extra[384] = "";

	if (h->policy && h->policy->summary)
		h->policy->summary(h->policy_state, extra, sizeof(extra));
	snprintf(out, size, "%ld requests (%ld not modified), %ld retries%s%s", h->stats.requests,
		 h->stats.not_modified, h->stats.retries, *extra ? "; " : "", extra);
}
