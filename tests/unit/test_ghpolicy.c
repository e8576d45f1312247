/* Unit tests of GitHub's rules for the HTTP engine (lib/github/api.h): the
 * rate bucket rule (rate.c), the gate of a bucket and the verdict on an
 * answer (api.c), as tables of facts and what is decided. Pure: no
 * network, the time given. */
#include "check.h"
#include "github/api.h"

#include <stdlib.h>
#include <string.h>

#define NOW 1700000000LL
#define URL "https://api.github.com/search/issues?q=x"

/* The rule of rate.c: a request starts only when the bucket covers it. */
static void test_rate(void)
{
	dg_rate b = {0};
	long long t = NOW * 1000, reset = NOW + 60;

	CHECK(dg_rate_wait(&b, 0, t) == 0, "nothing heard: one request may start");
	CHECK(dg_rate_wait(&b, 1, t) == -1, "nothing heard, one in flight: wait for its answer");
	dg_rate_note(&b, 3, 10, reset, 1);
	CHECK(b.known == DG_RATE_KNOWN && b.remaining == 3, "an answer's figures are taken");
	CHECK(dg_rate_wait(&b, 2, t) == 0, "3 left, 2 in flight: one more may start");
	CHECK(dg_rate_wait(&b, 3, t) == -1, "3 left, 3 in flight: wait for an answer");
	dg_rate_note(&b, 5, 10, reset, 1);
	CHECK(b.remaining == 3, "an answer out of order does not raise what is left in the window");
	dg_rate_note(&b, 0, 10, reset, 1);
	CHECK(dg_rate_wait(&b, 0, t) == reset * 1000 + DG_RATE_RESET_MARGIN_MS, "empty: wait until the reset");
	CHECK(dg_rate_wait(&b, 0, reset * 1000 + DG_RATE_RESET_MARGIN_MS) == 0 && b.known == DG_RATE_UNKNOWN,
	      "past the reset: one request to learn the new window");
	dg_rate_note(&b, 9, 10, reset, 1);
	CHECK(b.known == DG_RATE_UNKNOWN, "a late answer from the window that is over says nothing");
	dg_rate_note(&b, 9, 10, reset + 60, 1);
	CHECK(b.known == DG_RATE_KNOWN && b.remaining == 9, "the next window's answer is taken");
	dg_rate_note(&b, 2, 10, reset, 1);
	CHECK(b.remaining == 9 && b.reset == reset + 60, "an older window's answer is ignored");

	memset(&b, 0, sizeof(b));
	dg_rate_note(&b, -1, -1, 0, 0);
	CHECK(b.known == DG_RATE_UNKNOWN, "an error without figures proves nothing");
	dg_rate_note(&b, -1, -1, 0, 1);
	CHECK(b.known == DG_RATE_NONE && dg_rate_wait(&b, 5, NOW * 1000) == 0, "a server without figures: no accounting");
}

/* The gate of a bucket: when a request of it may start, or the run stops. */
static void test_gate(void)
{
	static const struct {
		const char *what;
		int known;
		long remaining;
		long long reset;         /* from NOW */
		int in_flight, max_wait;
		long long want;          /* ms, or DG_HTTP_GATE_* */
		const char *text;        /* in why (a wait) or the stop message */
	} table[] = {
		{"nothing heard, none in flight: now", DG_RATE_UNKNOWN, 0, 0, 0, 60, 0, NULL},
		{"nothing heard, one in flight: its answer tells", DG_RATE_UNKNOWN, 0, 0, 1, 60, DG_HTTP_GATE_ANSWER, NULL},
		{"5 left, 2 in flight: now", DG_RATE_KNOWN, 5, 30, 2, 60, 0, NULL},
		{"1 left, 1 in flight: its answer tells", DG_RATE_KNOWN, 1, 30, 1, 60, DG_HTTP_GATE_ANSWER, NULL},
		{"empty, reset within --max-wait: wait for it", DG_RATE_KNOWN, 0, 30, 0, 60, 31000,
		 "the search rate limit is used up (resets 2023-11-14 22:13:50 UTC)"},
		{"empty, reset beyond --max-wait: the run stops", DG_RATE_KNOWN, 0, 3600, 0, 60, DG_HTTP_GATE_STOP,
		 "GitHub API rate limit (search) exhausted: it resets at 2023-11-14 23:13:20 UTC (in 61 min), "
		 "beyond --max-wait 60 s; run again then"},
		{"empty, --max-wait 0: the run stops", DG_RATE_KNOWN, 0, 5, 0, 0, DG_HTTP_GATE_STOP, "beyond --max-wait 0 s"},
		{"a server without figures: now", DG_RATE_NONE, 0, 0, 9, 60, 0, NULL},
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		dg_rate b = {.known = table[i].known, .remaining = table[i].remaining, .limit = 30,
			     .reset = table[i].reset ? NOW + table[i].reset : 0};
		char why[160] = "", *stop = NULL;
		long long got = dg_gh_gate(&b, "search", table[i].in_flight, NOW * 1000, table[i].max_wait, why,
					   sizeof(why), &stop);
		const char *text = got == DG_HTTP_GATE_STOP ? stop : why;
		CHECK(got == table[i].want && (!table[i].text ? !stop : text && strstr(text, table[i].text) != NULL),
		      "gate: %s (%lld: %s)", table[i].what, got, text ? text : "");
		free(stop);
	}
}

