/* picks.h - the editor's file for a Cloud Native Weekly issue.
 *
 * <picks_dir>/<YYYY>-W<ww>.toml, written pre-filled by `--draft` and edited
 * by hand. When it exists it decides the content:
 *
 *   headline = "Kubernetes 1.30 发布"        # the title's headline
 *   lead = "本期……"                         # the lead paragraph (导语), Markdown
 *   [[project]]  repo = "owner/name"  headline = ""  paragraph = ""
 *   [[article]]  url = "https://..."   title = ""     paragraph = ""
 *   [[news]]     url = "https://..."   title = ""     paragraph = ""
 *
 * `paragraph` is the editor's own text (Markdown) and replaces the automatic
 * summary; `title`/`headline` replace the fetched title. Unknown keys are an
 * error with the file and line. */
#ifndef DG_PICKS_H
#define DG_PICKS_H

#include <jansson.h>

/* Load `path`: 1 and *out = {"headline": s|null, "lead": s|null, "projects": [...], "articles": [...],
 * "news": [...]} (caller decrefs); 0 when the file does not exist; <0 on error. */
int dg_picks_load(const char *path, json_t **out);

/* TOML text of a draft from candidates {"headline","projects","articles","news"}
 * (each item with repo/url, title, summary, source, published). Caller frees. */
int dg_picks_draft(json_t *candidates, const char *label, char **text);

#endif
