/* mustache.c - Mustache templates over jansson values (see mustache.h).
 *
 * A template is parsed once into a flat node array in which every container
 * (section, inverted section, parent, block) records the index past its last
 * descendant, so a section over an array renders its body range once per
 * element without scanning the source again. The spec's standalone-line rules
 * are applied while parsing; the indentation of partials and blocks is added
 * while rendering, at the start of each output line that comes from template
 * text (never inside interpolated values). Partials are loaded and parsed once
 * per render call and cached by name. */
#include "base/mustache.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/str.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NEST  32  /* containers open inside each other in one template */
#define MAX_DEPTH 64  /* partials, parents and block overrides inside each other */

enum kind { K_TEXT, K_VAR, K_RAW, K_SECTION, K_INVERTED, K_PARTIAL, K_PARENT, K_BLOCK };

typedef struct node {
	unsigned char kind;
	unsigned char standalone;  /* the expansion begins on a line of its own */
	unsigned char dynamic;     /* {{>*name}}: the name is looked up in the context */
	unsigned char line_start;  /* K_TEXT: the first byte begins a source line */
	const char *s;             /* text bytes or tag name, borrowed from the source */
	size_t len;
	const char *ind;           /* indentation the expansion adds to its lines; for
				    * K_TEXT the prefix a block drops from each line */
	size_t ind_len;
	size_t pos;                /* source offset of the tag, for error lines */
	size_t end;                /* index past the last descendant */
} node;

typedef struct tmpl {
	const char *name;
	const char *src;
	size_t len;
	node *nodes;
	size_t n, cap;
} tmpl;

/* A container being parsed. */
typedef struct open_tag {
	size_t idx;
	const char *strip;   /* prefix dropped from each line inside (a block's own indentation) */
	size_t strip_len;
	int clear_start;     /* K_PARENT: only whitespace precedes the open tag on its line */
	size_t ws_len;       /* K_PARENT: that whitespace */
	size_t pre_text;     /* K_PARENT: text node ending with that whitespace, or SIZE_MAX */
	const char *ind;     /* K_PARENT: indentation if the pair turns out standalone */
	size_t ind_len;
} open_tag;

typedef struct partial_entry {
	struct partial_entry *next;
	char *name;
	size_t name_len;
	char *text;
	int missing;
	tmpl t;
} partial_entry;

typedef struct span {
	const char *s;
	size_t len;
} span;

/* A parent tag whose argument blocks override the blocks of what it includes. */
typedef struct frame {
	const tmpl *t;
	size_t idx;
} frame;

typedef struct render {
	const dg_mustache_opts *opts;
	dg_mustache_escape_fn escape;
	dg_buf *out;
	json_t **ctx;
	size_t nctx, capctx;
	span *ind;
	size_t nind, capind;
	frame *ovr;
	size_t novr, capovr;
	partial_entry *partials;
	int pending;  /* the output is at a line start: indentation is due */
	int depth;
} render;

/* Room for element n of an array of `size`-byte elements: the array, moved
 * if it had to grow. */
static void *grow(void *arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 16;
	if (*cap > SIZE_MAX / size)
		dg_oom(SIZE_MAX);
	return dg_realloc(arr, *cap * size);
}

static size_t line_of(const tmpl *t, size_t pos)
{
	size_t line = 1, i;

	for (i = 0; i < pos && i < t->len; i++)
		if (t->src[i] == '\n')
			line++;
	return line;
}

/* First occurrence of pat (plen > 0) in s[from, len), or SIZE_MAX. */
static size_t find(const char *s, size_t len, size_t from, const char *pat, size_t plen)
{
	const char *q = from < len ? dg_str_find(s + from, len - from, pat, plen) : NULL;

	return q ? (size_t)(q - s) : SIZE_MAX;
}

static void trim(const char **s, size_t *len)
{
	*len = dg_str_trim(s, *len);
}

