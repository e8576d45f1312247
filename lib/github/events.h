/* events.h - reading event records (meetups, live streams) from issue bodies.
 *
 * An event issue carries its facts in the body, either as "key: value" lines
 * (date:, location:, link:) or as the "### Date" headings GitHub issue forms
 * produce, each followed by its value paragraph. Keys match case-insensitively,
 * with optional list markers and bold (**Date**:), and a few aliases
 * (time/when, city/place/where, url/replay). */
#ifndef DG_EVENTS_H
#define DG_EVENTS_H

#include <stdint.h>

typedef struct dg_event_fields {
	char *date;        /* the value as written, trimmed; NULL when absent */
	char *location;
	char *link;
	int64_t when;      /* parsed `date`, seconds UTC; valid when has_when */
	int has_when;
} dg_event_fields;

/* Parse `body`. Naive dates ("2024-05-01 14:00", "2024-05-01") are read in
 * zone `tz`. Returns 0 (out of memory aborts); fields may stay NULL.
 * Free with dg_event_fields_clear. */
int dg_event_parse(const char *body, const char *tz, dg_event_fields *out);
void dg_event_fields_clear(dg_event_fields *f);

/* Parse an event date value: RFC 3339, "YYYY-MM-DD HH:MM[:SS]" or
 * "YYYY-MM-DD" (local in tz), also with "/" separators. 0 or <0. */
int dg_event_parse_date(const char *s, const char *tz, int64_t *out);

#endif
