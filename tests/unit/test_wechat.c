/* test_wechat.c - Markdown -> HTML -> WeChat fragment, preview page, themes. */
#include "check.h"
#include "base/err.h"
#include "render/markdown.h"
#include "render/theme.h"
#include "wechat/wechat.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static dg_theme *theme;

/* Markdown -> fragment with the given options (NULL = defaults); caller frees. */
/* What digest passes for zh (templates/zh/strings.toml): defaults and CJK spacing. */
static const dg_wechat_opts zh_opts = { NULL, "参考链接", 1, 0, NULL, NULL };

static char *frag_opts(const char *md, const dg_wechat_opts *opts)
{
	char *html = NULL, *frag = NULL;

	if (dg_markdown_to_html(md, strlen(md), &html) < 0) {
		printf("# markdown failed: %s\n", dg_err_last());
		return NULL;
	}
	if (dg_wechat_fragment(html, strlen(html), opts, &frag) < 0)
		printf("# fragment failed: %s\n", dg_err_last());
	free(html);
	return frag;
}

static char *frag(const char *md)
{
	return frag_opts(md, &zh_opts);
}

static char *frag_html(const char *html)
{
	char *out = NULL;

	if (dg_wechat_fragment(html, strlen(html), &zh_opts, &out) < 0)
		printf("# fragment failed: %s\n", dg_err_last());
	return out;
}