/* ws with the part it shares with strip removed: indentation relative to a block. */
static void relative(const char *ws, size_t n, const char *strip, size_t sn,
		     const char **out, size_t *out_len)
{
	size_t k = 0;

	while (k < n && k < sn && ws[k] == strip[k])
		k++;
	*out = ws + k;
	*out_len = n - k;
}

/* A new node: its index. */
static size_t add_node(tmpl *t, int kind, const char *s, size_t len, size_t pos)
{
	node *nd;

	t->nodes = grow(t->nodes, &t->cap, t->n, sizeof(node));
	nd = &t->nodes[t->n];
	memset(nd, 0, sizeof(*nd));
	nd->kind = (unsigned char)kind;
	nd->s = s;
	nd->len = len;
	nd->pos = pos;
	nd->end = t->n + 1;
	return t->n++;
}

/* The text node of src[from, to): its index, SIZE_MAX when empty. */
static size_t add_text(tmpl *t, size_t from, size_t to, const open_tag *top)
{
	node *nd;
	size_t idx;

	if (from >= to)
		return SIZE_MAX;
	idx = add_node(t, K_TEXT, t->src + from, to - from, from);
	nd = &t->nodes[idx];
	nd->line_start = from == 0 || t->src[from - 1] == '\n';
	if (top) {
		nd->ind = top->strip;
		nd->ind_len = top->strip_len;
	}
	return idx;
}

/* {{=<% %>=}}: inner is "<% %>"; both delimiters are slices of the source. */
static int set_delims(const tmpl *t, size_t pos, const char *inner, size_t len,
		      const char **od, size_t *olen, const char **cd, size_t *clen)
{
	size_t a = 0, b, i;

	trim(&inner, &len);
	while (a < len && !dg_str_is_space((unsigned char)inner[a]))
		a++;
	for (b = a; b < len && dg_str_is_space((unsigned char)inner[b]); b++)
		;
	for (i = b; i < len && !dg_str_is_space((unsigned char)inner[i]); i++)
		;
	if (a == 0 || b == len || i < len || memchr(inner, '=', len))
		return dg_err_set(DG_ERR_FAIL, "%s:%zu: bad set-delimiter tag: expected "
				  "{{=OPEN CLOSE=}} with two delimiters without spaces or '='",
				  t->name, line_of(t, pos));
	*od = inner;
	*olen = a;
	*cd = inner + b;
	*clen = len - b;
	return 0;
}

static int check_name(const tmpl *t, size_t pos, const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return dg_err_set(DG_ERR_FAIL, "%s:%zu: empty tag: expected a name",
				  t->name, line_of(t, pos));
	for (i = 0; i < len; i++)
		if (dg_str_is_space((unsigned char)s[i]))
			return dg_err_set(DG_ERR_FAIL, "%s:%zu: tag '%.*s': expected a name "
					  "without spaces", t->name, line_of(t, pos), (int)len, s);
	return 0;
}

