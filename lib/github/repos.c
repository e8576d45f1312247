/* repos.c - which repositories are watched: the orgs' listings minus
 * exclusions (archived and forks unless asked for), plus the extra repos. */
#include "github/collectint.h"
#include "base/text.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"

#include <stdlib.h>
#include <string.h>

const char *dg_repos_watched(collect *c, const char *full_name)
{
	char *key = dg_text_lower(full_name);
	json_t *r = key ? json_object_get(c->repos, key) : NULL;

	free(key);
	return r ? dg_json_str(r, "full_name") : NULL;
}

static void add_repo(collect *c, json_t *r, int explicit)
{
	const dg_config *cfg = c->base.cfg;
	const char *full = dg_json_str(r, "full_name");
	json_t *desc = json_object_get(r, "description");
	char *key;

	if (!*full)
		return;
	if (!explicit) {
		if (json_is_true(json_object_get(r, "archived")) && !cfg->include_archived)
			return;
		if (json_is_true(json_object_get(r, "fork")) && !cfg->include_forks)
			return;
	}
	if (dg_strv_contains_ci(&cfg->exclude_repos, full))
		return;
	key = dg_text_lower(full);
	json_object_set_new(c->repos, key,
			    json_pack("{s:s, s:s, s:O}", "full_name", full, "html_url", dg_json_str(r, "html_url"),
				      "description", json_is_string(desc) ? desc : json_null()));
	free(key);
}

/* One listing (all its pages) or single repository done; `warned`: the
 * index its failure took in the warnings, (size_t)-1 when it did not fail. */
static void listing_done(collect *c, size_t warned)
{
	if (warned != (size_t)-1 && !c->repos_warning && warned < json_array_size(c->base.warnings))
		c->repos_warning = warned + 1;
	if (--c->repos_pending == 0)
		c->after_repos(c);
}

static void on_org_repos(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg);

/* The `page=` number of a list URL; 0 when it has none or a bad one. */
static long page_number(const char *url)
{
	const char *q = url ? strchr(url, '?') : NULL;

	for (const char *p = q; p && *p; p = strchr(p + 1, '&')) {
		char *end;
		long v;
		if (strncmp(p + 1, "page=", 5))
			continue;
		v = strtol(p + 6, &end, 10);
		return end != p + 6 && (*end == '\0' || *end == '&') && v > 0 ? v : 0;
	}
	return 0;
}

/* The first page of a listing names its last (Link rel="last"): ask for
 * pages 2..last at once rather than one after the other. Only the number is
 * taken from the server, and only when its next page is page 2 and the last
 * is within the pages a list may have; the URLs are the first page's with
 * `&page=N`. 1 when they were queued (each a listing of its own). */
static int queue_pages(page_job *first, const dg_http_response *resp)
{
	collect *c = first->c;
	long last = page_number(resp->last_url);

	if (!resp->next_url || page_number(resp->next_url) != 2 || page_number(resp->url) != 0 || last < 2 ||
	    last > dg_http_max_pages(c->base.http))
		return 0;
	for (long k = 2; k <= last; k++) {
		dg_buf url = DG_BUF_INIT;
		page_job *j = dg_collect_job_new(c, first->name);

		dg_buf_printf(&url, "%s&page=%ld", resp->url, k);
		j->first_page = 0;
		j->page = (int)k;
		j->last_page = (int)last;
		if (dg_collector_get(&c->base, dg_buf_cstr(&url), 0, on_org_repos, j, dg_collect_job_free) == 0)
			c->repos_pending++;
		dg_buf_free(&url);
	}
	return 1;
}

static void on_org_repos(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	page_job *j = ud;
	collect *c = j->c;
	size_t warned = json_array_size(c->base.warnings);
	json_t *list = dg_collect_listing(j, resp, err, msg, "organisation not found (github.orgs)",
					  "expected a JSON array of repositories");
	size_t i;
	json_t *r;

	(void)h;
	if (!list) {
		if (err == DG_HTTP_ERR_NOT_FOUND)
			dg_json_appendf(c->base.warnings, "%s", msg);
		listing_done(c, warned);
		return;
	}
	json_array_foreach(list, i, r)
		add_repo(c, r, 0);
	if (j->first_page && queue_pages(j, resp)) {
		dg_collect_job_free(j);
		listing_done(c, (size_t)-1);
		return;
	}
	j->first_page = 0;
	/* A page asked for at once follows its Link only when it was the last
	 * one: the list grew while it was read. */
	if (resp->next_url && (!j->page || j->page == j->last_page)) {
		dg_collect_next(j, resp->next_url, on_org_repos);
	} else {
		dg_collect_job_free(j);
		listing_done(c, (size_t)-1);
	}
}

static void on_repo(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	page_job *j = ud;
	collect *c = j->c;
	size_t warned = json_array_size(c->base.warnings);

	(void)h;
	if (err)
		dg_collector_failed(&c->base, j->name, err == DG_HTTP_ERR_NOT_FOUND ?
				    "repository not found (github.repos)" : msg);
	else if (!json_is_object(resp->json))
		dg_collector_failed(&c->base, resp->url, "expected a JSON object for the repository");
	else
		add_repo(c, resp->json, 1);
	dg_collect_job_free(j);
	listing_done(c, warned);
}

/* The org's profile: its display name names the community when the config
 * does not. Cosmetic: a failure is a warning, and the login stands in. */
static void on_org_profile(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	collect *c = ud;
	const char *name = err ? "" : dg_json_str(resp->json, "name");

	(void)h;
	if (err) {
		dg_json_appendf(c->base.warnings, "the organisation's profile (its display name): %s", msg);
		return;
	}
	json_decref(c->org);
	c->org = json_pack("{s:s, s:s, s:s}", "login", dg_json_str(resp->json, "login"), "name", name,
			   "html_url", dg_json_str(resp->json, "html_url"));
}

void dg_repos_queue(collect *c)
{
	const dg_config *cfg = c->base.cfg;

	if (!(cfg->community && *cfg->community) && cfg->orgs.n) {
		char *url = dg_collector_api(&c->base, "/orgs/%s", cfg->orgs.v[0]);
		if (dg_http_get(c->base.http, url, on_org_profile, c) < 0)
			dg_err_clear();
		free(url);
	}
	for (size_t i = 0; i < cfg->orgs.n; i++) {
		char *url = dg_collector_api(&c->base, "/orgs/%s/repos?type=%s&per_page=100", cfg->orgs.v[i],
					     cfg->include_forks ? "all" : "sources");

		if (dg_collector_get(&c->base, url, 0, on_org_repos, dg_collect_job_new(c, cfg->orgs.v[i]),
				     dg_collect_job_free) == 0)
			c->repos_pending++;
		free(url);
	}
	for (size_t i = 0; i < cfg->repos.n; i++) {
		char *url = dg_collector_api(&c->base, "/repos/%s", cfg->repos.v[i]);

		if (dg_collector_get(&c->base, url, 0, on_repo, dg_collect_job_new(c, cfg->repos.v[i]),
				     dg_collect_job_free) == 0)
			c->repos_pending++;
		free(url);
	}
	if (c->repos_pending == 0)
		c->after_repos(c);
}