static int has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	while (hay && (hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* `<tag style="STYLE of element">` */
static const char *open_tag(const char *tag, dg_theme_element e)
{
	static char buf[8][2048];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "<%s style=\"%s\">", tag, dg_theme_get(theme, e));
	return buf[i];
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	return buf;
}

static const char *tests_dir(void)
{
	const char *d = getenv("DIGEST_TESTS");

	return d && *d ? d : "tests";
}

/* One number per distinct URL, and no doubled punctuation before it. */
static void test_link_variants(void)
{
	char *f = frag("[fix : modify volume access mode 'ROM' to 'ROX'.](https://example.com/a/) and "
		       "[again](https://example.com/a) and [third](https://example.com/%61)\n");

	CHECK(f && count(f, ">[1]</sup>") == 3 && !has(f, ">[2]</sup>"),
	      "a trailing slash or an escaped letter is the same URL: one number");
	CHECK(f && has(f, "'ROX'</span>") == 0 && has(f, "'ROX':&nbsp;") && !has(f, "'ROX'.:"),
	      "a title's final full stop goes before the reference's colon");
	free(f);
}

static void test_links(void)
{
	char *f = frag("See [one](https://example.com/1), [two](https://example.com/2) and "
		       "[one again](https://example.com/1). Also [wx](https://mp.weixin.qq.com/s/abc?a=1&b=2) "
		       "and <https://example.com/bare> and [anchor](#x) and [js](javascript:alert(1)).\n");
	char want[4096];

	CHECK(has(f, "<span style=\"color:#576b95\">one</span><sup style=\"") && has(f, "\">[1]</sup>"),
	      "external link -> span + sup [1]");
	CHECK(count(f, ">[1]</sup>") == 2 && count(f, ">[2]</sup>") == 1 && !has(f, ">[3]</sup>"),
	      "same URL gets the same number, numbering by first appearance");
	snprintf(want, sizeof(want), "%s[1] one:&nbsp;%shttps://example.com/1</span></p>",
		 open_tag("p", DG_TH_REFS_ENTRY), open_tag("span", DG_TH_REFS_URL));
	CHECK(has(f, want), "reference entry [1] one: URL as plain text in a break-all span");
	CHECK(count(f, open_tag("p", DG_TH_REFS_ENTRY)) == 2, "two reference entries for two URLs");
	snprintf(want, sizeof(want), "%s参考链接</h4>", open_tag("h4", DG_TH_REFS_HEADING));
	CHECK(has(f, want), "the given reference heading");
	snprintf(want, sizeof(want), "<a href=\"https://mp.weixin.qq.com/s/abc?a=1&amp;b=2\" style=\"%s\">wx</a>",
		 dg_theme_get(theme, DG_TH_A));
	CHECK(has(f, want), "mp.weixin.qq.com link stays a link");
	CHECK(count(f, "<a ") == 1, "no other <a> elements");
	snprintf(want, sizeof(want), "%shttps://example.com/bare</span>", open_tag("span", DG_TH_URL));
	CHECK(has(f, want) && !has(f, "bare</span><sup"), "link text == URL: plain text, no reference");
	CHECK(has(f, "and anchor and js."), "anchor and javascript: links keep only their text");
	CHECK(!has(f, "javascript:") && !has(f, "href=\"#"), "no javascript: or #anchor href survives");
	free(f);

	{
		dg_wechat_opts o = { NULL, "References", 1, 0, NULL, NULL };

		f = frag_opts("[a](https://example.com/a)\n", &o);
		CHECK(has(f, ">References</h4>"), "refs_heading option is used");
		free(f);
	}
	f = frag("[![badge](https://img.shields.io/x.svg)](https://example.com/ci) [](https://example.org/path)\n");
	CHECK(has(f, "[1] badge:&nbsp;"), "image-only link uses the image alt as its reference title");
	CHECK(has(f, "[2] example.org:&nbsp;"), "empty link text falls back to the host");
	free(f);
	f = frag("访问https://kubesphere.io/文档 了解\n");
	CHECK(!has(f, "<sup"), "autolink with non-ASCII (percent-encoded href) counts as text == URL");
	free(f);
}

static void test_code_block(void)
{
	char *f = frag("```go\n\tif a  b {\n\n}\n```\n");
	char want[4096];

	snprintf(want, sizeof(want),
		 "%s%s%s&nbsp;&nbsp;&nbsp;&nbsp;if&nbsp;a&nbsp;&nbsp;b&nbsp;{<br><br>}</span></code></pre>",
		 open_tag("pre", DG_TH_PRE), open_tag("code", DG_TH_CODE_BLOCK), open_tag("span", DG_TH_CODE_BODY));
	CHECK(has(f, want), "code block: tab -> 4 nbsp, spaces -> nbsp, newline -> <br>, one span child");
	if (!has(f, want))
		printf("#   got: %s\n", f ? f : "(null)");
	free(f);
	f = frag("```\n<b>&amp;\"x\"\n```\n\n```\n```\n");
	CHECK(has(f, "&lt;b&gt;&amp;amp;\"x\"</span>"), "code text is escaped once");
	CHECK(has(f, "\"><span style=\"") && has(f, "\">&nbsp;</span></code></pre>"),
	      "an empty code block holds one nbsp, not an empty span");
	free(f);
	f = frag("Use `a  b` and ` c`.\n");
	CHECK(has(f, ">a &nbsp;b</code>"), "inline code keeps doubled spaces with nbsp");
	free(f);
}

static void test_lists(void)
{
	char *f = frag("- a\n  - b\n    - c\n      - d\n        - e\n- f\n\n3. x\n4. y\n\n- [x] done\n- [ ] todo\n");
	const char *p;
	int nested_ul = 0;

	CHECK(count(f, "<ul ") == 2 && count(f, "<ol ") == 1, "one ul/ol per top-level list, none nested");
	for (p = f ? strstr(f, "<li") : NULL; p; p = strstr(p + 1, "<li")) {
		const char *end = strstr(p, "</li>"), *u = strstr(p, "<ul"), *o = strstr(p, "<ol");

		if ((u && end && u < end) || (o && end && o < end))
			nested_ul = 1;
	}
	CHECK(!nested_ul, "no ul/ol inside an li");
	CHECK(has(f, "•</span>a") && has(f, "◦</span>b") && has(f, "▪</span>c") && has(f, "▪</span>e"),
	      "text markers per level");
	CHECK(count(f, open_tag("span", DG_TH_LI_MARKER)) >= 6,
	      "markers in spans as wide as the hanging indent");
	CHECK(has(f, open_tag("section", DG_TH_LIST_NESTED)), "nested levels are indented sections");
	CHECK(has(f, "3.</span>x") && has(f, "4.</span>y"), "ordered list numbers from its start");
	CHECK(has(f, "✅&nbsp;done") && has(f, "⬜&nbsp;todo") && !has(f, "<input") && !has(f, "•&nbsp;✅"),
	      "task list checkboxes become emoji markers");
	CHECK(count(f, "<li ") == count(f, open_tag("li", DG_TH_LI)), "every li is styled");
	free(f);
}

static void test_tables_images(void)
{
	char *f = frag("| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n![pic](http://example.com/p.png)\n\n"
		       "![d](data:image/png;base64,AAAA) ![rel](img/x.png) ![pr](//cdn.example.com/x.png)\n");
	char want[2048];

	snprintf(want, sizeof(want), "%s%s", open_tag("section", DG_TH_TABLE_WRAP), open_tag("table", DG_TH_TABLE));
	CHECK(has(f, want), "table inside an overflow-x section");
	CHECK(has(f, "text-align:center\">a</th>") && has(f, "text-align:right\">2</td>"),
	      "cell alignment inline");
	CHECK(count(f, "text-align:") >= 4 && !has(f, " align="), "no align attributes");
	snprintf(want, sizeof(want), "<img src=\"https://example.com/p.png\" alt=\"pic\" style=\"%s\">",
		 dg_theme_get(theme, DG_TH_IMG));
	CHECK(has(f, want), "http image upgraded to https, alt and style present");
	CHECK(has(f, open_tag("p", DG_TH_FIGCAPTION)), "lone image gets a caption from alt");
	CHECK(!has(f, "data:") && !has(f, "img/x.png") && has(f, "d rel"), "data: and relative images dropped, alt kept");
	CHECK(has(f, "src=\"https://cdn.example.com/x.png\""), "protocol-relative image made https");
	free(f);
	f = frag_html("<img src=\"https://e.com/a.png\" width=\"2000\" height=\"9\" id=\"i\" class=\"c\" onerror=\"x()\">");
	CHECK(has(f, "<img src=\"https://e.com/a.png\" alt=\"\" style=") && !has(f, "width=") && !has(f, "height=") &&
		      !has(f, "id=") && !has(f, "class=") && !has(f, "onerror"),
	      "raw img: no width/height/id/class/on*, alt added");
	free(f);
}

static void test_hostile(void)
{
	static const char *const html =
		"<html><head><title>t</title><style>p{}</style><script>alert(1)</script></head><body>"
		"<div id=\"a\" class=\"b\" onclick=\"x()\" style=\"position:fixed\">div text</div>"
		"<iframe src=\"https://evil.example\"></iframe><form><input type=\"text\" value=\"v\"><button>b</button></form>"
		"<p onmouseover=\"x()\">para <a href=\"javascript:alert(1)\">js</a> <a href=\" JaVaScRiPt:alert(1)\">js2</a>"
		"<a href=\"https://mp.weixin.qq.com/s/x\" onclick=\"y()\">wx</a></p>"
		"<svg onload=\"x()\"><defs></defs><script>alert(2)</script></svg><object></object><embed>"
		"<math><mi>x</mi></math><template><p>t</p></template><noscript>ns</noscript>"
		"<meta http-equiv=\"refresh\"><link rel=\"stylesheet\" href=\"x.css\"><base href=\"https://evil/\">"
		"<table><tr><td><script>alert(3)</script>cell</td></tr></table>"
		"<ul><li><ul><li>deep</li></ul></li></ul><p style=\"color:red\">styled</p>"
		"<a href=\"data:text/html,x\">data</a><textarea>ta</textarea><select><option>o</option></select>"
		"</body></html>";
	static const char *const banned[] = {
		"<script", "<style", "<iframe", "<form", "<input", "<button", "<object", "<embed", "<svg",
		"<math", "<template", "<noscript", "<meta", "<link", "<base", "<textarea", "<select",
		"<div", "<html", "<body", "<head", " id=", " class=", " on", "javascript", "position",
		"alert", "data:", "color:red", "x.css",
	};
	char *f = frag_html(html);
	size_t i;
	int clean = 1;

	for (i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		if (has(f, banned[i])) {
			printf("# found %s\n", banned[i]);
			clean = 0;
		}
	CHECK(f && clean, "hostile HTML: banned elements, attributes and URLs removed");
	CHECK(has(f, "div text") && has(f, "cell") && has(f, "deep") && has(f, "styled"), "their text is kept");
	CHECK(has(f, "href=\"https://mp.weixin.qq.com/s/x\" style="), "mp link kept without its onclick");
	free(f);

	f = frag("# t\n\n<script>alert(1)</script>\n\nx <script>evil()</script> <img src=x onerror=alert(1)>\n\n"
		 "<iframe src=//evil></iframe>\n\n[a](javascript:alert(1)) ![i](javascript:alert(2))\n");
	CHECK(f && !has(f, "<script") && !has(f, "onerror") && !has(f, "<iframe") && !has(f, "javascript:"),
	      "script in Markdown never survives (safe mode + pass)");
	free(f);

	/* Invalid UTF-8 and NULs must not turn the document into Latin-1 mojibake. */
	{
		static const char bad[] = "<p>ok \xff\xfe caf\xc3\xa9 \xe4\xb8\xad</p>\0<p>after NUL</p>";
		char *out = NULL;

		CHECK(dg_wechat_fragment(bad, sizeof(bad) - 1, &zh_opts, &out) == 0 && has(out, "café") &&
			      has(out, "after NUL") && has(out, "\xef\xbf\xbd"),
		      "invalid UTF-8 and NUL replaced by U+FFFD, rest intact");
		free(out);
	}
}

/* needle inside a tag (between '<' and '>'), not in text. */
static int tag_has(const char *s, const char *needle)
{
	const char *lt, *gt, *hit;

	for (lt = strchr(s, '<'); lt; lt = strchr(gt, '<')) {
		gt = strchr(lt, '>');
		if (!gt)
			return 1;
		hit = strstr(lt, needle);
		if (hit && hit < gt)
			return 1;
	}
	return 0;
}

/* Random tag soup: no crash, and the invariants hold for every output. */
static void test_tag_soup(void)
{
	static const char *const parts[] = {
		"<p>", "</p>", "<ul>", "<li>", "</li>", "</ul>", "<ol start=\"99999999999\">", "<table>", "<tr>",
		"<td align=center>", "<th>", "<pre>", "</pre>", "<code>", "<a href=\"https://e.com/x\">", "</a>",
		"<a href=\"https://mp.weixin.qq.com/s/1\">", "<img src=\"http://e.com/i.png\" alt=\"i\">", "<br>",
		"<blockquote>", "</blockquote>", "<h6>", "<em>", "</em>", "<strong>", "<del>", "<input type=checkbox checked>",
		"<script>", "</script>", "<div>", "<span onclick=x>", "text ", "中文", "Latin", " ", "\n", "\t", "&amp;",
		"&nbsp;", ":bug:", "<!--", "-->", "<svg>", "<", ">", "\"", "<hr>", "<sup>[1]</sup>",
	};
	unsigned long seed = 12345;
	int i, j, ok = 1;

	for (i = 0; i < 300 && ok; i++) {
		char doc[4096];
		size_t len = 0;
		char *out = NULL;

		for (j = 0; j < 60; j++) {
			const char *p;

			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			p = parts[(seed >> 33) % (sizeof(parts) / sizeof(parts[0]))];
			if (len + strlen(p) + 1 >= sizeof(doc))
				break;
			memcpy(doc + len, p, strlen(p));
			len += strlen(p);
		}
		doc[len] = '\0';
		if (dg_wechat_fragment(doc, len, &zh_opts, &out) < 0 || strncmp(out, "<section style=", 15) != 0 ||
		    has(out, "<script") || tag_has(out, " on") || has(out, "<div") || has(out, "<svg") ||
		    has(out, "<input") || tag_has(out, "javascript")) {
			printf("# soup %d: %s\n#  -> %s\n", i, doc, out ? out : dg_err_last());
			ok = 0;
		}
		free(out);
	}
	CHECK(ok, "300 random tag soups: fragment produced, invariants hold");
}

static void test_text(void)
{
	char *f = frag("使用kubectl命令升级到v1.31版本，**加粗English**和`代码code`，运行`ls`命令，访问https://e.com/路径abc。\n");
	dg_wechat_opts no = { NULL, "参考链接", 0, 0, NULL, NULL };

	CHECK(has(f, "使用 kubectl 命令升级到 v1.31 版本"), "CJK spacing inside text");
	CHECK(has(f, "加粗 English</strong>"), "CJK spacing inside strong");
	CHECK(has(f, ">代码code</code>"), "no CJK spacing inside code");
	CHECK(has(f, "运行&nbsp;<code") && has(f, ">ls</code>&nbsp;命令") && has(f, "和<code"),
	      "nbsp at Han/Latin inline boundaries only");
	CHECK(!has(f, "路径 abc"), "no CJK spacing inside URLs");
	free(f);
	f = frag_opts("使用kubectl命令\n", &no);
	CHECK(has(f, "使用kubectl命令"), "cjk_spacing = 0 leaves text alone");
	free(f);
	f = frag("中文\n换行 and English\nline\n");
	CHECK(has(f, "中文换行 and English line"), "soft break vanishes between Han, is a space elsewhere");
	free(f);
	f = frag("*强调文字* and *emphasis*\n");
	CHECK(has(f, open_tag("em", DG_TH_EM_CJK)) && has(f, open_tag("em", DG_TH_EM)),
	      "em on Han text is not italic, on Latin it is");
	free(f);
	f = frag("**a** b *c* `d` e\n");
	CHECK(has(f, "</strong>&nbsp;b&nbsp;<em") && has(f, "</em>&nbsp;<code") && has(f, "</code>&nbsp;e"),
	      "spaces at inline boundaries become nbsp");
	free(f);
	f = frag(":sparkles: New :bug: `:bug:` :nope:\n");
	CHECK(has(f, "✨ New 🐛") && has(f, ">:bug:</code>") && has(f, ":nope:"), "emoji shortcodes outside code");
	free(f);
}

static void test_structure(void)
{
	char *f = frag(""), *g;
	char want[2048];

	snprintf(want, sizeof(want), "<section style=\"%s\">%s&nbsp;</p>\n%s&nbsp;</p>\n</section>\n",
		 dg_theme_get(theme, DG_TH_ROOT), open_tag("p", DG_TH_SENTINEL), open_tag("p", DG_TH_SENTINEL));
	CHECK_STR(f, want, "empty input: root section with the two sentinels");
	free(f);
	f = frag("> a\n>> b\n>>> c\n>>>> d\n>>>>> e\n");
	CHECK(count(f, "<blockquote ") == 3 && has(f, ">e</p>"), "blockquotes nest at most 3 deep, text kept");
	free(f);
	f = frag("# H1\n\n###### H6\n\n---\n\n~~gone~~\n");
	CHECK(has(f, open_tag("h1", DG_TH_H1)) && has(f, open_tag("h4", DG_TH_H4)) && !has(f, "<h6") &&
		      has(f, open_tag("hr", DG_TH_HR)) && has(f, open_tag("del", DG_TH_DEL)),
	      "headings, hr and strikethrough styled; h5/h6 become h4");
	free(f);

	{
		size_t len = 0;
		char path[1024], *md, *h1 = NULL, *h2 = NULL;

		snprintf(path, sizeof(path), "%s/wechat/release-notes/gh-release_containerd_containerd_1.7.17.md",
			 tests_dir());
		md = read_all(path, &len);
		CHECK(md != NULL, "read %s", path);
		if (md) {
			f = frag(md);
			g = frag(md);
			CHECK(f && g && strcmp(f, g) == 0, "determinism: same input, same bytes");
			free(f);
			free(g);
			if (dg_markdown_to_html(md, len, &h1) == 0 && dg_markdown_to_html(md, len, &h2) == 0)
				CHECK(strcmp(h1, h2) == 0, "markdown rendering is deterministic");
			free(h1);
			free(h2);
		}
		free(md);
	}
}

/* Every http(s) link target of a release note appears in its fragment. */
static void test_link_targets(const char *name)
{
	char path[1024], *md, *html = NULL, *f = NULL;
	size_t len = 0, total = 0, missing = 0;
	htmlDocPtr doc = NULL;
	xmlNodePtr n;

	snprintf(path, sizeof(path), "%s/wechat/release-notes/%s", tests_dir(), name);
	md = read_all(path, &len);
	if (!md || dg_markdown_to_html(md, len, &html) < 0 || dg_wechat_fragment(html, strlen(html), &zh_opts, &f) < 0) {
		CHECK(0, "%s renders", name);
		goto done;
	}
	doc = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8", HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	for (n = doc ? xmlDocGetRootElement(doc) : NULL; n;) {
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "a") == 0) {
			xmlChar *href = xmlGetProp(n, BAD_CAST "href");
			const char *u = (const char *)href;

			if (u && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0)) {
				xmlChar *esc = xmlEncodeEntitiesReentrant(NULL, href);
				const char *bare = strstr((const char *)esc, "://") + 3;
				xmlChar *text = xmlNodeGetContent(n);

				total++;
				/* as a reference URL, a kept link, or link text equal to the URL */
				if (!has(f, (const char *)esc) && !(has(f, bare) && text && strstr(u, (const char *)text))) {
					if (missing++ < 3)
						printf("# missing %s\n", u);
				}
				xmlFree(text);
				xmlFree(esc);
			}
			xmlFree(href);
		}
		/* iterative pre-order walk */
		if (n->children)
			n = n->children;
		else {
			while (n && !n->next)
				n = n->parent;
			if (n)
				n = n->next;
		}
	}
	CHECK(total > 0 && missing == 0, "%s: all %zu link targets kept", name, total);
