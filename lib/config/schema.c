#include "config/schema.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The walk: the file, the dotted path of the key being checked, the caller's pointer. */
typedef struct walker {
	const char *file;
	dg_buf path;
	void *user;
} walker;

void dg_strv_free(dg_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

int dg_strv_push(dg_strv *v, const char *s)
{
	v->v = dg_realloc(v->v, (v->n + 1) * sizeof(*v->v));
	v->v[v->n++] = dg_strdup(s);
	return 0;
}

int dg_strv_contains_ci(const dg_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcasecmp(v->v[i], s))
			return 1;
	return 0;
}

void dg_strmap_free(dg_strmap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->keys[i]);
		free(m->values[i]);
	}
	free(m->keys);
	free(m->values);
	memset(m, 0, sizeof(*m));
}

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions), or SIZE_MAX when the lengths differ by more than 2. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b), d;
	size_t *row;

	if ((n > m ? n - m : m - n) > 2)
		return SIZE_MAX;
	row = dg_calloc(3 * (m + 1), sizeof(*row));
	size_t *prev2 = row, *prev = row + m + 1, *cur = row + 2 * (m + 1);
	for (size_t j = 0; j <= m; j++)
		prev[j] = j;
	for (size_t i = 1; i <= n; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t cost = a[i - 1] != b[j - 1], best = prev[j - 1] + cost;

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		size_t *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	d = prev[m];
	free(row);
	return d;
}

const char *dg_schema_closest(const dg_schema_table *t, const char *key)
{
	const char *best = NULL;
	size_t best_d = 3, n = strlen(key);

	for (const dg_schema_key *k = t->keys; k->name; k++) {
		size_t d;

		if (!strcasecmp(k->name, key))
			return k->name;
		d = edit_distance(key, k->name);
		if (d < best_d && d < n && d < strlen(k->name)) {
			best = k->name;
			best_d = d;
		}
	}
	return best;
}

static int vfail(const char *file, int line, const char *path, int code, const char *fmt, va_list ap)
{
	dg_buf b = DG_BUF_INIT;

	dg_buf_printf(&b, "%s:%d: key '%s': ", file, line, path);
	dg_buf_vprintf(&b, fmt, ap);
	dg_err_set(code, "%s", dg_buf_cstr(&b));
	dg_buf_free(&b);
	return code;
}

int dg_schema_error(const dg_schema_ctx *c, const dg_toml *v, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = vfail(c->file, dg_toml_line(v), c->path, code, fmt, ap);
	va_end(ap);
	return code;
}

