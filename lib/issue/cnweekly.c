#include "issue/cnweekly.h"
#include "base/buf.h"
#include "feeds/canon.h"
#include "github/collect.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "feeds/feed.h"
#include "model/model.h"
#include "model/notes.h"
#include "issue/numbering.h"
#include "feeds/picks.h"
#include "render/render.h"
#include "config/toml.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KIND "cnweekly"

typedef struct cn {
	const dg_config *cfg;
	dg_http *http;
	dg_store *store;
	const dg_window *w;
	char api[1024];
	json_t *articles, *news, *projects;   /* candidates */
	json_t *facts;                        /* lower-case repo -> repository object */
	json_t *latest;                       /* lower-case repo -> latest release or null */
	json_t *warnings;
	int failed;
	int feeds_read, feeds_total;
} cn;

typedef struct cn_job {
	cn *c;
	char *name;              /* feed name or repo */
	char *category;
	char *language;
} cn_job;

static int zh(const dg_config *cfg)
{
	return !strcmp(cfg->language, "zh");
}

static void failed(cn *c, const char *what, const char *msg)
{
	c->failed++;
	dg_json_appendf(c->warnings, "%s: %s", what, msg);
}

static cn_job *job_new(cn *c, const char *name, const char *category, const char *language)
{
	cn_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->c = c;
	j->name = strdup(name ? name : "");
	j->category = strdup(category ? category : "");
	j->language = strdup(language ? language : "");
	return j;
}

static void job_free(cn_job *j)
{
	if (!j)
		return;
	free(j->name);
	free(j->category);
	free(j->language);
	free(j);
}

static void queue(cn *c, const char *url, int raw, dg_http_cb cb, cn_job *j)
{
	if (!j || (raw ? dg_http_get_raw(c->http, url, cb, j) : dg_http_get(c->http, url, cb, j)) < 0) {
		failed(c, url, j ? dg_err_last() : "out of memory");
		job_free(j);
	}
}

static void lower_copy(char *dst, size_t size, const char *s)
{
	size_t i = 0;

	for (; s[i] && i + 1 < size; i++)
		dst[i] = (char)tolower((unsigned char)s[i]);
	dst[i] = '\0';
}

/* ---- the feed list ---- */

static int load_feed_list(const dg_config *cfg, json_t **out)
{
	char *path = NULL;
	dg_toml *root = NULL;
	const dg_toml *arr;
	json_t *list;
	int err = 0, found;

	*out = NULL;
	if (cfg->cn_feeds) {
		if (!(path = strdup(cfg->cn_feeds)))
			return dg_err_set(DG_ERR_NOMEM, "out of memory");
	} else if ((found = dg_render_find_data(cfg, "cloud-native.toml", &path)) <= 0) {
		return found < 0 ? found : dg_err_set(DG_ERR_CONFIG,
			"the feed list feeds/cloud-native.toml was not found: set cnweekly.feeds");
	}
	if ((err = dg_toml_parse_file(path, &root)) < 0) {
		free(path);
		return DG_ERR_CONFIG;
	}
	list = json_array();
	for (size_t i = 0; i < dg_toml_count(root) && !err; i++)
		if (strcmp(dg_toml_key_at(root, i), "feed"))
			err = dg_err_set(DG_ERR_CONFIG, "%s:%d: unknown key '%s' (expected [[feed]])", path,
					 dg_toml_line(dg_toml_at(root, i)), dg_toml_key_at(root, i));
	arr = dg_toml_get(root, "feed");
	for (size_t i = 0; !err && arr && i < dg_toml_count(arr); i++) {
		const dg_toml *t = dg_toml_at(arr, i);
		json_t *f = json_object();
		for (size_t k = 0; k < dg_toml_count(t) && !err; k++) {
			const char *key = dg_toml_key_at(t, k);
			const dg_toml *v = dg_toml_at(t, k);
			size_t len;
			if (strcmp(key, "name") && strcmp(key, "url") && strcmp(key, "category") && strcmp(key, "language"))
				err = dg_err_set(DG_ERR_CONFIG, "%s:%d: unknown key 'feed.%s'", path, dg_toml_line(v), key);
			else if (dg_toml_type_of(v) != DG_TOML_STRING)
				err = dg_err_set(DG_ERR_CONFIG, "%s:%d: key 'feed.%s': expected string, got %s", path,
						 dg_toml_line(v), key, dg_toml_type_name(dg_toml_type_of(v)));
			else
				json_object_set_new(f, key, json_string(dg_toml_string(v, &len)));
		}
		if (!err && (!*dg_json_str(f, "url") || !*dg_json_str(f, "name")))
			err = dg_err_set(DG_ERR_CONFIG, "%s:%d: [[feed]] needs 'name' and 'url'", path, dg_toml_line(t));
		if (!err && strcmp(dg_json_str(f, "category"), "article") && strcmp(dg_json_str(f, "category"), "news"))
			err = dg_err_set(DG_ERR_CONFIG, "%s:%d: key 'feed.category': expected \"article\" or \"news\", got \"%s\"",
					 path, dg_toml_line(t), dg_json_str(f, "category"));
		json_array_append_new(list, f);
	}
	dg_toml_free(root);
	free(path);
	if (err < 0) {
		json_decref(list);
		return err;
	}
	*out = list;
	return 0;
}