done:
	if (doc)
		xmlFreeDoc(doc);
	free(md);
	free(html);
	free(f);
}

static void test_page(void)
{
	const char *fr = "<section style=\"color:#333\"><p style=\"x\">片段 &amp; text</p></section>\n";
	char *page = NULL;
	dg_wechat_page_text text = { "复制到公众号 / Copy for WeChat", "已复制 / Copied", "复制失败 / Copy failed" };
	dg_wechat_page_text odd = { "<b>copy</b> & \"go\"", "it's </script> done\\\n", NULL };

	CHECK(dg_wechat_page(fr, "A <title> & \"q\"", "en\"><script>", &text, &page) == 0, "page renders");
	CHECK(has(page, "<!DOCTYPE html>") && has(page, fr), "page embeds the fragment unchanged");
	CHECK(has(page, "<title>A &lt;title&gt; &amp; &quot;q&quot;</title>"), "title escaped");
	CHECK(has(page, "<html lang=\"zh-CN\">") && count(page, "<script>") == 1, "bad lang replaced, one script");
	CHECK(has(page, "复制到公众号 / Copy for WeChat") && has(page, "navigator.clipboard.write") &&
		      has(page, "ClipboardItem") && has(page, "'text/html'") && has(page, "execCommand('copy')") &&
		      has(page, "addEventListener('copy'") && has(page, "已复制 / Copied"),
	      "copy button with ClipboardItem and both fallbacks");
	CHECK(!has(page, "src=") && !has(page, "<link") && !has(page, "@import") && !has(page, "url("),
	      "no external resources");
	CHECK(strstr(page, "id=\"dg-copy\"") < strstr(page, fr), "button outside (before) the fragment");
	free(page);
	page = NULL;
	/* The caller's words are escaped for where they go: HTML, JavaScript strings. */
	CHECK(dg_wechat_page(fr, NULL, "en", &odd, &page) == 0 &&
		      has(page, ">&lt;b&gt;copy&lt;/b&gt; &amp; &quot;go&quot;</button>") &&
		      has(page, "ok ? 'it\\x27s \\x3c/script\\x3e done\\x5c\\x0a' : ''; }") &&
		      count(page, "</script>") == 1,
	      "labels escaped for HTML and for JavaScript strings");
	free(page);
}