/* Parse t->src into t->nodes, applying the standalone-line rules. */
static int parse(tmpl *t)
{
	const char *src = t->src, *od = "{{", *cd = "}}";
	size_t len = t->len, olen = 2, clen = 2, pos = 0, text_start = 0, depth = 0, text_end;
	open_tag stack[MAX_NEST];
	int err = 0;

	for (;;) {
		size_t tag = find(src, len, pos, od, olen), body, q, ws, e, eol, next;
		size_t idx, pre;
		const char *name, *strip = "";
		size_t nlen, strip_len = 0;
		int sigil, kind, clear_start, clear_end, standalone = 0, dynamic = 0, arg;
		open_tag *top = depth ? &stack[depth - 1] : NULL;
		node *nd;

		if (tag == SIZE_MAX)
			break;
		body = tag + olen;
		sigil = body < len ? (unsigned char)src[body] : 0;
		if (sigil == '{') {
			/* Triple mustache: the content ends at "}" + closing delimiter. */
			for (q = body + 1; (q = find(src, len, q, cd, clen)) != SIZE_MAX; q++)
				if (q > body + 1 && src[q - 1] == '}')
					break;
			if (q == SIZE_MAX)
				return dg_err_set(DG_ERR_FAIL, "%s:%zu: unclosed tag: expected '}%.*s'",
						  t->name, line_of(t, tag), (int)clen, cd);
			name = src + body + 1;
			nlen = q - 1 - (body + 1);
			next = q + clen;
		} else {
			if ((q = find(src, len, body, cd, clen)) == SIZE_MAX)
				return dg_err_set(DG_ERR_FAIL, "%s:%zu: unclosed tag: expected '%.*s'",
						  t->name, line_of(t, tag), (int)clen, cd);
			next = q + clen;
			if (sigil && strchr("&#^/><$!=", sigil)) {
				name = src + body + 1;
				nlen = q - body - 1;
			} else {
				sigil = 0;
				name = src + body;
				nlen = q - body;
			}
		}
		e = next;  /* after the tag */

		if (sigil == '=') {
			if (nlen == 0 || name[nlen - 1] != '=')
				return dg_err_set(DG_ERR_FAIL, "%s:%zu: bad set-delimiter tag: "
						  "expected '=' before '%.*s'",
						  t->name, line_of(t, tag), (int)clen, cd);
			nlen--;
		} else if (sigil != '!') {
			trim(&name, &nlen);
			if ((sigil == '>' || sigil == '<' || sigil == '/') && nlen && name[0] == '*') {
				dynamic = 1;
				name++;
				nlen--;
				trim(&name, &nlen);
			}
			if ((err = check_name(t, tag, name, nlen)) < 0)
				return err;
		}

		/* Standalone lines: only whitespace around the tag on its line. */
		for (ws = tag; ws > text_start && (src[ws - 1] == ' ' || src[ws - 1] == '\t'); ws--)
			;
		clear_start = ws == 0 || src[ws - 1] == '\n';
		for (eol = e; eol < len && (src[eol] == ' ' || src[eol] == '\t'); eol++)
			;
		clear_end = 1;
		if (eol + 1 < len && src[eol] == '\r' && src[eol + 1] == '\n')
			eol += 2;
		else if (eol < len && src[eol] == '\n')
			eol++;
		else if (eol < len)
			clear_end = 0;

		arg = top && t->nodes[top->idx].kind == K_PARENT;
		text_end = tag;
		if (sigil == '/' && top && t->nodes[top->idx].kind == K_PARENT) {
			/* A parent is standalone when its open tag starts a line and its
			 * close tag ends one: the text between them is ignored anyway. */
			standalone = top->clear_start && clear_end;
		} else if (sigil == '/' && top && t->nodes[top->idx].kind == K_BLOCK &&
			   depth >= 2 && t->nodes[stack[depth - 2].idx].kind == K_PARENT) {
			/* An argument block's content ends where its close tag's line starts. */
			if (clear_start)
				text_end = ws;
			standalone = clear_start && clear_end;
		} else if (sigil == '$' && arg) {
			/* An argument block's content starts on the next line when the
			 * open tag ends its line, whatever precedes it in the parent. */
			standalone = clear_end;
		} else if (sigil && sigil != '&' && sigil != '{' && sigil != '<' &&
			   clear_start && clear_end) {
			standalone = 1;
			text_end = ws;
		}
		if (standalone)
			next = eol;

		pre = add_text(t, text_start, text_end, top);
		pos = text_start = next;
		if (top) {
			strip = top->strip;
			strip_len = top->strip_len;
		}

		switch (sigil) {
		case '!':
			continue;
		case '=':
			if ((err = set_delims(t, tag, name, nlen, &od, &olen, &cd, &clen)) < 0)
				return err;
			continue;
		case '/':
			if (!top)
				return dg_err_set(DG_ERR_FAIL, "%s:%zu: closing tag '%.*s' without "
						  "an open section", t->name, line_of(t, tag),
						  (int)nlen, name);
			nd = &t->nodes[top->idx];
			if (nd->len != nlen || memcmp(nd->s, name, nlen) != 0 ||
			    nd->dynamic != dynamic)
				return dg_err_set(DG_ERR_FAIL, "%s:%zu: closing tag '%s%.*s' does not "
						  "match '%s%.*s' opened at line %zu",
						  t->name, line_of(t, tag), dynamic ? "*" : "",
						  (int)nlen, name, nd->dynamic ? "*" : "",
						  (int)nd->len, nd->s, line_of(t, nd->pos));
			nd->end = t->n;
			if (nd->kind == K_PARENT && standalone) {
				nd->standalone = 1;
				nd->ind = top->ind;
				nd->ind_len = top->ind_len;
				if (top->pre_text != SIZE_MAX)
					t->nodes[top->pre_text].len -= top->ws_len;
			}
			depth--;
			continue;
		case '{':
		case '&':
			kind = K_RAW;
			break;
		case '#':
			kind = K_SECTION;
			break;
		case '^':
			kind = K_INVERTED;
			break;
		case '>':
			kind = K_PARTIAL;
			break;
		case '<':
			kind = K_PARENT;
			break;
		case '$':
			kind = K_BLOCK;
			break;
		default:
			kind = K_VAR;
			break;
		}

		idx = add_node(t, kind, name, nlen, tag);
		nd = &t->nodes[idx];
		nd->dynamic = (unsigned char)dynamic;
		if (kind == K_PARTIAL && standalone) {
			nd->standalone = 1;
			relative(src + ws, tag - ws, strip, strip_len, &nd->ind, &nd->ind_len);
		}
		if (kind == K_VAR || kind == K_RAW || kind == K_PARTIAL)
			continue;

		if (depth == MAX_NEST)
			return dg_err_set(DG_ERR_FAIL, "%s:%zu: sections nested more than %d deep",
					  t->name, line_of(t, tag), MAX_NEST);
		top = &stack[depth++];
		memset(top, 0, sizeof(*top));
		top->idx = idx;
		top->strip = strip;
		top->strip_len = strip_len;
		top->pre_text = SIZE_MAX;
		if (kind == K_PARENT) {
			top->clear_start = clear_start;
			top->ws_len = tag - ws;
			if (pre != SIZE_MAX && clear_start)
				top->pre_text = pre;
			relative(src + ws, tag - ws, strip, strip_len, &top->ind, &top->ind_len);
		} else if (kind == K_BLOCK) {
			/* The block's own indentation: that of its first content line
			 * when the open tag ends its line, else the whitespace before
			 * the tag. It is dropped from the content's lines here and
			 * added back (as nd->ind) where the block is expanded. */
			if (standalone) {
				for (e = eol; e < len && (src[e] == ' ' || src[e] == '\t'); e++)
					;
				top->strip = src + eol;
				top->strip_len = e - eol;
			} else if (clear_start) {
				top->strip = src + ws;
				top->strip_len = tag - ws;
			} else {
				top->strip = "";
				top->strip_len = 0;
			}
			nd->standalone = (unsigned char)(standalone && !arg);
			relative(top->strip, top->strip_len, strip, strip_len,
				 &nd->ind, &nd->ind_len);
		}
	}
	add_text(t, text_start, len, depth ? &stack[depth - 1] : NULL);
	if (depth) {
		const node *nd = &t->nodes[stack[depth - 1].idx];
		return dg_err_set(DG_ERR_FAIL, "%s:%zu: section '%.*s' is not closed",
				  t->name, line_of(t, nd->pos), (int)nd->len, nd->s);
	}
	return 0;
}

