#include "feeds/feedlist.h"
#include "base/alloc.h"
#include "base/datadir.h"
#include "base/err.h"
#include "config/schema.h"

#include <stdlib.h>
#include <string.h>

static const char *valid_nonempty(const char *s)
{
	return *s ? NULL : "a non-empty string";
}

/* An integer as member c->key of the feed's object. */
static int store_int(const dg_schema_ctx *c, const dg_toml *v, void *feed)
{
	json_object_set_new(feed, c->key, json_integer(dg_toml_int(v)));   /* feed: new_feed's object */
	return 0;
}

static const char *const categories[] = {"article", "news", NULL};

static const dg_schema_key feed_keys[] = {
	{.name = "name", .type = DG_SCHEMA_STRING, .flags = DG_SCHEMA_REQUIRED, .valid = valid_nonempty,
	 .store = dg_schema_store_json},
	{.name = "url", .type = DG_SCHEMA_STRING, .flags = DG_SCHEMA_REQUIRED, .valid = valid_nonempty,
	 .store = dg_schema_store_json},
	{.name = "category", .type = DG_SCHEMA_ENUM, .flags = DG_SCHEMA_REQUIRED, .choices = categories,
	 .store = dg_schema_store_json},
	{.name = "language", .type = DG_SCHEMA_STRING, .store = dg_schema_store_json},
	{.name = "priority", .type = DG_SCHEMA_INT, .min = -100, .max = 100, .store = store_int},
	{0},
};

/* Each [[feed]] is a new object at the end of the list. */
static int new_feed(const dg_schema_ctx *c, const dg_toml *table, void *list, void **feed)
{
	(void)c;
	(void)table;
	*feed = json_object();
	json_array_append_new(list, *feed);
	return 0;
}

static const dg_schema_key root_keys[] = {
	{.name = "feed", .type = DG_SCHEMA_TABLES, .sub = &(const dg_schema_table){feed_keys, NULL, NULL},
	 .item = new_feed},
	{0},
};

static const dg_schema_table feedlist_schema = {root_keys, NULL, NULL};

int dg_feedlist_load(const dg_config *cfg, json_t **out)
{
	char *path = NULL;
	dg_toml *root = NULL;
	json_t *list;
	int err = 0, found;

	*out = NULL;
	if (cfg->cn_feeds) {
		path = dg_strdup(cfg->cn_feeds);
	} else if ((found = dg_datadir_find(NULL, "feeds", "cloud-native.toml", &path)) <= 0) {
		return found < 0 ? found : dg_err_set(DG_ERR_CONFIG,
			"the feed list feeds/cloud-native.toml was not found: set cnweekly.feeds");
	}
	if ((err = dg_toml_parse_file(path, &root)) < 0) {
		free(path);
		return DG_ERR_CONFIG;
	}
	list = json_array();
	err = dg_schema_apply(&feedlist_schema, root, path, list, NULL);
	dg_toml_free(root);
	free(path);
	if (err < 0) {
		json_decref(list);
		return err;
	}
	*out = list;
	return 0;
}
