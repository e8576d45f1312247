/* Unit tests of the weekly's selection (lib/select/cnchoose.h): canonical
 * keys, what earlier issues published, the editor's items, the orders. */
#include "check.h"
#include "issue/stageopts.h"
#include "base/jsonx.h"
#include "select/cnchoose.h"
#include "store/store.h"
#include "config/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *item(const char *title, const char *url, const char *published)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "title", title, "url", url, "published", published, "summary", "");
}

int main(void)
{
	char dir[] = "/tmp/dg-sel-XXXXXX", cmd[128];
	dg_store *store = NULL;
	json_t *warnings = json_array(), *facts = json_object(), *seen, *cands, *got, *editor;
	dg_select s = {NULL, "cnweekly", "2024-W22", "feeds/picks/2024-W22.toml", facts, warnings};
	char *key;
	json_t *tmp, *none = json_array();

	CHECK(mkdtemp(dir) && dg_store_open(dir, 0, &store) == 0, "store");
	s.store = store;

	key = dg_select_key(tmp = json_pack("{s:s}", "url", "https://WWW.Example.com/a/?utm_source=x#top"));
	json_decref(tmp);
	CHECK_STR(key, "https://example.com/a", "a candidate's key is its canonical URL");
	free(key);
	key = dg_select_key(tmp = json_pack("{s:s, s:s}", "url", "", "repo", "Owner/Name"));
	json_decref(tmp);
	CHECK(key && strstr(key, "github.com/"), "a project without a URL is known by its repository (%s)", key ? key : "(null)");
	free(key);
	key = dg_select_key(tmp = json_pack("{s:s}", "url", "javascript:alert(1)"));
	json_decref(tmp);
	CHECK(key == NULL, "no key for a URL that is not http(s)");

	/* Published by an earlier issue: never chosen again. */
	CHECK(dg_store_published_add(store, "cnweekly", "2024-W21", "https://example.com/old") == 0, "W21 published /old");
	cands = json_pack("[o, o, o, o]", item("old", "https://example.com/old", "2024-05-28T00:00:00Z"),
			  item("new", "https://example.com/new", "2024-05-29T00:00:00Z"),
			  item("again", "https://www.example.com/new/", "2024-05-30T00:00:00Z"),
			  item("third", "https://example.com/third", "2024-05-31T00:00:00Z"));
	seen = json_object();
	got = dg_select_auto(&s, cands, 5, seen);
	CHECK(json_array_size(got) == 2, "old and the repeat of new left out (%zu chosen)", json_array_size(got));
	CHECK_STR(dg_json_str(json_array_get(got, 0), "title"), "new", "first chosen keeps the candidates' order");
	CHECK_STR(dg_json_str(json_array_get(got, 0), "key"), "https://example.com/new", "chosen items carry their key");
	CHECK(json_object_get(seen, "https://example.com/third") != NULL, "chosen keys are seen");
	json_decref(got);
	got = dg_select_auto(&s, cands, 5, seen);
	CHECK(json_array_size(got) == 0, "what this issue already holds is not chosen twice");
	json_decref(got);
	json_decref(seen);
	seen = json_object();
	got = dg_select_auto(&s, cands, 1, seen);
	CHECK(json_array_size(got) == 1, "at most max");
	json_decref(got);
	json_decref(seen);
	/* The same issue re-rendered keeps its items. */
	CHECK(dg_store_published_add(store, "cnweekly", "2024-W22", "https://example.com/new") == 0, "W22 published /new");
	seen = json_object();
	got = dg_select_auto(&s, cands, 5, seen);
	CHECK(json_array_size(got) == 2, "an item of this very issue is chosen again on a re-render");
	json_decref(got);
	json_decref(seen);

	/* The editor's items. */
	json_object_set_new(facts, "owner/proj", json_pack("{s:s, s:s, s:s, s:s, s:i}", "full_name", "Owner/Proj",
			    "name", "Proj", "html_url", "https://github.com/Owner/Proj", "description", "d", "stargazers_count", 7));
	editor = json_pack("[{s:s, s:s, s:s, s:i}, {s:s, s:i}, {s:s, s:i}]",
			   "url", "https://example.com/third", "title", "Mine", "paragraph", "本文……", "line", 3,
			   "url", "ftp://example.com/x", "line", 7,
			   "url", "https://example.com/old", "line", 9);
	seen = json_object();
	got = dg_select_editor(&s, editor, cands, "article", seen);
	CHECK(json_array_size(got) == 1, "one editor's article kept");
	CHECK_STR(dg_json_str(json_array_get(got, 0), "title"), "Mine", "the editor's title wins");
	CHECK_STR(dg_json_str(json_array_get(got, 0), "paragraph"), "本文……", "the editor's paragraph is kept");
	CHECK_STR(dg_json_str(json_array_get(got, 0), "published"), "2024-05-31T00:00:00Z",
		  "completed from the candidate");
	CHECK(json_array_size(warnings) == 2, "two warnings (%zu)", json_array_size(warnings));
	CHECK(strstr(json_string_value(json_array_get(warnings, 0)), "feeds/picks/2024-W22.toml:7:") != NULL,
	      "a bad URL is named with the file and line: %s", json_string_value(json_array_get(warnings, 0)));
	CHECK(strstr(json_string_value(json_array_get(warnings, 1)), "already published") != NULL,
	      "an item of an earlier issue is named: %s", json_string_value(json_array_get(warnings, 1)));
	json_decref(got);
	json_decref(editor);
	editor = json_pack("[{s:s, s:s, s:i}]", "repo", "owner/PROJ", "url", "", "line", 12);
	got = dg_select_editor(&s, editor, none, "project", seen);
	CHECK(json_array_size(got) == 1 && json_integer_value(json_object_get(json_array_get(got, 0), "stars")) == 7,
	      "an editor's project is completed from the repository facts, case-insensitively");
	json_decref(got);
	json_decref(editor);
	json_decref(seen);

	/* Significance: real tags of Kubernetes and Istio. */
	static dg_config rank_cfg;
	CHECK(dg_strv_push(&rank_cfg.cn_watch_repos, "kubernetes/kubernetes") == 0 &&
	      dg_strv_push(&rank_cfg.cn_watch_repos, "istio/istio") == 0, "watch list");
	dg_select_opts rank_o = dg_stage_select_opts(&rank_cfg);
	got = json_pack("[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s},"
			" {s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:i}, {s:s, s:s, s:s, s:s},"
			" {s:s, s:s, s:s, s:s, s:s}]",
			"kind", "release", "repo", "kubernetes/kubernetes", "tag", "v1.30.4", "url", "patch",
			"kind", "release", "repo", "kubernetes/kubernetes", "tag", "v1.31.0-rc.1", "url", "pre",
			"kind", "release", "repo", "istio/istio", "tag", "1.23.0", "url", "istio-minor",
			"kind", "release", "repo", "kubernetes/kubernetes", "tag", "v1.31.0", "url", "k8s-minor",
			"kind", "feed", "published", "2024-08-14T00:00:00Z", "url", "feed-new", "title", "x",
			"kind", "feed", "published", "2024-08-12T00:00:00Z", "url", "feed-priority", "title", "y", "priority", 5,
			"kind", "feed", "published", "2024-08-10T00:00:00Z", "url", "feed-cve",
			"title", "Fix for CVE-2024-7646 in ingress-nginx",
			"kind", "advisory", "repo", "istio/istio", "severity", "high", "url", "advisory", "published", "2024-08-13T00:00:00Z");
	dg_select_rank_news(&rank_o, got);
	{
		const char *want[] = {"k8s-minor", "istio-minor", "advisory", "feed-cve", "patch", "pre", "feed-priority",
				      "feed-new"};
		int same = json_array_size(got) == 8;
		for (size_t k = 0; same && k < 8; k++)
			same = !strcmp(dg_json_str(json_array_get(got, k), "url"), want[k]);
		CHECK(same, "news by significance: minor releases (watch order), a high advisory, a CVE in a feed, "
		      "a patch, a pre-release, then feed news by priority, then newest");
		CHECK_STR(dg_json_str(json_array_get(got, 3), "cve"), "CVE-2024-7646", "the CVE a feed item names");
	}
	json_decref(got);
	dg_strv_free(&rank_cfg.cn_watch_repos);

	/* Orders. */
	got = json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s, s:s}]",
			"kind", "feed", "published", "2024-05-31T00:00:00Z", "url", "a",
			"kind", "release", "published", "2024-05-28T00:00:00Z", "url", "b",
			"kind", "feed", "published", "2024-05-30T00:00:00Z", "url", "c");
	dg_select_rank_news(&rank_o, got);
	CHECK_STR(dg_json_str(json_array_get(got, 0), "url"), "b", "news: releases first");
	CHECK_STR(dg_json_str(json_array_get(got, 1), "url"), "a", "then the newest");
	json_decref(got);
	got = json_pack("[{s:s, s:i}, {s:s, s:i}, {s:s, s:i}]", "repo", "b/b", "stars", 5, "repo", "A/a", "stars", 5,
			"repo", "c/c", "stars", 9);
	dg_json_sort(got, dg_select_cmp_stars);
	CHECK(!strcmp(dg_json_str(json_array_get(got, 0), "repo"), "c/c") &&
	      !strcmp(dg_json_str(json_array_get(got, 1), "repo"), "A/a"), "projects by stars, then by name");
	json_decref(got);

	json_decref(cands);
	json_decref(none);
	json_decref(warnings);
	json_decref(facts);
	dg_store_close(store);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0, "cleanup");
	return check_done();
}
