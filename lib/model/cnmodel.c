/* The Cloud Native Weekly's model: the chosen items, decorated for the
 * templates, with the title, the front matter and the stats. */
#include "model/model.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "model/lang.h"
#include "model/modelint.h"
#include "model/notes.h"
#include "base/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A summary the feed reader cut ("… members. Now…") ends at its last
 * whole sentence when that keeps half of it. */
static void sentence_summary(json_t *it)
{
	dg_buf b = DG_BUF_INIT;   /* no cap: cannot fail */
	char *s;

	if (!*dg_json_str(it, "summary"))
		return;
	dg_buf_puts(&b, dg_json_str(it, "summary"));
	(void)dg_text_cut_to_sentence(&b);
	s = dg_buf_detach(&b);
	json_object_set_new(it, "summary", json_string(s));
	free(s);
}

/* The project's facts line: stars (when the API gave any), language,
 * licence, latest release, each after a separator when one came before. */
static void facts_line(json_t *it)
{
	static const char *const parts[][2] = {
		{"has_language", "sep_language"}, {"has_license", "sep_license"}, {"has_latest_release", "sep_latest"},
	};
	int before = json_integer_value(json_object_get(it, "stars")) > 0;

	json_object_set_new(it, "has_stars", json_boolean(before));
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		json_object_set_new(it, parts[i][1], json_boolean(before));
		before |= json_is_true(json_object_get(it, parts[i][0]));
	}
}

static void decorate(const dg_model_opts *o, json_t *latest, json_t *list)
{
	size_t i;
	json_t *it;

	json_array_foreach(list, i, it) {
		char *key;
		json_object_set_new(it, "has_paragraph", json_boolean(*dg_json_str(it, "paragraph") != '\0'));
		json_object_set_new(it, "has_fact", json_false());
		sentence_summary(it);
		json_object_set_new(it, "has_summary", json_boolean(*dg_json_str(it, "summary") != '\0'));
		if (*dg_json_str(it, "published")) {
			int64_t t = 0;
			char date[16];
			dg_date_parse_rfc3339(dg_json_str(it, "published"), &t);
			dg_model_local_date(o, t, date);
			json_object_set_new(it, "date", json_string(date));
		}
		if (*dg_json_str(it, "repo") && json_object_get(it, "stars")) {
			key = dg_text_lower(dg_json_str(it, "repo"));
			json_object_set(it, "latest_release", json_object_get(latest, key) ?
					json_object_get(latest, key) : json_null());
			json_object_set_new(it, "has_latest_release", json_boolean(json_is_object(json_object_get(latest, key))));
			free(key);
			json_object_set_new(it, "has_description", json_boolean(*dg_json_str(it, "description") != '\0'));
			json_object_set_new(it, "has_language", json_boolean(*dg_json_str(it, "language") != '\0'));
			json_object_set_new(it, "has_license", json_boolean(*dg_json_str(it, "license") != '\0' &&
									strcmp(dg_json_str(it, "license"), "NOASSERTION")));
			facts_line(it);
		}
	}
}

/* The severity in the language's words ("severity.high"). */
static char *severity_word(const dg_lang *lang, const char *severity, int *err)
{
	static const char *const known[] = {"critical", "high", "medium", "low"};
	char key[32] = "severity.unknown";

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(severity, known[i]))
			snprintf(key, sizeof(key), "severity.%s", known[i]);
	return dg_lang_say(lang, key, json_object(), err);
}

/* An advisory's title in the language; its English summary stays a summary. */
static int word_advisory(const dg_lang *lang, json_t *it)
{
	int err = 0;
	char *sev = severity_word(lang, dg_json_str(it, "severity"), &err);
	char *title = dg_lang_say(lang, "advisory.title", json_pack("{s:s, s:s, s:s, s:s}",
		"repo", dg_json_str(it, "repo"), "repo_name", dg_json_str(it, "repo_name"),
		"advisory", dg_json_str(it, "advisory"), "severity", sev ? sev : ""), &err);

	if (err >= 0) {
		json_object_set_new(it, "title", json_string(title));
		json_object_set_new(it, "severity_text", json_string(sev));
	}
	free(sev);
	free(title);
	return err;
}

