/* The stages' option structs, built from the config here and nowhere else:
 * a stage that takes one reads only what it holds. */
#include "issue/stageopts.h"

#include <string.h>

dg_select_opts dg_stage_select_opts(const dg_config *cfg)
{
	dg_select_opts o = {cfg->products, cfg->n_products, &cfg->highlight_labels, &cfg->community_repos,
			    cfg->community, cfg->highlights_per_repo, cfg->highlights_max, &cfg->cn_watch_repos,
			    cfg->cn_project_days};

	return o;
}

dg_model_opts dg_stage_model_opts(const dg_config *cfg)
{
	dg_model_opts o = {
		.language = cfg->language,
		.timezone = cfg->timezone,
		.title = cfg->title,
		.title_biweekly = cfg->title_biweekly,
		.community = cfg->community,
		.orgs = &cfg->orgs,
		.repos = &cfg->repos,
		.author = cfg->author,
		.intro = cfg->intro,
		.footer = cfg->footer,
		.cover_image = cfg->cover_image,
		.cover_made = cfg->images_cover,
		.tag = cfg->tag,
		.links = &cfg->links,
		.qr_image = cfg->qr_image,
		.partial_note = cfg->partial_note,
		.community_title = cfg->community_title,
		.release_note_lines = cfg->release_note_lines,
		.certificate_url = cfg->certificate_url,
		.certificates = &cfg->certificates,
		.poster = cfg->images_poster,
		.cn_title = cfg->cn_title,
		.cn_intro = cfg->cn_intro,
		.cn_footer = cfg->cn_footer,
		.cn_links = &cfg->cn_links,
	};

	return o;
}

dg_history_opts dg_stage_history_opts(const dg_config *cfg)
{
	dg_history_opts o = {
		.weeks = cfg->trends_weeks,
		.timezone = cfg->timezone,
		.clickhouse = cfg->history_engine && !strcmp(cfg->history_engine, "clickhouse"),
		.url = cfg->history_url,
		.user_env = cfg->history_user_env,
		.password_env = cfg->history_password_env,
		.database = cfg->history_database,
		.table = cfg->history_table,
	};

	return o;
}

dg_writer_opts dg_stage_writer_opts(const dg_config *cfg)
{
	dg_writer_opts o = {cfg->wr_api_url, cfg->wr_model, cfg->wr_key_env, cfg->language, cfg->wr_batch,
			    cfg->wr_max_requests};

	return o;
}
