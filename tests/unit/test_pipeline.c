/* Unit tests of the orchestration: the file set (all files or none), the
 * pipeline's stage order (the store records only after the files are in
 * place), the kinds table; with a fake kind, no network and no templates. */
#include "check.h"
#include "base/err.h"
#include "base/fileset.h"
#include "base/output.h"
#include "base/window.h"
#include "config/config.h"
#include "issue/pipeline.h"
#include "issue/stageopts.h"
#include "store/store.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The file's contents (the library's own reader), or NULL. */
static char *slurp(const char *path)
{
	char *data = NULL;
	size_t len;

	return dg_output_read_file(path, 1u << 20, &data, &len) == 0 ? data : NULL;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Entries of `dir` whose name starts with '.' (temporaries). */
static int hidden_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	if (d)
		closedir(d);
	return n;
}

static char *path_of(const char *dir, const char *name)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static void test_fileset(const char *root)
{
	dg_fileset fs = DG_FILESET_INIT;
	char *a, *b, *s, out[512];

	snprintf(out, sizeof(out), "%s/fs", root);

	CHECK(dg_fileset_add(&fs, out, "a.md", strdup("alpha\n"), 6, 1) == 0 &&
	      dg_fileset_add(&fs, path_of(out, "sub"), "b.json", strdup("{}\n"), 3, 0) == 0, "two files added");
	CHECK(dg_fileset_commit(&fs) == 0, "committed");
	a = slurp(path_of(out, "a.md"));
	b = slurp(path_of(path_of(out, "sub"), "b.json"));
	CHECK_STR(a, "alpha\n", "first file in place");
	CHECK_STR(b, "{}\n", "second file in place, its directory created");
	CHECK(hidden_entries(out) == 0, "no temporary left");
	s = dg_fileset_path(&fs, 1);
	CHECK(s && strstr(s, "/sub/b.json"), "path of a file: %s", s ? s : "(null)");
	free(s);
	free(a);
	free(b);
	dg_fileset_clear(&fs);

	/* The same contents again: the file is left alone (no new inode). */
	{
		struct stat before, after;
		int ok = stat(path_of(out, "a.md"), &before) == 0;
		CHECK(dg_fileset_add(&fs, out, "a.md", strdup("alpha\n"), 6, 1) == 0 && dg_fileset_commit(&fs) == 0,
		      "the same file committed again");
		CHECK(ok && stat(path_of(out, "a.md"), &after) == 0 && after.st_ino == before.st_ino,
		      "an unchanged file is not rewritten");
		dg_fileset_clear(&fs);
	}

	/* A killed run's temporaries are removed by the next write of the same file. */
	spit(path_of(out, ".a.md.tmp.4242"), "half");
	spit(path_of(out, ".other.md.tmp.4242"), "someone else's");
	CHECK(dg_fileset_add(&fs, out, "a.md", strdup("alpha!\n"), 7, 1) == 0 && dg_fileset_commit(&fs) == 0,
	      "rewritten");
	CHECK(access(path_of(out, ".a.md.tmp.4242"), F_OK) != 0, "the stale temporary of a.md is gone");
	CHECK(access(path_of(out, ".other.md.tmp.4242"), F_OK) == 0, "another file's temporary is left alone");
	unlink(path_of(out, ".other.md.tmp.4242"));
	dg_fileset_clear(&fs);

	/* A failure on the second file leaves the first target as it was. */
	spit(path_of(out, "blocker"), "a file, not a directory\n");
	CHECK(dg_fileset_add(&fs, out, "a.md", strdup("NEW\n"), 4, 1) == 0 &&
	      dg_fileset_add(&fs, path_of(out, "blocker"), "c.md", strdup("x"), 1, 1) == 0, "two more files");
	CHECK(dg_fileset_commit(&fs) < 0, "commit fails: %s", dg_err_last());
	CHECK(strstr(dg_err_last(), "blocker") != NULL, "the message names the path: %s", dg_err_last());
	a = slurp(path_of(out, "a.md"));
	CHECK_STR(a, "alpha!\n", "the first target is unchanged");
	CHECK(hidden_entries(out) == 0, "temporaries removed after the failure");
	free(a);
	dg_fileset_clear(&fs);

	/* Each file is written as it is added (its bytes are not held until the
	 * commit); a set cleared without a commit leaves no temporary and removes
	 * the folders it made, not the ones that were there. */
	CHECK(dg_fileset_add(&fs, out, "d.md", strdup("delta\n"), 6, 1) == 0 &&
	      dg_fileset_add(&fs, path_of(path_of(out, "new1"), "new2"), "e.png", strdup("png"), 3, 0) == 0,
	      "two files added, one in new folders");
	CHECK(hidden_entries(out) == 1, "the first file waits in a temporary before the commit");
	{
		char *back = NULL;
		size_t n = 0;
		CHECK(dg_fileset_read(&fs, out, "d.md", 100, &back, &n) == 1 && n == 6 && !memcmp(back, "delta\n", 6),
		      "a file added is read back from its temporary");
		free(back);
		CHECK(dg_fileset_read(&fs, out, "none.md", 100, &back, &n) == 0 && !back, "a file not in the set: 0");
	}
	CHECK(access(path_of(out, "d.md"), F_OK) != 0, "not in place before the commit");
	dg_fileset_clear(&fs);
	CHECK(hidden_entries(out) == 0, "no temporary after a set is dropped");
	CHECK(access(path_of(out, "new1"), F_OK) != 0, "the folders the dropped set made are gone");
	CHECK(access(out, F_OK) == 0, "the folder that was there stays");
}

