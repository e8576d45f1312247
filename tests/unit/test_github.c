/* The community collector's pure parts: queries, window splitting, search
 * scope, batching of author searches, bots, the window's authors. */
#include "check.h"
#include "base/date.h"
#include "github/collect.h"
#include "github/collectint.h"

#include <stdlib.h>

static int64_t at(const char *rfc3339)
{
	int64_t t = 0;

	dg_date_parse_rfc3339(rfc3339, &t);
	return t;
}

static void test_pulls(void)
{
	int64_t lo = at("2024-05-01T00:00:00Z"), hi = at("2024-06-01T00:00:00Z"), mid = 0;
	char *q = dg_pulls_query("org:acme", lo, hi);

	CHECK_STR(q, "is:pr is:merged org:acme merged:2024-05-01T00:00:00Z..2024-05-31T23:59:59Z",
		  "merged query: the window's last second is inclusive");
	free(q);

	CHECK(!dg_pulls_split(1000, lo, hi, &mid), "exactly the search cap: no split");
	CHECK(dg_pulls_split(1001, lo, hi, &mid) && mid == lo + (hi - lo) / 2, "over the cap: split in the middle");
	CHECK(!dg_pulls_split(5000, lo, lo + 1, &mid), "a one-second window is not split");
	CHECK(dg_pulls_split(5000, lo, lo + 2, &mid) && mid == lo + 1, "a two-second window splits in seconds");

	CHECK(dg_pulls_last_page(0, 0) == 0, "no results: no other pages");
	CHECK(dg_pulls_last_page(100, 100) == 1, "one full page: no other pages");
	CHECK(dg_pulls_last_page(101, 100) == 2, "one more: a second page");
	CHECK(dg_pulls_last_page(1000, 100) == 10, "the cap: ten pages");
	CHECK(dg_pulls_last_page(5000, 100) == 10, "past the cap: still ten pages");
	CHECK(dg_pulls_last_page(5000, 30) == 34, "short pages: those starting under the cap");
	CHECK(dg_pulls_last_page(250, 0) == 3, "an empty first page counts as 100 a page");
}

static void test_scope(void)
{
	char *org_v[] = {"Acme", "tools"};
	char *repo_v[] = {"acme/extra", "Other/One"};
	dg_strv orgs = {org_v, 2}, repos = {repo_v, 2}, none = {NULL, 0};
	char **g = dg_scope_groups(&orgs, &repos);
	char *key;

	CHECK(g && g[0] && g[1] && g[2] && !g[3], "one group per org, one for the extra repos");
	CHECK_STR(g ? g[0] : NULL, "org:Acme", "org group keeps the config's spelling");
	CHECK_STR(g ? g[2] : NULL, "repo:Other/One", "a repo inside an org (any case) is left to the org");
	dg_scope_groups_free(g);

	g = dg_scope_groups(&none, &none);
	CHECK(g && !g[0], "nothing watched: no groups");
	dg_scope_groups_free(g);

	/* Many long repo names: chunked so each query stays under the limit. */
	{
		char *many[12];
		dg_strv lots = {many, 12};
		size_t n = 0, total = 0;
		int short_enough = 1;

		for (int i = 0; i < 12; i++) {
			many[i] = malloc(64);
			snprintf(many[i], 64, "owner-%02d/a-rather-long-repository", i);
		}
		g = dg_scope_groups(&none, &lots);
		for (; g && g[n]; n++) {
			short_enough &= strlen(g[n]) <= SEARCH_QUERY_MAX - 90;
			for (const char *p = g[n]; (p = strstr(p, "repo:")); p++)
				total++;
		}
		CHECK(n > 1 && short_enough, "extra repos chunked under the query limit (%zu groups)", n);
		CHECK(total == 12, "every extra repo in some group");
		dg_scope_groups_free(g);
		for (int i = 0; i < 12; i++)
			free(many[i]);
	}

	key = dg_scope_key(&orgs, &repos);
	CHECK_STR(key, "org:acme org:tools repo:acme/extra repo:other/one", "scope key: lower case, sorted");
	free(key);
	{
		char *org_r[] = {"tools", "ACME"};
		char *repo_r[] = {"other/one", "Acme/Extra"};
		dg_strv o2 = {org_r, 2}, r2 = {repo_r, 2};

		key = dg_scope_key(&o2, &r2);
		CHECK_STR(key, "org:acme org:tools repo:acme/extra repo:other/one",
			  "scope key does not change with the config's order or case");
		free(key);
	}
	key = dg_scope_key(&none, &none);
	CHECK_STR(key, "", "nothing watched: empty scope key");
	free(key);
}

