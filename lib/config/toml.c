/* toml.c - TOML 1.0.0 parser (see toml.h): keys, arrays, inline tables,
 * [headers] and the document, on the lexer of tomllex.c and the tree of
 * tomltree.c.
 *
 * The whole text is first checked for valid UTF-8 and for control
 * characters (TOML allows only TAB, LF and CRLF anywhere, in strings and
 * comments alike), so the recursive-descent parser after it can take every
 * byte it meets as allowed. Tables carry flags saying how they came to be,
 * which is what TOML's rules against redefinition are about. */
#include "config/toml.h"
#include "config/tomlint.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/output.h"
#include "base/text.h"

#include <stdlib.h>
#include <string.h>

/* Key names in messages are cut to these many columns (a part, the whole). */
#define KEYNAME_PART_MAX 64
#define KEYNAME_MAX 160

/* "a.b.c" for the first `upto` parts of a key; long parts and long names
 * are cut with "…" so that messages stay readable. */
static const char *keyname(struct parser *p, const struct keypath *kp, size_t upto)
{
	dg_buf part = DG_BUF_INIT;

	/* Uncapped buffers: nothing here can fail. */
	dg_buf_clear(&p->what);
	for (size_t i = 0; i < upto; i++) {
		dg_buf_clear(&part);
		dg_buf_put(&part, kp->k[i].s, kp->k[i].len);
		dg_text_cut(&part, KEYNAME_PART_MAX, DG_TEXT_WIDTH, 0);
		if (i)
			dg_buf_putc(&p->what, '.');
		dg_buf_puts(&p->what, dg_buf_cstr(&part));
	}
	dg_text_cut(&p->what, KEYNAME_MAX, DG_TEXT_WIDTH, 0);
	dg_buf_free(&part);
	return dg_buf_cstr(&p->what);
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
		int c = dg_toml_peek(p, 0), err;

		if (kp->n >= TOML_MAX_DEPTH)
			return dg_toml_perr(p, p->line, "key has more than %d parts", TOML_MAX_DEPTH);
		if (c == '"' || c == '\'') {
			if ((err = dg_toml_parse_str(p, 0)) < 0)
				return err;
			data = dg_buf_cstr(&p->tmp);
			len = p->tmp.len;
		} else if (dg_toml_is_bare(c)) {
			data = p->s;
			while (p->s < p->end && dg_toml_is_bare((unsigned char)*p->s))
				p->s++;
			len = (size_t)(p->s - data);
		} else {
			return dg_toml_perr(p, p->line, "expected a key, found %s", dg_toml_found(p));
		}
		if (kp->n == kp->cap) {
			kp->cap = kp->cap ? kp->cap * 2 : 4;
			kp->k = dg_realloc(kp->k, kp->cap * sizeof(*kp->k));
		}
		kp->k[kp->n].s = dg_malloc(len + 1);
		memcpy(kp->k[kp->n].s, data, len);
		kp->k[kp->n].s[len] = '\0';
		kp->k[kp->n].len = len;
		kp->n++;
		dg_toml_skip_ws(p);
		if (dg_toml_peek(p, 0) != '.')
			return 0;
		p->s++;
		dg_toml_skip_ws(p);
	}
}

/* ---- values ---- */

static int parse_value(struct parser *p, dg_toml **out, int depth);
static int parse_keyval(struct parser *p, dg_toml *t);

