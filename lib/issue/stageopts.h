/* stageopts.h - the option structs of the stages, built from the config. */
#ifndef DG_STAGEOPTS_H
#define DG_STAGEOPTS_H

#include "config/config.h"
#include "select/selectopts.h"

/* What the select stage reads (borrowed from `cfg`). */
dg_select_opts dg_stage_select_opts(const dg_config *cfg);

#endif