/* The verdict on an answer. */
static void test_judge(void)
{
	static const struct {
		const char *what;
		long status;
		size_t len;
		const char *message;
		long retry_after, remaining;
		long long reset;         /* from NOW; 0 none */
		int waits;
		long long waited_ms;
		int token_sent, max_wait;
		/* expected */
		int action;
		long long delay_ms;
		int hold, err;
		const char *text;        /* in the message (FAIL, STOP) or why (RETRY, WAIT) */
	} table[] = {
		{"200 with a body: delivered", 200, 10, "", -1, 4000, 30, 0, 0, 1, 60, DG_HTTP_USUAL, 0, 0, 0, NULL},
		{"an empty 200: asked again", 200, 0, "", -1, -1, 0, 0, 0, 1, 60, DG_HTTP_RETRY, 0, 0, 0, "no content yet"},
		{"202 Accepted: asked again", 202, 5, "", -1, -1, 0, 0, 0, 1, 60, DG_HTTP_RETRY, 0, 0, 0, "no content yet"},
		{"304: the engine's (the cache)", 304, 0, "", -1, 4000, 30, 0, 0, 1, 60, DG_HTTP_USUAL, 0, 0, 0, NULL},
		{"a redirect: the engine's", 301, 0, "", -1, -1, 0, 0, 0, 1, 60, DG_HTTP_USUAL, 0, 0, 0, NULL},
		{"500: the engine's backoff", 500, 20, "", -1, 4000, 30, 0, 0, 1, 60, DG_HTTP_USUAL, 0, 0, 0, NULL},
		{"401 with a token: the run stops naming both variables", 401, 40, "Bad credentials", -1, -1, 0, 0, 0,
		 1, 60, DG_HTTP_STOP, 0, 0, 0, URL ": 401 Unauthorized (Bad credentials): the token in GITHUB_TOKEN "
		 "(or GH_TOKEN) was rejected"},
		{"401 without a token: says none was sent", 401, 0, "", -1, -1, 0, 0, 0, 0, 60, DG_HTTP_STOP, 0, 0, 0,
		 "401 Unauthorized (requires authentication): no token was sent and the server requires one: "
		 "set GITHUB_TOKEN (or GH_TOKEN)"},
		{"403 with Retry-After: wait that long", 403, 50, "You have exceeded a secondary rate limit", 5, 100, 30,
		 0, 0, 1, 60, DG_HTTP_WAIT, 5000, 0, 0, "secondary rate limit"},
		{"429 with Retry-After: 0: again at once", 429, 50, "", 0, 100, 30, 0, 0, 1, 60, DG_HTTP_WAIT, 0, 0, 0,
		 "secondary rate limit"},
		{"429 without Retry-After: a minute and the jitter", 429, 0, "", -1, -1, 0, 0, 0, 1, 600, DG_HTTP_WAIT,
		 60300, 0, 0, "secondary rate limit"},
		{"a secondary limit, third time: four minutes", 403, 50, "You have exceeded a Secondary Rate Limit", -1,
		 100, 30, 2, 0, 1, 600, DG_HTTP_WAIT, 240300, 0, 0, "secondary rate limit"},
		{"a secondary limit: the doubling stops at 16 minutes", 403, 50, "secondary rate limit", -1, 100, 30, 9,
		 0, 1, 3600, DG_HTTP_WAIT, 960300, 0, 0, "secondary rate limit"},
		{"exhausted, reset in 30 s: wait for it, holding the bucket", 403, 50, "API rate limit exceeded", -1, 0,
		 30, 0, 0, 1, 60, DG_HTTP_WAIT, 31000, 1, 0, "rate limit exhausted"},
		{"exhausted, reset passed: wait a second", 403, 50, "API rate limit exceeded", -1, 0, -10, 0, 0, 1, 60,
		 DG_HTTP_WAIT, 1000, 1, 0, "rate limit exhausted"},
		{"exhausted, reset beyond --max-wait: the run stops, saying when", 403, 50, "API rate limit exceeded",
		 -1, 0, 3600, 0, 0, 1, 60, DG_HTTP_STOP, 0, 0, 0,
		 "GitHub API rate limit (core) exhausted: it resets at 2023-11-14 23:13:20 UTC (in 61 min), "
		 "beyond --max-wait 60 s; run again then"},
		{"Retry-After beyond --max-wait: the run stops", 403, 50, "", 120, 100, 30, 0, 0, 1, 60, DG_HTTP_STOP, 0,
		 0, 0, URL ": 403 secondary rate limit: would need to wait 120 s, beyond --max-wait 60 s"},
		{"the waits of one request together beyond --max-wait: stop", 429, 0, "", 10, -1, 0, 3, 55000, 1, 60,
		 DG_HTTP_STOP, 0, 0, 0, URL ": 429 secondary rate limit again after 3 waits (55 s in all); waiting once "
		 "more would pass --max-wait 60 s for one request"},
		{"a 21st wait: stop", 429, 0, "", 0, -1, 0, 20, 0, 1, 60, DG_HTTP_STOP, 0, 0, 0, "again after 21 waits"},
		{"another 403: the request fails with GitHub's message", 403, 50, "Resource not accessible by integration",
		 -1, 100, 30, 0, 0, 1, 60, DG_HTTP_FAIL, 0, 0, DG_HTTP_ERR_REJECTED,
		 URL ": 403 Forbidden: Resource not accessible by integration"},
		{"a 403 without a message", 403, 0, "", -1, -1, 0, 0, 0, 1, 60, DG_HTTP_FAIL, 0, 0, DG_HTTP_ERR_REJECTED,
		 URL ": 403 Forbidden"},
		{"404: not found, with the message", 404, 30, "Not Found", -1, 100, 30, 0, 0, 1, 60, DG_HTTP_FAIL, 0, 0,
		 DG_HTTP_ERR_NOT_FOUND, URL ": HTTP 404: Not Found"},
		{"422: rejected", 422, 30, "Validation Failed", -1, 100, 30, 0, 0, 1, 60, DG_HTTP_FAIL, 0, 0,
		 DG_HTTP_ERR_REJECTED, URL ": HTTP 422: Validation Failed"},
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		dg_gh_rules rules = {.max_wait = table[i].max_wait};
		dg_gh_answer a = {.url = URL, .status = table[i].status, .len = table[i].len, .message = table[i].message,
				  .retry_after = table[i].retry_after, .remaining = table[i].remaining,
				  .reset = table[i].reset ? NOW + table[i].reset : 0, .bucket = "core",
				  .token_sent = table[i].token_sent, .waits = table[i].waits,
				  .waited_ms = table[i].waited_ms, .jitter_ms = 300};
		dg_http_verdict v;
		const char *text;
		int ok;

		dg_gh_judge(&rules, &a, NOW, &v);
		text = v.action == DG_HTTP_FAIL || v.action == DG_HTTP_STOP ? v.message : v.why;
		ok = v.action == table[i].action && v.delay_ms == table[i].delay_ms && v.hold_lane == table[i].hold &&
		     v.err == table[i].err && (!table[i].text ? !text : text && strstr(text, table[i].text) != NULL);
		CHECK(ok, "judge: %s (action %d, %lld ms, hold %d, err %d: %s)", table[i].what, v.action, v.delay_ms,
		      v.hold_lane, v.err, text ? text : "");
		free(v.message);
	}
}

