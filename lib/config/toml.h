/* toml.h - a TOML 1.0 parser producing a tree of values with line numbers.
 *
 * dg_toml_parse returns a root table owned by the caller (dg_toml_free).
 * Every pointer returned by an accessor is borrowed from that tree and lives
 * as long as the root. Tables keep their keys in document order. Each value
 * records the line where it was written (for tables: the header line, or the
 * line of the first dotted key / inline table that created it), so config
 * errors can say "FILE:LINE: key 'x': expected ...". */
#ifndef DG_TOML_H
#define DG_TOML_H

#include <stddef.h>
#include <stdint.h>

typedef enum dg_toml_type {
	DG_TOML_TABLE,
	DG_TOML_ARRAY,
	DG_TOML_STRING,
	DG_TOML_INTEGER,
	DG_TOML_FLOAT,
	DG_TOML_BOOL,
	DG_TOML_DATETIME,        /* offset date-time: 1979-05-27T07:32:00Z / +08:00 */
	DG_TOML_DATETIME_LOCAL,  /* 1979-05-27T07:32:00 */
	DG_TOML_DATE_LOCAL,      /* 1979-05-27 */
	DG_TOML_TIME_LOCAL       /* 07:32:00 */
} dg_toml_type;

typedef struct dg_toml dg_toml;

/* Parse `len` bytes of `src` (need not be NUL-terminated). `filename` is used
 * in error messages only ("FILE:LINE: what was wrong"). Returns 0 and sets
 * *out, or DG_ERR_CONFIG with a message (invalid UTF-8, syntax, duplicate key,
 * redefined table, ...). */
int dg_toml_parse(const char *src, size_t len, const char *filename, dg_toml **out);

/* Read and parse a file; errors name the file. */
int dg_toml_parse_file(const char *path, dg_toml **out);

void dg_toml_free(dg_toml *root);          /* accepts NULL */

dg_toml_type dg_toml_type_of(const dg_toml *v);
const char *dg_toml_type_name(dg_toml_type t); /* "table", "array", "string", "integer", ... */
int dg_toml_line(const dg_toml *v);

/* Tables and arrays. */
size_t dg_toml_count(const dg_toml *v);                         /* entries; 0 for scalars */
const dg_toml *dg_toml_at(const dg_toml *v, size_t i);          /* i-th value of array or table */
const char *dg_toml_key_at(const dg_toml *table, size_t i);     /* i-th key (NUL-free keys only; see len) */
size_t dg_toml_key_len_at(const dg_toml *table, size_t i);
const dg_toml *dg_toml_get(const dg_toml *table, const char *key); /* NULL when absent */

/* Scalars. Strings are UTF-8 and may contain NUL: use the length. */
const char *dg_toml_string(const dg_toml *v, size_t *len);     /* NULL unless STRING */
int64_t dg_toml_int(const dg_toml *v);
double dg_toml_float(const dg_toml *v);
int dg_toml_bool(const dg_toml *v);
/* Date/time values as written, normalised to RFC 3339 form: 'T' separator,
 * upper-case 'T'/'Z', seconds always present ("07:32" -> "07:32:00"),
 * fractional seconds kept as written. */
const char *dg_toml_datetime(const dg_toml *v);

#endif
