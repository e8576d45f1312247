/* httpdone.c - what becomes of a request once its transfer ends: the
 * policy's verdict or the engine's rules (deliver, follow a redirect, retry
 * with backoff, wait, fail, stop the run), the deadline, the answer to the
 * callback. Called by http.c; calls nothing there. */
#include "net/httpint.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/str.h"
#include "base/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

long long dg_http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void dg_http_reset_response(dg_http_req *r)
{
	dg_buf_free(&r->body);  /* a retry starts a new body: keeps the cap, drops an error */
	free(r->etag);
	free(r->link_next);
	free(r->link_last);
	free(r->content_type);
	free(r->retry_after);
	r->etag = r->link_next = r->link_last = r->content_type = r->retry_after = NULL;
	for (int i = 0; i < DG_HTTP_READ_MAX; i++) {
		free(r->read[i]);
		r->read[i] = NULL;
	}
}

static void chain_release(dg_http_chain *c)
{
	if (c && --c->refs == 0) {
		json_decref(c->seen);
		free(c);
	}
}

void dg_http_req_free(dg_http_req *r)
{
	if (!r)
		return;
	chain_release(r->chain);
	free(r->target);
	if (r->easy)
		curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	dg_http_reset_response(r);
	free(r->url);
	free(r->post);
	free(r->post_type);
	for (size_t i = 0; i < r->nextra; i++) {
		memset(r->extra[i], 0, strlen(r->extra[i]));  /* a key in a header line lingers nowhere */
		free(r->extra[i]);
	}
	free(r->extra);
	free(r->cached_etag);
	free(r->cached_body);
	free(r->cached_next);
	free(r->cached_last);
	free(r);
}

void dg_http_enqueue(dg_http *h, dg_http_req *r)
{
	r->next = NULL;
	if (h->queue_tail)
		h->queue_tail->next = r;
	else
		h->queue_head = r;
	h->queue_tail = r;
}

void dg_http_unlink_running(dg_http *h, dg_http_req *r)
{
	if (r->counted) {
		r->counted = 0;
		h->in_flight[r->lane]--;
	}
	if (r->run_prev)
		r->run_prev->run_next = r->run_next;
	else if (h->running == r)
		h->running = r->run_next;
	if (r->run_next)
		r->run_next->run_prev = r->run_prev;
	r->run_prev = r->run_next = NULL;
}

int dg_http_multi_failed(const char *call, CURLMcode mc)
{
	return dg_err_set(DG_ERR_FAIL, "libcurl: %s: %s", call, curl_multi_strerror(mc));
}

/* Answer the request's callback (once), then free it. */
static void answer(dg_http *h, dg_http_req *r, const dg_http_response *resp, int err, const char *msg)
{
	h->current = r;
	h->current_next = resp ? resp->next_url : NULL;
	r->cb(h, r->ud, resp, err, msg);
	h->current = NULL;
	h->current_next = NULL;
	dg_http_req_free(r);
}

static void finish(dg_http *h, dg_http_req *r, int err, const char *message)
{
	char *msg = dg_strdup(message);

	/* Messages quote servers (a body, a Location): no secret goes on. */
	dg_http_scrub_all(h, msg, strlen(msg));
	if (h->opts.verbose)
		dg_http_log(h, "%s %s failed: %s", r->post ? "POST" : "GET", r->url, msg);
	/* Not sent again (an avatar: the poster's, then the draft's): the client lives for the run. */
	if (!r->api && !r->post && (h->failed_raw || (h->failed_raw = json_object())))
		json_object_set_new(h->failed_raw, r->url, json_string(msg));
	answer(h, r, NULL, err, msg);
	free(msg);
}

void dg_http_fail(dg_http *h, dg_http_req *r, int err, const char *fmt, ...)
{
	dg_buf msg = DG_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	dg_buf_vprintf(&msg, fmt, ap);   /* uncapped: no check */
	va_end(ap);
	finish(h, r, err, dg_buf_cstr(&msg));
	dg_buf_free(&msg);
}

