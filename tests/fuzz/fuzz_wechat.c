/* fuzz_wechat - Markdown -> HTML (cmark-gfm) -> WeChat fragment with the
 * default theme, and the input itself as HTML -> WeChat fragment (the pass
 * accepts any HTML). Each fragment must keep what wechat.h promises; a
 * violation aborts:
 *   - one root <section>, no <script> (or style/iframe/object/embed/form/
 *     input/svg/link/meta/textarea/button) element;
 *   - no on* event handler, id or class attribute;
 *   - <a href> only to https://mp.weixin.qq.com/, <img src> only https://. */
#include "fuzz.h"
#include "render/markdown.h"
#include "wechat/wechat.h"

#include <strings.h>

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int name_is(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(p, name, n) == 0;
}

/* Check one attribute of element `el` (el_n bytes). */
static void check_attr(const char *el, size_t el_n, const char *name, size_t name_n, const char *val,
		       size_t val_n)
{
	if (name_n >= 2 && strncasecmp(name, "on", 2) == 0)
		fuzz_fail("event handler attribute %.*s on <%.*s>", (int)name_n, name, (int)el_n, el);
	if (name_is(name, name_n, "id") || name_is(name, name_n, "class"))
		fuzz_fail("%.*s attribute on <%.*s>", (int)name_n, name, (int)el_n, el);
	if (name_is(name, name_n, "href") &&
	    !(val_n >= 25 && strncmp(val, "https://mp.weixin.qq.com/", 25) == 0))
		fuzz_fail("<%.*s href=\"%.*s\">: not an mp.weixin.qq.com link", (int)el_n, el, (int)val_n, val);
	if (name_is(name, name_n, "src") && !(val_n >= 8 && strncmp(val, "https://", 8) == 0))
		fuzz_fail("<%.*s src=\"%.*s\">: not https", (int)el_n, el, (int)val_n, val);
}

/* Tokenise the fragment as an HTML parser would and check every tag. */
static void check_fragment(const char *frag)
{
	static const char *const banned[] = { "script", "style", "iframe", "object", "embed", "form", "input",
					      "svg", "link", "meta", "textarea", "button", "frame", "base" };
	const char *p = frag, *q;
	size_t i;

	if (strncmp(frag, "<section", 8) != 0 || !(frag[8] == ' ' || frag[8] == '>'))
		fuzz_fail("fragment does not start with <section: %.40s", frag);
	for (q = frag; (q = strchr(q, '<')) != NULL; q++)
		if (strncasecmp(q + 1, "script", 6) == 0)
			fuzz_fail("\"<script\" in the fragment");
	while ((p = strchr(p, '<')) != NULL) {
		const char *el = ++p;
		size_t el_n;

		if (*p == '/' || *p == '!') {
			/* End tag or comment/doctype: no attributes to check. */
			p = strchr(p, '>');
			if (!p)
				fuzz_fail("unterminated end tag or comment");
			continue;
		}
		while (*p && !is_space((unsigned char)*p) && *p != '>' && *p != '/')
			p++;
		el_n = (size_t)(p - el);
		if (!el_n)
			fuzz_fail("'<' not escaped in text");
		for (i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
			if (name_is(el, el_n, banned[i]))
				fuzz_fail("<%s> element in the fragment", banned[i]);
		for (;;) {
			const char *name, *val = "";
			size_t name_n, val_n = 0;

			while (is_space((unsigned char)*p) || *p == '/')
				p++;
			if (!*p)
				fuzz_fail("unterminated tag <%.*s", (int)el_n, el);
			if (*p == '>')
				break;
			name = p;
			while (*p && !is_space((unsigned char)*p) && *p != '=' && *p != '>' && *p != '/')
				p++;
			name_n = (size_t)(p - name);
			while (is_space((unsigned char)*p))
				p++;
			if (*p == '=') {
				p++;
				while (is_space((unsigned char)*p))
					p++;
				if (*p == '"' || *p == '\'') {
					char quote = *p++;

					val = p;
					while (*p && *p != quote)
						p++;
					val_n = (size_t)(p - val);
					if (!*p)
						fuzz_fail("unterminated attribute value in <%.*s", (int)el_n, el);
					p++;
				} else {
					val = p;
					while (*p && !is_space((unsigned char)*p) && *p != '>')
						p++;
					val_n = (size_t)(p - val);
				}
			}
			check_attr(el, el_n, name, name_n, val, val_n);
		}
	}
}

/* Any HTML, and an issue's (its own images under an https site, quiet
 * profile links, links to images shown): every src stays https either way. */
static void fragment_with(const char *html, size_t len, const dg_wechat_opts *opts)
{
	char *frag = NULL;

	if (dg_wechat_fragment(html, len, opts, &frag) == 0) {
		if (!frag)
			fuzz_fail("success without a fragment");
		check_fragment(frag);
	} else if (frag) {
		fuzz_fail("failure left a fragment");
	}
	free(frag);
}

static void fragment(const char *html, size_t len)
{
	static const dg_wechat_opts any = { NULL, "参考链接", 1, 0, NULL, NULL };
	static const dg_wechat_opts issue = { NULL, "参考链接", 1, 1, "：", "https://example.org/weekly" };

	fragment_with(html, len, &any);
	fragment_with(html, len, &issue);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *html = NULL;

	if (dg_markdown_to_html((const char *)data, size, &html) == 0) {
		if (!html)
			fuzz_fail("markdown: success without HTML");
		fragment(html, strlen(html));
	}
	free(html);
	fragment((const char *)data, size);
	return 0;
}