int dg_model_release_news(const dg_lang *lang, json_t *news)
{
	char *sep = NULL;
	size_t i, k;
	json_t *it, *line;
	int err = 0;

	sep = dg_lang_say(lang, "release.summary_sep", json_object(), &err);
	json_array_foreach(news, i, it) {
		dg_buf summary = DG_BUF_INIT;
		char *title;
		if (err < 0)
			break;
		if (!strcmp(dg_json_str(it, "kind"), "advisory") && !json_object_get(it, "title")) {
			err = word_advisory(lang, it);
			continue;
		}
		/* A release: its notes, then the title and the summary the item lacks
		 * (an editor's title keeps the notes' summary). */
		if (strcmp(dg_json_str(it, "kind"), "release") ||
		    (json_object_get(it, "title") && json_object_get(it, "summary")))
			continue;
		if (json_object_get(it, "body")) {
			int truncated;
			json_object_set_new(it, "notes", dg_notes_extract(dg_json_str(it, "body"), 3, 100, &truncated));
			json_object_del(it, "body");
		}
		title = json_object_get(it, "title") ? NULL :
			dg_lang_say(lang, "release.title", json_pack("{s:s, s:s, s:s, s:s}",
				"repo", dg_json_str(it, "repo"), "repo_name", dg_json_str(it, "repo_name"),
				"release", dg_json_str(it, "release"), "tag", dg_json_str(it, "tag")), &err);
		json_array_foreach(json_object_get(it, "notes"), k, line)
			dg_buf_printf(&summary, "%s%s", k ? sep : "", json_string_value(line));
		/* `summary` has no cap; the texts are the strings file's and JSON's (UTF-8) */
		if (err >= 0 && title)
			json_object_set_new(it, "title", json_string(title));
		if (err >= 0 && !json_object_get(it, "summary"))
			json_object_set_new(it, "summary", json_string(dg_buf_cstr(&summary)));
		free(title);
		dg_buf_free(&summary);
	}
	free(sep);
	return err;
}

/* The language an item's own text is in: a feed's `language`, else "zh"
 * when it holds Chinese characters, else "en". */
static const char *text_language(json_t *it)
{
	const char *text = json_object_get(it, "stars") ? dg_json_str(it, "description") : dg_json_str(it, "summary");
	const unsigned char *s = (const unsigned char *)text;
	size_t len = strlen(text), i = 0;

	if (!json_object_get(it, "stars") && *dg_json_str(it, "language"))
		return dg_json_str(it, "language");
	while (i < len) {
		uint32_t cp;
		i += dg_text_utf8_next(s + i, len - i, &cp);
		if (dg_text_cjk_class(cp) == DG_TEXT_HAN)
			return "zh";
	}
	return "en";
}

/* The headline: the editor's, else the most significant news item's
 * title when it is in the language (a watched release or an
 * advisory, worded from strings.toml, or a feed item written in it), else
 * the language's default. News come ranked (lib/select/cnchoose.h). */
static char *weekly_headline(const dg_model_opts *o, const dg_lang *lang, const dg_weekly_input *in, int *given,
			     int *err)
{
	const char *h = NULL;
	json_t *top = json_array_get(in->news, 0);
	char *s = NULL;

	if (in->headline && *in->headline)
		h = in->headline;
	else if (top && (strcmp(dg_json_str(top, "kind"), "feed") || !strcmp(text_language(top), o->language)))
		h = dg_json_str(top, "title");
	*given = h && *h;
	if (!*given)
		return dg_lang_say(lang, "cnweekly.headline", json_object(), err);
	if (*err >= 0)
		s = dg_strdup(h);
	return s;
}

/* Items the editor has not written whose own text is in another language
 * than the issue's: a sentence from the facts ("fact.<kind>" in
 * strings.toml) stands in as "fact", so a foreign summary is never shown as
 * the item's text, and the item is listed in `to_write`. */
static int stand_ins(const dg_model_opts *o, const dg_lang *lang, json_t *list, const char *section, json_t *texts,
		     json_t *to_write)
{
	size_t i;
	json_t *it;
	int err = 0;

	json_array_foreach(list, i, it) {
		const char *kind = dg_json_str(it, "kind"), *key;
		const char *what = json_object_get(it, "stars") ? dg_json_str(it, "name") : dg_json_str(it, "title");
		char *fact;

		if (*dg_json_str(it, "paragraph"))
			continue;
		/* the editor's kept text or the writer's (use = "issue"), shown as data */
		if (*dg_json_str(texts, dg_json_str(it, "url"))) {
			json_object_set(it, "fact", json_object_get(texts, dg_json_str(it, "url")));
			json_object_set_new(it, "has_fact", json_true());
			continue;
		}
		if (!strcmp(text_language(it), o->language))
			continue;
		key = !strcmp(section, "project") ? "fact.project" : !strcmp(section, "article") ? "fact.article" :
		      !strcmp(kind, "release") ? "fact.release" : !strcmp(kind, "advisory") ? "fact.advisory" : "fact.news";
		fact = dg_lang_say(lang, key, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:b, s:b, s:b}",
			"title", dg_json_str(it, "title"), "source", dg_json_str(it, "source"), "date", dg_json_str(it, "date"),
			"repo_name", dg_json_str(it, "repo_name"), "release", dg_json_str(it, "release"),
			"advisory", dg_json_str(it, "advisory"), "severity", dg_json_str(it, "severity_text"),
			"name", dg_json_str(it, "name"), "stars", json_integer_value(json_object_get(it, "stars")),
			"language", json_object_get(it, "stars") ? dg_json_str(it, "language") : "",
			"license", dg_json_str(it, "license"),
			"has_language", json_is_true(json_object_get(it, "has_language")),
			"has_license", json_is_true(json_object_get(it, "has_license")),
			"has_stars", json_is_true(json_object_get(it, "has_stars"))), &err);
		if (err < 0)
			break;
		json_object_set_new(it, "fact", json_string(fact));
		json_object_set_new(it, "has_fact", json_true());
		json_array_append_new(to_write, json_pack("{s:s, s:s}", "section", section, "item", what));
		free(fact);
	}
	return err;
}

