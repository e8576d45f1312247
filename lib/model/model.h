/* model.h - the digest model: the one jansson value templates see.
 *
 * `--format json` writes it as is (stable keys, documented in README.md). */
#ifndef DG_MODEL_H
#define DG_MODEL_H

#include <jansson.h>
#include "config/config.h"
#include "base/window.h"

/* Build the community report's model from collected `data` (borrowed).
 * *out is new (caller decrefs). */
int dg_model_community(const dg_config *cfg, const dg_window *w, json_t *data, int number,
		       json_t **out);

/* What the Cloud Native Weekly's model is built from (all borrowed): the
 * chosen items (decorated in place for the templates), the latest releases
 * (lower-case repo -> {"tag","url","published_at"} or null), the editor's
 * headline (NULL/"" for the automatic one), the number and the feed counts. */
typedef struct dg_weekly_input {
	json_t *projects, *articles, *news;
	json_t *latest;
	const char *headline;
	int number;
	int feeds_total, feeds_read;
	json_t *warnings;   /* where dg_model_sanitize_urls says what it emptied; may be NULL */
	const char *lead;        /* the editor's lead paragraph (Markdown), NULL/"" for the automatic one */
} dg_weekly_input;

/* Word the watched releases among the `news` candidates ("kind": "release",
 * facts from the collector: repo, repo_name, release, tag and the note lines
 * "notes"): set "title" and "summary" in the config's language, unless the
 * item has a title already. 0 or <0. */
int dg_model_release_news(const dg_config *cfg, json_t *news);

/* Build the Cloud Native Weekly's model; *out is new (caller decrefs). */
int dg_model_weekly(const dg_config *cfg, const dg_window *w, const dg_weekly_input *in, json_t **out);

/* Pieces every kind of issue shares (new values; caller owns them):
 * the window in UTC, and the period's local dates {"first_day","last_day",
 * "created" (the day after), "range" "2021.12.06-2021.12.12", "date"
 * "2021.12.13", "biweekly"}. */
json_t *dg_model_window(const dg_config *cfg, const dg_window *w);
json_t *dg_model_period(const dg_config *cfg, const dg_window *w);
/* Local calendar date of `t` in the config's zone, "YYYY-MM-DD". */
void dg_model_local_date(const dg_config *cfg, int64_t t, char out[16]);
/* obj[key] = value as the body of a YAML single-quoted scalar (front matter). */
void dg_model_set_yaml(json_t *obj, const char *key, const char *value);

/* Add the footer's links (digest.links) and QR image (digest.qr_image) to
 * `model`, with has.links / has.qr_image (the "has" object must exist). */
void dg_model_add_links(const dg_config *cfg, json_t *model);

/* Make every "url", "link" and "*_url" string in `model` a safe link: an
 * http(s) URL (or digest's own certificates/ path) with what would end a
 * Markdown link early or open raw HTML percent-encoded, or "". Fails closed:
 * a value whose safe form cannot be built (invalid UTF-8, out of memory)
 * becomes "" (without memory even for that, it is removed) and a warning
 * naming the field ("news[2].link") is appended to `warnings` (may be NULL).
 * Returns the number of such warnings. */
int dg_model_sanitize_urls(json_t *model, json_t *warnings);

/* Serialise for --format json: indented, keys in insertion order, UTF-8,
 * trailing newline. Caller frees. */
char *dg_model_dump(json_t *model);

#endif
