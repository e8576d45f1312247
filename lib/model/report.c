/* The community report's model: the collected data and the selection
 * (lib/select/) in the templates' shape, with the language's words. */
#include "model/model.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/text.h"
#include "model/lang.h"
#include "model/modelint.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Events' local time ("when") and place in the language's words; 0 or <0. */
static int decorate_events(const dg_model_opts *o, const dg_lang *lang, json_t *list)
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
			dg_date_local_ymd(t, o->timezone, &y, &mo, &d);
			snprintf(day, sizeof(day), "%04d-%02d-%02d", y, mo % 100, d % 100);
			dg_date_parse_day(day, o->timezone, &midnight);
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

/* Certificate link: per-person override, else the pattern, else the PNG
 * digest draws beside the report (certificate_file: its SVG; the names
 * from dg_model_certificate_name, so the model names the files the
 * certificate step writes); the certificate's date (certificate_day) is
 * the local day the first pull request merged. A small avatar for the
 * Markdown. */
static void decorate_new_contributors(const dg_model_opts *o, const dg_window *w, json_t *list)
{
	dg_buf url = DG_BUF_INIT, name = DG_BUF_INIT, small = DG_BUF_INIT;
	size_t i;
	json_t *n;

	json_array_foreach(list, i, n) {
		const char *login = dg_json_str(n, "login");
		/* A small avatar: GitHub serves any size on request. */
		const char *a = dg_json_str(n, "avatar_url");

		dg_buf_free(&url);
		dg_buf_free(&name);
		dg_buf_free(&small);
		for (size_t k = 0; k < o->certificates->n; k++)
			if (!strcasecmp(o->certificates->keys[k], login)) {
				dg_buf_clear(&url);
				dg_buf_puts(&url, o->certificates->values[k]);
			}
		if (!url.len && o->certificate_url) {
			const char *at = strstr(o->certificate_url, "{login}");

			if (at)
				dg_buf_printf(&url, "%.*s%s%s", (int)(at - o->certificate_url),
					      o->certificate_url, login, at + 7);
			else
				dg_buf_puts(&url, o->certificate_url);
		}
		json_object_set_new(n, "certificate_generated", json_boolean(!url.len));
		if (!url.len) {
			dg_model_certificate_name(login, &name);
			dg_buf_printf(&url, "certificates/%s.png", dg_buf_cstr(&name));
			json_object_set_new(n, "certificate_png", dg_model_buf_string(&url));
			dg_buf_clear(&url);
			dg_buf_printf(&url, "certificates/%s.svg", dg_buf_cstr(&name));
			json_object_set_new(n, "certificate_file", dg_model_buf_string(&url));
			dg_buf_clear(&url);
			dg_buf_printf(&url, "certificates/%s.png", dg_buf_cstr(&name));
		}
		json_object_set_new(n, "certificate_url", dg_model_buf_string(&url));
		{
			/* The first PR's repository as the card names it: without the
			 * owner when that is one of the watched orgs (the reader knows
			 * whose it is), in full otherwise. */
			json_t *fp = json_object_get(n, "first_pull");
			const char *repo = dg_json_str(fp, "repo"), *slash = strchr(repo, '/');
			int own = 0;

			for (size_t k = 0; slash && k < o->orgs->n; k++)
				own |= strlen(o->orgs->v[k]) == (size_t)(slash - repo) &&
				       !strncasecmp(repo, o->orgs->v[k], (size_t)(slash - repo));
			if (json_is_object(fp))
				json_object_set_new(fp, "repo_label", json_string(own ? slash + 1 : repo));
		}
		{
			char day[16];
			int64_t t = 0;
			const char *merged = dg_json_str(json_object_get(n, "first_pull"), "merged_at");

			dg_model_local_date(o, dg_date_parse_rfc3339(merged, &t) == 0 ? t : w->until - 1, day);
			json_object_set_new(n, "certificate_day", json_string(day));
		}
		if (*a)
			dg_buf_printf(&small, "%s%s%s", a, strchr(a, '?') ? "&" : "?",
				      strstr(a, "avatars.githubusercontent.com") ? "s=64" : "size=64");
		json_object_set_new(n, "avatar_small", dg_model_buf_string(&small));
	}
	dg_buf_free(&url);
	dg_buf_free(&name);
	dg_buf_free(&small);
}

static void add_separators(const char *sep, json_t *list)
{
	size_t i, n = json_array_size(list);
	json_t *c;

	json_array_foreach(list, i, c)
		json_object_set_new(c, "sep", json_string(i + 1 < n ? sep : ""));
}