/* The lead paragraph (导语): the editor's (Markdown), else one from
 * "cnweekly.lead" naming the headline and the counts (plain text). */
static char *weekly_lead(const dg_lang *lang, const dg_weekly_input *in, const char *headline, int headline_given,
			 int *markdown, int *err)
{
	char *s = NULL;

	*markdown = in->lead && *in->lead;
	if (!*markdown)
	{
		size_t p = json_array_size(in->projects), a = json_array_size(in->articles), n = json_array_size(in->news);
		/* Counts of zero are no clause: has_* and the separators between the clauses present. */
		return dg_lang_say(lang, "cnweekly.lead", json_pack("{s:s, s:b, s:I, s:I, s:I, s:b, s:b, s:b, s:b, s:b, s:b}",
			"headline", headline, "has_headline", headline_given, "projects", (json_int_t)p,
			"articles", (json_int_t)a, "news", (json_int_t)n, "has_projects", p > 0, "has_articles", a > 0,
			"has_news", n > 0, "has_items", p + a + n > 0, "sep_after_projects", p > 0 && a + n > 0,
			"sep_after_articles", a > 0 && n > 0), err);
	}
	if (*err >= 0)
		s = dg_strdup(in->lead);
	return s;
}

/* The weekly's own series links (cnweekly.links), not the community report's. */
static void weekly_links(const dg_model_opts *o, json_t *m)
{
	json_t *links = json_array();

	for (size_t i = 0; i < o->cn_links->n; i++)
		json_array_append_new(links, json_pack("{s:s, s:s, s:s}", "label", o->cn_links->keys[i],
						       "url", o->cn_links->values[i],
						       "sep", i + 1 < o->cn_links->n ? " · " : ""));
	json_object_set_new(m, "links", links);
	json_object_set_new(json_object_get(m, "has"), "links", json_boolean(o->cn_links->n > 0));
}

static json_t *weekly_front_matter(const dg_model_opts *o, const dg_lang *lang, const dg_window *w, json_t *names,
				   const char *created, int *err)
{
	json_t *fm = json_object();
	char *title = dg_model_preview_title(lang, w, dg_lang_say(lang, "cnweekly.front_title", json_incref(names), err),
					     err);
	char *tag = dg_lang_say(lang, "cnweekly.tag", json_incref(names), err);
	char *keywords = dg_lang_say(lang, "cnweekly.keywords", json_incref(names), err);
	char *desc = dg_lang_say(lang, "cnweekly.description", json_incref(names), err);

	dg_model_set_yaml(fm, "title", title);
	dg_model_set_yaml(fm, "tag", tag);
	dg_model_set_yaml(fm, "keywords", keywords);
	dg_model_set_yaml(fm, "description", desc);
	dg_model_set_yaml(fm, "createTime", created);
	dg_model_set_yaml(fm, "author", o->author ? o->author : "");
	dg_model_set_yaml(fm, "snapshot", o->cover_image ? o->cover_image : "");
	free(title);
	free(tag);
	free(keywords);
	free(desc);
	return fm;
}

/* The items the editor has still to write in the language, in one warning. */
static void warn_to_write(const dg_model_opts *o, json_t *to_write, json_t *warnings)
{
	dg_buf b = DG_BUF_INIT;   /* no cap: cannot fail */
	size_t i;
	json_t *it;

	if (!json_array_size(to_write))
		return;
	dg_buf_printf(&b, "%zu item(s) have no %s paragraph yet (a sentence from the facts stands in):",
		      json_array_size(to_write), o->language);
	json_array_foreach(to_write, i, it)
		dg_buf_printf(&b, "%s %s \"%s\"", i ? "," : "", dg_json_str(it, "section"), dg_json_str(it, "item"));
	dg_json_appendf(warnings, "%s", dg_buf_cstr(&b));
	dg_buf_free(&b);
}

