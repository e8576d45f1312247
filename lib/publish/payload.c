/* The WeChat draft article and its checks. */
#include "publish/payload.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/str.h"
#include "base/text.h"
#include "model/lang.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static size_t code_points(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The summary: the configured one, else the lead sentence (the
 * model's "summary"), else the intro, else the front matter's
 * description, cut to 120 characters. */
static char *lead(const dg_config *cfg, json_t *model)
{
	const char *src = cfg->wx_digest;
	dg_buf b = DG_BUF_INIT;

	if (!src || !*src)
		src = dg_json_str(model, "summary");
	if (!*src)
		src = dg_json_str(model, "intro");
	if (!*src)
		src = dg_json_str(json_object_get(model, "front_matter"), "description");
	for (const char *p = src; *p; p++) {
		if (*p == '\'' && p[1] == '\'')  /* a YAML single-quoted body */
			p++;
		dg_buf_putc(&b, *p == '\n' ? ' ' : *p);
	}
	if (!cfg->wx_digest)
		dg_text_cut(&b, 120, DG_TEXT_CODE_POINTS, 0);
	return dg_buf_detach(&b);   /* no cap: never NULL */
}

/* wechat.title with {series, number, community, date}: the series is the
 * weekly's name, or the community report's title as the model has it. */
static char *title(const dg_lang *lang, json_t *model, int *err)
{
	const char *series = dg_json_str(model, "series");

	if (!*series)
		series = dg_json_str(model, "title");
	return dg_lang_say(lang, "wechat.title",
			   json_pack("{s:s, s:O?, s:O?, s:s}", "series", series,
				     "number", json_object_get(model, "number"),
				     "community", json_object_get(model, "community"),
				     "date", dg_json_str(json_object_get(model, "period"), "date")), err);
}

int dg_wxpayload_article(const dg_config *cfg, const dg_lang *lang, json_t *model, const char *content,
			 const char *thumb_media_id, json_t **article)
{
	int err = 0;
	char *t = title(lang, model, &err), *digest = err < 0 ? NULL : lead(cfg, model);

	*article = NULL;
	if (err < 0)
		goto done;
	*article = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i}", "article_type", "news",
			     "title", t, "author", cfg->wx_author ? cfg->wx_author : cfg->author ? cfg->author : "",
			     "digest", digest, "content", content,
			     "content_source_url", cfg->wx_source_url ? cfg->wx_source_url : "",
			     "thumb_media_id", thumb_media_id, "need_open_comment", cfg->wx_open_comment ? 1 : 0,
			     "only_fans_can_comment", 0);
	if (!*article)
		err = dg_err_set(DG_ERR_FAIL, "wechat: the article is not valid UTF-8");
done:
	free(t);
	free(digest);
	return err;
}

/* The host of an absolute http(s) URL is mp.weixin.qq.com. */
static int is_mp_link(const char *v, size_t n)
{
	static const char *const ok[] = {"https://mp.weixin.qq.com/", "http://mp.weixin.qq.com/"};

	for (size_t i = 0; i < 2; i++)
		if (dg_str_starts_ci(v, n, ok[i]))
			return 1;
	return 0;
}

/* The value of attribute `name` in the tag starting at `tag` (its '<', up
 * to '>'): *v and *n, or 0 when absent. An attribute follows whitespace, so
 * the search starts after the '<': p[-1] is always inside the tag, also for
 * a tag at the very start of the HTML. */
