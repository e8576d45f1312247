/* The releases of the community report: the selection's products and
 * their ranked entries (lib/select/releaserank.c) as the templates show them. */
#include "model/modelint.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/jsonx.h"
#include "base/str.h"
#include "model/model.h"
#include "model/notes.h"
#include "select/lineclass.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NOTE_LINE_WIDTH 140

static const char *repo_url_of(json_t *repos, const char *full_name)
{
	size_t k;
	json_t *repo;

	json_array_foreach(repos, k, repo)
		if (!strcasecmp(dg_json_str(repo, "full_name"), full_name))
			return dg_json_str(repo, "html_url");
	return "";
}

/* One entry as shown: date, its repositories, and for the lead of a product
 * the notes of its repositories ranked together (one document: a chore of
 * the first repository never comes before a feature of the second), "all
 * notes" linking the first one's tag page. */
/* 1 when backport `b` (dg_select_lone_backports) belongs to release entry
 * `e`: one of its repositories, merged before it was published, and its
 * branch ("1.2") the tag's ("v1.2.3") when the title names one. */
static int backport_of(json_t *b, json_t *e)
{
	const char *branch = dg_json_str(b, "branch"), *tag = dg_json_str(e, "tag");
	size_t i, n = strlen(branch);
	json_t *r;
	int repo = 0;

	json_array_foreach(json_object_get(e, "repos"), i, r)
		repo |= !strcmp(dg_json_str(r, "repo"), dg_json_str(b, "repo"));
	if (!repo || strcmp(dg_json_str(b, "merged_at"), dg_json_str(e, "published_at")) > 0)
		return 0;
	if (*tag == 'v' || *tag == 'V')
		tag++;
	return !n || (!strncmp(tag, branch, n) && (tag[n] == '.' || tag[n] == '-' || !tag[n]));
}

/* Tell the lone backports of `e` in its notes, up to `max` lines, unless
 * the notes say the same already (dg_line_key). */
static void add_backports(json_t *notes, json_t *backports, json_t *e, size_t max)
{
	size_t i, k;
	json_t *b, *line;

	json_array_foreach(backports, i, b) {
		const char *t = dg_json_str(b, "title");
		char *key, *cut;
		int known = 0;
		if (json_array_size(notes) >= max || !backport_of(b, e))
			continue;
		key = dg_line_key(t, strlen(t));
		json_array_foreach(notes, k, line) {
			char *lk = dg_line_key(json_string_value(line), strlen(json_string_value(line)));
			known |= !strcmp(lk, key);
			free(lk);
		}
		cut = dg_notes_cut(t, NOTE_LINE_WIDTH);
		if (!known)
			json_array_append_new(notes, json_string(cut));
		free(cut);
		free(key);
	}
}

static json_t *entry_model(const dg_model_opts *o, const dg_lang *lang, const char *sep, json_t *e, json_t *repos,
			   int with_notes, json_t *backports)
{
	json_t *rs = json_object_get(e, "repos"), *shown = json_array(), *r, *out;
	json_t *notes = NULL;
	int truncated = 0;
	dg_buf bodies = DG_BUF_INIT;   /* no cap: cannot fail */
	char *date;
	int64_t t = 0;
	int err = 0;
	size_t i, n = json_array_size(rs);
	dg_buf more = DG_BUF_INIT;

	if (with_notes)
		notes = json_array();
	json_array_foreach(rs, i, r) {
		json_array_append_new(shown, json_pack("{s:s, s:s, s:s}", "repo", dg_json_str(r, "repo"),
						       "url", dg_json_str(r, "url"), "sep", i + 1 < n ? sep : ""));
		if (with_notes && *dg_json_str(r, "body")) {
			if (!more.len) {
				/* the tag's own release page, not the list of releases */
				const char *tag = dg_json_str(r, "tag");
				dg_buf_printf(&more, "%s/releases/tag/", repo_url_of(repos, dg_json_str(r, "repo")));
				(void)dg_str_percent_encode(&more, tag, strlen(tag), DG_STR_PCT_UNRESERVED, NULL);
			}
			dg_buf_printf(&bodies, "%s\n\n", dg_json_str(r, "body"));
		}
	}
	if (with_notes) {
		json_decref(notes);
		notes = dg_notes_extract(dg_buf_cstr(&bodies), (size_t)o->release_note_lines, NOTE_LINE_WIDTH, &truncated);
		add_backports(notes, backports, e, (size_t)o->release_note_lines);
	}
	dg_buf_free(&bodies);
	dg_date_parse_rfc3339(dg_json_str(e, "published_at"), &t);
	date = dg_model_say_date(o, lang, t, &err);
	out = !date ? NULL : json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:o, s:b}", "name", dg_json_str(e, "name"),
			"tag", dg_json_str(e, "tag"), "url", dg_json_str(e, "url"), "date", date,
			"prerelease", json_is_true(json_object_get(e, "prerelease")), "kind", dg_json_str(e, "kind"),
			"repos", shown, "has_repos", n > 1);
	if (out && with_notes) {
		json_object_set_new(out, "notes", notes);
		json_object_set_new(out, "has_notes", json_boolean(json_array_size(notes) > 0));
		/* `more` has no cap: its appends cannot fail */
		json_object_set_new(out, "more", json_boolean(truncated));
		json_object_set_new(out, "more_url", json_string(dg_buf_cstr(&more)));
	} else {
		json_decref(notes);
	}
	dg_buf_free(&more);
	free(date);
	return out;
}

json_t *dg_model_release_groups(const dg_model_opts *o, const dg_lang *lang, const char *sep, json_t *products,
				json_t *repos, json_t *backports, json_t **lead, size_t *versions)
{
	json_t *groups = json_array(), *p;
	size_t i;

	*lead = NULL;
	*versions = 0;
	json_array_foreach(products, i, p) {
		json_t *entries = json_object_get(p, "entries"), *others = json_array(), *e, *latest;
		size_t k, n = json_array_size(entries);

		*versions += n;
		latest = entry_model(o, lang, sep, json_array_get(entries, 0), repos, 1, backports);
		for (k = 1; k < n; k++) {
			e = entry_model(o, lang, sep, json_array_get(entries, k), repos, 0, NULL);
			if (e)
				json_object_set_new(e, "sep", json_string(k + 1 < n ? sep : ""));
			json_array_append_new(others, e);
		}
		if (i == 0 && latest)
			*lead = json_pack("{s:s, s:s, s:s, s:s, s:b, s:O?}", "product", dg_json_str(p, "name"),
					  "name", dg_json_str(latest, "name"), "tag", dg_json_str(latest, "tag"),
					  "url", dg_json_str(latest, "url"),
					  "prerelease", json_is_true(json_object_get(latest, "prerelease")),
					  "notes", json_object_get(latest, "notes"));
		json_array_append_new(groups, json_pack("{s:s, s:s, s:o, s:o, s:b}", "product", dg_json_str(p, "name"),
							"repo", dg_json_str(p, "name"), "latest", latest,
							"others", others, "has_others", n > 1));
	}
	return groups;
}
