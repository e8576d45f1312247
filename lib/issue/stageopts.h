/* stageopts.h - the option structs of the stages, built from the config. */
#ifndef DG_STAGEOPTS_H
#define DG_STAGEOPTS_H

#include "config/config.h"
#include "history/history.h"
#include "model/modelopts.h"
#include "select/selectopts.h"
#include "writer/writer.h"

/* What the select stage reads (borrowed from `cfg`). */
dg_select_opts dg_stage_select_opts(const dg_config *cfg);

/* What the model stage reads (borrowed from `cfg`). */
dg_model_opts dg_stage_model_opts(const dg_config *cfg);

/* What the trends and `digest history` read (borrowed from `cfg`). */
dg_history_opts dg_stage_history_opts(const dg_config *cfg);
/* What the writer reads (borrowed from `cfg`). */
dg_writer_opts dg_stage_writer_opts(const dg_config *cfg);

#endif
