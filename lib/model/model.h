/* model.h - the digest model: the one jansson value templates see.
 *
 * `--format json` writes it as is (stable keys, documented in README.md). */
#ifndef DG_MODEL_H
#define DG_MODEL_H

#include <jansson.h>
#include "base/buf.h"
#include "base/window.h"
#include "model/lang.h"
#include "model/modelopts.h"

/* What every kind's model is built from besides the kind's own values:
 * decided before the model, never written into it afterwards. Borrowed. */
typedef struct dg_model_meta {
	int number;              /* the number; 0: none (a preview, before the reference) */
	json_t *warnings;        /* what the stages before said: the model's "warnings" start with them */
	json_t *failures;        /* the sources that could not be read: "failed_sources", "partial" */
	json_t *texts;           /* item id (URL, "lead") -> its text, the editor's over the writer's
				    (use = "issue"); NULL: none */
	const char *note;        /* shown at the end when a writer's text is used (writer.note or the
				    language's); NULL: none */
} dg_model_meta;

/* Build the community report's model from the `collected` data and the
 * `selection` ({"products": dg_select_releases, "highlight_groups":
 * dg_select_highlights, "bot_pulls"}), both borrowed and left unchanged,
 * in `lang`'s words. *out is new (caller decrefs). */
int dg_model_community(const dg_model_opts *o, const dg_lang *lang, const dg_window *w, json_t *collected,
		       json_t *selection, const dg_model_meta *meta, json_t **out);

/* The trends section into `model` (a community report's, complete): "trend"
 * {"weeks" (a copy of `weeks`, the history's series whose last n_own are
 * the issue's own), "change" {"merged_prs", "previous", "percent", "text"}
 * against the n_own weeks before, "sentence", "title", "alt", "words",
 * "image" (OUT/<kind>-<label>.trend.png, drawn by the outputs)} and
 * has.trend. 0, or <0 when a word of the language fails. */
int dg_model_trend(const dg_lang *lang, const char *kind, const dg_window *w, json_t *weeks, size_t n_own,
		   json_t *model);

/* What the Cloud Native Weekly's model is built from (all borrowed): the
 * chosen items, the latest releases (lower-case repo -> {"tag","url",
 * "published_at"} or null), the editor's headline (NULL/"" for the automatic
 * one) and the feed counts. */
typedef struct dg_weekly_input {
	json_t *projects, *articles, *news;
	json_t *latest;
	const char *headline;
	int feeds_total, feeds_read;
	const char *lead;        /* the editor's lead paragraph (Markdown), NULL/"" for the automatic one */
	json_t *texts;           /* url -> an item's plain text (a kept edit of the community report's
				    editor's file, else the writer's), for items without a paragraph; NULL: none */
} dg_weekly_input;

/* Word the watched releases and advisories among the `news` items (in
 * place: the caller's own copies): "title" and "summary" in `lang`'s words,
 * unless the item has a title already. 0 or <0. */
int dg_model_release_news(const dg_lang *lang, json_t *news);

/* Build the Cloud Native Weekly's model from `in` (borrowed, left
 * unchanged); *out is new (caller decrefs). */
int dg_model_weekly(const dg_model_opts *o, const dg_lang *lang, const dg_window *w, const dg_weekly_input *in,
		    const dg_model_meta *meta, json_t **out);

/* Pieces every kind of issue shares (new values; caller owns them):
 * the window in UTC, and the period's local dates {"first_day","last_day",
 * "created" (the day after), "range" "2021.12.06-2021.12.12", "date"
 * "2021.12.13", "biweekly"}. */
json_t *dg_model_window(const dg_model_opts *o, const dg_window *w);
json_t *dg_model_period(const dg_model_opts *o, const dg_window *w);
/* Local calendar date of `t` in digest.timezone, "YYYY-MM-DD". */
void dg_model_local_date(const dg_model_opts *o, int64_t t, char out[16]);
/* obj[key] = value as the body of a YAML single-quoted scalar (front matter). */
void dg_model_set_yaml(json_t *obj, const char *key, const char *value);

/* Add the footer's links (digest.links) and QR image (digest.qr_image) to
 * `model`, with has.links / has.qr_image (the "has" object must exist). */
void dg_model_add_links(const dg_model_opts *o, json_t *model);

/* Make every "url", "link" and "*_url" string in `model` a safe link: an
 * http(s) URL (or digest's own certificates/ path) with what would end a
 * Markdown link early or open raw HTML percent-encoded, or "". Fails closed:
 * a value whose safe form cannot be built (invalid UTF-8) becomes "" and a
 * warning naming the field ("news[2].link") is appended to `warnings` (may
 * be NULL).
 * Returns the number of such warnings. */
int dg_model_sanitize_urls(json_t *model, json_t *warnings);

/* The name (no folder, no extension) of the certificate digest draws for
 * `login`: "contributor-" and the login reduced to [A-Za-z0-9_-] (200 at
 * most); when that changed it, "-" and 8 hex digits of the login's hash
 * follow, so two logins never share a file. Appended to `out`. */
int dg_model_certificate_name(const char *login, dg_buf *out);

/* The keys every model ends with, from `meta`: "number" (null when none),
 * "partial", "failed_sources", "failed_count", "show_partial_note", then
 * "warnings": meta's and the model's `own` (may be NULL). Last, every
 * string of the model loses its C0 control characters but tab and newline
 * (and DEL): no output shows them. */
void dg_model_finish(const dg_model_opts *o, json_t *m, const dg_model_meta *meta, json_t *own);

/* When meta->note is set (a writer's text is shown): "writer_note" (the
 * note, "" for the language's writer.note) in `m`; "has.writer_note" either
 * way (the "has" object must exist). 0 or <0. */
int dg_model_writer_note(const dg_lang *lang, json_t *m, const dg_model_meta *meta);

/* Serialise for --format json: indented, keys in insertion order, UTF-8,
 * trailing newline. Caller frees; NULL only when `model` is no object or
 * array (json_dumps refuses it). */
char *dg_model_dump(json_t *model);

#endif