/* Separators in the inline lists of highlights and news (authors, a
 * series' PRs), and whether a news item credits anyone. */
static void decorate_lists(const char *sep, json_t *m)
{
	json_t *g, *it;
	size_t i, k;

	json_array_foreach(json_object_get(m, "highlight_groups"), i, g)
		json_array_foreach(json_object_get(g, "pulls"), k, it) {
			add_separators(sep, json_object_get(it, "authors"));
			add_separators(sep, json_object_get(it, "series"));
		}
	json_array_foreach(json_object_get(m, "news"), i, it) {
		add_separators(sep, json_object_get(it, "authors"));
		json_object_set_new(it, "has_authors", json_boolean(json_array_size(json_object_get(it, "authors")) > 0));
	}
}

static json_t *community_front_matter(const dg_model_opts *o, const dg_lang *lang, json_t *m, json_int_t person_pulls,
				      int *err)
{
	json_t *fm = json_object(), *period = json_object_get(m, "period");
	dg_buf full_title = DG_BUF_INIT;
	char *desc, *keywords, *tag = NULL;

	dg_buf_printf(&full_title, "%s | %s", dg_json_str(m, "title"), dg_json_str(period, "range"));
	if (*err >= 0)   /* `full_title` has no cap */
		dg_model_set_yaml(fm, "title", dg_buf_cstr(&full_title));
	dg_buf_free(&full_title);
	json_t *stats = json_object_get(m, "stats");
	json_int_t versions = json_integer_value(json_object_get(stats, "versions"));
	json_int_t bots = json_integer_value(json_object_get(stats, "bot_pulls"));
	json_int_t newcomers = (json_int_t)json_array_size(json_object_get(m, "new_contributors"));

	/* The lead when there is one (news), else the stats line. */
	desc = *dg_json_str(m, "summary") ? dg_strdup(dg_json_str(m, "summary")) : dg_lang_say(lang, "community.description",
			   json_pack("{s:I, s:I, s:I, s:I, s:I, s:b, s:b, s:b, s:O}",
				     "contributors", (json_int_t)json_array_size(json_object_get(m, "contributors")),
				     "pulls", person_pulls, "releases", versions, "new_contributors", newcomers,
				     "bot_pulls", bots, "has_releases", versions > 0, "has_new_contributors", newcomers > 0,
				     "has_bot_pulls", bots > 0, "one", json_object_get(m, "one")),
			   err);
	dg_model_set_yaml(fm, "description", desc);
	keywords = dg_lang_say(lang, "community.keywords", json_pack("{s:s}", "community", dg_json_str(m, "community")), err);
	if (keywords && json_is_true(json_object_get(period, "biweekly")))
		keywords = dg_model_biweekly(lang, keywords, err);
	dg_model_set_yaml(fm, "keywords", keywords);
	if (!o->tag)
		tag = dg_lang_say(lang, "community.tag", json_object(), err);
	dg_model_set_yaml(fm, "tag", o->tag ? o->tag : tag);
	dg_model_set_yaml(fm, "createTime", dg_json_str(period, "created"));
	dg_model_set_yaml(fm, "author", o->author ? o->author : dg_json_str(m, "community"));
	/* The configured image, else the cover digest writes beside the
	 * Markdown (OUT/community-<label>.cover.png) when it writes one. */
	if (o->cover_image || !o->cover_made) {
		dg_model_set_yaml(fm, "snapshot", o->cover_image ? o->cover_image : "");
	} else {
		dg_buf cover = DG_BUF_INIT;   /* no cap: cannot fail */
		dg_buf_printf(&cover, "community-%s.cover.png", dg_json_str(json_object_get(m, "window"), "label"));
		dg_model_set_yaml(fm, "snapshot", dg_buf_cstr(&cover));
		dg_buf_free(&cover);
	}
	free(desc);
	free(keywords);
	free(tag);
	return fm;
}

/* An item's text (the editor's, else the writer's) beside its title:
 * "text" and "has_text". */
static void set_text(json_t *texts, json_t *item, const char *id)
{
	json_t *t = json_object_get(texts, id);

	if (item && json_is_string(t) && *json_string_value(t)) {
		json_object_set(item, "text", t);
		json_object_set_new(item, "has_text", json_true());
	}
}

/* The texts of the lead, the releases and the highlights; the editor's
 * news; the writer's note. */
