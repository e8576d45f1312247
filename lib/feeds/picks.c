#include "feeds/picks.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "config/toml.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const project_keys[] = {"repo", "url", "headline", "title", "paragraph", NULL};
static const char *const item_keys[] = {"url", "title", "headline", "paragraph", NULL};

static int known(const char *const *keys, const char *k)
{
	for (; *keys; keys++)
		if (!strcmp(*keys, k))
			return 1;
	return 0;
}

static int read_items(const char *path, const dg_toml *root, const char *name, const char *const *keys,
		      json_t *out)
{
	const dg_toml *arr = dg_toml_get(root, name);

	if (!arr)
		return 0;
	if (dg_toml_type_of(arr) != DG_TOML_ARRAY)
		return dg_err_set(DG_ERR_CONFIG, "%s:%d: '%s': expected [[%s]] tables, got %s", path,
				  dg_toml_line(arr), name, name, dg_toml_type_name(dg_toml_type_of(arr)));
	for (size_t i = 0; i < dg_toml_count(arr); i++) {
		const dg_toml *t = dg_toml_at(arr, i);
		json_t *item;

		if (dg_toml_type_of(t) != DG_TOML_TABLE)
			return dg_err_set(DG_ERR_CONFIG, "%s:%d: '%s': expected a table, got %s", path,
					  dg_toml_line(t), name, dg_toml_type_name(dg_toml_type_of(t)));
		item = json_object();
		for (size_t k = 0; k < dg_toml_count(t); k++) {
			const char *key = dg_toml_key_at(t, k);
			const dg_toml *v = dg_toml_at(t, k);
			size_t len;
			const char *sv;

			if (!known(keys, key)) {
				json_decref(item);
				return dg_err_set(DG_ERR_CONFIG, "%s:%d: unknown key '%s.%s'", path, dg_toml_line(v),
						  name, key);
			}
			if (dg_toml_type_of(v) != DG_TOML_STRING) {
				json_decref(item);
				return dg_err_set(DG_ERR_CONFIG, "%s:%d: key '%s.%s': expected string, got %s", path,
						  dg_toml_line(v), name, key, dg_toml_type_name(dg_toml_type_of(v)));
			}
			sv = dg_toml_string(v, &len);
			json_object_set_new(item, key, json_stringn(sv, len));
		}
		if (!strcmp(name, "project") ? !json_object_get(item, "repo") && !json_object_get(item, "url")
					     : !json_object_get(item, "url")) {
			json_decref(item);
			return dg_err_set(DG_ERR_CONFIG, "%s:%d: [[%s]] needs %s", path, dg_toml_line(t), name,
					  !strcmp(name, "project") ? "'repo' (owner/name) or 'url'" : "'url'");
		}
		json_object_set_new(item, "line", json_integer(dg_toml_line(t)));
		json_array_append_new(out, item);
	}
	return 0;
}

int dg_picks_load(const char *path, json_t **out)
{
	struct stat st;
	dg_toml *root = NULL;
	json_t *p;
	int err;

	*out = NULL;
	if (stat(path, &st) < 0)
		return 0;
	if ((err = dg_toml_parse_file(path, &root)) < 0)
		return DG_ERR_CONFIG;
	for (size_t i = 0; i < dg_toml_count(root); i++) {
		const char *k = dg_toml_key_at(root, i);
		if (strcmp(k, "headline") && strcmp(k, "project") && strcmp(k, "article") && strcmp(k, "news")) {
			err = dg_err_set(DG_ERR_CONFIG, "%s:%d: unknown key '%s' (expected headline, [[project]], "
					 "[[article]], [[news]])", path, dg_toml_line(dg_toml_at(root, i)), k);
			dg_toml_free(root);
			return err;
		}
	}
	p = json_pack("{s:n, s:[], s:[], s:[]}", "headline", "projects", "articles", "news");
	{
		const dg_toml *h = dg_toml_get(root, "headline");
		size_t len;
		if (h && dg_toml_type_of(h) != DG_TOML_STRING)
			err = dg_err_set(DG_ERR_CONFIG, "%s:%d: key 'headline': expected string, got %s", path,
					 dg_toml_line(h), dg_toml_type_name(dg_toml_type_of(h)));
		else if (h)
			json_object_set_new(p, "headline", json_string(dg_toml_string(h, &len)));
	}
	if (!err)
		err = read_items(path, root, "project", project_keys, json_object_get(p, "projects"));
	if (!err)
		err = read_items(path, root, "article", item_keys, json_object_get(p, "articles"));
	if (!err)
		err = read_items(path, root, "news", item_keys, json_object_get(p, "news"));
	dg_toml_free(root);
	if (err < 0) {
		json_decref(p);
		return err;
	}
	*out = p;
	return 1;
}