static int fail(const walker *w, const dg_toml *v, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(const walker *w, const dg_toml *v, const char *fmt, ...)
{
	va_list ap;
	int code;

	va_start(ap, fmt);
	code = vfail(w->file, dg_toml_line(v), dg_buf_cstr(&w->path), DG_ERR_CONFIG, fmt, ap);
	va_end(ap);
	return code;
}

int dg_schema_store_json(const dg_schema_ctx *c, const dg_toml *v, void *slot)
{
	size_t len;
	const char *s = dg_toml_string(v, &len);

	/* TOML text is valid UTF-8 (toml.c checks it whole): no check again. */
	if (json_object_set_new(slot, c->key, json_stringn_nocheck(s, len)) < 0)
		return dg_schema_error(c, v, DG_ERR_FAIL, "the target is not a JSON object");
	return 0;
}

static const char *type_name(const dg_toml *v)
{
	return dg_toml_type_name(dg_toml_type_of(v));
}

/* What a key expects, for "expected X, got Y". */
static const char *expectation(dg_schema_type t)
{
	switch (t) {
	case DG_SCHEMA_STRING:
	case DG_SCHEMA_ENUM:
		return "a string";
	case DG_SCHEMA_INT:
		return "an integer";
	case DG_SCHEMA_BOOL:
		return "a boolean";
	case DG_SCHEMA_STRV:
		return "array of strings";
	case DG_SCHEMA_STRMAP:
		return "a table of strings";
	case DG_SCHEMA_TABLE:
		return "a table";
	case DG_SCHEMA_TABLES:
		return "an array of tables";
	}
	return "";
}

static dg_toml_type toml_type(dg_schema_type t)
{
	switch (t) {
	case DG_SCHEMA_INT:
		return DG_TOML_INTEGER;
	case DG_SCHEMA_BOOL:
		return DG_TOML_BOOL;
	case DG_SCHEMA_STRV:
	case DG_SCHEMA_TABLES:
		return DG_TOML_ARRAY;
	case DG_SCHEMA_STRMAP:
	case DG_SCHEMA_TABLE:
		return DG_TOML_TABLE;
	default:
		return DG_TOML_STRING;
	}
}

/* A string value: no NUL inside, accepted by `valid`. `what` names where it
 * sits for the messages ("" or " at index 2"). */
static int check_text(const walker *w, const dg_schema_key *k, const dg_toml *v, const char *what)
{
	size_t len;
	const char *s = dg_toml_string(v, &len);
	const char *want;

	if (!s)
		return fail(w, v, "expected %s, got %s%s",
			    k->type == DG_SCHEMA_STRV ? "array of strings" : "a string", type_name(v), what);
	if (strlen(s) != len)
		return fail(w, v, "string contains NUL%s", what);
	if (k->valid && (want = k->valid(s)))
		return fail(w, v, "expected %s, got \"%s\"%s", want, s, what);
	return 0;
}

static int check_enum(const walker *w, const dg_schema_key *k, const dg_toml *v)
{
	const char *s = dg_toml_string(v, NULL);
	dg_buf b = DG_BUF_INIT;
	int err;

	for (const char *const *c = k->choices; *c; c++)
		if (!strcmp(*c, s))
			return 0;
	for (const char *const *c = k->choices; *c; c++)
		dg_buf_printf(&b, "%s\"%s\"", c == k->choices ? "" : c[1] ? ", " : " or ", *c);
	err = fail(w, v, "expected %s, got \"%s\"", dg_buf_cstr(&b), s);
	dg_buf_free(&b);
	return err;
}

static int set_string(char **slot, const char *s)
{
	free(*slot);
	*slot = dg_strdup(s);
	return 0;
}

static int store_strv(dg_strv *sv, const dg_toml *v)
{
	dg_strv_free(sv);
	for (size_t i = 0; i < dg_toml_count(v); i++)
		dg_strv_push(sv, dg_toml_string(dg_toml_at(v, i), NULL));
	return 0;
}

static int store_strmap(dg_strmap *m, const dg_toml *v)
{
	size_t n = dg_toml_count(v);

	dg_strmap_free(m);
	m->keys = dg_calloc(n + 1, sizeof(char *));
	m->values = dg_calloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		m->keys[i] = dg_strdup(dg_toml_key_at(v, i));
		m->values[i] = dg_strdup(dg_toml_string(dg_toml_at(v, i), NULL));
	}
	m->n = n;
	return 0;
}

/* Append ".key" to the path (uncapped: cannot fail); returns the old length
 * to pop back to. */
static size_t path_push(walker *w, const char *key, size_t len)
{
	size_t old = w->path.len;

	if (old)
		dg_buf_putc(&w->path, '.');
	dg_buf_put(&w->path, key, len);
	return old;
}

static void path_pop(walker *w, size_t old)
{
	w->path.len = old;
	if (w->path.ptr)
		w->path.ptr[old] = '\0';
}

static int walk_table(walker *w, const dg_schema_table *t, const dg_toml *tbl, void *target, int in_array);

/* One table of a [name] or [[name]] key: its own target, then its keys. */
static int walk_sub(walker *w, const dg_schema_ctx *ctx, const dg_schema_key *k, const dg_toml *tbl,
		    void *target)
{
	void *sub = target;
	int err;

	if (k->item && (err = k->item(ctx, tbl, target, &sub)) < 0)
		return err;
	return walk_table(w, k->sub, tbl, sub, k->type == DG_SCHEMA_TABLES);
}

