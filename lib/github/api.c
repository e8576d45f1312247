/* api.c - GitHub's REST API rules as the engine's policy (api.h): the
 * decisions (dg_gh_judge, dg_gh_gate), and the state that feeds them (the
 * buckets' figures, the quota the run used). */
#include "github/api.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"
#include "base/text.h"
#include "net/httptext.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_WAITS 20                   /* waits of one request */
#define SECONDARY_FIRST_WAIT_MS 60000  /* GitHub: wait at least a minute without Retry-After */

static const char *const bucket_names[] = {"core", "search", NULL};
static const char *const send_headers[] = {"Accept: application/vnd.github+json",
					   "X-GitHub-Api-Version: 2022-11-28", NULL};
enum { H_RETRY_AFTER, H_REMAINING, H_LIMIT, H_RESET, H_RESOURCE };
static const char *const read_headers[] = {"Retry-After", "X-RateLimit-Remaining", "X-RateLimit-Limit",
					   "X-RateLimit-Reset", "X-RateLimit-Resource", NULL};

/* ---- the decisions ---- */

static char *printed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *printed(const char *fmt, ...)
{
	dg_buf b = DG_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	(void)dg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return dg_buf_detach(&b);   /* uncapped: never NULL */
}

/* "GitHub API rate limit (search) exhausted: it resets at ... (in N min), beyond --max-wait S s; run again then" */
static char *exhausted(const char *bucket, long long reset, long long now, int max_wait)
{
	long long secs = reset - now + 1;
	char when[64];

	dg_http_format_time(reset, when, sizeof(when));
	return printed("GitHub API rate limit (%s) exhausted: it resets at %s (in %lld min), beyond --max-wait %d s; "
		       "run again then", bucket, when, (secs + 59) / 60, max_wait);
}

long long dg_gh_gate(dg_rate *b, const char *name, int in_flight, long long now_epoch_ms, int max_wait,
		     char *why, size_t why_size, char **stop)
{
	long long until = dg_rate_wait(b, in_flight, now_epoch_ms);
	char when[64];

	if (until == 0)
		return 0;
	if (until < 0)
		return DG_HTTP_GATE_ANSWER;
	if (until - now_epoch_ms > max_wait * 1000LL) {
		*stop = exhausted(name, b->reset, now_epoch_ms / 1000, max_wait);
		return DG_HTTP_GATE_STOP;
	}
	dg_http_format_time(b->reset, when, sizeof(when));
	snprintf(why, why_size, "the %s rate limit is used up (resets %s)", name, when);
	return until - now_epoch_ms;
}

/* 403 and 429: a wait, the run's end, or the request's failure. */
static void limited(const dg_gh_rules *rules, const dg_gh_answer *a, long long now, dg_http_verdict *v)
{
	long long wait_ms = -1, max_ms = rules->max_wait * 1000LL;
	const char *why = "secondary rate limit";

	if (a->retry_after >= 0) {
		wait_ms = a->retry_after * 1000LL;
	} else if (a->remaining == 0 && a->reset > 0) {
		long long secs = a->reset - now + 1;
		why = "rate limit exhausted";
		if (secs < 1)
			secs = 1;
		if (secs > rules->max_wait) {
			v->action = DG_HTTP_STOP;
			v->message = exhausted(a->bucket, a->reset, now, rules->max_wait);
			return;
		}
		wait_ms = secs * 1000;
		v->hold_lane = 1;  /* the bucket is empty for every request of it */
	} else if (dg_str_find_ci(a->message, strlen(a->message), "secondary rate limit") || a->status == 429) {
		wait_ms = ((long long)SECONDARY_FIRST_WAIT_MS << (a->waits > 4 ? 4 : a->waits)) + a->jitter_ms;
	}
	if (wait_ms < 0) {
		v->action = DG_HTTP_FAIL;
		v->err = DG_HTTP_ERR_REJECTED;
		v->message = printed("%s: 403 Forbidden%s%s", a->url, *a->message ? ": " : "", a->message);
	} else if (wait_ms > max_ms) {
		v->action = DG_HTTP_STOP;
		v->message = printed("%s: %ld %s: would need to wait %lld s, beyond --max-wait %d s", a->url, a->status,
				     why, wait_ms / 1000, rules->max_wait);
	} else if (a->waited_ms + wait_ms > max_ms || a->waits + 1 > MAX_WAITS) {
		/* Each wait was allowed, not all of them together. */
		v->action = DG_HTTP_STOP;
		v->message = printed("%s: %ld %s again after %d waits (%lld s in all); waiting once more would pass "
				     "--max-wait %d s for one request", a->url, a->status, why,
				     a->waited_ms + wait_ms > max_ms ? a->waits : a->waits + 1, a->waited_ms / 1000,
				     rules->max_wait);
	} else {
		v->action = DG_HTTP_WAIT;
		v->delay_ms = wait_ms;
		v->why = why;
	}
}

