/* toml.c - TOML 1.0.0 parser (see toml.h).
 *
 * The whole text is first checked for valid UTF-8 and for control
 * characters (TOML allows only TAB, LF and CRLF anywhere, in strings and
 * comments alike), so the recursive-descent parser after it can take every
 * byte it meets as allowed. Tables carry flags saying how they came to be,
 * which is what TOML's rules against redefinition are about. */
#include "config/toml.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/output.h"
#include "base/text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deepest nesting of tables and arrays: bounds the recursion of the parser,
 * of dg_toml_free and of any caller walking the tree. */
#define TOML_MAX_DEPTH 128
/* Tables with more keys than this get a hash index. */
#define TOML_HASH_MIN 8
/* Key names in messages are cut to these many columns (a part, the whole). */
#define KEYNAME_PART_MAX 64
#define KEYNAME_MAX 160

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
	dg_buf fbuf;     /* scratch for found() */
};

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* ---- errors ---- */

static int perr(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct parser *p, int line, const char *fmt, ...)
{
	dg_buf msg = DG_BUF_INIT;
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = dg_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (err == 0)
		err = dg_err_set(DG_ERR_CONFIG, "%s:%d: %s", p->file, line, dg_buf_cstr(&msg));
	dg_buf_free(&msg);
	return err;
}

static int nomem(void)
{
	return dg_err_set(DG_ERR_NOMEM, "out of memory while parsing TOML");
}

/* What the parser is looking at, for "expected X, found Y". */
static const char *found(struct parser *p)
{
	unsigned char c;

	if (p->s >= p->end)
		return "end of file";
	c = (unsigned char)*p->s;
	if (c == '\n' || c == '\r')
		return "end of line";
	if (c == ' ' || c == '\t')
		return "whitespace";
	dg_buf_clear(&p->fbuf);
	if (c > ' ' && c < 0x7f)
		return dg_buf_printf(&p->fbuf, "'%c'", c) < 0 ? "a character" : dg_buf_cstr(&p->fbuf);
	return "a non-ASCII character";
}

/* "a.b.c" for the first `upto` parts of a key; long parts and long names
 * are cut with "…" so that messages stay readable. */
static const char *keyname(struct parser *p, const struct keypath *kp, size_t upto)
{
	dg_buf part = DG_BUF_INIT;
	int err = 0;

	dg_buf_clear(&p->what);
	for (size_t i = 0; i < upto && !err; i++) {
		dg_buf_clear(&part);
		if ((err = dg_buf_put(&part, kp->k[i].s, kp->k[i].len)) < 0 ||
		    (err = dg_text_cut(&part, KEYNAME_PART_MAX, DG_TEXT_WIDTH, 0)) < 0 ||
		    (i && (err = dg_buf_putc(&p->what, '.')) < 0))
			break;
		err = dg_buf_puts(&p->what, dg_buf_cstr(&part));
	}
	if (!err)
		err = dg_text_cut(&p->what, KEYNAME_MAX, DG_TEXT_WIDTH, 0);
	dg_buf_free(&part);
	return err < 0 ? "a key" : dg_buf_cstr(&p->what);
}

static const char *describe(const dg_toml *v)
{
	switch (v->type) {
	case DG_TOML_TABLE:
		if (v->flags & F_SEALED)
			return "an inline table";
		if (v->flags & F_DOTTED)
			return "a table made by dotted keys";
		if (v->flags & F_DEFINED)
			return "a table made by a [header]";
		return "a table made implicitly by a [header]";
	case DG_TOML_ARRAY:
		return (v->flags & F_AOT) ? "an array of tables" : "an array value";
	case DG_TOML_STRING: return "a string";
	case DG_TOML_INTEGER: return "an integer";
	case DG_TOML_FLOAT: return "a float";
	case DG_TOML_BOOL: return "a boolean";
	default: return "a date/time";
	}
}

/* ---- the tree ---- */

static dg_toml *node_new(dg_toml_type type, int line, int depth, unsigned flags)
{
	dg_toml *v = calloc(1, sizeof(*v));

	if (v) {
		v->type = type;
		v->line = line;
		v->depth = depth;
		v->flags = flags;
	}
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
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)k[i];
		h *= 1099511628211u;
	}
	return (size_t)h;
}

static void slot_put(size_t *slots, size_t nslots, const struct entry *e, size_t idx)
{
	size_t h = key_hash(e->key, e->klen) & (nslots - 1);

	while (slots[h])
		h = (h + 1) & (nslots - 1);
	slots[h] = idx + 1;
}