/* ---- rendering ---- */

static int flush_indent(render *r)
{
	size_t i;
	int err;

	r->pending = 0;
	for (i = 0; i < r->nind; i++)
		if ((err = dg_buf_put(r->out, r->ind[i].s, r->ind[i].len)) < 0)
			return err;
	return 0;
}

/* One line of template text (ending in '\n', or the tail of a text node).
 * Blank lines get no indentation: trailing spaces mean a hard break in Markdown. */
static int put_line(render *r, const char *s, size_t n)
{
	int err;

	if (!n)
		return 0;
	if (r->pending && s[0] != '\n' && !(n == 2 && s[0] == '\r' && s[1] == '\n') &&
	    (err = flush_indent(r)) < 0)
		return err;
	if ((err = dg_buf_put(r->out, s, n)) < 0)
		return err;
	if (s[n - 1] == '\n')
		r->pending = 1;
	return 0;
}

static int render_text(render *r, const node *nd)
{
	const char *s = nd->s, *end = s + nd->len, *nl, *stop;
	int at_start = nd->line_start, err;
	size_t k;

	while (s < end) {
		if (at_start) {
			for (k = 0; k < nd->ind_len && s + k < end && s[k] == nd->ind[k]; k++)
				;
			s += k;
		}
		nl = memchr(s, '\n', (size_t)(end - s));
		stop = nl ? nl + 1 : end;
		if ((err = put_line(r, s, (size_t)(stop - s))) < 0)
			return err;
		s = stop;
		at_start = 1;
	}
	return 0;
}

