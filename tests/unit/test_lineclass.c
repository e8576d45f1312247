/* The line classifier (lib/select/lineclass.c) on real lines: pull request
 * titles of the KubeSphere world (tests/worlds) and of the examples,
 * and note lines of tests/release-notes. */
#include "check.h"
#include "select/lineclass.h"

#include <stdlib.h>

static const struct {
	const char *line;
	enum dg_line_kind kind;
} lines[] = {
	/* chores: bumps, CI, typos, lint, tests, e2e, flaky, publishing, docs */
	{"Bump controller-runtime version to the latest of release-0.9", DG_LINE_CHORE},
	{"build(deps): bump golang.org/x/net from 0.7.0 to 0.17.0", DG_LINE_CHORE},
	{"Bump github.com/onsi/gomega from 1.27.6 to 1.27.7", DG_LINE_CHORE},
	{"chore(deps): update module k8s.io/api to v0.30.1", DG_LINE_CHORE},
	{"Update golang.org/x/crypto from 0.1.0 to 0.3.0", DG_LINE_CHORE},
	{"fix e2e auth error", DG_LINE_CHORE},
	{"e2e: add test for PropagationPolicy preemption", DG_LINE_CHORE},
	{"flaky test: TestWorkloadRebalancer times out", DG_LINE_CHORE},
	{"publish release v1.16.0-alpha.2", DG_LINE_CHORE},
	{"Release v1.2.0", DG_LINE_CHORE},
	{"Fix typo.", DG_LINE_CHORE},
	{"Typo fixing in the README_zh.md file", DG_LINE_CHORE},
	{"fix typos in comments", DG_LINE_CHORE},
	{"docs: Update l10n guide.", DG_LINE_CHORE},
	{"[release-3.2] docs: Add localization guide.", DG_LINE_CHORE},
	{"docs: Add localization guide.", DG_LINE_CHORE},
	{"ci: run golangci-lint on pull requests", DG_LINE_CHORE},
	{"fix golangci-lint errors", DG_LINE_CHORE},
	{"github ci upgrade go 1.16", DG_LINE_CHORE},
	{"fix groupbinding controller unittest (#4473)", DG_LINE_CHORE},
	{"add unit tests for the scheduler cache", DG_LINE_CHORE},
	{"fix `go mod tidy` error", DG_LINE_CHORE},
	{"update version to v3.1.1 at README.md", DG_LINE_CHORE},
	{"Bump actions/checkout from 3 to 4 by @dependabot in https://github.com/x/y/pull/1", DG_LINE_CHORE},
	{"cleanup unused code", DG_LINE_CHORE},
	{"clean up app when workspace is deleted", DG_LINE_OTHER},
	{"upgrade cc CRD version from v1beta1 to v1", DG_LINE_OTHER},
	{"test: cover the webhook defaulting", DG_LINE_CHORE},
	{"style: gofmt the api package", DG_LINE_CHORE},
	/* features */
	{"feat: Add more support for language configuration", DG_LINE_FEATURE},
	{"add build support for multiple platforms", DG_LINE_FEATURE},
	{"Support [--yes] parameter when upgrade cluster", DG_LINE_FEATURE},
	{"Support KubeSphere v3.2.0", DG_LINE_FEATURE},
	{"feat: The fedProject add the clusters feature", DG_LINE_FEATURE},
	{"Add resource interpreter for TFJob", DG_LINE_FEATURE},
	{"Introduce the Webster algorithm for replica assignment", DG_LINE_FEATURE},
	{"support setting cluster name under single cluster scenario", DG_LINE_FEATURE},
	{"feat(scheduler): multi-component scheduling", DG_LINE_FEATURE},
	/* fixes */
	{"fix cp file text busy error", DG_LINE_FIX},
	{"fix log4j2 bug", DG_LINE_FIX},
	{"fix: Fix the branch name not encode.", DG_LINE_FIX},
	{"fix: sed is not working in init script", DG_LINE_FIX},
	{"Fix the issue of invalid password after enable redis", DG_LINE_FIX},
	{"fix handle error node nil pointer", DG_LINE_FIX},
	{"Fix CVE-2021-28831", DG_LINE_FIX},
	{"fix(cilium&flannel): remove `OldK8sVersion` of `prepare`", DG_LINE_FIX},
	{"scheduler: avoid a panic when the cluster is gone", DG_LINE_FIX},
	/* other */
	{"Update Pods Page", DG_LINE_OTHER},
	{"upgrade ValidatingWebhookConfiguration to v1", DG_LINE_OTHER},
	{"Remove useless task", DG_LINE_OTHER},
	{"Adjust the replica policy of the es", DG_LINE_OTHER},
	{"refactor: split the controller", DG_LINE_OTHER},
	{"show the download progress.", DG_LINE_OTHER},
	/* words inside other words are not the words ("precise" holds "ci") */
	{"Precise Quota Support for Multi-Component Workloads", DG_LINE_OTHER},
	{"Add latest tag to images", DG_LINE_FEATURE},
};

