/* The community collector's pure parts: queries, window splitting, search
 * scope, batching of author searches, bots, the window's authors. */
#include "check.h"
#include "base/date.h"
#include "github/collect.h"
#include "github/collectint.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

	CHECK(dg_pulls_parts(1001, lo, hi) == 3, "just over the cap: three parts (ceil(total/1000) + 1)");
	CHECK(dg_pulls_parts(5340, lo, hi) == 7, "5340: seven parts");
	CHECK(dg_pulls_parts(-1, lo, hi) == 2 && dg_pulls_parts(0, lo, hi) == 2, "no count: two parts");
	CHECK(dg_pulls_parts(INT64_MAX, lo, hi) == SPLIT_PARTS_MAX, "any total: at most SPLIT_PARTS_MAX parts");
	CHECK(dg_pulls_parts(5000, lo, lo + 1) == 0, "a one-second window cannot be cut");
	CHECK(dg_pulls_parts(5000, lo, lo + 3) == 3, "a three-second window: a part a second");
	CHECK(dg_pulls_parts(5000, hi, lo) == 0 && dg_pulls_parts(5000, INT64_MAX, INT64_MIN) == 0,
	      "an empty window cannot be cut");
	CHECK(dg_pulls_parts(5000, INT64_MIN, INT64_MAX) == 6, "the widest window: no overflow");
	{
		int increasing = 1;
		int64_t parts = dg_pulls_parts(5340, lo, hi);

		for (int64_t k = 0; k < parts; k++)
			increasing &= dg_pulls_cut(lo, hi, k, parts) < dg_pulls_cut(lo, hi, k + 1, parts);
		CHECK(increasing && dg_pulls_cut(lo, hi, 0, parts) == lo && dg_pulls_cut(lo, hi, parts, parts) == hi,
		      "the parts cover the window, in order");
		CHECK(dg_pulls_cut(lo, lo + 3, 1, 3) == lo + 1 && dg_pulls_cut(lo, lo + 3, 2, 3) == lo + 2,
		      "one-second parts");
		CHECK(dg_pulls_cut(INT64_MIN, INT64_MAX, 1, 2) == -1 || dg_pulls_cut(INT64_MIN, INT64_MAX, 1, 2) == 0,
		      "the widest window cut in the middle, no overflow");
		(void)mid;
	}

	CHECK(dg_pulls_last_page(0, 0) == 0, "no results: no other pages");
	CHECK(dg_pulls_last_page(100, 100) == 1, "one full page: no other pages");
	CHECK(dg_pulls_last_page(101, 100) == 2, "one more: a second page");
	CHECK(dg_pulls_last_page(1000, 100) == 10, "the cap: ten pages");
	CHECK(dg_pulls_last_page(5000, 100) == 10, "past the cap: still ten pages");
	CHECK(dg_pulls_last_page(5000, 30) == 34, "short pages: those starting under the cap");
	CHECK(dg_pulls_last_page(250, 0) == 3, "an empty first page counts as 100 a page");
	CHECK(dg_pulls_last_page(INT64_MAX, 100) == 10, "a total of 2^63-1: ten pages, no overflow");
	CHECK(dg_pulls_last_page(INT64_MAX, 1) == 1000, "2^63-1 one to a page: the cap");
	CHECK(dg_pulls_last_page(INT64_MIN, 100) == 0 && dg_pulls_last_page(-1, 100) == 0,
	      "a negative total: no other pages");
	CHECK(dg_pulls_last_page(5000, (size_t)-1) == 10, "an absurd page size counts as 100 a page");

	/* The budget: per group and started day of the window. */
	CHECK(dg_pulls_budget(1, lo, lo + 7 * 86400) == 7 * SEARCHES_PER_DAY, "a week, one group");
	CHECK(dg_pulls_budget(3, lo, lo + 7 * 86400) == 21 * SEARCHES_PER_DAY, "a week, three groups");
	CHECK(dg_pulls_budget(1, lo, lo + 86401) == 2 * SEARCHES_PER_DAY, "a started day counts");
	CHECK(dg_pulls_budget(0, lo, lo) == SEARCHES_PER_DAY, "at least a day and a group");
	CHECK(dg_pulls_budget(1, INT64_MIN, INT64_MAX) == 3660 * SEARCHES_PER_DAY,
	      "an absurd window: bounded, no overflow");
	CHECK(dg_pulls_budget((size_t)-1, 0, 86400) == 1000 * SEARCHES_PER_DAY, "absurd groups: bounded");
	/* Always "more than 1000": the budget stops the cutting long before the
	 * one-second parts. */
	CHECK(dg_pulls_parts(5000, lo, lo + 7 * 86400) * 6 * 6 * 6 > dg_pulls_budget(1, lo, lo + 7 * 86400),
	      "four rounds of cutting a week pass its budget");

	{
		json_t *r = json_pack("{s:I}", "total_count", (json_int_t)INT64_MAX);
		CHECK(dg_collect_total(r) == INT64_MAX, "total_count 2^63-1 read as is");
		json_object_set_new(r, "total_count", json_integer(-5));
		CHECK(dg_collect_total(r) == -1, "a negative total_count: not a count");
		json_object_set_new(r, "total_count", json_real(1e30));
		CHECK(dg_collect_total(r) == -1, "a fractional total_count: not a count");
		json_object_set_new(r, "total_count", json_string("12"));
		CHECK(dg_collect_total(r) == -1, "a text total_count: not a count");
		json_object_del(r, "total_count");
		CHECK(dg_collect_total(r) == -1 && dg_collect_total(NULL) == -1, "no total_count");
		json_decref(r);
	}
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

	CHECK(dg_scope_group_has("org:Acme", "acme/app"), "a repo of the org (any case)");
	CHECK(!dg_scope_group_has("org:acme", "acme-labs/app"), "an org named alike is another org");
	CHECK(!dg_scope_group_has("org:acme", "acm/app") && !dg_scope_group_has("org:acme", "acme"),
	      "a shorter owner, no owner: not in the org");
	CHECK(dg_scope_group_has("repo:a/b repo:Other/One", "other/one"), "a listed repo (any case)");
	CHECK(!dg_scope_group_has("repo:a/b repo:other/one", "other/on") &&
	      !dg_scope_group_has("repo:a/bc", "a/b"), "a repo named alike is another repo");
	CHECK(!dg_scope_group_has("", "a/b"), "an empty group holds nothing");
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
	a[2].pulls = 60;
	a[3].pulls = 50;
	CHECK(dg_newcomers_batch(p, 8, "org:acme") == 3, "a busy author ends the batch before a second one");
	CHECK(dg_newcomers_batch(p + 3, 5, "org:acme") == 5, "busy authors apart, the rest batched");
	a[2].pulls = 24;
	a[3].pulls = 20;
	CHECK(dg_newcomers_batch(p, 8, "org:acme") == 6, "pulls within one page: the batch is filled");
	a[2].pulls = 100;
	CHECK(dg_newcomers_batch(p + 2, 6, "org:acme") == 1, "however busy, an author is asked about");
	a[2].pulls = a[3].pulls = 0;

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	free(a[1].login);
	a[1].login = strdup(longname);
	CHECK(dg_newcomers_batch(p, 8, "org:acme") == 1, "a long login starts its own search");
	CHECK(dg_newcomers_batch(p + 1, 7, "org:acme") == 1, "a login too long alone still gets asked about");

	dg_newcomers_query(p + 2, 2, "org:acme", since, &who, &q);
	CHECK_STR(who, "author:user2 OR author:user3", "who: the logins ORed");
	CHECK_STR(q, "is:pr is:merged (author:user2 OR author:user3) org:acme merged:<2024-05-01T00:00:00Z",
		  "batch query: the OR in parentheses");
	free(who);
	free(q);
	dg_newcomers_query(p, 1, "repo:a/b repo:c/d", since, &who, &q);
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
			if (k > 1) {
				dg_newcomers_query(p + i, k, "org:acme", since, &who, &q);
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

static json_t *found_by(const char *const *logins, size_t n)
{
	json_t *items = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:{s:s}}", "user", "login", logins[i]));
	return json_pack("{s:I, s:o}", "total_count", (json_int_t)n, "items", items);
}

