#include "model/model.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/text.h"
#include "model/lang.h"
#include "model/modelint.h"
#include "select/highlights.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Local calendar date of an RFC 3339 time, "YYYY-MM-DD". */
void dg_model_local_date(const dg_config *cfg, int64_t t, char out[16])
{
	int y, m, d;

	if (dg_date_local_ymd(t, cfg->timezone, &y, &m, &d) < 0)
		y = 1970, m = d = 1;
	snprintf(out, 16, "%04d-%02d-%02d", y, m % 100, d % 100);
}

char *dg_model_say_date(const dg_config *cfg, const dg_lang *lang, int64_t t, int *err)
{
	int y, mo, d;
	char year[16], month2[8], day2[8];

	if (dg_date_local_ymd(t, cfg->timezone, &y, &mo, &d) < 0)
		y = 1970, mo = d = 1;
	snprintf(year, sizeof(year), "%04d", y);
	snprintf(month2, sizeof(month2), "%02d", mo % 100);
	snprintf(day2, sizeof(day2), "%02d", d % 100);
	return dg_lang_say(lang, "common.date", json_pack("{s:s, s:i, s:i, s:s, s:s}", "year", year, "month", mo,
							  "day", d, "month2", month2, "day2", day2), err);
}

int dg_model_period_text(const dg_config *cfg, const dg_lang *lang, const dg_window *w, json_t *period)
{
	int err = 0;
	char *first = dg_model_say_date(cfg, lang, w->since, &err);
	char *last = dg_model_say_date(cfg, lang, w->until - 1, &err);
	char *range = dg_lang_say(lang, "common.range", json_pack("{s:s?, s:s?}", "first", first, "last", last), &err);

	if (err >= 0) {
		json_object_set_new(period, "first_text", json_string(first));
		json_object_set_new(period, "last_text", json_string(last));
		json_object_set_new(period, "range_text", json_string(range));
	}
	free(first);
	free(last);
	free(range);
	return err;
}

json_t *dg_model_window(const dg_config *cfg, const dg_window *w)
{
	char since[DG_DATE_RFC3339_LEN], until[DG_DATE_RFC3339_LEN];

	dg_date_format_utc(w->since, since);
	dg_date_format_utc(w->until, until);
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "since", since, "until", until,
			 "week", w->week_label, "label", w->label, "weeks", w->weeks,
			 "timezone", cfg->timezone);
}

/* "2021.12.06-2021.12.12" style dates of the period (last day inclusive). */
json_t *dg_model_period(const dg_config *cfg, const dg_window *w)
{
	char first[16], last[16], created[16], dots[48], issue_date[24];

	dg_model_local_date(cfg, w->since, first);
	dg_model_local_date(cfg, w->until - 1, last);
	dg_model_local_date(cfg, w->until, created);
	snprintf(dots, sizeof(dots), "%.4s.%.2s.%.2s-%.4s.%.2s.%.2s", first, first + 5, first + 8,
		 last, last + 5, last + 8);
	/* The issue's date as titles write it: "2021.10.18", no zero padding. */
	snprintf(issue_date, sizeof(issue_date), "%d.%d.%d", atoi(created), atoi(created + 5), atoi(created + 8));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "first_day", first, "last_day", last,
			 "created", created, "range", dots, "date", issue_date, "biweekly", w->weeks == 2);
}

/* YAML single-quoted scalar body: ' doubles, newlines become spaces. */
static char *yaml_quote(const char *s)
{
	size_t n = 0;
	char *out, *o;

	for (const char *p = s; *p; p++)
		n += *p == '\'' ? 2 : 1;
	if (!(out = malloc(n + 1)))
		return NULL;
	for (o = out; *s; s++) {
		if (*s == '\'')
			*o++ = '\'';
		*o++ = (*s == '\n' || *s == '\r') ? ' ' : *s;
	}
	*o = '\0';
	return out;
}

void dg_model_set_yaml(json_t *obj, const char *key, const char *value)
{
	char *q = yaml_quote(value ? value : "");

	json_object_set_new(obj, key, json_string(q ? q : ""));
	free(q);
}

/* A new string holding b's text, "" when b is in error or the text is not
 * valid UTF-8 (a value built from outside text never goes missing). */
static json_t *buf_string(const dg_buf *b)
{
	json_t *s = dg_buf_error(b) < 0 ? NULL : json_stringn(dg_buf_cstr(b), b->len);

	return s ? s : json_string("");
}

