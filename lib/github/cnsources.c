/* What the Cloud Native Weekly asks GitHub: releases of watched repositories,
 * project searches by topic, facts of the editor's projects, latest releases. */
#include "github/cnsources.h"
#include "base/alloc.h"
#include "base/text.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/jsonx.h"
#include "github/collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct gh_job {
	dg_collector *c;
	char *name;              /* owner/name, or the search query */
	json_t *out;             /* where results go (borrowed) */
	json_t *facts;           /* lower-case repo -> object (borrowed) */
} gh_job;

static void gh_job_free(void *p)
{
	gh_job *j = p;

	if (j) {
		free(j->name);
		free(j);
	}
}

static gh_job *gh_job_new(dg_collector *c, const char *name, json_t *out, json_t *facts)
{
	gh_job *j = dg_calloc(1, sizeof(*j));

	j->name = dg_strdup(name);
	j->c = c;
	j->out = out;
	j->facts = facts;
	return j;
}

static void on_watch_releases(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	gh_job *j = ud;
	dg_collector *c = j->c;
	size_t i;
	json_t *r;

	(void)h;
	if (err || !json_is_array(resp->json)) {
		dg_collector_failed(c, j->name, err ? msg : "expected a JSON array of releases");
		gh_job_free(j);
		return;
	}
	json_array_foreach(resp->json, i, r) {
		int64_t t;
		json_t *item;
		const char *short_name = strchr(j->name, '/') ? strchr(j->name, '/') + 1 : j->name;

		if (json_is_true(json_object_get(r, "draft")) ||
		    (json_is_true(json_object_get(r, "prerelease")) && !c->cfg->cn_include_prereleases))
			continue;
		if (dg_date_parse_rfc3339(dg_json_str(r, "published_at"), &t) < 0 || t < c->since || t >= c->until)
			continue;
		/* Facts only: the model extracts the notes and words them
		 * ("<repo_name> <release> released"). */
		item = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
				  "url", dg_json_str(r, "html_url"), "source", j->name, "published", dg_json_str(r, "published_at"),
				  "language", "en", "kind", "release", "repo", j->name, "tag", dg_json_str(r, "tag_name"),
				  "repo_name", short_name,
				  "release", *dg_json_str(r, "name") ? dg_json_str(r, "name") : dg_json_str(r, "tag_name"),
				  "body", dg_json_str(r, "body"));
		/* Never dropped silently: a release that cannot be made an item is a failed source. */
		if (!item)
			dg_collector_failed(c, j->name, "a release's name or notes could not be read (not UTF-8?)");
		else
			json_array_append_new(j->out, item);
	}
	gh_job_free(j);
}

json_t *dg_gh_project(json_t *r)
{
	json_t *license = json_object_get(r, "license");
	json_t *topics = json_object_get(r, "topics");

	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:o}", "repo", dg_json_str(r, "full_name"),
			 "name", dg_json_str(r, "name"), "url", dg_json_str(r, "html_url"), "description", dg_json_str(r, "description"),
			 "stars", json_integer_value(json_object_get(r, "stargazers_count")),
			 "pushed_at", dg_json_str(r, "pushed_at"),
			 "language", dg_json_str(r, "language"),
			 "license", json_is_object(license) ? dg_json_str(license, "spdx_id") : "",
			 "topics", json_is_array(topics) ? json_incref(topics) : json_array());
}

static void on_topic_search(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	gh_job *j = ud;
	dg_collector *c = j->c;
	json_t *items = resp ? json_object_get(resp->json, "items") : NULL, *r;
	size_t i;

	(void)h;
	if (err || !json_is_array(items)) {
		dg_collector_failed(c, j->name, err ? msg : "expected a search result with \"items\"");
		gh_job_free(j);
		return;
	}
	json_array_foreach(items, i, r) {
		char *key = dg_text_lower(dg_json_str(r, "full_name"));
		if (!json_is_true(json_object_get(r, "fork")) && !json_is_true(json_object_get(r, "archived")) &&
		    !json_object_get(j->facts, key)) {
			json_object_set(j->facts, key, r);
			json_array_append_new(j->out, dg_gh_project(r));
		}
		free(key);
	}
	gh_job_free(j);
}

static void on_repo_facts(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	gh_job *j = ud;
	dg_collector *c = j->c;
	char *key = dg_text_lower(j->name);

	(void)h;
	if (err || !json_is_object(resp->json))
		dg_collector_failed(c, j->name, err == DG_HTTP_ERR_NOT_FOUND ? "repository not found (editor's picks)" :
		       err ? msg : "expected a repository object");
	else
		json_object_set(j->facts, key, resp->json);
	free(key);
	gh_job_free(j);
}

/* The newest final release published before the window's end: what was
 * "latest" that week, not today (/releases/latest is today's). */