static char *write_tmp(const char *dir, const char *name, const char *text)
{
	static char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

static void test_theme(void)
{
	char dir[] = "/tmp/dg-theme-XXXXXX", path[1100];
	dg_theme *t = NULL, *def = NULL;
	int i, same = 1;

	CHECK(mkdtemp(dir) != NULL, "temporary directory");
	snprintf(path, sizeof(path), "%s/../templates/themes/default.toml", tests_dir());
	CHECK(dg_theme_load(path, &t) == 0, "load templates/themes/default.toml (%s)", dg_err_last());
	dg_theme_default(&def);
	for (i = 0; t && def && i < DG_TH_COUNT; i++)
		if (strcmp(dg_theme_get(t, (dg_theme_element)i), dg_theme_get(def, (dg_theme_element)i)) != 0) {
			printf("# differs: %s\n", dg_theme_element_name((dg_theme_element)i));
			same = 0;
		}
	CHECK(t && def && same && strcmp(dg_theme_name(t), "default") == 0,
	      "default.toml and the built-in theme are identical");
	CHECK_STR(dg_theme_style(def, "sentinel"), "font-size:0;line-height:0;margin:0", "style by name");
	CHECK_STR(dg_theme_style(def, "nope"), "", "unknown element name -> \"\"");
	dg_theme_free(t);
	t = NULL;

	write_tmp(dir, "a.toml", "[meta]\nname = \"mine\"\n\n[style]\nh1 = \"color:#123456;font-size:20px\"\n");
	CHECK(dg_theme_load(write_tmp(dir, "a.toml", "[meta]\nname = \"mine\"\n\n[style]\nh1 = \"color:#123456;font-size:20px\"\n"), &t) == 0 &&
		      strcmp(dg_theme_style(t, "h1"), "color:#123456;font-size:20px") == 0 &&
		      strcmp(dg_theme_style(t, "p"), dg_theme_style(def, "p")) == 0 && strcmp(dg_theme_name(t), "mine") == 0,
	      "partial theme overrides one key, keeps the defaults");
	dg_theme_free(t);
	t = NULL;

	{
		static const struct {
			const char *text, *want1, *want2;
		} bad[] = {
			{ "[style]\nh1 = \"color:#111\"\nbogus = \"color:#111\"\n", ":3: key 'style.bogus'", "unknown element" },
			{ "[style]\n\np = \"color:#111;position:absolute\"\n", ":3: key 'style.p'", "'position'" },
			{ "[style]\np = \"color:var(--x)\"\n", "key 'style.p'", "'var('" },
			{ "[style]\np = \"--accent:#111\"\n", "key 'style.p'", "custom property" },
			{ "[style]\np = \"background:url(https://e.com/x.png)\"\n", "key 'style.p'", "'url('" },
			{ "[style]\np = \"color:oklch(0.5 0.1 200)\"\n", "key 'style.p'", "oklch(" },
			{ "[style]\np = \"z-index:3\"\n", "key 'style.p'", "'z-index'" },
			{ "[style]\np = \"\"\n", "key 'style.p'", "empty" },
			{ "[style]\np = 3\n", "key 'style.p'", "expected a string" },
			{ "[style]\np = \"color:red}body{x:y\"\n", "key 'style.p'", "{" },
			{ "[style]\nroot = \"color:#333;font-size:1em;font-family:x;line-height:2;text-align:left\"\n",
			  "key 'style.root'", "font-size in px" },
			{ "[style]\ncode_block = \"color:#333\"\n", "key 'style.code_block'", "overflow-x" },
			{ "[style]\ntable = \"color:#333\"\n", "key 'style.table'", "border-collapse" },
			{ "[colors]\na = 1\n", ":1: key 'colors'", "unknown key" },
			{ "[meta]\nauthor = \"x\"\n", ":2: key 'meta.author'", "unknown key" },
			{ "[style\n", "bad.toml", "" },
		};
		size_t k;

		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			const char *p = write_tmp(dir, "bad.toml", bad[k].text);
			int rc = dg_theme_load(p, &t);
			const char *msg = dg_err_last();

			CHECK(rc == DG_ERR_CONFIG && t == NULL && strstr(msg, "bad.toml") && strstr(msg, bad[k].want1) &&
				      strstr(msg, bad[k].want2),
			      "theme error %zu names file, line, key: %s", k, msg);
			dg_theme_free(t);
			t = NULL;
		}
		unlink(write_tmp(dir, "bad.toml", ""));
		unlink(write_tmp(dir, "a.toml", ""));
	}
	CHECK(dg_theme_load("/nonexistent/theme.toml", &t) < 0 && strstr(dg_err_last(), "/nonexistent/theme.toml"),
	      "missing theme file named in the error");
	CHECK(dg_theme_set(def, "li", "display:block;left:0") == DG_ERR_CONFIG && strstr(dg_err_last(), "'li'") &&
		      strstr(dg_err_last(), "'left'"),
	      "dg_theme_set rejects a banned property");
	CHECK(dg_theme_set(def, "nope", "color:#111") == DG_ERR_CONFIG, "dg_theme_set rejects an unknown element");
	CHECK(dg_theme_set(def, "p", "color:#112233 !important; margin : 0") == 0 &&
		      strcmp(dg_theme_style(def, "p"), "color:#112233 !important; margin : 0") == 0,
	      "dg_theme_set accepts a clean style");
	CHECK(dg_theme_check("p", "margin-left:1em;padding-left:2px;border-left:1px solid #ccc") == 0,
	      "*-left properties are fine, only left itself is banned");
	{
		dg_wechat_opts o = { def, "参考链接", 1, 0, NULL, NULL };
		char *f = frag_opts("para\n", &o);

		CHECK(has(f, "<p style=\"color:#112233 !important; margin : 0\">para</p>"), "custom theme style used");
		free(f);
	}
	dg_theme_free(def);
	rmdir(dir);
}