/* A TOML basic string. */
static void put_toml_string(dg_buf *b, const char *s)
{
	dg_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			dg_buf_printf(b, "\\%c", *p);
		else if (*p == '\n')
			dg_buf_puts(b, "\\n");
		else if (*p == '\t')
			dg_buf_puts(b, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			dg_buf_printf(b, "\\u%04X", *p);
		else
			dg_buf_putc(b, (char)*p);
	}
	dg_buf_putc(b, '"');
}

static void put_comment(dg_buf *b, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	dg_buf_printf(b, "# %s: ", label);
	for (const char *p = value; *p; p++)
		dg_buf_putc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
	dg_buf_putc(b, '\n');
}

int dg_picks_draft(json_t *c, const char *label, char **text)
{
	dg_buf b = DG_BUF_INIT;
	size_t i;
	json_t *it;

	dg_buf_printf(&b, "# Cloud Native Weekly %s: the editor's file.\n"
			  "# Trim the candidates, reorder them, write each `paragraph` (Markdown);\n"
			  "# `digest --kind cnweekly` then renders exactly what is listed here.\n\n"
			  "headline = ", label);
	put_toml_string(&b, dg_json_str(c, "headline"));
	dg_buf_puts(&b, "\n");
	json_array_foreach(json_object_get(c, "projects"), i, it) {
		dg_buf facts = DG_BUF_INIT;

		dg_buf_printf(&facts, "%lld stars%s%s", (long long)json_integer_value(json_object_get(it, "stars")),
			      *dg_json_str(it, "language") ? ", " : "", dg_json_str(it, "language"));
		dg_buf_puts(&b, "\n[[project]]\n");
		put_comment(&b, "facts", dg_buf_cstr(&facts));
		dg_buf_free(&facts);
		put_comment(&b, "description", dg_json_str(it, "description"));
		dg_buf_puts(&b, "repo = ");
		put_toml_string(&b, dg_json_str(it, "repo"));
		dg_buf_puts(&b, "\nparagraph = ");
		put_toml_string(&b, dg_json_str(it, "description"));
		dg_buf_puts(&b, "\n");
	}
	const char *sections[] = {"articles", "article", "news", "news"};
	for (int s = 0; s < 4; s += 2) {
		json_array_foreach(json_object_get(c, sections[s]), i, it) {
			dg_buf_printf(&b, "\n[[%s]]\n", sections[s + 1]);
			put_comment(&b, "source", dg_json_str(it, "source"));
			put_comment(&b, "published", dg_json_str(it, "published"));
			dg_buf_puts(&b, "url = ");
			put_toml_string(&b, dg_json_str(it, "url"));
			dg_buf_puts(&b, "\ntitle = ");
			put_toml_string(&b, dg_json_str(it, "title"));
			dg_buf_puts(&b, "\nparagraph = ");
			put_toml_string(&b, dg_json_str(it, "summary"));
			dg_buf_puts(&b, "\n");
		}
	}
	return dg_buf_finish(&b, text);  /* the one check of the appends above */
}
