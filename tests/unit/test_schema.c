/* Unit tests of lib/config/schema.c: types, ranges, choices, validators,
 * unknown keys and their suggestions, nested tables, arrays of tables,
 * required keys, callbacks, line numbers in the messages. */
#include "check.h"
#include "base/err.h"
#include "config/schema.h"

#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct target {
	char *name;
	char *mode;
	int level;
	int on;
	dg_strv tags;
	dg_strmap links;
	char *deep;
	json_t *items;    /* [[item]] */
	int checked;      /* set by the table check */
} target;

#define F(f) offsetof(target, f)

static const char *valid_lower(const char *s)
{
	for (; *s; s++)
		if (*s < 'a' || *s > 'z')
			return "lower-case letters";
	return NULL;
}

static const char *const modes[] = {"fast", "slow", "auto", NULL};

static int new_item(const dg_schema_ctx *c, const dg_toml *table, void *t, void **item)
{
	(void)c;
	(void)table;
	*item = json_object();
	json_array_append_new(((target *)t)->items, *item);
	return 0;
}

static int item_check(const dg_schema_ctx *c, const dg_toml *table, void *item)
{
	if (!strcmp(json_string_value(json_object_get(item, "id")), "bad"))
		return dg_err_set(DG_ERR_CONFIG, "%s:%d: [[%s]] is bad", c->file, dg_toml_line(table), c->path);
	return 0;
}

static int root_check(const dg_schema_ctx *c, const dg_toml *table, void *t)
{
	(void)c;
	(void)table;
	((target *)t)->checked = 1;
	return 0;
}

static const dg_schema_key inner_keys[] = {
	{.name = "deep", .type = DG_SCHEMA_STRING, .offset = F(deep)},
	{NULL},
};

static const dg_schema_key sub_keys[] = {
	{.name = "links", .type = DG_SCHEMA_STRMAP, .offset = F(links)},
	{.name = "inner", .type = DG_SCHEMA_TABLE, .sub = &(const dg_schema_table){inner_keys, NULL, NULL}},
	{NULL},
};

static const dg_schema_key item_keys[] = {
	{.name = "id", .type = DG_SCHEMA_STRING, .flags = DG_SCHEMA_REQUIRED, .store = dg_schema_store_json},
	{.name = "note", .type = DG_SCHEMA_STRING, .store = dg_schema_store_json},
	{NULL},
};

static const dg_schema_key root_keys[] = {
	{.name = "name", .type = DG_SCHEMA_STRING, .offset = F(name), .valid = valid_lower},
	{.name = "mode", .type = DG_SCHEMA_ENUM, .offset = F(mode), .choices = modes},
	{.name = "level", .type = DG_SCHEMA_INT, .offset = F(level), .min = 1, .max = 10},
	{.name = "on", .type = DG_SCHEMA_BOOL, .offset = F(on)},
	{.name = "tags", .type = DG_SCHEMA_STRV, .offset = F(tags)},
	{.name = "sub", .type = DG_SCHEMA_TABLE, .sub = &(const dg_schema_table){sub_keys, NULL, NULL}},
	{.name = "item", .type = DG_SCHEMA_TABLES, .sub = &(const dg_schema_table){item_keys, NULL, item_check},
	 .item = new_item},
	{NULL},
};

static const dg_schema_table schema = {root_keys, NULL, root_check};

/* Parse and check `src`; the return code, the target kept in *t. */
static int run(const char *src, target *t)
{
	dg_toml *root = NULL;
	int rc;

	memset(t, 0, sizeof(*t));
	t->items = json_array();
	if (dg_toml_parse(src, strlen(src), "s.toml", &root) < 0) {
		printf("# unexpected parse error: %s\n", dg_err_last());
		return -100;
	}
	rc = dg_schema_apply(&schema, root, "s.toml", t, NULL);
	dg_toml_free(root);
	return rc;
}

static void done(target *t)
{
	dg_schema_free(&schema, t);
	json_decref(t->items);
}

/* 1 when `src` fails with DG_ERR_CONFIG and exactly the message `want`. */
static int fails(const char *src, const char *want)
{
	target t;
	int rc = run(src, &t), ok = rc == DG_ERR_CONFIG && !strcmp(dg_err_last(), want);

	if (!ok)
		printf("# rc %d\n#   got:  %s\n#   want: %s\n", rc, dg_err_last(), want);
	done(&t);
	return ok;
}