static void test_author_batches(void)
{
	dg_author a[8] = {{0}};
	dg_author *p[8];
	char *who = NULL, *q = NULL;
	char longname[200];
	int64_t since = at("2024-05-01T00:00:00Z");

	for (int i = 0; i < 8; i++) {
		a[i].login = malloc(16);
		snprintf(a[i].login, 16, "user%d", i);
		p[i] = &a[i];
	}
	CHECK(dg_newcomers_batch(p, 8, "org:acme") == 6, "six authors to a search (five ORs)");
	CHECK(dg_newcomers_batch(p, 2, "org:acme") == 2, "fewer left: all of them");
	CHECK(dg_newcomers_batch(p, 0, "org:acme") == 0, "none: an empty batch");

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	free(a[1].login);
	a[1].login = strdup(longname);
	CHECK(dg_newcomers_batch(p, 8, "org:acme") == 1, "a long login starts its own search");
	CHECK(dg_newcomers_batch(p + 1, 7, "org:acme") == 1, "a login too long alone still gets asked about");

	CHECK(dg_newcomers_query(p + 2, 2, "org:acme", since, &who, &q) == 0, "batch query built");
	CHECK_STR(who, "author:user2 OR author:user3", "who: the logins ORed");
	CHECK_STR(q, "is:pr is:merged (author:user2 OR author:user3) org:acme merged:<2024-05-01T00:00:00Z",
		  "batch query: the OR in parentheses");
	free(who);
	free(q);
	CHECK(dg_newcomers_query(p, 1, "repo:a/b repo:c/d", since, &who, &q) == 0, "single query built");
	CHECK_STR(q, "is:pr is:merged author:user0 repo:a/b repo:c/d merged:<2024-05-01T00:00:00Z",
		  "single query: no parentheses");
	free(who);
	free(q);

	/* Every query the batching allows stays under the limit. */
	{
		size_t i = 0, k;
		int fits = 1;

		while (i < 8) {
			k = dg_newcomers_batch(p + i, 8 - i, "org:acme");
			if (k > 1 && dg_newcomers_query(p + i, k, "org:acme", since, &who, &q) == 0) {
				fits &= strlen(q) <= SEARCH_QUERY_MAX;
				free(who);
				free(q);
			}
			i += k;
		}
		CHECK(fits, "batched queries stay under the query limit");
	}
	for (int i = 0; i < 8; i++)
		free(a[i].login);
}

static void test_bots(void)
{
	dg_config cfg;
	char *bots[] = {"Renovate-Helper"};

	memset(&cfg, 0, sizeof(cfg));
	CHECK(dg_collect_is_bot(&cfg, "", NULL), "no login (deleted account): nobody to credit");
	CHECK(dg_collect_is_bot(&cfg, NULL, NULL), "NULL login: nobody to credit");
	CHECK(dg_collect_is_bot(&cfg, "someone", "Bot"), "type Bot");
	CHECK(dg_collect_is_bot(&cfg, "dependabot[bot]", "User"), "login ending in [bot]");
	CHECK(!dg_collect_is_bot(&cfg, "[bot]", "User"), "just \"[bot]\" is a login like any");
	CHECK(!dg_collect_is_bot(&cfg, "robotnik", "User"), "a person");
	cfg.bots.v = bots;
	cfg.bots.n = 1;
	CHECK(dg_collect_is_bot(&cfg, "renovate-helper", "User"), "listed in github.bots (any case)");
}

