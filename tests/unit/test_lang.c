/* test_lang.c - the wording files (templates/<lang>/strings.toml): the
 * shipped ones, a user's override found first, and the errors a broken file
 * gives (missing key, unknown key, malformed template), each naming the file,
 * the line and the key. */
#include "check.h"
#include "model/lang.h"
#include "base/err.h"
#include "config/config.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* A complete strings file: table, key, value (TOML basic-string body). */
static const char *const strings[][3] = {
	{"common", "list_sep", ", "},
	{"common", "date", "{{year}}-{{month2}}-{{day2}}"},
	{"common", "range", "{{first}} to {{last}}"},
	{"common", "preview", "{{title}} (preview)"},
	{"events", "online", "Online"},
	{"events", "time", "{{year}}-{{month2}}-{{day2}} {{hour}}:{{minute}}"},
	{"community", "title", "Community Weekly"},
	{"community", "description", "{{contributors}} contributors"},
	{"community", "keywords", "{{community}}, community"},
	{"community", "tag", "Community"},
	{"community", "lead", "{{release}} is out"},
	{"community", "lead_change", "{{product}}: {{title}}"},
	{"community", "weekly", "Weekly"},
	{"community", "biweekly", "Biweekly"},
	{"trends", "title", "The last {{weeks}} weeks"},
	{"trends", "merged_prs", "Merged"},
	{"trends", "contributors", "Contributors"},
	{"trends", "new_contributors", "New"},
	{"trends", "sentence", "{{merged_prs}} merged"},
	{"trends", "alt", "Trends"},
	{"cnweekly", "series", "CNW"},
	{"cnweekly", "headline", "This week"},
	{"cnweekly", "title", "{{series}}: {{headline}} | No. {{number}} | {{date}}"},
	{"cnweekly", "front_title", "{{series}}: {{headline}}"},
	{"cnweekly", "description", "No. {{number}}"},
	{"cnweekly", "tag", "CNW"},
	{"cnweekly", "keywords", "cloud native"},
	{"cnweekly", "lead", "{{#has_headline}}{{headline}}. {{/has_headline}}{{news}} news"},
	{"fact", "project", "{{name}}: {{stars}} stars"},
	{"fact", "article", "{{title}}"},
	{"fact", "news", "{{title}}"},
	{"fact", "release", "{{repo_name}} {{release}}"},
	{"fact", "advisory", "{{advisory}}"},
	{"advisory", "title", "{{repo_name}}: {{advisory}} ({{severity}})"},
	{"severity", "critical", "critical"},
	{"severity", "high", "high"},
	{"severity", "medium", "medium"},
	{"severity", "low", "low"},
	{"severity", "unknown", "unrated"},
	{"release", "title", "{{repo_name}} {{release}} is out"},
	{"release", "summary_sep", "; "},
	{"deliver", "read", "Read"},
	{"deliver", "draft_note", "In the draft box: {{title}}"},
	{"writer", "note", "Drafted by AI."},
	{"wechat", "title", "{{series}} | No. {{number}}"},
	{"wechat", "references_heading", "References"},
	{"wechat", "references_sep", ": "},
	{"wechat", "copy_button", "Copy"},
	{"wechat", "copied", "Copied"},
	{"wechat", "copy_failed", "Failed"},
};
#define NSTRINGS (sizeof(strings) / sizeof(strings[0]))

/* Write DIR/LANG/strings.toml: every string, except `skip` ("table.key")
 * left out and `key` given `value` instead; `extra` appended. Returns the
 * path (caller frees). */
static char *write_strings(const char *dir, const char *lang, const char *skip, const char *key,
			   const char *value, const char *extra)
{
	char path[512];
	FILE *f;
	const char *table = "";

	snprintf(path, sizeof(path), "%s/%s", dir, lang);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%s/strings.toml", dir, lang);
	if (!(f = fopen(path, "w")))
		return NULL;
	fprintf(f, "# test strings\n");
	for (size_t i = 0; i < NSTRINGS; i++) {
		char full[64];
		snprintf(full, sizeof(full), "%s.%s", strings[i][0], strings[i][1]);
		if (strcmp(table, strings[i][0]))
			fprintf(f, "\n[%s]\n", table = strings[i][0]);
		if (skip && !strcmp(skip, full))
			continue;
		fprintf(f, "%s = \"%s\"\n", strings[i][1], key && !strcmp(key, full) ? value : strings[i][2]);
	}
	fputs(extra ? extra : "", f);
	fclose(f);
	return strdup(path);
}

/* Line of the first line of `path` holding `needle`, or 0. */
static int line_of(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int n = 0;

	while (f && fgets(line, sizeof(line), f)) {
		n++;
		if (strstr(line, needle)) {
			fclose(f);
			return n;
		}
	}
	if (f)
		fclose(f);
	return 0;
}

static void test_shipped(void)
{
	dg_config cfg = {0};
	dg_lang *lang = NULL;
	char *s = NULL;
	json_t *names = json_pack("{s:s, s:s, s:i, s:s}", "series", "云原生周刊", "headline", "a *b* <c> & d",
				  "number", 7, "date", "2021.10.18");

	cfg.language = "zh";
	CHECK(dg_lang_load(&cfg, &lang) == 0, "the shipped zh strings load (%s)", dg_err_last());
	CHECK(lang && dg_lang_format(lang, "cnweekly.title", names, &s) == 0, "zh cnweekly.title renders");
	/* Not escaped: the Markdown templates escape model values later. */
	CHECK_STR(s, "云原生周刊：a *b* <c> & d | 第 7 期 | 2021.10.18", "zh title, values unescaped");
	free(s);
	s = NULL;
	CHECK(lang && dg_lang_format(lang, "common.list_sep", NULL, &s) == 0, "zh list separator");
	CHECK_STR(s, "、", "zh list separator text");
	free(s);
	s = NULL;
	CHECK(lang && dg_lang_format(lang, "no.such", NULL, &s) < 0 && !s && strstr(dg_err_last(), "'no.such'"),
	      "asking for an unknown string is an error naming it: %s", dg_err_last());
	dg_lang_free(lang);
	lang = NULL;

	cfg.language = "en";
	CHECK(dg_lang_load(&cfg, &lang) == 0, "the shipped en strings load (%s)", dg_err_last());
	CHECK(lang && dg_lang_format(lang, "cnweekly.title", names, &s) == 0, "en cnweekly.title renders");
	CHECK_STR(s, "云原生周刊: a *b* <c> & d | No. 7 | 2021.10.18", "en title");
	free(s);
	dg_lang_free(lang);
	json_decref(names);
}