/* What the deadline leaves: a request not done by then fails, naming it. */
static void fail_expired(dg_http *h, dg_http_req *r)
{
	dg_http_fail(h, r, DG_HTTP_ERR_FAILED, "%s: not done within the run's time limit (--timeout %d s)", r->url,
		     h->opts.timeout);
}

const char *dg_http_set_fatal(dg_http *h, const char *message)
{
	if (!h->fatal) {
		h->fatal = 1;
		h->fatal_message = dg_strdup(message ? message : "the run was stopped");
		dg_http_scrub_all(h, h->fatal_message, strlen(h->fatal_message));
	}
	return h->fatal_message;
}

/* Stop the run: answer the request with the run's fatal message. */
static void stop(dg_http *h, dg_http_req *r, const char *message)
{
	dg_http_fail(h, r, DG_HTTP_ERR_FATAL, "%s", dg_http_set_fatal(h, message));
}

static long backoff_ms(dg_http *h, int attempt)
{
	long base = (long)h->opts.retry_base_ms << (attempt > 10 ? 10 : attempt);

	h->rng = h->rng * 1103515245u + 12345u;
	/* Full jitter in [base/2, base]: spreads retries of parallel requests. */
	return base / 2 + (long)((h->rng >> 8) % (unsigned)(base / 2 + 1));
}

static void retry_later(dg_http *h, dg_http_req *r, long delay_ms, const char *why)
{
	if (h->deadline_ms && dg_http_now_ms() + delay_ms >= h->deadline_ms) {
		dg_http_fail(h, r, DG_HTTP_ERR_FAILED, "%s: %s; a retry in %.1f s would end after the run's time "
			     "limit (--timeout %d s)", r->url, why, delay_ms / 1000.0, h->opts.timeout);
		return;
	}
	h->stats.retries++;
	if (r->lane >= 0)
		snprintf(h->wait_why, sizeof(h->wait_why), "%s (%s)", why, h->policy->lane_names[r->lane]);
	else
		snprintf(h->wait_why, sizeof(h->wait_why), "%s", why);
	if (h->opts.verbose)
		dg_http_log(h, "%s %s: %s, retrying in %.1f s", r->post ? "POST" : "GET", r->url, why,
			    delay_ms / 1000.0);
	r->not_before_ms = dg_http_now_ms() + delay_ms;
	dg_http_enqueue(h, r);
}

/* Again after the backoff while attempts remain; 1 when it will be. */
static int retry_attempt(dg_http *h, dg_http_req *r, const char *why)
{
	if (++r->attempts >= h->opts.max_attempts || r->once)
		return 0;
	retry_later(h, r, backoff_ms(h, r->attempts), why);
	return 1;
}

/* Body to JSON (dg_http_get), answering the callback; malformed bodies are retried. */
static void deliver(dg_http *h, dg_http_req *r, const char *body, size_t len, const char *next,
		    const char *last, long status, int from_cache)
{
	json_error_t jerr;
	json_t *json = r->api ? json_loadb(body, len, 0, &jerr) : NULL;
	dg_http_response resp;

	if (!json && r->api) {
		if (!from_cache && retry_attempt(h, r, "malformed JSON"))
			return;
		dg_http_fail(h, r, DG_HTTP_ERR_FAILED, "%s: malformed JSON in the response (line %d: %s)", r->url,
			     jerr.line, jerr.text);
		return;
	}
	if (!from_cache && h->opts.cache && r->etag && status == 200 && !r->post) {
		if (dg_store_cache_put(h->opts.cache, r->url, r->etag, next, last, body, len) < 0)
			dg_msg(DG_MSG_WARNING, "%s", dg_err_last());
	}
	resp.url = r->url;
	resp.status = status;
	resp.json = json;
	resp.body = body;
	resp.len = len;
	resp.next_url = next;
	resp.last_url = last;
	resp.content_type = r->content_type;
	resp.from_cache = from_cache;
	answer(h, r, &resp, 0, NULL);
	json_decref(json);
}

