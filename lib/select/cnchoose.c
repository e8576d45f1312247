/* Choosing what a Cloud Native Weekly issue holds: the editor's picks, or
 * the best candidates; nothing an earlier issue published. */
#include "select/cnchoose.h"
#include "base/text.h"
#include "base/buf.h"
#include "base/jsonx.h"
#include "feeds/canon.h"
#include "github/cnsources.h"
#include "net/collector.h"
#include "base/date.h"
#include "select/semver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int dg_select_cmp_newest(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int r = strcmp(dg_json_str(b, "published"), dg_json_str(a, "published"));
	return r ? r : strcmp(dg_json_str(a, "url"), dg_json_str(b, "url"));
}

/* Larger first. */
static int cmp_int(json_t *a, json_t *b, const char *key)
{
	json_int_t x = json_integer_value(json_object_get(a, key)), y = json_integer_value(json_object_get(b, key));
	return x != y ? (x < y ? 1 : -1) : 0;
}

int dg_select_cmp_news(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int r = cmp_int(a, b, "significance");

	if (!r)
		r = cmp_int(a, b, "priority");
	return r ? r : dg_select_cmp_newest(pa, pb);
}

int dg_select_cmp_stars(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int r = cmp_int(a, b, "active");

	if (!r)
		r = cmp_int(a, b, "stars");
	return r ? r : strcasecmp(dg_json_str(a, "repo"), dg_json_str(b, "repo"));
}

/* "CVE-YYYY-NNNN…" in s: the identifier (new string), else NULL. */
static json_t *find_cve(const char *s)
{
	for (const char *p = s; (p = strstr(p, "CVE-")) != NULL; p++) {
		size_t n = 4, d = 0;
		while (p[n] >= '0' && p[n] <= '9' && d < 4)
			n++, d++;
		if (d != 4 || p[n] != '-')
			continue;
		for (n++, d = 0; p[n] >= '0' && p[n] <= '9'; n++)
			d++;
		if (d >= 4)
			return json_stringn(p, n);
	}
	return NULL;
}

static int release_significance(const char *tag)
{
	dg_semver v;

	dg_semver_parse(tag, &v);
	switch (dg_semver_kind_of(&v)) {
	case DG_SEMVER_MAJOR: return DG_SIG_MAJOR;
	case DG_SEMVER_MINOR: return DG_SIG_MINOR;
	case DG_SEMVER_PATCH: return DG_SIG_PATCH;
	case DG_SEMVER_PRE: return DG_SIG_PRE;
	default: return DG_SIG_OTHER_RELEASE;
	}
}

static int advisory_significance(const char *severity)
{
	if (!strcmp(severity, "critical"))
		return DG_SIG_CRITICAL;
	return !strcmp(severity, "high") ? DG_SIG_HIGH : DG_SIG_SECURITY;
}

void dg_select_rank_news(const dg_select_opts *o, json_t *news)
{
	size_t i, k;
	json_t *it, *cve;

	json_array_foreach(news, i, it) {
		const char *kind = dg_json_str(it, "kind");
		int sig = DG_SIG_FEED;

		if (!strcmp(kind, "release") || !strcmp(kind, "advisory")) {
			sig = *kind == 'r' ? release_significance(dg_json_str(it, "tag"))
					   : advisory_significance(dg_json_str(it, "severity"));
			/* Among equals, the order of cnweekly.watch_repos. */
			for (k = 0; k < o->watch_repos->n; k++)
				if (!strcasecmp(o->watch_repos->v[k], dg_json_str(it, "repo")))
					break;
			json_object_set_new(it, "priority", json_integer((json_int_t)(o->watch_repos->n - k)));
		} else if ((cve = find_cve(dg_json_str(it, "title"))) || (cve = find_cve(dg_json_str(it, "summary")))) {
			sig = DG_SIG_SECURITY;
			json_object_set_new(it, "cve", cve);
		}
		json_object_set_new(it, "significance", json_integer(sig));
	}
	dg_json_sort(news, dg_select_cmp_news);
}