/* ---- candidates ---- */

static void charset_of(const char *content_type, char *out, size_t size)
{
	const char *p = content_type ? strstr(content_type, "charset=") : NULL;
	size_t n = 0;

	out[0] = '\0';
	if (!p)
		return;
	p += 8;
	if (*p == '"')
		p++;
	while (p[n] && p[n] != '"' && p[n] != ';' && p[n] != ' ' && n + 1 < size)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
}

static void on_feed(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	cn_job *j = ud;
	cn *c = j->c;
	json_t *entries = NULL, *e;
	char *warning = NULL, charset[64], what[600];
	dg_feed_opts o = {0};
	size_t i;

	(void)h;
	snprintf(what, sizeof(what), "feed \"%s\"", j->name);
	if (err) {
		failed(c, what, msg);
		job_free(j);
		return;
	}
	charset_of(resp->content_type, charset, sizeof(charset));
	o.name = resp->url;
	o.base_url = resp->url;
	o.http_charset = *charset ? charset : NULL;
	o.summary_max = (size_t)c->cfg->cn_summary_length;
	if (dg_feed_parse(resp->body, resp->len, &o, &entries, &warning) < 0) {
		failed(c, what, dg_err_last());
		free(warning);
		job_free(j);
		return;
	}
	c->feeds_read++;
	if (warning)
		dg_json_appendf(c->warnings, "%s (%s) is malformed; read what could be recovered: %s", what, resp->url, warning);
	free(warning);
	json_array_foreach(entries, i, e) {
		int64_t t;
		const char *published = json_string_value(json_object_get(e, "published"));
		if (!published || dg_date_parse_rfc3339(published, &t) < 0 || t < c->w->since || t >= c->w->until)
			continue;
		if (!*dg_json_str(e, "link") || !*dg_json_str(e, "title"))
			continue;
		json_array_append_new(!strcmp(j->category, "news") ? c->news : c->articles,
			json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title", dg_json_str(e, "title"),
				  "url", dg_json_str(e, "link"), "source", j->name, "published", published,
				  "summary", dg_json_str(e, "summary"), "language", j->language, "kind", "feed"));
	}
	json_decref(entries);
	job_free(j);
}

