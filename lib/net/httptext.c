/* What the HTTP engine reads from servers (httptext.h): header values and
 * numbers, Link and Retry-After, which URLs may carry the token, scrubbing
 * the token and the client's secrets out of server text; -v lines with
 * secrets redacted. */
#include "net/httptext.h"
#include "net/httpint.h"
#include "net/http.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"

#include <curl/curl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A path segment that resolves to "." or ".." (also percent-encoded). */
static int dot_segment(const char *p, size_t n)
{
	int dots = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '.')
			dots++;
		else if (i + 2 < n + 1 && p[i] == '%' && p[i + 1] == '2' && (p[i + 2] == 'e' || p[i + 2] == 'E')) {
			dots++;
			i += 2;
		} else
			return 0;
	}
	return dots == 1 || dots == 2;
}

/* The token goes only to the configured API: never to a feed's host, nor to
 * a look-alike host such as api.github.com.evil.example, nor to a path that
 * leaves the API base once dot segments are resolved (libcurl resolves them
 * before sending). */
int dg_http_is_api_url(const char *api_base, const char *url)
{
	size_t n;
	const char *p;

	if (!api_base)
		return 1;
	n = strlen(api_base);
	while (n && api_base[n - 1] == '/')
		n--;
	if (strncmp(url, api_base, n) || (url[n] != '/' && url[n] != '?' && url[n] != '\0'))
		return 0;
	for (p = url + n; *p == '/';) {
		size_t seg = strcspn(p + 1, "/?#");
		if (dot_segment(p + 1, seg))
			return 0;
		p += 1 + seg;
	}
	return 1;
}

/* Overwrite every copy of the token in s[0..len) (a server that echoes the
 * Authorization header must not get it into a log, the store or an issue). */
void dg_http_scrub(const char *token, char *s, size_t len)
{
	size_t n = token ? strlen(token) : 0;

	if (!s || n < 4)
		return;
	for (size_t i = 0; i + n <= len; i++)
		if (s[i] == token[0] && !memcmp(s + i, token, n))
			memset(s + i, '*', n);
}

void dg_http_scrub_all(const dg_http *h, char *s, size_t len)
{
	if (!s)
		return;
	dg_http_scrub(h->opts.token, s, len);
	for (size_t i = 0; i < h->nsecrets; i++)
		dg_http_scrub(h->secrets[i], s, len);
}

void dg_http_scrub_secrets(const dg_http *h, char *s, size_t len)
{
	dg_http_scrub_all(h, s, len);
}

/* A number a server sent: digits only, clamped to [0, LLONG_MAX]; -1 when
 * it is not one. */
long long dg_http_header_number(const char *v)
{
	long long n = 0;

	if (!v || !*v)
		return -1;
	for (; *v >= '0' && *v <= '9'; v++)
		n = n > (LLONG_MAX - 9) / 10 ? LLONG_MAX : n * 10 + (*v - '0');
	return *v ? -1 : n;
}

/* Retry-After: delay-seconds or an HTTP-date (RFC 9110 10.2.3); seconds
 * from now, -1 when neither. */
long dg_http_retry_after(const char *v)
{
	long long n = dg_http_header_number(v);
	time_t when;

	if (n >= 0)
		return n > LONG_MAX / 1000 ? LONG_MAX / 1000 : (long)n;
	if ((when = curl_getdate(v, NULL)) < 0)
		return -1;
	n = (long long)when - (long long)time(NULL);
	return n < 0 ? 0 : n > LONG_MAX / 1000 ? LONG_MAX / 1000 : (long)n;
}

/* The length of the secret parameter name at p ("access_token=",
 * "secret="), 0 when none starts there. */
static size_t secret_param(const char *s, const char *p)
{
	static const char *const names[] = {"access_token=", "secret="};

	if (p > s && p[-1] != '?' && p[-1] != '&' && p[-1] != ' ')
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncmp(p, names[i], strlen(names[i])))
			return strlen(names[i]);
	return 0;
}

char *dg_http_redact(const char *url)
{
	dg_buf b = DG_BUF_INIT;

	for (const char *p = url; *p;) {
		size_t n = secret_param(url, p);
		if (!n) {
			dg_buf_putc(&b, *p++);
			continue;
		}
		dg_buf_put(&b, p, n);
		dg_buf_puts(&b, "REDACTED");
		for (p += n; *p && *p != '&' && *p != ' ' && *p != '#'; p++)
			;
	}
	return dg_buf_detach(&b);
}

/* A -v line (DG_MSG_VERBOSE) with secret parameters redacted; the
 * program's handler escapes control characters (URLs come from servers). */
void dg_http_log(const dg_http *h, const char *fmt, ...)
{
	dg_buf b = DG_BUF_INIT;
	char *line;
	va_list ap;

	va_start(ap, fmt);
	dg_buf_vprintf(&b, fmt, ap);   /* uncapped: no check */
	va_end(ap);
	line = dg_http_redact(dg_buf_cstr(&b));
	dg_http_scrub_all(h, line, strlen(line));
	dg_msg(DG_MSG_VERBOSE, "%s", line);
	free(line);
	dg_buf_free(&b);
}

char *dg_http_header_value(const char *line, size_t len, const char *name)
{
	size_t nlen = strlen(name);
	const char *v, *end = line + len;

	if (len <= nlen || !dg_str_starts_ci(line, len, name) || line[nlen] != ':')
		return NULL;
	v = line + nlen + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	return dg_strndup(v, (size_t)(end - v));
}

/* Link: <https://...&page=2>; rel="next", <...>; rel="last" */
char *dg_http_link_rel(const char *link, const char *rel_name)
{
	const char *p = link;
	dg_buf want = DG_BUF_INIT;
	char *found = NULL;

	dg_buf_printf(&want, "rel=\"%s\"", rel_name);

	while ((p = strchr(p, '<'))) {
		const char *close = strchr(p, '>');
		const char *comma, *rel;
		if (!close)
			break;
		comma = strchr(close, ',');
		rel = strstr(close, dg_buf_cstr(&want));
		if (rel && (!comma || rel < comma)) {
			found = dg_strndup(p + 1, (size_t)(close - p - 1));
			break;
		}
		p = close;
	}
	dg_buf_free(&want);
	return found;
}

void dg_http_format_time(long long reset, char *out, size_t size)
{
	time_t t = (time_t)reset;
	struct tm tm;

	if (reset <= 0 || reset > 253402300799LL || !gmtime_r(&t, &tm) ||
	    !strftime(out, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(out, size, "an unknown time");
}
