#include "github/events.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/err.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum field { F_NONE, F_DATE, F_LOCATION, F_LINK };

static enum field field_of(const char *key, size_t len)
{
	static const struct { const char *name; enum field f; } names[] = {
		{"date", F_DATE}, {"time", F_DATE}, {"when", F_DATE}, {"start", F_DATE},
		{"datetime", F_DATE}, {"日期", F_DATE}, {"时间", F_DATE},
		{"location", F_LOCATION}, {"city", F_LOCATION}, {"place", F_LOCATION},
		{"where", F_LOCATION}, {"city name", F_LOCATION}, {"地点", F_LOCATION},
		{"城市", F_LOCATION},
		{"link", F_LINK}, {"url", F_LINK}, {"replay", F_LINK}, {"链接", F_LINK},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == len && dg_str_eq_ci(key, names[i].name, len))
			return names[i].f;
	return F_NONE;
}

/* A copy of s[0..len) trimmed, without "**value**" and "`value`" around it
 * (decoration, not content). */
static char *value_dup(const char *s, size_t len)
{
	len = dg_str_trim(&s, len);
	while (len >= 2 && ((s[0] == '*' && s[len - 1] == '*') || (s[0] == '`' && s[len - 1] == '`')))
		s++, len -= 2;
	return dg_strndup(s, len);
}

static void set_field(dg_event_fields *out, enum field f, const char *v, size_t len)
{
	char **slot = f == F_DATE ? &out->date : f == F_LOCATION ? &out->location : &out->link;
	char *value;

	if (*slot || f == F_NONE)
		return; /* the first occurrence wins */
	value = value_dup(v, len);
	if (!*value || !strcmp(value, "_No response_")) {
		free(value);
		return;
	}
	*slot = value;
}

/* Strip "- ", "* ", "**", "__" around a key. */
static void key_bounds(const char *line, const char *colon, const char **k, size_t *klen)
{
	const char *s = line, *e = colon;

	while (s < e && (dg_str_is_space((unsigned char)*s) || *s == '-' || *s == '*' || *s == '_' || *s == '>'))
		s++;
	while (e > s && (dg_str_is_space((unsigned char)e[-1]) || e[-1] == '*' || e[-1] == '_'))
		e--;
	*k = s;
	*klen = (size_t)(e - s);
}

int dg_event_parse(const char *body, const char *tz, dg_event_fields *out)
{
	const char *p = body ? body : "";
	enum field pending_heading = F_NONE;

	memset(out, 0, sizeof(*out));
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *line = p, *colon;
		size_t skip = 0;

		p = eol ? eol + 1 : p + len;
		while (skip < len && dg_str_is_space((unsigned char)line[skip]))
			skip++;
		if (skip == len)
			continue;
		if (line[skip] == '#') {
			/* "### Date" (issue forms): the next non-empty line is the value. */
			const char *k = line + skip;
			size_t klen = len - skip;
			while (klen && (*k == '#' || *k == ' '))
				k++, klen--;
			while (klen && dg_str_is_space((unsigned char)k[klen - 1]))
				klen--;
			pending_heading = field_of(k, klen);
			continue;
		}
		if (pending_heading != F_NONE) {
			set_field(out, pending_heading, line, len);
			pending_heading = F_NONE;
			continue;
		}
		/* "key: value" or "key：value" (full-width colon) */
		colon = memchr(line, ':', len);
		const char *wide = NULL;
		for (size_t i = 0; i + 2 < len; i++)
			if ((unsigned char)line[i] == 0xEF && (unsigned char)line[i + 1] == 0xBC &&
			    (unsigned char)line[i + 2] == 0x9A) {
				wide = line + i;
				break;
			}
		if (wide && (!colon || wide < colon)) {
			colon = wide;
		}
		if (colon) {
			const char *k;
			size_t klen;
			size_t sep = colon == wide ? 3 : 1;
			key_bounds(line, colon, &k, &klen);
			enum field f = field_of(k, klen);
			if (f != F_NONE)
				set_field(out, f, colon + sep, len - (size_t)(colon - line) - sep);
		}
	}
	if (out->date && dg_event_parse_date(out->date, tz, &out->when) == 0)
		out->has_when = 1;
	return 0;
}

void dg_event_fields_clear(dg_event_fields *f)
{
	if (!f)
		return;
	free(f->date);
	free(f->location);
	free(f->link);
	memset(f, 0, sizeof(*f));
}

int dg_event_parse_date(const char *s, const char *tz, int64_t *out)
{
	char norm[64], day[11];
	size_t n = strlen(s);
	int h = 0, m = 0, sec = 0;

	if (n >= sizeof(norm))
		return DG_ERR_FAIL;
	memcpy(norm, s, n + 1);
	for (size_t i = 0; i < n && i < 10; i++)
		if (norm[i] == '/')
			norm[i] = '-';
	if (dg_date_parse_rfc3339(norm, out) == 0)
		return 0;
	if (n < 10)
		return DG_ERR_FAIL;
	memcpy(day, norm, 10);
	day[10] = '\0';
	if (dg_date_parse_day(day, tz, out) < 0)
		return DG_ERR_FAIL;
	if (n == 10)
		return 0;
	/* "YYYY-MM-DD HH:MM[:SS]" with an optional trailing note ("(UTC+8)") ignored */
	if ((norm[10] != ' ' && norm[10] != 'T') ||
	    sscanf(norm + 11, "%2d:%2d:%2d", &h, &m, &sec) < 2 || h > 23 || m > 59 || sec > 59)
		return DG_ERR_FAIL;
	{
		int y = atoi(day), mo = atoi(day + 5), d = atoi(day + 8);
		return dg_date_local_time(y, mo, d, h, m, sec, tz, out);
	}
}
