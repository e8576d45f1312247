/* Unit tests of the release ranking (lib/select/releaserank.h): which release
 * of a product leads, one entry per tag across a product's repositories,
 * and which product leads the issue. */
#include "check.h"
#include "issue/stageopts.h"
#include "base/jsonx.h"
#include "config/config.h"
#include "select/releaserank.h"

#include <stdlib.h>

static json_t *rel(const char *repo, const char *tag, int pre, const char *when)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "repo", repo, "tag", tag, "name", tag,
			 "published_at", when, "prerelease", pre, "url", "https://github.com/x", "body", "");
}

static json_t *pull(const char *repo, const char *author)
{
	return json_pack("{s:s, s:s, s:b}", "repo", repo, "author", author, "bot", strstr(author, "bot") != NULL);
}

static const char *lead_tag(json_t *products, size_t i)
{
	return dg_json_str(json_array_get(json_object_get(json_array_get(products, i), "entries"), 0), "tag");
}

int main(void)
{
	dg_config *cfg = NULL;
	dg_select_opts o;
	json_t *rs, *pulls, *p;

	CHECK(dg_release_cmp("v1.15.0", 0, 1, "v1.13.7", 0, 2) < 0, "a new minor leads a later patch");
	CHECK(dg_release_cmp("v2.0.0", 0, 1, "v1.15.0", 0, 2) < 0, "a new major leads a new minor");
	CHECK(dg_release_cmp("v3.2.1", 0, 1, "v3.2.1-rc.2", 1, 2) < 0, "a final leads its pre-release");
	CHECK(dg_release_cmp("v3.2.1-rc.2", 0, 1, "v3.2.1-rc.1", 0, 2) < 0, "rc.2 leads rc.1");
	CHECK(dg_release_cmp("v1.2.3", 0, 5, "v1.2.3", 0, 2) < 0, "the same version: the newer leads");
	CHECK(dg_release_cmp("v1.0.0", 1, 5, "v0.9.1", 0, 2) > 0, "GitHub's pre-release flag counts");
	CHECK(dg_release_cmp("nightly", 0, 9, "v0.0.1", 0, 2) > 0, "a tag that is no version comes last");
	CHECK(dg_release_is_pre("v1.0.0-beta.1", 0) && dg_release_is_pre("v1", 1) && !dg_release_is_pre("v1", 0),
	      "pre-release: flagged or tagged");

	if (dg_config_load(NULL, &cfg) < 0)
		return 1;
	/* The Karmada week: the patch published last must not lead. */
	rs = json_pack("[o, o, o]", rel("k/karmada", "v1.14.3", 0, "2025-09-01T00:00:00Z"),
		       rel("k/karmada", "v1.15.0", 0, "2025-09-02T00:00:00Z"),
		       rel("k/karmada", "v1.13.7", 0, "2025-09-03T00:00:00Z"));
	pulls = json_array();
	o = dg_stage_select_opts(cfg);
	p = dg_select_releases(&o, rs, pulls);
	CHECK(json_array_size(p) == 1 && !strcmp(lead_tag(p, 0), "v1.15.0"), "v1.15.0 leads v1.13.7 and v1.14.3");
	CHECK(!strcmp(dg_json_str(json_array_get(p, 0), "name"), "Karmada"), "a product per repository, named after it, capitalised");
	json_decref(p);
	json_decref(rs);

	/* One tag in three repositories of one product: one entry. */
	cfg->products = calloc(1, sizeof(*cfg->products));
	cfg->n_products = 1;
	cfg->products[0].name = strdup("KubeSphere");
	dg_strv_push(&cfg->products[0].repos, "kubesphere/kubesphere");
	dg_strv_push(&cfg->products[0].repos, "kubesphere/console");
	rs = json_pack("[o, o, o, o]", rel("kubesphere/console", "v3.2.1-rc.2", 1, "2021-12-06T01:00:00Z"),
		       rel("kubesphere/kubesphere", "v3.2.1-rc.2", 1, "2021-12-06T02:00:00Z"),
		       rel("kubesphere/kubekey", "v2.0.0-alpha.1", 1, "2021-12-07T00:00:00Z"),
		       rel("kubesphere/kubekey", "v1.2.1", 0, "2021-12-06T00:00:00Z"));
	json_array_append_new(pulls, pull("kubesphere/console", "a"));
	json_array_append_new(pulls, pull("kubesphere/console", "b"));
	json_array_append_new(pulls, pull("kubesphere/console", "ks-ci-bot[bot]"));
	o = dg_stage_select_opts(cfg);
	p = dg_select_releases(&o, rs, pulls);
	CHECK(json_array_size(p) == 2, "two products");
	CHECK(!strcmp(dg_json_str(json_array_get(p, 0), "name"), "Kubekey") && !strcmp(lead_tag(p, 0), "v1.2.1"),
	      "a final outranks any pre-release, whatever the activity");
	{
		json_t *ks = json_array_get(p, 1), *e = json_array_get(json_object_get(ks, "entries"), 0);
		json_t *repos = json_object_get(e, "repos");
		CHECK(json_array_size(json_object_get(ks, "entries")) == 1 && json_array_size(repos) == 2,
		      "the same tag in two repositories is one entry naming both");
		CHECK(!strcmp(dg_json_str(json_array_get(repos, 0), "repo"), "kubesphere/kubesphere"),
		      "its repositories in the configured order");
		CHECK(json_integer_value(json_object_get(ks, "activity")) == 2, "bots' pulls are no activity");
	}
	json_decref(p);
	json_decref(rs);

	/* The lead from the facts alone: week 1 has a minor of the quiet
	 * product, week 2 a patch of the busy one; the biweekly (both weeks)
	 * leads as week 1 does, whatever the activity. A minor of the busy
	 * product in week 2 would lead both weeks' biweekly, and that is week 2's lead. */
	{
		json_t *w1 = json_pack("[o]", rel("kubesphere/kubekey", "v1.3.0", 0, "2021-12-07T00:00:00Z"));
		json_t *both = json_pack("[o, o]", rel("kubesphere/kubekey", "v1.3.0", 0, "2021-12-07T00:00:00Z"),
					 rel("kubesphere/console", "v3.2.2", 0, "2021-12-14T00:00:00Z"));
		json_t *pw1, *pboth;
		json_array_append_new(pulls, pull("kubesphere/console", "c"));
		pw1 = dg_select_releases(&o, w1, pulls);
		pboth = dg_select_releases(&o, both, pulls);
		CHECK(!strcmp(lead_tag(pw1, 0), "v1.3.0") && !strcmp(lead_tag(pboth, 0), "v1.3.0"),
		      "the weekly and the biweekly containing its week lead with the same release (%s, %s)",
		      lead_tag(pw1, 0), lead_tag(pboth, 0));
		json_decref(pw1);
		json_decref(pboth);
		json_decref(w1);
		json_decref(both);
		w1 = json_pack("[o, o]", rel("kubesphere/kubekey", "v1.3.0", 0, "2021-12-07T00:00:00Z"),
			       rel("kubesphere/console", "v3.3.0", 0, "2021-12-08T00:00:00Z"));
		json_t *none = json_array();
		pw1 = dg_select_releases(&o, w1, none);
		json_decref(none);
		CHECK(!strcmp(lead_tag(pw1, 0), "v3.3.0"), "two minors: the configured product first");
		json_decref(pw1);
		json_decref(w1);
	}
	json_decref(pulls);
	dg_config_free(cfg);
	return check_done();
}
