/* The Cloud Native Weekly's model: the chosen items, decorated for the
 * templates, with the title, the front matter and the stats. */
#include "model/model.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "model/lang.h"
#include "base/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void decorate(const dg_config *cfg, json_t *latest, json_t *list)
{
	size_t i;
	json_t *it;

	json_array_foreach(list, i, it) {
		char *key;
		json_object_set_new(it, "has_paragraph", json_boolean(*dg_json_str(it, "paragraph") != '\0'));
		json_object_set_new(it, "has_summary", json_boolean(*dg_json_str(it, "summary") != '\0'));
		if (*dg_json_str(it, "published")) {
			int64_t t = 0;
			char date[16];
			dg_date_parse_rfc3339(dg_json_str(it, "published"), &t);
			dg_model_local_date(cfg, t, date);
			json_object_set_new(it, "date", json_string(date));
		}
		if (*dg_json_str(it, "repo") && json_object_get(it, "stars")) {
			key = dg_text_lower(dg_json_str(it, "repo"));
			json_object_set(it, "latest_release", key && json_object_get(latest, key) ?
					json_object_get(latest, key) : json_null());
			json_object_set_new(it, "has_latest_release",
					    json_boolean(key && json_is_object(json_object_get(latest, key))));
			free(key);
			json_object_set_new(it, "has_description", json_boolean(*dg_json_str(it, "description") != '\0'));
			json_object_set_new(it, "has_language", json_boolean(*dg_json_str(it, "language") != '\0'));
			json_object_set_new(it, "has_license", json_boolean(*dg_json_str(it, "license") != '\0' &&
									strcmp(dg_json_str(it, "license"), "NOASSERTION")));
		}
	}
}

int dg_model_release_news(const dg_config *cfg, json_t *news)
{
	dg_lang *lang = NULL;
	char *sep = NULL;
	size_t i, k;
	json_t *it, *line;
	int err;

	if ((err = dg_lang_load(cfg, &lang)) < 0)
		return err;
	sep = dg_lang_say(lang, "release.summary_sep", json_object(), &err);
	json_array_foreach(news, i, it) {
		dg_buf summary = DG_BUF_INIT;
		char *title;
		if (err < 0)
			break;
		if (strcmp(dg_json_str(it, "kind"), "release") || json_object_get(it, "title"))
			continue;
		title = dg_lang_say(lang, "release.title", json_pack("{s:s, s:s, s:s, s:s}",
			"repo", dg_json_str(it, "repo"), "repo_name", dg_json_str(it, "repo_name"),
			"release", dg_json_str(it, "release"), "tag", dg_json_str(it, "tag")), &err);
		json_array_foreach(json_object_get(it, "notes"), k, line)
			dg_buf_printf(&summary, "%s%s", k ? sep : "", json_string_value(line));
		if (err >= 0 && (err = dg_buf_error(&summary)) >= 0 &&
		    (json_object_set_new(it, "title", json_string(title)) < 0 ||
		     json_object_set_new(it, "summary", json_string(dg_buf_cstr(&summary))) < 0))
			err = dg_err_set(DG_ERR_NOMEM, "out of memory");
		free(title);
		dg_buf_free(&summary);
	}
	free(sep);
	dg_lang_free(lang);
	return err;
}

/* The headline: the editor's, else the first news item's title, else
 * the first project's name, else the language's default. */
static char *weekly_headline(const dg_lang *lang, const dg_weekly_input *in, int *err)
{
	const char *h = NULL;
	char *s = NULL;

	if (in->headline && *in->headline)
		h = in->headline;
	else if (json_array_size(in->news))
		h = dg_json_str(json_array_get(in->news, 0), "title");
	else if (json_array_size(in->projects))
		h = dg_json_str(json_array_get(in->projects, 0), "name");
	if (!h)
		return dg_lang_say(lang, "cnweekly.headline", json_object(), err);
	if (*err >= 0 && !(s = strdup(h)))
		*err = dg_err_set(DG_ERR_NOMEM, "out of memory");
	return *err >= 0 ? s : NULL;
}

