/* test_payload.c - the WeChat draft article: its checks before any upload
 * (limits counted in characters, not bytes; each refusal one line naming
 * the field), the <img src> replacement (a tag at the start of the HTML
 * read within bounds; attribute values escaped), the wechat-json payload
 * over the limits, and JSON written as UTF-8. */
#include "check.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "model/lang.h"
#include "publish/payload.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* `s` repeated n times; caller frees. */
static char *rep(const char *s, size_t n)
{
	dg_buf b = DG_BUF_INIT;

	for (size_t i = 0; i < n; i++)
		dg_buf_puts(&b, s);
	return dg_buf_detach(&b);
}

static json_t *article(const char *title, const char *author, const char *digest, const char *content)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i}", "article_type", "news", "title", title,
			 "author", author, "digest", digest, "content", content, "content_source_url", "",
			 "thumb_media_id", "", "need_open_comment", 0, "only_fans_can_comment", 0);
}

/* dg_wxpayload_check of the article: 0 for ok, or <0 with a one-line
 * message holding `field` (checked here). */
static int checked(json_t *a, const char *field, const char *what)
{
	int err = dg_wxpayload_check(a);

	if (field)
		CHECK(err < 0 && strstr(dg_err_last(), field) && !strchr(dg_err_last(), '\n'),
		      "%s: refused in one line naming %s: %s", what, field, err < 0 ? dg_err_last() : "(accepted)");
	else
		CHECK(err == 0, "%s: accepted (%s)", what, err < 0 ? dg_err_last() : "ok");
	json_decref(a);
	return err;
}

static void test_limits(void)
{
	char *t32 = rep("社", 32), *t33 = rep("社", 33), *a16 = rep("作", 16), *a17 = rep("作", 17),
	     *d128 = rep("摘", 128), *d129 = rep("摘", 129);

	/* 32 CJK characters are 96 bytes: the limit counts characters. */
	checked(article(t32, "KubeSphere", "", "<p>x</p>"), NULL, "title of 32 CJK characters (96 bytes)");
	checked(article(t33, "KubeSphere", "", "<p>x</p>"), "title has 33 characters, WeChat allows 32",
		"title of 33 characters");
	checked(article("", "", "", "<p>x</p>"), "title", "empty title");
	checked(article("t", a16, "", "<p>x</p>"), NULL, "author of 16 characters");
	checked(article("t", a17, "", "<p>x</p>"), "author has 17 characters, WeChat allows 16", "author of 17");
	checked(article("t", "", d128, "<p>x</p>"), NULL, "digest of 128 characters");
	checked(article("t", "", d129, "<p>x</p>"), "digest has 129 characters, WeChat allows 128", "digest of 129");
	free(t32);
	free(t33);
	free(a16);
	free(a17);
	free(d128);
	free(d129);
}

static void test_content(void)
{
	char *text = rep("字", 19999), *html = NULL, *big = rep("<span style=\"color:#333333\"></span>", 30000);
	dg_buf b = DG_BUF_INIT;

	dg_buf_printf(&b, "<p>%s</p>", text);
	html = dg_buf_detach(&b);
	CHECK(dg_wxhtml_text_length(html) == 19999, "text length counts characters, not tags or bytes: %zu",
	      dg_wxhtml_text_length(html));
	CHECK(dg_wxhtml_text_length("<p>a &amp; b&#39;</p>\n") == 6, "an entity counts as one character");
	checked(article("t", "", "", html), NULL, "19,999 characters of text");
	free(html);
	dg_buf_printf(&b, "<p>%s字</p>", text);
	html = dg_buf_detach(&b);
	checked(article("t", "", "", html), "content has 20000 characters of text", "20,000 characters of text");
	/* Little text, over 1 MB of HTML. */
	CHECK(strlen(big) >= 1024 * 1024, "the markup is over 1 MB");
	checked(article("t", "", "", big), "content has 1050000 bytes of HTML", "1 MB of HTML");
	checked(article("t", "", "", "<p><a href=\"https://example.com/x\">x</a></p>"),
		"content links outside mp.weixin.qq.com", "a link to example.com");
	checked(article("t", "", "", "<p><A class=\"l\" HREF='https://github.com/kubesphere'>x</A></p>"),
		"https://github.com/kubesphere", "a link in capitals with single quotes");
	checked(article("t", "", "", "<p><a href=\"https://mp.weixin.qq.com/s/abc\">an earlier issue</a></p>"), NULL,
		"a link to mp.weixin.qq.com");
	checked(article("t", "", "", "<p>see https://example.com (text, no link)</p><abbr title=\"x\">y</abbr>"),
		NULL, "a URL as text and an <abbr>");
	free(text);
	free(html);
	free(big);
}

