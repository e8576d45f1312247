/* Unit tests of the highlight ranking (lib/select/highlights.h) and of what
 * the collector reads of a pull request's body (dg_pull_signals_read). */
#include "check.h"
#include "issue/stageopts.h"
#include "base/jsonx.h"
#include "config/config.h"
#include "github/collect.h"
#include "select/highlights.h"

#include <stdlib.h>

static const char *base(const char *title, int *bp)
{
	static char out[256];
	const char *s;
	size_t n = dg_highlight_base_title(title, &s, bp);

	snprintf(out, sizeof(out), "%.*s", (int)n, s);
	return out;
}

static json_t *pr(const char *repo, int number, const char *title, const char *author, int bot, const char *labels,
		  int cherry_of)
{
	json_t *l = json_array();
	char url[128];

	if (labels)
		json_array_append_new(l, json_string(labels));
	snprintf(url, sizeof(url), "https://github.com/%s/pull/%d", repo, number);
	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:o, s:s, s:b, s:b, s:b, s:i}", "repo", repo, "number", number,
			 "title", title, "url", url, "author", author, "labels", l,
			 "merged_at", "2025-09-01T00:00:00Z", "bot", bot, "release_note", 0, "links_issue", 0,
			 "cherry_of", cherry_of);
}

int main(void)
{
	dg_pull_signals sig;
	dg_config *cfg = NULL;
	dg_select_opts o;
	json_t *pulls, *warnings, *g, *list;
	size_t bots = 0, i;
	int bp;

	CHECK_STR(base("[release-3.2] fix: Gpu limit validation error", &bp), "fix: Gpu limit validation error",
		  "a [release-x.y] prefix goes");
	CHECK(bp, "and marks a backport");
	CHECK_STR(base("Automated cherry pick of #6603: fix the scheduler cache", &bp), "fix the scheduler cache",
		  "an automated cherry pick's prefix goes");
	CHECK_STR(base("[release-2.0]  [v1.2] fix(x): y", &bp), "fix(x): y", "prefixes one after the other");
	CHECK_STR(base("[WIP] Support [--yes] parameter", &bp), "[WIP] Support [--yes] parameter", "a subject stays");
	CHECK(!bp, "and marks nothing");
	CHECK_STR(base("Support [--yes] parameter", &bp), "Support [--yes] parameter", "brackets inside stay");

	{
		json_t *feat = pr("o/a", 1, "feat(api): add things", "a", 0, NULL, 0);
		json_t *fix = pr("o/a", 2, "fix: a crash", "a", 0, NULL, 0);
		json_t *docs = pr("o/a", 3, "docs: typo", "a", 0, NULL, 0);
		json_t *labelled = pr("o/a", 4, "Make things", "a", 0, "kind/feature", 0);
		CHECK(dg_highlight_score(feat) > dg_highlight_score(fix) &&
		      dg_highlight_score(fix) > dg_highlight_score(docs), "feat over fix over docs");
		CHECK(dg_highlight_score(labelled) > dg_highlight_score(feat), "kind/feature weighs most");
		json_object_set_new(fix, "release_note", json_true());
		json_object_set_new(fix, "links_issue", json_true());
		CHECK(dg_highlight_score(fix) == 3 + 3 + 2, "a release note and a linked issue add up");
		json_decref(feat);
		json_decref(fix);
		json_decref(docs);
		json_decref(labelled);
	}

	dg_pull_signals_read("Automated cherry pick of #6603: fix", "Cherry pick of #6603 on release-1.14.", &sig);
	CHECK(sig.cherry_of == 6603, "cherry pick of #6603");
	dg_pull_signals_read("fix", "**What this PR does**:\n\nFixes #42\n\n```release-note\nNONE\n```\n", &sig);
	CHECK(sig.links_issue && !sig.release_note, "Fixes #42 links an issue; a NONE release note is none");
	dg_pull_signals_read("x", "```release-note\nThe scheduler no longer panics.\n```", &sig);
	CHECK(sig.release_note && !sig.links_issue && !sig.cherry_of, "a release-note block");
	dg_pull_signals_read("x", "prefix: https://github.com/o/r/issues/7 closes it\nresolves https://github.com/o/r/issues/7",
			     &sig);
	CHECK(sig.links_issue, "resolves an issue URL");
	dg_pull_signals_read("x", "the fixture #12 is not a link; prefix #3", &sig);
	CHECK(!sig.links_issue, "'fixture #12' links nothing");
	dg_pull_signals_read(NULL, NULL, &sig);
	CHECK(!sig.links_issue && !sig.release_note && !sig.cherry_of, "no title, no body");

	/* A Karmada-like week: six slots of cherry picks and repeats before. */
	if (dg_config_load(NULL, &cfg) < 0)
		return 1;
	cfg->highlights_per_repo = 3;
	pulls = json_pack("[o, o, o, o, o, o, o, o, o]",
			  pr("k/karmada", 6603, "fix: the scheduler cache", "alice", 0, NULL, 0),
			  pr("k/karmada", 6610, "Automated cherry pick of #6603: fix: the scheduler cache", "alice", 0, NULL, 6603),
			  pr("k/karmada", 6611, "Automated cherry pick of #6603: fix: the scheduler cache", "alice", 0, NULL, 6603),
			  pr("k/karmada", 6612, "[release-1.14] fix: the scheduler cache", "bob", 0, NULL, 0),
			  pr("k/karmada", 6620, "feat: multi-cluster thing", "carol", 0, NULL, 0),
			  pr("k/karmada", 6621, "chore: bump deps", "dependabot[bot]", 1, NULL, 0),
			  pr("k/karmada", 6630, "[release-1.13] fix: an old thing", "dave", 0, NULL, 0),
			  pr("k/dashboard", 11, "docs: readme", "erin", 0, NULL, 0),
			  pr("k/karmada", 6640, "test: more", "frank", 0, NULL, 0));
	warnings = json_array();
	o = dg_stage_select_opts(cfg);
	g = dg_select_highlights(&o, pulls, 0, 86400, warnings, &bots);
	CHECK(json_array_size(g) == 1 && bots == 1,
	      "one group (the other's only PR is a chore); one bot's pull counted apart");
	CHECK_STR(dg_json_str(json_array_get(g, 0), "product"), "Karmada", "the more active product first");
	list = json_object_get(json_array_get(g, 0), "pulls");
	CHECK(json_array_size(list) == 2, "no chore while others exist, no backport of an older change");
	CHECK_STR(dg_json_str(json_array_get(list, 0), "title"), "Multi-cluster thing",
		  "feat leads, its 'feat:' prefix gone");
	{
		int cherry_shown = 0;
		json_t *it;
		json_array_foreach(list, i, it)
			cherry_shown += json_integer_value(json_object_get(it, "number")) != 6603 &&
					strstr(dg_json_str(it, "title"), "scheduler cache") != NULL;
		it = json_array_get(list, 1);
		CHECK(!cherry_shown, "no cherry pick is a highlight of its own");
		CHECK(json_integer_value(json_object_get(it, "number")) == 6603 &&
		      json_array_size(json_object_get(it, "backports")) == 3, "the original holds its three backports");
	}
	CHECK(json_integer_value(json_object_get(json_array_get(g, 0), "rest")) == 2 &&
	      strstr(dg_json_str(json_array_get(g, 0), "rest_url"), "https://github.com/search?q=is%3Apr") != NULL,
	      "the rest is counted and linked to GitHub's search");
	CHECK(json_array_size(warnings) == 0, "no warning");
	json_decref(g);

	dg_strv_push(&cfg->highlight_labels, "kind/feature");
	o = dg_stage_select_opts(cfg);
	g = dg_select_highlights(&o, pulls, 0, 86400, warnings, &bots);
	CHECK(json_array_size(g) == 1 && json_array_size(warnings) == 1,
	      "configured labels that match nothing: the ranking, and a warning");
	json_decref(g);
	json_decref(warnings);
	json_decref(pulls);

	/* Curation: a series is one item, governance is news, "fix: Fix" reads
	 * "Fix", chores only when nothing else was merged. */
	dg_strv_free(&cfg->highlight_labels);
	cfg->highlights_per_repo = 10;
	o = dg_stage_select_opts(cfg);
	warnings = json_array();
	pulls = json_pack("[o, o, o, o, o, o, o, o]",
			  pr("k/karmada", 1, "Add resource interpreter for TFJob", "ann", 0, NULL, 0),
			  pr("k/karmada", 2, "Add resource interpreter for PyTorchJob", "ben", 0, NULL, 0),
			  pr("k/karmada", 3, "Add resource interpreter for RayCluster", "ann", 0, NULL, 0),
			  pr("k/karmada", 4, "fix: Fix the branch name", "cat", 0, NULL, 0),
			  pr("k/karmada", 5, "Nominate @cat as maintainer", "dan", 0, NULL, 0),
			  pr("k/community", 6, "Add the meeting notes of 2025-09-01", "eve", 0, NULL, 0),
			  pr("k/karmada", 7, "publish release v1.16.0-alpha.2", "fay", 0, NULL, 0),
			  pr("k/karmada", 8, "Update OWNERS", "gus", 0, NULL, 0));
	g = dg_select_highlights(&o, pulls, 0, 86400, warnings, &bots);
	list = json_object_get(json_array_get(g, 0), "pulls");
	CHECK(json_array_size(g) == 1 && json_array_size(list) == 2, "two items: the series and the fix (%zu)",
	      json_array_size(list));
	{
		json_t *series = NULL, *fix = NULL, *it;
		json_array_foreach(list, i, it)
			if (json_is_true(json_object_get(it, "has_series")))
				series = it;
			else
				fix = it;
		CHECK(series && !strcmp(dg_json_str(series, "title"),
					"Add resource interpreter for TFJob, PyTorchJob, RayCluster"),
		      "a series of titles differing in their last word is one item naming them all");
		CHECK(series && json_array_size(json_object_get(series, "series")) == 2 &&
		      json_array_size(json_object_get(series, "authors")) == 2,
		      "it links every PR and credits every author once");
		CHECK(fix && !strcmp(dg_json_str(fix, "title"), "Fix the branch name"), "'fix: Fix' reads 'Fix'");
	}
	json_decref(g);
	g = dg_select_news(&o, pulls);
	CHECK(json_array_size(g) == 3 && !strcmp(dg_json_str(json_array_get(g, 0), "url"),
						  "https://github.com/k/community/pull/6"),
	      "the nomination, the community repository's PR and the OWNERS change are news (%zu)",
	      json_array_size(g));
	json_decref(g);
	{
		json_t *web = pr("k/website", 11, "Add the 2025 roadmap page", "joe", 0, NULL, 0);
		CHECK(!dg_highlight_is_news(&o, web), "a website PR is no news by default");
		dg_strv_push(&cfg->community_repos, "k/website");
		o = dg_stage_select_opts(cfg);
		CHECK(dg_highlight_is_news(&o, web), "report.community_repos makes its PRs news");
		json_decref(web);
	}
	json_decref(pulls);
	pulls = json_pack("[o, o]", pr("k/karmada", 9, "chore: bump deps", "hal", 0, NULL, 0),
			  pr("k/karmada", 10, "fix typo", "ivy", 0, NULL, 0));
	g = dg_select_highlights(&o, pulls, 0, 86400, warnings, &bots);
	CHECK(json_array_size(json_object_get(json_array_get(g, 0), "pulls")) == 2,
	      "chores are highlighted when nothing else was merged");
	json_decref(g);
	json_decref(pulls);
	json_decref(warnings);
	dg_config_free(cfg);
	return check_done();
}