/* Check one value against its key, then store it. */
static int apply_key(walker *w, const dg_schema_key *k, const dg_toml *v, void *target)
{
	void *slot = (char *)target + k->offset;
	dg_schema_ctx ctx = {w->file, k->name, dg_buf_cstr(&w->path), w->user};
	size_t n = dg_toml_count(v);
	int err = 0;

	if (dg_toml_type_of(v) != toml_type(k->type)) {
		if (k->type == DG_SCHEMA_TABLES)
			return fail(w, v, "expected [[%s]] tables, got %s", ctx.path, type_name(v));
		return fail(w, v, "expected %s, got %s", expectation(k->type), type_name(v));
	}
	switch (k->type) {
	case DG_SCHEMA_STRING:
	case DG_SCHEMA_ENUM:
		if ((err = check_text(w, k, v, "")) < 0 ||
		    (k->type == DG_SCHEMA_ENUM && (err = check_enum(w, k, v)) < 0))
			return err;
		return k->store ? k->store(&ctx, v, slot) : set_string(slot, dg_toml_string(v, NULL));
	case DG_SCHEMA_INT: {
		int64_t i = dg_toml_int(v);

		if (i < k->min || i > k->max)
			return fail(w, v, "expected an integer from %lld to %lld, got %lld", (long long)k->min,
				    (long long)k->max, (long long)i);
		if (k->store)
			return k->store(&ctx, v, slot);
		*(int *)slot = (int)i;
		return 0;
	}
	case DG_SCHEMA_BOOL:
		if (k->store)
			return k->store(&ctx, v, slot);
		*(int *)slot = dg_toml_bool(v);
		return 0;
	case DG_SCHEMA_STRV:
		for (size_t i = 0; i < n && !err; i++) {
			char at[32];

			snprintf(at, sizeof(at), " at index %zu", i);
			err = check_text(w, k, dg_toml_at(v, i), at);
		}
		if (err < 0)
			return err;
		return k->store ? k->store(&ctx, v, slot) : store_strv(slot, v);
	case DG_SCHEMA_STRMAP:
		for (size_t i = 0; i < n && !err; i++) {
			size_t old = path_push(w, dg_toml_key_at(v, i), dg_toml_key_len_at(v, i));

			err = strlen(dg_toml_key_at(v, i)) != dg_toml_key_len_at(v, i)
				      ? fail(w, dg_toml_at(v, i), "key contains NUL")
				      : check_text(w, k, dg_toml_at(v, i), "");
			path_pop(w, old);
		}
		if (err < 0)
			return err;
		ctx.path = dg_buf_cstr(&w->path); /* the pushes above may have moved it */
		return k->store ? k->store(&ctx, v, slot) : store_strmap(slot, v);
	case DG_SCHEMA_TABLE:
		return walk_sub(w, &ctx, k, v, target);
	case DG_SCHEMA_TABLES:
		for (size_t i = 0; i < n && !err; i++) {
			const dg_toml *item = dg_toml_at(v, i);

			ctx.path = dg_buf_cstr(&w->path); /* the walk below may move it */
			if (dg_toml_type_of(item) != DG_TOML_TABLE)
				return fail(w, item, "expected [[%s]] tables, got %s at index %zu", ctx.path,
					    type_name(item), i);
			err = walk_sub(w, &ctx, k, item, target);
		}
		return err;
	}
	return 0;
}