/* The digest comes from the lead when none is configured, cut under 128. */
static void test_article(void)
{
	dg_config cfg = {0};
	char *intro = rep("本周社区", 100);
	json_t *model = json_pack("{s:s, s:s, s:i, s:s, s:{s:s}}", "title", "社区周报", "intro", intro, "number", 7,
				  "community", "KubeSphere", "period", "date", "2021.12.06"), *a = NULL;
	const char *digest;
	dg_lang *lang = NULL;

	cfg.language = "zh";
	cfg.author = "KubeSphere 社区";
	CHECK(dg_lang_load(&cfg, &lang) == 0, "the zh words: %s", dg_err_last());
	CHECK(dg_wxpayload_article(&cfg, lang, model, "<p>正文</p>", "MEDIA1", &a) == 0, "the article is built: %s",
	      a ? "" : dg_err_last());
	digest = json_string_value(json_object_get(a, "digest"));
	CHECK(digest && strlen(digest) > 200 && !strncmp(digest, "本周社区本周社区", 24),
	      "the digest is the lead, in characters: %s", digest ? digest : "(none)");
	CHECK(a && dg_wxpayload_check(a) == 0, "a 400-character lead gives a digest WeChat accepts: %s",
	      dg_err_last());
	CHECK_STR(json_string_value(json_object_get(a, "author")), "KubeSphere 社区", "author from digest.author");
	CHECK_STR(json_string_value(json_object_get(a, "thumb_media_id")), "MEDIA1", "thumb_media_id");
	CHECK(!strcmp(dg_json_str(a, "title"), "社区周报 | 第 7 期"), "the title is wechat.title with the model's: %s",
	      dg_json_str(a, "title"));
	json_decref(a);
	a = NULL;
	cfg.wx_digest = "自定义摘要";
	CHECK(dg_wxpayload_article(&cfg, lang, model, "<p>正文</p>", "", &a) == 0 &&
	      !strcmp(dg_json_str(a, "digest"), "自定义摘要"), "a configured digest is kept");
	json_decref(a);
	json_decref(model);
	dg_lang_free(lang);
	free(intro);
}

static void test_images(void)
{
	const char *html = "<p><img src=\"certificates/contributor-a.png\" alt=\"@a\"></p>"
			   "<p><IMG alt='x' src='https://avatars.example.com/u/1?s=64&amp;v=4'></p>"
			   "<p><img src=\"gone.gif\"><imgx src=\"not-an-img\"></p>";
	json_t *srcs = dg_wxhtml_images(html), *map;
	char *out = NULL;

	CHECK(json_array_size(srcs) == 3, "three <img> found: %zu", json_array_size(srcs));
	CHECK_STR(json_string_value(json_array_get(srcs, 0)), "certificates/contributor-a.png", "a local src");
	CHECK_STR(json_string_value(json_array_get(srcs, 1)), "https://avatars.example.com/u/1?s=64&v=4",
		  "a src in single quotes, &amp; decoded");
	map = json_pack("{s:s, s:s, s:n}", "certificates/contributor-a.png", "https://mmbiz.qpic.cn/a/0?wx_fmt=png",
			"https://avatars.example.com/u/1?s=64&v=4", "https://mmbiz.qpic.cn/b/0?x=1&y=\"2\"", "gone.gif");
	CHECK(dg_wxhtml_replace(html, map, &out) == 0, "replacing the srcs");
	CHECK_STR(out, "<p><img src=\"https://mmbiz.qpic.cn/a/0?wx_fmt=png\" alt=\"@a\"></p>"
		       "<p><IMG alt='x' src='https://mmbiz.qpic.cn/b/0?x=1&amp;y=&quot;2&quot;'></p>"
		       "<p><imgx src=\"not-an-img\"></p>",
		  "each src replaced (escaped), a null removes the <img>, the rest untouched");
	free(out);
	json_decref(map);
	json_decref(srcs);
}

/* A tag at the very start of the HTML: the attribute search reads nothing
 * before the buffer (ASan sees a heap copy's first byte). */