char *dg_model_preview_title(const dg_lang *lang, const dg_window *w, char *title, int *err)
{
	char *marked;

	if (!title || !w->in_progress || *err < 0)
		return title;
	marked = dg_lang_say(lang, "common.preview", json_pack("{s:s}", "title", title), err);
	free(title);
	return marked;
}

/* digest.community, else the org's display name from its profile (in the
 * collected data), else the first org's login. */
static const char *community_name(const dg_config *cfg, json_t *data)
{
	const char *profile = dg_json_str(json_object_get(data, "org"), "name");

	if (cfg->community && *cfg->community)
		return cfg->community;
	if (*profile)
		return profile;
	if (cfg->orgs.n)
		return cfg->orgs.v[0];
	return cfg->repos.n ? cfg->repos.v[0] : "digest";
}

/* Events' local time ("when") and place in the language's words; 0 or <0. */
static int decorate_events(const dg_config *cfg, const dg_lang *lang, json_t *list)
{
	size_t i;
	json_t *e;
	int err = 0;
	char *online_word = dg_lang_say(lang, "events.online", json_object(), &err);

	json_array_foreach(list, i, e) {
		int64_t t = 0;
		int y, mo, d;
		char *when = NULL;
		const char *loc = dg_json_str(e, "location");
		int online = !strcasecmp(loc, "online") || (online_word && !strcmp(loc, online_word));

		dg_date_parse_rfc3339(dg_json_str(e, "date_utc"), &t);
		{
			/* hours and minutes of the local time */
			int64_t midnight = 0;
			char day[16];
			dg_date_local_ymd(t, cfg->timezone, &y, &mo, &d);
			snprintf(day, sizeof(day), "%04d-%02d-%02d", y, mo % 100, d % 100);
			dg_date_parse_day(day, cfg->timezone, &midnight);
			int mins = (int)((t - midnight) / 60);
			char year[16], month2[8], day2[8], hour[8], minute[8];
			snprintf(year, sizeof(year), "%04d", y);
			snprintf(month2, sizeof(month2), "%02d", mo % 100);
			snprintf(day2, sizeof(day2), "%02d", d % 100);
			snprintf(hour, sizeof(hour), "%02d", mins / 60 % 100);
			snprintf(minute, sizeof(minute), "%02d", mins % 60);
			when = dg_lang_say(lang, "events.time",
					   json_pack("{s:s, s:i, s:i, s:s, s:s, s:s, s:s}", "year", year, "month", mo,
						     "day", d, "month2", month2, "day2", day2, "hour", hour,
						     "minute", minute), &err);
		}
		json_object_set_new(e, "when", json_string(when ? when : ""));
		json_object_set_new(e, "place", json_string(online && online_word ? online_word : loc));
		json_object_set_new(e, "has_link", json_boolean(*dg_json_str(e, "link") != '\0'));
		json_object_set_new(e, "has_place", json_boolean(*loc != '\0'));
		free(when);
	}
	free(online_word);
	return err;
}

/* Certificate link: per-person override, else the pattern, else the SVG
 * digest writes beside the report. */
static void decorate_new_contributors(const dg_config *cfg, json_t *list)
{
	dg_buf url = DG_BUF_INIT, svg = DG_BUF_INIT, small = DG_BUF_INIT;
	size_t i;
	json_t *n;

	json_array_foreach(list, i, n) {
		const char *login = dg_json_str(n, "login");
		/* A small avatar: GitHub serves any size on request. */
		const char *a = dg_json_str(n, "avatar_url");

		dg_buf_free(&url);
		dg_buf_free(&svg);
		dg_buf_free(&small);
		for (size_t k = 0; k < cfg->certificates.n; k++)
			if (!strcasecmp(cfg->certificates.keys[k], login)) {
				dg_buf_clear(&url);
				dg_buf_puts(&url, cfg->certificates.values[k]);
			}
		if (!url.len && cfg->certificate_url) {
			const char *at = strstr(cfg->certificate_url, "{login}");

			if (at)
				dg_buf_printf(&url, "%.*s%s%s", (int)(at - cfg->certificate_url),
					      cfg->certificate_url, login, at + 7);
			else
				dg_buf_puts(&url, cfg->certificate_url);
		}
		dg_buf_printf(&svg, "certificates/contributor-%s.svg", login);
		json_object_set_new(n, "certificate_url", url.len ? buf_string(&url) : buf_string(&svg));
		json_object_set_new(n, "certificate_generated", json_boolean(!url.len));
		json_object_set_new(n, "certificate_file", buf_string(&svg));
		if (*a)
			dg_buf_printf(&small, "%s%s%s", a, strchr(a, '?') ? "&" : "?",
				      strstr(a, "avatars.githubusercontent.com") ? "s=64" : "size=64");
		json_object_set_new(n, "avatar_small", buf_string(&small));
	}
	dg_buf_free(&url);
	dg_buf_free(&svg);
	dg_buf_free(&small);
}