/* Shortest text that reads back as the same double; reals keep a ".0". */
static void format_real(char *buf, size_t size, double d)
{
	int prec;
	char *p;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	for (p = buf; *p; p++)
		if (*p == ',')  /* a locale's decimal comma */
			*p = '.';
	if (strspn(buf, "-0123456789") == strlen(buf))
		strcat(buf, ".0");
}

static int put_value(render *r, json_t *v, int escape)
{
	char num[64], *dump = NULL;
	const char *s = num;
	size_t n;
	int err = 0;

	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		n = json_string_length(v);
		break;
	case JSON_INTEGER:
		n = (size_t)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		format_real(num, sizeof(num), json_real_value(v));
		n = strlen(num);
		break;
	case JSON_TRUE:
		s = "true";
		n = 4;
		break;
	case JSON_FALSE:
		s = "false";
		n = 5;
		break;
	case JSON_NULL:
		return 0;
	default:
		/* Objects and arrays show as JSON, so a wrong name is visible. */
		dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		s = dump;
		n = strlen(dump);
		break;
	}
	if (n == 0)
		goto done;
	if (r->pending && (err = flush_indent(r)) < 0)
		goto done;
	err = escape ? r->escape(r->out, s, n) : dg_buf_put(r->out, s, n);
done:
	free(dump);
	return err;
}

/* The context stack lookup: the first part of a dotted name up the stack,
 * the rest strictly inside what it found. NULL when missing. */
static json_t *lookup(const render *r, const char *name, size_t len)
{
	const char *dot = memchr(name, '.', len), *end = name + len;
	json_t *v = NULL;
	size_t k, part;

	if (len == 1 && name[0] == '.')
		return r->ctx[r->nctx - 1];
	part = dot ? (size_t)(dot - name) : len;
	for (k = r->nctx; k-- > 0;)
		if (json_is_object(r->ctx[k]) && (v = json_object_getn(r->ctx[k], name, part)))
			break;
	while (v && dot) {
		name = dot + 1;
		dot = memchr(name, '.', (size_t)(end - name));
		part = dot ? (size_t)(dot - name) : (size_t)(end - name);
		v = json_is_object(v) ? json_object_getn(v, name, part) : NULL;
	}
	return v;
}

static int falsey(const json_t *v)
{
	return !v || json_is_false(v) || json_is_null(v) ||
	       (json_is_array(v) && json_array_size(v) == 0);
}

static void push_ctx(render *r, json_t *v)
{
	r->ctx = grow(r->ctx, &r->capctx, r->nctx, sizeof(*r->ctx));
	r->ctx[r->nctx++] = v;
}

