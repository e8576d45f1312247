/* The WeChat draft-box client: stable_token, uploadimg, add_material,
 * draft/add, draft/update. */
#include "publish/draftbox.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/output.h"
#include "base/progress.h"
#include "images/image.h"
#include "images/visuals.h"
#include "net/body.h"
#include "publish/payload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_IMAGE_FILE (32u << 20)

typedef struct wx {
	const dg_publish_in *in;
	char *token;             /* in memory only; wiped when done */
} wx;

/* POST and parse the JSON answer (WeChat may label it text/plain). */
static int post_json(dg_http *http, const char *url, const char *ctype, const void *body, size_t len,
		     const char *what, json_t **out)
{
	dg_http_body a = {0};
	int err;

	*out = NULL;
	if ((err = dg_http_post(http, url, ctype, body, len, dg_http_body_cb, &a)) < 0)
		return err;
	if ((err = dg_http_run(http)) < 0)
		err = dg_err_wrap(DG_ERR_FAIL, "wechat: %s", what);
	else if (a.error)
		err = dg_err_set(DG_ERR_FAIL, "wechat: %s: %s", what, a.error);
	else if (!(*out = json_loadb(a.data ? a.data : "", a.len, 0, NULL)))
		err = dg_err_set(DG_ERR_FAIL, "wechat: %s: the answer is not JSON", what);
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

/* The one place a WeChat errcode becomes a message a maintainer can act on. */
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

static void wipe(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

/* An access token from stable_token (normal mode: the same token while it
 * is valid, so asking again costs nothing); *token: caller wipes and frees. */
static int get_token(const dg_config *cfg, dg_http *http, char **token)
{
	const char *appid, *secret;
	json_t *req, *ans = NULL;
	char *body, *url = NULL;
	dg_buf b = DG_BUF_INIT;
	int err;

	*token = NULL;
	if ((err = credentials(cfg, &appid, &secret)) < 0)
		return err;
	/* The variables' values may be anything: json_pack refuses what is no UTF-8. */
	if (!(req = json_pack("{s:s, s:s, s:s, s:b}", "grant_type", "client_credential", "appid", appid, "secret",
			      secret, "force_refresh", 0)))
		return dg_err_set(DG_ERR_CONFIG, "wechat: %s or %s is not valid UTF-8 (the account's AppID and "
				  "AppSecret)", cfg->wx_appid_env, cfg->wx_secret_env);
	body = json_dumps(req, JSON_COMPACT);   /* an object: never NULL */
	json_decref(req);
	dg_buf_printf(&b, "%s/cgi-bin/stable_token", cfg->wx_api_url);
	url = dg_buf_detach(&b);   /* no cap: never NULL */
	for (int busy = 0; busy < 4; busy++) {
		json_decref(ans);
		ans = NULL;
		if ((err = post_json(http, url, "application/json", body, strlen(body), "stable_token", &ans)) < 0 ||
		    json_integer_value(json_object_get(ans, "errcode")) != -1 || busy == 3)
			break;
		sleep_ms(200L << busy);  /* -1: busy */
	}
	wipe(body);  /* it holds the secret */
	free(url);
	if (!err) {
		json_int_t code = json_integer_value(json_object_get(ans, "errcode"));
		const char *t = json_string_value(json_object_get(ans, "access_token"));
		if (code)
			err = token_error(cfg, (long)code, dg_json_str(ans, "errmsg"));
		else if (!t || !*t)
			err = dg_err_set(DG_ERR_FAIL, "wechat: stable_token: no access_token in the answer");
		else
			*token = dg_strdup(t);
	}
	json_decref(ans);
	return err;
}

int dg_publish_wechat_preflight(const dg_config *cfg, dg_http *http)
{
	const char *appid, *secret;
	char *token = NULL;
	int err;

	if ((err = credentials(cfg, &appid, &secret)) < 0)
		return err;
	if (dg_http_offline(http))
		return dg_err_set(DG_ERR_CONFIG, "--publish wechat sends requests to WeChat: it cannot be used "
				  "with --offline");
	dg_progress_phase("wechat access token");
	err = get_token(cfg, http, &token);
	wipe(token);  /* dg_publish_wechat asks again: stable_token answers the same one */
	return err;
}

static void drop_token(wx *w)
{
	wipe(w->token);
	w->token = NULL;
}

/* Call `path` with the token: a stale token is fetched again and the call
 * retried once; -1 (busy) is retried with backoff. *out: the answer. */
static int call(wx *w, const char *path, const char *extra_query, const char *ctype, const void *body, size_t len,
		const char *what, json_t **out)
{
	int err = 0, token_retry = 0, busy = 0;

	*out = NULL;
	for (;;) {
		dg_buf b = DG_BUF_INIT;
		char *url;
		json_int_t code;
		if (!w->token && (err = get_token(w->in->cfg, w->in->http, &w->token)) < 0)
			return err;
		dg_buf_printf(&b, "%s%s?access_token=%s%s", w->in->cfg->wx_api_url, path, w->token,
			      extra_query ? extra_query : "");
		url = dg_buf_detach(&b);   /* no cap: never NULL */
		err = post_json(w->in->http, url, ctype, body, len, what, out);
		memset(url, 0, strlen(url));
		free(url);
		if (err < 0)
			return err;
		code = json_integer_value(json_object_get(*out, "errcode"));
		if (!code)
			return 0;
		if ((code == 40001 || code == 40014 || code == 42001) && !token_retry++) {
			drop_token(w);
		} else if (code == -1 && busy < 3) {
			sleep_ms(200L << busy++);
		} else {
			err = wx_error((long)code, dg_json_str(*out, "errmsg"), what);
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
		  const char *what, json_t **out)
{
	char boundary[64], ctype[128];
	dg_buf b = DG_BUF_INIT;
	unsigned n = 0;
	int err;

	do
		snprintf(boundary, sizeof(boundary), "digest-boundary-%08x%u", (unsigned)len * 2654435761u, n++);
	while (contains(data, len, boundary));
	snprintf(ctype, sizeof(ctype), "multipart/form-data; boundary=%s", boundary);
	dg_buf_printf(&b, "--%s\r\nContent-Disposition: form-data; name=\"media\"; filename=\"image.%s\"\r\n"
		      "Content-Type: %s\r\n\r\n", boundary, t == DG_IMAGE_JPEG ? "jpg" : "png", dg_image_mime(t));
	dg_buf_put(&b, data, len);
	dg_buf_printf(&b, "\r\n--%s--\r\n", boundary);   /* no cap: the appends cannot fail */
	err = call(w, path, extra_query, ctype, b.ptr, b.len, what, out);
	dg_buf_free(&b);
	return err;
}

/* A local image: a relative path under the output directory. */
static int is_local(const char *src)
{
	return *src && *src != '/' && !strstr(src, "..") && !strchr(src, ':');
}

/* The bytes of every image of `html` (local files, fetched URLs), converted
 * and uploaded: map src -> the https URL WeChat answered, or null (dropped,
 * with a warning). */
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
			if (!strcmp(src, dg_json_str(p, "avatar_small")))
				urls[i] = dg_visuals_avatar_url(in->cfg, p);
		/* Fetched already, before the outputs (the images): not again. */
		if (urls[i] && (pre[i] = dg_image_set_find(in->avatars, urls[i])))
			urls[i][0] = '\0';
		else if (!urls[i])
			urls[i] = dg_strdup(is_local(src) || !strncmp(src, "https://mmbiz.qpic.cn/", 22) ? "" : src);
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
		if (is_local(src)) {
			dg_buf path = DG_BUF_INIT;
			dg_buf_printf(&path, "%s/%s", in->out_dir, src);
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
		    dg_image_for_wechat(got[i].data, got[i].len, 0, src, &img, &len, &t) < 0) {
			dg_json_appendf(in->warnings, "wechat: image %s left out of the draft: %s", src,
					got[i].data ? dg_err_last() : got[i].error ? got[i].error : "not an image");
			json_object_set_new(map, src, json_null());
			continue;
		}
		err = upload(w, "/cgi-bin/media/uploadimg", NULL, img, len, t, "media/uploadimg", &ans);
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

/* The fragment, with the certificates (and the poster) after it as images. */
static int content_with_images(const dg_publish_in *in, char **html)
{
	dg_buf path = DG_BUF_INIT, b = DG_BUF_INIT;
	char *fragment = NULL, *poster = NULL;
	size_t len, i;
	json_t *p;
	int err;

	dg_buf_printf(&path, "%s/%s-%s.wechat.html", in->out_dir, in->kind, in->label);
	if ((err = dg_output_read_file(dg_buf_cstr(&path), DG_WX_HTML_MAX * 2, &fragment, &len)) < 0)
		goto done;
	dg_buf_puts(&b, fragment);
	dg_buf_clear(&path);
	dg_buf_printf(&path, "%s/%s-%s.poster.png", in->out_dir, in->kind, in->label);
	if (dg_output_read_file(dg_buf_cstr(&path), MAX_IMAGE_FILE, &poster, &len) == 0)
		dg_buf_printf(&b, "<p style=\"text-align:center\"><img src=\"%s-%s.poster.png\" alt=\"\" "
			      "style=\"max-width:100%%\"></p>\n", in->kind, in->label);
	json_array_foreach(json_object_get(in->model, "new_contributors"), i, p)
		if (*dg_json_str(p, "certificate_png"))
			dg_buf_printf(&b, "<p style=\"text-align:center\"><img src=\"%s\" alt=\"@%s\" "
				      "style=\"max-width:100%%\"></p>\n", dg_json_str(p, "certificate_png"),
				      dg_json_str(p, "login"));
	err = dg_buf_finish(&b, html);
done:
	free(fragment);
	free(poster);
	dg_buf_free(&path);
	dg_buf_free(&b);
	return err;
}

static int upload_cover(wx *w, char **media_id)
{
	const dg_publish_in *in = w->in;
	dg_buf path = DG_BUF_INIT;
	char *data = NULL, *img = NULL;
	size_t len = 0, img_len = 0;
	dg_image_type t;
	json_t *ans = NULL;
	int err;

	*media_id = NULL;
	if (in->cfg->wx_cover)
		dg_buf_puts(&path, in->cfg->wx_cover);
	else
		dg_buf_printf(&path, "%s/%s-%s.cover.png", in->out_dir, in->kind, in->label);
	if ((err = dg_output_read_file(dg_buf_cstr(&path), MAX_IMAGE_FILE, &data, &len)) < 0 ||
	    (err = dg_image_for_wechat(data, len, 10u << 20, dg_buf_cstr(&path), &img, &img_len, &t)) < 0 ||
	    (err = upload(w, "/cgi-bin/material/add_material", "&type=image", img, img_len, t,
			  "material/add_material", &ans)) < 0)
		goto done;
	if (!*dg_json_str(ans, "media_id"))
		err = dg_err_set(DG_ERR_FAIL, "wechat: material/add_material answered no media_id");
	else
		*media_id = dg_strdup(dg_json_str(ans, "media_id"));
done:
	json_decref(ans);
	free(data);
	free(img);
	dg_buf_free(&path);
	return err;
}

/* draft/update of `known` (0: done), or draft/add; *media_id set, and
 * *sent the body of the request WeChat accepted (caller frees). */
static int save_draft(wx *w, json_t *article, const char *known, char **media_id, int *updated, char **sent)
{
	json_t *req, *ans = NULL;
	char *body;
	int err;

	*updated = 0;
	*sent = NULL;
	if (known) {
		/* `known` comes from the store: json_pack refuses it when it is no UTF-8 */
		if (!(req = json_pack("{s:s, s:i, s:O}", "media_id", known, "index", 0, "articles", article)))
			return dg_err_set(DG_ERR_FAIL, "wechat: the draft's media_id in the store is not valid UTF-8");
		body = json_dumps(req, JSON_INDENT(2) | JSON_PRESERVE_ORDER);   /* an object: never NULL */
		json_decref(req);
		err = call(w, "/cgi-bin/draft/update", NULL, "application/json; charset=utf-8", body, strlen(body),
			   "draft/update", &ans);
		json_decref(ans);
		ans = NULL;
		if (err == 0) {
			*updated = 1;
			*sent = body;
			*media_id = dg_strdup(known);
			return 0;
		}
		free(body);
		if (!strstr(dg_err_last(), "errcode 40007"))
			return err;
		/* WeChat no longer knows the draft (published or deleted): add it again. */
	}
	body = dg_wxpayload_dump(article);   /* `article` is not NULL: nor is body */
	err = call(w, "/cgi-bin/draft/add", NULL, "application/json; charset=utf-8", body, strlen(body), "draft/add",
		   &ans);
	if (!err && !*dg_json_str(ans, "media_id"))
		err = dg_err_set(DG_ERR_FAIL, "wechat: draft/add answered no media_id");
	else if (!err)
		*media_id = dg_strdup(dg_json_str(ans, "media_id"));
	json_decref(ans);
	if (err < 0)
		free(body);
	else
		*sent = body;
	return err;
}

int dg_publish_wechat(const dg_publish_in *in, char **media_id, int *updated)
{
	wx w = {in, NULL};
	char *html = NULL, *content = NULL, *thumb = NULL, *known = NULL, *sent = NULL;
	json_t *article = NULL, *map = json_object();
	dg_buf key = DG_BUF_INIT;
	size_t len;
	int err;

	*media_id = NULL;
	*updated = 0;
	dg_buf_printf(&key, "%s/%s", in->series, in->label);   /* no cap: cannot fail */
	/* Pre-flight before any upload. */
	if ((err = content_with_images(in, &html)) < 0 ||
	    (err = dg_wxpayload_article(in->cfg, in->lang, in->model, html, "", &article)) < 0 ||
	    (err = dg_wxpayload_check(article)) < 0)
		goto done;
	json_decref(article);
	article = NULL;
	if ((err = upload_images(&w, html, map)) < 0 || (err = dg_wxhtml_replace(html, map, &content)) < 0 ||
	    (err = upload_cover(&w, &thumb)) < 0 ||
	    (err = dg_wxpayload_article(in->cfg, in->lang, in->model, content, thumb, &article)) < 0 ||
	    (err = dg_wxpayload_check(article)) < 0)
		goto done;
	if ((err = dg_store_kept_get(in->store, "wechat_draft", dg_buf_cstr(&key), &known, &len)) < 0)
		goto done;
	if ((err = save_draft(&w, article, known, media_id, updated, &sent)) < 0 ||
	    (err = dg_store_kept_put(in->store, "wechat_draft", dg_buf_cstr(&key), *media_id, strlen(*media_id))) < 0)
		goto done;
	/* The draft exists and is recorded: what was sent is a record for the
	 * maintainer, and failing to write it fails nothing else. */
	dg_buf_clear(&key);
	dg_buf_printf(&key, "%s-%s.wechat.sent.json", in->kind, in->label);
	if (dg_output_write(in->out_dir, dg_buf_cstr(&key), sent, strlen(sent)) < 0)
		dg_json_appendf(in->warnings, "wechat: the payload sent was not written to %s/%s: %s", in->out_dir,
				dg_buf_cstr(&key), dg_err_last());
done:
	drop_token(&w);
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