static void add_separators(const char *sep, json_t *list)
{
	size_t i, n = json_array_size(list);
	json_t *c;

	json_array_foreach(list, i, c)
		json_object_set_new(c, "sep", json_string(i + 1 < n ? sep : ""));
}

static int is_url_key(const char *k)
{
	size_t n = strlen(k);

	return !strcmp(k, "url") || !strcmp(k, "link") || (n > 4 && !strcmp(k + n - 4, "_url"));
}

/* The safe form of link u[0..n) in out: 0, 1 when it is no http(s) link
 * (nor a certificates/ path) and becomes "", DG_ERR_FAIL on invalid UTF-8,
 * DG_ERR_NOMEM. Bytes that would end a Markdown link destination early or
 * open raw HTML are percent-encoded; valid UTF-8 is kept as it is. */
static int safe_url(const char *u, size_t n, dg_buf *out)
{
	const unsigned char *s = (const unsigned char *)u;
	size_t i = 0;

	if ((n < 8 || strncasecmp(u, "https://", 8)) && (n < 7 || strncasecmp(u, "http://", 7)) &&
	    (n < 13 || strncmp(u, "certificates/", 13)))
		return 1;
	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t k;

		if (c < 0x80) {
			if (c <= ' ' || c == 0x7f || strchr("<>()\"'`\\[]|", c))
				dg_buf_printf(out, "%%%02X", c);
			else
				dg_buf_putc(out, (char)c);
			i++;
			continue;
		}
		if (!(k = dg_text_utf8_decode(s + i, n - i, &cp)))
			return DG_ERR_FAIL;
		dg_buf_put(out, s + i, k);
		i += k;
	}
	return dg_buf_error(out);
}

/* Make obj[k] (a string) a safe link or "". Fails closed: when the safe
 * form cannot be built or stored, the value becomes "" (or, without memory
 * even for that, goes), with a warning naming the field. */
static void sanitize_value(json_t *obj, const char *k, json_t *val, const char *field, json_t *warnings)
{
	dg_buf b = DG_BUF_INIT;
	json_t *s = NULL;
	int r = safe_url(json_string_value(val), json_string_length(val), &b);

	if (r == 0)
		s = json_stringn(b.ptr ? b.ptr : "", b.len);
	else if (r == 1)
		s = json_string("");
	dg_buf_free(&b);
	if (!s) {
		if (warnings)
			dg_json_appendf(warnings, "%s: %s: the link is left empty", field,
					r == DG_ERR_FAIL ? "not valid UTF-8" : "out of memory");
		s = json_string("");
	}
	if (!s || json_object_set_new(obj, k, s) < 0)
		json_object_del(obj, k);
}

/* Walk v; `path` names the value ("news[2].link") for warnings. */
static void sanitize(json_t *v, dg_buf *path, json_t *warnings)
{
	size_t len = path->len, i;
	const char *k;
	json_t *child;
	void *it;

	if (json_is_array(v)) {
		json_array_foreach(v, i, child) {
			dg_buf_printf(path, "[%zu]", i);
			sanitize(child, path, warnings);
			path->len = len;
			if (path->ptr)
				path->ptr[len] = '\0';
		}
		return;
	}
	if (!json_is_object(v))
		return;
	json_object_foreach_safe(v, it, k, child) {
		dg_buf_printf(path, "%s%s", len ? "." : "", k);
		if (json_is_string(child) && is_url_key(k))
			sanitize_value(v, k, child, dg_buf_error(path) < 0 ? k : dg_buf_cstr(path), warnings);
		else
			sanitize(child, path, warnings);
		path->len = len;
		if (path->ptr)
			path->ptr[len] = '\0';
	}
}

int dg_model_sanitize_urls(json_t *model, json_t *warnings)
{
	dg_buf path = DG_BUF_INIT;
	size_t before = json_array_size(warnings);

	sanitize(model, &path, warnings);
	dg_buf_free(&path);
	return (int)(json_array_size(warnings) - before);
}

