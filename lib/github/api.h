/* api.h - GitHub's REST API rules, plugged into the transfer engine
 * (lib/net/http.h) as its policy for dg_http_get requests.
 *
 *  - Headers: Accept: application/vnd.github+json and X-GitHub-Api-Version
 *    on every request (the token is the engine's: only under the API base).
 *  - Two rate buckets, `search` (URLs with /search/) and `core` (the rest):
 *    a request starts only when what the answers said of its bucket
 *    (X-RateLimit-Remaining, -Reset, -Resource), less the requests of the
 *    bucket in flight, covers it (dg_rate_wait); an empty bucket is waited
 *    for until its reset within --max-wait, else the run stops saying when
 *    it resets (dg_gh_gate). Searches, the critical path, start first.
 *  - Answers (dg_gh_judge): a 2xx without content yet is asked again; 401
 *    stops the run, naming the token's variable and whether one was sent;
 *    403/429 with Retry-After waits that long; a 403 with the bucket
 *    exhausted waits for its reset and holds the bucket; a secondary limit
 *    without Retry-After waits a minute, doubling, plus jitter. Each wait
 *    must fit in --max-wait, and all of one request's waits together (at
 *    most 20): else the run stops. Another 403 and other 4xx fail the
 *    request with GitHub's message; 5xx and redirects are the engine's.
 *
 * dg_gh_judge, dg_gh_gate and the dg_rate rule are pure: given the facts
 * and the time, they decide (tests/unit/test_ghpolicy.c). */
#ifndef DG_GH_API_H
#define DG_GH_API_H

#include <stddef.h>
#include "net/http.h"

/* A client (dg_http_new) whose dg_http_get requests follow GitHub's rules;
 * the end-of-run summary adds "quota used N core + N search, ...". Says
 * once (DG_MSG_WARNING, which a quiet program's handler drops; not offline) that there is no token.
 * 0, or <0 with *out NULL. */
int dg_gh_http_new(const dg_http_opts *opts, dg_http **out);

enum { DG_GH_CORE, DG_GH_SEARCH, DG_GH_BUCKETS };   /* the engine's lanes */

/* One rate bucket (rate.c): nothing heard yet (one request at a time until
 * an answer tells), the answers' X-RateLimit-* figures, or a server that
 * sends none (no accounting). Zeroed = unknown. */
enum { DG_RATE_UNKNOWN, DG_RATE_KNOWN, DG_RATE_NONE };
#define DG_RATE_RESET_MARGIN_MS 1000  /* our clock may run behind the server's */
typedef struct dg_rate {
	long remaining, limit;
	long long reset;         /* epoch seconds */
	int known;               /* DG_RATE_* */
} dg_rate;
/* An answer's figures (remaining < 0 or reset <= 0: it had none; `success`:
 * a 2xx or 304, the only answers whose silence means "no limits here"). */
void dg_rate_note(dg_rate *b, long remaining, long limit, long long reset, int success);
/* When a request of the bucket may start, `in_flight` of it under way: 0
 * now, -1 when an answer in flight will tell, else the epoch milliseconds
 * the bucket is empty until (its reset plus a margin). A reset that has
 * passed makes the bucket unknown again. */
long long dg_rate_wait(dg_rate *b, int in_flight, long long now_epoch_ms);

/* The engine's gate for bucket `name` (dg_http_policy.gate) at `now_epoch_ms`:
 * 0, DG_HTTP_GATE_ANSWER, milliseconds to wait (why: "the search rate limit
 * is used up (resets ...)"), or DG_HTTP_GATE_STOP when the reset is beyond
 * `max_wait` seconds (*stop: the message, malloc'ed). */
long long dg_gh_gate(dg_rate *b, const char *name, int in_flight, long long now_epoch_ms, int max_wait,
		     char *why, size_t why_size, char **stop);

/* The facts of one answer, read from the engine's reply. */
typedef struct dg_gh_answer {
	const char *url;
	long status;
	size_t len;              /* of the body */
	const char *message;     /* the error body's "message", "" when none */
	long retry_after;        /* seconds; -1 none */
	long remaining;          /* X-RateLimit-Remaining; -1 none */
	long long reset;         /* X-RateLimit-Reset, epoch seconds; 0 none */
	const char *bucket;      /* X-RateLimit-Resource's, else the request's: "core", "search" */
	int token_sent;
	int waits;               /* waits of this request so far */
	long long waited_ms;     /* their total */
	long jitter_ms;          /* added to a secondary limit's wait */
} dg_gh_answer;

typedef struct dg_gh_rules {
	int max_wait;            /* seconds one wait, and all of a request's, may take */
	const char *token_name;  /* the token's variable; NULL: GITHUB_TOKEN (with GH_TOKEN) */
} dg_gh_rules;

/* What to do with an answer at epoch second `now` (`v` zeroed first;
 * v->message malloc'ed for FAIL and STOP). */
void dg_gh_judge(const dg_gh_rules *rules, const dg_gh_answer *a, long long now, dg_http_verdict *v);

/* The message of GitHub's 401 at `url` (`message`: the body's), naming the
 * token's variable (`token_name`, default GITHUB_TOKEN, with GH_TOKEN) and
 * whether a token was `sent`; caller frees; never NULL. */
char *dg_gh_unauthorized(const char *url, const char *message, const char *token_name, int sent);

/* The "message" of an error body, valid UTF-8, at most 300 columns; caller
 * frees; NULL when there is none. */
char *dg_gh_error_message(const char *body, size_t len);

#endif
