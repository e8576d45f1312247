/* tomllex.c - the TOML lexer: error messages, the check of the text as a
 * whole, whitespace and comments, and the scalar values (strings, numbers,
 * date/times). */
#include "config/toml.h"
#include "config/tomlint.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ---- */

int dg_toml_perr(struct parser *p, int line, const char *fmt, ...)
{
	dg_buf msg = DG_BUF_INIT;
	va_list ap;
	int err;

	va_start(ap, fmt);
	dg_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	err = dg_err_set(DG_ERR_CONFIG, "%s:%d: %s", p->file, line, dg_buf_cstr(&msg));
	dg_buf_free(&msg);
	return err;
}

/* What the parser is looking at, for "expected X, found Y". */
const char *dg_toml_found(struct parser *p)
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
		return dg_buf_printf(&p->fbuf, "'%c'", c), dg_buf_cstr(&p->fbuf);
	return "a non-ASCII character";
}

/* ---- the text as a whole ---- */

/* Valid UTF-8 (no overlongs, surrogates or values past U+10FFFF) and no
 * control characters but TAB, LF and CR before LF. */
int dg_toml_check_text(struct parser *p, const unsigned char *s, const unsigned char *e)
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
				return dg_toml_perr(p, line, "carriage return not followed by a line feed");
			else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
				return dg_toml_perr(p, line, "control character U+%04X is not allowed (escape it in strings)", c);
			s++;
			continue;
		}
		if (!(n = dg_text_utf8_decode(s, (size_t)(e - s), &cp)))
			return dg_toml_perr(p, line, "invalid UTF-8 (byte 0x%02X)", *s);
		s += n;
	}
	return 0;
}

/* ---- lexical helpers ---- */

int dg_toml_peek(const struct parser *p, size_t off)
{
	return (size_t)(p->end - p->s) > off ? (unsigned char)p->s[off] : -1;
}

int dg_toml_is_bare(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IS_DIGIT(c) ||
	       c == '_' || c == '-';
}

void dg_toml_skip_ws(struct parser *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t'))
		p->s++;
}

/* Consume one newline (LF or CRLF); 1 if there was one. */
int dg_toml_skip_nl(struct parser *p)
{
	if (p->s < p->end && *p->s == '\n') {
		p->s++;
	} else if (dg_toml_peek(p, 0) == '\r' && dg_toml_peek(p, 1) == '\n') {
		p->s += 2;
	} else {
		return 0;
	}
	p->line++;
	return 1;
}

void dg_toml_skip_comment(struct parser *p)
{
	if (p->s < p->end && *p->s == '#')
		while (p->s < p->end && *p->s != '\n' && *p->s != '\r')
			p->s++;
}

/* Whitespace, comments and newlines, as allowed inside arrays. */
void dg_toml_skip_blank(struct parser *p)
{
	do {
		dg_toml_skip_ws(p);
		dg_toml_skip_comment(p);
	} while (dg_toml_skip_nl(p));
}

int dg_toml_expect_eol(struct parser *p, const char *after)
{
	dg_toml_skip_ws(p);
	dg_toml_skip_comment(p);
	if (p->s >= p->end || dg_toml_skip_nl(p))
		return 0;
	return dg_toml_perr(p, p->line, "expected end of line after %s, found %s", after, dg_toml_found(p));
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
	int c = dg_toml_peek(p, 1), line = p->line, i, n;
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
			int d = hex_val(dg_toml_peek(p, 2 + (size_t)i));

			if (d < 0)
				return dg_toml_perr(p, line, "escape \\%c needs %d hex digits", c, n);
			cp = cp << 4 | (uint32_t)d;
		}
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return dg_toml_perr(p, line, "escape \\%c%.*s is not a Unicode scalar value",
				    c, n, p->s + 2);
		p->s += 2 + n;
		dg_buf_put_utf8(&p->tmp, cp);
		return 0;
	default:
		if (multi) {
			/* Line-ending backslash: it, the rest of the line and all
			 * whitespace and newlines after it vanish. */
			const char *q = p->s + 1;

			while (q < p->end && (*q == ' ' || *q == '\t'))
				q++;
			if (q < p->end && (*q == '\n' || *q == '\r')) {
				p->s = q;
				while (dg_toml_skip_nl(p))
					dg_toml_skip_ws(p);
				return 0;
			}
		}
		if (c > ' ' && c < 0x7f)
			return dg_toml_perr(p, line, "invalid escape sequence '\\%c' in string", c);
		return dg_toml_perr(p, line, "invalid escape sequence: backslash followed by %s",
			    c == ' ' || c == '\t' ? "whitespace" : "a non-ASCII character or end of input");
	}
	p->s += 2;
	dg_buf_putc(&p->tmp, ch);
	return 0;
}

