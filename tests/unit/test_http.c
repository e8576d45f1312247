/* Unit tests of what the HTTP engine trusts of a server (lib/net/httptext.c):
 * which URLs carry the token, scrubbing, header numbers, Retry-After, Link;
 * which transport errors are retried (lib/net/httpint.h), and what the
 * engine does against a port that refuses connections (127.0.0.1:1: no
 * server needed): retries, a POST sent once, a policy's gate, a callback
 * that runs the client again; a client's secrets scrubbed and forgotten.
 * GitHub's policy is tests/unit/test_ghpolicy.c's. */
#include "check.h"
#include "base/err.h"
#include "net/body.h"
#include "net/http.h"
#include "net/httpint.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A raw GET gives up at once on a host that refuses or does not resolve;
 * the API and POSTs retry every transport error, as does a raw GET for
 * the rest. */
static void test_transport_retry(void)
{
	static const struct {
		CURLcode code;
		int reachable, all;  /* expected: retried under each rule */
	} table[] = {
		{CURLE_COULDNT_CONNECT, 0, 1},
		{CURLE_COULDNT_RESOLVE_HOST, 0, 1},
		{CURLE_COULDNT_RESOLVE_PROXY, 0, 1},
		{CURLE_OPERATION_TIMEDOUT, 1, 1},
		{CURLE_RECV_ERROR, 1, 1},
		{CURLE_SEND_ERROR, 1, 1},
		{CURLE_GOT_NOTHING, 1, 1},
		{CURLE_PARTIAL_FILE, 1, 1},
		{CURLE_SSL_CONNECT_ERROR, 1, 1},
		{CURLE_HTTP2, 1, 1},
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		CHECK(dg_http_transport_retry(DG_HTTP_TRANSPORT_REACHABLE, table[i].code) == table[i].reachable,
		      "raw GET, %s: %s", curl_easy_strerror(table[i].code), table[i].reachable ? "retried" : "final");
		CHECK(dg_http_transport_retry(DG_HTTP_TRANSPORT_RETRY, table[i].code) == table[i].all,
		      "API or POST, %s: retried", curl_easy_strerror(table[i].code));
	}
}

/* A raw GET of a refused port: sent once, not retried; asked again in the
 * run, not sent, the same message. The API's GET is retried. */
static void test_refused(void)
{
	dg_http_opts o = {.api_base = "http://127.0.0.1:1", .jobs = 2, .max_wait = 10,
			  .max_attempts = 3, .retry_base_ms = 1};
	dg_http_body a = {0}, b = {0}, c = {0};
	dg_http_stats st;
	dg_http *h = NULL;
	int err;

	if (dg_http_new(&o, &h) < 0) {
		CHECK(0, "dg_http_new");
		return;
	}
	err = dg_http_get_raw(h, "http://127.0.0.1:1/a.png", dg_http_body_cb, &a);
	err = err < 0 ? err : dg_http_run(h);
	dg_http_get_stats(h, &st);
	CHECK(err == 0 && !a.data && a.error && strstr(a.error, "127.0.0.1:1/a.png") &&
	      st.requests == 1 && st.retries == 0, "a refused raw GET: sent once, not retried (%ld sent, %ld retries): %s",
	      st.requests, st.retries, a.error ? a.error : "");
	err = dg_http_get_raw(h, "http://127.0.0.1:1/a.png", dg_http_body_cb, &b);
	err = err < 0 ? err : dg_http_run(h);
	dg_http_get_stats(h, &st);
	CHECK(err == 0 && st.requests == 1 && b.error && a.error && !strcmp(a.error, b.error),
	      "asked again in the run: nothing sent, the same message (%ld sent): %s", st.requests,
	      b.error ? b.error : "");
	err = dg_http_get(h, "http://127.0.0.1:1/repos/o/r", dg_http_body_cb, &c);
	err = err < 0 ? err : dg_http_run(h);
	dg_http_get_stats(h, &st);
	CHECK(err == 0 && c.error && st.requests == 1 + 3 && st.retries == 2,
	      "the API's GET of a refused port is retried (%ld sent, %ld retries)", st.requests - 1, st.retries);
	dg_http_body_clear(&a);
	dg_http_body_clear(&b);
	dg_http_body_clear(&c);
	dg_http_free(h);
}

/* A callback that runs the client again is refused, not recursed into. */
static int reentry_err = 1;
static char reentry_msg[128];

static void on_reentry(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *message)
{
	(void)ud;
	(void)resp;
	(void)err;
	(void)message;
	reentry_err = dg_http_run(h);
	snprintf(reentry_msg, sizeof(reentry_msg), "%s", dg_err_last());
}

