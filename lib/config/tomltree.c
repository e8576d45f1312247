/* tomltree.c - the TOML tree: nodes, tables (in document order, hashed
 * when large), arrays, freeing, and the accessors of toml.h. */
#include "config/toml.h"
#include "config/tomlint.h"
#include "base/alloc.h"
#include "base/text.h"

#include <stdlib.h>
#include <string.h>

/* Tables with more keys than this get a hash index. */
#define TOML_HASH_MIN 8

/* ---- the tree ---- */

dg_toml *dg_toml_node_new(dg_toml_type type, int line, int depth, unsigned flags)
{
	dg_toml *v = dg_calloc(1, sizeof(*v));

	v->type = type;
	v->line = line;
	v->depth = depth;
	v->flags = flags;
	return v;
}

void dg_toml_free(dg_toml *v)
{
	size_t i;

	if (!v)
		return;
	switch (v->type) {
	case DG_TOML_TABLE:
		for (i = 0; i < v->u.tab.n; i++) {
			free(v->u.tab.e[i].key);
			dg_toml_free(v->u.tab.e[i].val);
		}
		free(v->u.tab.e);
		free(v->u.tab.slots);
		break;
	case DG_TOML_ARRAY:
		for (i = 0; i < v->u.arr.n; i++)
			dg_toml_free(v->u.arr.v[i]);
		free(v->u.arr.v);
		break;
	case DG_TOML_INTEGER:
	case DG_TOML_FLOAT:
	case DG_TOML_BOOL:
		break;
	default:
		free(v->u.str.ptr);
		break;
	}
	free(v);
}

static size_t key_hash(const char *k, size_t n)
{
	return (size_t)dg_text_hash(k, n);
}

static void slot_put(size_t *slots, size_t nslots, const struct entry *e, size_t idx)
{
	size_t h = key_hash(e->key, e->klen) & (nslots - 1);

	while (slots[h])
		h = (h + 1) & (nslots - 1);
	slots[h] = idx + 1;
}

static void table_reindex(dg_toml *t)
{
	size_t ns = 32, i, *slots;

	while (ns < t->u.tab.n * 4)
		ns *= 2;
	slots = dg_calloc(ns, sizeof(*slots));
	for (i = 0; i < t->u.tab.n; i++)
		slot_put(slots, ns, &t->u.tab.e[i], i);
	free(t->u.tab.slots);
	t->u.tab.slots = slots;
	t->u.tab.nslots = ns;
}

dg_toml *dg_toml_table_find(const dg_toml *t, const char *k, size_t n)
{
	const struct entry *e;
	size_t i, h, mask;

	if (t->u.tab.slots) {
		mask = t->u.tab.nslots - 1;
		for (h = key_hash(k, n) & mask; t->u.tab.slots[h]; h = (h + 1) & mask) {
			e = &t->u.tab.e[t->u.tab.slots[h] - 1];
			if (e->klen == n && memcmp(e->key, k, n) == 0)
				return e->val;
		}
		return NULL;
	}
	for (i = 0; i < t->u.tab.n; i++) {
		e = &t->u.tab.e[i];
		if (e->klen == n && memcmp(e->key, k, n) == 0)
			return e->val;
	}
	return NULL;
}

void dg_toml_table_add(dg_toml *t, const char *k, size_t n, dg_toml *v)
{
	struct entry *e;

	if (t->u.tab.n == t->u.tab.cap) {
		t->u.tab.cap = t->u.tab.cap ? t->u.tab.cap * 2 : 4;
		t->u.tab.e = dg_realloc(t->u.tab.e, t->u.tab.cap * sizeof(*e));
	}
	e = &t->u.tab.e[t->u.tab.n++];
	e->key = dg_malloc(n + 1);
	if (n)
		memcpy(e->key, k, n);
	e->key[n] = '\0';
	e->klen = n;
	e->val = v;
	if (t->u.tab.n <= TOML_HASH_MIN)
		return;
	if (!t->u.tab.slots || t->u.tab.n * 2 > t->u.tab.nslots)
		table_reindex(t);
	else
		slot_put(t->u.tab.slots, t->u.tab.nslots, e, t->u.tab.n - 1);
}