/* A kind whose stages only count, and fail where told. */
static struct { int collect, select, model, record, drop, fail_model; } calls;

static int fake_collect(const dg_stage *st, void **collected)
{
	calls.collect++;
	json_array_append_new(st->failures, json_string("source one: HTTP 502"));
	json_array_append_new(st->failures, json_string("source two: HTTP 502"));
	*collected = json_pack("{s:s}", "collected", "yes");
	return 0;
}
static int fake_select(const dg_stage *st, const void *collected, void **selection)
{
	calls.select++;
	/* A pure stage: no network. */
	*selection = json_pack("{s:b, s:b}", "no_http", st->http == NULL, "saw_collected",
			       json_object_get((json_t *)collected, "collected") != NULL);
	return 0;
}
static void fake_numbering(const dg_config *cfg, const dg_window *win, dg_numbering *nb)
{
	(void)cfg;
	(void)win;
	nb->reference_date = NULL;
	nb->period_weeks = 1;
}
static int fake_model(const dg_stage *st, const void *collected, const void *selection, const void *facts,
		      const dg_model_meta *meta, json_t **model)
{
	dg_model_opts o = dg_stage_model_opts(st->cfg);

	(void)collected;
	(void)facts;
	calls.model++;
	if (calls.fail_model)
		return dg_err_set(DG_ERR_FAIL, "model failed on purpose");
	json_array_append_new(st->warnings, json_string("a warning"));
	*model = json_pack("{s:s, s:O}", "title", "T", "selection", (json_t *)selection);
	dg_model_finish(&o, *model, meta, NULL);
	return 0;
}
static int fake_fail_collect(const dg_stage *st, void **collected)
{
	(void)st;
	(void)collected;
	calls.collect++;
	return dg_err_set(DG_ERR_FAIL, "collect failed on purpose");
}
static int fake_record(const dg_stage *st, const void *selection)
{
	(void)st;
	(void)selection;
	calls.record++;
	return 0;
}
static void fake_drop(void *v)
{
	calls.drop++;
	json_decref(v);
}