static void redirect(dg_http *h, dg_http_req *r, long status)
{
	char *location = NULL, *next;

	if (curl_easy_getinfo(r->easy, CURLINFO_REDIRECT_URL, &location) != CURLE_OK || !location ||
	    !dg_str_starts_ci(location, strlen(location), "http")) {
		dg_http_fail(h, r, DG_HTTP_ERR_FAILED, "%s: HTTP %ld without a usable Location", r->url, status);
	} else if (++r->redirects > MAX_REDIRECTS) {
		dg_http_fail(h, r, DG_HTTP_ERR_FAILED, "%s: more than %d redirects", r->url, MAX_REDIRECTS);
	} else {
		next = dg_strdup(location);
		/* Sent again to the new place; http.c checks the token's base for it. */
		dg_http_scrub_all(h, next, strlen(next));
		free(r->target);
		r->target = next;
		r->not_before_ms = 0;
		dg_http_enqueue(h, r);
	}
}

/* A 429 or 5xx answer to dg_http_post_with: again after the server's
 * Retry-After (seconds; more than --max-wait fails it) or the backoff,
 * while attempts remain; 1 when it will be. */
static int retry_busy(dg_http *h, dg_http_req *r, long status)
{
	char why[48];
	long long delay;
	char *end = NULL;
	long secs = r->retry_after ? strtol(r->retry_after, &end, 10) : -1;

	if (++r->attempts >= h->opts.max_attempts)
		return 0;
	delay = backoff_ms(h, r->attempts);
	if (secs >= 0 && end && end != r->retry_after) {
		if (secs > h->opts.max_wait) {
			dg_http_fail(h, r, DG_HTTP_ERR_FAILED, "%s: HTTP %ld: the server asks to wait %ld s (Retry-After), "
				     "more than --max-wait %d s", r->url, status, secs, h->opts.max_wait);
			return 1;
		}
		if (secs * 1000 > delay)
			delay = secs * 1000;
	}
	snprintf(why, sizeof(why), "HTTP %ld", status);
	retry_later(h, r, (long)delay, why);
	return 1;
}

/* What a query service (dg_http_post_query) said of a refusal: ": " and
 * the first line of its body (the secrets scrubbed out already), valid
 * UTF-8, at most 300 code points; "" for other requests. In `b` (uncapped). */
static const char *refusal_text(const dg_http_req *r, dg_buf *b)
{
	size_t n = r->body.len;
	const char *nl = r->body.ptr ? memchr(r->body.ptr, '\n', n) : NULL;

	if (!r->say_body || !n)
		return "";
	if (nl)
		n = (size_t)(nl - r->body.ptr);
	dg_buf_puts(b, ": ");
	(void)dg_text_utf8_repair(r->body.ptr, n, b);   /* uncapped: cannot fail */
	(void)dg_text_cut(b, 302, DG_TEXT_CODE_POINTS, 0);
	return dg_buf_cstr(b);
}

