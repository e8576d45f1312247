/* schema.h - one checker for every TOML file digest reads.
 *
 * A file kind is declared as tables of keys (dg_schema_table): each key has
 * an expected type (string, integer in a range, boolean, string from a list,
 * array of strings, table of strings, table, array of tables), whether it is
 * required, and where its value goes: `offset` into the target (a C struct)
 * or a `store` callback. dg_schema_apply walks a parsed dg_toml tree and
 * stops at the first error, reported as
 *   "FILE:LINE: key 'github.orgs': expected array of strings, got integer"
 *   "FILE:LINE: unknown key 'feed.x' (did you mean 'url'?)"
 * so a typo is never ignored. */
#ifndef DG_SCHEMA_H
#define DG_SCHEMA_H

#include <stddef.h>
#include <stdint.h>
#include "config/toml.h"

/* Values the checker produces at an offset. */
typedef struct dg_strv {
	char **v;
	size_t n;
} dg_strv;

/* A string-to-string map in file order (e.g. per-person certificate URLs). */
typedef struct dg_strmap {
	char **keys;
	char **values;
	size_t n;
} dg_strmap;

typedef enum dg_schema_type {
	DG_SCHEMA_STRING,    /* char * (malloc'd), no NUL inside */
	DG_SCHEMA_ENUM,      /* char *, one of `choices` */
	DG_SCHEMA_INT,       /* int, from `min` to `max` */
	DG_SCHEMA_BOOL,      /* int, 0 or 1 */
	DG_SCHEMA_STRV,      /* dg_strv: array of strings */
	DG_SCHEMA_STRMAP,    /* dg_strmap: table of strings */
	DG_SCHEMA_TABLE,     /* [name]: the keys of `sub` */
	DG_SCHEMA_TABLES     /* [[name]]: each table with the keys of `sub` */
} dg_schema_type;

#define DG_SCHEMA_REQUIRED 1

/* What a callback knows: the file, the key being stored ("orgs") and its
 * path ("github.orgs"); both borrowed for the call. */
typedef struct dg_schema_ctx {
	const char *file;
	const char *key;
	const char *path;
	void *user;          /* the caller's, from dg_schema_apply */
} dg_schema_ctx;

/* Callbacks return 0, or <0 with a message (dg_schema_error). */
typedef int (*dg_schema_store_fn)(const dg_schema_ctx *c, const dg_toml *v, void *slot);
typedef int (*dg_schema_item_fn)(const dg_schema_ctx *c, const dg_toml *table, void *target,
				 void **item_target);
typedef int (*dg_schema_check_fn)(const dg_schema_ctx *c, const dg_toml *table, void *target);
/* NULL when `s` is fine, else what was expected ("\"owner/name\""). */
typedef const char *(*dg_schema_valid_fn)(const char *s);

typedef struct dg_schema_table dg_schema_table;

typedef struct dg_schema_key {
	const char *name;                /* NULL ends a table's keys */
	dg_schema_type type;
	int flags;                       /* DG_SCHEMA_REQUIRED */
	size_t offset;                   /* the slot in the target */
	int64_t min, max;                /* DG_SCHEMA_INT */
	const char *const *choices;      /* DG_SCHEMA_ENUM, NULL-terminated */
	dg_schema_valid_fn valid;        /* each string (of arrays and maps too) */
	dg_schema_store_fn store;        /* stores a checked value at the slot, instead of the checker */
	const dg_schema_table *sub;      /* DG_SCHEMA_TABLE, DG_SCHEMA_TABLES */
	dg_schema_item_fn item;          /* the target of a table's keys; NULL: the same target */
} dg_schema_key;

struct dg_schema_table {
	const dg_schema_key *keys;
	/* How an unknown key is reported: NULL gives "unknown key 'P'" ("unknown
	 * table" when every key is a table), a text gives "key 'P': TEXT". */
	const char *unknown;
	dg_schema_check_fn check;        /* cross-key checks, after the keys were stored */
};

/* Check `root` (parsed from `file`) against `schema` and fill `target`.
 * Returns 0, or DG_ERR_CONFIG with the message (or a store's error). On error the
 * target may hold part of the values: free it (dg_schema_free for structs). */
int dg_schema_apply(const dg_schema_table *schema, const dg_toml *root, const char *file, void *target,
		    void *user);

/* Free what the keys stored at their offsets in a struct target (strings,
 * dg_strv, dg_strmap), in `schema` and the subtables that share the target.
 * Keys with a `store` must keep the type's layout at their slot. */
void dg_schema_free(const dg_schema_table *schema, void *target);

/* Set "FILE:LINE: key 'PATH': <fmt>" (the line of `v`) and return `code`. */
int dg_schema_error(const dg_schema_ctx *c, const dg_toml *v, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A store for json targets: the string value as member c->key of the json
 * object `slot`. */
int dg_schema_store_json(const dg_schema_ctx *c, const dg_toml *v, void *slot);

/* The key of `t` closest to `key` (equal ignoring case, else the smallest
 * Damerau-Levenshtein distance if <= 2 and shorter than both names), or
 * NULL; borrowed from the schema. */
const char *dg_schema_closest(const dg_schema_table *t, const char *key);

void dg_strv_free(dg_strv *v);
int dg_strv_push(dg_strv *v, const char *s);   /* a copy of s; returns 0 (out of memory aborts) */
int dg_strv_contains_ci(const dg_strv *v, const char *s);
void dg_strmap_free(dg_strmap *m);

#endif