void dg_model_add_links(const dg_config *cfg, json_t *model)
{
	json_t *links = json_array(), *has = json_object_get(model, "has");

	for (size_t i = 0; i < cfg->links.n; i++)
		json_array_append_new(links, json_pack("{s:s, s:s, s:s}", "label", cfg->links.keys[i],
						       "url", cfg->links.values[i],
						       "sep", i + 1 < cfg->links.n ? " · " : ""));
	json_object_set_new(model, "links", links);
	json_object_set_new(model, "qr_image", json_string(cfg->qr_image ? cfg->qr_image : ""));
	json_object_set_new(model, "qr_alt", json_string(json_is_string(json_object_get(model, "community")) ?
							dg_json_str(model, "community") : community_name(cfg, NULL)));
	json_object_set_new(has, "links", json_boolean(cfg->links.n > 0));
	json_object_set_new(has, "qr_image", json_boolean(cfg->qr_image && *cfg->qr_image));
}

/* The community report's front matter (kubesphere.io conventions), YAML-quoted. */
static json_t *community_front_matter(const dg_config *cfg, const dg_lang *lang, json_t *m, json_int_t person_pulls,
				      int *err)
{
	json_t *fm = json_object(), *period = json_object_get(m, "period");
	dg_buf full_title = DG_BUF_INIT;
	char *desc, *keywords, *tag = NULL;

	dg_buf_printf(&full_title, "%s | %s", dg_json_str(m, "title"), dg_json_str(period, "range"));
	if (*err >= 0 && (*err = dg_buf_error(&full_title)) >= 0)
		dg_model_set_yaml(fm, "title", dg_buf_cstr(&full_title));
	dg_buf_free(&full_title);
	json_t *stats = json_object_get(m, "stats");
	json_int_t versions = json_integer_value(json_object_get(stats, "versions"));
	json_int_t bots = json_integer_value(json_object_get(stats, "bot_pulls"));
	json_int_t newcomers = (json_int_t)json_array_size(json_object_get(m, "new_contributors"));

	desc = dg_lang_say(lang, "community.description",
			   json_pack("{s:I, s:I, s:I, s:I, s:I, s:b, s:b, s:b}",
				     "contributors", (json_int_t)json_array_size(json_object_get(m, "contributors")),
				     "pulls", person_pulls, "releases", versions, "new_contributors", newcomers,
				     "bot_pulls", bots, "has_releases", versions > 0, "has_new_contributors", newcomers > 0,
				     "has_bot_pulls", bots > 0),
			   err);
	dg_model_set_yaml(fm, "description", desc);
	keywords = dg_lang_say(lang, "community.keywords", json_pack("{s:s}", "community", dg_json_str(m, "community")), err);
	dg_model_set_yaml(fm, "keywords", keywords);
	if (!cfg->tag)
		tag = dg_lang_say(lang, "community.tag", json_object(), err);
	dg_model_set_yaml(fm, "tag", cfg->tag ? cfg->tag : tag);
	dg_model_set_yaml(fm, "createTime", dg_json_str(period, "created"));
	dg_model_set_yaml(fm, "author", cfg->author ? cfg->author : dg_json_str(m, "community"));
	dg_model_set_yaml(fm, "snapshot", cfg->cover_image ? cfg->cover_image : "");
	free(desc);
	free(keywords);
	free(tag);
	return fm;
}

