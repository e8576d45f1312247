/* The WeChat draft-box client: stable_token, uploadimg, add_material,
 * draft/batchget, draft/add, draft/update. */
#include "publish/draftbox.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/output.h"
#include "base/progress.h"
#include "base/str.h"
#include "base/text.h"
#include "images/image.h"
#include "images/visuals.h"
#include "net/body.h"
#include "publish/payload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_IMAGE_FILE (32u << 20)

/* The newest drafts draft/batchget is asked for, looking for the issue's
 * (20 a page, WeChat's most). */
#define LOOKUP_PAGE 20
#define LOOKUP_PAGES 10
/* WeChat's media_id is at most 128 characters: a longer one is no id. */
#define MEDIA_ID_MAX 256

/* One client of the WeChat API for one call of this module. */
typedef struct wx {
	const dg_config *cfg;
	dg_http *http;
	const dg_publish_in *in;  /* NULL for the pre-flight */
	char *token;             /* in memory only; wiped when done */
	char **tokens;           /* every token obtained: scrubbed while this client lives */
	size_t ntokens;
} wx;

static void wipe(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

/* Every string of `v` with the client's secrets (the AppSecret, every
 * token obtained) overwritten: JSON escapes (\u0041, \/) may have hidden a
 * copy from the engine's scrubbing of the bytes. `keep` (a top-level key)
 * is left alone: the token stable_token hands out. */
static void scrub_json(dg_http *http, json_t *v, const char *keep)
{
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, k, x)
			if (!keep || strcmp(k, keep))
				scrub_json(http, x, NULL);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			scrub_json(http, x, NULL);
	} else if (json_is_string(v)) {
		size_t n = json_string_length(v);
		char *s = dg_malloc(n + 1);
		memcpy(s, json_string_value(v), n + 1);
		dg_http_scrub_secrets(http, s, n);
		if (memcmp(s, json_string_value(v), n))
			(void)json_string_setn(v, s, n);  /* '*' for whole characters: still UTF-8 */
		free(s);
	}
}

/* POST and parse the JSON answer (WeChat may label it text/plain), the
 * secrets scrubbed from every string of it. `once`: dg_http_post_once. */
static int post_json(dg_http *http, const char *url, const char *ctype, const void *body, size_t len,
		     const char *what, int once, const char *keep, json_t **out)
{
	dg_http_body a = {0};
	int err;

	*out = NULL;
	if ((err = (once ? dg_http_post_once : dg_http_post)(http, url, ctype, body, len, dg_http_body_cb, &a)) < 0)
		return err;
	if ((err = dg_http_run(http)) < 0)
		err = dg_err_wrap(DG_ERR_FAIL, "wechat: %s", what);
	else if (a.error)
		err = dg_err_set(DG_ERR_FAIL, "wechat: %s: %s", what, a.error);
	else if (!(*out = json_loadb(a.data ? a.data : "", a.len, 0, NULL)) || !json_is_object(*out))
		err = dg_err_set(DG_ERR_FAIL, "wechat: %s: the answer is not a JSON object", what);
	if (err < 0) {
		json_decref(*out);
		*out = NULL;
	} else {
		scrub_json(http, *out, keep);
	}
	dg_http_body_clear(&a);
	return err;
}

/* The IP quoted in 40164's errmsg ("invalid ip 1.2.3.4 ipv6 ..., not in whitelist"). */
static void quoted_ip(const char *msg, char *ip, size_t size)
{
	const char *p = strstr(msg, "invalid ip ");
	size_t n = 0;

	snprintf(ip, size, "(not named)");
	if (!p)
		return;
	p += 11;
	while (p[n] && p[n] != ' ' && p[n] != ',' && n + 1 < size)
		n++;
	if (n)
		snprintf(ip, size, "%.*s", (int)n, p);
}

/* The one place a WeChat errcode becomes a message a maintainer can act on.
 * `msg` is the server's (scrubbed): the terminal escapes it (cmd/term.h). */