void dg_gh_judge(const dg_gh_rules *rules, const dg_gh_answer *a, long long now, dg_http_verdict *v)
{
	memset(v, 0, sizeof(*v));
	if (a->status >= 200 && a->status < 300) {
		/* 202 Accepted, or an empty 200: GitHub is still computing; ask again shortly. */
		if (a->status != 200 || !a->len) {
			v->action = DG_HTTP_RETRY;
			v->why = "no content yet";
		}
	} else if (a->status == 401) {
		v->action = DG_HTTP_STOP;
		v->message = dg_gh_unauthorized(a->url, a->message, rules->token_name, a->token_sent);
	} else if (a->status == 403 || a->status == 429) {
		limited(rules, a, now, v);
	} else if (a->status >= 400 && a->status < 500) {
		v->action = DG_HTTP_FAIL;
		v->err = a->status == 404 ? DG_HTTP_ERR_NOT_FOUND : DG_HTTP_ERR_REJECTED;
		v->message = printed("%s: HTTP %ld%s%s", a->url, a->status, *a->message ? ": " : "", a->message);
	}
}

char *dg_gh_unauthorized(const char *url, const char *message, const char *token_name, int sent)
{
	const char *var = token_name ? token_name : "GITHUB_TOKEN";
	const char *also = strcmp(var, "GITHUB_TOKEN") ? "" : " (or GH_TOKEN)";

	if (sent)
		return printed("%s: 401 Unauthorized (%s): the token in %s%s was rejected: check that it is valid "
			       "and not expired, or unset it to try without one", url,
			       *message ? message : "bad credentials", var, also);
	return printed("%s: 401 Unauthorized (%s): no token was sent and the server requires one: set %s%s to a "
		       "GitHub token", url, *message ? message : "requires authentication", var, also);
}

char *dg_gh_error_message(const char *body, size_t len)
{
	json_t *j = json_loadb(body ? body : "", len, 0, NULL);
	const char *m = j ? json_string_value(json_object_get(j, "message")) : NULL;
	dg_buf b = DG_BUF_INIT;
	char *out = NULL;

	if (m && dg_text_utf8_repair(m, strlen(m), &b) == 0 && dg_text_cut(&b, 300, DG_TEXT_WIDTH, 0) == 0)
		out = dg_buf_detach(&b);
	dg_buf_free(&b);
	json_decref(j);
	return out;
}

/* ---- the policy: what the decisions are fed ---- */

typedef struct gh_state {
	dg_gh_rules rules;
	dg_rate rate[DG_GH_BUCKETS];
	long used[DG_GH_BUCKETS];  /* answers that cost quota */
	long core_remaining;       /* the core bucket's last figures; -1 unknown */
	long core_limit;
	long long core_reset;
} gh_state;

static void gh_route(void *state, const char *url, int *lane, int *prio)
{
	(void)state;
	*lane = strstr(url, "/search/") ? DG_GH_SEARCH : DG_GH_CORE;
	*prio = *lane == DG_GH_SEARCH ? DG_HTTP_PRIO_FIRST : DG_HTTP_PRIO_API;
}