static const dg_kind fake = {
	.name = "fake", .numbering = fake_numbering, .collect = fake_collect, .select = fake_select,
	.model = fake_model, .record = fake_record,
	.drop_collected = fake_drop, .drop_selection = fake_drop, .drop_facts = fake_drop,
};

static void test_pipeline(const char *root)
{
	const dg_kind *const only_fake[] = {&fake, NULL};
	dg_config *cfg = NULL;
	dg_store *store = NULL;
	dg_window win;
	dg_issue_result res;
	dg_run run;
	char *json;
	int number = 0, err;
	char out[512];

	snprintf(out, sizeof(out), "%s/out", root);

	CHECK(dg_config_load(NULL, &cfg) == 0, "default config");
	CHECK(dg_store_open(path_of(root, "state"), 0, &store) == 0, "store");
	CHECK(dg_window_weeks("2024-W22", 1, cfg->timezone, 0, &win) == 0, "window");
	run = (dg_run){cfg, &win, NULL, store, out, DG_FORMAT_JSON, 0, NULL, 0, 0, 0, 0};

	err = dg_pipeline_run(&run, only_fake, &res);
	CHECK(err == 0, "a fake issue is built (%s)", err ? dg_err_last() : "ok");
	CHECK(calls.collect == 1 && calls.select == 1 && calls.model == 1 && calls.record == 1 && calls.drop == 2,
	      "every stage ran once, and what collect and select returned was dropped once");
	CHECK(json_array_size(res.written) == 1 &&
	      strstr(json_string_value(json_array_get(res.written, 0)), "/fake-2024-W22.json"),
	      "the JSON file is listed as written");
	CHECK(json_array_size(res.warnings) == 1 && res.failed_sources == 2, "warnings and failed sources passed on");
	json = slurp(path_of(out, "fake-2024-W22.json"));
	CHECK(json && strstr(json, "\"number\": 1"), "the model was written with number 1");
	CHECK(json && strstr(json, "\"no_http\": true") && strstr(json, "\"saw_collected\": true"),
	      "select saw what collect returned, and had no HTTP client");
	CHECK(json && strstr(json, "\"partial\": true") && strstr(json, "source one"),
	      "the model says what failed: decided before it was built");
	free(json);
	CHECK(dg_store_issue_get(store, "fake//w1", "2024-W22", &number) == 1 && number == 1,
	      "the number is recorded once the file is in place, under the issue's series (%d)", number);
	dg_issue_result_clear(&res);

	/* A period still in progress: a preview, written, not numbered, not recorded. */
	memset(&calls, 0, sizeof(calls));
	CHECK(dg_window_weeks("2024-W30", 1, cfg->timezone, 0, &win) == 0 &&
	      dg_window_against_now(&win, win.since + 3 * 86400, cfg->timezone) == 0 && win.in_progress,
	      "a week in progress is a preview");
	CHECK(dg_pipeline_run(&run, only_fake, &res) == 0, "a preview is built (%s)", dg_err_last());
	json = slurp(path_of(out, "fake-2024-W30.json"));
	CHECK(json && strstr(json, "\"number\": null"), "the preview has no number");
	free(json);
	CHECK(calls.record == 0 && dg_store_issue_get(store, "fake//w1", "2024-W30", &number) == 0,
	      "the preview records nothing");
	CHECK(json_array_size(res.warnings) == 1, "and adds no numbering warning (%zu)", json_array_size(res.warnings));
	dg_issue_result_clear(&res);
	CHECK(dg_window_against_now(&win, win.since - 1, cfg->timezone) == DG_ERR_CONFIG &&
	      strstr(dg_err_last(), "has not started yet") && strstr(dg_err_last(), "2024-07-22"),
	      "a period that has not started is refused, saying when it starts: %s", dg_err_last());

	/* A write that fails records nothing. */
	memset(&calls, 0, sizeof(calls));
	spit(path_of(root, "notadir"), "x");
	CHECK(dg_window_weeks("2024-W23", 1, cfg->timezone, 0, &win) == 0, "next window");
	run.out_dir = path_of(path_of(root, "notadir"), "out");
	CHECK(dg_pipeline_run(&run, only_fake, &res) < 0, "an unwritable output fails: %s", dg_err_last());
	CHECK(calls.collect == 0 && calls.record == 0, "an unwritable output fails before anything is collected");
	CHECK(dg_store_issue_get(store, "fake//w1", "2024-W23", &number) == 0, "no number recorded for the failed issue");
	CHECK(json_array_size(res.written) == 0, "nothing listed as written");
	dg_issue_result_clear(&res);

	/* A failing stage stops the pipeline. */
	memset(&calls, 0, sizeof(calls));
	calls.fail_model = 1;
	run.out_dir = out;
	dg_issue_result_clear(&res);
	CHECK(dg_pipeline_run(&run, only_fake, &res) < 0 && strstr(dg_err_last(), "on purpose"), "model failure passed on");
	CHECK(calls.record == 0 && calls.drop == 2, "nothing recorded after a model failure");
	CHECK(access(path_of(out, "fake-2024-W23.json"), F_OK) != 0, "no file written after a model failure");
	dg_issue_result_clear(&res);

	/* Two issues in one run: when the second fails, the first writes nothing either. */
	{
		dg_kind failing = fake;
		const dg_kind *const both[] = {&fake, &failing, NULL};
		failing.name = "failing";
		failing.collect = fake_fail_collect;
		memset(&calls, 0, sizeof(calls));
		CHECK(dg_pipeline_run(&run, both, &res) < 0, "the run fails with its second issue");
		CHECK(calls.model == 1 && calls.record == 0 && calls.drop == 2,
		      "the first was built, neither recorded, both freed");
		CHECK(access(path_of(out, "fake-2024-W23.json"), F_OK) != 0, "the first issue's file was not written");
		dg_issue_result_clear(&res);
	}

	/* --draft for a kind without an editor's file. */
	memset(&calls, 0, sizeof(calls));
	run.draft = 1;
	err = dg_pipeline_run(&run, only_fake, &res);
	CHECK(err == DG_ERR_CONFIG && calls.collect == 0, "--draft refused for a kind without a draft: %s", dg_err_last());
	dg_issue_result_clear(&res);

	dg_store_close(store);
	dg_config_free(cfg);
}