static int apply_texts(const dg_lang *lang, json_t *m, json_t *selection, const dg_model_meta *meta)
{
	json_t *g, *it, *news = json_object_get(m, "news");
	size_t i, k;

	set_text(meta->texts, json_object_get(m, "lead"), "lead");
	if (*dg_json_str(meta->texts, "lead")) {
		/* the editor's or the writer's lead sentence: the headline and the summary */
		if (!json_is_object(json_object_get(m, "headline")))
			json_object_set_new(m, "headline", json_object());
		set_text(meta->texts, json_object_get(m, "headline"), "lead");
		json_object_set(m, "summary", json_object_get(meta->texts, "lead"));
	}
	json_array_foreach(news, i, it)
		set_text(meta->texts, it, dg_json_str(it, "url"));
	json_array_foreach(json_object_get(m, "release_groups"), i, g)
		set_text(meta->texts, json_object_get(g, "latest"), dg_json_str(json_object_get(g, "latest"), "url"));
	json_array_foreach(json_object_get(m, "highlight_groups"), i, g)
		json_array_foreach(json_object_get(g, "pulls"), k, it)
			set_text(meta->texts, it, dg_json_str(it, "url"));
	if (!json_is_array(news)) {
		news = json_array();
		json_object_set_new(m, "news", news);
	}
	json_array_foreach(json_object_get(selection, "editor_news"), i, it)
		json_array_append_new(news, json_pack("{s:s, s:s, s:s, s:b, s:[], s:b}", "title", dg_json_str(it, "title"),
						      "url", dg_json_str(it, "url"), "text", dg_json_str(it, "text"),
						      "has_text", *dg_json_str(it, "text") != '\0', "authors", "has_authors", 0));
	json_object_set_new(json_object_get(m, "has"), "news", json_boolean(json_array_size(news) > 0));
	return dg_model_writer_note(lang, m, meta);
}