/* An issue's fragment (dg_wechat_render): its own image files stay (the
 * preview shows them, the draft uploads them), a paragraph that is one link
 * to an image shows the image with the link's text as its caption, and
 * profile and search links keep their text without a reference. Any other
 * HTML keeps the strict rules. */
static void test_issue(void)
{
	dg_wechat_opts issue = { NULL, "参考链接", 1, 1, NULL, NULL };
	const char *md =
		"[@alice](https://github.com/alice)：首个 PR [o/r#1](https://github.com/o/r/pull/1)\n\n"
		"[@alice 的贡献者证书](certificates/contributor-alice.png)\n\n"
		"[另有 3 个 PR](https://github.com/search?q=is%3Apr&type=pullrequests)\n\n"
		"![poster](acme-2021-W49.poster.png)\n\n"
		"![up](../secret.png) ![abs](/etc/x.png) [see](certificates/x.png) inline\n\n"
		"[remote](https://example.com/cert.PNG)\n\n"
		"[org](https://github.com/acme/) and [repo](https://github.com/acme/x)\n";
	char *f = frag_opts(md, &issue), *strict = frag_opts(md, &zh_opts);

	CHECK(f && has(f, "src=\"certificates/contributor-alice.png\"") && has(f, "@alice 的贡献者证书</p>"),
	      "a lone link to an issue's image is the image, captioned");
	CHECK(has(f, "src=\"acme-2021-W49.poster.png\""), "an issue's own image is kept");
	CHECK(!has(f, "secret.png") && !has(f, "/etc/x.png"), "no image outside the issue's folder");
	CHECK(!has(f, "src=\"certificates/x.png\""), "a link to an image inside a sentence stays a link");
	CHECK(has(f, "src=\"https://example.com/cert.PNG\""), "a lone link to a remote image is shown too");
	CHECK(!has(f, "https://github.com/alice") && has(f, "@alice"), "no reference for a profile: %s", f);
	CHECK(!has(f, "github.com/search") && has(f, "另有 3 个 PR"), "no reference for a search, its text stays");
	CHECK(!has(f, "https://github.com/acme/<") && has(f, "https://github.com/acme/x"),
	      "an org's page is quiet, a repository gets its reference");
	CHECK(has(f, "https://github.com/o/r/pull/1"), "a pull request gets its reference");
	CHECK(strict && !has(strict, "src=\"certificates/") && has(strict, "https://github.com/alice"),
	      "outside an issue: relative images dropped, every link referenced");
	free(f);
	free(strict);
	{
		dg_wechat_opts site = { NULL, "参考链接", 1, 1, NULL, "https://kubesphere.io/weekly/" };
		f = frag_opts("[证书](certificates/a.png)\n\n![p](x.poster.png)\n", &site);
		CHECK(has(f, "src=\"https://kubesphere.io/weekly/certificates/a.png\"") &&
		      has(f, "src=\"https://kubesphere.io/weekly/x.poster.png\""),
		      "with files_url the issue's images are absolute https: %s", f);
		free(f);
	}
}

int main(void)
{
	if (dg_theme_default(&theme) < 0) {
		printf("not ok - default theme: %s\n", dg_err_last());
		return 1;
	}
	test_links();
	test_link_variants();
	test_code_block();
	test_lists();
	test_tables_images();
	test_hostile();
	test_tag_soup();
	test_text();
	test_structure();
	test_link_targets("gh-release_kubernetes-sigs_cluster-api_v1.14.0-beta.0.md");
	test_link_targets("changelog_kubesphere_v3.3.md");
	test_link_targets("release-notes_dapr_v1.16.0.md");
	test_page();
	test_issue();
	test_theme();
	dg_theme_free(theme);
	xmlCleanupParser();
	return check_done();
}
