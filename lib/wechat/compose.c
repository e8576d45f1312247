/* An issue's Markdown made WeChat-ready: HTML (lib/render), then the WeChat
 * pass with the configured theme and the language's words for the reference
 * list, then the preview page with its copy button. */
#include "wechat/wechat.h"
#include "base/err.h"
#include "model/lang.h"
#include "render/render.h"

#include <stdlib.h>
#include <string.h>

int dg_wechat_render(const dg_config *cfg, const char *md, const char *title, char **fragment, char **page)
{
	char *html = NULL;
	char *refs_heading = NULL, *copy = NULL, *copied = NULL, *failed = NULL;
	dg_theme *theme = NULL;
	dg_lang *lang = NULL;
	dg_wechat_opts opts = {0};
	dg_wechat_page_text text;
	int err;

	*fragment = *page = NULL;
	if ((err = dg_render_theme(cfg, &theme)) < 0)
		return err;
	if ((err = dg_lang_load(cfg, &lang)) < 0)
		goto done;
	refs_heading = dg_lang_say(lang, "wechat.references_heading", json_object(), &err);
	copy = dg_lang_say(lang, "wechat.copy_button", json_object(), &err);
	copied = dg_lang_say(lang, "wechat.copied", json_object(), &err);
	failed = dg_lang_say(lang, "wechat.copy_failed", json_object(), &err);
	if (err < 0 || (err = dg_render_html(md, &html)) < 0)
		goto done;
	opts.theme = theme;
	opts.refs_heading = refs_heading;
	opts.cjk_spacing = 1;
	if ((err = dg_wechat_fragment(html, strlen(html), &opts, fragment)) < 0)
		goto done;
	text.copy = copy;
	text.copied = copied;
	text.failed = failed;
	err = dg_wechat_page(*fragment, title, cfg->language, &text, page);
done:
	if (err < 0) {
		free(*fragment);
		*fragment = NULL;
	}
	free(html);
	free(refs_heading);
	free(copy);
	free(copied);
	free(failed);
	dg_lang_free(lang);
	dg_theme_free(theme);
	return err;
}