static int attr(const char *tag, const char *name, const char **v, size_t *n)
{
	size_t len = strlen(name);
	char q;

	for (const char *p = tag + 1; *p && *p != '>'; p++) {
		if ((p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n') || strncasecmp(p, name, len) || p[len] != '=')
			continue;
		p += len + 1;
		q = *p == '"' || *p == '\'' ? *p++ : 0;
		*v = p;
		while (*p && (q ? *p != q : (*p != ' ' && *p != '>')))
			p++;
		*n = (size_t)(p - *v);
		return 1;
	}
	return 0;
}

static int is_tag(const char *p, const char *name)
{
	size_t n = strlen(name);

	return *p == '<' && !strncasecmp(p + 1, name, n) && (p[n + 1] == ' ' || p[n + 1] == '>' ||
							     p[n + 1] == '/' || p[n + 1] == '\t' || p[n + 1] == '\n');
}

int dg_wxpayload_check(json_t *article)
{
	static const struct {
		const char *field;
		size_t max;
	} limits[] = {{"title", DG_WX_TITLE_MAX}, {"author", DG_WX_AUTHOR_MAX}, {"digest", DG_WX_DIGEST_MAX}};
	const char *content = dg_json_str(article, "content");
	size_t n;

	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		const char *v = dg_json_str(article, limits[i].field);
		if ((n = code_points(v)) > limits[i].max)
			return dg_err_set(DG_ERR_FAIL, "wechat: %s has %zu characters, WeChat allows %zu: \"%s\"",
					  limits[i].field, n, limits[i].max, v);
	}
	if (!*dg_json_str(article, "title"))
		return dg_err_set(DG_ERR_FAIL, "wechat: title is empty (strings.toml wechat.title)");
	if ((n = strlen(content)) >= DG_WX_HTML_MAX)
		return dg_err_set(DG_ERR_FAIL, "wechat: content has %zu bytes of HTML, WeChat allows under %d", n,
				  DG_WX_HTML_MAX);
	if ((n = dg_wxhtml_text_length(content)) >= DG_WX_TEXT_MAX)
		return dg_err_set(DG_ERR_FAIL, "wechat: content has %zu characters of text, WeChat allows under %d",
				  n, DG_WX_TEXT_MAX);
	for (const char *p = content; (p = strchr(p, '<')); p++) {
		const char *v = "";
		size_t vn = 0;
		if (is_tag(p, "a") && attr(p, "href", &v, &vn) && !is_mp_link(v, vn))
			return dg_err_set(DG_ERR_FAIL, "wechat: content links outside mp.weixin.qq.com, which "
					  "WeChat refuses: <a href=\"%.*s\">", (int)(vn > 200 ? 200 : vn), v);
		if (is_tag(p, "script"))
			return dg_err_set(DG_ERR_FAIL, "wechat: content has a <script>, which WeChat removes");
	}
	return 0;
}

char *dg_wxpayload_dump(json_t *article)
{
	json_t *payload = json_pack("{s:[O]}", "articles", article);   /* NULL only when article is */
	char *s;
	dg_buf b = DG_BUF_INIT;

	if (!payload)
		return NULL;
	s = json_dumps(payload, JSON_INDENT(2) | JSON_PRESERVE_ORDER);   /* an object: never NULL */
	json_decref(payload);
	dg_buf_puts(&b, s);
	dg_buf_putc(&b, '\n');
	free(s);
	return dg_buf_detach(&b);
}

int dg_wxpayload_file(const dg_config *cfg, const dg_lang *lang, json_t *model, const char *fragment, char **json,
		      char **over)
{
	json_t *article = NULL;
	int err;

	*json = NULL;
	*over = NULL;
	if ((err = dg_wxpayload_article(cfg, lang, model, fragment, "", &article)) < 0)
		return err;
	if (dg_wxpayload_check(article) < 0) {
		*over = dg_strdup(dg_err_last());
		dg_err_clear();
	}
	*json = dg_wxpayload_dump(article);   /* `article` is not NULL: nor is the dump */
	json_decref(article);
	return 0;
}

/* Decode the few entities our HTML writer uses in attributes. */
static char *decode_attr(const char *v, size_t n)
{
	static const struct {
		const char *ent, *ch;
	} ents[] = {{"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}};
	dg_buf b = DG_BUF_INIT;

	for (size_t i = 0; i < n;) {
		size_t k = 0;
		while (k < sizeof(ents) / sizeof(ents[0]) &&
		       (n - i < strlen(ents[k].ent) || strncmp(v + i, ents[k].ent, strlen(ents[k].ent))))
			k++;
		if (k < sizeof(ents) / sizeof(ents[0])) {
			dg_buf_puts(&b, ents[k].ch);
			i += strlen(ents[k].ent);
		} else {
			dg_buf_putc(&b, v[i++]);
		}
	}
	return dg_buf_detach(&b);
}

json_t *dg_wxhtml_images(const char *html)
{
	json_t *out = json_array();

	for (const char *p = html; out && (p = strchr(p, '<')); p++) {
		const char *v;
		size_t n;
		char *src;
		if (!is_tag(p, "img") || !attr(p, "src", &v, &n))
			continue;
		src = decode_attr(v, n);
		/* the HTML is a file the editor may have changed: a src may be no UTF-8 */
		if (json_array_append_new(out, json_string(src)) < 0) {
			json_decref(out);
			out = NULL;
		}
		free(src);
	}
	return out;
}

void dg_wxhtml_put_attr(dg_buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': dg_buf_puts(b, "&amp;"); break;
		case '"': dg_buf_puts(b, "&quot;"); break;
		case '\'': dg_buf_puts(b, "&#39;"); break;
		case '<': dg_buf_puts(b, "&lt;"); break;
		case '>': dg_buf_puts(b, "&gt;"); break;
		default: dg_buf_putc(b, *s);
		}
}

int dg_wxhtml_replace(const char *html, json_t *map, char **out)
{
	dg_buf b = DG_BUF_INIT;
	const char *p = html, *lt;

	while ((lt = strchr(p, '<'))) {
		const char *v, *end;
		size_t n;
		char *src;
		json_t *to;
		dg_buf_put(&b, p, (size_t)(lt - p));
		p = lt;
		if (!is_tag(lt, "img") || !attr(lt, "src", &v, &n)) {
			dg_buf_putc(&b, *p++);
			continue;
		}
		src = decode_attr(v, n);
		to = json_object_get(map, src);
		free(src);
		end = strchr(lt, '>');
		end = end ? end + 1 : lt + strlen(lt);
		if (!to) {
			dg_buf_put(&b, lt, (size_t)(end - lt));
		} else if (json_is_string(to)) {
			dg_buf_put(&b, lt, (size_t)(v - lt));
			dg_wxhtml_put_attr(&b, json_string_value(to));
			dg_buf_put(&b, v + n, (size_t)(end - (v + n)));
		}
		p = end;
	}
	dg_buf_puts(&b, p);
	return dg_buf_finish(&b, out);
}

size_t dg_wxhtml_text_length(const char *html)
{
	size_t n = 0;

	for (const char *p = html; *p; p++) {
		if (*p == '<') {
			const char *e = strchr(p, '>');
			if (!e)
				break;
			p = e;
		} else if (*p == '&') {
			const char *e = strchr(p, ';');
			n++;
			if (e && e - p < 12)
				p = e;
		} else if (((unsigned char)*p & 0xc0) != 0x80 && *p != '\n') {
			n++;
		}
	}
	return n;
}