int dg_model_weekly(const dg_model_opts *o, const dg_lang *lang, const dg_window *w, const dg_weekly_input *given,
		    const dg_model_meta *meta, json_t **out)
{
	/* The model decorates and words what it shows: copies of the items. */
	dg_weekly_input own = *given, *in = &own;
	json_t *projects = own.projects = json_deep_copy(given->projects);
	json_t *articles = own.articles = json_deep_copy(given->articles);
	json_t *news = own.news = json_deep_copy(given->news);
	int number = meta->number;
	json_t *m_ = NULL, *names = NULL, *period = dg_model_period(o, w), *warnings = json_array();
	const char *date_dots = dg_json_str(period, "date"), *created = dg_json_str(period, "created");
	char *series = NULL, *headline = NULL, *title = NULL, *lead = NULL;
	json_t *to_write = json_array();
	int lead_markdown = 0, headline_given = 0;
	int err = 0;

	*out = NULL;
	if (in->feeds_total && !in->feeds_read)
		dg_json_appendf(warnings, "no feed could be read");
	if ((err = dg_model_release_news(lang, news)) < 0)
		goto done;
	if (o->cn_title)
		series = dg_strdup(o->cn_title);
	else
		series = dg_lang_say(lang, "cnweekly.series", json_object(), &err);
	headline = weekly_headline(o, lang, in, &headline_given, &err);
	if (err < 0)
		goto done;
	/* A period before the numbering's reference has no number (null). */
	names = json_pack("{s:s, s:s, s:o, s:s}", "series", series, "headline", headline, "number",
			  number > 0 ? json_integer(number) : json_null(), "date", date_dots);
	title = dg_model_preview_title(lang, w, dg_lang_say(lang, "cnweekly.title", json_incref(names), &err), &err);
	if (err < 0)
		goto done;
	decorate(o, in->latest, projects);
	decorate(o, in->latest, articles);
	decorate(o, in->latest, news);
	lead = weekly_lead(lang, in, headline, headline_given, &lead_markdown, &err);
	if (err < 0 || (err = stand_ins(o, lang, projects, "project", in->texts, to_write)) < 0 ||
	    (err = stand_ins(o, lang, articles, "article", in->texts, to_write)) < 0 ||
	    (err = stand_ins(o, lang, news, "news", in->texts, to_write)) < 0)
		goto done;
	m_ = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:o, s:O}",
		       "kind", "cnweekly", "title", title, "headline", headline, "series", series, "number", number,
		       "language", o->language, "window", dg_model_window(o, w), "period", period);
	if (!m_) {
		err = dg_err_set(DG_ERR_FAIL, "cannot build the issue's model: a title is not valid UTF-8");
		goto done;
	}
	json_object_set(m_, "projects", projects);
	json_object_set(m_, "articles", articles);
	json_object_set(m_, "news", news);
	json_object_set_new(m_, "intro", json_string(o->cn_intro ? o->cn_intro : ""));
	json_object_set_new(m_, "lead", json_string(lead));
	json_object_set(m_, "to_write", to_write);
	json_object_set_new(m_, "footer", json_string(o->cn_footer ? o->cn_footer : ""));
	json_object_set_new(m_, "stats", json_pack("{s:I, s:I, s:I, s:i, s:i}",
		"projects", (json_int_t)json_array_size(projects), "articles", (json_int_t)json_array_size(articles),
		"news", (json_int_t)json_array_size(news), "feeds", in->feeds_total, "feeds_read", in->feeds_read));
	json_object_set_new(m_, "has", json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b}",
		"projects", json_array_size(projects) > 0, "articles", json_array_size(articles) > 0,
		"news", json_array_size(news) > 0, "intro", o->cn_intro && *o->cn_intro,
		"footer", json_string_length(json_object_get(m_, "footer")) > 0,
		"lead_markdown", lead_markdown && lead && *lead, "lead_text", !lead_markdown && lead && *lead));
	json_object_set_new(m_, "front_matter", weekly_front_matter(o, lang, w, names, created, &err));
	if (err < 0 || (err = dg_model_writer_note(lang, m_, meta)) < 0)
		goto done;
	dg_model_add_links(o, m_);
	weekly_links(o, m_);
	dg_model_sanitize_urls(m_, warnings);
	warn_to_write(o, to_write, warnings);
	dg_model_finish(o, m_, meta, warnings);
	*out = m_;
	m_ = NULL;
done:
	json_decref(m_);
	json_decref(names);
	json_decref(period);
	json_decref(projects);
	json_decref(articles);
	json_decref(news);
	json_decref(warnings);
	free(series);
	free(headline);
	free(title);
	free(lead);
	json_decref(to_write);
	return err;
}