/* Enter an expansion indented by ind; standalone ones start a fresh line. */
static int push_indent(render *r, const node *nd)
{
	r->ind = grow(r->ind, &r->capind, r->nind, sizeof(*r->ind));
	r->ind[r->nind].s = nd->ind ? nd->ind : "";
	r->ind[r->nind++].len = nd->ind_len;
	/* Included in the middle of a line: the indentation the standalone
	 * line gave up still belongs before its first line. */
	if (nd->standalone && !r->pending && nd->ind_len)
		return dg_buf_put(r->out, nd->ind, nd->ind_len);
	return 0;
}

static int render_range(render *r, const tmpl *t, size_t i, size_t end);

static int render_section(render *r, const tmpl *t, size_t i)
{
	const node *nd = &t->nodes[i];
	json_t *v = lookup(r, nd->s, nd->len);
	size_t k;
	int err = 0;

	if (falsey(v))
		return 0;
	if (!json_is_array(v)) {
		push_ctx(r, v);
		err = render_range(r, t, i + 1, nd->end);
		r->nctx--;
		return err;
	}
	for (k = 0; k < json_array_size(v) && !err; k++) {
		push_ctx(r, json_array_get(v, k));
		err = render_range(r, t, i + 1, nd->end);
		r->nctx--;
	}
	return err;
}

/* The cached, parsed partial `name`; *out is NULL when there is none. */
static int load_partial(render *r, const char *name, size_t len, partial_entry **out)
{
	partial_entry *pe;
	char *text = NULL;
	size_t text_len = 0;
	int rc;

	*out = NULL;
	for (pe = r->partials; pe; pe = pe->next)
		if (pe->name_len == len && memcmp(pe->name, name, len) == 0) {
			*out = pe->missing ? NULL : pe;
			return 0;
		}
	pe = dg_calloc(1, sizeof(*pe));
	pe->name = dg_malloc(len + 1);
	memcpy(pe->name, name, len);
	pe->name[len] = '\0';
	pe->name_len = len;
	pe->next = r->partials;
	r->partials = pe;
	if (!r->opts || !r->opts->partial || memchr(name, '\0', len)) {
		pe->missing = 1;
		return 0;
	}
	rc = r->opts->partial(r->opts->partial_ud, pe->name, &text, &text_len);
	if (rc != 0) {
		free(text);
		pe->missing = 1;
		return rc < 0 ? rc : 0;
	}
	pe->text = text;
	pe->t.name = pe->name;
	pe->t.src = text ? text : "";
	pe->t.len = text ? text_len : 0;
	if ((rc = parse(&pe->t)) < 0) {
		pe->missing = 1;
		return rc;
	}
	*out = pe;
	return 0;
}

static int too_deep(const tmpl *t, const node *nd, const char *what)
{
	return dg_err_set(DG_ERR_FAIL, "%s:%zu: %s '%.*s' nested more than %d deep "
			  "(does it include itself?)", t->name, line_of(t, nd->pos), what,
			  (int)nd->len, nd->s, MAX_DEPTH);
}

/* {{>name}} and {{<name}}...{{/name}}. */
static int render_include(render *r, const tmpl *t, size_t i)
{
	const node *nd = &t->nodes[i];
	const char *name = nd->s;
	size_t len = nd->len;
	partial_entry *pe;
	json_t *v;
	int err;

	if (nd->dynamic) {
		v = lookup(r, nd->s, nd->len);
		if (!json_is_string(v))
			return 0;
		name = json_string_value(v);
		len = json_string_length(v);
	}
	if (r->depth >= MAX_DEPTH)
		return too_deep(t, nd, "partial");
	if ((err = load_partial(r, name, len, &pe)) < 0)
		return dg_err_wrap(err, "%s:%zu: partial '%.*s'", t->name, line_of(t, nd->pos),
				   (int)len, name);
	if (!pe)
		return 0;
	if (nd->kind == K_PARENT) {
		r->ovr = grow(r->ovr, &r->capovr, r->novr, sizeof(*r->ovr));
		r->ovr[r->novr].t = t;
		r->ovr[r->novr++].idx = i;
	}
	if ((err = push_indent(r, nd)) == 0) {
		r->depth++;
		err = render_range(r, &pe->t, 0, pe->t.n);
		r->depth--;
	}
	r->nind--;
	if (nd->kind == K_PARENT)
		r->novr--;
	return err;
}

