/* preview.c - the standalone preview page around a WeChat fragment.
 *
 * Not pasted anywhere, so it may use a <style> and a script: it shows the
 * fragment as WeChat would and offers a button that copies the fragment as
 * rich text (Clipboard API, with a copy-event and a selection fallback). */
#include "wechat/wechat.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/mustache.h"

#include <string.h>


static const char page_head1[] = "<!DOCTYPE html>\n<html lang=\"";
static const char page_head2[] =
	"\">\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src https:; "
	"style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
	"<title>";
static const char page_head3[] =
	"</title>\n"
	"<style>\n"
	"body { margin: 0; background: #eef1f0; color: #3f3f3f; font-family: -apple-system, "
	"BlinkMacSystemFont, 'PingFang SC', 'Microsoft YaHei', sans-serif; }\n"
	".dg-bar { position: sticky; top: 0; z-index: 1; display: flex; gap: 12px; align-items: center; "
	"justify-content: center; padding: 10px; background: #ffffff; border-bottom: 1px solid #dde3e0; }\n"
	".dg-bar button { font: inherit; font-size: 15px; padding: 6px 16px; border: 0; border-radius: 4px; "
	"background: #07c160; color: #ffffff; cursor: pointer; }\n"
	".dg-bar span { font-size: 14px; color: #576b95; min-width: 8em; }\n"
	".dg-page { max-width: 677px; margin: 16px auto; padding: 20px 16px; background: #ffffff; "
	"box-shadow: 0 1px 4px rgba(0, 0, 0, 0.08); }\n"
	"</style>\n"
	"</head>\n"
	"<body>\n"
	"<div class=\"dg-bar\"><button type=\"button\" id=\"dg-copy\">";
/* the button's label, then this, the fragment, and the tail */
static const char page_head4[] =
	"</button>"
	"<span id=\"dg-status\" role=\"status\"></span></div>\n"
	"<div class=\"dg-page\" id=\"dg-article\">\n";

/* The copy button: ClipboardItem with text/html first; otherwise a one-off
 * copy listener that sets text/html; otherwise select the fragment and copy. */
static const char page_tail1[] =
	"</div>\n"
	"<script>\n"
	"(function () {\n"
	"  'use strict';\n"
	"  var button = document.getElementById('dg-copy');\n"
	"  var status = document.getElementById('dg-status');\n"
	"  var box = document.getElementById('dg-article');\n"
	"  function say(ok) { status.textContent = ok ? '";
/* the "copied" words, then */
static const char page_tail2[] = "' : '";
/* the "failed" words, then */
static const char page_tail3[] =
	"'; }\n"
	"  function viaEvent(html, text) {\n"
	"    var done = false;\n"
	"    function onCopy(e) {\n"
	"      e.clipboardData.setData('text/html', html);\n"
	"      e.clipboardData.setData('text/plain', text);\n"
	"      e.preventDefault();\n"
	"      done = true;\n"
	"    }\n"
	"    document.addEventListener('copy', onCopy, true);\n"
	"    try { document.execCommand('copy'); } catch (err) { done = false; }\n"
	"    document.removeEventListener('copy', onCopy, true);\n"
	"    return done;\n"
	"  }\n"
	"  function viaSelection(node) {\n"
	"    var ok = false, sel = window.getSelection(), range = document.createRange();\n"
	"    range.selectNode(node);\n"
	"    sel.removeAllRanges();\n"
	"    sel.addRange(range);\n"
	"    try { ok = document.execCommand('copy'); } catch (err) { ok = false; }\n"
	"    sel.removeAllRanges();\n"
	"    return ok;\n"
	"  }\n"
	"  function fallback(node, html, text) {\n"
	"    say(viaEvent(html, text) || viaSelection(node));\n"
	"  }\n"
	"  button.addEventListener('click', function () {\n"
	"    var node = box.firstElementChild;\n"
	"    if (!node) { say(false); return; }\n"
	"    var html = node.outerHTML, text = node.innerText;\n"
	"    if (navigator.clipboard && navigator.clipboard.write && typeof ClipboardItem !== 'undefined') {\n"
	"      var item = new ClipboardItem({\n"
	"        'text/html': new Blob([html], { type: 'text/html' }),\n"
	"        'text/plain': new Blob([text], { type: 'text/plain' })\n"
	"      });\n"
	"      navigator.clipboard.write([item]).then(function () { say(true); },\n"
	"        function () { fallback(node, html, text); });\n"
	"    } else {\n"
	"      fallback(node, html, text);\n"
	"    }\n"
	"  });\n"
	"})();\n"
	"</script>\n"
	"</body>\n"
	"</html>\n";

static int lang_ok(const char *lang)
{
	size_t i;

	if (!lang || !*lang || strlen(lang) > 35)
		return 0;
	for (i = 0; lang[i]; i++)
		if (!((lang[i] >= 'a' && lang[i] <= 'z') || (lang[i] >= 'A' && lang[i] <= 'Z') ||
		      (lang[i] >= '0' && lang[i] <= '9') || lang[i] == '-'))
			return 0;
	return 1;
}

static void put_html(dg_buf *b, const char *s)
{
	s = s ? s : "";
	dg_mustache_escape_html(b, s, strlen(s)); /* errors stay in b */
}

/* The body of a single-quoted JavaScript string inside <script>: no quote,
 * backslash, line end or '<' (no "</script>") left as written. */
static void put_js(dg_buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || strchr("\\'\"<>&", c))
			dg_buf_printf(b, "\\x%02x", c);
		else if (c == 0xe2 && (unsigned char)s[1] == 0x80 && ((unsigned char)s[2] & 0xfe) == 0xa8)
			dg_buf_printf(b, "\\u%04x", 0x2028 + ((unsigned char)s[2] & 1)), s += 2;
		else
			dg_buf_putc(b, (char)c);
	}
}

int dg_wechat_page(const char *fragment, const char *title, const char *lang, const dg_wechat_page_text *text,
		   char **page)
{
	static const dg_wechat_page_text none = {NULL, NULL, NULL};
	dg_buf b = DG_BUF_INIT;

	*page = NULL;
	text = text ? text : &none;
	dg_buf_puts(&b, page_head1);
	dg_buf_puts(&b, lang_ok(lang) ? lang : "zh-CN");
	dg_buf_puts(&b, page_head2);
	put_html(&b, title ? title : "digest");
	dg_buf_puts(&b, page_head3);
	put_html(&b, text->copy);
	dg_buf_puts(&b, page_head4);
	dg_buf_puts(&b, fragment ? fragment : "");
	dg_buf_puts(&b, page_tail1);
	put_js(&b, text->copied);
	dg_buf_puts(&b, page_tail2);
	put_js(&b, text->failed);
	dg_buf_puts(&b, page_tail3);
	return dg_buf_finish(&b, page);
}
