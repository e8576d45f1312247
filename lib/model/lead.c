/* The community report's lead: one sentence that is news, for the intro,
 * the front matter's description and the WeChat summary. */
#include "model/modelint.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/jsonx.h"
#include "base/str.h"
#include "base/text.h"
#include "model/notes.h"

#include <stdlib.h>
#include <string.h>

/* Items of the lead are cut to this many columns; the sentence is kept
 * within WeChat's summary (120 of its 128 characters, as the draft's
 * digest is cut). */
#define LEAD_ITEM_WIDTH 48
#define LEAD_MAX_CHARS 120

/* Stands for the linked name while the wording is rendered: a control
 * character. Should a name or a note line hold one too, the sentence goes
 * without a link (split_lead). */
#define LINK_MARK "\x1e"

static size_t code_points(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* "Karmada v1.16.0": the release's name, after its product's unless the
 * name already holds it. Caller frees. */
static char *release_title(json_t *lead)
{
	const char *product = dg_json_str(lead, "product"), *name = dg_json_str(lead, "name");
	dg_buf b = DG_BUF_INIT;   /* no cap: cannot fail */

	if (!*name)
		name = dg_json_str(lead, "tag");
	if (*product && !dg_str_find_ci(name, strlen(name), product))
		dg_buf_printf(&b, "%s %s", product, name);
	else
		dg_buf_puts(&b, name);
	return dg_buf_detach(&b);
}

/* The lead from wording `key` rendered with `ctx` (taken) where the linked
 * name is LINK_MARK: {"text", "before", "link", "url", "after"}. */
static json_t *split_lead(const dg_lang *lang, const char *key, json_t *ctx, const char *link, const char *url,
			  int *err)
{
	char *said = dg_lang_say(lang, key, ctx, err), *at;
	dg_buf text = DG_BUF_INIT;
	json_t *out;

	if (!said)
		return NULL;
	at = strstr(said, LINK_MARK);
	if (!at || strstr(at + 1, LINK_MARK)) {
		/* a wording without the name (or twice): no link, the text as said */
		for (char *p = said; (p = strstr(p, LINK_MARK)) != NULL;)
			memmove(p, p + 1, strlen(p));
		out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "text", said, "before", said, "linked", "", "url", "",
				"after", "");
	} else {
		*at = '\0';
		dg_buf_printf(&text, "%s%s%s", said, link, at + 1);
		out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "text", dg_buf_cstr(&text), "before", said, "linked", link,
				"url", url, "after", at + 1);
	}
	dg_buf_free(&text);
	free(said);
	return out;
}

/* A note line without its trailing references ("... (#2495)", "(#6637,
 * @luyb177)"), which a sentence does not need. Caller frees. */
static char *without_references(const char *s)
{
	size_t n = strlen(s);
	const char *open;

	while (n && s[n - 1] == ' ')
		n--;
	if (n && s[n - 1] == ')' && (open = memchr(s, '(', n)) != NULL) {
		const char *last = open;
		for (const char *p = open; p && p < s + n; p = memchr(p + 1, '(', (size_t)(s + n - p - 1)))
			last = p;
		if (memchr(last, '#', (size_t)(s + n - last)) && last > s) {
			n = (size_t)(last - s);
			while (n && s[n - 1] == ' ')
				n--;
		}
	}
	return dg_strndup(s, n);
}

/* The lead of the lead release, with as many of its first note lines
 * (up to three) as keep the sentence within LEAD_MAX_CHARS. */
static json_t *release_lead(const dg_lang *lang, json_t *lead, const char *sep, int *err)
{
	json_t *notes = json_object_get(lead, "notes"), *out = NULL;
	char *title = release_title(lead);
	size_t n = json_array_size(notes) < 3 ? json_array_size(notes) : 3;

	for (;; n--) {
		dg_buf items = DG_BUF_INIT;   /* no cap: cannot fail */
		json_t *ctx;
		for (size_t i = 0; i < n; i++) {
			char *line = without_references(json_string_value(json_array_get(notes, i)));
			char *cut = dg_notes_cut(line, LEAD_ITEM_WIDTH);
			dg_buf_printf(&items, "%s%s", i ? sep : "", cut);
			free(cut);
			free(line);
		}
		/* the notes' lines and the config's names: valid UTF-8 */
		ctx = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b}", "product", dg_json_str(lead, "product"),
				"release", LINK_MARK, "items", dg_buf_cstr(&items), "has_items", n > 0,
				"more", json_array_size(notes) > n,
				"prerelease", json_is_true(json_object_get(lead, "prerelease")));
		dg_buf_free(&items);
		json_decref(out);
		out = split_lead(lang, "community.lead", ctx, title, dg_json_str(lead, "url"), err);
		if (!out || !n || code_points(dg_json_str(out, "text")) <= LEAD_MAX_CHARS)
			break;
	}
	free(title);
	return out;
}

/* The most notable highlight: the best score of the shown ones, the first
 * group's first among equals. Borrowed; NULL when none. */
static json_t *top_change(json_t *groups, const char **product)
{
	json_t *g, *it, *best = NULL;
	size_t i, k;

	json_array_foreach(groups, i, g)
		json_array_foreach(json_object_get(g, "pulls"), k, it)
			if (!best || json_integer_value(json_object_get(it, "score")) >
					     json_integer_value(json_object_get(best, "score"))) {
				best = it;
				*product = dg_json_str(g, "product");
			}
	return best;
}

int dg_model_lead(const dg_lang *lang, json_t *m)
{
	json_t *lead = json_object_get(m, "lead"), *out = NULL;
	int err = 0;
	char *sep = dg_lang_say(lang, "common.list_sep", json_object(), &err);

	if (err < 0)
		goto done;
	if (json_is_object(lead)) {
		out = release_lead(lang, lead, sep, &err);
	} else {
		const char *product = "";
		json_t *top = top_change(json_object_get(m, "highlight_groups"), &product);
		if (top)
			out = split_lead(lang, "community.lead_change",
					 json_pack("{s:s, s:s}", "product", product, "title", LINK_MARK),
					 dg_json_str(top, "title"), dg_json_str(top, "url"), &err);
	}
	if (err < 0)
		goto done;
	json_object_set_new(m, "summary", json_string(out ? dg_json_str(out, "text") : ""));
	json_object_set_new(m, "headline", out ? out : json_null());
	out = NULL;
done:
	json_decref(out);
	free(sep);
	return err;
}
