#include "check.h"
#include "base/date.h"
#include "base/err.h"

#include <stdlib.h>

/* Counts the writes of the environment: this definition takes the place of
 * libc's for the library linked into this program. */
static int setenv_calls;
static char *our_tz;  /* the "TZ=..." string the environment points to */

int setenv(const char *name, const char *value, int overwrite)
{
	char *s;

	setenv_calls++;
	if (strcmp(name, "TZ") || !overwrite || !(s = malloc(strlen(value) + 4)))
		return -1;
	sprintf(s, "TZ=%s", value);
	if (putenv(s) < 0) {
		free(s);
		return -1;
	}
	free(our_tz);  /* no longer in the environment */
	our_tz = s;
	return 0;
}

/* dg_date_format_utc into a static string, for comparisons. */
static const char *utc(int64_t t)
{
	static char out[DG_DATE_RFC3339_LEN];

	dg_date_format_utc(t, out);
	return out;
}

/* Zone-dependent conversions, in several zones of one process. */
static void zones(void)
{
	int64_t t;
	int y, m, d, w, calls;

	CHECK(dg_date_parse_day("2024-05-27", "Asia/Shanghai", &t) == 0, "Shanghai midnight parses");
	CHECK_STR(utc(t), "2024-05-26T16:00:00Z", "Shanghai is UTC+8");
	CHECK(dg_date_local_ymd(t - 1, "Asia/Shanghai", &y, &m, &d) == 0 && y == 2024 && m == 5 && d == 26,
	      "one second before Shanghai midnight is the day before");

	/* New York: DST starts 2024-03-10 02:00 and ends 2024-11-03 02:00. */
	CHECK(dg_date_parse_day("2024-03-10", "America/New_York", &t) == 0 &&
	      !strcmp(utc(t), "2024-03-10T05:00:00Z"), "New York midnight before DST starts is EST");
	CHECK(dg_date_parse_day("2024-03-11", "America/New_York", &t) == 0 &&
	      !strcmp(utc(t), "2024-03-11T04:00:00Z"), "the day after is EDT");
	CHECK(dg_date_local_time(2024, 3, 10, 12, 0, 0, "America/New_York", &t) == 0 &&
	      !strcmp(utc(t), "2024-03-10T16:00:00Z"), "noon on the day DST starts");
	CHECK(dg_date_parse_day("2024-11-04", "America/New_York", &t) == 0 &&
	      !strcmp(utc(t), "2024-11-04T05:00:00Z"), "back to EST after DST ends");
	CHECK(dg_date_parse_rfc3339("2024-11-03T04:30:00Z", &t) == 0 &&
	      dg_date_local_ymd(t, "America/New_York", &y, &m, &d) == 0 && m == 11 && d == 3,
	      "00:30 EDT is still November 3rd");
	CHECK(dg_date_week_start(2024, 11, "America/New_York", &t) == 0 &&
	      !strcmp(utc(t), "2024-03-11T04:00:00Z"), "2024-W11 starts Monday 00:00 EDT");
	CHECK(dg_date_iso_week_of(t - 1, "America/New_York", &y, &w) == 0 && y == 2024 && w == 10,
	      "one second earlier is 2024-W10");

	/* UTC needs no environment at all. */
	calls = setenv_calls;
	CHECK(dg_date_parse_day("2024-03-10", "UTC", &t) == 0 && !strcmp(utc(t), "2024-03-10T00:00:00Z") &&
	      dg_date_local_ymd(t, "Etc/UTC", &y, &m, &d) == 0 && d == 10 &&
	      dg_date_local_time(2024, 3, 10, 2, 30, 0, NULL, &t) == 0 && !strcmp(utc(t), "2024-03-10T02:30:00Z"),
	      "UTC, Etc/UTC and no zone convert as UTC");
	CHECK(setenv_calls == calls && !strcmp(getenv("TZ"), "America/New_York"),
	      "UTC conversions leave TZ alone");

	/* A second zone, then the first again: each is right. */
	CHECK(dg_date_parse_day("2024-05-27", "Asia/Shanghai", &t) == 0 &&
	      !strcmp(utc(t), "2024-05-26T16:00:00Z"), "Shanghai again after New York");
	calls = setenv_calls;
	CHECK(dg_date_parse_day("2024-05-28", "Asia/Shanghai", &t) == 0 &&
	      dg_date_local_ymd(t, "Asia/Shanghai", &y, &m, &d) == 0 && d == 28 && setenv_calls == calls,
	      "conversions in the loaded zone do not write the environment");

	CHECK(dg_date_zone_load("Mars/Base") == DG_ERR_CONFIG && strstr(dg_err_last(), "Mars/Base"),
	      "an unknown zone is an error naming it");
	CHECK(dg_date_parse_day("2024-05-27", "Mars/Base", &t) < 0 &&
	      dg_date_local_ymd(0, "../etc/passwd", &y, &m, &d) < 0, "conversions in an unknown zone fail");
	CHECK(!strcmp(getenv("TZ"), "Asia/Shanghai"), "a failed load leaves TZ alone");
}

