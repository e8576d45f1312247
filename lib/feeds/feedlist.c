#include "feeds/feedlist.h"
#include "base/datadir.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "config/toml.h"

#include <stdlib.h>
#include <string.h>

int dg_feedlist_load(const dg_config *cfg, json_t **out)
{
	char *path = NULL;
	dg_toml *root = NULL;
	const dg_toml *arr;
	json_t *list;
	int err = 0, found;

	*out = NULL;
	if (cfg->cn_feeds) {
		if (!(path = strdup(cfg->cn_feeds)))
			return dg_err_set(DG_ERR_NOMEM, "out of memory");
	} else if ((found = dg_datadir_find(NULL, "feeds", "cloud-native.toml", &path)) <= 0) {
		return found < 0 ? found : dg_err_set(DG_ERR_CONFIG,
			"the feed list feeds/cloud-native.toml was not found: set cnweekly.feeds");
	}
	if ((err = dg_toml_parse_file(path, &root)) < 0) {
		free(path);
		return DG_ERR_CONFIG;
	}
	list = json_array();
	for (size_t i = 0; i < dg_toml_count(root) && !err; i++)
		if (strcmp(dg_toml_key_at(root, i), "feed"))
			err = dg_err_set(DG_ERR_CONFIG, "%s:%d: unknown key '%s' (expected [[feed]])", path,
					 dg_toml_line(dg_toml_at(root, i)), dg_toml_key_at(root, i));
	arr = dg_toml_get(root, "feed");
	for (size_t i = 0; !err && arr && i < dg_toml_count(arr); i++) {
		const dg_toml *t = dg_toml_at(arr, i);
		json_t *f = json_object();
		for (size_t k = 0; k < dg_toml_count(t) && !err; k++) {
			const char *key = dg_toml_key_at(t, k);
			const dg_toml *v = dg_toml_at(t, k);
			size_t len;
			if (strcmp(key, "name") && strcmp(key, "url") && strcmp(key, "category") && strcmp(key, "language"))
				err = dg_err_set(DG_ERR_CONFIG, "%s:%d: unknown key 'feed.%s'", path, dg_toml_line(v), key);
			else if (dg_toml_type_of(v) != DG_TOML_STRING)
				err = dg_err_set(DG_ERR_CONFIG, "%s:%d: key 'feed.%s': expected string, got %s", path,
						 dg_toml_line(v), key, dg_toml_type_name(dg_toml_type_of(v)));
			else
				json_object_set_new(f, key, json_string(dg_toml_string(v, &len)));
		}
		if (!err && (!*dg_json_str(f, "url") || !*dg_json_str(f, "name")))
			err = dg_err_set(DG_ERR_CONFIG, "%s:%d: [[feed]] needs 'name' and 'url'", path, dg_toml_line(t));
		if (!err && strcmp(dg_json_str(f, "category"), "article") && strcmp(dg_json_str(f, "category"), "news"))
			err = dg_err_set(DG_ERR_CONFIG, "%s:%d: key 'feed.category': expected \"article\" or \"news\", got \"%s\"",
					 path, dg_toml_line(t), dg_json_str(f, "category"));
		json_array_append_new(list, f);
	}
	dg_toml_free(root);
	free(path);
	if (err < 0) {
		json_decref(list);
		return err;
	}
	*out = list;
	return 0;
}
