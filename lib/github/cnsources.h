/* cnsources.h - what the Cloud Native Weekly asks GitHub.
 *
 * Each call queues requests on the collector's HTTP client; the results are
 * in the given objects once dg_http_run has returned. A request that fails
 * counts as a failed source (a warning names it). Keys of `facts` and
 * `latest` are lower-case "owner/name". */
#ifndef DG_CNSOURCES_H
#define DG_CNSOURCES_H

#include <jansson.h>
#include "net/collector.h"

/* Releases of cnweekly.watch_repos published in the window (not drafts;
 * pre-releases only with cnweekly.include_prereleases) appended to `news`
 * as {"title","url","source","published","summary","language","kind":"release","repo","tag"}. */
void dg_gh_watched_releases(dg_collector *c, json_t *news);

/* Published security advisories of cnweekly.watch_repos
 * (GET /repos/{owner}/{repo}/security-advisories) published in the window,
 * appended to `news` as {"title"?,"url","source","published","summary",
 * "language","kind":"advisory","repo","repo_name","advisory" (CVE, else GHSA
 * id),"severity","cve"}. A repository without them (404) is no failure. */
void dg_gh_watched_advisories(dg_collector *c, json_t *news);

/* Projects of cnweekly.topics created within cnweekly.project_days before the
 * window, with at least cnweekly.min_stars: repository objects into `facts`,
 * candidates (dg_gh_project) appended to `projects`; forks and archived
 * repositories are left out. */
void dg_gh_project_search(dg_collector *c, json_t *facts, json_t *projects);

/* The repository object of `repo` into facts[lower(repo)]. */
void dg_gh_repo_facts(dg_collector *c, const char *repo, json_t *facts);

/* The release of `repo` that was latest at the window's end: the newest
 * final release (no draft, no pre-release) among its 100 most recent ones
 * published before `until`: latest[lower(repo)] = {"tag","url","published_at"},
 * or null when it had none then. */
void dg_gh_latest_release(dg_collector *c, const char *repo, json_t *latest);

/* A project candidate from a repository object: {"repo","name","url",
 * "description","stars","language","license","topics"} (new reference). */
json_t *dg_gh_project(json_t *repo);

#endif
