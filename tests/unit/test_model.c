/* Unit tests of the model builders (lib/model/): the community report and
 * the weekly from hand-made collected data, without the network. */
#include "check.h"
#include "issue/stageopts.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/window.h"
#include "config/config.h"
#include "model/model.h"
#include "select/highlights.h"
#include "select/releaserank.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *community_data(void)
{
	json_error_t e;
	json_t *d = json_loads(
		"{\"repos\": [{\"full_name\": \"o/a\", \"html_url\": \"https://github.com/o/a\", \"description\": null},"
		"             {\"full_name\": \"o/b\", \"html_url\": \"https://github.com/o/b\", \"description\": \"B\"}],"
		" \"releases\": [{\"repo\": \"o/a\", \"tag\": \"v1.0.0\", \"name\": \"v1.0.0\","
		"   \"published_at\": \"2024-05-28T10:00:00Z\", \"prerelease\": false,"
		"   \"url\": \"https://github.com/o/a/releases/tag/v1.0.0\", \"author\": \"alice\","
		"   \"body\": \"## Features\\n\\n- Add the thing (#12) @alice\\n\"}],"
		" \"merged_pulls\": [{\"repo\": \"o/b\", \"number\": 7, \"title\": \"fix: `x` <b>\","
		"   \"url\": \"https://github.com/o/b/pull/7\", \"author\": \"bob\", \"labels\": [],"
		"   \"merged_at\": \"2024-05-29T01:00:00Z\"},"
		"  {\"repo\": \"o/a\", \"number\": 12, \"title\": \"Add the thing\","
		"   \"url\": \"https://github.com/o/a/pull/12\", \"author\": \"alice\", \"labels\": [],"
		"   \"merged_at\": \"2024-05-28T01:00:00Z\"},"
		"  {\"repo\": \"o/a\", \"number\": 13, \"title\": \"[release-1.0] Fix the y\","
		"   \"url\": \"https://github.com/o/a/pull/13\", \"author\": \"alice\", \"labels\": [],"
		"   \"merged_at\": \"2024-05-28T02:00:00Z\"}],"
		" \"contributors\": [{\"login\": \"alice\", \"url\": \"https://github.com/alice\","
		"   \"avatar_url\": \"https://avatars.example/alice\", \"pulls\": 1},"
		"  {\"login\": \"bob\", \"url\": \"https://github.com/bob\","
		"   \"avatar_url\": \"https://avatars.example/bob\", \"pulls\": 1}],"
		" \"new_contributors\": [{\"login\": \"bob\", \"url\": \"https://github.com/bob\","
		"   \"avatar_url\": \"https://avatars.example/bob\","
		"   \"first_pull\": {\"repo\": \"o/b\", \"number\": 7, \"url\": \"https://github.com/o/b/pull/7\","
		"   \"merged_at\": \"2024-05-29T01:00:00Z\", \"title\": \"fix\"}}],"
		" \"events\": {\"past\": [], \"upcoming\": [{\"repo\": \"o/community\", \"number\": 3,"
		"   \"title\": \"Meetup\", \"url\": \"https://github.com/o/community/issues/3\","
		"   \"date\": \"2024-06-05T20:00:00+08:00\", \"date_utc\": \"2024-06-05T12:00:00Z\","
		"   \"location\": \"online\", \"link\": \"javascript:alert(1)\"}]},"
		" \"warnings\": [\"a warning\"]}", 0, &e);
	if (!d)
		printf("# %s at %d\n", e.text, e.line);
	return d;
}

/* The selection the community kind's select stage makes (lib/issue/community.c). */
static json_t *community_selection(const dg_config *cfg, const dg_window *win, json_t *data, json_t *warnings)
{
	size_t bots = 0;
	dg_select_opts o = dg_stage_select_opts(cfg);
	json_t *sel = json_pack("{s:o, s:o}",
				"products", dg_select_releases(&o, json_object_get(data, "releases"),
							       json_object_get(data, "merged_pulls")),
				"highlight_groups", dg_select_highlights(&o, json_object_get(data, "merged_pulls"),
									 win->since, win->until, warnings, &bots));
	json_object_set_new(sel, "bot_pulls", json_integer((json_int_t)bots));
	json_object_set_new(sel, "news", dg_select_news(&o, json_object_get(data, "merged_pulls")));
	json_object_set_new(sel, "backports", dg_select_lone_backports(json_object_get(data, "merged_pulls")));
	return sel;
}

