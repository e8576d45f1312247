/* releases.c - releases of the watched repositories published in the window. */
#include "github/collectint.h"
#include "base/alloc.h"
#include "base/jsonx.h"

#include <stdlib.h>
#include <string.h>

/* Releases are listed newest-created first, but GitHub does not document the
 * order: keep paging while a page still holds anything this close to the window. */
#define RELEASE_MARGIN (30 * 86400)

static void on_releases(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	page_job *j = ud;
	collect *c = j->c;
	int64_t since = c->base.since, until = c->base.until;
	json_t *list = dg_collect_listing(j, resp, err, msg, NULL, "expected a JSON array of releases");
	int more = 0, ok;
	size_t i;
	json_t *r;

	(void)h;
	if (!list)
		return;
	json_array_foreach(list, i, r) {
		int64_t created = dg_collect_time_of(r, "created_at", &ok);
		int64_t published;
		json_t *author = json_object_get(r, "author");
		const char *name = dg_json_str(r, "name");

		if (!ok || created >= since - RELEASE_MARGIN)
			more = 1;
		published = dg_collect_time_of(r, "published_at", &ok);
		if (!ok || json_is_true(json_object_get(r, "draft")))
			continue;
		if (published >= since - RELEASE_MARGIN)
			more = 1;
		if (published < since || published >= until)
			continue;
		json_array_append_new(c->releases,
			json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s}",
				  "repo", j->name, "tag", dg_json_str(r, "tag_name"),
				  "name", *name ? name : dg_json_str(r, "tag_name"),
				  "published_at", dg_json_str(r, "published_at"),
				  "prerelease", json_is_true(json_object_get(r, "prerelease")),
				  "url", dg_json_str(r, "html_url"), "author", dg_json_str(author, "login"),
				  "body", dg_json_str(r, "body")));
	}
	dg_collect_next(j, more ? resp->next_url : NULL, on_releases);
}

/* One listing per watched repo, in name order: the same requests in the
 * same order every run. */
void dg_releases_queue(collect *c)
{
	size_t n = json_object_size(c->repos), k = 0;
	const char **names = dg_calloc(n + 1, sizeof(*names));
	const char *key;
	json_t *v;

	json_object_foreach(c->repos, key, v)
		names[k++] = dg_json_str(v, "full_name");
	qsort(names, k, sizeof(*names), dg_collect_cmp_cstr);
	for (size_t i = 0; i < k; i++) {
		char *url = dg_collector_api(&c->base, "/repos/%s/releases?per_page=100", names[i]);

		dg_collector_get(&c->base, url, 0, on_releases, dg_collect_job_new(c, names[i]),
				 dg_collect_job_free);
		free(url);
	}
	free(names);
}
