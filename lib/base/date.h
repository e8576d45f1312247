/* date.h - instants, RFC 3339, ISO weeks and local midnights in an IANA zone.
 *
 * Instants are int64_t seconds since the epoch (UTC). Zone-dependent
 * functions take an IANA name ("Asia/Shanghai", "UTC"; NULL or "" is UTC).
 *
 * Time zones and the environment: libc converts local time only in the zone
 * named by the TZ variable, and libcurl's threaded resolver reads the
 * environment (getaddrinfo) while requests run, so TZ may be written only
 * while nothing else runs. Hence:
 *  - "UTC" and "Etc/UTC" never touch the environment (timegm/gmtime_r);
 *  - dg_date_zone_load sets TZ once, before the first request (the run's
 *    setup does it for the config's zone); conversions in that zone then
 *    only read TZ (localtime_r/mktime), never write it;
 *  - before any request, a call for another zone loads that zone instead
 *    (tests, tools and setup may use several zones, one after another);
 *  - once requests may run (dg_date_zone_freeze, called by dg_http_run) a
 *    call for a zone that is not loaded fails with an explicit error and
 *    leaves TZ alone. Freezing is for the rest of the process: libcurl may
 *    leave a resolver thread running (detached) after a transfer ends, so
 *    there is no reliable "after the requests".
 * An error rather than a TZif-file reader of our own: digest uses one zone
 * per run, libc's zone code stays the one tested implementation, and a
 * second zone during a run is a bug to surface, not a case to support.
 * Not thread-safe in themselves: call them from the thread running the
 * requests (digest has one). */
#ifndef DG_DATE_H
#define DG_DATE_H

#include <stdint.h>

#define DG_DATE_RFC3339_LEN 21  /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */

/* RFC 3339 date-time ("2024-05-27T09:00:00Z", "...+08:00", fraction allowed,
 * 'T' or ' ' separator). 0 or DG_ERR_FAIL (no message set: callers name the field). */
int dg_date_parse_rfc3339(const char *s, int64_t *out);

/* "YYYY-MM-DD" -> local midnight in `tz`. 0 or DG_ERR_FAIL. */
int dg_date_parse_day(const char *s, const char *tz, int64_t *out);

/* Wall-clock time y-m-d hh:mm:ss in `tz` -> instant. */
int dg_date_local_time(int y, int m, int d, int hh, int mm, int ss, const char *tz, int64_t *out);

/* Either of the two forms above (what --since/--until accept). */
int dg_date_parse_cli(const char *s, const char *tz, int64_t *out);

/* `t` as "YYYY-MM-DDTHH:MM:SSZ"; instants outside the years 0000..9999 as
 * "0000-01-01T00:00:00Z". */
void dg_date_format_utc(int64_t t, char out[DG_DATE_RFC3339_LEN]);

/* Local calendar date of `t` in `tz`. */
int dg_date_local_ymd(int64_t t, const char *tz, int *year, int *month, int *day);

/* ISO 8601 week ("2024-W22") of the local date of `t`. */
int dg_date_iso_week_of(int64_t t, const char *tz, int *iso_year, int *week);

/* Parse "YYYY-Www" (week 01..53, and 53 only in years that have it). */
/* 52 or 53: the ISO weeks of `iso_year`. */
int dg_date_weeks_in_year(int iso_year);
int dg_date_parse_week(const char *s, int *iso_year, int *week);

/* Monday 00:00 local of ISO week (iso_year, week) in `tz`. */
int dg_date_week_start(int iso_year, int week, const char *tz, int64_t *out);

/* Calendar math in the proleptic Gregorian calendar, zone-free (the one
 * copy: feeds, TOML and the functions above use it). Days count from
 * 1970-01-01 (day 0); months are 1..12. */
int dg_date_is_leap(int64_t year);
int dg_date_days_in_month(int64_t year, int month);
int64_t dg_date_days_from_civil(int64_t year, int month, int day);
void dg_date_civil_from_days(int64_t days, int64_t *year, int *month, int *day);

/* 1 when `tz` names a zone this machine knows ("UTC" always does). */
int dg_date_zone_exists(const char *tz);

/* Make `tz` the zone TZ holds (nothing to do for UTC). 0, DG_ERR_CONFIG for
 * a zone this machine does not know, DG_ERR_FAIL when frozen on another
 * zone; with a message naming the zone. */
int dg_date_zone_load(const char *tz);

/* From now on the environment is never written (see above). Idempotent. */
void dg_date_zone_freeze(void);

#endif
