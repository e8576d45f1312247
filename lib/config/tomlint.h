/* tomlint.h - internals shared by the files of the TOML parser: the tree's
 * node layout (tomltree.c), the parser state, the lexer and scalar values
 * (tomllex.c), used by the structure parser (toml.c). Private: the public
 * API is toml.h. */
#ifndef DG_TOMLINT_H
#define DG_TOMLINT_H

#include "config/toml.h"
#include "base/buf.h"

#include <stddef.h>

/* Deepest nesting of tables and arrays: bounds the recursion of the parser,
 * of dg_toml_free and of any caller walking the tree. */
#define TOML_MAX_DEPTH 128

enum {
	F_DEFINED = 1u << 0,  /* table named by its own [header] or [[header]] */
	F_IMPLICIT = 1u << 1, /* table created as a parent in a header path */
	F_DOTTED = 1u << 2,   /* table created by a dotted key */
	F_SEALED = 1u << 3,   /* inline table or array value: complete as written */
	F_AOT = 1u << 4       /* array made by [[header]] */
};

struct entry {
	char *key;  /* NUL-terminated copy; may hold NULs itself */
	size_t klen;
	dg_toml *val;
};

struct dg_toml {
	dg_toml_type type;
	int line;
	int depth;
	unsigned flags;
	union {
		struct {
			struct entry *e;
			size_t n, cap;
			size_t *slots; /* entry index + 1, 0 = free; NULL while small */
			size_t nslots;
		} tab;
		struct {
			dg_toml **v;
			size_t n, cap;
		} arr;
		struct {
			char *ptr;
			size_t len;
		} str; /* strings and date/times */
		int64_t i;
		double f;
		int b;
	} u;
};

struct key {
	char *s;
	size_t len;
};

struct keypath {
	struct key *k;
	size_t n, cap;
};

struct parser {
	const char *s;   /* next byte */
	const char *end;
	const char *file;
	int line;
	dg_toml *root;
	dg_toml *cur;    /* the table key/value lines go into */
	dg_buf tmp;      /* scratch for strings, numbers, date/times */
	dg_buf what;     /* scratch for key names in messages */
	dg_buf fbuf;     /* scratch for dg_toml_found() */
};

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* tomltree.c: nodes and tables (out of memory aborts: nothing here fails). */
dg_toml *dg_toml_node_new(dg_toml_type type, int line, int depth, unsigned flags);
dg_toml *dg_toml_table_find(const dg_toml *t, const char *k, size_t n);             /* NULL when absent */
void dg_toml_table_add(dg_toml *t, const char *k, size_t n, dg_toml *v);           /* takes v */
void dg_toml_array_add(dg_toml *a, dg_toml *v);                                    /* takes v */
dg_toml *dg_toml_node_str(dg_toml_type type, int line, int depth, const char *s,
			  size_t len);                                              /* a string or date/time node */

/* tomllex.c: messages, the lexer and scalar values. Functions returning int
 * return 0, or DG_ERR_CONFIG ("FILE:LINE: ..."). */
int dg_toml_perr(struct parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *dg_toml_found(struct parser *p);          /* what is at p->s, for "expected X, found Y" */
int dg_toml_check_text(struct parser *p, const unsigned char *s, const unsigned char *e);
int dg_toml_peek(const struct parser *p, size_t off); /* byte at p->s + off, -1 past the end */
int dg_toml_is_bare(int c);                            /* may appear in a bare key */
void dg_toml_skip_ws(struct parser *p);
int dg_toml_skip_nl(struct parser *p);                 /* 1 when a line break was skipped */
void dg_toml_skip_comment(struct parser *p);
void dg_toml_skip_blank(struct parser *p);
int dg_toml_expect_eol(struct parser *p, const char *after);
int dg_toml_parse_str(struct parser *p, int multi_ok); /* into p->tmp */
int dg_toml_parse_number(struct parser *p, dg_toml **out, int depth);
int dg_toml_parse_datetime(struct parser *p, dg_toml **out, int depth);

#endif