static const dg_schema_key *find_key(const dg_schema_table *t, const char *name, size_t len)
{
	if (strlen(name) != len)
		return NULL;
	for (const dg_schema_key *k = t->keys; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

/* "unknown key 'P'" / "unknown table 'P'" / "key 'P': <t->unknown>", with a
 * suggestion when a known key is close, else the known keys of a small table. */
static int unknown_key(const walker *w, const dg_schema_table *t, const dg_toml *v, const char *name)
{
	const char *close = dg_schema_closest(t, name), *path = dg_buf_cstr(&w->path);
	dg_buf b = DG_BUF_INIT;
	size_t count = 0;
	int tables = 1;

	for (const dg_schema_key *k = t->keys; k->name; k++, count++)
		tables &= k->type == DG_SCHEMA_TABLE || k->type == DG_SCHEMA_TABLES;
	if (t->unknown)
		dg_buf_printf(&b, "%s:%d: key '%s': %s", w->file, dg_toml_line(v), path, t->unknown);
	else
		dg_buf_printf(&b, "%s:%d: unknown %s '%s'", w->file, dg_toml_line(v), tables ? "table" : "key",
			      path);
	if (close) {
		dg_buf_printf(&b, " (did you mean '%s'?)", close);
	} else if (!t->unknown && count <= 8) {
		dg_buf_puts(&b, " (expected ");
		for (const dg_schema_key *k = t->keys; k->name; k++)
			dg_buf_printf(&b, "%s%s%s%s", k == t->keys ? "" : ", ",
				      k->type == DG_SCHEMA_TABLE ? "[" : k->type == DG_SCHEMA_TABLES ? "[[" : "",
				      k->name,
				      k->type == DG_SCHEMA_TABLE ? "]" : k->type == DG_SCHEMA_TABLES ? "]]" : "");
		dg_buf_putc(&b, ')');
	}
	dg_err_set(DG_ERR_CONFIG, "%s", dg_buf_cstr(&b));
	dg_buf_free(&b);
	return DG_ERR_CONFIG;
}

/* The first required key missing from `tbl`: "FILE:LINE: [[feed]] needs 'url'". */
static int check_required(const walker *w, const dg_schema_table *t, const dg_toml *tbl, int in_array)
{
	const char *path = dg_buf_cstr(&w->path);

	for (const dg_schema_key *k = t->keys; k->name; k++)
		if ((k->flags & DG_SCHEMA_REQUIRED) && !dg_toml_get(tbl, k->name)) {
			if (!*path)
				return dg_err_set(DG_ERR_CONFIG, "%s:%d: needs '%s'", w->file,
						  dg_toml_line(tbl) ? dg_toml_line(tbl) : 1, k->name);
			return dg_err_set(DG_ERR_CONFIG, "%s:%d: %s%s%s needs '%s'", w->file, dg_toml_line(tbl),
					  in_array ? "[[" : "[", path, in_array ? "]]" : "]", k->name);
		}
	return 0;
}

static int walk_table(walker *w, const dg_schema_table *t, const dg_toml *tbl, void *target, int in_array)
{
	dg_schema_ctx ctx = {w->file, NULL, NULL, w->user};
	int err = 0;

	for (size_t i = 0; i < dg_toml_count(tbl) && !err; i++) {
		const char *name = dg_toml_key_at(tbl, i);
		size_t len = dg_toml_key_len_at(tbl, i), old = path_push(w, name, len);
		const dg_schema_key *k = find_key(t, name, len);

		err = k ? apply_key(w, k, dg_toml_at(tbl, i), target) : unknown_key(w, t, dg_toml_at(tbl, i), name);
		path_pop(w, old);
	}
	if (!err)
		err = check_required(w, t, tbl, in_array);
	ctx.path = dg_buf_cstr(&w->path);
	if (!err && t->check)
		err = t->check(&ctx, tbl, target);
	return err;
}

int dg_schema_apply(const dg_schema_table *schema, const dg_toml *root, const char *file, void *target,
		    void *user)
{
	walker w = {file, DG_BUF_INIT, user};
	int err = walk_table(&w, schema, root, target, 0);

	dg_buf_free(&w.path);
	return err;
}

void dg_schema_free(const dg_schema_table *schema, void *target)
{
	for (const dg_schema_key *k = schema->keys; k->name; k++) {
		void *slot = (char *)target + k->offset;

		switch (k->type) {
		case DG_SCHEMA_STRING:
		case DG_SCHEMA_ENUM:
			free(*(char **)slot);
			*(char **)slot = NULL;
			break;
		case DG_SCHEMA_STRV:
			dg_strv_free(slot);
			break;
		case DG_SCHEMA_STRMAP:
			dg_strmap_free(slot);
			break;
		case DG_SCHEMA_TABLE:
			if (!k->item)
				dg_schema_free(k->sub, target);
			break;
		default:
			break;
		}
	}
}
