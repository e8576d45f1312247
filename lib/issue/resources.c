/* What a run loads once and every issue reads: the language's words
 * (templates/<lang>/strings.toml) and the WeChat theme, so that no stage
 * parses them again. */
#include "issue/pipeline.h"
#include "render/render.h"

#include <stdlib.h>
#include <string.h>

int dg_resources_load(const dg_config *cfg, dg_resources *res)
{
	static const char *const keys[5] = {"wechat.references_heading", "wechat.copy_button", "wechat.copied",
					    "wechat.copy_failed", "wechat.references_sep"};
	int err;

	memset(res, 0, sizeof(*res));
	if ((err = dg_lang_load(cfg, &res->lang)) < 0 || (err = dg_render_theme(cfg, &res->theme)) < 0)
		return err;
	for (int i = 0; i < 5; i++)
		res->words[i] = dg_lang_say(res->lang, keys[i], json_object(), &err);
	if (err < 0)
		return err;
	res->wechat = (dg_wechat_words){res->words[0], {res->words[1], res->words[2], res->words[3]}, res->words[4]};
	if (cfg->wr_on)
		return dg_writer_prompt_load(cfg->templates_dir, cfg->language, &res->writer);
	return 0;
}

void dg_resources_clear(dg_resources *res)
{
	dg_lang_free(res->lang);
	dg_theme_free(res->theme);
	dg_writer_prompt_clear(&res->writer);
	for (int i = 0; i < 5; i++)
		free(res->words[i]);
	memset(res, 0, sizeof(*res));
}
