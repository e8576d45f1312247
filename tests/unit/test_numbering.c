#include "check.h"
#include "issue/numbering.h"
#include "base/date.h"
#include "base/err.h"

#include <stdlib.h>

int main(void)
{
	char dir[] = "/tmp/dg-num-XXXXXX", cmd[128];
	dg_store *s = NULL;
	dg_numbering n = {"cnweekly", "2024-W22", 0, "2024-01-01", 1, 1, "Asia/Shanghai"};
	int num;

	CHECK(mkdtemp(dir) && dg_store_open(dir, 0, &s) == 0, "store");
	dg_date_week_start(2024, 22, "Asia/Shanghai", &n.since);
	CHECK(dg_issue_number(s, &n, 1, &num) == 0 && num == 22, "weekly from a reference: 2024-W22 is 22 (%d)", num);
	n.reference_number = 100;
	CHECK(dg_issue_number(s, &n, 1, &num) == 0 && num == 22, "a recorded number is kept (%d)", num);
	n.period_label = "2024-W21-W22";
	n.period_weeks = 2;
	n.reference_number = 1;
	dg_date_week_start(2024, 21, "Asia/Shanghai", &n.since);
	CHECK(dg_issue_number(s, &n, 0, &num) == 0 && num == 11, "biweekly: weeks 21-22 are the 11th pair (%d)", num);
	n.period_label = "2023-W50";
	n.period_weeks = 1;
	dg_date_week_start(2023, 50, "Asia/Shanghai", &n.since);
	CHECK(dg_issue_number(s, &n, 0, &num) == 0 && num == 22 + 1,
	      "before the reference: no valid number, so the next after the highest (%d)", num);
	n.reference_date = NULL;
	n.period_label = "2024-W30";
	CHECK(dg_issue_number(s, &n, 1, &num) == 0 && num == 23, "without a reference: max + 1 (%d)", num);
	dg_store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0, "cleanup");
	return check_done();
}