static void test_community(const dg_config *cfg, const dg_window *win)
{
	json_t *data = community_data(), *m = NULL, *ev, *warnings = json_copy(json_object_get(data, "warnings"));
	json_t *before = json_deep_copy(data), *sel = community_selection(cfg, win, data, warnings);
	dg_lang *lang = NULL;
	dg_model_meta meta = {42, warnings, NULL, NULL, NULL};
	dg_model_opts o = dg_stage_model_opts(cfg);
	int err = dg_lang_load(cfg, &lang);

	if (err == 0)
		err = dg_model_community(&o, lang, win, data, sel, &meta, &m);

	CHECK(err == 0 && m, "the community model is built (%s)", err ? dg_err_last() : "ok");
	if (!m) {
		json_decref(data);
		return;
	}
	CHECK(json_integer_value(json_object_get(m, "number")) == 42, "the number is the one given");
	CHECK(json_integer_value(json_object_get(json_object_get(m, "stats"), "merged_pulls")) == 3 &&
	      json_integer_value(json_object_get(json_object_get(m, "stats"), "contributors")) == 2 &&
	      json_integer_value(json_object_get(json_object_get(m, "stats"), "new_contributors")) == 1 &&
	      json_integer_value(json_object_get(json_object_get(m, "stats"), "releases")) == 1, "stats count the data");
	CHECK(json_is_true(json_object_get(json_object_get(m, "has"), "releases")) &&
	      json_is_true(json_object_get(json_object_get(m, "has"), "upcoming_events")) &&
	      !json_is_true(json_object_get(json_object_get(m, "has"), "past_events")), "has.* follow the data");
	CHECK(json_array_size(json_object_get(m, "release_groups")) == 1, "one release group");
	CHECK(json_array_size(json_object_get(m, "highlight_groups")) == 2, "highlights of both repos");
	ev = json_array_get(json_object_get(json_object_get(m, "events"), "upcoming"), 0);
	CHECK(!strstr(dg_json_str(ev, "link"), "javascript"), "a javascript: link is removed (\"%s\")", dg_json_str(ev, "link"));
	CHECK(!strcmp(dg_json_str(json_object_get(m, "period"), "range"), "2024.05.27-2024.06.02"),
	      "the period's range: %s", dg_json_str(json_object_get(m, "period"), "range"));
	CHECK(!strcmp(dg_json_str(json_object_get(m, "front_matter"), "description"),
		      json_string_value(json_object_get(m, "summary"))) &&
	      strstr(json_string_value(json_object_get(m, "summary")), "v1.0.0") &&
	      strstr(json_string_value(json_object_get(m, "summary")), "Add the thing"),
	      "the front matter's description is the lead: %s", dg_json_str(json_object_get(m, "front_matter"), "description"));
	{
		json_t *notes = json_object_get(json_object_get(json_array_get(json_object_get(m, "release_groups"), 0),
								"latest"), "notes");
		int told = 0, shown = 0;
		size_t i;
		json_t *g, *it, *x;
		json_array_foreach(notes, i, it)
			told |= !strcmp(json_string_value(it), "Fix the y");
		json_array_foreach(json_object_get(m, "highlight_groups"), i, g) {
			size_t k;
			json_array_foreach(json_object_get(g, "pulls"), k, x)
				shown |= json_integer_value(json_object_get(x, "number")) == 13;
		}
		CHECK(told && !shown, "a backport whose original is not in the period is told under its release, "
		      "never a highlight (%zu notes)", json_array_size(notes));
	}
	CHECK(json_array_size(json_object_get(m, "warnings")) == 1, "the collectors' warnings are kept, last");
	CHECK(json_equal(data, before), "the collected data is left as it was (borrowed, not decorated)");
	{
		json_t *nc = json_array_get(json_object_get(m, "new_contributors"), 0);
		CHECK(!strcmp(dg_json_str(nc, "certificate_url"), "certificates/contributor-bob.png") &&
		      !strcmp(dg_json_str(nc, "certificate_file"), "certificates/contributor-bob.svg"),
		      "the model names the certificate files it decided (%s)", dg_json_str(nc, "certificate_url"));
		CHECK(json_is_false(json_object_get(m, "partial")) && json_array_size(json_object_get(m, "failed_sources")) == 0,
		      "nothing failed: not partial");
	}
	json_decref(m);
	json_decref(data);
	json_decref(before);
	json_decref(sel);
	json_decref(warnings);
	dg_lang_free(lang);
}