static void test_fill(void)
{
	target t;
	int rc = run("name = \"abc\"\nmode = \"slow\"\nlevel = 10\non = true\ntags = [\"x\", \"y\"]\n"
		     "[sub]\nlinks = { a = \"1\", b = \"2\" }\n[sub.inner]\ndeep = \"d\"\n"
		     "[[item]]\nid = \"one\"\n[[item]]\nid = \"two\"\nnote = \"n\"\n",
		     &t);

	CHECK(rc == 0, "a valid file is accepted (%s)", rc ? dg_err_last() : "");
	CHECK_STR(t.name, "abc", "string at its offset");
	CHECK_STR(t.mode, "slow", "choice at its offset");
	CHECK(t.level == 10 && t.on == 1, "integer and boolean at their offsets");
	CHECK(t.tags.n == 2 && !strcmp(t.tags.v[1], "y"), "array of strings");
	CHECK(t.links.n == 2 && !strcmp(t.links.keys[1], "b") && !strcmp(t.links.values[1], "2"),
	      "table of strings in file order");
	CHECK_STR(t.deep, "d", "nested table writes into the same target");
	CHECK(json_array_size(t.items) == 2 &&
		      !strcmp(json_string_value(json_object_get(json_array_get(t.items, 1), "note")), "n"),
	      "array of tables: one item target each, json store");
	CHECK(t.checked == 1, "the table check runs after the keys");
	done(&t);
	CHECK(t.name == NULL && t.tags.n == 0 && t.links.n == 0 && t.deep == NULL, "dg_schema_free empties the target");

	rc = run("", &t);
	CHECK(rc == 0 && t.name == NULL && json_array_size(t.items) == 0, "an empty file is fine");
	done(&t);
}

/* Rejected documents: the whole message, with file, line, key and what was expected. */
static const struct {
	const char *src, *want, *what;
} bad[] = {
	{"name = 1\n", "s.toml:1: key 'name': expected a string, got integer",
	 "string type"},
	{"\n\nlevel = \"3\"\n", "s.toml:3: key 'level': expected an integer, got string",
	 "integer type, line of the key"},
	{"on = 1\n", "s.toml:1: key 'on': expected a boolean, got integer",
	 "boolean type"},
	{"tags = \"x\"\n", "s.toml:1: key 'tags': expected array of strings, got string",
	 "array type"},
	{"tags = [\"x\",\n  2]\n", "s.toml:2: key 'tags': expected array of strings, got integer at index 1",
	 "array item type, line of the item"},
	{"sub = 3\n", "s.toml:1: key 'sub': expected a table, got integer",
	 "table type"},
	{"[sub]\nlinks = [1]\n", "s.toml:2: key 'sub.links': expected a table of strings, got array",
	 "table of strings type"},
	{"[sub]\nlinks = { a = 1 }\n", "s.toml:2: key 'sub.links.a': expected a string, got integer",
	 "table of strings value"},
	{"item = 1\n", "s.toml:1: key 'item': expected [[item]] tables, got integer",
	 "array of tables type"},
	{"item = [1]\n", "s.toml:1: key 'item': expected [[item]] tables, got integer at index 0",
	 "array of tables item type"},
	{"name = \"a\\u0000b\"\n", "s.toml:1: key 'name': string contains NUL",
	 "NUL in a string"},
	{"level = 0\n", "s.toml:1: key 'level': expected an integer from 1 to 10, got 0",
	 "below range"},
	{"level = 11\n", "s.toml:1: key 'level': expected an integer from 1 to 10, got 11",
	 "above range"},
	{"level = 9223372036854775807\n", "s.toml:1: key 'level': expected an integer from 1 to 10, got 9223372036854775807",
	 "int64 range"},
	{"mode = \"quick\"\n", "s.toml:1: key 'mode': expected \"fast\", \"slow\" or \"auto\", got \"quick\"",
	 "choice outside the list"},
	{"name = \"ABC\"\n", "s.toml:1: key 'name': expected lower-case letters, got \"ABC\"",
	 "validator"},
	{"nmae = \"a\"\n", "s.toml:1: unknown key 'nmae' (did you mean 'name'?)",
	 "transposition suggested"},
	{"Level = 1\n", "s.toml:1: unknown key 'Level' (did you mean 'level'?)",
	 "case suggested"},
	{"tagz = []\n", "s.toml:1: unknown key 'tagz' (did you mean 'tags'?)",
	 "substitution suggested"},
	{"\n[sub]\nlinkz = {}\n", "s.toml:3: unknown key 'sub.linkz' (did you mean 'links'?)",
	 "nested key: path and line"},
	{"[sub.inner]\ndep = \"x\"\n", "s.toml:2: unknown key 'sub.inner.dep' (did you mean 'deep'?)",
	 "two levels deep"},
	{"[[item]]\nid = \"a\"\n[[item]]\nidd = \"b\"\n", "s.toml:4: unknown key 'item.idd' (did you mean 'id'?)",
	 "key of the second table of an array"},
	{"[sub]\nzzzzzz = 1\n", "s.toml:2: unknown key 'sub.zzzzzz' (expected links, [inner])",
	 "far from every key: the keys of a small table"},
	{"[other]\n", "s.toml:1: unknown key 'other' (expected name, mode, level, on, tags, [sub], [[item]])",
	 "unknown table at the root"},
	{"[[item]]\nid = \"a\"\n\n[[item]]\nnote = \"b\"\n", "s.toml:4: [[item]] needs 'id'",
	 "required key missing: the table's line"},
	{"[[item]]\nid = \"bad\"\n", "s.toml:1: [[item]] is bad",
	 "a table check sees the item"},
	{"item = [{ id = \"a\" }, { note = \"x\" }]\n", "s.toml:1: [[item]] needs 'id'",
	 "inline tables in an array"},
};

