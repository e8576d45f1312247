/* fuzz_events - dg_event_parse on an arbitrary issue body (a C string: bodies
 * come from JSON), read in a zone with an offset, and dg_event_parse_date on
 * its first line. */
#include "fuzz.h"
#include "github/events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dg_event_fields f;
	char *body = fuzz_cstr(data, size), *nl;
	int64_t t;

	memset(&f, 0, sizeof(f));
	if (dg_event_parse(body, "Asia/Shanghai", &f) != 0)
		fuzz_fail("dg_event_parse failed (it cannot: out of memory aborts)");
	if (f.has_when && !f.date)
		fuzz_fail("has_when without a date");
	dg_event_fields_clear(&f);
	if ((nl = strchr(body, '\n')) != NULL)
		*nl = '\0';
	(void)dg_event_parse_date(body, "UTC", &t);
	free(body);
	return 0;
}