static long long epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long gh_gate(void *state, int lane, int in_flight, char *why, size_t why_size, char **stop)
{
	gh_state *g = state;

	return dg_gh_gate(&g->rate[lane], bucket_names[lane], in_flight, epoch_ms(), g->rules.max_wait, why,
			  why_size, stop);
}

static long header_long(const char *v)
{
	long long x = dg_http_header_number(v);

	return x > LONG_MAX ? LONG_MAX : (long)x;
}

static void gh_judge(void *state, const dg_http_reply *r, dg_http_verdict *v)
{
	gh_state *g = state;
	const char *resource = r->headers[H_RESOURCE];
	int bucket = !resource ? -1 : !strcmp(resource, "search") ? DG_GH_SEARCH : !strcmp(resource, "core") ? DG_GH_CORE : -1;
	long long reset = r->headers[H_RESET] ? dg_http_header_number(r->headers[H_RESET]) : 0;
	char *message = NULL;
	dg_gh_answer a = {0};
	dg_rate *b;

	a.url = r->url;
	a.status = r->status;
	a.len = r->len;
	a.retry_after = r->headers[H_RETRY_AFTER] ? dg_http_retry_after(r->headers[H_RETRY_AFTER]) : -1;
	a.remaining = r->headers[H_REMAINING] ? header_long(r->headers[H_REMAINING]) : -1;
	a.reset = reset < 0 ? 0 : reset;
	if (bucket < 0)
		bucket = r->lane;
	a.bucket = bucket_names[bucket];
	a.token_sent = r->token_sent;
	a.waits = r->waits;
	a.waited_ms = r->waited_ms;
	a.jitter_ms = r->jitter_ms;
	/* What the answer says of its bucket (rate.c), and what it cost. */
	b = &g->rate[bucket];
	dg_rate_note(b, a.remaining, r->headers[H_LIMIT] ? header_long(r->headers[H_LIMIT]) : -1, a.reset,
		     r->status == 304 || (r->status >= 200 && r->status < 300));
	if (bucket == DG_GH_CORE && b->known == DG_RATE_KNOWN) {
		g->core_remaining = b->remaining;
		g->core_limit = b->limit;
		g->core_reset = b->reset;
	}
	if (r->status != 304 && a.remaining >= 0)
		g->used[r->lane]++;
	if (r->status >= 400 && r->status < 500)
		message = dg_gh_error_message(r->body, r->len);
	a.message = message ? message : "";
	dg_gh_judge(&g->rules, &a, (long long)time(NULL), v);
	free(message);
}

static void gh_summary(void *state, char *out, size_t size)
{
	gh_state *g = state;
	char reset[64] = "", left[192] = "";

	if (g->core_reset > 0)
		dg_http_format_time(g->core_reset, reset, sizeof(reset));
	if (g->core_remaining >= 0)
		snprintf(left, sizeof(left), ", %ld of %ld left (resets %s)", g->core_remaining, g->core_limit, reset);
	snprintf(out, size, "quota used %ld core + %ld search%s", g->used[DG_GH_CORE], g->used[DG_GH_SEARCH], left);
}

static const dg_http_policy gh_policy = {
	.send = send_headers,
	.read = read_headers,
	.lane_names = bucket_names,
	.route = gh_route,
	.gate = gh_gate,
	.judge = gh_judge,
	.summary = gh_summary,
	.free = free,
};

int dg_gh_http_new(const dg_http_opts *opts, dg_http **out)
{
	gh_state *g;
	int err;

	if ((err = dg_http_new(opts, out)) < 0)
		return err;
	g = dg_calloc(1, sizeof(*g));
	g->rules.max_wait = opts->max_wait;
	g->rules.token_name = opts->token_name;
	g->core_remaining = -1;
	if ((err = dg_http_set_policy(*out, &gh_policy, g)) < 0) {
		dg_http_free(*out);
		*out = NULL;
		return err;
	}
	if (!opts->token && !opts->offline)
		dg_msg(DG_MSG_WARNING, "no GitHub token: %s is not set (nor GH_TOKEN); unauthenticated requests are "
		       "limited to 60 per hour", opts->token_name ? opts->token_name : "GITHUB_TOKEN");
	return 0;
}