/* The engine's rules for an answer (a policy's DG_HTTP_USUAL). */
static void usual(dg_http *h, dg_http_req *r, long status)
{
	char why[32];
	dg_buf said = DG_BUF_INIT;

	if (status == 304 && r->cached_body) {
		h->stats.not_modified++;
		h->stats.cache_hits++;
		deliver(h, r, r->cached_body, r->cached_len, r->cached_next, r->cached_last, 200, 1);
	} else if (r->post && status >= 300 && status < 400) {
		dg_http_fail(h, r, DG_HTTP_ERR_FAILED, "%s: HTTP %ld: a POST is not redirected", r->url, status);
	} else if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
		redirect(h, r, status);
	} else if (status >= 200 && status < 300) {
		deliver(h, r, dg_buf_cstr(&r->body), r->body.len, r->link_next, r->link_last, status, 0);
	} else if (r->retry_busy && (status == 429 || status >= 500)) {
		if (!retry_busy(h, r, status))
			dg_http_fail(h, r, DG_HTTP_ERR_FAILED, "%s: HTTP %ld (after %d attempt%s)%s", r->url, status,
				     r->attempts, r->attempts == 1 ? "" : "s", refusal_text(r, &said));
	} else if (status >= 500) {
		snprintf(why, sizeof(why), "HTTP %ld", status);
		if (!retry_attempt(h, r, why))
			dg_http_fail(h, r, DG_HTTP_ERR_FAILED, "%s: HTTP %ld (after %d attempt%s)", r->url, status,
				     r->attempts, r->attempts == 1 ? "" : "s");
	} else {
		dg_http_fail(h, r, status == 404 ? DG_HTTP_ERR_NOT_FOUND : DG_HTTP_ERR_REJECTED, "%s: HTTP %ld%s",
			     r->url, status, refusal_text(r, &said));
	}
	dg_buf_free(&said);
}

/* The policy's verdict on an answer to a dg_http_get; 1 when it settled
 * the request, 0 for the engine's rules. */
static int judged(dg_http *h, dg_http_req *r, long status)
{
	dg_http_reply reply = {0};
	dg_http_verdict v = {0};
	int done = 1;

	reply.url = r->url;
	reply.status = status;
	reply.body = dg_buf_cstr(&r->body);
	reply.len = r->body.len;
	reply.headers = (const char *const *)r->read;
	reply.lane = r->lane;
	reply.token_sent = h->opts.token && dg_http_is_api_url(h->opts.api_base, r->target ? r->target : r->url);
	reply.attempts = r->attempts;
	reply.waits = r->waits;
	reply.waited_ms = r->waited_ms;
	reply.jitter_ms = backoff_ms(h, 0);
	h->policy->judge(h->policy_state, &reply, &v);
	switch (v.action) {
	case DG_HTTP_RETRY:
		done = retry_attempt(h, r, v.why ? v.why : "retry");
		break;
	case DG_HTTP_WAIT:
		r->waits++;
		r->waited_ms += v.delay_ms;
		h->stats.waited_ms += v.delay_ms;
		if (v.hold_lane && r->lane >= 0)
			h->held_until_ms[r->lane] = dg_http_now_ms() + v.delay_ms;
		retry_later(h, r, (long)v.delay_ms, v.why ? v.why : "waiting");
		break;
	case DG_HTTP_FAIL:
		if (v.message)
			dg_http_fail(h, r, v.err < 0 ? v.err : DG_HTTP_ERR_FAILED, "%s", v.message);
		else
			dg_http_fail(h, r, v.err < 0 ? v.err : DG_HTTP_ERR_FAILED, "%s: HTTP %ld", r->url, status);
		break;
	case DG_HTTP_STOP:
		stop(h, r, v.message);
		break;
	default:
		done = 0;
	}
	free(v.message);
	return done;
}

