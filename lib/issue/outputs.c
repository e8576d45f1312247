/* The output stages: an issue's model rendered in every format asked for.
 * Each stage reads the model (never writes it) and adds its files to the
 * issue's file set; nothing is written until every stage has succeeded
 * (lib/issue/pipeline.c). Their order matters only for the values they hand
 * on in `outputs` (the Markdown, the fragment). */
#include "issue/pipeline.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/str.h"
#include "images/trendchart.h"
#include "images/visuals.h"
#include "issue/delivery.h"
#include "model/model.h"
#include "publish/payload.h"
#include "render/render.h"
#include "wechat/wechat.h"

#include <stdlib.h>
#include <string.h>

typedef struct outputs {
	dg_issue *is;
	char *md;                /* the Markdown, for the stages after it */
	char *fragment;          /* the WeChat fragment (a copy), for wechat-json */
	unsigned formats;        /* run->formats, with html when publishing */
} outputs;

/* Add OUT/<kind>-<label><suffix> with `len` bytes of `data` (taken over,
 * not NULL). Cannot fail: `name` has no cap, dg_fileset_add returns 0. */
static void add_issue_bytes(outputs *o, const char *suffix, char *data, size_t len, int listed)
{
	const dg_run *run = o->is->run;
	dg_buf name = DG_BUF_INIT;

	dg_buf_printf(&name, "%s-%s%s", o->is->kind->name, run->win->label, suffix);
	(void)dg_fileset_add(o->is->files, run->out_dir, dg_buf_cstr(&name), data, len, listed);
	dg_buf_free(&name);
}

static void add_issue_file(outputs *o, const char *suffix, char *data, int listed)
{
	add_issue_bytes(o, suffix, data, strlen(data), listed);
}

static int stage_markdown(outputs *o)
{
	int err = dg_render_markdown(o->is->run->cfg, o->is->model, o->is->kind->name, &o->md);

	if (err < 0 || !(o->formats & DG_FORMAT_MD))
		return err;
	add_issue_file(o, ".md", dg_strdup(o->md), 1);
	return 0;
}

/* The issue's own images (generated certificates, the poster, the trend
 * chart) that a pasted WeChat fragment cannot show: no site_url says where
 * they are served. Publishing uploads them, so it needs no warning. */
static void warn_local_images(outputs *o)
{
	const dg_run *run = o->is->run;
	size_t n = json_is_string(json_object_get(o->is->model, "poster")) ? 1 : 0, i;
	json_t *p;

	if ((run->cfg->site_url && *run->cfg->site_url) || (run->channels & DG_CHANNEL_WECHAT) ||
	    !(o->formats & DG_FORMAT_HTML))
		return;
	json_array_foreach(json_object_get(o->is->model, "new_contributors"), i, p)
		n += *dg_json_str(p, "certificate_png") != '\0';
	n += *dg_json_str(json_object_get(o->is->model, "trend"), "image") != '\0';
	if (n)
		dg_json_appendf(o->is->warnings, "%s-%s.wechat.html shows %zu of the issue's own image%s (certificates, "
				"poster, trend chart) by a relative path: pasted into WeChat's editor they do not load; set [digest] "
				"site_url to where %s is published, or use --publish wechat (it uploads them)",
				o->is->kind->name, run->win->label, n, n == 1 ? "" : "s", run->out_dir);
}

static int stage_html(outputs *o)
{
	char *fragment = NULL, *page = NULL;
	const dg_resources *res = o->is->res;
	int err = dg_wechat_render(res->theme, &res->wechat, o->is->run->cfg->language, o->is->run->cfg->site_url,
				   o->md, dg_json_str(o->is->model, "title"), &fragment, &page);

	if (err < 0) {
		free(fragment);
		free(page);
		return err;
	}
	o->fragment = dg_strdup(fragment);
	if (!(o->formats & DG_FORMAT_HTML)) {
		free(fragment);
		free(page);
		return 0;
	}
	add_issue_file(o, ".wechat.html", fragment, 1);
	add_issue_file(o, ".html", page, 1);
	warn_local_images(o);
	return 0;
}

static int stage_json(outputs *o)
{
	/* The model is an object: dg_model_dump does not return NULL. */
	add_issue_file(o, ".json", dg_model_dump(o->is->model), 1);
	return 0;
}

/* The certificates the model names, in every format: the model names only
 * files that exist (lib/images/visuals.h). */
static int stage_certificates(outputs *o)
{
	return dg_visuals_certificates(o->is->run->cfg, o->is->run->store, o->is->model, o->is->run->out_dir,
				       o->is->files);
}

/* OUT/<kind>-<label>.cover.png, when configured or publishing. */
static int stage_cover(outputs *o)
{
	char *png = NULL;
	size_t len = 0;
	int err;

	if (!(o->is->run->channels & DG_CHANNEL_WECHAT) && !o->is->run->cfg->images_cover)
		return 0;
	if ((err = dg_visuals_cover(o->is->run->cfg, o->is->model, &png, &len)) < 0)
		return err;
	add_issue_bytes(o, ".cover.png", png, len, 1);
	return 0;
}

/* OUT/<kind>-<label>.poster.png (new contributors), when the model shows
 * one (images.poster). */
static int stage_poster(outputs *o)
{
	const dg_run *run = o->is->run;
	char *png = NULL;
	size_t len = 0;
	int err;

	if (!json_is_string(json_object_get(o->is->model, "poster")))
		return 0;
	if ((err = dg_visuals_poster(run->cfg, o->is->model, &o->is->avatars, o->is->warnings, &png, &len)) < 0 ||
	    !png)
		return err;
	add_issue_bytes(o, ".poster.png", png, len, 1);
	return 0;
}