static json_t *weekly_front_matter(const dg_config *cfg, const dg_lang *lang, json_t *names, const char *created,
				   int *err)
{
	json_t *fm = json_object();
	char *title = dg_lang_say(lang, "cnweekly.front_title", json_incref(names), err);
	char *tag = dg_lang_say(lang, "cnweekly.tag", json_incref(names), err);
	char *keywords = dg_lang_say(lang, "cnweekly.keywords", json_incref(names), err);
	char *desc = dg_lang_say(lang, "cnweekly.description", json_incref(names), err);

	dg_model_set_yaml(fm, "title", title);
	dg_model_set_yaml(fm, "tag", tag);
	dg_model_set_yaml(fm, "keywords", keywords);
	dg_model_set_yaml(fm, "description", desc);
	dg_model_set_yaml(fm, "createTime", created);
	dg_model_set_yaml(fm, "author", cfg->author);
	dg_model_set_yaml(fm, "snapshot", cfg->cover_image ? cfg->cover_image : "");
	free(title);
	free(tag);
	free(keywords);
	free(desc);
	return fm;
}

int dg_model_weekly(const dg_config *cfg, const dg_window *w, const dg_weekly_input *in, json_t **out)
{
	json_t *projects = in->projects, *articles = in->articles, *news = in->news;
	int number = in->number;
	json_t *m_ = NULL, *names = NULL, *period = dg_model_period(cfg, w);
	const char *date_dots = dg_json_str(period, "date"), *created = dg_json_str(period, "created");
	char *series = NULL, *headline = NULL, *title = NULL;
	dg_lang *lang = NULL;
	int err;

	*out = NULL;
	if ((err = dg_lang_load(cfg, &lang)) < 0)
		goto done;
	if (cfg->cn_title)
		series = strdup(cfg->cn_title);
	else
		series = dg_lang_say(lang, "cnweekly.series", json_object(), &err);
	headline = weekly_headline(lang, in, &err);
	if (err >= 0 && !series)
		err = dg_err_set(DG_ERR_NOMEM, "out of memory");
	if (err < 0)
		goto done;
	names = json_pack("{s:s, s:s, s:i, s:s}", "series", series, "headline", headline, "number", number,
			  "date", date_dots);
	title = dg_lang_say(lang, "cnweekly.title", json_incref(names), &err);
	if (err < 0)
		goto done;
	decorate(cfg, in->latest, projects);
	decorate(cfg, in->latest, articles);
	decorate(cfg, in->latest, news);
	m_ = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:o, s:O}",
		       "kind", "cnweekly", "title", title, "headline", headline, "series", series, "number", number,
		       "language", cfg->language, "window", dg_model_window(cfg, w), "period", period);
	if (!m_) {
		err = dg_err_set(DG_ERR_FAIL, "cannot build the issue's model: a title is not valid UTF-8");
		goto done;
	}
	json_object_set(m_, "projects", projects);
	json_object_set(m_, "articles", articles);
	json_object_set(m_, "news", news);
	json_object_set_new(m_, "intro", json_string(cfg->cn_intro ? cfg->cn_intro : ""));
	json_object_set_new(m_, "footer", json_string(cfg->cn_footer ? cfg->cn_footer :
						      cfg->footer ? cfg->footer : ""));
	json_object_set_new(m_, "stats", json_pack("{s:I, s:I, s:I, s:i, s:i}",
		"projects", (json_int_t)json_array_size(projects), "articles", (json_int_t)json_array_size(articles),
		"news", (json_int_t)json_array_size(news), "feeds", in->feeds_total, "feeds_read", in->feeds_read));
	json_object_set_new(m_, "has", json_pack("{s:b, s:b, s:b, s:b, s:b}",
		"projects", json_array_size(projects) > 0, "articles", json_array_size(articles) > 0,
		"news", json_array_size(news) > 0, "intro", cfg->cn_intro && *cfg->cn_intro,
		"footer", json_string_length(json_object_get(m_, "footer")) > 0));
	json_object_set_new(m_, "front_matter", weekly_front_matter(cfg, lang, names, created, &err));
	if (err < 0)
		goto done;
	dg_model_add_links(cfg, m_);
	dg_model_sanitize_urls(m_, in->warnings);
	*out = m_;
	m_ = NULL;
done:
	json_decref(m_);
	json_decref(names);
	json_decref(period);
	free(series);
	free(headline);
	free(title);
	dg_lang_free(lang);
	return err;
}
