#include "select/releaserank.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/jsonx.h"
#include "github/collect.h"
#include "select/semver.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int dg_release_is_pre(const char *tag, int flagged)
{
	dg_semver v;

	dg_semver_parse(tag, &v);
	return flagged || (v.ok && *v.pre);
}

static enum dg_semver_kind kind_of(const char *tag, int pre, dg_semver *v)
{
	dg_semver_parse(tag, v);
	if (pre && v->ok)
		return DG_SEMVER_PRE; /* GitHub's flag wins over a final-looking tag */
	return dg_semver_kind_of(v);
}

int dg_release_cmp(const char *tag_a, int pre_a, int64_t t_a, const char *tag_b, int pre_b, int64_t t_b)
{
	dg_semver a, b;
	enum dg_semver_kind ka = kind_of(tag_a, pre_a, &a), kb = kind_of(tag_b, pre_b, &b);
	int c;

	if (ka != kb)
		return ka > kb ? -1 : 1;
	if ((c = dg_semver_cmp(&a, &b)) != 0)
		return -c;
	if (t_a != t_b)
		return t_a > t_b ? -1 : 1;
	return 0;
}

static const char *kind_name(const char *tag, int pre)
{
	static const char *const names[] = {"other", "pre", "patch", "minor", "major"};
	dg_semver v;

	return names[kind_of(tag, pre, &v)];
}

/* The configured product of `repo`, or -1. */
static long product_of(const dg_select_opts *o, const char *repo, size_t *pos)
{
	for (size_t i = 0; i < o->n_products; i++)
		for (size_t k = 0; k < o->products[i].repos.n; k++)
			if (!strcasecmp(o->products[i].repos.v[k], repo)) {
				*pos = k;
				return (long)i;
			}
	return -1;
}

const char *dg_product_of(const dg_select_opts *o, const char *repo, const char **key)
{
	size_t pos;
	long pi = product_of(o, repo, &pos);
	const char *slash = strchr(repo, '/');

	if (key)
		*key = pi >= 0 ? o->products[pi].name : repo;
	return pi >= 0 ? o->products[pi].name : slash ? slash + 1 : repo;
}

char *dg_product_name(const dg_select_opts *o, const char *repo)
{
	size_t pos;
	long pi = product_of(o, repo, &pos);
	const char *slash = strchr(repo, '/'), *name = slash ? slash + 1 : repo;
	char *out;

	if (pi >= 0)
		return dg_strdup(o->products[pi].name);
	if (slash && o->community && *o->community && strlen(name) == (size_t)(slash - repo) &&
	    !strncasecmp(repo, name, strlen(name)))
		return dg_strdup(o->community);
	out = dg_strdup(name);
	if (*out >= 'a' && *out <= 'z')
		*out = (char)(*out - 'a' + 'A');
	return out;
}

static int64_t time_of(json_t *o)
{
	int64_t t = 0;

	dg_date_parse_rfc3339(dg_json_str(o, "published_at"), &t);
	return t;
}

static int cmp_entries(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;

	return dg_release_cmp(dg_json_str(a, "tag"), json_is_true(json_object_get(a, "prerelease")), time_of(a),
			      dg_json_str(b, "tag"), json_is_true(json_object_get(b, "prerelease")), time_of(b));
}

/* A final before any pre-release, then activity, then the lead entries. */
static int cmp_products(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int fa = json_is_true(json_object_get(a, "final")), fb = json_is_true(json_object_get(b, "final"));
	json_int_t aa = json_integer_value(json_object_get(a, "activity"));
	json_int_t ab = json_integer_value(json_object_get(b, "activity"));
	json_t *ea = json_array_get(json_object_get(a, "entries"), 0);
	json_t *eb = json_array_get(json_object_get(b, "entries"), 0);
	int c;

	if (fa != fb)
		return fb - fa;
	if (aa != ab)
		return aa > ab ? -1 : 1;
	if ((c = cmp_entries(&ea, &eb)) != 0)
		return c;
	return strcmp(dg_json_str(a, "name"), dg_json_str(b, "name"));
}

/* The repository's position in its product: configured order, else 0. */
static size_t repo_pos(const dg_select_opts *o, const char *repo)
{
	size_t pos = 0;

	product_of(o, repo, &pos);
	return pos;
}

/* Add release `r` to its product's entry for its tag (new ones as needed).
 * The names are the config's and the collected JSON's (valid UTF-8): no
 * json_pack here can fail. */
