/* Unit tests of issue numbers (lib/issue/numbering.h): a function of the
 * period alone, whatever the order of runs. */
#include "check.h"
#include "issue/numbering.h"
#include "issue/series.h"
#include "base/date.h"
#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char labels[64][16];

/* The number of ISO week `wk` of 2021, recorded or not. */
static int number_of(dg_store *s, dg_numbering *n, int wk, int record)
{
	int num = -1;

	snprintf(labels[wk], sizeof(labels[wk]), "2021-W%02d", wk);
	n->period_label = labels[wk];
	dg_date_week_start(2021, wk, n->timezone, &n->since);
	if (dg_issue_number(s, n, record, &num) < 0)
		return -1;
	return num;
}

static dg_store *fresh(char *dir)
{
	dg_store *s = NULL;

	strcpy(dir, "/tmp/dg-num-XXXXXX");
	if (!mkdtemp(dir) || dg_store_open(dir, 0, &s) < 0)
		return NULL;
	return s;
}

static void gone(dg_store *s, const char *dir)
{
	char cmd[128];

	dg_store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0, "cleanup");
}

/* Series names: readable, independent of order and case. */
static void series_names(void)
{
	dg_config *cfg = NULL, *cfg2 = NULL;
	char *a, *b, *c;

	CHECK(dg_config_load(NULL, &cfg) == 0 && dg_config_load(NULL, &cfg2) == 0, "default configs");
	dg_strv_push(&cfg->orgs, "Acme");
	dg_strv_push(&cfg->orgs, "beta");
	dg_strv_push(&cfg->repos, "Other/Tool");
	dg_strv_push(&cfg2->repos, "other/tool");
	dg_strv_push(&cfg2->orgs, "BETA");
	dg_strv_push(&cfg2->orgs, "acme");
	a = dg_series_name(cfg, "community", 1);
	b = dg_series_name(cfg2, "community", 1);
	c = dg_series_name(cfg, "community", 2);
	CHECK(a && !strcmp(a, "community/org:acme,org:beta,repo:other/tool/w1"), "series name: %s", a);
	CHECK(a && b && !strcmp(a, b), "the same community in another order and case: the same series");
	CHECK(a && c && strcmp(a, c), "a biweekly is another series: %s", c);
	free(a);
	free(b);
	free(c);
	dg_config_free(cfg);
	dg_config_free(cfg2);
}

int main(void)
{
	char dir[32];
	dg_store *s = fresh(dir);
	dg_numbering n = {"cnweekly/org:acme/w1", "2024-W22", 0, "2024-01-01", 1, 1, "Asia/Shanghai"};
	int num;

	series_names();
	CHECK(s != NULL, "store");
	dg_date_week_start(2024, 22, "Asia/Shanghai", &n.since);
	CHECK(dg_issue_number(s, &n, 1, &num) == 0 && num == 22, "weekly from a reference: 2024-W22 is 22 (%d)", num);
	n.period_label = "2024-W21-W22";
	n.period_weeks = 2;
	dg_date_week_start(2024, 21, "Asia/Shanghai", &n.since);
	CHECK(dg_issue_number(s, &n, 0, &num) == 0 && num == 11, "biweekly: weeks 21-22 are the 11th pair (%d)", num);
	n.period_label = "2023-W50";
	n.period_weeks = 1;
	dg_date_week_start(2023, 50, "Asia/Shanghai", &n.since);
	CHECK(dg_issue_number(s, &n, 1, &num) == 0 && num == 0, "before the reference: no number (%d)", num);
	gone(s, dir);

	/* No reference configured: the first period recorded is number 1. */
	n.reference_date = NULL;
	n.series = "community/org:acme/w1";
	s = fresh(dir);
	CHECK(number_of(s, &n, 36, 0) == 1, "a trial run of W36 would be 1");
	CHECK(number_of(s, &n, 40, 0) == 1, "a trial run of W40 would be 1: trial runs shift nothing");
	CHECK(number_of(s, &n, 35, 1) == 1, "W35 recorded first: number 1");
	CHECK(number_of(s, &n, 36, 1) == 2 && number_of(s, &n, 34, 1) == 0 && number_of(s, &n, 40, 0) == 6,
	      "then W36 is 2, W34 (before) none, W40 is 6");
	CHECK(number_of(s, &n, 35, 1) == 1 && number_of(s, &n, 36, 1) == 2, "re-running changes nothing");
	gone(s, dir);

	/* The same weeks in another order, with a reference: the same numbers. */
	n.reference_date = "2021-08-30";
	n.reference_number = 1;
	s = fresh(dir);
	{
		int a = number_of(s, &n, 36, 1), b = number_of(s, &n, 35, 1), c = number_of(s, &n, 34, 1);
		gone(s, dir);
		s = fresh(dir);
		CHECK(number_of(s, &n, 34, 1) == c && number_of(s, &n, 35, 1) == b && number_of(s, &n, 36, 1) == a &&
		      a == 2 && b == 1 && c == 0, "numbers independent of run order (W34 %d, W35 %d, W36 %d)", c, b, a);
	}
	gone(s, dir);

	/* A store from before references and series: the first series of its
	 * cadence adopts its numbers, and numbering goes on after them. */
	n.reference_date = NULL;
	s = fresh(dir);
	dg_store_issue_put(s, "community", "2021-W30", 7);
	dg_store_issue_put(s, "community", "2021-W29-W30", 3);
	dg_store_kept_put(s, "wechat_draft", "community/2021-W30", "MEDIA30", 7);
	CHECK(dg_store_series_adopt(s, "community", n.series, 0) == 2, "the weekly adopts the weekly number and draft only");
	{
		char *v = NULL;
		size_t len = 0;
		CHECK(dg_store_kept_get(s, "wechat_draft", "community/org:acme/w1/2021-W30", &v, &len) == 1 &&
		      !strcmp(v, "MEDIA30"), "the weekly's WeChat draft moves to the series");
		free(v);
	}
	CHECK(number_of(s, &n, 40, 1) == 8 && number_of(s, &n, 41, 0) == 9, "an older store's numbers go on");
	CHECK(dg_store_series_adopt(s, "community", "community/org:other/w1", 0) == 0,
	      "a second weekly series finds nothing left to adopt");
	CHECK(dg_store_series_adopt(s, "community", "community/org:acme/w2", 1) == 1 &&
	      dg_store_issue_get(s, "community/org:acme/w2", "2021-W29-W30", &num) == 1 && num == 3,
	      "the biweekly series adopts the two-week numbers");
	CHECK(dg_store_series_adopt(s, "community", "community/org:acme/w2", 1) == 0, "adopting twice takes nothing");
	gone(s, dir);

	/* Two communities and two cadences in one store number apart. */
	s = fresh(dir);
	{
		dg_numbering a = n, b = n, c = n;
		a.series = "community/org:acme/w1";
		b.series = "community/org:other/w1";
		c.series = "community/org:acme/w2";
		c.period_weeks = 2;
		CHECK(number_of(s, &a, 30, 1) == 1 && number_of(s, &a, 31, 1) == 2, "acme: 1, 2");
		CHECK(number_of(s, &b, 40, 1) == 1, "another org's first issue is its number 1 (%d)", number_of(s, &b, 40, 0));
		CHECK(number_of(s, &c, 32, 1) == 1, "acme's biweekly numbers on its own");
		CHECK(number_of(s, &a, 33, 0) == 4, "acme's weekly goes on unaffected");
	}
	gone(s, dir);
	return check_done();
}