void dg_select_rank_projects(const dg_select_opts *o, int64_t until, json_t *projects)
{
	size_t i;
	json_t *it;
	int64_t t;

	json_array_foreach(projects, i, it) {
		int active = dg_date_parse_rfc3339(dg_json_str(it, "pushed_at"), &t) == 0 &&
			     t >= until - (int64_t)o->project_days * 86400;
		json_object_set_new(it, "active", json_integer(active));
	}
	dg_json_sort(projects, dg_select_cmp_stars);
}

char *dg_select_key(json_t *item)
{
	const char *url = *dg_json_str(item, "url") ? dg_json_str(item, "url") : NULL;
	dg_buf gh = DG_BUF_INIT;   /* no cap: cannot fail */
	char *key;

	if (!url && *dg_json_str(item, "repo")) {
		dg_buf_printf(&gh, "https://github.com/%s", dg_json_str(item, "repo"));
		url = dg_buf_cstr(&gh);
	}
	key = dg_canon_url(url);
	dg_buf_free(&gh);
	return key;
}

/* Candidates not published by another issue and not repeated here; up to max. */
json_t *dg_select_auto(const dg_select *s, json_t *cands, int max, json_t *seen)
{
	json_t *out = json_array(), *it;
	size_t i;

	json_array_foreach(cands, i, it) {
		char *key;
		int elsewhere;
		if ((int)json_array_size(out) >= max)
			break;
		if (!(key = dg_select_key(it)))
			continue;
		elsewhere = dg_store_published_elsewhere(s->store, s->series, s->issue, key);
		if (elsewhere == 0 && !json_object_get(seen, key)) {
			json_object_set_new(seen, key, json_true());
			json_object_set_new(it, "key", json_string(key));
			json_array_append(out, it);
		}
		free(key);
	}
	return out;
}

static json_t *find_candidate(json_t *cands, const char *key)
{
	size_t i;
	json_t *it;

	json_array_foreach(cands, i, it) {
		char *k = dg_select_key(it);
		int same = k && !strcmp(k, key);
		free(k);
		if (same)
			return it;
	}
	return NULL;
}

/* The editor's items, completed from the candidates (or the API for
 * projects); an item an earlier issue published is left out with a warning. */
json_t *dg_select_editor(const dg_select *s, json_t *items, json_t *cands, const char *section,
			 json_t *seen)
{
	json_t *out = json_array(), *it;
	size_t i;

	json_array_foreach(items, i, it) {
		json_t *base, *item;
		char *key = dg_select_key(it), *lkey;

		if (!key) {
			dg_json_appendf(s->warnings, "%s:%lld: %s: '%s' is not an http(s) URL; left out", s->picks_path,
			     (long long)json_integer_value(json_object_get(it, "line")), section, dg_json_str(it, "url"));
			continue;
		}
		if (dg_store_published_elsewhere(s->store, s->series, s->issue, key) == 1 || json_object_get(seen, key)) {
			dg_json_appendf(s->warnings, "%s:%lld: %s %s was already published in an earlier issue; left out", s->picks_path,
			     (long long)json_integer_value(json_object_get(it, "line")), section, key);
			free(key);
			continue;
		}
		json_object_set_new(seen, key, json_true());
		if (!strcmp(section, "project")) {
			lkey = dg_text_lower(dg_json_str(it, "repo"));
			base = json_object_get(s->facts, lkey);
			free(lkey);
			item = base ? dg_gh_project(base) : json_pack("{s:s, s:s, s:s}", "repo", dg_json_str(it, "repo"),
				"name", dg_json_str(it, "repo"), "url", dg_json_str(it, "url"));
		} else {
			base = find_candidate(cands, key);
			item = base ? json_deep_copy(base)
				    : json_pack("{s:s, s:s, s:s, s:s}", "title", dg_json_str(it, "url"), "url", dg_json_str(it, "url"),
						"summary", "", "source", "");
		}
		if (*dg_json_str(it, "title"))
			json_object_set(item, "title", json_object_get(it, "title"));
		if (*dg_json_str(it, "headline"))
			json_object_set(item, !strcmp(section, "project") ? "name" : "title", json_object_get(it, "headline"));
		if (*dg_json_str(it, "paragraph"))
			json_object_set(item, "paragraph", json_object_get(it, "paragraph"));
		json_object_set_new(item, "key", json_string(key));
		json_array_append_new(out, item);
		free(key);
	}
	return out;
}