int dg_model_community(const dg_model_opts *o, const dg_lang *lang, const dg_window *w, json_t *collected,
		       json_t *selection, const dg_model_meta *meta, json_t **out)
{
	json_t *m = NULL, *data = NULL, *stats, *v, *contributors, *events, *own = json_array();
	json_int_t person_pulls = 0;
	const char *key;
	char *title = NULL, *sep = NULL;
	size_t i;
	int err = 0;

	*out = NULL;
	/* The model decorates what it shows: a copy, the collected data stays as it was. */
	data = json_deep_copy(collected);
	contributors = json_object_get(data, "contributors");
	/* Counts from a kept collection could be anything: added saturating. */
	json_array_foreach(contributors, i, v) {
		json_int_t k = json_integer_value(json_object_get(v, "pulls"));
		if (k > 0)
			person_pulls = k > LLONG_MAX - person_pulls ? LLONG_MAX : person_pulls + k;
	}
	stats = json_pack("{s:I, s:I, s:I, s:I, s:I}",
			  "merged_pulls", (json_int_t)json_array_size(json_object_get(data, "merged_pulls")),
			  "contributors", (json_int_t)json_array_size(contributors),
			  "new_contributors", (json_int_t)json_array_size(json_object_get(data, "new_contributors")),
			  "releases", (json_int_t)json_array_size(json_object_get(data, "releases")),
			  "contributor_pulls", person_pulls);
	if (w->weeks == 2 && o->title_biweekly)
		title = dg_strdup(o->title_biweekly);
	else if (o->community_title || o->title)
		title = dg_strdup(o->community_title ? o->community_title : o->title);
	else
		title = dg_lang_say(lang, "community.title", json_pack("{s:s}", "community", dg_model_community_name(o, data)),
				    &err);
	if (w->weeks == 2 && !o->title_biweekly)
		title = dg_model_biweekly(lang, title, &err);
	title = dg_model_preview_title(lang, w, title, &err);
	sep = dg_lang_say(lang, "common.list_sep", json_object(), &err);
	if (err < 0) {
		json_decref(stats);
		goto done;
	}
	/* Strings of the config, the strings file and the collected JSON: valid
	 * UTF-8, so json_pack cannot refuse them. */
	m = json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o}", "kind", "community",
		      "title", title,
		      "number", meta->number > 0 ? json_integer(meta->number) : json_null(),
		      "language", o->language, "community", dg_model_community_name(o, data),
		      "window", dg_model_window(o, w), "period", dg_model_period(o, w));
	json_object_foreach(data, key, v)
		if (strcmp(key, "warnings") && strcmp(key, "editor"))
			json_object_set(m, key, v);
	json_object_set_new(m, "stats", stats);

	/* What the templates show, derived from the data above. */
	events = json_object_get(m, "events");
	if ((err = decorate_events(o, lang, json_object_get(events, "past"))) < 0 ||
	    (err = decorate_events(o, lang, json_object_get(events, "upcoming"))) < 0)
		goto done;
	decorate_new_contributors(o, w, json_object_get(m, "new_contributors"));
	if (o->poster && json_array_size(json_object_get(m, "new_contributors"))) {
		dg_buf poster = DG_BUF_INIT;   /* uncapped: cannot fail */

		dg_buf_printf(&poster, "community-%s.poster.png", w->label);
		json_object_set_new(m, "poster", dg_model_buf_string(&poster));
		dg_buf_free(&poster);
	}
	add_separators(sep, contributors);
	{
		json_t *lead = NULL;
		size_t versions = 0;
		json_t *groups = dg_model_release_groups(o, lang, sep, json_object_get(selection, "products"),
							 json_object_get(m, "repos"), json_object_get(selection, "backports"),
							 &lead, &versions);
		json_object_set_new(m, "release_groups", groups);
		json_object_set_new(m, "lead", lead ? lead : json_null());
		json_object_set_new(stats, "versions", json_integer((json_int_t)versions));
	}
	json_object_set_new(m, "highlight_groups", json_deep_copy(json_object_get(selection, "highlight_groups")));
	json_object_set_new(m, "news", json_deep_copy(json_object_get(selection, "news")));
	if (!json_is_array(json_object_get(m, "news")))
		json_object_set_new(m, "news", json_array());
	decorate_lists(sep, m);
	if ((err = dg_model_lead(lang, m)) < 0)
		goto done;
	json_array_foreach(json_object_get(m, "highlight_groups"), i, v)
		json_object_set_new(v, "rest_one", json_boolean(json_integer_value(json_object_get(v, "rest")) == 1));
	json_object_set_new(stats, "bot_pulls", json_integer(json_integer_value(json_object_get(selection, "bot_pulls"))));
	{
		/* A biweekly's intro calls it so, like its title. */
		char *intro = dg_strdup(o->intro ? o->intro : "");
		if (w->weeks == 2)
			intro = dg_model_biweekly(lang, intro, &err);
		json_object_set_new(m, "intro", json_string(intro));
		free(intro);
	}
	json_object_set_new(m, "footer", json_string(o->footer ? o->footer : ""));
	json_object_set_new(m, "has", json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}",
		"releases", json_array_size(json_object_get(m, "releases")) > 0,
		"highlights", json_array_size(json_object_get(m, "highlight_groups")) > 0,
		"events", json_array_size(json_object_get(events, "past")) + json_array_size(json_object_get(events, "upcoming")) > 0,
		"past_events", json_array_size(json_object_get(events, "past")) > 0,
		"upcoming_events", json_array_size(json_object_get(events, "upcoming")) > 0,
		"new_contributors", json_array_size(json_object_get(m, "new_contributors")) > 0,
		"contributors", json_array_size(contributors) > 0,
		"intro", o->intro && *o->intro, "footer", o->footer && *o->footer));
	json_object_set_new(json_object_get(m, "has"), "news", json_boolean(json_array_size(json_object_get(m, "news")) > 0));
	json_object_set_new(json_object_get(m, "has"), "bot_pulls",
			    json_boolean(json_integer_value(json_object_get(stats, "bot_pulls")) > 0));
	json_object_set_new(json_object_get(m, "has"), "good_first_issues",
			    json_boolean(json_array_size(json_object_get(m, "good_first_issues")) > 0));
	json_object_set_new(json_object_get(m, "has"), "blog_posts",
			    json_boolean(json_array_size(json_object_get(m, "blog_posts")) > 0));
	{
		/* Which counts are one: a language with plurals says "1 person". */
		json_t *one = json_object();
		const char *k;
		json_t *v2;

		json_object_foreach(stats, k, v2)
			if (json_is_integer(v2))
				json_object_set_new(one, k, json_boolean(json_integer_value(v2) == 1));
		json_object_set_new(m, "one", one);
	}
	if ((err = dg_model_period_text(o, lang, w, json_object_get(m, "period"))) < 0 ||
	    (err = apply_texts(lang, m, selection, meta)) < 0)
		goto done;
	json_object_set_new(m, "front_matter", community_front_matter(o, lang, m, person_pulls, &err));
	if (err < 0)
		goto done;
	dg_model_add_links(o, m);
	dg_model_sanitize_urls(m, own);
	dg_model_finish(o, m, meta, own);
	*out = m;
	m = NULL;
done:
	json_decref(m);
	json_decref(data);
	json_decref(own);
	free(title);
	free(sep);
	return err;
}
