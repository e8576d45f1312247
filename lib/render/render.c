#include "render/render.h"
#include "base/alloc.h"
#include "base/text.h"
#include "base/datadir.h"
#include "base/buf.h"
#include "base/err.h"
#include "render/markdown.h"
#include "base/mustache.h"
#include "base/output.h"
#include "model/lang.h"
#include "render/theme.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEMPLATE_MAX (4u << 20)

int dg_render_find_file(const dg_config *cfg, const char *relative, char **path)
{
	return dg_datadir_find(cfg ? cfg->templates_dir : NULL, "templates", relative, path);
}

/* Read a template; *path (caller frees) is the file read, for messages. */
static int load_template(const dg_config *cfg, const char *relative, char **text, size_t *len,
			 char **path)
{
	int found = dg_render_find_file(cfg, relative, path), err;

	if (found < 0)
		return found;
	if (!found)
		return dg_err_set(DG_ERR_FAIL, "template '%s' not found (looked in digest.templates_dir, "
				  "$DIGEST_DATADIR/templates, beside the binary and in %s/templates)",
				  relative, DG_DATADIR);
	if ((err = dg_output_read_file(*path, TEMPLATE_MAX, text, len)) < 0) {
		free(*path);
		*path = NULL;
	}
	return err;
}

/* The length of a code span at s[i] (a run of backticks, text without a
 * line break or a table's "|", the same run again), or 0. GitHub shows
 * such spans in titles as code: so does the Markdown. */
static size_t code_span(const char *s, size_t len, size_t i)
{
	size_t run = 0, j;

	while (i + run < len && s[i + run] == '`')
		run++;
	for (j = i + run; j < len; j++) {
		size_t r = 0;
		if (s[j] == '\n' || s[j] == '\r' || s[j] == '|')
			return 0;
		if (s[j] != '`')
			continue;
		while (j + r < len && s[j + r] == '`')
			r++;
		if (r == run)
			return j == i + run ? 0 : j + r - i;
		j += r - 1;
	}
	return 0;
}

/* Escape text without code spans. */
static int escape_text(dg_buf *out, const char *s, size_t len, int at_start)
{
	int err = 0;

	for (size_t i = 0; i < len && !err; i++) {
		char c = s[i];

		if (c == '\n' || c == '\r' || c == '\t') {
			/* Interpolated values are inline text: no new blocks. */
			err = dg_buf_putc(out, ' ');
			continue;
		}
		/* Block markers only matter where a value starts a line. */
		if (c && (strchr("\\`*_[]<>|~&", c) || (at_start && i == 0 && strchr("#-+", c))))
			err = dg_buf_putc(out, '\\');
		if (!err)
			err = dg_buf_putc(out, c);
	}
	return err;
}

/* The text between code spans gets the CJK spacing of the WeChat HTML
 * (base/text.h), so the Markdown reads the same. */
int dg_render_escape_markdown(dg_buf *out, const char *s, size_t len)
{
	dg_buf spaced = DG_BUF_INIT;
	size_t i = 0, from = 0, span = 0;
	int err = 0;

	while (!err && from < len) {
		for (i = from; i < len && !(s[i] == '`' && (span = code_span(s, len, i)) > 0); i++)
			;
		dg_buf_clear(&spaced);
		if ((err = dg_text_cjk_space(s + from, i - from, &spaced)) == 0)
			err = escape_text(out, dg_buf_cstr(&spaced), spaced.len, from == 0);
		if (!err && i < len) {
			err = dg_buf_put(out, s + i, span);
			i += span;
		}
		from = i;
	}
	dg_buf_free(&spaced);
	return err;
}

typedef struct partial_ctx {
	const dg_config *cfg;
	const char *lang;
	const char *ext;
} partial_ctx;

static int load_partial(void *ud, const char *name, char **text, size_t *len)
{
	partial_ctx *p = ud;
	char rel[512], *path = NULL;
	int found;

	snprintf(rel, sizeof(rel), "%s/%s.%s.mustache", p->lang, name, p->ext);
	if ((found = dg_render_find_file(p->cfg, rel, &path)) <= 0)
		return found < 0 ? found : 1; /* missing partial renders empty (spec) */
	found = dg_output_read_file(path, TEMPLATE_MAX, text, len);
	free(path);
	return found;
}