static void test_messages(void)
{
	dg_gh_rules rules = {.max_wait = 60, .token_name = "DIGEST_GH"};
	dg_gh_answer a = {.url = URL, .status = 401, .message = "", .retry_after = -1, .remaining = -1,
			  .bucket = "core", .token_sent = 1};
	dg_http_verdict v;
	char *m, body[800];

	dg_gh_judge(&rules, &a, NOW, &v);
	CHECK(v.action == DG_HTTP_STOP && v.message && strstr(v.message, "the token in DIGEST_GH was rejected") &&
	      !strstr(v.message, "GH_TOKEN)"), "401: another variable is named alone: %s", v.message ? v.message : "");
	free(v.message);

	strcpy(body, "{\"message\": \"Bad credentials\", \"documentation_url\": \"x\"}");
	m = dg_gh_error_message(body, strlen(body));
	CHECK(m && !strcmp(m, "Bad credentials"), "an error body's message");
	free(m);
	CHECK(!dg_gh_error_message("<html>502</html>", 16), "not JSON: no message");
	CHECK(!dg_gh_error_message("{\"message\": 5}", 14), "not a string: no message");
	strcpy(body, "{\"message\": \"bad \xff byte\"}");
	m = dg_gh_error_message(body, strlen(body));
	CHECK(!m, "a body that is not UTF-8 is not JSON: no message");
	free(m);
	strcpy(body, "{\"message\": \"");
	memset(body + 13, 'x', 600);
	strcpy(body + 613, "\"}");
	m = dg_gh_error_message(body, strlen(body));
	CHECK(m && strlen(m) <= 300 + 3, "a long message is cut to 300 columns (%zu bytes)", m ? strlen(m) : 0);
	free(m);
}

int main(void)
{
	test_rate();
	test_gate();
	test_judge();
	test_messages();
	return check_done();
}