void dg_http_done(dg_http *h, dg_http_req *r, CURLcode code)
{
	long status = 0;
	CURLMcode mc = curl_multi_remove_handle(h->multi, r->easy);
	CURLcode ic = curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);

	dg_http_unlink_running(h, r);
	h->active--;
	if (mc != CURLM_OK) {
		dg_http_multi_failed("curl_multi_remove_handle", mc);
		stop(h, r, dg_err_last());
		return;
	}
	if (code == CURLE_OK && ic != CURLE_OK) {
		dg_http_fail(h, r, DG_HTTP_ERR_FAILED, "%s: libcurl: curl_easy_getinfo: %s", r->url,
			     curl_easy_strerror(ic));
		return;
	}
	dg_http_scrub_all(h, r->body.ptr, r->body.len);
	dg_http_scrub_all(h, r->link_next, r->link_next ? strlen(r->link_next) : 0);
	dg_http_scrub_all(h, r->link_last, r->link_last ? strlen(r->link_last) : 0);
	dg_http_scrub_all(h, r->etag, r->etag ? strlen(r->etag) : 0);
	dg_http_scrub_all(h, r->content_type, r->content_type ? strlen(r->content_type) : 0);
	for (int i = 0; i < r->nread; i++)
		dg_http_scrub_all(h, r->read[i], r->read[i] ? strlen(r->read[i]) : 0);
	if (h->opts.verbose)
		dg_http_log(h, "%s %s -> %ld%s", r->post ? "POST" : "GET", r->post || !r->target ? r->url : r->target,
			    status, code != CURLE_OK ? " (transport error)" :
			    status == 304 ? " (not modified, cache hit)" :
			    r->cached_etag ? " (cache stale)" : " (cache miss)");
	if (code == CURLE_OPERATION_TIMEDOUT && h->deadline_ms && dg_http_now_ms() >= h->deadline_ms) {
		fail_expired(h, r);
		return;
	}
	if (code == CURLE_WRITE_ERROR) {
		dg_http_fail(h, r, DG_HTTP_ERR_FAILED, "%s: response larger than %zu bytes", r->url, h->opts.max_body);
		return;
	}
	if (code != CURLE_OK) {
		if (!dg_http_transport_retry(r->transport, code))
			r->attempts++;
		else if (retry_attempt(h, r, curl_easy_strerror(code)))
			return;
		dg_http_fail(h, r, DG_HTTP_ERR_FAILED, "%s: %s (after %d attempt%s)", r->url,
			     curl_easy_strerror(code), r->attempts, r->attempts == 1 ? "" : "s");
		return;
	}
	if (r->api && h->policy && h->policy->judge && judged(h, r, status))
		return;
	usual(h, r, status);
}

void dg_http_serve_offline(dg_http *h, dg_http_req *r)
{
	if (h->opts.cache && !r->post &&
	    dg_store_cache_get(h->opts.cache, r->url, &r->cached_etag, &r->cached_next, &r->cached_last,
			       &r->cached_body, &r->cached_len) == 1) {
		h->stats.cache_hits++;
		deliver(h, r, r->cached_body, r->cached_len, r->cached_next, r->cached_last, 200, 1);
		return;
	}
	dg_http_fail(h, r, DG_HTTP_ERR_FAILED, "%s: not in the state store (offline run)", r->url);
}

void dg_http_abort_queued(dg_http *h)
{
	while (h->queue_head) {
		dg_http_req *r = h->queue_head;
		h->queue_head = r->next;
		if (!h->queue_head)
			h->queue_tail = NULL;
		finish(h, r, DG_HTTP_ERR_FATAL, h->fatal_message);
	}
}

void dg_http_abort_running(dg_http *h, int expired)
{
	while (h->running) {
		dg_http_req *r = h->running;
		CURLMcode mc = curl_multi_remove_handle(h->multi, r->easy);
		dg_http_unlink_running(h, r);
		h->active--;
		if (mc != CURLM_OK) {
			dg_http_multi_failed("curl_multi_remove_handle", mc);
			dg_http_set_fatal(h, dg_err_last());
		}
		if (expired)
			fail_expired(h, r);
		else
			finish(h, r, DG_HTTP_ERR_FATAL, h->fatal_message);
	}
}

void dg_http_expire(dg_http *h)
{
	if (!h->expired)
		dg_msg(DG_MSG_WARNING, "the run's time limit (--timeout %d s) was reached; "
		       "what is not fetched yet counts as failed", h->opts.timeout);
	h->expired = 1;
	while (h->queue_head) {
		dg_http_req *r = h->queue_head;
		h->queue_head = r->next;
		if (!h->queue_head)
			h->queue_tail = NULL;
		fail_expired(h, r);
	}
	dg_http_abort_running(h, 1);
}