/* One naming function: two logins never share a certificate file. */
static void test_certificate_names(void)
{
	const char *logins[] = {"alice", "a.lice", "a_lice", "al ice", "\u00e9", "\u00e8", ""};
	char *names[7];
	int distinct = 1;

	for (int i = 0; i < 7; i++) {
		dg_buf b = DG_BUF_INIT;
		dg_model_certificate_name(logins[i], &b);
		names[i] = dg_buf_detach(&b);
	}
	CHECK(!strcmp(names[0], "contributor-alice"), "a plain login is kept: %s", names[0]);
	for (int i = 0; i < 7; i++)
		for (int k = i + 1; k < 7; k++)
			distinct &= strcmp(names[i], names[k]) != 0;
	CHECK(distinct, "reduced logins get a hash: %s %s %s", names[1], names[4], names[6]);
	for (int i = 0; i < 7; i++) {
		CHECK(strspn(names[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == strlen(names[i]),
		      "a safe file name: %s", names[i]);
		free(names[i]);
	}
}

static void test_weekly(const dg_config *cfg, const dg_window *win)
{
	char headline[4096] = "";
	json_t *news = json_pack("[{s:s, s:s, s:s, s:s}]", "title", "", "url", "https://example.org/n",
				 "published", "2024-05-29T00:00:00Z", "summary", "s");
	json_t *empty = json_array(), *latest = json_object(), *m = NULL;
	dg_weekly_input in = {empty, empty, news, latest, NULL, 3, 2, NULL, NULL};
	json_t *before = json_deep_copy(news);
	dg_model_meta meta = {7, NULL, NULL, NULL, NULL};
	dg_model_opts o = dg_stage_model_opts(cfg);
	dg_lang *lang = NULL;
	int err = dg_lang_load(cfg, &lang);

	/* 171 CJK characters: once cut mid-character into a fixed buffer. */
	for (int i = 0; i < 171; i++)
		strcat(headline, "云");
	json_object_set_new(json_array_get(news, 0), "title", json_string(headline));
	json_decref(before);
	before = json_deep_copy(news);
	if (err == 0)
		err = dg_model_weekly(&o, lang, win, &in, &meta, &m);
	CHECK(json_equal(news, before), "the chosen items are left as they were");
	CHECK(err == 0 && m, "the weekly model is built (%s)", err ? dg_err_last() : "ok");
	CHECK(m && !strcmp(dg_json_str(m, "headline"), headline), "a 171-character CJK headline is whole");
	CHECK(m && strstr(dg_json_str(m, "title"), headline) && strstr(dg_json_str(m, "title"), "7"),
	      "the title holds the headline and the number");
	CHECK(m && json_integer_value(json_object_get(json_object_get(m, "stats"), "feeds_read")) == 2,
	      "feed counts reach the stats");
	json_decref(m);
	m = NULL;
	in.headline = "Editor's headline";
	err = dg_model_weekly(&o, lang, win, &in, &meta, &m);
	CHECK(err == 0 && !strcmp(dg_json_str(m, "headline"), "Editor's headline"), "the editor's headline wins");
	json_decref(m);
	m = NULL;
	meta.number = 0;
	err = dg_model_weekly(&o, lang, win, &in, &meta, &m);
	CHECK(err == 0 && !strstr(dg_json_str(m, "title"), "No.") && !strstr(dg_json_str(m, "title"), "0 |"),
	      "a period before the numbering's reference: no number in the title (%s)", dg_json_str(m, "title"));
	CHECK(err == 0 && strstr(dg_json_str(m, "lead"), "news 1") && !strstr(dg_json_str(m, "lead"), "projects 0"),
	      "the lead names no zero count (%s)", dg_json_str(m, "lead"));
	json_decref(m);
	json_decref(news);
	json_decref(before);
	json_decref(empty);
	json_decref(latest);
	dg_lang_free(lang);
}

int main(void)
{
	const char *tests = getenv("DIGEST_TESTS");
	char root[PATH_MAX];
	dg_config *cfg = NULL;
	dg_window win;

	/* The shipped templates (the wording) of this source tree. */
	if (tests && snprintf(root, sizeof(root), "%s/..", tests) < (int)sizeof(root))
		setenv("DIGEST_DATADIR", root, 1);
	CHECK(dg_config_load(NULL, &cfg) == 0, "default config");
	CHECK(dg_window_weeks("2024-W22", 1, cfg->timezone, 0, &win) == 0, "window 2024-W22");
	test_community(cfg, &win);
	free(cfg->language);
	cfg->language = strdup("en");
	test_community(cfg, &win);
	test_weekly(cfg, &win);
	test_certificate_names();
	dg_config_free(cfg);
	return check_done();
}
