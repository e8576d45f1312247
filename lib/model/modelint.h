/* modelint.h - pieces of the community report's model, shared by the files
 * of lib/model/ only. */
#ifndef DG_MODELINT_H
#define DG_MODELINT_H

#include <jansson.h>
#include <stdint.h>
#include "base/buf.h"
#include "base/window.h"
#include "model/lang.h"
#include "model/modelopts.h"

/* A local date in the language's one style (common.date); caller frees;
 * NULL once *err < 0 (dg_lang_say). */
char *dg_model_say_date(const dg_model_opts *o, const dg_lang *lang, int64_t t, int *err);

/* The period's dates as text: "first_text", "last_text", "range_text"
 * (common.range) added to `period`. 0 or <0. */
int dg_model_period_text(const dg_model_opts *o, const dg_lang *lang, const dg_window *w, json_t *period);

/* An issue's title, or for a period still in progress (w->in_progress)
 * that title marked as a preview (common.preview). Takes `title` (may be
 * NULL once *err < 0); returns the one to use, caller frees. */
char *dg_model_preview_title(const dg_lang *lang, const dg_window *w, char *title, int *err);
/* A weekly's name made the biweekly's: community.weekly -> community.biweekly
 * (strings.toml; an ASCII first letter matched in either case and kept so),
 * not where it says so already. Takes `text` (freed), returns a new string;
 * NULL with *err set when the words cannot be said. */
char *dg_model_biweekly(const dg_lang *lang, char *text, int *err);

/* "release_groups": one group per product of `products` (the selection's,
 * lib/select/releaserank.h; borrowed), lead first: {"product", "repo" (the same
 * name), "latest", "others", "has_others"}; an entry is {"name", "tag", "url",
 * "date", "prerelease", "repos": [{"repo", "url", "sep"}], "has_repos" (more
 * than one), "notes", "has_notes", "more", "more_url" (the tag's
 * release page)}. Sets *lead to the lead entry {"product", "name",
 * "tag", "url", "prerelease", "notes"} or NULL, and *versions to the entries' count.
 * A product's lead entry also tells the lone backports (`backports`, the
 * selection's, borrowed; may be NULL) of its repositories and branch that
 * its notes do not. New array. */
json_t *dg_model_release_groups(const dg_model_opts *o, const dg_lang *lang, const char *sep, json_t *products,
				json_t *repos, json_t *backports, json_t **lead, size_t *versions);

/* The lead of the community report (after its "release_groups" and
 * "highlight_groups"): one sentence that is news. With a lead release
 * (m.lead from dg_model_release_groups), community.lead names it and its
 * first note lines (two or three, as written, cut short; fewer when the
 * sentence would pass WeChat's summary limit); else the most notable
 * highlight (community.lead_change); else none. Sets m.headline to
 * {"text" (plain), "before", "linked", "url", "after" (the text around the
 * one linked name)} or null, and m.summary to the plain text ("" when
 * none). 0 or <0 (dg_lang_say). */
int dg_model_lead(const dg_lang *lang, json_t *m);

/* digest.community, else the org's display name from its profile (the
 * collected data's "org"; `data` may be NULL), else the first org's login.
 * Borrowed. */
const char *dg_model_community_name(const dg_model_opts *o, json_t *data);

/* A new JSON string of b's text, "" when b is in error. */
json_t *dg_model_buf_string(const dg_buf *b);

#endif
