#include "check.h"
#include "base/date.h"

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
	return check_done();
}
