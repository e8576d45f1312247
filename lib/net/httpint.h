/* httpint.h - what lib/net/http.c takes from lib/net/httptext.c; private. */
#ifndef DG_HTTPINT_H
#define DG_HTTPINT_H

#include <curl/curl.h>
#include <stddef.h>

/* 1 when `url` may carry the token: under `api_base` (NULL: any), no path
 * segment that resolves to "." or ".." (also percent-encoded). */
int dg_http_is_api_url(const char *api_base, const char *url);
/* Overwrite every copy of `token` in s[0..len) with '*'. */
void dg_http_scrub(const char *token, char *s, size_t len);
/* A number a server sent: digits only, clamped to [0, LLONG_MAX]; -1 otherwise. */
long long dg_http_header_number(const char *v);
/* Retry-After, delay-seconds or HTTP-date: seconds from now, -1 when neither. */
long dg_http_retry_after(const char *v);
/* "digest: <line>" on stderr, control characters escaped as \xNN. */
void dg_http_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The value of header `name` in a raw header line, trimmed; caller frees; NULL if another. */
char *dg_http_header_value(const char *line, size_t len, const char *name);
/* The rel="next" URL of a Link header; caller frees; NULL if none. */
char *dg_http_link_next(const char *link);
/* Epoch seconds as "YYYY-MM-DD HH:MM:SS UTC", or "an unknown time". */
void dg_http_format_time(long long t, char *out, size_t size);
/* The message of GitHub's 401 at `url` (`message`: the body's), naming the
 * token's variable (`token_name`, default GITHUB_TOKEN, with GH_TOKEN) and
 * whether a token was `sent`; caller frees; NULL when out of memory. */
char *dg_http_unauthorized(const char *url, const char *message, const char *token_name, int sent);
/* 1 when `needle` occurs in `hay`, ignoring ASCII case. */
int dg_http_contains_ci(const char *hay, const char *needle);

/* 1 when a transfer that ended with libcurl's `code` (not CURLE_OK) is tried
 * again. A raw GET (dg_http_get_raw: a feed, an image; never the API) whose
 * host refuses the connection or has no address fails at once: that will
 * not change within the backoff (a minute for six tries) and what it serves
 * is optional. The API and POSTs retry every transport error. */
static inline int dg_http_transport_retry(int raw_get, CURLcode code)
{
	return !raw_get || (code != CURLE_COULDNT_CONNECT && code != CURLE_COULDNT_RESOLVE_HOST &&
			    code != CURLE_COULDNT_RESOLVE_PROXY);
}

/* One rate bucket (rate.c): nothing heard yet (one request at a time until
 * an answer tells), the answers' X-RateLimit-* figures, or a server that
 * sends none (no accounting). Zeroed = unknown. */
enum { DG_RATE_UNKNOWN, DG_RATE_KNOWN, DG_RATE_NONE };
#define DG_RATE_RESET_MARGIN_MS 1000  /* our clock may run behind the server's */
typedef struct dg_rate {
	long remaining, limit;
	long long reset;         /* epoch seconds */
	int known;               /* DG_RATE_* */
	int in_flight;           /* requests of the bucket started, not answered */
} dg_rate;
/* An answer's figures (remaining < 0 or reset <= 0: it had none; `success`:
 * a 2xx or 304, the only answers whose silence means "no limits here"). */
void dg_rate_note(dg_rate *b, long remaining, long limit, long long reset, int success);
/* When a request of the bucket may start, counting those in flight: 0 now,
 * -1 when an answer in flight will tell, else the epoch milliseconds the
 * bucket is empty until (its reset plus a margin). */
long long dg_rate_wait(dg_rate *b, long long now_epoch_ms);

#endif
