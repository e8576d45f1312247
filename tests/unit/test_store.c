#include "check.h"
#include "store/store.h"
#include "base/err.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	char dir[] = "/tmp/dg-store-XXXXXX";
	char sub[256], *etag, *body, *link, *last;
	size_t len;
	dg_store *s = NULL, *s2 = NULL;
	dg_contributor c = {0}, got;
	int n;

	CHECK(mkdtemp(dir) != NULL, "temp dir");
	snprintf(sub, sizeof(sub), "%s/nested/state", dir);
	CHECK(dg_store_open(sub, 0, &s) == 0, "open creates nested directories: %s", dg_err_last());
	CHECK(dg_store_schema_version(s) == 8, "schema at version 8 after migration");

	{
		char *text = NULL;
		CHECK(dg_store_edit_get(s, "https://x/pr/1", &text) == 0 && !text, "no edit kept yet");
		CHECK(dg_store_edit_put(s, "https://x/pr/1", "first") == 0 &&
		      dg_store_edit_put(s, "https://x/pr/1", "second") == 0, "an edit kept, then replaced");
		CHECK(dg_store_edit_get(s, "https://x/pr/1", &text) == 1 && text && !strcmp(text, "second"),
		      "the last edit of a URL is kept");
		free(text);
	}
	CHECK(dg_store_cache_get(s, "https://x/a", &etag, &link, &last, &body, &len) == 0, "cache miss");
	CHECK(dg_store_cache_put(s, "https://x/a", "W/\"1\"", NULL, NULL, "[1,2]", 5) == 0, "cache put");
	CHECK(dg_store_cache_put(s, "https://x/a", "W/\"2\"", "https://x/a?page=2", "https://x/a?page=7", "[3]",
				 3) == 0, "cache update");
	CHECK(dg_store_cache_get(s, "https://x/a", &etag, &link, &last, &body, &len) == 1 && len == 3 &&
	      !strcmp(etag, "W/\"2\"") && !strcmp(body, "[3]") && link &&
	      !strcmp(link, "https://x/a?page=2") && last && !strcmp(last, "https://x/a?page=7"),
	      "cache hit returns latest with its next and last links");
	free(etag);
	free(link);
	free(last);
	free(body);

	c.login = "Alice";
	c.user_id = 7;
	c.first_repo = "o/r";
	c.first_number = 12;
	c.first_url = "https://github.com/o/r/pull/12";
	c.first_merged_at = 1000;
	c.exact = 1;
	CHECK(dg_store_contributor_put(s, "org:o", &c) == 0, "contributor put");
	CHECK(dg_store_contributor_get(s, "org:o", "alice", &got) == 1 && got.first_number == 12 &&
	      got.exact == 1 && !strcmp(got.first_repo, "o/r"), "contributor lookup is case-insensitive");
	dg_contributor_clear(&got);
	CHECK(dg_store_contributor_get(s, "org:other", "alice", &got) == 0, "scopes are separate");

	CHECK(dg_store_published_add(s, "cnweekly", "2024-W01", "https://a/x") == 0, "publish");
	CHECK(dg_store_published_elsewhere(s, "cnweekly", "2024-W02", "https://a/x") == 1,
	      "item published in another issue is seen");
	CHECK(dg_store_published_elsewhere(s, "cnweekly", "2024-W01", "https://a/x") == 0,
	      "re-rendering the same issue is not a repeat");
	CHECK(dg_store_published_elsewhere(s, "community", "2024-W02", "https://a/x") == 0,
	      "kinds are separate");

	CHECK(dg_store_issue_put(s, "cnweekly", "2024-W01", 41) == 0 &&
	      dg_store_issue_get(s, "cnweekly", "2024-W01", &n) == 1 && n == 41, "issue numbers");
	CHECK(dg_store_issue_max(s, "cnweekly", &n) == 0 && n == 41, "max issue number");

	{
		int64_t when = 0;
		CHECK(dg_store_search_or_get(s, "https://ghe/api/v3", &n, &when) == 0 && n == 0,
		      "no search proof for an unknown API base");
		CHECK(dg_store_search_or_put(s, "https://ghe/api/v3", 6, 1700000000) == 0 &&
		      dg_store_search_or_get(s, "https://ghe/api/v3", &n, &when) == 1 && n == 6 &&
		      when == 1700000000, "a search proof is kept with its time");
		CHECK(dg_store_search_or_get(s, "https://api.github.com", &n, &when) == 0,
		      "search proofs are per API base");
		CHECK(dg_store_search_or_put(s, "https://ghe/api/v3", 1, 0) == 0 &&
		      dg_store_search_or_get(s, "https://ghe/api/v3", &n, &when) == 0,
		      "a proof under two terms is forgotten");
	}

	/* Deliveries per issue and channel; feed entries per kind, newest first. */
	{
		char **e = NULL;
		size_t ne = 0;
		CHECK(dg_store_delivery_get(s, "community/w1", "2024-W01", "email") == 0, "no delivery yet");
		CHECK(dg_store_delivery_put(s, "community/w1", "2024-W01", "email", "sent") == 0 &&
		      dg_store_delivery_get(s, "community/w1", "2024-W01", "email") == 1 &&
		      dg_store_delivery_get(s, "community/w1", "2024-W01", "notify:slack:X") == 0 &&
		      dg_store_delivery_get(s, "community/w1", "2024-W02", "email") == 0,
		      "a delivery is kept per issue and channel");
		CHECK(dg_store_feed_put(s, "community", "community/w1", "2024-W01", 100, "{\"a\":1}") == 0 &&
		      dg_store_feed_put(s, "community", "community/w1", "2024-W02", 200, "{\"a\":2}") == 0 &&
		      dg_store_feed_put(s, "community", "community/w1", "2024-W01", 100, "{\"a\":3}") == 0 &&
		      dg_store_feed_put(s, "cnweekly", "cnweekly/w1", "2024-W03", 300, "{\"a\":4}") == 0,
		      "feed entries are written");
		CHECK(dg_store_feed_list(s, "community", NULL, NULL, 20, &e, &ne) == 0 && ne == 2 &&
		      !strcmp(e[0], "{\"a\":2}") && !strcmp(e[1], "{\"a\":3}"),
		      "a kind's entries newest first, a period's entry replaced, not added");
		for (size_t i = 0; i < ne; i++)
			free(e[i]);
		free(e);
		CHECK(dg_store_feed_list(s, "community", "community/w1", "2024-W02", 1, &e, &ne) == 0 && ne == 1 &&
		      !strcmp(e[0], "{\"a\":3}"), "the issue being built is left out; the limit holds");
		for (size_t i = 0; i < ne; i++)
			free(e[i]);
		free(e);
	}

	/* A second run while this one holds the store fails clearly. */
	CHECK(dg_store_open(sub, 0, &s2) < 0 && strstr(dg_err_last(), "another digest run"),
	      "concurrent open is refused: %s", dg_err_last());
	dg_store_close(s);
	CHECK(dg_store_open(sub, 0, &s2) == 0 && dg_store_schema_version(s2) == 8,
	      "reopen after close keeps data and does not re-migrate");
	CHECK(dg_store_cache_get(s2, "https://x/a", &etag, &link, &last, &body, &len) == 1, "data persisted");
	free(etag);
	free(link);
	free(last);
	free(body);
	dg_store_close(s2);

	snprintf(sub, sizeof(sub), "rm -rf %s", dir);
	CHECK(system(sub) == 0, "cleanup");
	return check_done();
}