static void on_watch_releases(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	cn_job *j = ud;
	cn *c = j->c;
	size_t i;
	json_t *r;

	(void)h;
	if (err || !json_is_array(resp->json)) {
		failed(c, j->name, err ? msg : "expected a JSON array of releases");
		job_free(j);
		return;
	}
	json_array_foreach(resp->json, i, r) {
		int64_t t;
		int truncated;
		json_t *notes;
		dg_buf summary = DG_BUF_INIT;
		char title[512];
		const char *short_name = strchr(j->name, '/') ? strchr(j->name, '/') + 1 : j->name;
		size_t k;
		json_t *line;

		if (json_is_true(json_object_get(r, "draft")) ||
		    (json_is_true(json_object_get(r, "prerelease")) && !c->cfg->cn_include_prereleases))
			continue;
		if (dg_date_parse_rfc3339(dg_json_str(r, "published_at"), &t) < 0 || t < c->w->since || t >= c->w->until)
			continue;
		notes = dg_notes_extract(dg_json_str(r, "body"), 3, 100, &truncated);
		json_array_foreach(notes, k, line)
			dg_buf_printf(&summary, "%s%s", k ? (zh(c->cfg) ? "；" : "; ") : "", json_string_value(line));
		json_decref(notes);
		if (dg_buf_error(&summary) < 0) {
			failed(c, j->name, dg_err_last());
			dg_buf_free(&summary);
			continue;
		}
		snprintf(title, sizeof(title), zh(c->cfg) ? "%s %s 发布" : "%s %s released", short_name,
			 *dg_json_str(r, "name") ? dg_json_str(r, "name") : dg_json_str(r, "tag_name"));
		json_array_append_new(c->news,
			json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title", title,
				  "url", dg_json_str(r, "html_url"), "source", j->name, "published", dg_json_str(r, "published_at"),
				  "summary", dg_buf_cstr(&summary), "language", "en", "kind", "release",
				  "repo", j->name, "tag", dg_json_str(r, "tag_name")));
		dg_buf_free(&summary);
	}
	job_free(j);
}

static json_t *project_from_repo(json_t *r)
{
	json_t *license = json_object_get(r, "license");
	json_t *topics = json_object_get(r, "topics");

	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:O}", "repo", dg_json_str(r, "full_name"),
			 "name", dg_json_str(r, "name"), "url", dg_json_str(r, "html_url"), "description", dg_json_str(r, "description"),
			 "stars", json_integer_value(json_object_get(r, "stargazers_count")),
			 "language", dg_json_str(r, "language"),
			 "license", json_is_object(license) ? dg_json_str(license, "spdx_id") : "",
			 "topics", json_is_array(topics) ? topics : json_array());
}

static void on_topic_search(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	cn_job *j = ud;
	cn *c = j->c;
	json_t *items = resp ? json_object_get(resp->json, "items") : NULL, *r;
	size_t i;

	(void)h;
	if (err || !json_is_array(items)) {
		failed(c, j->name, err ? msg : "expected a search result with \"items\"");
		job_free(j);
		return;
	}
	json_array_foreach(items, i, r) {
		char key[300];
		lower_copy(key, sizeof(key), dg_json_str(r, "full_name"));
		if (json_is_true(json_object_get(r, "fork")) || json_is_true(json_object_get(r, "archived")) ||
		    json_object_get(c->facts, key))
			continue;
		json_object_set(c->facts, key, r);
		json_array_append_new(c->projects, project_from_repo(r));
	}
	job_free(j);
}

static void on_repo_facts(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	cn_job *j = ud;
	cn *c = j->c;
	char key[300];

	(void)h;
	lower_copy(key, sizeof(key), j->name);
	if (err || !json_is_object(resp->json))
		failed(c, j->name, err == DG_HTTP_ERR_NOT_FOUND ? "repository not found (editor's picks)" :
		       err ? msg : "expected a repository object");
	else
		json_object_set(c->facts, key, resp->json);
	job_free(j);
}

static void on_latest(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	cn_job *j = ud;
	cn *c = j->c;
	char key[300];

	(void)h;
	lower_copy(key, sizeof(key), j->name);
	if (err == DG_HTTP_ERR_NOT_FOUND) {
		json_object_set_new(c->latest, key, json_null()); /* no release yet: not an error */
	} else if (err || !json_is_object(resp->json)) {
		failed(c, j->name, err ? msg : "expected a release object");
	} else {
		json_object_set_new(c->latest, key,
			json_pack("{s:s, s:s, s:s}", "tag", dg_json_str(resp->json, "tag_name"),
				  "url", dg_json_str(resp->json, "html_url"), "published_at", dg_json_str(resp->json, "published_at")));
	}
	job_free(j);
}

