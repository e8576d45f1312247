#include "feeds/picks.h"
#include "config/tomlwrite.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "config/schema.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TEXT(n, req) {.name = n, .type = DG_SCHEMA_STRING, .flags = req, .store = dg_schema_store_json}

static const dg_schema_key project_keys[] = {
	TEXT("repo", 0), TEXT("url", 0), TEXT("headline", 0), TEXT("title", 0), TEXT("paragraph", 0),
	TEXT("suggestion", 0), {0},
};

static const dg_schema_key item_keys[] = {
	TEXT("url", DG_SCHEMA_REQUIRED), TEXT("title", 0), TEXT("headline", 0), TEXT("paragraph", 0),
	TEXT("suggestion", 0), {0},
};

/* The line of the table, for later messages about the item. */
static int add_line(const dg_schema_ctx *c, const dg_toml *table, void *item)
{
	(void)c;
	json_object_set_new(item, "line", json_integer(dg_toml_line(table)));   /* item: new_item's object */
	return 0;
}

static int project_done(const dg_schema_ctx *c, const dg_toml *table, void *item)
{
	if (!json_object_get(item, "repo") && !json_object_get(item, "url"))
		return dg_err_set(DG_ERR_CONFIG, "%s:%d: [[project]] needs 'repo' (owner/name) or 'url'", c->file,
				  dg_toml_line(table));
	return add_line(c, table, item);
}

/* Each [[project]], [[article]], [[news]] is a new object at the end of its list. */
static int new_item(const dg_schema_ctx *c, const dg_toml *table, void *picks, void **item)
{
	const char *list = !strcmp(c->key, "project") ? "projects" : !strcmp(c->key, "article") ? "articles" : "news";

	(void)table;
	*item = json_object();
	json_array_append_new(json_object_get(picks, list), *item);   /* the lists dg_picks_load made */
	return 0;
}

static const dg_schema_table project_table = {project_keys, NULL, project_done};
static const dg_schema_table item_table = {item_keys, NULL, add_line};

static const dg_schema_key root_keys[] = {
	TEXT("headline", 0), TEXT("lead", 0),
	{.name = "project", .type = DG_SCHEMA_TABLES, .sub = &project_table, .item = new_item},
	{.name = "article", .type = DG_SCHEMA_TABLES, .sub = &item_table, .item = new_item},
	{.name = "news", .type = DG_SCHEMA_TABLES, .sub = &item_table, .item = new_item},
	{0},
};

static const dg_schema_table picks_schema = {root_keys, NULL, NULL};

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
	p = json_pack("{s:n, s:n, s:[], s:[], s:[]}", "headline", "lead", "projects", "articles", "news");
	err = dg_schema_apply(&picks_schema, root, path, p, NULL);
	dg_toml_free(root);
	if (err < 0) {
		json_decref(p);
		return err;
	}
	*out = p;
	return 1;
}

/* The machine's text goes into `suggestion` (kept apart, never rendered
 * raw); `paragraph` is left for the editor's own words. */
static void put_suggestion(dg_buf *b, const char *text)
{
	if (text && *text) {
		dg_buf_puts(b, "\nsuggestion = ");
		dg_toml_write_string(b, text);
	}
	dg_buf_puts(b, "\nparagraph = \"\"\n");
}

int dg_picks_draft(json_t *c, const char *label, char **text)
{
	dg_buf b = DG_BUF_INIT;
	size_t i;
	json_t *it;

	dg_buf_printf(&b, "# Cloud Native Weekly %s: the editor's file.\n"
			  "# Trim the candidates, reorder them, write each `paragraph` (Markdown):\n"
			  "# `suggestion` is the fetched text, for reference only, never published;\n"
			  "# an item without a paragraph shows the fetched summary as plain text when it\n"
			  "# is in the issue's language, else a sentence made from its facts (with a warning).\n"
			  "# `digest --kind cnweekly` then renders exactly what is listed here.\n\n"
			  "headline = ", label);
	dg_toml_write_string(&b, dg_json_str(c, "headline"));
	dg_buf_puts(&b, "\n# the lead paragraph (Markdown); empty: one is written from the headline and the counts\n"
			"lead = \"\"\n");
	json_array_foreach(json_object_get(c, "projects"), i, it) {
		dg_buf facts = DG_BUF_INIT;

		dg_buf_printf(&facts, "%lld stars%s%s", (long long)json_integer_value(json_object_get(it, "stars")),
			      *dg_json_str(it, "language") ? ", " : "", dg_json_str(it, "language"));
		dg_buf_puts(&b, "\n[[project]]\n");
		dg_toml_write_comment(&b, "facts", dg_buf_cstr(&facts));
		dg_buf_free(&facts);
		dg_toml_write_comment(&b, "description", dg_json_str(it, "description"));
		dg_buf_puts(&b, "repo = ");
		dg_toml_write_string(&b, dg_json_str(it, "repo"));
		put_suggestion(&b, dg_json_str(it, "description"));
	}
	const char *sections[] = {"articles", "article", "news", "news"};
	for (int s = 0; s < 4; s += 2) {
		json_array_foreach(json_object_get(c, sections[s]), i, it) {
			dg_buf_printf(&b, "\n[[%s]]\n", sections[s + 1]);
			dg_toml_write_comment(&b, "source", dg_json_str(it, "source"));
			dg_toml_write_comment(&b, "published", dg_json_str(it, "published"));
			dg_buf_puts(&b, "url = ");
			dg_toml_write_string(&b, dg_json_str(it, "url"));
			dg_buf_puts(&b, "\ntitle = ");
			dg_toml_write_string(&b, dg_json_str(it, "title"));
			put_suggestion(&b, dg_json_str(it, "summary"));
		}
	}
	return dg_buf_finish(&b, text);  /* the one check of the appends above */
}