static void test_reentry(void)
{
	dg_http_opts o = {.jobs = 1, .max_attempts = 1, .retry_base_ms = 1};
	dg_http *h = NULL;
	int err;

	if (dg_http_new(&o, &h) < 0) {
		CHECK(0, "dg_http_new");
		return;
	}
	err = dg_http_get_raw(h, "http://127.0.0.1:1/a.xml", on_reentry, NULL);
	err = err < 0 ? err : dg_http_run(h);
	CHECK(err == 0 && reentry_err == DG_ERR_FAIL && !strcmp(reentry_msg, "dg_http_run called from a callback"),
	      "dg_http_run from a callback: DG_ERR_FAIL, \"%s\"; the outer run goes on (%d)", reentry_msg, err);
	dg_http_free(h);
}

/* A policy applies to dg_http_get only: its headers' lanes, its gate. */
static int gate_calls, policy_freed;

static void test_route(void *state, const char *url, int *lane, int *prio)
{
	(void)state;
	*lane = strstr(url, "/slow/") ? 1 : 0;
	*prio = DG_HTTP_PRIO_API;
}

static long long test_gate(void *state, int lane, int in_flight, char *why, size_t why_size, char **stop)
{
	(void)state;
	(void)in_flight;
	(void)why;
	(void)why_size;
	gate_calls++;
	if (lane == 1) {
		*stop = strdup("the slow lane is closed");
		return DG_HTTP_GATE_STOP;
	}
	return 0;
}

static void test_policy_free(void *state)
{
	(void)state;
	policy_freed++;
}

static void test_policy(void)
{
	static const char *const lanes[] = {"fast", "slow", NULL};
	static const dg_http_policy p = {.lane_names = lanes, .route = test_route, .gate = test_gate,
					 .free = test_policy_free};
	dg_http_opts o = {.jobs = 2, .max_attempts = 2, .retry_base_ms = 1};
	dg_http_body a = {0}, b = {0};
	dg_http_stats st;
	dg_http *h = NULL;
	char summary[256];
	int err;

	if (dg_http_new(&o, &h) < 0 || dg_http_set_policy(h, &p, NULL) < 0) {
		CHECK(0, "dg_http_new with a policy");
		dg_http_free(h);
		return;
	}
	CHECK(dg_http_set_policy(h, &p, NULL) < 0 && policy_freed == 1, "a second policy is refused (its state freed)");
	err = dg_http_get_raw(h, "http://127.0.0.1:1/slow/feed.xml", dg_http_body_cb, &a);
	err = err < 0 ? err : dg_http_run(h);
	dg_http_get_stats(h, &st);
	CHECK(err == 0 && gate_calls == 0 && st.requests == 1 && a.error && !strstr(a.error, "closed"),
	      "a raw GET goes past the policy's gate (%d calls): %s", gate_calls, a.error ? a.error : "");
	err = dg_http_get(h, "http://127.0.0.1:1/slow/x", dg_http_body_cb, &b);
	err = err < 0 ? err : dg_http_run(h);
	dg_http_get_stats(h, &st);
	CHECK(err == DG_HTTP_ERR_FATAL && !strcmp(dg_err_last(), "the slow lane is closed") && st.requests == 1 &&
	      b.error && !strcmp(b.error, "the slow lane is closed"),
	      "the gate stops the run before anything is sent (%ld sent): %s", st.requests, b.error ? b.error : "");
	dg_http_format_summary(h, summary, sizeof(summary));
	CHECK(!strcmp(summary, "1 requests (0 not modified), 0 retries"), "no policy summary: the engine's part: %s",
	      summary);
	dg_http_body_clear(&a);
	dg_http_body_clear(&b);
	dg_http_free(h);
	CHECK(policy_freed == 2, "the policy's state is freed with the client");
}

/* dg_http_post_once: a transport error is not retried (a POST that creates
 * something must not be sent twice); dg_http_post is. */
