/* payload.h - the WeChat draft article: built from the issue, checked before
 * anything is sent, and the <img> of its content found and replaced.
 *
 * The article is {article_type, title, author, digest, content,
 * content_source_url, thumb_media_id, need_open_comment,
 * only_fans_can_comment} (draft/add). Its title is the language's
 * `wechat.title` (strings.toml), not the website title: WeChat allows 32
 * characters. JSON is written as UTF-8, never \uXXXX. */
#ifndef DG_PAYLOAD_H
#define DG_PAYLOAD_H

#include <jansson.h>
#include "base/buf.h"
#include "config/config.h"
#include "model/lang.h"

/* WeChat's limits (draft/add), in characters (code points). */
#define DG_WX_TITLE_MAX 32
#define DG_WX_AUTHOR_MAX 16
#define DG_WX_DIGEST_MAX 128
#define DG_WX_TEXT_MAX 20000            /* content: fewer characters of text than this */
#define DG_WX_HTML_MAX (1024 * 1024)    /* content: fewer bytes of HTML than this */

/* The article for `model` with `content` (HTML) and the cover's media_id
 * ("" before upload). *article new (caller decrefs). */
int dg_wxpayload_article(const dg_config *cfg, const dg_lang *lang, json_t *model, const char *content,
			 const char *thumb_media_id, json_t **article);

/* Pre-flight: 0, or DG_ERR_FAIL with one line naming the field and the limit
 * ("wechat: title has 40 characters, WeChat allows 32: ..."). */
int dg_wxpayload_check(json_t *article);

/* {"articles":[article]} as UTF-8 JSON text; caller frees; NULL only when
 * `article` is NULL. */
char *dg_wxpayload_dump(json_t *article);

/* The payload for --format wechat-json, before upload: the fragment's
 * images keep their local paths, thumb_media_id is "" (what was sent after
 * upload is NAME.wechat.sent.json, lib/publish/draftbox.h). 0 with *json
 * (caller frees) and *over: NULL, or what dg_wxpayload_check refused (one
 * line naming the limit; caller frees): the payload is written all the
 * same, for a person to see what WeChat would refuse. <0 only when the
 * article cannot be built (not UTF-8, the title's words). */
int dg_wxpayload_file(const dg_config *cfg, const dg_lang *lang, json_t *model, const char *fragment, char **json,
		      char **over);

/* The src of every <img> of `html`, in order, entities decoded; new array,
 * or NULL when a src is not valid UTF-8. */
json_t *dg_wxhtml_images(const char *html);

/* Append `s` as the value of an HTML attribute: & < > " ' as entities
 * (the draft's alt and src values; a login or a server's URL cannot end
 * the attribute or open a tag). */
void dg_wxhtml_put_attr(dg_buf *b, const char *s);

/* `html` with each <img> whose decoded src is a key of `map` given the
 * value as src (a string, attribute-escaped), or removed (JSON null).
 * *out caller frees. */
int dg_wxhtml_replace(const char *html, json_t *map, char **out);

/* Characters of text (tags dropped, an entity counts as one). */
size_t dg_wxhtml_text_length(const char *html);

#endif