static void test_kinds(void)
{
	int n = 0;

	CHECK(dg_kind_find("community") == &dg_kind_community, "community found by name");
	CHECK(dg_kind_find("cnweekly") == &dg_kind_cnweekly, "cnweekly found by name");
	CHECK(dg_kind_find("weekly") == NULL, "an unknown kind is NULL");
	for (const dg_kind *const *k = dg_kinds; *k; k++, n++)
		CHECK((*k)->collect && (*k)->model && (*k)->numbering && (*k)->name, "kind %s has its stages", (*k)->name);
	CHECK(n == 2 && dg_kinds[0] == &dg_kind_community, "community first, then cnweekly");
	CHECK(dg_kind_cnweekly.draft && dg_kind_community.draft, "both kinds have an editor's file");
	CHECK(dg_kind_cnweekly.writer_items && dg_kind_community.writer_items, "both kinds tell their items to the writer");
}

int main(void)
{
	char root[] = "/tmp/dg-pipe-XXXXXX", cmd[128], data[4096];
	const char *tests = getenv("DIGEST_TESTS");

	/* The run's resources (the words, the theme) from this source tree. */
	if (tests && snprintf(data, sizeof(data), "%s/..", tests) < (int)sizeof(data))
		setenv("DIGEST_DATADIR", data, 1);
	CHECK(mkdtemp(root) != NULL, "temp dir");
	test_fileset(root);
	test_pipeline(root);
	test_kinds();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	CHECK(system(cmd) == 0, "cleanup");
	return check_done();
}
