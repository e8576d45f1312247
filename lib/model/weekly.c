/* The Cloud Native Weekly's model: the chosen items, decorated for the
 * templates, with the title, the front matter and the stats. */
#include "model/model.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "net/collector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int zh(const dg_config *cfg)
{
	return !strcmp(cfg->language, "zh");
}

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
			key = dg_collector_key(dg_json_str(it, "repo"));
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

int dg_model_weekly(const dg_config *cfg, const dg_window *w, const dg_weekly_input *in, json_t **out)
{
	json_t *projects = in->projects, *articles = in->articles, *news = in->news;
	int number = in->number;
	dg_buf title = DG_BUF_INIT, fm_title = DG_BUF_INIT, desc = DG_BUF_INIT;
	const char *headline;
	json_t *m_, *fm, *period = dg_model_period(cfg, w);
	const char *base_title = cfg->cn_title ? cfg->cn_title : (zh(cfg) ? "云原生周刊" : "Cloud Native Weekly");
	const char *date_dots = dg_json_str(period, "date"), *created = dg_json_str(period, "created");
	int err = 0;

	*out = NULL;
	if (in->headline && *in->headline)
		headline = in->headline;
	else if (json_array_size(news))
		headline = dg_json_str(json_array_get(news, 0), "title");
	else if (json_array_size(projects))
		headline = dg_json_str(json_array_get(projects, 0), "name");
	else
		headline = zh(cfg) ? "本周精选" : "This week";
	if (zh(cfg))
		err = dg_buf_printf(&title, "%s：%s | 第 %d 期 | %s", base_title, headline, number, date_dots);
	else
		err = dg_buf_printf(&title, "%s: %s | No. %d | %s", base_title, headline, number, date_dots);
	if (!err)
		err = dg_buf_printf(&fm_title, zh(cfg) ? "%s：%s | %s" : "%s: %s | %s", base_title, headline, date_dots);
	if (!err)
		err = dg_buf_printf(&desc, zh(cfg) ? "第 %d 期：%s" : "No. %d: %s", number, headline);
	if (err < 0) {
		json_decref(period);
		goto done;
	}
	decorate(cfg, in->latest, projects);
	decorate(cfg, in->latest, articles);
	decorate(cfg, in->latest, news);
	m_ = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:o, s:o}",
		       "kind", "cnweekly", "title", dg_buf_cstr(&title), "headline", headline, "series", base_title, "number", number,
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
	fm = json_object();
	dg_model_set_yaml(fm, "title", dg_buf_cstr(&fm_title));
	dg_model_set_yaml(fm, "tag", zh(cfg) ? "云原生周刊" : "Cloud Native Weekly");
	dg_model_set_yaml(fm, "keywords", zh(cfg) ? "Kubernetes, 云原生, 周刊" : "Kubernetes, cloud native, weekly");
	dg_model_set_yaml(fm, "description", dg_buf_cstr(&desc));
	dg_model_set_yaml(fm, "createTime", created);
	dg_model_set_yaml(fm, "author", cfg->author);
	dg_model_set_yaml(fm, "snapshot", cfg->cover_image ? cfg->cover_image : "");
	json_object_set_new(m_, "front_matter", fm);
	dg_model_add_links(cfg, m_);
	dg_model_sanitize_urls(m_);
	*out = m_;
done:
	dg_buf_free(&title);
	dg_buf_free(&fm_title);
	dg_buf_free(&desc);
	return err;
}