/* ---- ordering and selection ---- */

static int cmp_newest(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int r = strcmp(dg_json_str(b, "published"), dg_json_str(a, "published"));
	return r ? r : strcmp(dg_json_str(a, "url"), dg_json_str(b, "url"));
}

static int cmp_news(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int ra = !strcmp(dg_json_str(a, "kind"), "release"), rb = !strcmp(dg_json_str(b, "kind"), "release");
	return ra != rb ? rb - ra : cmp_newest(pa, pb);
}

static int cmp_stars(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	json_int_t x = json_integer_value(json_object_get(a, "stars"));
	json_int_t y = json_integer_value(json_object_get(b, "stars"));
	return x != y ? (x < y ? 1 : -1) : strcasecmp(dg_json_str(a, "repo"), dg_json_str(b, "repo"));
}

static char *item_key(json_t *item)
{
	const char *url = *dg_json_str(item, "url") ? dg_json_str(item, "url") : NULL;
	char gh[400];

	if (!url && *dg_json_str(item, "repo")) {
		snprintf(gh, sizeof(gh), "https://github.com/%s", dg_json_str(item, "repo"));
		url = gh;
	}
	return dg_canon_url(url);
}

/* Candidates not published by another issue and not repeated here; up to max. */
static json_t *pick_auto(cn *c, json_t *cands, int max, const char *issue, json_t *seen)
{
	json_t *out = json_array(), *it;
	size_t i;

	json_array_foreach(cands, i, it) {
		char *key;
		int elsewhere;
		if ((int)json_array_size(out) >= max)
			break;
		if (!(key = item_key(it)))
			continue;
		elsewhere = dg_store_published_elsewhere(c->store, KIND, issue, key);
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
		char *k = item_key(it);
		int same = k && !strcmp(k, key);
		free(k);
		if (same)
			return it;
	}
	return NULL;
}

/* The editor's items, completed from the candidates (or the API for
 * projects); an item an earlier issue published is left out with a warning. */
