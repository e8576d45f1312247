/* collect.c - the community collector's entry: queue the stages, run them,
 * assemble the data. The stages are in repos.c, releases.c, pulls.c,
 * eventlist.c, contributors.c and newcomers.c (collectint.h), their shared
 * tools in ghkit.c; a stage that finishes hands on to the next through the
 * collect struct's after_* pointers, never by calling this file. */
#include "github/collect.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "github/collectint.h"
#include "base/progress.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- assembling ---- */

static int cmp_str_field(json_t *a, json_t *b, const char *k)
{
	return strcmp(dg_json_str(a, k), dg_json_str(b, k));
}

static int cmp_int_field(json_t *a, json_t *b, const char *k)
{
	json_int_t x = json_integer_value(json_object_get(a, k)), y = json_integer_value(json_object_get(b, k));
	return x < y ? -1 : x > y;
}

static int cmp_release(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int64_t ta = 0, tb = 0;
	int r;

	dg_date_parse_rfc3339(dg_json_str(a, "published_at"), &ta);
	dg_date_parse_rfc3339(dg_json_str(b, "published_at"), &tb);
	if (ta != tb)
		return ta < tb ? -1 : 1;
	if ((r = cmp_str_field(a, b, "repo")))
		return r;
	return cmp_str_field(a, b, "tag");
}

static int cmp_pull(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int64_t ta = 0, tb = 0;
	int r;

	dg_date_parse_rfc3339(dg_json_str(a, "merged_at"), &ta);
	dg_date_parse_rfc3339(dg_json_str(b, "merged_at"), &tb);
	if (ta != tb)
		return ta < tb ? -1 : 1;
	if ((r = cmp_str_field(a, b, "repo")))
		return r;
	return cmp_int_field(a, b, "number");
}

static int cmp_event(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int r = cmp_str_field(a, b, "date_utc");

	if (r)
		return r;
	if ((r = cmp_str_field(a, b, "repo")))
		return r;
	return cmp_int_field(a, b, "number");
}

static int cmp_login(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	return dg_collect_cmp_login(dg_json_str(a, "login"), dg_json_str(b, "login"));
}

static int cmp_contributor(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int r = -cmp_int_field(a, b, "pulls");
	return r ? r : cmp_login(pa, pb);
}

static int cmp_repo(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	return dg_collect_cmp_login(dg_json_str(a, "full_name"), dg_json_str(b, "full_name"));
}

/* Oldest first, then by URL: a stable order whatever the server's. */
static int cmp_created(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int r = strcmp(dg_json_str(a, "created_at"), dg_json_str(b, "created_at"));

	return r ? r : strcmp(dg_json_str(a, "url"), dg_json_str(b, "url"));
}

/* A new array holding `src`'s elements sorted; src keeps its references. */
static json_t *sorted(json_t *src, int (*cmp)(const void *, const void *))
{
	json_t *out = json_copy(src);

	dg_json_sort(out, cmp);
	return out;
}

static json_t *object_values(json_t *obj)
{
	json_t *arr = json_array(), *v;
	const char *k;

	json_object_foreach(obj, k, v)
		json_array_append(arr, v);
	return arr;
}

/* The user objects' fields go; whether the author is a bot stays (the
 * highlights and the products' activity count people only). */
static void strip_private(const dg_config *cfg, json_t *pulls)
{
	size_t i;
	json_t *p;

	json_array_foreach(pulls, i, p) {
		json_object_set_new(p, "bot", json_boolean(dg_collect_is_bot(cfg, dg_json_str(p, "author"),
									     dg_json_str(p, "author_type"))));
		json_object_del(p, "author_type");
		json_object_del(p, "author_url");
		json_object_del(p, "author_avatar");
		json_object_del(p, "author_id");
	}
}

static void after_pulls(collect *c)
{
	json_t *all;

	if (c->contributors_started)
		return;
	c->contributors_started = 1;
	all = object_values(c->pulls);
	c->pulls_sorted = sorted(all, cmp_pull);
	json_decref(all);
	dg_authors_build(&c->authors, c->base.cfg, c->pulls_sorted);
	if (c->merged_over) {
		/* Some merged pulls were never read: nobody's first is known. */
		for (size_t i = 0; i < c->authors.n; i++)
			c->authors.v[i].search_failed = 1;
		return;
	}
	dg_newcomers_search(&c->newcomers, c->groups);
}