static int table_reindex(dg_toml *t)
{
	size_t ns = 32, i, *slots;

	while (ns < t->u.tab.n * 4)
		ns *= 2;
	if (!(slots = calloc(ns, sizeof(*slots))))
		return nomem();
	for (i = 0; i < t->u.tab.n; i++)
		slot_put(slots, ns, &t->u.tab.e[i], i);
	free(t->u.tab.slots);
	t->u.tab.slots = slots;
	t->u.tab.nslots = ns;
	return 0;
}

static dg_toml *table_find(const dg_toml *t, const char *k, size_t n)
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

/* Add key -> v to table t. Takes ownership of v even on failure. */
static int table_add(dg_toml *t, const char *k, size_t n, dg_toml *v)
{
	struct entry *e;
	char *copy = NULL;

	if (t->u.tab.n == t->u.tab.cap) {
		size_t cap = t->u.tab.cap ? t->u.tab.cap * 2 : 4;

		if (!(e = realloc(t->u.tab.e, cap * sizeof(*e))))
			goto nomem;
		t->u.tab.e = e;
		t->u.tab.cap = cap;
	}
	if (!(copy = malloc(n + 1)))
		goto nomem;
	if (n)
		memcpy(copy, k, n);
	copy[n] = '\0';
	e = &t->u.tab.e[t->u.tab.n++];
	e->key = copy;
	e->klen = n;
	e->val = v;
	if (t->u.tab.n <= TOML_HASH_MIN)
		return 0;
	if (!t->u.tab.slots || t->u.tab.n * 2 > t->u.tab.nslots)
		return table_reindex(t);
	slot_put(t->u.tab.slots, t->u.tab.nslots, e, t->u.tab.n - 1);
	return 0;
nomem:
	dg_toml_free(v);
	return nomem();
}

/* Append v to array a. Takes ownership of v even on failure. */
static int array_add(dg_toml *a, dg_toml *v)
{
	if (a->u.arr.n == a->u.arr.cap) {
		size_t cap = a->u.arr.cap ? a->u.arr.cap * 2 : 4;
		dg_toml **nv = realloc(a->u.arr.v, cap * sizeof(*nv));

		if (!nv) {
			dg_toml_free(v);
			return nomem();
		}
		a->u.arr.v = nv;
		a->u.arr.cap = cap;
	}
	a->u.arr.v[a->u.arr.n++] = v;
	return 0;
}

/* A string-like node holding a copy of s[0..len). */
static int node_str(dg_toml **out, dg_toml_type type, int line, int depth,
		    const char *s, size_t len)
{
	dg_toml *v = node_new(type, line, depth, 0);

	if (!v || !(v->u.str.ptr = malloc(len + 1))) {
		free(v);
		return nomem();
	}
	if (len)
		memcpy(v->u.str.ptr, s, len);
	v->u.str.ptr[len] = '\0';
	v->u.str.len = len;
	*out = v;
	return 0;
}

/* ---- the text as a whole ---- */

/* Valid UTF-8 (no overlongs, surrogates or values past U+10FFFF) and no
 * control characters but TAB, LF and CR before LF. */
static int check_text(struct parser *p, const unsigned char *s, const unsigned char *e)
{
	int line = 1;

	while (s < e) {
		unsigned c = *s;
		uint32_t cp;
		size_t n;

		if (c < 0x80) {
			if (c == '\n')
				line++;
			else if (c == '\r' && (s + 1 >= e || s[1] != '\n'))
				return perr(p, line, "carriage return not followed by a line feed");
			else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
				return perr(p, line, "control character U+%04X is not allowed (escape it in strings)", c);
			s++;
			continue;
		}
		if (!(n = dg_text_utf8_decode(s, (size_t)(e - s), &cp)))
			return perr(p, line, "invalid UTF-8 (byte 0x%02X)", *s);
		s += n;
	}
	return 0;
}

/* ---- lexical helpers ---- */

static int peek(const struct parser *p, size_t off)
{
	return (size_t)(p->end - p->s) > off ? (unsigned char)p->s[off] : -1;
}

static int is_bare(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IS_DIGIT(c) ||
	       c == '_' || c == '-';
}

static void skip_ws(struct parser *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t'))
		p->s++;
}

/* Consume one newline (LF or CRLF); 1 if there was one. */
static int skip_nl(struct parser *p)
{
	if (p->s < p->end && *p->s == '\n') {
		p->s++;
	} else if (peek(p, 0) == '\r' && peek(p, 1) == '\n') {
		p->s += 2;
	} else {
		return 0;
	}
	p->line++;
	return 1;
}

