#include "render.h"
#include "err.h"
int dg_render_markdown(const dg_config *cfg, json_t *model, const char *name, char **md)
{ (void)cfg; (void)model; (void)name; *md = NULL; return dg_err_set(DG_ERR_FAIL, "Markdown rendering is not built yet"); }
int dg_render_html(const dg_config *cfg, const char *md, const char *title, char **f, char **p)
{ (void)cfg; (void)md; (void)title; *f = *p = NULL; return dg_err_set(DG_ERR_FAIL, "HTML rendering is not built yet"); }