static void test_rejected(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(fails(bad[i].src, bad[i].want), "%s", bad[i].what);
}

static void test_closest(void)
{
	CHECK(dg_schema_closest(&schema, "x") == NULL, "one letter is not close to 'on'");
	CHECK(dg_schema_closest(&schema, "levle") && !strcmp(dg_schema_closest(&schema, "levle"), "level"),
	      "closest: transposition");
	CHECK(dg_schema_closest(&schema, "completely-different") == NULL, "closest: nothing near");
	{
		static const dg_schema_table inner = {inner_keys, NULL, NULL};
		static const dg_schema_key tables[] = {
			{.name = "alpha", .type = DG_SCHEMA_TABLE, .sub = &inner},
			{NULL},
		};
		static const dg_schema_table only_tables = {tables, NULL, NULL};
		static const dg_schema_table worded = {inner_keys, "unknown thing (see the manual)", NULL};
		dg_toml *root = NULL;

		dg_toml_parse("[alpah]\n", 8, "t.toml", &root);
		CHECK(dg_schema_apply(&only_tables, root, "t.toml", NULL, NULL) == DG_ERR_CONFIG &&
			      !strcmp(dg_err_last(), "t.toml:1: unknown table 'alpah' (did you mean 'alpha'?)"),
		      "a table of tables reports an unknown table: %s", dg_err_last());
		dg_toml_free(root);
		dg_toml_parse("\ndeeep = 1\n", 11, "t.toml", &root);
		CHECK(dg_schema_apply(&worded, root, "t.toml", NULL, NULL) == DG_ERR_CONFIG &&
			      !strcmp(dg_err_last(), "t.toml:2: key 'deeep': unknown thing (see the manual) (did you mean 'deep'?)"),
		      "a table's own wording for unknown keys: %s", dg_err_last());
		dg_toml_free(root);
	}
}

static void test_long_keys(void)
{
	/* Key paths and values are not cut: no fixed-size buffer. */
	size_t n = 5000;
	char *src = malloc(2 * n + 64), *want = malloc(2 * n + 64);

	memset(src, 0, 2 * n + 64);
	memcpy(src, "[sub]\n", 6);
	memset(src + 6, 'k', n);
	memcpy(src + 6 + n, " = 1\n", 5);
	snprintf(want, 2 * n + 64, "s.toml:2: unknown key 'sub.%.*s' (expected links, [inner])", (int)n, src + 6);
	{
		target t;
		int rc = run(src, &t);

		CHECK(rc == DG_ERR_CONFIG && strlen(dg_err_last()) > 0, "a long unknown key is an error");
		/* dg_err_last keeps a bounded line; the message starts as it should. */
		CHECK(!strncmp(dg_err_last(), want, strlen(dg_err_last())), "a long key path is not garbled");
		done(&t);
	}
	free(src);
	free(want);
}

int main(void)
{
	test_fill();
	test_rejected();
	test_closest();
	test_long_keys();
	return check_done();
}
