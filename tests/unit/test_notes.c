#include "check.h"
#include "model/notes.h"
#include "select/lineclass.h"
#include "base/output.h"

#include <stdlib.h>

static const char *item(json_t *a, size_t i)
{
	return json_string_value(json_array_get(a, i));
}

static json_t *from_file(const char *name, size_t lines, int *trunc)
{
	char path[512], *data;
	size_t len;
	const char *dir = getenv("DIGEST_TESTS");
	json_t *a;

	snprintf(path, sizeof(path), "%s/release-notes/%s", dir ? dir : "tests", name);
	if (dg_output_read_file(path, 0, &data, &len) < 0)
		return json_array();
	a = dg_notes_extract(data, lines, 200, trunc);
	free(data);
	return a;
}

int main(void)
{
	int t;
	json_t *a;
	char *s;

	a = dg_notes_extract("## Features\n- Add **x** [link](https://e/x) support\n- Second `thing`\n"
			     "## Bug Fixes\n- Fix crash by @bob in https://github.com/o/r/pull/9\n"
			     "  - nested detail\n## Deprecations\n- Remove old API\n", 6, 200, &t);
	CHECK(json_array_size(a) == 3, "feature and fix items, deprecations skipped (%zu)", json_array_size(a));
	CHECK_STR(item(a, 0), "Add x link support", "links keep their text, emphasis goes");
	CHECK_STR(item(a, 1), "Second thing", "backticks go");
	CHECK_STR(item(a, 2), "Fix crash", "'by @x in URL' credit goes");
	CHECK(!t, "nothing left out");
	json_decref(a);

	a = dg_notes_extract("### 新功能\n- 支持 A\n- 支持 B\n- 支持 C\n### 修复\n- 修复 D\n- 修复 E\n", 3, 200, &t);
	CHECK(json_array_size(a) == 3 && !strcmp(item(a, 0), "支持 A") && !strcmp(item(a, 2), "支持 C"),
	      "Chinese headings: the new features (a headline section) first");
	CHECK(t, "truncation is reported");
	json_decref(a);

	a = dg_notes_extract("Just a sentence about the release.\n\nMore.\n", 5, 200, &t);
	CHECK(json_array_size(a) == 1 && !strcmp(item(a, 0), "Just a sentence about the release."),
	      "no list: first paragraph");
	json_decref(a);
	a = dg_notes_extract("```\n- not an item\n```\n- real item\n", 5, 200, &t);
	CHECK(json_array_size(a) == 1 && !strcmp(item(a, 0), "real item"), "code blocks are skipped");
	json_decref(a);
	a = dg_notes_extract(NULL, 5, 200, &t);
	CHECK(a && json_array_size(a) == 0, "empty body");
	json_decref(a);
	a = dg_notes_extract("- Fix <b>x</b> <img src=x onerror=y> text\n- <script>alert(1)</script>\n", 5, 200, &t);
	CHECK(json_array_size(a) == 1 && !strcmp(item(a, 0), "Fix x text"), "HTML goes, an HTML item whole: %s",
	      item(a, 0));
	json_decref(a);
	a = dg_notes_extract("## Changes\n\n- [release-3.2] fix groupbinding controller unittest (#4473) @ks-ci-bot\n"
			     "- Update notification manager to 1.4.0 (#1766) @wanjunlei\n"
			     "- bump deps (#12) @dependabot[bot]\n", 5, 200, &t);
	CHECK_STR(item(a, 0), "Update notification manager to 1.4.0 (#1766)",
		  "a change before chores; a trailing credit goes");
	CHECK_STR(item(a, 1), "fix groupbinding controller unittest (#4473)",
		  "branch prefix and bot attribution go; chores told when fewer than three other lines");
	CHECK_STR(item(a, 2), "bump deps (#12)", "[bot] attributions go");
	json_decref(a);

	s = dg_notes_cut("云原生技术交流会议", 9);
	CHECK_STR(s, "云原生技…", "CJK cut by display width on a character boundary");
	free(s);
	s = dg_notes_cut("hello wonderful world", 17);
	CHECK_STR(s, "hello wonderful…", "Latin cut at a word boundary");
	free(s);
	s = dg_notes_cut("Fix the scheduler cache. It also retries on conflicts (#6693, #6694, #6695)", 40);
	CHECK_STR(s, "Fix the scheduler cache.", "cut after the sentence that fits");
	free(s);
	s = dg_notes_cut("Fix the scheduler cache and retry on conflicts in all members (#6693, #6694, #6695)", 72);
	CHECK(s && !strstr(s, "(#") && strstr(s, "…"), "a reference is never cut in its parentheses: %s", s);
	free(s);

	a = from_file("gh-release_kubernetes-sigs_kubespray_v2.25.0.md", 6, &t);
	CHECK(json_array_size(a) == 6 && strstr(item(a, 0), "cgroups"),
	      "kubespray: starts with its first feature, not the removals");
	json_decref(a);
	a = from_file("changelog_kubesphere_v3.3.md", 4, &t);
	CHECK(json_array_size(a) == 4 && strstr(item(a, 0), "Continuous Deployment"),
	      "kubesphere changelog: TOC links are not items");
	json_decref(a);

	/* Read by their structure: a headline section's sub-headings are the news. */
	a = from_file("changelog_karmada_v1.16.0.md", 4, &t);
	CHECK(json_array_size(a) == 4 && !strcmp(item(a, 0), "Multi-Component Scheduling Support") &&
	      !strcmp(item(a, 1), "Enhance Replica Assignment with Webster Algorithm") &&
	      !strcmp(item(a, 2), "Eviction Queue Rate Limiting") &&
	      !strcmp(item(a, 3), "Remarkable Performance Optimization of the Karmada Controllers") && t,
	      "karmada v1.16.0: What's New's ### headings, in order (%s)", item(a, 0));
	json_decref(a);
	a = from_file("release-notes_dapr_v1.16.0.md", 3, &t);
	CHECK(json_array_size(a) == 3 && !strcmp(item(a, 0), "Multi-application workflows") &&
	      !strcmp(item(a, 1), "Workflow performance") && strstr(item(a, 2), "HTTP Streaming"),
	      "dapr 1.16: the Highlights' ### headings, not their #### details (%s, %s)", item(a, 1), item(a, 2));
	json_decref(a);
	a = from_file("gh-release_containerd_containerd_1.7.17.md", 2, &t);
	CHECK(json_array_size(a) == 2 && strstr(item(a, 0), "LOOP_CONFIGURE"),
	      "containerd: a Highlights section without sub-headings gives its list items (%s)", item(a, 0));
	json_decref(a);
	a = from_file("gh-release_kubernetes-sigs_cluster-api_v1.14.0-beta.0.md", 40, &t);
	for (size_t i = 0, bad = 0; i <= json_array_size(a); i++) {
		const char *l = item(a, i);
		if (i == json_array_size(a)) {
			CHECK(!bad && json_array_size(a) > 3, "cluster-api: no chore line while others exist");
			break;
		}
		bad += dg_line_kind_of(l, strlen(l)) == DG_LINE_CHORE;
	}
	json_decref(a);
	a = from_file("gh-release_kubernetes_cloud-provider-openstack_v1.29.0.md", 30, &t);
	{
		size_t chores = 0, first_fix = 0, last_feature = 0;
		for (size_t i = 0; i < json_array_size(a); i++) {
			enum dg_line_kind k = dg_line_kind_of(item(a, i), strlen(item(a, i)));
			chores += k == DG_LINE_CHORE;
			if (k == DG_LINE_FEATURE)
				last_feature = i;
			if (k == DG_LINE_FIX && !first_fix)
				first_fix = i;
		}
		CHECK(json_array_size(a) >= 3 && !chores, "a raw PR list (What's Changed): no chore line");
		CHECK(!first_fix || last_feature < first_fix, "a raw PR list: features before fixes");
		CHECK(!strstr(item(a, 0), " by @"), "a raw PR list: credits go (%s)", item(a, 0));
	}
	json_decref(a);
	a = dg_notes_extract("## What's Changed\n"
			     "* Bump x from 1 to 2 by @dependabot in https://github.com/o/r/pull/1\n"
			     "* fix: Fix the cache by @a in https://github.com/o/r/pull/2\n"
			     "* Fix the cache by @b in https://github.com/o/r/pull/3\n"
			     "* Add a flag by @c in https://github.com/o/r/pull/4\n"
			     "* fix typo by @d in https://github.com/o/r/pull/5\n"
			     "* Support arm64 by @e in https://github.com/o/r/pull/6\n"
			     "* ci: cache go modules by @f in https://github.com/o/r/pull/7\n", 6, 200, &t);
	CHECK(json_array_size(a) == 3 && !strcmp(item(a, 0), "Add a flag") && !strcmp(item(a, 1), "Support arm64") &&
	      !strcmp(item(a, 2), "Fix the cache") && t,
	      "features, then fixes; a near-duplicate once; 'fix: Fix' read as 'Fix'; chores dropped (%zu: %s)",
	      json_array_size(a), item(a, 0));
	json_decref(a);
	return check_done();
}