static int parse_array(struct parser *p, dg_toml **out, int depth)
{
	int line = p->line, err;
	dg_toml *a = dg_toml_node_new(DG_TOML_ARRAY, line, depth, F_SEALED), *v;

	p->s++;
	for (;;) {
		dg_toml_skip_blank(p);
		if (p->s >= p->end) {
			err = dg_toml_perr(p, line, "unterminated array (opened on line %d)", line);
			goto fail;
		}
		if (*p->s == ']')
			break;
		if ((err = parse_value(p, &v, depth + 1)) < 0)
			goto fail;
		dg_toml_array_add(a, v);
		dg_toml_skip_blank(p);
		if (dg_toml_peek(p, 0) == ',') {
			p->s++;
			continue;
		}
		if (dg_toml_peek(p, 0) == ']')
			break;
		err = dg_toml_perr(p, p->line, "expected ',' or ']' in array, found %s", dg_toml_found(p));
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
	dg_toml *t = dg_toml_node_new(DG_TOML_TABLE, line, depth, 0);

	p->s++;
	dg_toml_skip_ws(p);
	if (dg_toml_peek(p, 0) != '}') {
		for (;;) {
			if ((err = parse_keyval(p, t)) < 0)
				goto fail;
			dg_toml_skip_ws(p);
			if (dg_toml_peek(p, 0) == '}')
				break;
			if (dg_toml_peek(p, 0) != ',') {
				err = dg_toml_perr(p, p->line, "expected ',' or '}' in inline table, found %s%s",
					   dg_toml_found(p), p->s < p->end && (*p->s == '\n' || *p->s == '\r') ?
					   " (inline tables must stay on one line)" : "");
				goto fail;
			}
			p->s++;
			dg_toml_skip_ws(p);
			if (dg_toml_peek(p, 0) == '}') {
				err = dg_toml_perr(p, p->line, "trailing comma in inline table");
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
	int c = dg_toml_peek(p, 0), line = p->line, err;
	dg_toml *v;

	*out = NULL;
	if (depth > TOML_MAX_DEPTH)
		return dg_toml_perr(p, line, "values nested more than %d levels deep", TOML_MAX_DEPTH);
	switch (c) {
	case '"':
	case '\'':
		if ((err = dg_toml_parse_str(p, 1)) < 0)
			return err;
		*out = dg_toml_node_str(DG_TOML_STRING, line, depth, dg_buf_cstr(&p->tmp), p->tmp.len);
		return 0;
	case '[':
		return parse_array(p, out, depth);
	case '{':
		return parse_inline(p, out, depth);
	case 't':
	case 'f':
		if (!match_word(p, c == 't' ? "true" : "false"))
			break;
		v = dg_toml_node_new(DG_TOML_BOOL, line, depth, 0);
		v->u.b = c == 't';
		*out = v;
		return 0;
	default:
		if (c < 0 || !(IS_DIGIT(c) || c == '+' || c == '-' || c == 'i' || c == 'n'))
			break;
		if (IS_DIGIT(c) && IS_DIGIT(dg_toml_peek(p, 1)) &&
		    (dg_toml_peek(p, 2) == ':' || (IS_DIGIT(dg_toml_peek(p, 2)) && IS_DIGIT(dg_toml_peek(p, 3)) && dg_toml_peek(p, 4) == '-')))
			return dg_toml_parse_datetime(p, out, depth);
		return dg_toml_parse_number(p, out, depth);
	}
	return dg_toml_perr(p, line, "expected a value, found %s", dg_toml_found(p));
}

static int check_depth(struct parser *p, int line, const struct keypath *kp, int depth)
{
	if (depth <= TOML_MAX_DEPTH)
		return 0;
	return dg_toml_perr(p, line, "'%s' nests tables and arrays more than %d levels deep",
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
	if (dg_toml_peek(p, 0) != '=') {
		err = dg_toml_perr(p, p->line, "expected '=' after key '%s', found %s",
			   keyname(p, &kp, kp.n), dg_toml_found(p));
		goto done;
	}
	p->s++;
	dg_toml_skip_ws(p);
	for (i = 0; i + 1 < kp.n; i++) {
		sub = dg_toml_table_find(t, kp.k[i].s, kp.k[i].len);
		if (!sub) {
			if ((err = check_depth(p, line, &kp, t->depth + 1)) < 0)
				goto done;
			sub = dg_toml_node_new(DG_TOML_TABLE, line, t->depth + 1, F_DOTTED);
			dg_toml_table_add(t, kp.k[i].s, kp.k[i].len, sub);
		} else if (sub->type == DG_TOML_TABLE && sub->flags == F_IMPLICIT) {
			/* Only a parent in some header path so far: dotted keys
			 * define it here, as tomli and BurntSushi/toml read the
			 * spec; a [header] can no longer define it. */
			sub->flags = F_DOTTED;
		} else if (sub->type != DG_TOML_TABLE || (sub->flags & F_SEALED) ||
			   !(sub->flags & F_DOTTED)) {
			err = dg_toml_perr(p, line, "key '%s': cannot add to '%s', which is %s (line %d)",
				   keyname(p, &kp, kp.n), kp.k[i].s, describe(sub), sub->line);
			goto done;
		}
		t = sub;
	}
	if ((sub = dg_toml_table_find(t, kp.k[i].s, kp.k[i].len))) {
		err = dg_toml_perr(p, line, "duplicate key '%s' (already %s from line %d)",
			   keyname(p, &kp, kp.n), describe(sub), sub->line);
		goto done;
	}
	if ((err = parse_value(p, &v, t->depth + 1)) == 0)
		dg_toml_table_add(t, kp.k[i].s, kp.k[i].len, v);
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
	if (dg_toml_peek(p, 0) == '[') {
		aot = 1;
		p->s++;
	}
	dg_toml_skip_ws(p);
	if ((err = parse_key(p, &kp)) < 0)
		goto done;
	if (dg_toml_peek(p, 0) != ']' || (aot && dg_toml_peek(p, 1) != ']')) {
		err = dg_toml_perr(p, line, "expected '%s' to close the table header, found %s",
			   aot ? "]]" : "]", dg_toml_found(p));
		goto done;
	}
	p->s += aot ? 2 : 1;
	for (i = 0; i + 1 < kp.n; i++) {
		v = dg_toml_table_find(t, kp.k[i].s, kp.k[i].len);
		if (!v) {
			if ((err = check_depth(p, line, &kp, t->depth + 1)) < 0)
				goto done;
			v = dg_toml_node_new(DG_TOML_TABLE, line, t->depth + 1, F_IMPLICIT);
			dg_toml_table_add(t, kp.k[i].s, kp.k[i].len, v);
		} else if (v->type == DG_TOML_ARRAY && (v->flags & F_AOT)) {
			v = v->u.arr.v[v->u.arr.n - 1];
		} else if (v->type != DG_TOML_TABLE || (v->flags & F_SEALED)) {
			err = dg_toml_perr(p, line, "table [%s]: '%s' is %s (line %d)",
				   keyname(p, &kp, kp.n), kp.k[i].s, describe(v), v->line);
			goto done;
		}
		t = v;
	}
	v = dg_toml_table_find(t, kp.k[i].s, kp.k[i].len);
	if (aot) {
		if (!v) {
			if ((err = check_depth(p, line, &kp, t->depth + 2)) < 0)
				goto done;
			v = dg_toml_node_new(DG_TOML_ARRAY, line, t->depth + 1, F_AOT);
			dg_toml_table_add(t, kp.k[i].s, kp.k[i].len, v);
		} else if (v->type != DG_TOML_ARRAY || !(v->flags & F_AOT)) {
			err = dg_toml_perr(p, line, "[[%s]]: cannot append, it is already %s (line %d)",
				   keyname(p, &kp, kp.n), describe(v), v->line);
			goto done;
		}
		elem = dg_toml_node_new(DG_TOML_TABLE, line, v->depth + 1, F_DEFINED);
		dg_toml_array_add(v, elem);
		p->cur = elem;
	} else {
		if (!v) {
			if ((err = check_depth(p, line, &kp, t->depth + 1)) < 0)
				goto done;
			v = dg_toml_node_new(DG_TOML_TABLE, line, t->depth + 1, F_DEFINED);
			dg_toml_table_add(t, kp.k[i].s, kp.k[i].len, v);
		} else if (v->type == DG_TOML_TABLE && v->flags == F_IMPLICIT) {
			v->flags |= F_DEFINED;
			v->line = line;
		} else {
			err = dg_toml_perr(p, line, "table [%s] is already defined (%s on line %d)",
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
		dg_toml_skip_ws(p);
		c = dg_toml_peek(p, 0);
		err = 0;
		if (c == '[')
			err = parse_header(p);
		else if (c >= 0 && c != '#' && c != '\n' && c != '\r')
			err = parse_keyval(p, p->cur);
		if (err < 0)
			return err;
		if ((err = dg_toml_expect_eol(p, c == '[' ? "the table header" : "the value")) < 0)
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
	p.root = dg_toml_node_new(DG_TOML_TABLE, 1, 0, F_DEFINED);
	p.cur = p.root;
	err = dg_toml_check_text(&p, (const unsigned char *)p.s, (const unsigned char *)p.end);
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
		return DG_ERR_CONFIG;
	err = dg_toml_parse(text, len, path, out);
	free(text);
	return err;
}