static const struct {
	const char *heading;
	int headline;
} headings[] = {
	{"What's New", 1},
	{"What\xe2\x80\x99s New in v1.15", 1},
	{"Highlights", 1},
	{":sparkles: New Features", 1},
	{"\xe2\x9c\xa8 New Features", 1},
	{"Features", 1},
	{":warning: Breaking Changes", 1},
	{"Breaking", 1},
	{"Urgent Upgrade Notes", 1},
	{"Security", 1},
	{"Notable Changes", 1},
	{"Feature / Major Changes", 1},
	{"\xe6\x96\xb0\xe5\x8a\x9f\xe8\x83\xbd", 1},   /* 新功能 */
	{"Other Notable Changes", 0},
	{"Bug Fixes", 0},
	{"What's Changed", 0},
	{"New Contributors", 0},
	{"Downloads for v1.16.0", 0},
	{"Dependencies", 0},
	{"Enhancements", 0},
};

static const struct {
	const char *title;
	int governance;
} gov[] = {
	{"Nominate @RainbowMango as maintainer", 1},
	{"Nominating zhzhuang-zju as a reviewer of karmada-io/karmada", 1},
	{"Add wansir to sig-devops member", 1},
	{"Update OWNERS", 1},
	{"add LinuxSuRen to MAINTAINERS.md", 1},
	{"Add Trip.com to ADOPTERS", 1},
	{"update adopters.md", 1},
	{"Add feiyu to member list of sig-console", 1},
	{"Add resource interpreter for TFJob", 0},
	{"fix: Fix the member list page of the workspace", 0},
	{"fix: Fix the governance in create app in fed-project", 0},
	{"Add the cluster member role to the dashboard", 0},
};

static const struct {
	const char *title, *want;
} prefixes[] = {
	{"fix: Fix the branch name not encode.", "Fix the branch name not encode."},
	{"feat: Add more support for language configuration", "Add more support for language configuration"},
	{"feat: add pod annotation", "add pod annotation"},           /* the caller capitalises */
	{"fix: sed is not working in init script", "fix: sed is not working in init script"},
	{"fix: Gpu limit validation error", "fix: Gpu limit validation error"},
	{"fix : modify volume access mode", "modify volume access mode"},
	{"fix(kk): Remove the addons check", "fix(kk): Remove the addons check"},
	{"docs: Update l10n guide.", "docs: Update l10n guide."},
	{"Fix: support fuzzy query", "support fuzzy query"},
	{"plain title", "plain title"},
};

int main(void)
{
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		enum dg_line_kind k = dg_line_kind_of(lines[i].line, strlen(lines[i].line));
		CHECK(k == lines[i].kind, "kind of \"%s\" is %d (got %d)", lines[i].line, lines[i].kind, k);
	}
	for (size_t i = 0; i < sizeof(headings) / sizeof(headings[0]); i++)
		CHECK(dg_line_headline_heading(headings[i].heading, strlen(headings[i].heading)) == headings[i].headline,
		      "\"%s\" is %sa headline section", headings[i].heading, headings[i].headline ? "" : "not ");
	for (size_t i = 0; i < sizeof(gov) / sizeof(gov[0]); i++)
		CHECK(dg_line_governance(gov[i].title, strlen(gov[i].title)) == gov[i].governance,
		      "\"%s\" is %sgovernance", gov[i].title, gov[i].governance ? "" : "not ");
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		const char *s;
		int cap;
		size_t n = dg_line_strip_prefix(prefixes[i].title, strlen(prefixes[i].title), &s, &cap);
		CHECK(n == strlen(prefixes[i].want) && !memcmp(s, prefixes[i].want, n), "\"%s\" -> \"%.*s\"",
		      prefixes[i].title, (int)n, s);
	}
	{
		char *a = dg_line_key("fix: Fix the x bug (#123) by @someone in https://github.com/o/r/pull/123", 73);
		char *b = dg_line_key("Fix the X bug (#124)", 20);
		char *c = dg_line_key("Fix the Y bug", 13);
		CHECK_STR(a, "fix the x bug", "a near-duplicate's key drops references, credits and the prefix");
		CHECK(!strcmp(a, b) && strcmp(a, c), "near-duplicates share a key, other lines do not");
		free(a);
		free(b);
		free(c);
	}
	return check_done();
}