static void add_release(const dg_select_opts *o, json_t *products, json_t *by_name, json_t *r)
{
	const char *repo = dg_json_str(r, "repo"), *key;
	char *name = dg_product_name(o, repo);
	size_t pos = repo_pos(o, repo);
	json_t *p, *entries, *e = NULL, *repos;
	size_t i;

	dg_product_of(o, repo, &key);
	p = json_object_get(by_name, key);

	if (!p) {
		p = json_pack("{s:s, s:I, s:b, s:[]}", "name", name, "activity", (json_int_t)0, "final", 0, "entries");
		json_array_append_new(products, p);
		json_object_set(by_name, key, p);
	}
	entries = json_object_get(p, "entries");
	json_array_foreach(entries, i, e)
		if (!strcmp(dg_json_str(e, "tag"), dg_json_str(r, "tag")))
			break;
	if (i == json_array_size(entries)) {
		int pre = dg_release_is_pre(dg_json_str(r, "tag"), json_is_true(json_object_get(r, "prerelease")));
		e = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:[]}", "tag", dg_json_str(r, "tag"),
			      "name", dg_json_str(r, "name"), "url", dg_json_str(r, "url"),
			      "published_at", dg_json_str(r, "published_at"), "prerelease", pre,
			      "kind", kind_name(dg_json_str(r, "tag"), pre), "repos");
		json_array_append_new(entries, e);
	} else if (strcmp(dg_json_str(r, "published_at"), dg_json_str(e, "published_at")) > 0) {
		json_object_set_new(e, "published_at", json_string(dg_json_str(r, "published_at")));
	}
	/* Repositories in the product's order: the first one's URL and notes
	 * stand for the entry. */
	repos = json_object_get(e, "repos");
	for (i = 0; i < json_array_size(repos); i++)
		if (repo_pos(o, dg_json_str(json_array_get(repos, i), "repo")) > pos)
			break;
	json_array_insert(repos, i, r);
	if (i == 0) {
		json_object_set_new(e, "url", json_string(dg_json_str(r, "url")));
		json_object_set_new(e, "name", json_string(dg_json_str(r, "name")));
	}
	free(name);
}

static void count_activity(const dg_select_opts *o, json_t *by_name, json_t *pulls)
{
	size_t i;
	json_t *pr;

	json_array_foreach(pulls, i, pr) {
		const char *key;
		json_t *p;

		dg_product_of(o, dg_json_str(pr, "repo"), &key);
		p = json_object_get(by_name, key);

		if (!p || json_is_true(json_object_get(pr, "bot")))
			continue;
		json_object_set_new(p, "activity", json_integer(json_integer_value(json_object_get(p, "activity")) + 1));
	}
}

/* Products in the config's order, then the others by name. */
static int cmp_product_rank(const dg_select_opts *o, const char *repo_a, const char *repo_b)
{
	size_t pos;
	long a = product_of(o, repo_a, &pos), b = product_of(o, repo_b, &pos);
	const char *ka, *kb;

	if (a != b && (a < 0 || b < 0))
		return a < 0 ? 1 : -1;
	if (a != b)
		return a < b ? -1 : 1;
	dg_product_of(o, repo_a, &ka);
	dg_product_of(o, repo_b, &kb);
	return strcasecmp(ka, kb);
}

/* The lead's order, from the facts of two releases alone (never the
 * window's activity): a final before a pre-release, a new major before a
 * minor before a patch, then the product's order, the higher version, the
 * newer, the tag. One total order, so the lead of a period is the lead of
 * any week of it that holds that release: the weekly and every biweekly
 * containing that week lead alike. */
static int cmp_lead(const dg_select_opts *o, json_t *a, json_t *b)
{
	int pa = json_is_true(json_object_get(a, "prerelease")), pb = json_is_true(json_object_get(b, "prerelease"));
	dg_semver va, vb;
	enum dg_semver_kind ka = kind_of(dg_json_str(a, "tag"), pa, &va), kb = kind_of(dg_json_str(b, "tag"), pb, &vb);
	int64_t ta = time_of(a), tb = time_of(b);
	int c;

	if (pa != pb)
		return pa - pb;
	if (ka != kb)
		return ka > kb ? -1 : 1;
	if ((c = cmp_product_rank(o, dg_json_str(json_array_get(json_object_get(a, "repos"), 0), "repo"),
				  dg_json_str(json_array_get(json_object_get(b, "repos"), 0), "repo"))) != 0)
		return c;
	if ((c = dg_semver_cmp(&va, &vb)) != 0)
		return -c;
	if (ta != tb)
		return ta > tb ? -1 : 1;
	return strcmp(dg_json_str(a, "tag"), dg_json_str(b, "tag"));
}

/* The lead release and its product first (the others keep their order). */
static void lead_first(const dg_select_opts *o, json_t *products)
{
	size_t i, k, bp = 0, be = 0;
	json_t *p, *e, *best = NULL;

	json_array_foreach(products, i, p)
		json_array_foreach(json_object_get(p, "entries"), k, e)
			if (!best || cmp_lead(o, e, best) < 0)
				best = e, bp = i, be = k;
	if (!best)
		return;
	p = json_incref(json_array_get(products, bp));
	json_array_remove(products, bp);
	json_array_insert_new(products, 0, p);
	e = json_incref(best);
	json_array_remove(json_object_get(p, "entries"), be);
	json_array_insert_new(json_object_get(p, "entries"), 0, e);
	json_object_set_new(p, "final", json_boolean(!json_is_true(json_object_get(e, "prerelease"))));
}

json_t *dg_select_releases(const dg_select_opts *o, json_t *releases, json_t *pulls)
{
	json_t *products = json_array(), *by_name = json_object(), *r, *p;
	size_t i;

	json_array_foreach(releases, i, r)
		add_release(o, products, by_name, r);
	count_activity(o, by_name, pulls);
	json_array_foreach(products, i, p) {
		json_t *entries = json_object_get(p, "entries");
		dg_json_sort(entries, cmp_entries);
		json_object_set_new(p, "final",
				    json_boolean(!json_is_true(json_object_get(json_array_get(entries, 0), "prerelease"))));
	}
	dg_json_sort(products, cmp_products);
	lead_first(o, products);
	json_decref(by_name);
	return products;
}