/* OUT/<kind>-<label>.trend.png: the trends section's chart, as the model
 * names it ("trend"."image"), in every format that shows it. */
static int stage_trend(outputs *o)
{
	char *png = NULL;
	size_t len = 0;
	int err;

	if ((err = dg_visuals_trend(o->is->run->cfg, o->is->run->store, o->is->model, &png, &len)) < 0 || !png)
		return err;
	add_issue_bytes(o, ".trend.png", png, len, 1);
	return 0;
}

/* OUT/<kind>-<label>.wechat.json: the draft/add payload, checked
 * (lib/publish/payload.h); images not uploaded yet keep their paths. A
 * payload over WeChat's limits is an issue WeChat would refuse, not a
 * broken issue: the file is written all the same and the issue warns,
 * naming the limit; --publish fails on it in the publish stage, after
 * every file is written (lib/publish/draftbox.h). */
static int stage_wechat_json(outputs *o)
{
	const dg_run *run = o->is->run;
	char *json = NULL, *over = NULL;
	int err;

	if (!o->fragment)
		return dg_err_set(DG_ERR_CONFIG, "--format wechat-json needs the html format too");
	if ((err = dg_wxpayload_file(run->cfg, o->is->res->lang, o->is->model, o->fragment, &json, &over)) < 0)
		return err;
	if (over)
		dg_json_appendf(o->is->warnings, "%s: %s-%s.wechat.json is written, but WeChat would refuse it", over,
				o->is->kind->name, run->win->label);
	free(over);
	add_issue_file(o, ".wechat.json", json, 1);
	return 0;
}

/* The email edition: OUT/<kind>-<label>.eml with --format eml; kept in the
 * issue for --publish email (lib/issue/delivery.h). */
static int stage_email(outputs *o)
{
	dg_issue *is = o->is;
	int err;

	if (!(o->formats & DG_FORMAT_EML) && !(is->run->channels & DG_CHANNEL_EMAIL))
		return 0;
	if ((err = dg_delivery_email_build(is, o->md, o->fragment)) < 0 || !(o->formats & DG_FORMAT_EML))
		return err;
	{
		char *copy = dg_malloc(is->email_len + 1);
		memcpy(copy, is->email, is->email_len + 1);
		add_issue_bytes(o, ".eml", copy, is->email_len, 1);
	}
	return 0;
}

/* OUT/<kind>.atom.xml: with every md or html edition, or whenever
 * [digest] site_url is set (lib/issue/delivery.h). */
static int stage_feed(outputs *o)
{
	return dg_delivery_feed(o->is, o->fragment);
}

/* Not a format: the Markdown and the fragment made without their files. */
#define ARTICLE 0x100u

/* In order; a stage runs when any of its formats is asked for. */
static const struct {
	unsigned formats;
	int (*run)(outputs *o);
} stages[] = {
	{DG_FORMAT_MD | DG_FORMAT_HTML | DG_FORMAT_JSON | DG_FORMAT_WXJSON | DG_FORMAT_EML | ARTICLE, stage_certificates},
	{DG_FORMAT_MD | DG_FORMAT_HTML | DG_FORMAT_WXJSON | ARTICLE, stage_markdown},
	{DG_FORMAT_HTML | DG_FORMAT_WXJSON | ARTICLE, stage_html},
	{DG_FORMAT_JSON, stage_json},
	{DG_FORMAT_MD | DG_FORMAT_HTML | DG_FORMAT_WXJSON, stage_cover},
	{DG_FORMAT_MD | DG_FORMAT_HTML | DG_FORMAT_WXJSON | DG_FORMAT_EML | ARTICLE, stage_poster},
	{DG_FORMAT_MD | DG_FORMAT_HTML | DG_FORMAT_WXJSON | DG_FORMAT_EML | ARTICLE, stage_trend},
	{DG_FORMAT_WXJSON, stage_wechat_json},
	{DG_FORMAT_EML | ARTICLE, stage_email},
	{ARTICLE, stage_feed},
};

int dg_outputs_render(dg_issue *is)
{
	/* publishing writes the HTML too */
	unsigned formats = is->run->formats | (is->run->channels ? DG_FORMAT_HTML : 0);
	outputs o;
	int err = 0;

	/* the email edition and the feed need the Markdown and the fragment; the
	 * feed comes with every edition for readers (md or html), or always once
	 * the site is known */
	if ((formats & DG_FORMAT_EML) || (is->run->channels & DG_CHANNEL_EMAIL) ||
	    ((is->run->cfg->site_url || (formats & (DG_FORMAT_MD | DG_FORMAT_HTML))) && !is->run->draft))
		formats |= ARTICLE;
	o = (outputs){is, NULL, NULL, formats};

	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]) && !err; i++)
		if (o.formats & stages[i].formats)
			err = stages[i].run(&o);
	free(o.md);
	free(o.fragment);
	return err;
}

int dg_outputs_formats(const char *list, unsigned *mask)
{
	static const char *const names[] = {"md", "html", "json", "wechat-json", "eml"};  /* bit i */
	const char *bad;
	int n;

	if (dg_str_name_bits(list, names, sizeof(names) / sizeof(names[0]), mask, &bad, &n) < 0)
		return dg_err_set(DG_ERR_CONFIG, "--format: unknown format '%.*s' (expected md, html, json, "
				  "wechat-json, eml)", n, bad);
	return 0;
}
