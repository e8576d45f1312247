/* draftbox.h - one issue into the WeChat draft box (--publish wechat).
 *
 * An access token from POST /cgi-bin/stable_token (kept in memory for the
 * run only; fetched again and the call retried once on 40001/40014/42001;
 * percent-encoded in the query); every body image uploaded with
 * media/uploadimg (converted first to PNG or JPEG under 1 MB,
 * lib/images/image.h; the answered http URL made https); the cover with
 * material/add_material?type=image once per issue (its media_id kept in
 * the store under the series/label with the hash of the cover's
 * bytes, and used again until the bytes change or WeChat answers 40007);
 * then draft/update of the draft the store remembers for the issue, or of
 * the newest draft with the title (draft/batchget, 200 drafts at
 * most), or draft/add. draft/add is sent exactly once, never retried: an
 * answer lost after WeChat made the draft leaves the draft to be found by
 * its title next time; the media_id it answers is recorded in the store at
 * once. A draft WeChat no longer knows (errcode 40007 on update: published
 * or deleted) is added again. The body WeChat accepted is written to
 * OUT/<kind>-<label>.wechat.sent.json. Never mass-sends or publishes: a
 * person reviews the draft. The article is checked before any upload
 * (lib/publish/payload.h): a content over WeChat's limits fails here, after
 * the files were written.
 *
 * The AppSecret and every access token are secrets of the run's client
 * (dg_http_add_secret): scrubbed from every byte and every decoded string a
 * server sends back (errmsg, media_id, URLs, headers) before it is printed,
 * written or stored. Server text in messages is escaped by the terminal
 * (cmd/term.h). The store keeps only media_ids. */
#ifndef DG_DRAFTBOX_H
#define DG_DRAFTBOX_H

#include <jansson.h>
#include "config/config.h"
#include "images/visuals.h"
#include "model/lang.h"
#include "net/http.h"
#include "store/store.h"

typedef struct dg_publish_in {
	const dg_config *cfg;
	dg_http *http;
	dg_store *store;
	const char *out_dir;     /* where the files were written */
	const char *kind;        /* "community": file names */
	const char *series;      /* the series (lib/issue/series.h): the store's key of its draft */
	const char *label;       /* the period ("2021-W49") */
	json_t *model;           /* borrowed */
	const dg_lang *lang;     /* the words (the draft's title) */
	const dg_image_set *avatars;  /* fetched already (the images); may be NULL */
	json_t *warnings;        /* images dropped from the draft are named here */
	long long deadline_ms;   /* pictures from outside are drawn by then (images/image.h); 0: none */
} dg_publish_in;

/* Before anything is collected (a run with --publish wechat fails in a
 * second, not after the issue was built): the variables cfg->wx_appid_env
 * and cfg->wx_secret_env set and non-empty (else DG_ERR_CONFIG naming both,
 * and no request is sent), then an access token from stable_token through
 * `http` (the same call dg_publish_wechat makes; the token is wiped, not
 * kept: stable_token answers the same one while it is valid). 0; or
 * DG_ERR_CONFIG naming both variables when WeChat rejects the AppID or the
 * secret (40013, 41002, 40001, 40125, 40243, 41004), or with --offline;
 * DG_ERR_FAIL when WeChat cannot be reached or refuses otherwise (40164:
 * the IP to whitelist). */
int dg_publish_wechat_preflight(const dg_config *cfg, dg_http *http);

/* Publish; 0 with *media_id (caller frees) and *updated (1: draft/update),
 * or <0 with one line a maintainer can act on: DG_ERR_CONFIG (exit 2) for a
 * missing or rejected appid/secret, DG_ERR_FAIL otherwise (the IP to
 * whitelist on 40164, quota on 45009/45011, permission on 48001). */
int dg_publish_wechat(const dg_publish_in *in, char **media_id, int *updated);

#endif