static void test_post_once(void)
{
	dg_http_opts o = {.jobs = 1, .max_attempts = 3, .retry_base_ms = 1};
	dg_http_body a = {0}, b = {0};
	dg_http_stats st;
	dg_http *h = NULL;
	int err;

	if (dg_http_new(&o, &h) < 0) {
		CHECK(0, "dg_http_new");
		return;
	}
	err = dg_http_post_once(h, "http://127.0.0.1:1/cgi-bin/draft/add?access_token=T", "application/json", "{}", 2,
				dg_http_body_cb, &a);
	err = err < 0 ? err : dg_http_run(h);
	dg_http_get_stats(h, &st);
	CHECK(err == 0 && a.error && st.requests == 1 && st.retries == 0 && strstr(a.error, "after 1 attempt)"),
	      "a POST sent once: not retried (%ld sent, %ld retries): %s", st.requests, st.retries,
	      a.error ? a.error : "");
	CHECK(a.error && strstr(a.error, "access_token=REDACTED") && !strstr(a.error, "=T"),
	      "its message names the URL with the token redacted: %s", a.error ? a.error : "");
	err = dg_http_post(h, "http://127.0.0.1:1/cgi-bin/draft/update", "application/json", "{}", 2,
			   dg_http_body_cb, &b);
	err = err < 0 ? err : dg_http_run(h);
	dg_http_get_stats(h, &st);
	CHECK(err == 0 && b.error && st.requests == 1 + 3 && st.retries == 2,
	      "dg_http_post is retried (%ld sent, %ld retries)", st.requests - 1, st.retries);
	dg_http_body_clear(&a);
	dg_http_body_clear(&b);
	dg_http_free(h);
}

/* Secrets of a client: scrubbed like the token, in every form, from
 * decoded text, messages and -v lines; forgotten on request. */
static char verbose_seen[4096];

static void on_verbose(int level, const char *text)
{
	if (level == DG_MSG_VERBOSE && strlen(verbose_seen) + strlen(text) + 2 < sizeof(verbose_seen)) {
		strcat(verbose_seen, text);
		strcat(verbose_seen, "\n");
	}
}

static void test_secrets(void)
{
	const char *secret = "tok&en#\"/42 x";
	dg_http_opts o = {.jobs = 1, .max_attempts = 1, .retry_base_ms = 1, .verbose = 1};
	dg_http_body a = {0};
	dg_http *h = NULL;
	char s[256];
	dg_msg_fn old;
	int err;

	if (dg_http_new(&o, &h) < 0) {
		CHECK(0, "dg_http_new");
		return;
	}
	dg_http_add_secret(h, secret);
	dg_http_add_secret(h, secret);   /* once is enough */
	dg_http_add_secret(h, "abc");    /* too short: would scrub ordinary text */
	snprintf(s, sizeof(s), "raw %s, url tok%%26en%%23%%22%%2F42%%20x, json \"tok&en#\\\"/42 x\", abc", secret);
	dg_http_scrub_secrets(h, s, strlen(s));
	CHECK(!strstr(s, "tok&en") && !strstr(s, "tok%26") && strstr(s, "raw *") && strstr(s, ", abc"),
	      "the secret scrubbed as is, percent-encoded and JSON-escaped; a short one is not a secret: %s", s);
	old = dg_msg_handler(on_verbose);
	/* A server's text naming the secret: a URL in a message and a -v line. */
	err = dg_http_get_raw(h, "http://127.0.0.1:1/tok&en#\"/42 x/a.png", dg_http_body_cb, &a);
	err = err < 0 ? err : dg_http_run(h);
	dg_msg_handler(old);
	CHECK(err == 0 && a.error && !strstr(a.error, "tok&en") && strstr(a.error, "127.0.0.1:1/"),
	      "a failure's message is scrubbed: %s", a.error ? a.error : "");
	CHECK(*verbose_seen && !strstr(verbose_seen, "tok&en"), "-v lines are scrubbed: %s", verbose_seen);
	dg_http_forget_secret(h, secret);
	snprintf(s, sizeof(s), "again %s", secret);
	dg_http_scrub_secrets(h, s, strlen(s));
	CHECK(strstr(s, secret) != NULL, "a secret forgotten is not scrubbed any more: %s", s);
	dg_http_body_clear(&a);
	dg_http_free(h);
}

/* Out-of-range tuning (the program checks the variables) falls back to the
 * defaults: no negative shift in the backoff. */
static void test_bad_options(void)
{
	dg_http_opts o = {.retry_base_ms = -5, .stall_seconds = -1, .max_pages = -3, .max_attempts = 2};
	dg_http_body a = {0};
	dg_http *h = NULL;
	int err;

	if (dg_http_new(&o, &h) < 0) {
		CHECK(0, "dg_http_new");
		return;
	}
	err = dg_http_get(h, "http://127.0.0.1:1/x", dg_http_body_cb, &a);
	err = err < 0 ? err : dg_http_run(h);
	CHECK(err == 0 && a.error, "a negative retry base: the default, retried without undefined behaviour");
	dg_http_body_clear(&a);
	dg_http_free(h);
}