static json_t *pull(const char *author, const char *type, int number, const char *merged_at)
{
	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "repo", "acme/app", "number", number,
			 "title", "t", "url", "https://github.com/acme/app/pull/1", "author", author,
			 "merged_at", merged_at, "author_type", type, "author_url", "", "author_avatar", "av",
			 "author_id", 7);
}

static void test_authors(void)
{
	dg_config cfg;
	dg_authors as;
	json_t *pulls = json_array(), *model;
	dg_author *a;

	memset(&cfg, 0, sizeof(cfg));
	json_array_append_new(pulls, pull("bob", "User", 1, "2024-05-02T00:00:00Z"));
	json_array_append_new(pulls, pull("alice", "User", 2, "2024-05-03T00:00:00Z"));
	json_array_append_new(pulls, pull("renovate[bot]", "Bot", 3, "2024-05-04T00:00:00Z"));
	json_array_append_new(pulls, pull("bob", "User", 4, "2024-05-05T00:00:00Z"));
	json_array_append_new(pulls, pull("Bob", "User", 5, "2024-05-06T00:00:00Z"));

	CHECK(dg_authors_build(&as, &cfg, pulls) == 0 && as.n == 3, "three people, the bot left out");
	CHECK(as.n == 3 && !strcmp(as.v[0].login, "alice") && !strcmp(as.v[1].login, "Bob") &&
	      !strcmp(as.v[2].login, "bob"), "sorted case-insensitively, then exactly");
	a = dg_authors_find(&as, "bob");
	CHECK(a && a->pulls == 2 && a->first.number == 1, "bob: two pulls, the first the earliest");
	CHECK_STR(a ? a->url : NULL, "https://github.com/bob", "no profile URL: the github.com one");
	CHECK(a && a->first.merged == at("2024-05-02T00:00:00Z"), "first merge time parsed");
	CHECK(dg_authors_find(&as, "BOB") == NULL, "exact lookup is exact");
	a = dg_authors_find_ci(&as, "BOB");
	CHECK(a && !strcmp(a->login, "Bob"), "any-case lookup: the latest to appear");
	CHECK(dg_authors_find_ci(&as, "carol") == NULL, "unknown login: none");
	model = dg_authors_model(&as);
	CHECK(json_array_size(model) == 3 &&
	      json_integer_value(json_object_get(json_array_get(model, 2), "pulls")) == 2,
	      "model: one entry per person with their pulls");
	json_decref(model);
	dg_authors_clear(&as);

	json_array_clear(pulls);
	CHECK(dg_authors_build(&as, &cfg, pulls) == 0 && as.n == 0, "no pulls: no authors");
	CHECK(dg_authors_find(&as, "bob") == NULL && dg_authors_find_ci(&as, "bob") == NULL,
	      "lookups in no authors");
	dg_authors_clear(&as);
	json_decref(pulls);
}

int main(void)
{
	char *enc = NULL;

	test_pulls();
	test_scope();
	test_author_batches();
	test_bots();
	test_authors();

	CHECK(dg_url_encode("is:pr (a OR b) ~x/é", &enc) == 0, "url encode");
	CHECK_STR(enc, "is%3Apr%20%28a%20OR%20b%29%20~x%2F%C3%A9", "unreserved kept, the rest percent-encoded");
	free(enc);
	CHECK(dg_collect_cmp_login("alice", "Bob") < 0 && dg_collect_cmp_login("Bob", "bob") < 0 &&
	      dg_collect_cmp_login("bob", "bob") == 0, "logins: case-insensitive, then exact");
	return check_done();
}
