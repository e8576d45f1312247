/* The community report's editor's file (edits.h): read through the
 * config's schema, written with the TOML writer, like the weekly's picks. */
#include "feeds/edits.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "config/schema.h"
#include "config/tomlwrite.h"

#include <string.h>
#include <sys/stat.h>

#define TEXT(n, req) {.name = n, .type = DG_SCHEMA_STRING, .flags = req, .store = dg_schema_store_json}

/* The schema checked the type: true or false, as member c->key. */
static int store_bool(const dg_schema_ctx *c, const dg_toml *v, void *slot)
{
	json_object_set_new(slot, c->key, json_boolean(dg_toml_bool(v)));
	return 0;
}

static const dg_schema_key item_keys[] = {
	TEXT("url", DG_SCHEMA_REQUIRED), TEXT("section", 0), TEXT("title", 0), TEXT("suggestion", 0), TEXT("text", 0),
	{.name = "drop", .type = DG_SCHEMA_BOOL, .store = store_bool}, {0},
};

static const dg_schema_key news_keys[] = {
	TEXT("title", DG_SCHEMA_REQUIRED), TEXT("url", DG_SCHEMA_REQUIRED), TEXT("text", 0), {0},
};

/* The line of the table, for later messages about the entry. */
static int add_line(const dg_schema_ctx *c, const dg_toml *table, void *entry)
{
	(void)c;
	json_object_set_new(entry, "line", json_integer(dg_toml_line(table)));
	return 0;
}

static int news_done(const dg_schema_ctx *c, const dg_toml *table, void *entry)
{
	const char *url = dg_json_str(entry, "url");

	if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7))
		return dg_err_set(DG_ERR_CONFIG, "%s:%d: [[news]] 'url': expected an http(s) URL", c->file,
				  dg_toml_line(table));
	return add_line(c, table, entry);
}

/* Each [[item]] and [[news]] is a new object at the end of its list. */
static int new_entry(const dg_schema_ctx *c, const dg_toml *table, void *edits, void **entry)
{
	(void)table;
	*entry = json_object();
	json_array_append_new(json_object_get(edits, !strcmp(c->key, "item") ? "items" : "news"), *entry);
	return 0;
}

static const dg_schema_table item_table = {item_keys, NULL, add_line};
static const dg_schema_table news_table = {news_keys, NULL, news_done};

static const dg_schema_key root_keys[] = {
	TEXT("lead", 0),
	{.name = "item", .type = DG_SCHEMA_TABLES, .sub = &item_table, .item = new_entry},
	{.name = "news", .type = DG_SCHEMA_TABLES, .sub = &news_table, .item = new_entry},
	{0},
};

static const dg_schema_table edits_schema = {root_keys, NULL, NULL};

int dg_edits_load(const char *path, json_t **out)
{
	struct stat st;
	dg_toml *root = NULL;
	json_t *e;
	int err;

	*out = NULL;
	if (stat(path, &st) < 0)
		return 0;
	if (dg_toml_parse_file(path, &root) < 0)
		return DG_ERR_CONFIG;
	e = json_pack("{s:n, s:[], s:[]}", "lead", "items", "news");
	err = dg_schema_apply(&edits_schema, root, path, e, NULL);
	dg_toml_free(root);
	if (err < 0) {
		json_decref(e);
		return err;
	}
	*out = e;
	return 1;
}

int dg_edits_draft(const char *label, const char *lead, json_t *items, char **text)
{
	dg_buf b = DG_BUF_INIT;
	size_t i;
	json_t *it;

	dg_buf_printf(&b, "# Community report %s: the editor's file.\n"
			  "# While this file exists it decides the issue: a non-empty `text` replaces the item's\n"
			  "# text (plain text), `drop = true` removes the item, a non-empty `lead` replaces the\n"
			  "# lead sentence, and each [[news]] is shown under the community news.\n"
			  "# `suggestion` is what digest (or the writer) would write: for reference only.\n"
			  "# An edited text is kept in the state store by the item's URL and reused by every\n"
			  "# later issue that shows the item (the biweekly, the Cloud Native Weekly).\n\n", label);
	dg_toml_write_comment(&b, "suggestion", lead);
	dg_buf_puts(&b, "lead = \"\"\n");
	json_array_foreach(items, i, it) {
		dg_buf_puts(&b, "\n[[item]]\nurl = ");
		dg_toml_write_string(&b, dg_json_str(it, "url"));
		dg_buf_puts(&b, "\nsection = ");
		dg_toml_write_string(&b, dg_json_str(it, "section"));
		dg_buf_puts(&b, "\ntitle = ");
		dg_toml_write_string(&b, dg_json_str(it, "title"));
		dg_buf_puts(&b, "\nsuggestion = ");
		dg_toml_write_string(&b, dg_json_str(it, "suggestion"));
		dg_buf_puts(&b, "\ntext = ");
		dg_toml_write_string(&b, dg_json_str(it, "text"));
		dg_buf_puts(&b, "\ndrop = false\n");
	}
	dg_buf_puts(&b, "\n# Community news of the period, each shown with its link:\n"
			"# [[news]]\n# title = \"...\"\n# url = \"https://...\"\n# text = \"...\"\n");
	return dg_buf_finish(&b, text);  /* the one check of the appends above */
}