int dg_model_community(const dg_config *cfg, const dg_window *w, json_t *data, int number,
		       json_t **out)
{
	json_t *m = NULL, *stats, *v, *contributors, *events;
	json_int_t person_pulls = 0;
	const char *key;
	char *title = NULL, *sep = NULL;
	dg_lang *lang = NULL;
	size_t i;
	int err;

	*out = NULL;
	if ((err = dg_lang_load(cfg, &lang)) < 0)
		return err;
	contributors = json_object_get(data, "contributors");
	json_array_foreach(contributors, i, v)
		person_pulls += json_integer_value(json_object_get(v, "pulls"));
	stats = json_pack("{s:I, s:I, s:I, s:I, s:I}",
			  "merged_pulls", (json_int_t)json_array_size(json_object_get(data, "merged_pulls")),
			  "contributors", (json_int_t)json_array_size(contributors),
			  "new_contributors", (json_int_t)json_array_size(json_object_get(data, "new_contributors")),
			  "releases", (json_int_t)json_array_size(json_object_get(data, "releases")),
			  "contributor_pulls", person_pulls);
	if (cfg->community_title || cfg->title)
		title = strdup(cfg->community_title ? cfg->community_title : cfg->title);
	else
		title = dg_lang_say(lang, "community.title", json_pack("{s:s}", "community", community_name(cfg, data)),
				    &err);
	if (err >= 0 && !title)
		err = dg_err_set(DG_ERR_NOMEM, "out of memory");
	title = dg_model_preview_title(lang, w, title, &err);
	sep = dg_lang_say(lang, "common.list_sep", json_object(), &err);
	if (err < 0) {
		json_decref(stats);
		goto done;
	}
	m = json_pack("{s:s, s:s, s:i, s:s, s:s, s:o, s:o}", "kind", "community",
		      "title", title,
		      "number", number, "language", cfg->language, "community", community_name(cfg, data),
		      "window", dg_model_window(cfg, w), "period", dg_model_period(cfg, w));
	if (!m || !stats) {
		json_decref(stats);
		err = dg_err_set(DG_ERR_NOMEM, "out of memory building the model");
		goto done;
	}
	json_object_foreach(data, key, v)
		json_object_set(m, key, v);
	json_object_set_new(m, "stats", stats);

	/* What the templates show, derived from the data above. */
	events = json_object_get(m, "events");
	if ((err = decorate_events(cfg, lang, json_object_get(events, "past"))) < 0 ||
	    (err = decorate_events(cfg, lang, json_object_get(events, "upcoming"))) < 0)
		goto done;
	decorate_new_contributors(cfg, json_object_get(m, "new_contributors"));
	add_separators(sep, contributors);
	{
		json_t *lead = NULL;
		size_t versions = 0;
		json_t *groups = dg_model_release_groups(cfg, lang, sep, json_object_get(m, "releases"),
							 json_object_get(m, "merged_pulls"), json_object_get(m, "repos"),
							 &lead, &versions);
		if (!groups) {
			err = dg_err_set(DG_ERR_NOMEM, "out of memory building the releases");
			goto done;
		}
		json_object_set_new(m, "release_groups", groups);
		json_object_set_new(m, "lead", lead ? lead : json_null());
		json_object_set_new(stats, "versions", json_integer((json_int_t)versions));
	}
	{
		size_t bots = 0;
		json_t *warnings = json_object_get(m, "warnings"), *groups;
		if (!json_is_array(warnings))
			json_object_set_new(m, "warnings", warnings = json_array());
		if (!(groups = dg_select_highlights(cfg, json_object_get(m, "merged_pulls"), w->since, w->until,
						    warnings, &bots))) {
			err = dg_err_set(DG_ERR_NOMEM, "out of memory building the highlights");
			goto done;
		}
		json_object_set_new(m, "highlight_groups", groups);
		json_object_set_new(stats, "bot_pulls", json_integer((json_int_t)bots));
	}
	json_object_set_new(m, "intro", json_string(cfg->intro ? cfg->intro : ""));
	json_object_set_new(m, "footer", json_string(cfg->footer ? cfg->footer : ""));
	json_object_set_new(m, "has", json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}",
		"releases", json_array_size(json_object_get(m, "releases")) > 0,
		"highlights", json_array_size(json_object_get(m, "highlight_groups")) > 0,
		"events", json_array_size(json_object_get(events, "past")) + json_array_size(json_object_get(events, "upcoming")) > 0,
		"past_events", json_array_size(json_object_get(events, "past")) > 0,
		"upcoming_events", json_array_size(json_object_get(events, "upcoming")) > 0,
		"new_contributors", json_array_size(json_object_get(m, "new_contributors")) > 0,
		"contributors", json_array_size(contributors) > 0,
		"intro", cfg->intro && *cfg->intro, "footer", cfg->footer && *cfg->footer));
	json_object_set_new(json_object_get(m, "has"), "bot_pulls",
			    json_boolean(json_integer_value(json_object_get(stats, "bot_pulls")) > 0));
	if ((err = dg_model_period_text(cfg, lang, w, json_object_get(m, "period"))) < 0)
		goto done;
	json_object_set_new(m, "front_matter", community_front_matter(cfg, lang, m, person_pulls, &err));
	if (err < 0)
		goto done;
	dg_model_add_links(cfg, m);
	dg_model_sanitize_urls(m, json_object_get(data, "warnings"));
	/* warnings last: easiest to find at the end of the JSON */
	if ((v = json_object_get(m, "warnings"))) {
		json_incref(v);
		json_object_del(m, "warnings");
		json_object_set_new(m, "warnings", v);
	}
	*out = m;
	m = NULL;
done:
	json_decref(m);
	free(title);
	free(sep);
	dg_lang_free(lang);
	return err;
}

char *dg_model_dump(json_t *model)
{
	char *s = json_dumps(model, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	char *out;
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	if (!(out = realloc(s, n + 2))) {
		free(s);
		return NULL;
	}
	out[n] = '\n';
	out[n + 1] = '\0';
	return out;
}