/* At an opening quote or apostrophe: decode a string of any of the four
 * kinds into p->tmp (uncapped: its appends cannot fail). Keys pass multi_ok = 0. */
int dg_toml_parse_str(struct parser *p, int multi_ok)
{
	char q = *p->s;
	int line = p->line, multi = 0, err;
	const char *run;

	dg_buf_clear(&p->tmp);
	if (dg_toml_peek(p, 1) == q && dg_toml_peek(p, 2) == q) {
		if (!multi_ok)
			return dg_toml_perr(p, line, "a multi-line string cannot be a key");
		multi = 1;
		p->s += 3;
		dg_toml_skip_nl(p); /* a newline right after the opening is trimmed */
	} else {
		p->s++;
	}
	for (;;) {
		if (p->s >= p->end) {
			if (multi)
				return dg_toml_perr(p, line, "unterminated multi-line string (opened on line %d)", line);
			return dg_toml_perr(p, line, "unterminated string");
		}
		if (*p->s == q) {
			if (!multi) {
				p->s++;
				return 0;
			}
			if (dg_toml_peek(p, 1) == q && dg_toml_peek(p, 2) == q) {
				/* One or two more quotes belong to the content. */
				size_t extra = 0;

				while (extra < 2 && dg_toml_peek(p, 3 + extra) == q)
					extra++;
				dg_buf_put(&p->tmp, p->s, extra);
				p->s += 3 + extra;
				return 0;
			}
			dg_buf_putc(&p->tmp, q);
			p->s++;
			continue;
		}
		if (*p->s == '\n' || *p->s == '\r') {
			if (!multi)
				return dg_toml_perr(p, line, "unterminated string (newline before the closing %s)",
					    q == '"' ? "quote" : "apostrophe");
			dg_toml_skip_nl(p);
			dg_buf_putc(&p->tmp, '\n');
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
		dg_buf_put(&p->tmp, run, (size_t)(p->s - run));
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

int dg_toml_parse_number(struct parser *p, dg_toml **out, int depth)
{
	const char *t = p->s, *e = p->s;
	int line = p->line, neg = 0, is_float = 0, base = 10;
	size_t n, i = 0, start, k;
	uint64_t u = 0, lim;
	dg_toml *v;
	char *end;
	double f;

	while (e < p->end && (dg_toml_is_bare((unsigned char)*e) || *e == '.' || *e == '+'))
		e++;
	n = (size_t)(e - t);
	p->s = e;
	if (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-';
		i = 1;
	}
	if (n - i == 3 && (memcmp(t + i, "inf", 3) == 0 || memcmp(t + i, "nan", 3) == 0)) {
		f = t[i] == 'i' ? INFINITY : NAN;
		v = dg_toml_node_new(DG_TOML_FLOAT, line, depth, 0);
		v->u.f = neg ? -f : f;
		*out = v;
		return 0;
	}
	if (n - i >= 2 && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'o' || t[i + 1] == 'b')) {
		if (i)
			return dg_toml_perr(p, line, "'%.*s': hexadecimal, octal and binary integers cannot have a sign",
				    (int)(n > 40 ? 40 : n), t);
		base = t[1] == 'x' ? 16 : t[1] == 'o' ? 8 : 2;
		i = 2;
	}
	start = i;
	if (scan_digits(t, n, &i, base) == 0)
		goto bad;
	if (base == 10 && t[start] == '0' && i - start > 1)
		return dg_toml_perr(p, line, "'%.*s': leading zeros are not allowed", (int)(n > 40 ? 40 : n), t);
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
			if (t[k] != '_')
				dg_buf_putc(&p->tmp, t[k]);
		errno = 0;
		f = strtod(p->tmp.ptr, &end);
		if (*end)
			goto bad;
		if (errno == ERANGE && isinf(f))
			return dg_toml_perr(p, line, "'%.*s': float out of range", (int)(n > 40 ? 40 : n), t);
		v = dg_toml_node_new(DG_TOML_FLOAT, line, depth, 0);
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
			return dg_toml_perr(p, line, "'%.*s': integer does not fit in 64 bits",
				    (int)(n > 40 ? 40 : n), t);
		u = u * (uint64_t)base + d;
	}
	v = dg_toml_node_new(DG_TOML_INTEGER, line, depth, 0);
	if (!neg)
		v->u.i = (int64_t)u;
	else if (u == (uint64_t)INT64_MAX + 1)
		v->u.i = INT64_MIN;
	else
		v->u.i = -(int64_t)u;
	*out = v;
	return 0;
bad:
	return dg_toml_perr(p, line, "invalid number '%.*s'", (int)(n > 40 ? 40 : n), t);
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

static int at_char(const char *s, const char *e, char c)
{
	return s < e && *s == c;
}

/* Offset date-time, local date-time, local date or local time. */
int dg_toml_parse_datetime(struct parser *p, dg_toml **out, int depth)
{
	const char *s = p->s, *e = p->end, *frac = NULL;
	int line = p->line, y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, oh, om;
	int has_date = 0, has_time = 0;
	size_t nfrac = 0;
	char off[8] = "";
	dg_toml_type type;

	if (take_digits(s, e, 4, &y) == 0 && at_char(s + 4, e, '-')) {
		if (take_digits(s + 5, e, 2, &mo) || !at_char(s + 7, e, '-') ||
		    take_digits(s + 8, e, 2, &d))
			return dg_toml_perr(p, line, "invalid date: expected YYYY-MM-DD");
		if (mo < 1 || mo > 12)
			return dg_toml_perr(p, line, "invalid date: month %02d is not 01-12", mo);
		if (d < 1 || d > dg_date_days_in_month(y, mo))
			return dg_toml_perr(p, line, "invalid date: %04d-%02d has no day %02d", y, mo, d);
		has_date = 1;
		s += 10;
		if (s < e && (*s == 'T' || *s == 't' || (*s == ' ' && s + 1 < e && IS_DIGIT(s[1]))))
			s++;
		else
			goto finish;
	}
	if (take_digits(s, e, 2, &h) || !at_char(s + 2, e, ':') || take_digits(s + 3, e, 2, &mi) ||
	    !at_char(s + 5, e, ':') || take_digits(s + 6, e, 2, &sec))
		return dg_toml_perr(p, line, "invalid time: expected HH:MM:SS");
	if (h > 23 || mi > 59 || sec > 60)
		return dg_toml_perr(p, line, "invalid time: %02d:%02d:%02d is out of range", h, mi, sec);
	has_time = 1;
	s += 8;
	if (at_char(s, e, '.')) {
		frac = ++s;
		while (s < e && IS_DIGIT(*s))
			s++;
		nfrac = (size_t)(s - frac);
		if (!nfrac)
			return dg_toml_perr(p, line, "invalid time: digits must follow the decimal point");
	}
	if (has_date && s < e && (*s == 'Z' || *s == 'z')) {
		strcpy(off, "Z");
		s++;
	} else if (has_date && s < e && (*s == '+' || *s == '-')) {
		if (take_digits(s + 1, e, 2, &oh) || !at_char(s + 3, e, ':') ||
		    take_digits(s + 4, e, 2, &om))
			return dg_toml_perr(p, line, "invalid time offset: expected Z, +HH:MM or -HH:MM");
		if (oh > 23 || om > 59)
			return dg_toml_perr(p, line, "invalid time offset: %02d:%02d is out of range", oh, om);
		memcpy(off, s, 6); /* already checked: sign, digits, ':' */
		off[6] = '\0';
		s += 6;
	}
finish:
	if (s < e && (dg_toml_is_bare((unsigned char)*s) || *s == '.' || *s == ':' || *s == '+'))
		return dg_toml_perr(p, line, "invalid date/time: unexpected '%c'", *s);
	p->s = s;
	dg_buf_clear(&p->tmp);
	if (has_date)
		dg_buf_printf(&p->tmp, "%04d-%02d-%02d%s", y, mo, d, has_time ? "T" : "");
	if (has_time)
		dg_buf_printf(&p->tmp, "%02d:%02d:%02d%s%.*s%s", h, mi, sec, frac ? "." : "",
			      (int)nfrac, frac ? frac : "", off);
	if (!has_time)
		type = DG_TOML_DATE_LOCAL;
	else if (!has_date)
		type = DG_TOML_TIME_LOCAL;
	else
		type = off[0] ? DG_TOML_DATETIME : DG_TOML_DATETIME_LOCAL;
	*out = dg_toml_node_str(type, line, depth, p->tmp.ptr, p->tmp.len);
	return 0;
}