int main(void)
{
	const char *base = "https://ghe.example.com/api/v3";
	char s[128], when[64];
	char *v;
	long secs;

	CHECK(dg_http_is_api_url(base, "https://ghe.example.com/api/v3/orgs/o/repos"), "a path under the base");
	CHECK(dg_http_is_api_url(base, "https://ghe.example.com/api/v3?x=1"), "the base with a query");
	CHECK(!dg_http_is_api_url(base, "https://ghe.example.com/api/v3x/orgs"), "a longer first segment is not under it");
	CHECK(!dg_http_is_api_url(base, "https://ghe.example.com/outside"), "another path on the same host");
	CHECK(!dg_http_is_api_url(base, "https://ghe.example.com.evil.example/api/v3/x"), "a look-alike host");
	CHECK(!dg_http_is_api_url(base, "https://ghe.example.com/api/v3/../../outside"), "dot segments leave the base");
	CHECK(!dg_http_is_api_url(base, "https://ghe.example.com/api/v3/%2e%2E/x"), "percent-encoded dot segments too");
	CHECK(!dg_http_is_api_url(base, "https://ghe.example.com/api/v3/./x"), "a single dot segment is refused");
	CHECK(dg_http_is_api_url(base, "https://ghe.example.com/api/v3/repos/o/r.js/releases"), "dots inside a name are fine");
	CHECK(dg_http_is_api_url(base, "https://ghe.example.com/api/v3/repos/o/.../x"), "three dots are a name");
	CHECK(dg_http_is_api_url(NULL, "https://anything.example/"), "no base: every URL");

	strcpy(s, "auth: Bearer ghp_secret123, again ghp_secret123!");
	dg_http_scrub("ghp_secret123", s, strlen(s));
	CHECK(!strstr(s, "ghp_secret123") && strstr(s, "*************"), "every copy of the token overwritten: %s", s);
	strcpy(s, "abc");
	dg_http_scrub("ab", s, strlen(s));
	CHECK(!strcmp(s, "abc"), "a too short token is not scrubbed everywhere");
	dg_http_scrub(NULL, s, strlen(s));
	CHECK(!strcmp(s, "abc"), "no token: nothing to do");

	CHECK(dg_http_header_number("4999") == 4999, "a number");
	CHECK(dg_http_header_number("99999999999999999999999") == LLONG_MAX, "20+ digits clamp, no overflow");
	CHECK(dg_http_header_number("-5") == -1 && dg_http_header_number("12a") == -1 && dg_http_header_number("") == -1,
	      "not a number: -1");
	CHECK(dg_http_retry_after("120") == 120, "Retry-After in seconds");
	CHECK(dg_http_retry_after("99999999999999999999") > 1000000, "a huge Retry-After stays huge (no wrap)");
	secs = dg_http_retry_after("Wed, 21 Oct 2015 07:28:00 GMT");
	CHECK(secs == 0, "an HTTP-date in the past: 0 (%ld)", secs);
	{
		time_t t = time(NULL) + 3600;
		struct tm tm;
		char date[64];
		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		secs = dg_http_retry_after(date);
		CHECK(secs > 3500 && secs <= 3600, "an HTTP-date an hour ahead: %ld s", secs);
	}
	CHECK(dg_http_retry_after("soon") == -1, "neither form: -1");

	v = dg_http_link_rel("<https://x/a?page=2>; rel=\"next\", <https://x/a?page=9>; rel=\"last\"", "next");
	CHECK(v && !strcmp(v, "https://x/a?page=2"), "Link next");
	free(v);
	v = dg_http_link_rel("<https://x/a?page=1>; rel=\"prev\", <https://x/a?page=3>; rel=\"next\"", "next");
	CHECK(v && !strcmp(v, "https://x/a?page=3"), "Link next after prev");
	free(v);
	v = dg_http_link_rel("<https://x/a?page=9>; rel=\"last\"", "next");
	CHECK(v == NULL, "no next");
	v = dg_http_link_rel("<https://x/a?page=2>; rel=\"next\", <https://x/a?page=9>; rel=\"last\"", "last");
	CHECK(v && !strcmp(v, "https://x/a?page=9"), "Link last");
	free(v);
	v = dg_http_header_value("Retry-After:  7 \r\n", 17, "retry-after");
	CHECK(v && !strcmp(v, "7"), "header names are case-insensitive; the value is trimmed");
	free(v);

	dg_http_format_time(0, when, sizeof(when));
	CHECK(!strcmp(when, "an unknown time"), "reset 0: unknown");
	dg_http_format_time(LLONG_MAX, when, sizeof(when));
	CHECK(!strcmp(when, "an unknown time"), "a reset beyond year 9999: unknown, not garbage");
	dg_http_format_time(1700000000, when, sizeof(when));
	CHECK(!strcmp(when, "2023-11-14 22:13:20 UTC"), "a real reset: %s", when);
	test_transport_retry();
	test_refused();
	test_reentry();
	test_policy();
	test_bad_options();
	test_post_once();
	test_secrets();
	return check_done();
}
