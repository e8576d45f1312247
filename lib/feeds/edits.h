/* edits.h - the editor's file of a community report.
 *
 * <digest.edits_dir>/community-<YYYY>-W<ww>.toml (a biweekly:
 * community-<YYYY>-W<ww>-W<ww>.toml), written by `digest --kind community
 * --draft` and edited by hand. When it exists it decides the issue:
 *
 *   lead = ""                      # non-empty: the lead sentence
 *   [[item]]                       # one per item the issue shows
 *   url = "https://..."            # which item (a release or a pull request)
 *   section = "releases"           # where it is shown (for the eye)
 *   title = "..."                  # its title (for the eye)
 *   suggestion = "..."             # what digest (or the writer) would write
 *   text = ""                      # non-empty: the item's text in the issue
 *   drop = false                   # true: the item is not shown
 *   [[news]]                       # community news the editor adds
 *   title = "..."  url = "https://..."  text = "..."
 *
 * Texts are plain text, shown escaped. Unknown keys and wrong types are
 * errors with the file and line. */
#ifndef DG_EDITS_H
#define DG_EDITS_H

#include <jansson.h>

/* Load `path`: 1 and *out = {"lead": s|null, "items": [{"url", "section"?, "title"?,
 * "suggestion"?, "text"?, "drop": bool, "line"}], "news": [{"title", "url", "text"?, "line"}]}
 * (caller decrefs); 0 when the file does not exist; <0 with "FILE:LINE: ..." on error. */
int dg_edits_load(const char *path, json_t **out);

/* TOML text of a new editor's file for the period `label`: `lead` (what
 * digest would write, as a comment) and `items` [{"url", "section",
 * "title", "suggestion", "text"? (an earlier issue's edit; else "")}].
 * Caller frees. */
int dg_edits_draft(const char *label, const char *lead, json_t *items, char **text);

#endif
