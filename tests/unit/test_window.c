#include "check.h"
#include "base/window.h"
#include "base/date.h"
#include "base/output.h"
#include "base/err.h"

#include <stdlib.h>
#include <sys/stat.h>

static const char *utc(int64_t t)
{
	static char buf[4][DG_DATE_RFC3339_LEN];
	static int i;
	i = (i + 1) % 4;
	dg_date_format_utc(t, buf[i]);
	return buf[i];
}

int main(void)
{
	dg_window w;
	int64_t now;
	char dir[] = "/tmp/dg-out-XXXXXX", path[256], *data;
	size_t len;

	CHECK(dg_window_weeks("2024-W22", 1, "UTC", 0, &w) == 0 && !strcmp(w.label, "2024-W22") &&
	      !strcmp(utc(w.since), "2024-05-27T00:00:00Z") && !strcmp(utc(w.until), "2024-06-03T00:00:00Z"),
	      "a week is Monday to Monday");
	CHECK(dg_window_weeks("2025-W01", 2, "UTC", 0, &w) == 0 && !strcmp(w.label, "2024-W52-2025-W01") &&
	      !strcmp(utc(w.since), "2024-12-23T00:00:00Z") && !strcmp(utc(w.until), "2025-01-06T00:00:00Z"),
	      "a biweekly window across the new year: %s", w.label);
	CHECK(dg_window_weeks("2024-W13", 1, "Europe/Berlin", 0, &w) == 0 && w.until - w.since == 7 * 86400 - 3600,
	      "the week of the spring DST change is an hour short in Berlin");
	dg_date_parse_rfc3339("2022-01-03T01:00:00Z", &now);
	CHECK(dg_window_weeks(NULL, 1, "UTC", now, &w) == 0 && !strcmp(w.label, "2021-W52"),
	      "no week given: the last complete one (%s)", w.label);
	CHECK(dg_window_weeks(NULL, 1, "Asia/Shanghai", now, &w) == 0 && !strcmp(w.label, "2021-W52"),
	      "in Shanghai, Monday 09:00 still means last week");
	CHECK(dg_window_weeks("2024-W60", 1, "UTC", 0, &w) == DG_ERR_CONFIG && strstr(dg_err_last(), "2024-W60"),
	      "a bad week is a usage error naming it");
	CHECK(dg_window_range("2024-05-01", "2024-05-08", "UTC", &w) == 0 &&
	      !strcmp(w.label, "2024-05-01--2024-05-08"), "an arbitrary range is named by its dates");
	CHECK(dg_window_range("2024-05-08", "2024-05-01", "UTC", &w) == DG_ERR_CONFIG, "until before since");

	CHECK(mkdtemp(dir) != NULL, "temp dir");
	snprintf(path, sizeof(path), "%s/deep/er", dir);
	CHECK(dg_output_write(path, "a.md", "first", 5) == 0, "write creates the directory");
	CHECK(dg_output_write(path, "a.md", "second", 6) == 0, "rewrite");
	snprintf(path, sizeof(path), "%s/deep/er/a.md", dir);
	CHECK(dg_output_read_file(path, 0, &data, &len) == 0 && len == 6 && !strcmp(data, "second"),
	      "the file holds the last complete write");
	free(data);
	/* A target that cannot be replaced (a directory): the write fails and
	 * leaves no temporary file behind. */
	snprintf(path, sizeof(path), "%s/deep/er/b.md", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/deep/er", dir);
	CHECK(dg_output_write(path, "b.md", "x", 1) < 0 && strstr(dg_err_last(), "b.md"),
	      "a failed write says which file: %s", dg_err_last());
	snprintf(path, sizeof(path), "ls -A %s/deep/er | grep -c tmp > /dev/null", dir);
	CHECK(system(path) != 0, "no temporary file is left behind");
	snprintf(path, sizeof(path), "chmod -R u+w %s; rm -rf %s", dir, dir);
	CHECK(system(path) == 0, "cleanup");
	return check_done();
}