static void test_probe(void)
{
	dg_author a[9] = {{0}};
	dg_author *p[9], *pick[6];
	const int pulls[9] = {3, 1, 50, 2, 1, 1, 1, 40, 0};
	int64_t since = at("2024-05-01T00:00:00Z"), until = at("2024-05-08T00:00:00Z");
	char *q = NULL;
	size_t k;
	json_t *r;

	for (int i = 0; i < 9; i++) {
		a[i].login = malloc(16);
		snprintf(a[i].login, 16, "user%d", i);
		a[i].pulls = pulls[i];
		a[i].first.repo = strdup(i == 5 ? "other/x" : "acme/app");
		p[i] = &a[i];
	}
	k = dg_newcomers_probe_pick(p, 9, "org:acme", pick);
	CHECK(k == 6, "six people to a probe (%zu)", k);
	CHECK(k == 6 && pick[0] == &a[1] && pick[1] == &a[4] && pick[2] == &a[6] && pick[3] == &a[3] &&
	      pick[4] == &a[0] && pick[5] == &a[7], "the fewest pulls first, within the group");
	a[7].pulls = a[2].pulls = 95;
	k = dg_newcomers_probe_pick(p, 9, "org:acme", pick);
	CHECK(k == 5, "every match of a probe fits one page (%zu)", k);
	CHECK(dg_newcomers_probe_pick(p, 9, "org:nobody", pick) == 0, "nobody in the group: no probe");
	CHECK(dg_newcomers_probe_pick(p, 9, "org:other", pick) == 1, "one person: no proof possible");

	dg_newcomers_probe_query(p, 2, "org:acme", since, until, &q);
	CHECK_STR(q, "is:pr is:merged (author:user0 OR author:user1) org:acme "
		  "merged:2024-05-01T00:00:00Z..2024-05-07T23:59:59Z", "probe query: the OR over the window");
	free(q);

	{
		const char *every[] = {"user0", "USER1", "user0", "user2"};
		const char *misses[] = {"user0", "user1"};
		const char *stranger[] = {"user0", "user1", "user2", "mallory"};

		r = found_by(every, 4);
		CHECK(dg_newcomers_probe_check(p, 3, r), "every one found (any case): proven");
		CHECK(!dg_newcomers_probe_check(p, 4, r), "one missing (an AND, one author kept): not proven");
		json_decref(r);
		r = found_by(misses, 0);
		CHECK(!dg_newcomers_probe_check(p, 2, r), "nothing found (a stray word): not proven");
		json_decref(r);
		r = found_by(misses, 2);
		CHECK(dg_newcomers_probe_check(p, 2, r) && !dg_newcomers_probe_check(p, 1, r) &&
		      !dg_newcomers_probe_check(p, 7, r), "two to six terms prove anything");
		json_decref(r);
		r = found_by(stranger, 4);
		CHECK(!dg_newcomers_probe_check(p, 3, r), "someone else found: not an OR over them");
		json_decref(r);
		CHECK(!dg_newcomers_probe_check(p, 2, NULL), "no result: not proven");
	}
	for (int i = 0; i < 9; i++) {
		free(a[i].login);
		free(a[i].first.repo);
	}
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

	dg_authors_build(&as, &cfg, pulls);
	CHECK(as.n == 3, "three people, the bot left out");
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
	dg_authors_build(&as, &cfg, pulls);
	CHECK(as.n == 0, "no pulls: no authors");
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
	test_probe();
	test_bots();
	test_authors();

	CHECK(dg_url_encode("is:pr (a OR b) ~x/é", &enc) == 0, "url encode");
	CHECK_STR(enc, "is%3Apr%20%28a%20OR%20b%29%20~x%2F%C3%A9", "unreserved kept, the rest percent-encoded");
	free(enc);
	CHECK(dg_collect_cmp_login("alice", "Bob") < 0 && dg_collect_cmp_login("Bob", "bob") < 0 &&
	      dg_collect_cmp_login("bob", "bob") == 0, "logins: case-insensitive, then exact");
	return check_done();
}
