/* httptext.h - what the engine reads from servers, and a policy too:
 * header values and numbers, Link and Retry-After, which URLs may carry the
 * token, scrubbing the token out of server text (lib/net/httptext.c). */
#ifndef DG_HTTPTEXT_H
#define DG_HTTPTEXT_H

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
/* The value of header `name` in a raw header line, trimmed; caller frees; NULL if another. */
char *dg_http_header_value(const char *line, size_t len, const char *name);
/* The rel="next" URL of a Link header; caller frees; NULL if none. */
char *dg_http_link_rel(const char *link, const char *rel_name);
/* Epoch seconds as "YYYY-MM-DD HH:MM:SS UTC", or "an unknown time". */
void dg_http_format_time(long long t, char *out, size_t size);

#endif