/* Once requests may run, the environment is never written. */
static void frozen(void)
{
	int64_t t;
	int y, m, d, calls;

	CHECK(dg_date_zone_load("America/New_York") == 0, "load the run's zone");
	dg_date_zone_freeze();
	calls = setenv_calls;
	CHECK(dg_date_parse_day("2024-03-11", "America/New_York", &t) == 0 &&
	      !strcmp(utc(t), "2024-03-11T04:00:00Z"), "the loaded zone still converts");
	CHECK(dg_date_parse_day("2024-03-11", "UTC", &t) == 0 && dg_date_zone_load("Etc/UTC") == 0,
	      "UTC still converts");
	CHECK(dg_date_parse_day("2024-05-27", "Asia/Shanghai", &t) == DG_ERR_FAIL &&
	      strstr(dg_err_last(), "Asia/Shanghai") && strstr(dg_err_last(), "America/New_York"),
	      "another zone is an explicit error once frozen");
	CHECK(dg_date_local_ymd(0, "Asia/Shanghai", &y, &m, &d) < 0, "for every conversion");
	CHECK(setenv_calls == calls && !strcmp(getenv("TZ"), "America/New_York"),
	      "frozen: TZ is never written");
}

/* The one copy of calendar math (feeds, TOML and the functions above use it). */
static void calendar(void)
{
	int64_t y;
	int m, d, ok = 1;

	CHECK(dg_date_is_leap(2000) && dg_date_is_leap(2024) && !dg_date_is_leap(1900) && !dg_date_is_leap(2023),
	      "leap years: 4, not 100, 400");
	CHECK(dg_date_days_in_month(2024, 2) == 29 && dg_date_days_in_month(2023, 2) == 28 &&
	      dg_date_days_in_month(2023, 12) == 31 && dg_date_days_in_month(2023, 4) == 30, "days in month");
	CHECK(dg_date_days_from_civil(1970, 1, 1) == 0 && dg_date_days_from_civil(1969, 12, 31) == -1 &&
	      dg_date_days_from_civil(2000, 3, 1) == 11017 && dg_date_days_from_civil(1, 1, 1) == -719162,
	      "day numbers from 1970-01-01");
	for (int64_t z = -800000; z <= 3000000 && ok; z += 997) {
		dg_date_civil_from_days(z, &y, &m, &d);
		ok = dg_date_days_from_civil(y, m, d) == z && m >= 1 && m <= 12 && d >= 1 &&
		     d <= dg_date_days_in_month(y, m);
	}
	CHECK(ok, "civil_from_days and days_from_civil are inverse (years -220..10183)");
}

int main(void)
{
	int64_t t, t2;
	char buf[DG_DATE_RFC3339_LEN];
	int y, w;

	CHECK(dg_date_parse_rfc3339("2021-12-06T00:00:00Z", &t) == 0 && t == 1638748800,
	      "RFC 3339 UTC parses");
	CHECK(dg_date_parse_rfc3339("2021-12-06T08:00:00+08:00", &t2) == 0 && t2 == t,
	      "offset is applied");
	CHECK(dg_date_parse_rfc3339("2021-12-06T00:00:00.123Z", &t2) == 0 && t2 == t,
	      "fraction accepted");
	CHECK(dg_date_parse_rfc3339("2021-02-29T00:00:00Z", &t2) < 0, "no Feb 29 in 2021");
	CHECK(dg_date_parse_rfc3339("2021-12-06T00:00:00", &t2) < 0, "offset required");
	CHECK(dg_date_parse_rfc3339("2021-12-06T00:00:00Zjunk", &t2) < 0, "trailing junk rejected");
	dg_date_format_utc(t, buf);
	CHECK_STR(buf, "2021-12-06T00:00:00Z", "format round-trips");

	CHECK(dg_date_parse_day("2021-12-06", "Asia/Shanghai", &t2) == 0 && t2 == t - 8 * 3600,
	      "local midnight in Shanghai is 16:00Z the day before");
	CHECK(dg_date_parse_day("2021-12-06", "UTC", &t2) == 0 && t2 == t, "UTC midnight");

	CHECK(dg_date_iso_week_of(t, "UTC", &y, &w) == 0 && y == 2021 && w == 49, "2021-12-06 is 2021-W49");
	CHECK(dg_date_parse_rfc3339("2021-01-03T12:00:00Z", &t2) == 0 &&
	      dg_date_iso_week_of(t2, "UTC", &y, &w) == 0 && y == 2020 && w == 53,
	      "2021-01-03 belongs to 2020-W53");
	CHECK(dg_date_parse_rfc3339("2024-12-30T12:00:00Z", &t2) == 0 &&
	      dg_date_iso_week_of(t2, "UTC", &y, &w) == 0 && y == 2025 && w == 1,
	      "2024-12-30 belongs to 2025-W01");
	CHECK(dg_date_week_start(2021, 49, "UTC", &t2) == 0 && t2 == t, "week start of 2021-W49");
	CHECK(dg_date_week_start(2024, 22, "Asia/Shanghai", &t2) == 0 &&
	      (dg_date_format_utc(t2, buf), strcmp(buf, "2024-05-26T16:00:00Z") == 0),
	      "2024-W22 starts Monday 00:00 Shanghai");
	CHECK(dg_date_parse_week("2024-W22", &y, &w) == 0 && y == 2024 && w == 22, "week parses");
	CHECK(dg_date_parse_week("2021-W53", &y, &w) < 0, "2021 has no week 53");
	CHECK(dg_date_parse_week("2020-W53", &y, &w) == 0, "2020 has week 53");
	CHECK(dg_date_parse_week("2024-22", &y, &w) < 0, "malformed week rejected");
	CHECK(dg_date_zone_exists("Asia/Shanghai") && !dg_date_zone_exists("Mars/Base") &&
	      !dg_date_zone_exists("../etc/passwd"), "zone names are checked");
	calendar();
	zones();
	frozen();
	return check_done();
}
