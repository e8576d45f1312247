/* The stages' option structs, built from the config here and nowhere else:
 * a stage that takes one reads only what it holds. */
#include "issue/stageopts.h"

dg_select_opts dg_stage_select_opts(const dg_config *cfg)
{
	dg_select_opts o = {cfg->products, cfg->n_products, &cfg->highlight_labels, cfg->highlights_per_repo,
			    cfg->highlights_max, &cfg->cn_watch_repos, cfg->cn_project_days};

	return o;
}