static int wx_error(long code, const char *msg, const char *what)
{
	char ip[64];

	switch (code) {
	case 40164:
		quoted_ip(msg, ip, sizeof(ip));
		return dg_err_set(DG_ERR_FAIL, "wechat: %s refused (40164): this machine's IP %s is not in the "
				  "account's IP whitelist; add %s under 设置与开发 → 基本配置 → IP白名单 on "
				  "mp.weixin.qq.com and run again", what, ip, ip);
	case 45009:
	case 45011:
		return dg_err_set(DG_ERR_FAIL, "wechat: %s: the %s API quota is used up (%ld); not retried: see "
				  "openapi/quota/get, or reset it with clear_quota", what,
				  code == 45009 ? "daily" : "per-minute", code);
	case 48001:
		return dg_err_set(DG_ERR_FAIL, "wechat: %s: the account lacks the permission for this API "
				  "(48001 api unauthorized): unverified accounts may not use it", what);
	default:
		return dg_err_set(DG_ERR_FAIL, "wechat: %s: errcode %ld: %.300s", what, code, msg);
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* stable_token refusing the account's credentials: a configuration error
 * naming the variables to check; anything else through wx_error. */
static int token_error(const dg_config *cfg, long code, const char *msg)
{
	const char *what;

	switch (code) {
	case 40013: what = "the AppID was rejected (40013 invalid appid)"; break;
	case 41002: what = "the AppID is missing (41002)"; break;
	case 40001: what = "the AppSecret was rejected (40001 invalid credential)"; break;
	case 40125: what = "the AppSecret was rejected (40125 invalid appsecret)"; break;
	case 40243: what = "the AppSecret was rejected (40243, frozen: reset it on mp.weixin.qq.com)"; break;
	case 41004: what = "the AppSecret is missing (41004)"; break;
	default: return wx_error(code, msg, "stable_token");
	}
	return dg_err_set(DG_ERR_CONFIG, "wechat: %s: check %s and %s (the account's AppID and AppSecret)", what,
			  cfg->wx_appid_env, cfg->wx_secret_env);
}

/* Both variables set and non-empty: 0, else DG_ERR_CONFIG naming them. */
static int credentials(const dg_config *cfg, const char **appid, const char **secret)
{
	*appid = getenv(cfg->wx_appid_env);
	*secret = getenv(cfg->wx_secret_env);
	if (!*appid || !**appid || !*secret || !**secret)
		return dg_err_set(DG_ERR_CONFIG, "wechat: set %s and %s (the account's AppID and AppSecret)",
				  cfg->wx_appid_env, cfg->wx_secret_env);
	return 0;
}

/* Remember a token obtained: scrubbed by the engine from now on. */
static void keep_token(wx *w, const char *t)
{
	for (size_t i = 0; i < w->ntokens; i++)
		if (!strcmp(w->tokens[i], t))
			return;
	w->tokens = dg_realloc(w->tokens, (w->ntokens + 1) * sizeof(*w->tokens));
	w->tokens[w->ntokens++] = dg_strdup(t);
	dg_http_add_secret(w->http, t);
}

/* An access token from stable_token (normal mode: the same token while it
 * is valid, so asking again costs nothing) into w->token. The AppSecret is
 * a secret of the client from here on. While stable_token is asked, the
 * tokens obtained before are not scrubbed (it hands the valid one out
 * again); its other fields are, and every token is again after. */
static int get_token(wx *w)
{
	const dg_config *cfg = w->cfg;
	const char *appid, *secret;
	json_t *req, *ans = NULL;
	char *body, *url = NULL;
	dg_buf b = DG_BUF_INIT;
	int err;

	if ((err = credentials(cfg, &appid, &secret)) < 0)
		return err;
	dg_http_add_secret(w->http, secret);
	/* The variables' values may be anything: json_pack refuses what is no UTF-8. */
	if (!(req = json_pack("{s:s, s:s, s:s, s:b}", "grant_type", "client_credential", "appid", appid, "secret",
			      secret, "force_refresh", 0)))
		return dg_err_set(DG_ERR_CONFIG, "wechat: %s or %s is not valid UTF-8 (the account's AppID and "
				  "AppSecret)", cfg->wx_appid_env, cfg->wx_secret_env);
	body = json_dumps(req, JSON_COMPACT);   /* an object: never NULL */
	json_decref(req);
	dg_buf_printf(&b, "%s/cgi-bin/stable_token", cfg->wx_api_url);
	url = dg_buf_detach(&b);   /* no cap: never NULL */
	for (size_t i = 0; i < w->ntokens; i++)
		dg_http_forget_secret(w->http, w->tokens[i]);
	for (int busy = 0; busy < 4; busy++) {
		json_decref(ans);
		ans = NULL;
		if ((err = post_json(w->http, url, "application/json", body, strlen(body), "stable_token", 0,
				     "access_token", &ans)) < 0 ||
		    json_integer_value(json_object_get(ans, "errcode")) != -1 || busy == 3)
			break;
		sleep_ms(200L << busy);  /* -1: busy */
	}
	for (size_t i = 0; i < w->ntokens; i++)
		dg_http_add_secret(w->http, w->tokens[i]);
	wipe(body);  /* it holds the secret */
	free(url);
	if (!err) {
		json_int_t code = json_integer_value(json_object_get(ans, "errcode"));
		json_t *t = json_object_get(ans, "access_token");
		if (code) {
			/* errmsg was scrubbed of the tokens obtained; the one answered, if any, goes too */
			if (json_string_value(t))
				keep_token(w, json_string_value(t));
			scrub_json(w->http, ans, NULL);
			err = token_error(cfg, (long)code, dg_json_str(ans, "errmsg"));
		} else if (!json_string_value(t) || !json_string_length(t) ||
			   strlen(json_string_value(t)) != json_string_length(t)) {
			err = dg_err_set(DG_ERR_FAIL, "wechat: stable_token: no access_token in the answer");
		} else {
			keep_token(w, json_string_value(t));
			w->token = dg_strdup(json_string_value(t));
		}
	}
	json_decref(ans);
	return err;
}

/* The end of a client: no token kept, and the engine forgets them (the
 * next client asks stable_token, which hands the same one out again). */
static void wx_end(wx *w)
{
	wipe(w->token);
	w->token = NULL;
	for (size_t i = 0; i < w->ntokens; i++) {
		dg_http_forget_secret(w->http, w->tokens[i]);
		wipe(w->tokens[i]);
	}
	free(w->tokens);
	w->tokens = NULL;
	w->ntokens = 0;
}

int dg_publish_wechat_preflight(const dg_config *cfg, dg_http *http)
{
	const char *appid, *secret;
	wx w = {cfg, http, NULL, NULL, NULL, 0};
	int err;

	if ((err = credentials(cfg, &appid, &secret)) < 0)
		return err;
	if (dg_http_offline(http))
		return dg_err_set(DG_ERR_CONFIG, "--publish wechat sends requests to WeChat: it cannot be used "
				  "with --offline");
	dg_progress_phase("wechat access token");
	err = get_token(&w);
	wx_end(&w);  /* dg_publish_wechat asks again: stable_token answers the same one */
	return err;
}

static void drop_token(wx *w)
{
	wipe(w->token);
	w->token = NULL;
}

static int token_code(long code)
{
	return code == 40001 || code == 40014 || code == 42001;
}

/* How a call is retried. */
#define WX_ONCE 1        /* sent once by the engine: no retry of a 5xx, a transport error (dg_http_post_once) */
#define WX_NO_RETRY 2    /* no retry of an answer either (a stale token, -1 busy): the caller decides */

/* Call `path` with the token (percent-encoded in the query: a token is
 * text from a server). Unless WX_NO_RETRY, a stale token is fetched again
 * and the call retried once, and -1 (busy) is retried with backoff.
 * *code: the errcode WeChat answered (0: none, or no answer). *out: the
 * answer. */
static int call(wx *w, const char *path, const char *extra_query, const char *ctype, const void *body, size_t len,
		const char *what, int flags, long *code, json_t **out)
{
	int err = 0, token_retry = 0, busy = 0;

	*out = NULL;
	*code = 0;
	for (;;) {
		dg_buf b = DG_BUF_INIT;
		char *url;
		if (!w->token && (err = get_token(w)) < 0)
			return err;
		dg_buf_printf(&b, "%s%s?access_token=", w->cfg->wx_api_url, path);
		(void)dg_str_percent_encode(&b, w->token, strlen(w->token), DG_STR_PCT_UNRESERVED, NULL);
		dg_buf_puts(&b, extra_query ? extra_query : "");
		url = dg_buf_detach(&b);   /* no cap: never NULL */
		err = post_json(w->http, url, ctype, body, len, what, flags & WX_ONCE, NULL, out);
		wipe(url);
		if (err < 0)
			return err;
		/* errcode: a number, or no error (an answer without it is the thing asked for) */
		*code = (long)json_integer_value(json_object_get(*out, "errcode"));
		if (!*code)
			return 0;
		if (!(flags & WX_NO_RETRY) && token_code(*code) && !token_retry++) {
			drop_token(w);
		} else if (!(flags & WX_NO_RETRY) && *code == -1 && busy < 3) {
			sleep_ms(200L << busy++);
		} else {
			err = wx_error(*code, dg_json_str(*out, "errmsg"), what);
			json_decref(*out);
			*out = NULL;
			return err;
		}
		json_decref(*out);
		*out = NULL;
	}
}

static int contains(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (hay[i] == needle[0] && !memcmp(hay + i, needle, k))
			return 1;
	return 0;
}

/* multipart/form-data with one file part `media`. */
static int upload(wx *w, const char *path, const char *extra_query, const char *data, size_t len, dg_image_type t,
		  const char *what, int flags, json_t **out)
{
	char boundary[64], ctype[128];
	dg_buf b = DG_BUF_INIT;
	unsigned n = 0;
	long code;
	int err;

	do
		snprintf(boundary, sizeof(boundary), "digest-boundary-%08x%u", (unsigned)len * 2654435761u, n++);
	while (contains(data, len, boundary));
	snprintf(ctype, sizeof(ctype), "multipart/form-data; boundary=%s", boundary);
	dg_buf_printf(&b, "--%s\r\nContent-Disposition: form-data; name=\"media\"; filename=\"image.%s\"\r\n"
		      "Content-Type: %s\r\n\r\n", boundary, t == DG_IMAGE_JPEG ? "jpg" : "png", dg_image_mime(t));
	dg_buf_put(&b, data, len);
	dg_buf_printf(&b, "\r\n--%s--\r\n", boundary);   /* no cap: the appends cannot fail */
	err = call(w, path, extra_query, ctype, b.ptr, b.len, what, flags, &code, out);
	dg_buf_free(&b);
	return err;
}

/* A local image: a relative path under the output directory. */
static int is_local(const char *src)
{
	return *src && *src != '/' && !strstr(src, "..") && !strchr(src, ':');
}

/* The issue's own file an image of the fragment shows: its relative path,
 * or its URL under [digest] site_url (read from the output folder, not
 * fetched: the site may not be deployed yet); NULL for any other image. */
static const char *own_file(const dg_publish_in *in, const char *src)
{
	const char *site = in->cfg->site_url;
	size_t n = site ? strlen(site) : 0;

	if (is_local(src))
		return src;
	while (n && site[n - 1] == '/')
		n--;
	if (n && !strncmp(src, site, n) && src[n] == '/' && is_local(src + n + 1))
		return src + n + 1;
	return NULL;
}

/* 1 when the fragment's `src` is the model's `avatar`: as is, or made
 * https by the fragment (lib/wechat keeps no http:// image). */
static int same_avatar(const char *src, const char *avatar)
{
	if (!*avatar)
		return 0;
	if (!strcmp(src, avatar))
		return 1;
	return !strncmp(avatar, "http://", 7) && !strncmp(src, "https://", 8) && !strcmp(src + 8, avatar + 7);
}

/* The bytes of every image of `html` (local files, fetched URLs), converted
 * and uploaded: map src -> the https URL WeChat answered, or null (dropped,
 * with a warning). media/uploadimg is retried by the engine (dg_http_post):
 * an image sent twice costs a second URL, outside the material library,
 * and nothing else. */
static int upload_images(wx *w, const char *html, json_t *map)
{
	const dg_publish_in *in = w->in;
	json_t *srcs = dg_wxhtml_images(html), *v;
	size_t i, n = json_array_size(srcs);
	char **urls = dg_calloc(n, sizeof(*urls));
	dg_http_body *got = dg_calloc(n, sizeof(*got));
	const dg_http_body **pre = dg_calloc(n, sizeof(*pre));
	int err = 0;

	if (!srcs) {
		err = dg_err_set(DG_ERR_FAIL, "wechat: an image's src in the article is not valid UTF-8");
		goto done;
	}
	/* A new contributor's avatar is fetched where images.avatar_url says. */
	json_array_foreach(srcs, i, v) {
		const char *src = json_string_value(v);
		size_t k;
		json_t *p;
		json_array_foreach(json_object_get(in->model, "new_contributors"), k, p)
			if (!urls[i] && same_avatar(src, dg_json_str(p, "avatar_small")))
				urls[i] = dg_visuals_avatar_url(in->cfg, p);
		/* Fetched already, before the outputs (the images): not again. */
		if (urls[i] && (pre[i] = dg_image_set_find(in->avatars, urls[i])))
			urls[i][0] = '\0';
		else if (!urls[i])
			urls[i] = dg_strdup(own_file(in, src) || !strncmp(src, "https://mmbiz.qpic.cn/", 22) ? "" : src);
	}
	if ((err = dg_visuals_fetch(in->http, in->store, (const char *const *)urls, n, got)) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if (pre[i]) {
			dg_http_body_clear(&got[i]);
			if (pre[i]->data) {
				got[i].data = dg_malloc(pre[i]->len + 1);
				memcpy(got[i].data, pre[i]->data, pre[i]->len + 1);
				got[i].len = pre[i]->len;
			} else {
				got[i].error = dg_strdup(pre[i]->error ? pre[i]->error : "not fetched");
			}
		}
	json_array_foreach(srcs, i, v) {
		const char *src = json_string_value(v);
		char *img = NULL, *local = NULL;
		size_t len = 0, local_len = 0;
		dg_image_type t;
		json_t *ans = NULL;
		if (json_object_get(map, src) || !strncmp(src, "https://mmbiz.qpic.cn/", 22))
			continue;
		if (own_file(in, src)) {
			dg_buf path = DG_BUF_INIT;
			dg_buf_printf(&path, "%s/%s", in->out_dir, own_file(in, src));
			if (dg_output_read_file(dg_buf_cstr(&path), MAX_IMAGE_FILE, &local, &local_len) < 0) {
				free(got[i].error);
				got[i].error = dg_strdup(dg_err_last());
			} else {
				free(got[i].data);
				got[i].data = local;
				got[i].len = local_len;
			}
			dg_buf_free(&path);
		}
		if (!got[i].data ||
		    dg_image_for_wechat_until(got[i].data, got[i].len, 0, in->deadline_ms, src, &img, &len, &t) < 0) {
			dg_json_appendf(in->warnings, "wechat: image %s left out of the draft: %s", src,
					got[i].data ? dg_err_last() : got[i].error ? got[i].error : "not an image");
			json_object_set_new(map, src, json_null());
			continue;
		}
		err = upload(w, "/cgi-bin/media/uploadimg", NULL, img, len, t, "media/uploadimg", 0, &ans);
		free(img);
		if (err < 0)
			goto done;
		{
			const char *u = dg_json_str(ans, "url");
			dg_buf https = DG_BUF_INIT;
			if (!strncmp(u, "http://", 7)) {
				dg_buf_puts(&https, "https://");
				u += 7;
			}
			dg_buf_puts(&https, u);
			if (!*dg_json_str(ans, "url"))
				err = dg_err_set(DG_ERR_FAIL, "wechat: media/uploadimg answered no url for %s", src);
			else   /* `https` has no cap; the answer's JSON string is UTF-8 */
				json_object_set_new(map, src, json_string(dg_buf_cstr(&https)));
			dg_buf_free(&https);
		}
		json_decref(ans);
		if (err < 0)
			goto done;
	}
done:
	dg_visuals_fetch_free(urls, got, n);
	free(pre);
	json_decref(srcs);
	return err;
}

/* The article: the fragment as written (OUT/<kind>-<label>.wechat.html).
 * Its pictures are in it already: the certificates and the poster inside
 * the new contributors section (lib/wechat keeps an issue's own images). */
static int article_html(const dg_publish_in *in, char **html)
{
	dg_buf path = DG_BUF_INIT;
	size_t len;
	int err;

	dg_buf_printf(&path, "%s/%s-%s.wechat.html", in->out_dir, in->kind, in->label);
	err = dg_output_read_file(dg_buf_cstr(&path), DG_WX_HTML_MAX * 2, html, &len);
	dg_buf_free(&path);
	return err;
}

/* A media_id WeChat answered that can be recorded and sent back: 1 to
 * MEDIA_ID_MAX bytes, and no secret scrubbed out of it (a run of '*': a
 * real id has none). Any other byte is kept as is: the terminal escapes
 * it (cmd/term.h), JSON and the store carry it. */
static int usable_id(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	return n && n <= MEDIA_ID_MAX && !strstr(id, "****");
}

/* The cover's permanent material (the draft's thumb_media_id): the one
 * uploaded for this issue while the cover's bytes stay the same (the
 * store's wechat_cover, series/label -> {"bytes", "media_id"}); else
 * uploaded with material/add_material and recorded at once. `force`:
 * upload whatever the store says (WeChat no longer knows the media).
 * add_material is sent once (dg_http_post_once): a lost answer would leave
 * one more permanent material for each retry; a stale token or -1 (WeChat
 * did nothing) is retried. *uploaded: 1 when sent now. */
static int cover(wx *w, int force, char **media_id, int *uploaded)
{
	const dg_publish_in *in = w->in;
	dg_buf path = DG_BUF_INIT, key = DG_BUF_INIT, bytes = DG_BUF_INIT;
	char *data = NULL, *img = NULL, *kept = NULL, *rec;
	size_t len = 0, img_len = 0, kept_len = 0;
	dg_image_type t;
	json_t *ans = NULL, *old = NULL, *now;
	int err;

	*media_id = NULL;
	*uploaded = 0;
	if (in->cfg->wx_cover)
		dg_buf_puts(&path, in->cfg->wx_cover);
	else
		dg_buf_printf(&path, "%s/%s-%s.cover.png", in->out_dir, in->kind, in->label);
	if ((err = dg_output_read_file(dg_buf_cstr(&path), MAX_IMAGE_FILE, &data, &len)) < 0)
		goto done;
	dg_buf_printf(&key, "%s/%s", in->series, in->label);
	dg_buf_printf(&bytes, "%016llx-%zu", (unsigned long long)dg_text_hash(data, len), len);
	if (!force && (err = dg_store_kept_get(in->store, "wechat_cover", dg_buf_cstr(&key), &kept, &kept_len)) == 1 &&
	    (old = json_loadb(kept, kept_len, 0, NULL)) &&
	    !strcmp(dg_json_str(old, "bytes"), dg_buf_cstr(&bytes)) && usable_id(dg_json_str(old, "media_id"))) {
		*media_id = dg_strdup(dg_json_str(old, "media_id"));
		err = 0;
		goto done;
	}
	if (err < 0)
		goto done;
	if ((err = dg_image_for_wechat_until(data, len, 10u << 20, in->deadline_ms, dg_buf_cstr(&path), &img, &img_len, &t)) < 0 ||
	    (err = upload(w, "/cgi-bin/material/add_material", "&type=image", img, img_len, t,
			  "material/add_material", WX_ONCE, &ans)) < 0)
		goto done;
	if (!usable_id(dg_json_str(ans, "media_id"))) {
		err = dg_err_set(DG_ERR_FAIL, "wechat: material/add_material answered no usable media_id");
		goto done;
	}
	*media_id = dg_strdup(dg_json_str(ans, "media_id"));
	*uploaded = 1;
	/* Recorded at once: a run that fails later reuses it. A store that
	 * cannot keep it costs one upload next time. */
	now = json_pack("{s:s, s:s}", "bytes", dg_buf_cstr(&bytes), "media_id", *media_id);
	rec = now ? json_dumps(now, JSON_COMPACT) : NULL;
	if (!rec || dg_store_kept_put(in->store, "wechat_cover", dg_buf_cstr(&key), rec, strlen(rec)) < 0)
		dg_json_appendf(in->warnings, "wechat: the cover's material was not recorded (the next run uploads "
				"it again): %s", rec ? dg_err_last() : "its media_id is not valid UTF-8");
	json_decref(now);
	free(rec);
done:
	json_decref(ans);
	json_decref(old);
	free(data);
	free(img);
	free(kept);
	dg_buf_free(&path);
	dg_buf_free(&key);
	dg_buf_free(&bytes);
	return err;
}

/* Record the draft's media_id for the issue: the next run updates it. */
static int record(wx *w, const char *id)
{
	dg_buf key = DG_BUF_INIT;
	int err;

	dg_buf_printf(&key, "%s/%s", w->in->series, w->in->label);
	if ((err = dg_store_kept_put(w->in->store, "wechat_draft", dg_buf_cstr(&key), id, strlen(id))) < 0)
		err = dg_err_wrap(DG_ERR_FAIL, "wechat: the draft %s is in the draft box but was not recorded (the "
				  "next run finds it by its title)", id);
	dg_buf_free(&key);
	return err;
}

/* draft/update of `id` (retried by the engine: the same body gives the
 * same draft); *sent the body (caller frees) on success. */
static int update(wx *w, const char *id, json_t *article, long *code, char **sent)
{
	json_t *req, *ans = NULL;
	char *body;
	int err;

	*sent = NULL;
	*code = 0;
	/* `id` comes from the store or a server: json_pack refuses it when it is no UTF-8 */
	if (!(req = json_pack("{s:s, s:i, s:O}", "media_id", id, "index", 0, "articles", article)))
		return dg_err_set(DG_ERR_FAIL, "wechat: the draft's media_id is not valid UTF-8");
	body = json_dumps(req, JSON_INDENT(2) | JSON_PRESERVE_ORDER);   /* an object: never NULL */
	json_decref(req);
	err = call(w, "/cgi-bin/draft/update", NULL, "application/json; charset=utf-8", body, strlen(body),
		   "draft/update", 0, code, &ans);
	json_decref(ans);
	if (err < 0)
		free(body);
	else
		*sent = body;
	return err;
}

/* The draft among the newest ones (draft/batchget, at most
 * LOOKUP_PAGES pages): the same title, and for an issue without a number
 * (its title is the series' alone) the same digest too. *id: its media_id
 * (caller frees), or NULL. A draft that matches with an id that cannot be
 * used fails: adding another would make two. */
static int lookup(wx *w, json_t *article, char **id)
{
	const char *title = dg_json_str(article, "title"), *digest = dg_json_str(article, "digest");
	int numbered = json_integer_value(json_object_get(w->in->model, "number")) > 0;
	json_int_t offset = 0;
	int err = 0;

	*id = NULL;
	for (int page = 0; page < LOOKUP_PAGES && !*id && !err; page++) {
		char body[96];
		json_t *ans = NULL, *items, *it;
		json_int_t total;
		long code;
		size_t i;
		snprintf(body, sizeof(body), "{\"offset\":%lld,\"count\":%d,\"no_content\":1}", (long long)offset,
			 LOOKUP_PAGE);
		if ((err = call(w, "/cgi-bin/draft/batchget", NULL, "application/json", body, strlen(body),
				"draft/batchget", 0, &code, &ans)) < 0)
			break;
		items = json_object_get(ans, "item");
		total = json_integer_value(json_object_get(ans, "total_count"));
		json_array_foreach(items, i, it) {
			json_t *news = json_array_get(json_object_get(json_object_get(it, "content"), "news_item"), 0);
			const char *mid = dg_json_str(it, "media_id");
			if (strcmp(dg_json_str(news, "title"), title) ||
			    (!numbered && strcmp(dg_json_str(news, "digest"), digest)))
				continue;
			if (!usable_id(mid))
				err = dg_err_set(DG_ERR_FAIL, "wechat: draft/batchget lists a draft titled "
						 "\"%s\" whose media_id cannot be used; not adding another", title);
			else
				*id = dg_strdup(mid);
			break;
		}
		offset += (json_int_t)json_array_size(items);
		if (!json_array_size(items) || json_array_size(items) > LOOKUP_PAGE || offset >= total)
			page = LOOKUP_PAGES;
		json_decref(ans);
	}
	return err;
}

/* The draft saved: draft/update of the one recorded (`known`), or
 * of the one with its title, or draft/add. `fresh_cover`: the cover was
 * uploaded in this run; when not, a 40007 (invalid media_id) may be the
 * cover WeChat no longer has: returned with *code, for the caller to
 * upload it again and call once more. draft/add is sent exactly once
 * (dg_http_post_once, no retry of any answer): WeChat may have made the
 * draft when the answer is lost, so what comes back unsure is looked for
 * (draft/batchget) before anything is added again. Its media_id is
 * recorded the moment WeChat answers. *sent: the request's body. */
static int save_draft(wx *w, json_t *article, const char *known, int fresh_cover, char **media_id, int *updated,
		      char **sent, long *code)
{
	int err;

	*updated = 0;
	*sent = NULL;
	*code = 0;
	if (known) {
		if ((err = update(w, known, article, code, sent)) == 0) {
			*updated = 1;
			*media_id = dg_strdup(known);
			return 0;
		}
		if (*code != 40007 || !fresh_cover)
			return err;
		/* WeChat no longer knows the draft (published or deleted): found or added below. */
	}
	for (int round = 0; round < 2; round++) {
		char *found = NULL, *body;
		json_t *ans = NULL;
		if ((err = lookup(w, article, &found)) < 0)
			return err;
		if (found && (!known || strcmp(found, known))) {
			if ((err = update(w, found, article, code, sent)) == 0) {
				*updated = 1;
				*media_id = found;
				return record(w, found);
			}
			free(found);
			if (*code != 40007 || !fresh_cover)
				return err;
			/* gone since it was listed */
		} else {
			free(found);
		}
		body = dg_wxpayload_dump(article);   /* `article` is not NULL: nor is body */
		err = call(w, "/cgi-bin/draft/add", NULL, "application/json; charset=utf-8", body, strlen(body),
			   "draft/add", WX_ONCE | WX_NO_RETRY, code, &ans);
		if (err < 0 && !*code) {   /* no answer from WeChat: a 5xx, a lost connection, the deadline */
			char *why = dg_strdup(dg_err_last());
			err = dg_err_set(DG_ERR_FAIL, "%s (not sent again: WeChat may have made the draft; the next "
					 "run looks for it by its title and updates it)", why);
			free(why);
		} else if (!err && !usable_id(dg_json_str(ans, "media_id"))) {
			err = dg_err_set(DG_ERR_FAIL, "wechat: draft/add answered no usable media_id (nothing "
					 "recorded: the next run looks for the draft by its title)");
		}
		if (!err) {
			*media_id = dg_strdup(dg_json_str(ans, "media_id"));
			*sent = body;
			json_decref(ans);
			return record(w, *media_id);
		}
		json_decref(ans);
		free(body);
		if (round || !token_code(*code))
			return err;
		/* A stale token: WeChat did nothing. Look again before adding again. */
		drop_token(w);
	}
	return err;
}

int dg_publish_wechat(const dg_publish_in *in, char **media_id, int *updated)
{
	wx w = {in->cfg, in->http, in, NULL, NULL, 0};
	char *html = NULL, *content = NULL, *thumb = NULL, *known = NULL, *sent = NULL;
	json_t *article = NULL, *map = json_object();
	dg_buf key = DG_BUF_INIT;
	size_t len;
	long code = 0;
	int err, fresh = 0;

	*media_id = NULL;
	*updated = 0;
	dg_buf_printf(&key, "%s/%s", in->series, in->label);   /* no cap: cannot fail */
	/* Pre-flight before any upload: a content over WeChat's limits fails
	 * here, naming the limit, after the files were written. */
	if ((err = article_html(in, &html)) < 0 ||
	    (err = dg_wxpayload_article(in->cfg, in->lang, in->model, html, "", &article)) < 0 ||
	    (err = dg_wxpayload_check(article)) < 0)
		goto done;
	json_decref(article);
	article = NULL;
	if ((err = dg_store_kept_get(in->store, "wechat_draft", dg_buf_cstr(&key), &known, &len)) < 0 ||
	    (err = upload_images(&w, html, map)) < 0 || (err = dg_wxhtml_replace(html, map, &content)) < 0)
		goto done;
	for (int again = 0; again < 2; again++) {
		free(thumb);
		json_decref(article);
		article = NULL;
		if ((err = cover(&w, again, &thumb, &fresh)) < 0 ||
		    (err = dg_wxpayload_article(in->cfg, in->lang, in->model, content, thumb, &article)) < 0 ||
		    (err = dg_wxpayload_check(article)) < 0)
			goto done;
		err = save_draft(&w, article, known, fresh, media_id, updated, &sent, &code);
		if (err == 0 || code != 40007 || fresh)
			break;
		/* 40007 with the cover kept from an earlier run: WeChat may no longer have it. */
	}
	if (err < 0)
		goto done;
	/* The draft exists and is recorded: what was sent is a record for the
	 * maintainer, and failing to write it fails nothing else. */
	dg_buf_clear(&key);
	dg_buf_printf(&key, "%s-%s.wechat.sent.json", in->kind, in->label);
	if (dg_output_write(in->out_dir, dg_buf_cstr(&key), sent, strlen(sent)) < 0)
		dg_json_appendf(in->warnings, "wechat: the payload sent was not written to %s/%s: %s", in->out_dir,
				dg_buf_cstr(&key), dg_err_last());
done:
	wx_end(&w);
	json_decref(article);
	json_decref(map);
	free(html);
	free(content);
	free(thumb);
	free(known);
	free(sent);
	dg_buf_free(&key);
	return err;
}