int dg_render_markdown(const dg_config *cfg, json_t *model, const char *name, char **md)
{
	char rel[512], *tmpl = NULL, *path = NULL;
	size_t len;
	dg_buf out = DG_BUF_INIT;
	partial_ctx pc = {cfg, cfg->language, "md"};
	dg_mustache_opts opts = {dg_render_escape_markdown, load_partial, &pc, NULL};
	int err;

	*md = NULL;
	snprintf(rel, sizeof(rel), "%s/%s.md.mustache", cfg->language, name);
	if ((err = load_template(cfg, rel, &tmpl, &len, &path)) < 0)
		return err;
	opts.name = path; /* errors name the file read: "…/zh/community.md.mustache:12: …" */
	err = dg_mustache_render(tmpl, len, model, &opts, &out);
	free(tmpl);
	free(path);
	if (err < 0) {
		dg_buf_free(&out);
		return err;
	}
	return dg_buf_finish(&out, md);
}

/* Skip a leading "---\n...\n---\n" block: the website reads it, readers don't. */
static const char *skip_front_matter(const char *md);

int dg_render_html(const char *md, char **html)
{
	const char *body = skip_front_matter(md);

	return dg_markdown_to_html(body, strlen(body), html);
}

static const char *skip_front_matter(const char *md)
{
	const char *p;

	if (strncmp(md, "---\n", 4))
		return md;
	for (p = md + 4; (p = strstr(p, "\n---")); p += 4)
		if (p[4] == '\n' || p[4] == '\0')
			return p[4] ? p + 5 : p + 4;
	return md;
}

int dg_render_theme(const dg_config *cfg, dg_theme **theme)
{
	dg_buf rel = DG_BUF_INIT;
	char *path = NULL;
	int found, err;

	if (!cfg->theme || !strcmp(cfg->theme, "default")) {
		/* A shipped or user-overridden default.toml wins over the built-in copy. */
		if ((found = dg_render_find_file(cfg, "themes/default.toml", &path)) < 0)
			return found;
		if (!found)
			return dg_theme_default(theme);
	} else if (strchr(cfg->theme, '/') || strstr(cfg->theme, ".toml")) {
		path = dg_strdup(cfg->theme);
	} else {
		dg_buf_printf(&rel, "themes/%s.toml", cfg->theme);   /* no cap: cannot fail */
		found = dg_render_find_file(cfg, dg_buf_cstr(&rel), &path);
		if (!found)
			dg_err_set(DG_ERR_CONFIG, "digest.theme: theme '%s' not found (%s)", cfg->theme, dg_buf_cstr(&rel));
		dg_buf_free(&rel);
		if (found <= 0)
			return found < 0 ? found : DG_ERR_CONFIG;
	}
	err = dg_theme_load(path, theme);
	free(path);
	return err;
}

int dg_render_svg(const dg_config *cfg, const char *name, json_t *ctx, char **svg)
{
	char *tmpl = NULL, *path = NULL;
	size_t len;
	dg_buf out = DG_BUF_INIT;
	dg_mustache_opts opts = {NULL, NULL, NULL, NULL};
	int err;

	*svg = NULL;
	if (!ctx)
		return dg_err_set(DG_ERR_FAIL, "%s: cannot build the template's values (one is missing or not UTF-8)",
				  name);
	if ((err = load_template(cfg, name, &tmpl, &len, &path)) < 0)
		return err;
	opts.name = path;
	err = dg_mustache_render(tmpl, len, ctx, &opts, &out);
	free(tmpl);
	free(path);
	if (err < 0) {
		dg_buf_free(&out);
		return err;
	}
	return dg_buf_finish(&out, svg);
}

int dg_render_certificate(const dg_config *cfg, json_t *model, json_t *person, char **svg)
{
	json_t *ctx = json_pack("{s:O, s:O, s:O, s:O, s:s}", "person", person,
				"community", json_object_get(model, "community"),
				"period", json_object_get(model, "period"), "title", json_object_get(model, "title"),
				"language", cfg->language);
	int err = dg_render_svg(cfg, "certificate.svg.mustache", ctx, svg);

	json_decref(ctx);
	return err;
}