void dg_toml_array_add(dg_toml *a, dg_toml *v)
{
	if (a->u.arr.n == a->u.arr.cap) {
		a->u.arr.cap = a->u.arr.cap ? a->u.arr.cap * 2 : 4;
		a->u.arr.v = dg_realloc(a->u.arr.v, a->u.arr.cap * sizeof(*a->u.arr.v));
	}
	a->u.arr.v[a->u.arr.n++] = v;
}

dg_toml *dg_toml_node_str(dg_toml_type type, int line, int depth, const char *s, size_t len)
{
	dg_toml *v = dg_toml_node_new(type, line, depth, 0);

	v->u.str.ptr = dg_malloc(len + 1);
	if (len)
		memcpy(v->u.str.ptr, s, len);
	v->u.str.ptr[len] = '\0';
	v->u.str.len = len;
	return v;
}

/* ---- accessors ---- */

dg_toml_type dg_toml_type_of(const dg_toml *v)
{
	return v ? v->type : DG_TOML_TABLE;
}

const char *dg_toml_type_name(dg_toml_type t)
{
	switch (t) {
	case DG_TOML_TABLE: return "table";
	case DG_TOML_ARRAY: return "array";
	case DG_TOML_STRING: return "string";
	case DG_TOML_INTEGER: return "integer";
	case DG_TOML_FLOAT: return "float";
	case DG_TOML_BOOL: return "bool";
	case DG_TOML_DATETIME: return "datetime";
	case DG_TOML_DATETIME_LOCAL: return "datetime-local";
	case DG_TOML_DATE_LOCAL: return "date-local";
	case DG_TOML_TIME_LOCAL: return "time-local";
	}
	return "unknown";
}

int dg_toml_line(const dg_toml *v)
{
	return v ? v->line : 0;
}

size_t dg_toml_count(const dg_toml *v)
{
	if (v && v->type == DG_TOML_TABLE)
		return v->u.tab.n;
	if (v && v->type == DG_TOML_ARRAY)
		return v->u.arr.n;
	return 0;
}

const dg_toml *dg_toml_at(const dg_toml *v, size_t i)
{
	if (v && v->type == DG_TOML_TABLE && i < v->u.tab.n)
		return v->u.tab.e[i].val;
	if (v && v->type == DG_TOML_ARRAY && i < v->u.arr.n)
		return v->u.arr.v[i];
	return NULL;
}

const char *dg_toml_key_at(const dg_toml *t, size_t i)
{
	if (t && t->type == DG_TOML_TABLE && i < t->u.tab.n)
		return t->u.tab.e[i].key;
	return NULL;
}

size_t dg_toml_key_len_at(const dg_toml *t, size_t i)
{
	if (t && t->type == DG_TOML_TABLE && i < t->u.tab.n)
		return t->u.tab.e[i].klen;
	return 0;
}

const dg_toml *dg_toml_get(const dg_toml *t, const char *key)
{
	if (!t || t->type != DG_TOML_TABLE || !key)
		return NULL;
	return dg_toml_table_find(t, key, strlen(key));
}

const char *dg_toml_string(const dg_toml *v, size_t *len)
{
	if (!v || v->type != DG_TOML_STRING)
		return NULL;
	if (len)
		*len = v->u.str.len;
	return v->u.str.ptr;
}

int64_t dg_toml_int(const dg_toml *v)
{
	return v && v->type == DG_TOML_INTEGER ? v->u.i : 0;
}

double dg_toml_float(const dg_toml *v)
{
	return v && v->type == DG_TOML_FLOAT ? v->u.f : 0.0;
}

int dg_toml_bool(const dg_toml *v)
{
	return v && v->type == DG_TOML_BOOL ? v->u.b : 0;
}

const char *dg_toml_datetime(const dg_toml *v)
{
	if (!v || v->type < DG_TOML_DATETIME || v->type > DG_TOML_TIME_LOCAL)
		return NULL;
	return v->u.str.ptr;
}
