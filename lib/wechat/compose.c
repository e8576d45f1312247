/* An issue's Markdown made WeChat-ready: HTML (lib/render), then the WeChat
 * pass with the theme and the language's words for the reference list, then
 * the preview page with its copy button. Theme and words are the caller's,
 * loaded once per run. */
#include "wechat/wechat.h"
#include "render/render.h"

#include <stdlib.h>
#include <string.h>

int dg_wechat_render(const dg_theme *theme, const dg_wechat_words *words, const char *language,
		     const char *files_url, const char *md, const char *title, char **fragment, char **page)
{
	char *html = NULL;
	dg_wechat_opts opts = {theme, words->refs_heading, 1, 1, words->refs_sep, files_url};
	int err;

	*fragment = *page = NULL;
	if ((err = dg_render_html(md, &html)) < 0)
		return err;
	if ((err = dg_wechat_fragment(html, strlen(html), &opts, fragment)) == 0)
		err = dg_wechat_page(*fragment, title, language, &words->page, page);
	if (err < 0) {
		free(*fragment);
		*fragment = NULL;
	}
	free(html);
	return err;
}
