#include "base/date.h"
#include "base/err.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The zone TZ was set to by dg_date_zone_load ("" = none), and whether TZ
 * may still be written (date.h says why). */
static char loaded_zone[256];
static int zone_frozen;

static int is_utc(const char *tz)
{
	return !tz || !*tz || !strcmp(tz, "UTC") || !strcmp(tz, "Etc/UTC");
}

int dg_date_zone_exists(const char *tz)
{
	char path[512];

	if (!tz || !*tz)
		return 0;
	if (!strcmp(tz, "UTC") || !strcmp(tz, "Etc/UTC"))
		return 1;
	/* Reject path tricks: a zone name is letters, digits, '/', '_', '-', '+'. */
	for (const char *p = tz; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_-+", *p))
			return 0;
	if (strstr(tz, "..") || tz[0] == '/')
		return 0;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	return access(path, R_OK) == 0;
}

int dg_date_zone_load(const char *tz)
{
	if (is_utc(tz) || !strcmp(tz, loaded_zone))
		return 0;
	if (zone_frozen)
		return dg_err_set(DG_ERR_FAIL, "time zone \"%s\": only \"%s\" and UTC can be used once "
				  "requests have started (load it before)", tz,
				  *loaded_zone ? loaded_zone : "UTC");
	if (!dg_date_zone_exists(tz) || strlen(tz) >= sizeof(loaded_zone))
		return dg_err_set(DG_ERR_CONFIG, "unknown time zone \"%s\"", tz);
	if (setenv("TZ", tz, 1) < 0)
		return dg_err_set(DG_ERR_FAIL, "time zone \"%s\": cannot set TZ", tz);
	tzset();
	snprintf(loaded_zone, sizeof(loaded_zone), "%s", tz);
	return 0;
}

void dg_date_zone_freeze(void)
{
	zone_frozen = 1;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int dg_date_is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int dg_date_days_in_month(int64_t y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && dg_date_is_leap(y) ? 29 : days[m - 1];
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t dg_date_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void dg_date_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int parse_ymd(const char *s, int *y, int *m, int *d)
{
	if (digits(s, 4, y) || s[4] != '-' || digits(s + 5, 2, m) || s[7] != '-' ||
	    digits(s + 8, 2, d))
		return -1;
	if (*m < 1 || *m > 12 || *d < 1 || *d > dg_date_days_in_month(*y, *m))
		return -1;
	return 0;
}

static void set_tm(struct tm *tm, int y, int mo, int d, int h, int mi, int sec)
{
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = sec;
}

int dg_date_parse_rfc3339(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p;
	struct tm tm = {0};

	if (!s || strlen(s) < 20 || parse_ymd(s, &y, &mo, &d) < 0)
		return DG_ERR_FAIL;
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return DG_ERR_FAIL;
	if (digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &sec) || h > 23 || mi > 59 || sec > 60)
		return DG_ERR_FAIL;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return DG_ERR_FAIL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return DG_ERR_FAIL;
		p += 6;
	} else {
		return DG_ERR_FAIL;
	}
	if (*p)
		return DG_ERR_FAIL;
	set_tm(&tm, y, mo, d, h, mi, sec == 60 ? 59 : sec);
	*out = (int64_t)timegm(&tm) - sign * (oh * 3600 + om * 60);
	return 0;
}

int dg_date_local_time(int y, int m, int d, int hh, int mm, int ss, const char *tz, int64_t *out)
{
	struct tm tm = {0};
	time_t t;
	int err;

	set_tm(&tm, y, m, d, hh, mm, ss);
	tm.tm_isdst = -1;
	if ((err = dg_date_zone_load(tz)) < 0)
		return err;
	t = is_utc(tz) ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1)
		return DG_ERR_FAIL;
	*out = (int64_t)t;
	return 0;
}

static int local_midnight(int y, int m, int d, const char *tz, int64_t *out)
{
	return dg_date_local_time(y, m, d, 0, 0, 0, tz, out);
}

int dg_date_parse_day(const char *s, const char *tz, int64_t *out)
{
	int y, m, d;

	if (!s || strlen(s) != 10 || parse_ymd(s, &y, &m, &d) < 0)
		return DG_ERR_FAIL;
	return local_midnight(y, m, d, tz, out);
}

int dg_date_parse_cli(const char *s, const char *tz, int64_t *out)
{
	if (s && strlen(s) == 10)
		return dg_date_parse_day(s, tz, out);
	return dg_date_parse_rfc3339(s, out);
}

void dg_date_format_utc(int64_t t, char out[DG_DATE_RFC3339_LEN])
{
	/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: RFC 3339 has four-digit years. */
	const int64_t first = -62167219200, last = 253402300799;
	time_t tt = (time_t)t;
	struct tm tm;
	char tmp[64];

	if (t < first || t > last || !gmtime_r(&tt, &tm)) {
		memcpy(out, "0000-01-01T00:00:00Z", DG_DATE_RFC3339_LEN);
		return;
	}
	/* Via a roomy buffer: the compiler cannot see the fields' ranges. */
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	memcpy(out, tmp, DG_DATE_RFC3339_LEN - 1);
	out[DG_DATE_RFC3339_LEN - 1] = '\0';
}

int dg_date_local_ymd(int64_t t, const char *tz, int *year, int *month, int *day)
{
	time_t tt = (time_t)t;
	struct tm tm;
	int err;

	if ((err = dg_date_zone_load(tz)) < 0)
		return err;
	if (!(is_utc(tz) ? gmtime_r(&tt, &tm) : localtime_r(&tt, &tm)))
		return DG_ERR_FAIL;
	*year = tm.tm_year + 1900;
	*month = tm.tm_mon + 1;
	*day = tm.tm_mday;
	return 0;
}

/* Monday of ISO week 1: the week holding January 4th. */
static int64_t iso_week1_monday(int iso_year)
{
	int64_t jan4 = dg_date_days_from_civil(iso_year, 1, 4);
	int wday = (int)((jan4 + 3) % 7); /* 0 = Monday; 1970-01-01 was a Thursday */

	return jan4 - wday;
}

static int weeks_in_iso_year(int iso_year)
{
	return (int)((iso_week1_monday(iso_year + 1) - iso_week1_monday(iso_year)) / 7);
}

int dg_date_iso_week_of(int64_t t, const char *tz, int *iso_year, int *week)
{
	int y, m, d;
	int64_t day;

	if (dg_date_local_ymd(t, tz, &y, &m, &d) < 0)
		return DG_ERR_FAIL;
	day = dg_date_days_from_civil(y, m, d);
	*iso_year = y + 1;
	while (day < iso_week1_monday(*iso_year))
		(*iso_year)--;
	*week = (int)((day - iso_week1_monday(*iso_year)) / 7) + 1;
	return 0;
}

int dg_date_weeks_in_year(int iso_year)
{
	return weeks_in_iso_year(iso_year);
}

int dg_date_parse_week(const char *s, int *iso_year, int *week)
{
	if (!s || strlen(s) != 8 || digits(s, 4, iso_year) || s[4] != '-' ||
	    (s[5] != 'W' && s[5] != 'w') || digits(s + 6, 2, week))
		return DG_ERR_FAIL;
	if (*week < 1 || *week > weeks_in_iso_year(*iso_year))
		return DG_ERR_FAIL;
	return 0;
}

int dg_date_week_start(int iso_year, int week, const char *tz, int64_t *out)
{
	int64_t day = iso_week1_monday(iso_year) + (int64_t)(week - 1) * 7;
	time_t tt = (time_t)(day * 86400);
	struct tm tm;

	gmtime_r(&tt, &tm);
	return local_midnight(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tz, out);
}