static json_t *pick_editor(cn *c, json_t *items, json_t *cands, const char *section, const char *picks_path,
			   const char *issue, json_t *seen)
{
	json_t *out = json_array(), *it;
	size_t i;

	json_array_foreach(items, i, it) {
		json_t *base, *item;
		char *key = item_key(it);
		char lkey[300];

		if (!key) {
			dg_json_appendf(c->warnings, "%s:%lld: %s: '%s' is not an http(s) URL; left out", picks_path,
			     (long long)json_integer_value(json_object_get(it, "line")), section, dg_json_str(it, "url"));
			continue;
		}
		if (dg_store_published_elsewhere(c->store, KIND, issue, key) == 1 || json_object_get(seen, key)) {
			dg_json_appendf(c->warnings, "%s:%lld: %s %s was already published in an earlier issue; left out", picks_path,
			     (long long)json_integer_value(json_object_get(it, "line")), section, key);
			free(key);
			continue;
		}
		json_object_set_new(seen, key, json_true());
		if (!strcmp(section, "project")) {
			lower_copy(lkey, sizeof(lkey), dg_json_str(it, "repo"));
			base = json_object_get(c->facts, lkey);
			item = base ? project_from_repo(base) : json_pack("{s:s, s:s, s:s}", "repo", dg_json_str(it, "repo"),
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

/* ---- the model ---- */

static void decorate(cn *c, json_t *list)
{
	size_t i;
	json_t *it;

	json_array_foreach(list, i, it) {
		char key[300];
		json_object_set_new(it, "has_paragraph", json_boolean(*dg_json_str(it, "paragraph") != '\0'));
		json_object_set_new(it, "has_summary", json_boolean(*dg_json_str(it, "summary") != '\0'));
		if (*dg_json_str(it, "published")) {
			int64_t t = 0;
			char date[16];
			dg_date_parse_rfc3339(dg_json_str(it, "published"), &t);
			dg_model_local_date(c->cfg, t, date);
			json_object_set_new(it, "date", json_string(date));
		}
		if (*dg_json_str(it, "repo") && json_object_get(it, "stars")) {
			lower_copy(key, sizeof(key), dg_json_str(it, "repo"));
			json_object_set(it, "latest_release", json_object_get(c->latest, key) ?
					json_object_get(c->latest, key) : json_null());
			json_object_set_new(it, "has_latest_release",
					    json_boolean(json_is_object(json_object_get(c->latest, key))));
			json_object_set_new(it, "has_description", json_boolean(*dg_json_str(it, "description") != '\0'));
			json_object_set_new(it, "has_language", json_boolean(*dg_json_str(it, "language") != '\0'));
			json_object_set_new(it, "has_license", json_boolean(*dg_json_str(it, "license") != '\0' &&
									strcmp(dg_json_str(it, "license"), "NOASSERTION")));
		}
	}
}

static json_t *build_model(cn *c, json_t *projects, json_t *articles, json_t *news, const char *headline_in,
			   int number)
{
	const dg_config *cfg = c->cfg;
	char title[1024], headline[512], desc[1024];
	json_t *m_, *fm, *period = dg_model_period(cfg, c->w);
	const char *base_title = cfg->cn_title ? cfg->cn_title : (zh(cfg) ? "云原生周刊" : "Cloud Native Weekly");
	const char *date_dots = dg_json_str(period, "date"), *created = dg_json_str(period, "created");

	if (headline_in && *headline_in)
		snprintf(headline, sizeof(headline), "%s", headline_in);
	else if (json_array_size(news))
		snprintf(headline, sizeof(headline), "%s", dg_json_str(json_array_get(news, 0), "title"));
	else if (json_array_size(projects))
		snprintf(headline, sizeof(headline), "%s", dg_json_str(json_array_get(projects, 0), "name"));
	else
		snprintf(headline, sizeof(headline), "%s", zh(cfg) ? "本周精选" : "This week");
	if (zh(cfg))
		snprintf(title, sizeof(title), "%s：%s | 第 %d 期 | %s", base_title, headline, number, date_dots);
	else
		snprintf(title, sizeof(title), "%s: %s | No. %d | %s", base_title, headline, number, date_dots);
	decorate(c, projects);
	decorate(c, articles);
	decorate(c, news);
	m_ = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:o, s:o}",
		       "kind", KIND, "title", title, "headline", headline, "series", base_title, "number", number,
		       "language", cfg->language, "window", dg_model_window(cfg, c->w), "period", period);
	json_object_set(m_, "projects", projects);
	json_object_set(m_, "articles", articles);
	json_object_set(m_, "news", news);
	json_object_set_new(m_, "intro", json_string(cfg->cn_intro ? cfg->cn_intro : ""));
	json_object_set_new(m_, "footer", json_string(cfg->cn_footer ? cfg->cn_footer :
						      cfg->footer ? cfg->footer : ""));
	json_object_set_new(m_, "stats", json_pack("{s:I, s:I, s:I, s:i, s:i}",
		"projects", (json_int_t)json_array_size(projects), "articles", (json_int_t)json_array_size(articles),
		"news", (json_int_t)json_array_size(news), "feeds", c->feeds_total, "feeds_read", c->feeds_read));
	json_object_set_new(m_, "has", json_pack("{s:b, s:b, s:b, s:b, s:b}",
		"projects", json_array_size(projects) > 0, "articles", json_array_size(articles) > 0,
		"news", json_array_size(news) > 0, "intro", cfg->cn_intro && *cfg->cn_intro,
		"footer", json_string_length(json_object_get(m_, "footer")) > 0));
	fm = json_object();
	{
		char fm_title[1024];
		snprintf(fm_title, sizeof(fm_title), zh(cfg) ? "%s：%s | %s" : "%s: %s | %s", base_title, headline,
			 date_dots);
		dg_model_set_yaml(fm, "title", fm_title);
	}
	dg_model_set_yaml(fm, "tag", zh(cfg) ? "云原生周刊" : "Cloud Native Weekly");
	dg_model_set_yaml(fm, "keywords", zh(cfg) ? "Kubernetes, 云原生, 周刊" : "Kubernetes, cloud native, weekly");
	snprintf(desc, sizeof(desc), zh(cfg) ? "第 %d 期：%s" : "No. %d: %s", number, headline);
	dg_model_set_yaml(fm, "description", desc);
	dg_model_set_yaml(fm, "createTime", created);
	dg_model_set_yaml(fm, "author", cfg->author);
	dg_model_set_yaml(fm, "snapshot", cfg->cover_image ? cfg->cover_image : "");
	json_object_set_new(m_, "front_matter", fm);
	dg_model_add_links(cfg, m_);
	dg_model_sanitize_urls(m_);
	return m_;
}

char *dg_cnweekly_picks_path(const dg_config *cfg, const dg_window *w)
{
	size_t n = strlen(cfg->cn_picks_dir) + strlen(w->label) + 8;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s.toml", cfg->cn_picks_dir, w->label);
	return p;
}

int dg_cnweekly_build(const dg_config *cfg, dg_http *http, dg_store *store, const dg_window *w, int record,
		      dg_cnweekly_result *out)
{
	cn c = {0};
	json_t *feeds = NULL, *picks = NULL, *seen = NULL, *f;
	json_t *sel_projects = NULL, *sel_articles = NULL, *sel_news = NULL;
	char *picks_path = NULL, url[2048];
	size_t i, len;
	int err = 0, number = 0, have_picks;

	memset(out, 0, sizeof(*out));
	c.cfg = cfg;
	c.http = http;
	c.store = store;
	c.w = w;
	snprintf(c.api, sizeof(c.api), "%s", cfg->api_url);
	len = strlen(c.api);
	while (len && c.api[len - 1] == '/')
		c.api[--len] = '\0';
	c.articles = json_array();
	c.news = json_array();
	c.projects = json_array();
	c.facts = json_object();
	c.latest = json_object();
	c.warnings = json_array();

	if ((err = load_feed_list(cfg, &feeds)) < 0)
		goto done;
	if (!(picks_path = dg_cnweekly_picks_path(cfg, w))) {
		err = dg_err_set(DG_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((have_picks = dg_picks_load(picks_path, &picks)) < 0) {
		err = have_picks;
		goto done;
	}

	/* Stage 1: feeds, watched releases, project searches, editor's projects. */
	c.feeds_total = (int)json_array_size(feeds);
	json_array_foreach(feeds, i, f)
		queue(&c, dg_json_str(f, "url"), 1, on_feed, job_new(&c, dg_json_str(f, "name"), dg_json_str(f, "category"), dg_json_str(f, "language")));
	for (i = 0; i < cfg->cn_watch_repos.n; i++) {
		snprintf(url, sizeof(url), "%s/repos/%s/releases?per_page=30", c.api, cfg->cn_watch_repos.v[i]);
		queue(&c, url, 0, on_watch_releases, job_new(&c, cfg->cn_watch_repos.v[i], NULL, NULL));
	}
	if (!have_picks && cfg->cn_max_projects > 0) {
		int y, m, d;
		char day[16], q[512], *enc = NULL;
		dg_date_local_ymd(w->since - (int64_t)cfg->cn_project_days * 86400, cfg->timezone, &y, &m, &d);
		snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m % 100, d % 100);
		for (i = 0; i < cfg->cn_topics.n; i++) {
			snprintf(q, sizeof(q), "topic:%s stars:>=%d created:>=%s", cfg->cn_topics.v[i], cfg->cn_min_stars, day);
			if (dg_url_encode(q, &enc) < 0)
				continue;
			snprintf(url, sizeof(url), "%s/search/repositories?q=%s&sort=stars&order=desc&per_page=20", c.api, enc);
			free(enc);
			queue(&c, url, 0, on_topic_search, job_new(&c, q, NULL, NULL));
		}
	}
	if (have_picks) {
		json_t *p;
		json_array_foreach(json_object_get(picks, "projects"), i, p) {
			if (!*dg_json_str(p, "repo"))
				continue;
			snprintf(url, sizeof(url), "%s/repos/%s", c.api, dg_json_str(p, "repo"));
			queue(&c, url, 0, on_repo_facts, job_new(&c, dg_json_str(p, "repo"), NULL, NULL));
		}
	}
	if ((err = dg_http_run(http)) < 0)
		goto done;
	dg_json_sort(c.articles, cmp_newest);
	dg_json_sort(c.news, cmp_news);
	dg_json_sort(c.projects, cmp_stars);

	/* Stage 2: choose. */
	seen = json_object();
	if (have_picks) {
		sel_projects = pick_editor(&c, json_object_get(picks, "projects"), c.projects, "project", picks_path, w->label, seen);
		sel_articles = pick_editor(&c, json_object_get(picks, "articles"), c.articles, "article", picks_path, w->label, seen);
		sel_news = pick_editor(&c, json_object_get(picks, "news"), c.news, "news", picks_path, w->label, seen);
	} else {
		sel_projects = pick_auto(&c, c.projects, cfg->cn_max_projects, w->label, seen);
		sel_news = pick_auto(&c, c.news, cfg->cn_max_news, w->label, seen);
		sel_articles = pick_auto(&c, c.articles, cfg->cn_max_articles, w->label, seen);
	}
	/* Stage 3: facts of the chosen projects: their latest release. */
	{
		json_t *p;
		json_array_foreach(sel_projects, i, p) {
			if (!*dg_json_str(p, "repo"))
				continue;
			snprintf(url, sizeof(url), "%s/repos/%s/releases/latest", c.api, dg_json_str(p, "repo"));
			queue(&c, url, 0, on_latest, job_new(&c, dg_json_str(p, "repo"), NULL, NULL));
		}
	}
	if ((err = dg_http_run(http)) < 0)
		goto done;
	{
		dg_numbering nb = {KIND, w->label, w->since, cfg->cn_reference_date, cfg->cn_reference_number,
				   cfg->cn_period_weeks, cfg->timezone};
		if ((err = dg_issue_number(store, &nb, record, &number)) < 0)
			goto done;
	}
	if (record) {
		/* What this issue publishes: cleared first so a re-render is the same issue. */
		json_t *lists[3] = {sel_projects, sel_articles, sel_news}, *it;
		if ((err = dg_store_begin(store)) < 0 || (err = dg_store_published_clear(store, KIND, w->label)) < 0)
			goto done;
		for (int l = 0; l < 3 && !err; l++)
			json_array_foreach(lists[l], i, it)
				if ((err = dg_store_published_add(store, KIND, w->label, dg_json_str(it, "key"))) < 0)
					break;
		if (err < 0 || (err = dg_store_commit(store)) < 0) {
			dg_store_rollback(store);
			goto done;
		}
	}
	out->model = build_model(&c, sel_projects, sel_articles, sel_news,
				 picks ? json_string_value(json_object_get(picks, "headline")) : NULL, number);
	json_object_set(out->model, "warnings", c.warnings);
	{
		/* A draft offers more than an issue holds, never what was published. */
		json_t *draft_seen = json_object();
		out->candidates = json_pack("{s:s, s:o, s:o, s:o}", "headline", "",
			"projects", pick_auto(&c, c.projects, 3 * cfg->cn_max_projects, w->label, draft_seen),
			"articles", pick_auto(&c, c.articles, 3 * cfg->cn_max_articles, w->label, draft_seen),
			"news", pick_auto(&c, c.news, 3 * cfg->cn_max_news, w->label, draft_seen));
		json_decref(draft_seen);
	}
	out->failed_sources = c.failed;
	if (c.feeds_total && !c.feeds_read)
		dg_json_appendf(c.warnings, "no feed could be read");
done:
	json_decref(feeds);
	json_decref(picks);
	json_decref(seen);
	json_decref(sel_projects);
	json_decref(sel_articles);
	json_decref(sel_news);
	free(picks_path);
	json_decref(c.articles);
	json_decref(c.news);
	json_decref(c.projects);
	json_decref(c.facts);
	json_decref(c.latest);
	json_decref(c.warnings);
	return err;
}