static void on_latest(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	gh_job *j = ud;
	dg_collector *c = j->c;
	char *key = dg_text_lower(j->name);
	json_t *best = NULL, *r;
	int64_t best_t = 0, t;
	size_t i;

	(void)h;
	if (err == DG_HTTP_ERR_NOT_FOUND) {
		json_object_set_new(j->facts, key, json_null()); /* no such repository's releases: not an error */
	} else if (err || !json_is_array(resp->json)) {
		dg_collector_failed(c, j->name, err ? msg : "expected a JSON array of releases");
	} else {
		json_array_foreach(resp->json, i, r) {
			if (json_is_true(json_object_get(r, "draft")) || json_is_true(json_object_get(r, "prerelease")) ||
			    dg_date_parse_rfc3339(dg_json_str(r, "published_at"), &t) < 0 || t >= c->until)
				continue;
			if (!best || t > best_t) {
				best = r;
				best_t = t;
			}
		}
		json_object_set_new(j->facts, key, !best ? json_null() :
			json_pack("{s:s, s:s, s:s}", "tag", dg_json_str(best, "tag_name"),
				  "url", dg_json_str(best, "html_url"), "published_at", dg_json_str(best, "published_at")));
	}
	free(key);
	gh_job_free(j);
}

/* Published security advisories of a watched repository, in the window
 * (GitHub's repository advisory objects; withdrawn ones left out). */
static void on_advisories(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	gh_job *j = ud;
	dg_collector *c = j->c;
	const char *short_name = strchr(j->name, '/') ? strchr(j->name, '/') + 1 : j->name;
	size_t i;
	json_t *a, *item;
	int64_t t;

	(void)h;
	if (err == DG_HTTP_ERR_NOT_FOUND) { /* advisories not available for this repository */
		gh_job_free(j);
		return;
	}
	if (err || !json_is_array(resp->json)) {
		dg_collector_failed(c, j->name, err ? msg : "expected a JSON array of security advisories");
		gh_job_free(j);
		return;
	}
	json_array_foreach(resp->json, i, a) {
		if (strcmp(dg_json_str(a, "state"), "published") || *dg_json_str(a, "withdrawn_at") ||
		    dg_date_parse_rfc3339(dg_json_str(a, "published_at"), &t) < 0 || t < c->since || t >= c->until)
			continue;
		item = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
				 "url", dg_json_str(a, "html_url"), "source", j->name, "published", dg_json_str(a, "published_at"),
				 "language", "en", "kind", "advisory", "repo", j->name, "repo_name", short_name,
				 "advisory", *dg_json_str(a, "cve_id") ? dg_json_str(a, "cve_id") : dg_json_str(a, "ghsa_id"),
				 "severity", dg_json_str(a, "severity"), "summary", dg_json_str(a, "summary"),
				 "cve", dg_json_str(a, "cve_id"));
		if (!item)
			dg_collector_failed(c, j->name, "an advisory could not be read (not UTF-8?)");
		else
			json_array_append_new(j->out, item);
	}
	gh_job_free(j);
}

void dg_gh_watched_releases(dg_collector *c, json_t *news)
{
	for (size_t i = 0; i < c->cfg->cn_watch_repos.n; i++) {
		const char *repo = c->cfg->cn_watch_repos.v[i];
		char *url = dg_collector_api(c, "/repos/%s/releases?per_page=30", repo);
		dg_collector_get(c, url, 0, on_watch_releases, gh_job_new(c, repo, news, NULL), gh_job_free);
		free(url);
	}
}

void dg_gh_watched_advisories(dg_collector *c, json_t *news)
{
	for (size_t i = 0; i < c->cfg->cn_watch_repos.n; i++) {
		const char *repo = c->cfg->cn_watch_repos.v[i];
		char *url = dg_collector_api(c, "/repos/%s/security-advisories?state=published&sort=published"
					     "&direction=desc&per_page=30", repo);
		dg_collector_get(c, url, 0, on_advisories, gh_job_new(c, repo, news, NULL), gh_job_free);
		free(url);
	}
}

void dg_gh_project_search(dg_collector *c, json_t *facts, json_t *projects)
{
	const dg_config *cfg = c->cfg;
	int y, m, d;
	char day[16];

	dg_date_local_ymd(c->since - (int64_t)cfg->cn_project_days * 86400, cfg->timezone, &y, &m, &d);
	snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m % 100, d % 100);
	for (size_t i = 0; i < cfg->cn_topics.n; i++) {
		dg_buf q = DG_BUF_INIT;
		char *enc, *url;

		dg_buf_printf(&q, "topic:%s stars:>=%d created:>=%s", cfg->cn_topics.v[i], cfg->cn_min_stars, day);
		(void)dg_url_encode(dg_buf_cstr(&q), &enc);
		url = dg_collector_api(c, "/search/repositories?q=%s&sort=stars&order=desc&per_page=20", enc);
		dg_collector_get(c, url, 0, on_topic_search, gh_job_new(c, dg_buf_cstr(&q), projects, facts),
				 gh_job_free);
		free(url);
		free(enc);
		dg_buf_free(&q);
	}
}

void dg_gh_repo_facts(dg_collector *c, const char *repo, json_t *facts)
{
	char *url = dg_collector_api(c, "/repos/%s", repo);

	dg_collector_get(c, url, 0, on_repo_facts, gh_job_new(c, repo, NULL, facts), gh_job_free);
	free(url);
}

void dg_gh_latest_release(dg_collector *c, const char *repo, json_t *latest)
{
	char *url = dg_collector_api(c, "/repos/%s/releases?per_page=100", repo);

	dg_collector_get(c, url, 0, on_latest, gh_job_new(c, repo, NULL, latest), gh_job_free);
	free(url);
}