static void test_tag_at_start(void)
{
	char *html = dg_strdup("<img src=\"a.png\" alt=\"x\">");
	char *link = dg_strdup("<a href=\"https://example.com/\">x</a>");
	json_t *srcs = dg_wxhtml_images(html), *map = json_pack("{s:s}", "a.png", "https://mmbiz.qpic.cn/a");
	char *out = NULL;

	CHECK(json_array_size(srcs) == 1 && !strcmp(json_string_value(json_array_get(srcs, 0)), "a.png"),
	      "an <img> at position 0 is found, nothing read before it");
	CHECK(dg_wxhtml_replace(html, map, &out) == 0 && out && !strcmp(out, "<img src=\"https://mmbiz.qpic.cn/a\" "
								       "alt=\"x\">"),
	      "an <img> at position 0 is replaced: %s", out ? out : "(none)");
	checked(article("t", "", "", link), "content links outside mp.weixin.qq.com", "an <a> at position 0");
	free(out);
	free(html);
	free(link);
	json_decref(srcs);
	json_decref(map);
}

/* Attribute values the draft builds: nothing ends the attribute or opens a tag. */
static void test_attr_escape(void)
{
	dg_buf b = DG_BUF_INIT;
	json_t *map = json_pack("{s:s}", "a.png", "https://x/'><script>&\"");
	char *out = NULL;

	dg_wxhtml_put_attr(&b, "x\" onerror=alert(1) '<b>&");
	CHECK_STR(dg_buf_cstr(&b), "x&quot; onerror=alert(1) &#39;&lt;b&gt;&amp;",
		  "& < > \" ' escaped in an attribute");
	CHECK(dg_wxhtml_replace("<p><img src='a.png'></p>", map, &out) == 0, "replacing a single-quoted src");
	CHECK_STR(out, "<p><img src='https://x/&#39;&gt;&lt;script&gt;&amp;&quot;'></p>",
		  "a server's URL cannot end a single-quoted src");
	free(out);
	json_decref(map);
	dg_buf_free(&b);
}

/* --format wechat-json: a payload over the limits is still written, with
 * the refusal apart (the output stage warns; --publish fails on it). */
static void test_file_over(void)
{
	dg_config cfg = {0};
	json_t *model = json_pack("{s:s, s:s, s:i, s:s, s:{s:s}}", "title", "社区周报", "intro", "本周", "number", 7,
				  "community", "KubeSphere", "period", "date", "2021.12.06");
	char *text = rep("字", 20001), *json = NULL, *over = NULL;
	dg_lang *lang = NULL;
	dg_buf b = DG_BUF_INIT;

	cfg.language = "zh";
	dg_buf_printf(&b, "<p>%s</p>", text);
	CHECK(dg_lang_load(&cfg, &lang) == 0, "the zh words: %s", dg_err_last());
	CHECK(dg_wxpayload_file(&cfg, lang, model, dg_buf_cstr(&b), &json, &over) == 0 && json &&
	      over && strstr(over, "content has 20001 characters of text, WeChat allows under 20000"),
	      "over the limits: the payload is made, the refusal named: %s", over ? over : "(none)");
	free(json);
	free(over);
	json = over = NULL;
	CHECK(dg_wxpayload_file(&cfg, lang, model, "<p>x</p>", &json, &over) == 0 && json && !over,
	      "within the limits: no refusal");
	free(json);
	free(over);
	free(text);
	dg_buf_free(&b);
	json_decref(model);
	dg_lang_free(lang);
}

static void test_dump(void)
{
	json_t *a = article("社区周报 | 第 7 期", "作者", "“引号” and \"quotes\" 😀", "<p>正文 &amp; <b>粗</b></p>");
	char *s = dg_wxpayload_dump(a);
	json_t *back = s ? json_loads(s, 0, NULL) : NULL;

	CHECK(s && strstr(s, "社区周报 | 第 7 期") && strstr(s, "😀"), "titles and emoji written as UTF-8");
	CHECK(s && !strstr(s, "\\u"), "no \\uXXXX escape anywhere");
	CHECK(s && strstr(s, "<p>正文 &amp; <b>粗</b></p>"), "HTML written as is (no \\/ or \\u003c)");
	CHECK(back && json_equal(json_array_get(json_object_get(back, "articles"), 0), a),
	      "the dump is {\"articles\":[article]} and reads back equal");
	free(s);
	json_decref(back);
	json_decref(a);
}

int main(void)
{
	const char *tests = getenv("DIGEST_TESTS");
	char root[512];

	/* The shipped strings (wechat.title): the source tree's templates/. */
	if (tests) {
		snprintf(root, sizeof(root), "%s/..", tests);
		setenv("DIGEST_DATADIR", root, 1);
	}
	test_limits();
	test_content();
	test_article();
	test_images();
	test_tag_at_start();
	test_attr_escape();
	test_file_over();
	test_dump();
	return check_done();
}