static void after_repos(collect *c)
{
	const dg_config *cfg = c->base.cfg;
	json_t *early;

	if (c->repos_done)
		return;
	c->repos_done = 1;
	if (cfg->orgs.n + cfg->repos.n > 0 && json_object_size(c->repos) == 0 &&
	    json_array_size(c->base.failures)) {
		c->repos_failed = 1;
		return;
	}
	dg_progress_phase("releases, pulls, events");
	dg_releases_queue(c);
	dg_eventlist_queue(c);
	early = c->merged_early;
	c->merged_early = NULL;
	if (early)
		dg_pulls_record(c, early);
	json_decref(early);
	if (c->merged_pending == 0)
		after_pulls(c);
}

/* The model (dg_collect_result.data) from what the stages collected (after
 * after_pulls: c->pulls_sorted is set). */
static json_t *assemble(collect *c)
{
	json_t *repos = object_values(c->repos);
	json_t *authors = dg_authors_model(&c->authors);
	json_t *data;

	strip_private(c->base.cfg, c->pulls_sorted);
	data = json_pack("{s:o, s:o, s:O, s:o, s:o, s:{s:o, s:o}, s:O}",
		"repos", sorted(repos, cmp_repo),
		"releases", sorted(c->releases, cmp_release),
		"merged_pulls", c->pulls_sorted,
		"contributors", sorted(authors, cmp_contributor),
		"new_contributors", sorted(c->newcomers.found, cmp_login),
		"events", "past", sorted(c->events_past, cmp_event),
		"upcoming", sorted(c->events_upcoming, cmp_event),
		"warnings", c->base.warnings);
	{
		json_t *first = dg_goodfirst_model(c);

		dg_json_sort(first, cmp_created);
		json_object_set_new(data, "good_first_issues", first);
	}
	if (c->org)
		json_object_set(data, "org", c->org);
	json_decref(repos);
	json_decref(authors);
	return data;
}

int dg_collect_community(const dg_config *cfg, dg_http *http, dg_store *store, int64_t since,
			 int64_t until, dg_collect_result *out)
{
	collect c;
	int err = 0;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	(void)dg_collector_init(&c.base, cfg, http, store, since, until);   /* 0 */
	dg_newcomers_init(&c.newcomers, &c.base, &c.authors);
	c.after_repos = after_repos;
	c.after_pulls = after_pulls;
	c.repos = json_object();
	c.releases = json_array();
	c.pulls = json_object();
	c.events_past = json_array();
	c.events_upcoming = json_array();
	c.good_first = json_object();

	/* Stages 1 and 2 in one run: the merged-PR searches (the critical path:
	 * the contributor searches wait for them) need only the config, so they
	 * start with the repository listings; the releases and events follow the
	 * last listing (dg_collect_repos_done). */
	dg_progress_phase("repos, pulls");
	c.groups = dg_scope_groups(&cfg->orgs, &cfg->repos);
	{
		size_t ngroups = 0;

		while (c.groups[ngroups])
			ngroups++;
		c.merged_budget = dg_pulls_budget(ngroups, since, until);
	}
	for (size_t g = 0; c.groups[g]; g++)
		dg_pulls_search(&c, c.groups[g], since, until);
	dg_repos_queue(&c);
	dg_goodfirst_queue(&c);
	if ((err = dg_http_run(http)) < 0)
		goto done;
	if (!c.repos_done) {
		/* A listing could not be queued: nothing else will say it is done. */
		after_repos(&c);
		if ((err = dg_http_run(http)) < 0)
			goto done;
	}
	if (c.repos_failed) {
		/* The listings' failure, not a search's that ran beside them. */
		err = dg_err_set(DG_ERR_FAIL, "%s", json_string_value(json_array_get(c.base.warnings,
				 c.repos_warning ? c.repos_warning - 1 : 0)));
		goto done;
	}

	/* Stage 3: contributors (usually started as the last merged page came in). */
	dg_progress_phase("contributors");
	after_pulls(&c);
	if ((err = dg_http_run(http)) < 0)
		goto done;
	dg_newcomers_settle(&c.newcomers);

	out->data = assemble(&c);
	out->failures = json_incref(c.base.failures);
done:
	dg_scope_groups_free(c.groups);
	dg_newcomers_clear(&c.newcomers);
	dg_authors_clear(&c.authors);
	json_decref(c.pulls_sorted);
	json_decref(c.merged_early);
	json_decref(c.repos);
	json_decref(c.org);
	json_decref(c.releases);
	json_decref(c.pulls);
	json_decref(c.events_past);
	json_decref(c.events_upcoming);
	json_decref(c.good_first);
	dg_collector_clear(&c.base);
	return err;
}
