#include "check.h"
#include "github/events.h"
#include "base/date.h"

int main(void)
{
	dg_event_fields f;
	char buf[DG_DATE_RFC3339_LEN];

	dg_event_parse("date: 2021-10-21T20:00:00+08:00\nlocation: online\n"
		       "link: https://kubesphere.com.cn/live/ckacks1021-live/\nend: x\n\nSome: text",
		       "UTC", &f);
	CHECK_STR(f.date, "2021-10-21T20:00:00+08:00", "date line kept as written");
	CHECK_STR(f.location, "online", "location line");
	CHECK_STR(f.link, "https://kubesphere.com.cn/live/ckacks1021-live/", "link keeps its colon");
	dg_date_format_utc(f.when, buf);
	CHECK(f.has_when && !strcmp(buf, "2021-10-21T12:00:00Z"), "date parsed with its offset");
	dg_event_fields_clear(&f);

	dg_event_parse("### Date\n\n2024-05-18 14:00\n\n### City Name\n\nHangzhou\n\n"
		       "### Link\n\n_No response_\n", "Asia/Shanghai", &f);
	dg_date_format_utc(f.when, buf);
	CHECK(f.has_when && !strcmp(buf, "2024-05-18T06:00:00Z"),
	      "issue-form heading date read in the configured zone (%s)", buf);
	CHECK_STR(f.location, "Hangzhou", "issue-form city");
	CHECK(f.link == NULL, "_No response_ is absent");
	dg_event_fields_clear(&f);

	dg_event_parse("- **Date**: 2024/06/01\n* Location：北京\n", "UTC", &f);
	CHECK(f.has_when, "bold list key and slash date");
	CHECK_STR(f.location, "北京", "full-width colon");
	dg_event_fields_clear(&f);

	dg_event_parse("date: next Tuesday\n", "UTC", &f);
	CHECK(f.date && !f.has_when, "unparseable date is kept but flagged");
	dg_event_fields_clear(&f);
	dg_event_parse(NULL, "UTC", &f);
	CHECK(!f.date && !f.location && !f.link, "empty body");
	return check_done();
}
