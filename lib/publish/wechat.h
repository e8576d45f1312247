/* wechat.h - one issue into the WeChat draft box (--publish wechat).
 *
 * An access token from POST /cgi-bin/stable_token (kept in memory for the
 * run only; fetched again and the call retried once on 40001/40014/42001);
 * every body image uploaded with media/uploadimg (converted first to PNG or
 * JPEG under 1 MB, lib/images/image.h; the answered http URL made https); the
 * cover with material/add_material?type=image; then draft/add, or
 * draft/update of the draft the state store remembers for the issue (add
 * again when WeChat no longer knows it, 40007). The body WeChat accepted
 * is written to OUT/<kind>-<label>.wechat.sent.json. Never mass-sends or
 * publishes: a person reviews the draft. The article is checked before any
 * upload (lib/publish/payload.h). The secret and the token appear in no
 * output, log line or file; the store keeps only the draft's media_id. */
#ifndef DG_PUBLISH_WECHAT_H
#define DG_PUBLISH_WECHAT_H

#include <jansson.h>
#include "config/config.h"
#include "net/http.h"
#include "store/store.h"

typedef struct dg_publish_in {
	const dg_config *cfg;
	dg_http *http;
	dg_store *store;
	const char *out_dir;     /* where the files were written */
	const char *kind;        /* "community": file names and the store key */
	const char *label;       /* the period ("2021-W49") */
	json_t *model;           /* borrowed */
	json_t *warnings;        /* images dropped from the draft are named here */
} dg_publish_in;

/* Publish; 0 with *media_id (caller frees) and *updated (1: draft/update),
 * or <0 with one line a maintainer can act on: DG_ERR_CONFIG (exit 2) for a
 * missing or rejected appid/secret, DG_ERR_FAIL otherwise (the IP to
 * whitelist on 40164, quota on 45009/45011, permission on 48001). */
int dg_publish_wechat(const dg_publish_in *in, char **media_id, int *updated);

#endif