/* {{$name}}: the outermost parent's argument of that name wins. */
static int render_block(render *r, const tmpl *t, size_t i)
{
	const node *nd = &t->nodes[i];
	const tmpl *bt = t;
	size_t bi = i, f, c;
	int err, found = 0;

	for (f = 0; f < r->novr && !found; f++) {
		const tmpl *pt = r->ovr[f].t;
		size_t pi = r->ovr[f].idx;

		for (c = pi + 1; c < pt->nodes[pi].end; c = pt->nodes[c].end)
			if (pt->nodes[c].kind == K_BLOCK && pt->nodes[c].len == nd->len &&
			    memcmp(pt->nodes[c].s, nd->s, nd->len) == 0) {
				bt = pt;
				bi = c;
				found = 1;
				break;
			}
	}
	if (found && r->depth >= MAX_DEPTH)
		return too_deep(t, nd, "block");
	if ((err = push_indent(r, nd)) == 0) {
		r->depth += found;
		err = render_range(r, bt, bi + 1, bt->nodes[bi].end);
		r->depth -= found;
	}
	r->nind--;
	return err;
}

static int render_range(render *r, const tmpl *t, size_t i, size_t end)
{
	int err = 0;

	while (i < end && !err) {
		const node *nd = &t->nodes[i];

		switch (nd->kind) {
		case K_TEXT:
			err = render_text(r, nd);
			break;
		case K_VAR:
		case K_RAW:
			err = put_value(r, lookup(r, nd->s, nd->len), nd->kind == K_VAR);
			break;
		case K_SECTION:
			err = render_section(r, t, i);
			break;
		case K_INVERTED:
			if (falsey(lookup(r, nd->s, nd->len)))
				err = render_range(r, t, i + 1, nd->end);
			break;
		case K_PARTIAL:
		case K_PARENT:
			err = render_include(r, t, i);
			break;
		case K_BLOCK:
			err = render_block(r, t, i);
			break;
		}
		i = nd->end;
	}
	return err;
}

int dg_mustache_render(const char *src, size_t len, json_t *context,
		       const dg_mustache_opts *opts, dg_buf *out)
{
	tmpl top = { opts && opts->name ? opts->name : "template", src ? src : "",
		     src ? len : 0, NULL, 0, 0 };
	render r;
	size_t out_len = out->len;
	partial_entry *pe;
	int err;

	memset(&r, 0, sizeof(r));
	r.opts = opts;
	r.escape = opts && opts->escape ? opts->escape : dg_mustache_escape_html;
	r.out = out;
	r.pending = 1;
	if ((err = parse(&top)) < 0)
		goto done;
	push_ctx(&r, context);
	err = render_range(&r, &top, 0, top.n);
done:
	if (err < 0 && out->ptr) {
		/* No half-rendered output on failure. */
		out->len = out_len;
		out->ptr[out_len] = '\0';
	}
	while ((pe = r.partials)) {
		r.partials = pe->next;
		free(pe->t.nodes);
		free(pe->text);
		free(pe->name);
		free(pe);
	}
	free(top.nodes);
	free(r.ctx);
	free(r.ind);
	free(r.ovr);
	return err;
}

int dg_mustache_escape_html(dg_buf *out, const char *s, size_t len)
{
	size_t i, run = 0;
	const char *rep;
	int err;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if ((err = dg_buf_put(out, s + run, i - run)) < 0 ||
		    (err = dg_buf_puts(out, rep)) < 0)
			return err;
		run = i + 1;
	}
	return dg_buf_put(out, s + run, len - run);
}