static void test_override(const char *dir)
{
	dg_config cfg = {0};
	dg_lang *lang = NULL;
	char *s = NULL, *path = write_strings(dir, "en", NULL, NULL, NULL, NULL);
	json_t *names = json_pack("{s:s, s:s}", "repo_name", "kubernetes", "release", "v1.30.0");

	cfg.language = "en";
	cfg.templates_dir = (char *)dir;
	CHECK(path && dg_lang_load(&cfg, &lang) == 0, "a user's en/strings.toml loads (%s)", dg_err_last());
	CHECK(lang && dg_lang_format(lang, "release.title", names, &s) == 0, "release.title renders");
	CHECK_STR(s, "kubernetes v1.30.0 is out", "digest.templates_dir's file wins over the shipped one");
	free(s);
	dg_lang_free(lang);
	lang = NULL;

	/* Only the user's en file exists: zh still comes from the shipped set. */
	cfg.language = "zh";
	s = NULL;
	CHECK(dg_lang_load(&cfg, &lang) == 0 && dg_lang_format(lang, "release.title", names, &s) == 0,
	      "zh falls back to the shipped file");
	CHECK_STR(s, "kubernetes v1.30.0 发布", "shipped zh release title");
	free(s);
	dg_lang_free(lang);
	json_decref(names);
	free(path);
}

/* Load `path` and expect an error holding every one of `want` (NULL-ended). */
static void expect_error(const char *path, const char *what, const char *const *want)
{
	dg_lang *lang = NULL;
	int err = dg_lang_load_file(path, &lang), ok = err < 0 && !lang;

	for (size_t i = 0; ok && want[i]; i++)
		ok = strstr(dg_err_last(), want[i]) != NULL;
	CHECK(ok, "%s: %s", what, dg_err_last());
	dg_lang_free(lang);
}

static void test_errors(const char *dir)
{
	char *path, where[600];

	path = write_strings(dir, "missing", "release.summary_sep", NULL, NULL, NULL);
	expect_error(path, "a missing key names the file and the key",
		     (const char *const[]){path, "'release.summary_sep'", "missing", NULL});
	free(path);

	path = write_strings(dir, "malformed", NULL, "cnweekly.title", "{{#series}} {{headline}}", NULL);
	snprintf(where, sizeof(where), "%s:%d: key 'cnweekly.title'", path, line_of(path, "{{#series}}"));
	expect_error(path, "a malformed template names the file, its line and the key",
		     (const char *const[]){where, "series", NULL});
	free(path);

	path = write_strings(dir, "unknown", NULL, NULL, NULL, "titel = \"x\"\n");
	snprintf(where, sizeof(where), "%s:%d: unknown key 'wechat.titel'", path, line_of(path, "titel"));
	expect_error(path, "an unknown key is an error with its line", (const char *const[]){where, NULL});
	free(path);

	path = write_strings(dir, "type", NULL, "events.online", "x\"\nonline2 = 3\n#", NULL);
	snprintf(where, sizeof(where), "%s:%d: unknown key 'events.online2'", path, line_of(path, "online2"));
	expect_error(path, "a key outside the list, of any type", (const char *const[]){where, NULL});
	free(path);

	path = write_strings(dir, "bad-toml", NULL, "events.online", "a\" b \"c", NULL);
	expect_error(path, "broken TOML names the file", (const char *const[]){path, NULL});
	free(path);
}

static void test_say(void)
{
	dg_config cfg = {0};
	dg_lang *lang = NULL;
	int err = 0;
	char *a, *b, *c;

	cfg.language = "en";
	CHECK(dg_lang_load(&cfg, &lang) == 0, "en loads");
	a = dg_lang_say(lang, "events.online", json_object(), &err);
	b = dg_lang_say(lang, "cnweekly.title", NULL, &err);
	c = dg_lang_say(lang, "events.online", json_object(), &err);
	CHECK(a && !strcmp(a, "Online") && !b && !c && err < 0 && strstr(dg_err_last(), "'cnweekly.title'"),
	      "a series of dg_lang_say keeps the first error (%s) and does nothing after it", dg_err_last());
	free(a);
	dg_lang_free(lang);
}

int main(void)
{
	char dir[] = "/tmp/test_lang.XXXXXX", root[512];
	const char *tests = getenv("DIGEST_TESTS");

	/* The shipped files: the source tree's templates/ (tests/..). */
	if (tests) {
		snprintf(root, sizeof(root), "%s/..", tests);
		setenv("DIGEST_DATADIR", root, 1);
	}
	CHECK(mkdtemp(dir) != NULL, "temporary directory");
	test_shipped();
	test_override(dir);
	test_errors(dir);
	test_say();
	snprintf(root, sizeof(root), "rm -rf '%s'", dir);
	CHECK(system(root) == 0, "temporary directory removed");
	return check_done();
}