static void skip_comment(struct parser *p)
{
	if (p->s < p->end && *p->s == '#')
		while (p->s < p->end && *p->s != '\n' && *p->s != '\r')
			p->s++;
}

/* Whitespace, comments and newlines, as allowed inside arrays. */
static void skip_blank(struct parser *p)
{
	do {
		skip_ws(p);
		skip_comment(p);
	} while (skip_nl(p));
}

static int expect_eol(struct parser *p, const char *after)
{
	skip_ws(p);
	skip_comment(p);
	if (p->s >= p->end || skip_nl(p))
		return 0;
	return perr(p, p->line, "expected end of line after %s, found %s", after, found(p));
}

/* ---- strings ---- */

static int hex_val(int c)
{
	if (IS_DIGIT(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* At a backslash in a basic string: decode one escape into p->tmp. */
static int parse_escape(struct parser *p, int multi)
{
	int c = peek(p, 1), line = p->line, i, n;
	uint32_t cp = 0;
	char ch;

	switch (c) {
	case 'b': ch = '\b'; break;
	case 't': ch = '\t'; break;
	case 'n': ch = '\n'; break;
	case 'f': ch = '\f'; break;
	case 'r': ch = '\r'; break;
	case '"': ch = '"'; break;
	case '\\': ch = '\\'; break;
	case 'u':
	case 'U':
		n = c == 'u' ? 4 : 8;
		for (i = 0; i < n; i++) {
			int d = hex_val(peek(p, 2 + (size_t)i));

			if (d < 0)
				return perr(p, line, "escape \\%c needs %d hex digits", c, n);
			cp = cp << 4 | (uint32_t)d;
		}
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return perr(p, line, "escape \\%c%.*s is not a Unicode scalar value",
				    c, n, p->s + 2);
		p->s += 2 + n;
		return dg_buf_put_utf8(&p->tmp, cp);
	default:
		if (multi) {
			/* Line-ending backslash: it, the rest of the line and all
			 * whitespace and newlines after it vanish. */
			const char *q = p->s + 1;

			while (q < p->end && (*q == ' ' || *q == '\t'))
				q++;
			if (q < p->end && (*q == '\n' || *q == '\r')) {
				p->s = q;
				while (skip_nl(p))
					skip_ws(p);
				return 0;
			}
		}
		if (c > ' ' && c < 0x7f)
			return perr(p, line, "invalid escape sequence '\\%c' in string", c);
		return perr(p, line, "invalid escape sequence: backslash followed by %s",
			    c == ' ' || c == '\t' ? "whitespace" : "a non-ASCII character or end of input");
	}
	p->s += 2;
	return dg_buf_putc(&p->tmp, ch);
}

/* At an opening quote or apostrophe: decode a string of any of the four
 * kinds into p->tmp. Keys pass multi_ok = 0. */
static int parse_str(struct parser *p, int multi_ok)
{
	char q = *p->s;
	int line = p->line, multi = 0, err;
	const char *run;

	dg_buf_clear(&p->tmp);
	if (peek(p, 1) == q && peek(p, 2) == q) {
		if (!multi_ok)
			return perr(p, line, "a multi-line string cannot be a key");
		multi = 1;
		p->s += 3;
		skip_nl(p); /* a newline right after the opening is trimmed */
	} else {
		p->s++;
	}
	for (;;) {
		if (p->s >= p->end) {
			if (multi)
				return perr(p, line, "unterminated multi-line string (opened on line %d)", line);
			return perr(p, line, "unterminated string");
		}
		if (*p->s == q) {
			if (!multi) {
				p->s++;
				return 0;
			}
			if (peek(p, 1) == q && peek(p, 2) == q) {
				/* One or two more quotes belong to the content. */
				size_t extra = 0;

				while (extra < 2 && peek(p, 3 + extra) == q)
					extra++;
				if ((err = dg_buf_put(&p->tmp, p->s, extra)) < 0)
					return err;
				p->s += 3 + extra;
				return 0;
			}
			if ((err = dg_buf_putc(&p->tmp, q)) < 0)
				return err;
			p->s++;
			continue;
		}
		if (*p->s == '\n' || *p->s == '\r') {
			if (!multi)
				return perr(p, line, "unterminated string (newline before the closing %s)",
					    q == '"' ? "quote" : "apostrophe");
			skip_nl(p);
			if ((err = dg_buf_putc(&p->tmp, '\n')) < 0)
				return err;
			continue;
		}
		if (*p->s == '\\' && q == '"') {
			if ((err = parse_escape(p, multi)) < 0)
				return err;
			continue;
		}
		run = p->s;
		while (p->s < p->end && *p->s != q && *p->s != '\n' && *p->s != '\r' &&
		       !(*p->s == '\\' && q == '"'))
			p->s++;
		if ((err = dg_buf_put(&p->tmp, run, (size_t)(p->s - run))) < 0)
			return err;
	}
}

/* ---- keys ---- */

static void keypath_free(struct keypath *kp)
{
	size_t i;

	for (i = 0; i < kp->n; i++)
		free(kp->k[i].s);
	free(kp->k);
	kp->k = NULL;
	kp->n = kp->cap = 0;
}

/* key ( ws '.' ws key )* followed by optional whitespace. */
static int parse_key(struct parser *p, struct keypath *kp)
{
	for (;;) {
		const char *data;
		size_t len;
		char *copy;
		int c = peek(p, 0), err;

		if (kp->n >= TOML_MAX_DEPTH)
			return perr(p, p->line, "key has more than %d parts", TOML_MAX_DEPTH);
		if (c == '"' || c == '\'') {
			if ((err = parse_str(p, 0)) < 0)
				return err;
			data = dg_buf_cstr(&p->tmp);
			len = p->tmp.len;
		} else if (is_bare(c)) {
			data = p->s;
			while (p->s < p->end && is_bare((unsigned char)*p->s))
				p->s++;
			len = (size_t)(p->s - data);
		} else {
			return perr(p, p->line, "expected a key, found %s", found(p));
		}
		if (kp->n == kp->cap) {
			size_t cap = kp->cap ? kp->cap * 2 : 4;
			struct key *k = realloc(kp->k, cap * sizeof(*k));

			if (!k)
				return nomem();
			kp->k = k;
			kp->cap = cap;
		}
		if (!(copy = malloc(len + 1)))
			return nomem();
		memcpy(copy, data, len);
		copy[len] = '\0';
		kp->k[kp->n].s = copy;
		kp->k[kp->n].len = len;
		kp->n++;
		skip_ws(p);
		if (peek(p, 0) != '.')
			return 0;
		p->s++;
		skip_ws(p);
	}
}

/* ---- numbers and date/times ---- */

/* Digits of `base` with single underscores between them, from t[*i].
 * Returns how many digits; *i stops at the first byte that does not fit. */
static int scan_digits(const char *t, size_t n, size_t *i, int base)
{
	size_t j = *i;
	int nd = 0, d;

	for (;;) {
		if (j >= n || (d = hex_val((unsigned char)t[j])) < 0 || d >= base)
			break;
		j++;
		nd++;
		if (j + 1 < n && t[j] == '_' && (d = hex_val((unsigned char)t[j + 1])) >= 0 &&
		    d < base)
			j++;
	}
	*i = j;
	return nd;
}

static int parse_number(struct parser *p, dg_toml **out, int depth)
{
	const char *t = p->s, *e = p->s;
	int line = p->line, neg = 0, is_float = 0, base = 10, err;
	size_t n, i = 0, start, k;
	uint64_t u = 0, lim;
	dg_toml *v;
	char *end;
	double f;

	while (e < p->end && (is_bare((unsigned char)*e) || *e == '.' || *e == '+'))
		e++;
	n = (size_t)(e - t);
	p->s = e;
	if (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-';
		i = 1;
	}
	if (n - i == 3 && (memcmp(t + i, "inf", 3) == 0 || memcmp(t + i, "nan", 3) == 0)) {
		f = t[i] == 'i' ? INFINITY : NAN;
		if (!(v = node_new(DG_TOML_FLOAT, line, depth, 0)))
			return nomem();
		v->u.f = neg ? -f : f;
		*out = v;
		return 0;
	}
	if (n - i >= 2 && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'o' || t[i + 1] == 'b')) {
		if (i)
			return perr(p, line, "'%.*s': hexadecimal, octal and binary integers cannot have a sign",
				    (int)(n > 40 ? 40 : n), t);
		base = t[1] == 'x' ? 16 : t[1] == 'o' ? 8 : 2;
		i = 2;
	}
	start = i;
	if (scan_digits(t, n, &i, base) == 0)
		goto bad;
	if (base == 10 && t[start] == '0' && i - start > 1)
		return perr(p, line, "'%.*s': leading zeros are not allowed", (int)(n > 40 ? 40 : n), t);
	if (base == 10 && i < n && t[i] == '.') {
		i++;
		if (scan_digits(t, n, &i, 10) == 0)
			goto bad;
		is_float = 1;
	}
	if (base == 10 && i < n && (t[i] == 'e' || t[i] == 'E')) {
		i++;
		if (i < n && (t[i] == '+' || t[i] == '-'))
			i++;
		if (scan_digits(t, n, &i, 10) == 0)
			goto bad;
		is_float = 1;
	}
	if (i != n)
		goto bad;
	if (is_float) {
		dg_buf_clear(&p->tmp);
		for (k = 0; k < n; k++)
			if (t[k] != '_' && (err = dg_buf_putc(&p->tmp, t[k])) < 0)
				return err;
		errno = 0;
		f = strtod(p->tmp.ptr, &end);
		if (*end)
			goto bad;
		if (errno == ERANGE && isinf(f))
			return perr(p, line, "'%.*s': float out of range", (int)(n > 40 ? 40 : n), t);
		if (!(v = node_new(DG_TOML_FLOAT, line, depth, 0)))
			return nomem();
		v->u.f = f;
		*out = v;
		return 0;
	}
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (k = start; k < n; k++) {
		uint64_t d;

		if (t[k] == '_')
			continue;
		d = (uint64_t)hex_val((unsigned char)t[k]);
		if (u > (lim - d) / (uint64_t)base)
			return perr(p, line, "'%.*s': integer does not fit in 64 bits",
				    (int)(n > 40 ? 40 : n), t);
		u = u * (uint64_t)base + d;
	}
	if (!(v = node_new(DG_TOML_INTEGER, line, depth, 0)))
		return nomem();
	if (!neg)
		v->u.i = (int64_t)u;
	else if (u == (uint64_t)INT64_MAX + 1)
		v->u.i = INT64_MIN;
	else
		v->u.i = -(int64_t)u;
	*out = v;
	return 0;
bad:
	return perr(p, line, "invalid number '%.*s'", (int)(n > 40 ? 40 : n), t);
}

/* n decimal digits at s (bounded by e) into *val. */
static int take_digits(const char *s, const char *e, int n, int *val)
{
	int i, v = 0;

	if (e - s < n)
		return -1;
	for (i = 0; i < n; i++) {
		if (!IS_DIGIT(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*val = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static int at_char(const char *s, const char *e, char c)
{
	return s < e && *s == c;
}

/* Offset date-time, local date-time, local date or local time. */
static int parse_datetime(struct parser *p, dg_toml **out, int depth)
{
	const char *s = p->s, *e = p->end, *frac = NULL;
	int line = p->line, y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, oh, om, err;
	int has_date = 0, has_time = 0;
	size_t nfrac = 0;
	char off[8] = "";
	dg_toml_type type;

	if (take_digits(s, e, 4, &y) == 0 && at_char(s + 4, e, '-')) {
		if (take_digits(s + 5, e, 2, &mo) || !at_char(s + 7, e, '-') ||
		    take_digits(s + 8, e, 2, &d))
			return perr(p, line, "invalid date: expected YYYY-MM-DD");
		if (mo < 1 || mo > 12)
			return perr(p, line, "invalid date: month %02d is not 01-12", mo);
		if (d < 1 || d > days_in_month(y, mo))
			return perr(p, line, "invalid date: %04d-%02d has no day %02d", y, mo, d);
		has_date = 1;
		s += 10;
		if (s < e && (*s == 'T' || *s == 't' || (*s == ' ' && s + 1 < e && IS_DIGIT(s[1]))))
			s++;
		else
			goto finish;
	}
	if (take_digits(s, e, 2, &h) || !at_char(s + 2, e, ':') || take_digits(s + 3, e, 2, &mi) ||
	    !at_char(s + 5, e, ':') || take_digits(s + 6, e, 2, &sec))
		return perr(p, line, "invalid time: expected HH:MM:SS");
	if (h > 23 || mi > 59 || sec > 60)
		return perr(p, line, "invalid time: %02d:%02d:%02d is out of range", h, mi, sec);
	has_time = 1;
	s += 8;
	if (at_char(s, e, '.')) {
		frac = ++s;
		while (s < e && IS_DIGIT(*s))
			s++;
		nfrac = (size_t)(s - frac);
		if (!nfrac)
			return perr(p, line, "invalid time: digits must follow the decimal point");
	}
	if (has_date && s < e && (*s == 'Z' || *s == 'z')) {
		strcpy(off, "Z");
		s++;
	} else if (has_date && s < e && (*s == '+' || *s == '-')) {
		if (take_digits(s + 1, e, 2, &oh) || !at_char(s + 3, e, ':') ||
		    take_digits(s + 4, e, 2, &om))
			return perr(p, line, "invalid time offset: expected Z, +HH:MM or -HH:MM");
		if (oh > 23 || om > 59)
			return perr(p, line, "invalid time offset: %02d:%02d is out of range", oh, om);
		memcpy(off, s, 6); /* already checked: sign, digits, ':' */
		off[6] = '\0';
		s += 6;
	}
finish:
	if (s < e && (is_bare((unsigned char)*s) || *s == '.' || *s == ':' || *s == '+'))
		return perr(p, line, "invalid date/time: unexpected '%c'", *s);
	p->s = s;
	dg_buf_clear(&p->tmp);
	err = 0;
	if (has_date)
		err = dg_buf_printf(&p->tmp, "%04d-%02d-%02d%s", y, mo, d, has_time ? "T" : "");
	if (!err && has_time)
		err = dg_buf_printf(&p->tmp, "%02d:%02d:%02d%s%.*s%s", h, mi, sec, frac ? "." : "",
				    (int)nfrac, frac ? frac : "", off);
	if (err < 0)
		return err;
	if (!has_time)
		type = DG_TOML_DATE_LOCAL;
	else if (!has_date)
		type = DG_TOML_TIME_LOCAL;
	else
		type = off[0] ? DG_TOML_DATETIME : DG_TOML_DATETIME_LOCAL;
	return node_str(out, type, line, depth, p->tmp.ptr, p->tmp.len);
}

/* ---- values ---- */

static int parse_value(struct parser *p, dg_toml **out, int depth);
static int parse_keyval(struct parser *p, dg_toml *t);

static int parse_array(struct parser *p, dg_toml **out, int depth)
{
	int line = p->line, err;
	dg_toml *a = node_new(DG_TOML_ARRAY, line, depth, F_SEALED), *v;

	if (!a)
		return nomem();
	p->s++;
	for (;;) {
		skip_blank(p);
		if (p->s >= p->end) {
			err = perr(p, line, "unterminated array (opened on line %d)", line);
			goto fail;
		}
		if (*p->s == ']')
			break;
		if ((err = parse_value(p, &v, depth + 1)) < 0 || (err = array_add(a, v)) < 0)
			goto fail;
		skip_blank(p);
		if (peek(p, 0) == ',') {
			p->s++;
			continue;
		}
		if (peek(p, 0) == ']')
			break;
		err = perr(p, p->line, "expected ',' or ']' in array, found %s", found(p));
		goto fail;
	}
	p->s++;
	*out = a;
	return 0;
fail:
	dg_toml_free(a);
	return err;
}

static int parse_inline(struct parser *p, dg_toml **out, int depth)
{
	int line = p->line, err;
	dg_toml *t = node_new(DG_TOML_TABLE, line, depth, 0);

	if (!t)
		return nomem();
	p->s++;
	skip_ws(p);
	if (peek(p, 0) != '}') {
		for (;;) {
			if ((err = parse_keyval(p, t)) < 0)
				goto fail;
			skip_ws(p);
			if (peek(p, 0) == '}')
				break;
			if (peek(p, 0) != ',') {
				err = perr(p, p->line, "expected ',' or '}' in inline table, found %s%s",
					   found(p), p->s < p->end && (*p->s == '\n' || *p->s == '\r') ?
					   " (inline tables must stay on one line)" : "");
				goto fail;
			}
			p->s++;
			skip_ws(p);
			if (peek(p, 0) == '}') {
				err = perr(p, p->line, "trailing comma in inline table");
				goto fail;
			}
		}
	}
	p->s++;
	t->flags |= F_SEALED;
	*out = t;
	return 0;
fail:
	dg_toml_free(t);
	return err;
}

static int match_word(struct parser *p, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n) != 0)
		return 0;
	p->s += n;
	return 1;
}

static int parse_value(struct parser *p, dg_toml **out, int depth)
{
	int c = peek(p, 0), line = p->line, err;
	dg_toml *v;

	*out = NULL;
	if (depth > TOML_MAX_DEPTH)
		return perr(p, line, "values nested more than %d levels deep", TOML_MAX_DEPTH);
	switch (c) {
	case '"':
	case '\'':
		if ((err = parse_str(p, 1)) < 0)
			return err;
		return node_str(out, DG_TOML_STRING, line, depth, dg_buf_cstr(&p->tmp), p->tmp.len);
	case '[':
		return parse_array(p, out, depth);
	case '{':
		return parse_inline(p, out, depth);
	case 't':
	case 'f':
		if (!match_word(p, c == 't' ? "true" : "false"))
			break;
		if (!(v = node_new(DG_TOML_BOOL, line, depth, 0)))
			return nomem();
		v->u.b = c == 't';
		*out = v;
		return 0;
	default:
		if (c < 0 || !(IS_DIGIT(c) || c == '+' || c == '-' || c == 'i' || c == 'n'))
			break;
		if (IS_DIGIT(c) && IS_DIGIT(peek(p, 1)) &&
		    (peek(p, 2) == ':' || (IS_DIGIT(peek(p, 2)) && IS_DIGIT(peek(p, 3)) && peek(p, 4) == '-')))
			return parse_datetime(p, out, depth);
		return parse_number(p, out, depth);
	}
	return perr(p, line, "expected a value, found %s", found(p));
}

static int check_depth(struct parser *p, int line, const struct keypath *kp, int depth)
{
	if (depth <= TOML_MAX_DEPTH)
		return 0;
	return perr(p, line, "'%s' nests tables and arrays more than %d levels deep",
		    keyname(p, kp, kp->n), TOML_MAX_DEPTH);
}

/* key = value into table t (the current table, or an inline table being
 * built). Dotted keys create tables, or extend ones that dotted keys
 * created; they never reach into tables that a header defined, into inline
 * tables or through arrays. */
static int parse_keyval(struct parser *p, dg_toml *t)
{
	struct keypath kp = { NULL, 0, 0 };
	int line = p->line, err;
	dg_toml *sub, *v;
	size_t i;

	if ((err = parse_key(p, &kp)) < 0)
		goto done;
	if (peek(p, 0) != '=') {
		err = perr(p, p->line, "expected '=' after key '%s', found %s",
			   keyname(p, &kp, kp.n), found(p));
		goto done;
	}
	p->s++;
	skip_ws(p);
	for (i = 0; i + 1 < kp.n; i++) {
		sub = table_find(t, kp.k[i].s, kp.k[i].len);
		if (!sub) {
			if ((err = check_depth(p, line, &kp, t->depth + 1)) < 0)
				goto done;
			if (!(sub = node_new(DG_TOML_TABLE, line, t->depth + 1, F_DOTTED))) {
				err = nomem();
				goto done;
			}
			if ((err = table_add(t, kp.k[i].s, kp.k[i].len, sub)) < 0)
				goto done;
		} else if (sub->type == DG_TOML_TABLE && sub->flags == F_IMPLICIT) {
			/* Only a parent in some header path so far: dotted keys
			 * define it here, as tomli and BurntSushi/toml read the
			 * spec; a [header] can no longer define it. */
			sub->flags = F_DOTTED;
		} else if (sub->type != DG_TOML_TABLE || (sub->flags & F_SEALED) ||
			   !(sub->flags & F_DOTTED)) {
			err = perr(p, line, "key '%s': cannot add to '%s', which is %s (line %d)",
				   keyname(p, &kp, kp.n), kp.k[i].s, describe(sub), sub->line);
			goto done;
		}
		t = sub;
	}
	if ((sub = table_find(t, kp.k[i].s, kp.k[i].len))) {
		err = perr(p, line, "duplicate key '%s' (already %s from line %d)",
			   keyname(p, &kp, kp.n), describe(sub), sub->line);
		goto done;
	}
	if ((err = parse_value(p, &v, t->depth + 1)) < 0)
		goto done;
	err = table_add(t, kp.k[i].s, kp.k[i].len, v);
done:
	keypath_free(&kp);
	return err;
}

/* [a.b.c] or [[a.b.c]]: make p->cur the table it names. */
static int parse_header(struct parser *p)
{
	struct keypath kp = { NULL, 0, 0 };
	int line = p->line, aot = 0, err;
	dg_toml *t = p->root, *v, *elem;
	size_t i;

	p->s++;
	if (peek(p, 0) == '[') {
		aot = 1;
		p->s++;
	}
	skip_ws(p);
	if ((err = parse_key(p, &kp)) < 0)
		goto done;
	if (peek(p, 0) != ']' || (aot && peek(p, 1) != ']')) {
		err = perr(p, line, "expected '%s' to close the table header, found %s",
			   aot ? "]]" : "]", found(p));
		goto done;
	}
	p->s += aot ? 2 : 1;
	for (i = 0; i + 1 < kp.n; i++) {
		v = table_find(t, kp.k[i].s, kp.k[i].len);
		if (!v) {
			if ((err = check_depth(p, line, &kp, t->depth + 1)) < 0)
				goto done;
			if (!(v = node_new(DG_TOML_TABLE, line, t->depth + 1, F_IMPLICIT))) {
				err = nomem();
				goto done;
			}
			if ((err = table_add(t, kp.k[i].s, kp.k[i].len, v)) < 0)
				goto done;
		} else if (v->type == DG_TOML_ARRAY && (v->flags & F_AOT)) {
			v = v->u.arr.v[v->u.arr.n - 1];
		} else if (v->type != DG_TOML_TABLE || (v->flags & F_SEALED)) {
			err = perr(p, line, "table [%s]: '%s' is %s (line %d)",
				   keyname(p, &kp, kp.n), kp.k[i].s, describe(v), v->line);
			goto done;
		}
		t = v;
	}
	v = table_find(t, kp.k[i].s, kp.k[i].len);
	if (aot) {
		if (!v) {
			if ((err = check_depth(p, line, &kp, t->depth + 2)) < 0)
				goto done;
			if (!(v = node_new(DG_TOML_ARRAY, line, t->depth + 1, F_AOT))) {
				err = nomem();
				goto done;
			}
			if ((err = table_add(t, kp.k[i].s, kp.k[i].len, v)) < 0)
				goto done;
		} else if (v->type != DG_TOML_ARRAY || !(v->flags & F_AOT)) {
			err = perr(p, line, "[[%s]]: cannot append, it is already %s (line %d)",
				   keyname(p, &kp, kp.n), describe(v), v->line);
			goto done;
		}
		if (!(elem = node_new(DG_TOML_TABLE, line, v->depth + 1, F_DEFINED))) {
			err = nomem();
			goto done;
		}
		if ((err = array_add(v, elem)) < 0)
			goto done;
		p->cur = elem;
	} else {
		if (!v) {
			if ((err = check_depth(p, line, &kp, t->depth + 1)) < 0)
				goto done;
			if (!(v = node_new(DG_TOML_TABLE, line, t->depth + 1, F_DEFINED))) {
				err = nomem();
				goto done;
			}
			if ((err = table_add(t, kp.k[i].s, kp.k[i].len, v)) < 0)
				goto done;
		} else if (v->type == DG_TOML_TABLE && v->flags == F_IMPLICIT) {
			v->flags |= F_DEFINED;
			v->line = line;
		} else {
			err = perr(p, line, "table [%s] is already defined (%s on line %d)",
				   keyname(p, &kp, kp.n), describe(v), v->line);
			goto done;
		}
		p->cur = v;
	}
done:
	keypath_free(&kp);
	return err;
}

static int parse_doc(struct parser *p)
{
	int err, c;

	if (p->end - p->s >= 3 && memcmp(p->s, "\xef\xbb\xbf", 3) == 0)
		p->s += 3;
	while (p->s < p->end) {
		skip_ws(p);
		c = peek(p, 0);
		err = 0;
		if (c == '[')
			err = parse_header(p);
		else if (c >= 0 && c != '#' && c != '\n' && c != '\r')
			err = parse_keyval(p, p->cur);
		if (err < 0)
			return err;
		if ((err = expect_eol(p, c == '[' ? "the table header" : "the value")) < 0)
			return err;
	}
	return 0;
}

int dg_toml_parse(const char *src, size_t len, const char *filename, dg_toml **out)
{
	struct parser p;
	int err;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.s = src ? src : "";
	p.end = p.s + (src ? len : 0);
	p.file = filename ? filename : "<string>";
	p.line = 1;
	dg_buf_init(&p.tmp, 0);
	if (!(p.root = node_new(DG_TOML_TABLE, 1, 0, F_DEFINED)))
		return nomem();
	p.cur = p.root;
	err = check_text(&p, (const unsigned char *)p.s, (const unsigned char *)p.end);
	if (err == 0)
		err = parse_doc(&p);
	dg_buf_free(&p.tmp);
	dg_buf_free(&p.what);
	dg_buf_free(&p.fbuf);
	if (err < 0) {
		dg_toml_free(p.root);
		return err;
	}
	*out = p.root;
	return 0;
}

int dg_toml_parse_file(const char *path, dg_toml **out)
{
	char *text = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	/* A file that cannot be read is a configuration error (exit code 2). */
	if ((err = dg_output_read_file(path, 0, &text, &len)) < 0)
		return err == DG_ERR_NOMEM ? err : DG_ERR_CONFIG;
	err = dg_toml_parse(text, len, path, out);
	free(text);
	return err;
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
	return table_find(t, key, strlen(key));
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
