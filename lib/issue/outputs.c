/* The output stages: an issue's model rendered in every format asked for.
 * Each stage adds its files to the issue's file set; nothing is written
 * until every stage has succeeded (lib/issue/pipeline.c). */
#include "issue/pipeline.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "model/model.h"
#include "render/render.h"
#include "wechat/wechat.h"

#include <stdlib.h>
#include <string.h>

typedef struct outputs {
	dg_issue *is;
	char *md;                /* the Markdown, for the stages after it */
} outputs;

/* Add OUT/<kind>-<label><suffix> with `data` (taken over). */
static int add_issue_file(outputs *o, const char *suffix, char *data, int listed)
{
	const dg_run *run = o->is->run;
	dg_buf name = DG_BUF_INIT;
	int err;

	if (!data)
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	if ((err = dg_buf_printf(&name, "%s-%s%s", o->is->kind->name, run->win->label, suffix)) < 0) {
		free(data);
		dg_buf_free(&name);
		return err;
	}
	err = dg_fileset_add(o->is->files, run->out_dir, dg_buf_cstr(&name), data, strlen(data), listed);
	dg_buf_free(&name);
	return err;
}

static int stage_markdown(outputs *o)
{
	int err = dg_render_markdown(o->is->run->cfg, o->is->model, o->is->kind->name, &o->md);

	if (err < 0 || !(o->is->run->formats & DG_FORMAT_MD))
		return err;
	return add_issue_file(o, ".md", strdup(o->md), 1);
}

static int stage_html(outputs *o)
{
	char *fragment = NULL, *page = NULL;
	int err = dg_wechat_render(o->is->run->cfg, o->md, dg_json_str(o->is->model, "title"), &fragment, &page);

	if (err < 0) {
		free(fragment);
		free(page);
		return err;
	}
	if ((err = add_issue_file(o, ".wechat.html", fragment, 1)) < 0) {
		free(page);
		return err;
	}
	return add_issue_file(o, ".html", page, 1);
}

static int stage_json(outputs *o)
{
	char *json = dg_model_dump(o->is->model);

	return json ? add_issue_file(o, ".json", json, 1) : dg_err_set(DG_ERR_NOMEM, "out of memory writing JSON");
}

/* OUT/certificates/contributor-<login>.svg for new contributors without a
 * certificate of their own; the login is reduced to [A-Za-z0-9_-]. */
static int stage_certificates(outputs *o)
{
	const dg_run *run = o->is->run;
	dg_buf dir = DG_BUF_INIT;
	size_t i;
	json_t *person;
	int err = dg_buf_printf(&dir, "%s/certificates", run->out_dir);

	json_array_foreach(json_object_get(o->is->model, "new_contributors"), i, person) {
		const char *login = dg_json_str(person, "login");
		dg_buf name = DG_BUF_INIT;
		char *svg = NULL;
		size_t k = 0;

		if (err < 0)
			break;
		if (!json_is_true(json_object_get(person, "certificate_generated")))
			continue;
		err = dg_buf_puts(&name, "contributor-");
		for (const char *p = login; *p && k < 200 && !err; p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    *p == '-' || *p == '_') {
				err = dg_buf_putc(&name, *p);
				k++;
			}
		if (!err && k && !(err = dg_buf_puts(&name, ".svg")) &&
		    !(err = dg_render_certificate(run->cfg, o->is->model, person, &svg)))
			err = dg_fileset_add(o->is->files, dg_buf_cstr(&dir), dg_buf_cstr(&name), svg, strlen(svg), 0);
		dg_buf_free(&name);
	}
	dg_buf_free(&dir);
	return err;
}

/* In order; a stage runs when any of its formats is asked for. */
static const struct {
	unsigned formats;
	int (*run)(outputs *o);
} stages[] = {
	{DG_FORMAT_MD | DG_FORMAT_HTML, stage_markdown},
	{DG_FORMAT_HTML, stage_html},
	{DG_FORMAT_JSON, stage_json},
	{DG_FORMAT_MD | DG_FORMAT_HTML, stage_certificates},
};

int dg_outputs_render(dg_issue *is)
{
	outputs o = {is, NULL};
	int err = 0;

	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]) && !err; i++)
		if (is->run->formats & stages[i].formats)
			err = stages[i].run(&o);
	free(o.md);
	return err;
}
