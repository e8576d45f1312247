/* feedfix.c - the byte-level pass feed.c runs before libxml2 sees a document.
 *
 * Real feeds carry bare '&', HTML entities without a DTD and "&#X" references,
 * and some come in UTF-16/32: each costs a link or the whole feed in a strict
 * parser. Here they are turned into well-formed UTF-8 (or ASCII-compatible) XML. */
#include "feeds/feedint.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/str.h"

#include <libxml/HTMLparser.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest entity name the repair looks up (longer runs are bare '&'). */
#define ENTITY_NAME_MAX 63

/* The names the internal subset declares with <!ENTITY, as borrowed slices,
 * sorted once so that each reference costs a binary search: rescanning the
 * subset per reference made a feed of many references quadratic. */
typedef struct { const char *p; size_t n; } slice;

typedef struct {
	slice *v;
	size_t n, cap;
} name_set;

static int slice_cmp(const void *a, const void *b)
{
	const slice *x = a, *y = b;
	int d = memcmp(x->p, y->p, x->n < y->n ? x->n : y->n);

	return d ? d : (x->n > y->n) - (x->n < y->n);
}

/* Collect the names of subset[0..slen) (any earlier set is replaced). Like
 * the parser, "<!ENTITY" is looked for anywhere; a name ends at a blank and
 * counts only when one follows inside the subset. Names too long to be
 * looked up are not measured to their end. */
static void names_collect(name_set *set, const char *subset, size_t slen)
{
	const char *p = subset, *end = subset + slen;

	set->n = 0;
	while (p < end && (p = dg_str_find(p, (size_t)(end - p), "<!ENTITY", 8))) {
		const char *q;

		p += 8;
		while (p < end && dg_str_is_space((unsigned char)*p))
			p++;
		for (q = p; q < end && q - p <= ENTITY_NAME_MAX && !dg_str_is_space((unsigned char)*q); q++)
			;
		if (q == end || q == p || q - p > ENTITY_NAME_MAX)
			continue;
		if (set->n == set->cap) {
			set->cap = set->cap ? set->cap * 2 : 16;
			set->v = dg_realloc(set->v, set->cap * sizeof(*set->v));
		}
		set->v[set->n].p = p;
		set->v[set->n++].n = (size_t)(q - p);
	}
	if (set->n > 1)
		qsort(set->v, set->n, sizeof(*set->v), slice_cmp);
}

/* Is name[0..n) one of the declared names? */
static int declared(const name_set *set, const char *name, size_t n)
{
	slice key = { name, n };

	return set->n && bsearch(&key, set->v, set->n, sizeof(*set->v), slice_cmp) != NULL;
}

static int name_char(int ch, int first)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == ':' ||
	       ch >= 0x80 || (!first && ((ch >= '0' && ch <= '9') || ch == '.' || ch == '-'));
}

/* Copy s[0..len) to out, escaping bare '&' and turning HTML entities the
 * document does not declare into character references. Comments, CDATA,
 * processing instructions and the DOCTYPE are copied untouched. Only for
 * ASCII-compatible encodings. */
int dg_feed_repair(feed_ctx *c, const char *s, size_t len, dg_buf *out)
{
	name_set names = { NULL, 0, 0 };
	dg_buf name = DG_BUF_INIT;   /* an entity name, NUL-terminated for the lookup */
	size_t i = 0;
	int external = 0, err = 0;

	while (i < len && !err) {
		const char *p = s + i, *endp;
		size_t rest = len - i, n;

		if (*p == '<') {
			const char *close = NULL;

			if (rest >= 4 && memcmp(p, "<!--", 4) == 0)
				close = "-->";
			else if (rest >= 9 && memcmp(p, "<![CDATA[", 9) == 0)
				close = "]]>";
			else if (rest >= 2 && p[1] == '?')
				close = "?>";
			if (close) {
				endp = dg_str_find(p + 2, rest - 2, close, strlen(close));
				n = endp ? (size_t)(endp - p) + strlen(close) : rest;
				err = dg_buf_put(out, p, n);
				i += n;
				continue;
			}
			if (rest >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0) {
				const char *subset = NULL;
				size_t slen = 0;
				int depth = 0;
				char quote = 0;

				for (n = 9; n < rest; n++) {
					char ch = p[n];

					if (quote) {
						if (ch == quote)
							quote = 0;
					} else if (ch == '"' || ch == '\'') {
						quote = ch;
					} else if (ch == '[') {
						if (!depth++)
							subset = p + n;
					} else if (ch == ']') {
						if (depth && !--depth)
							slen = (size_t)(p + n - subset);
					} else if (ch == '>' && !depth) {
						n++;
						break;
					}
				}
				/* without its closing ']' the subset declares nothing (slen 0) */
				external = dg_str_find(p, n, "SYSTEM", 6) || dg_str_find(p, n, "PUBLIC", 6);
				if (subset)
					names_collect(&names, subset, slen);
				err = dg_buf_put(out, p, n);
				i += n;
				continue;
			}
		}
		if (*p != '&') {
			err = dg_buf_putc(out, *p);
			i++;
			continue;
		}
		/* '&': a character reference, a known entity, or a bare ampersand. */
		n = 1;
		if (rest > 2 && p[1] == '#') {
			size_t k = 2, d;

			if (p[2] == 'x' || p[2] == 'X')
				k++;
			d = k;
			while (k < rest && k < 12 && ((p[k] >= '0' && p[k] <= '9') ||
						     (d == 3 && ((p[k] >= 'a' && p[k] <= 'f') ||
								 (p[k] >= 'A' && p[k] <= 'F')))))
				k++;
			if (k > d && k < rest && p[k] == ';') {
				err = dg_buf_put(out, p, k + 1);
				if (!err && p[2] == 'X') {   /* XML wants a lowercase x */
					out->ptr[out->len - k + 1] = 'x';
					c->fixed_ref++;
				}
				i += k + 1;
				continue;
			}
		} else {
			while (n < rest && n <= ENTITY_NAME_MAX && name_char((unsigned char)p[n], n == 1))
				n++;
			if (n > 1 && n < rest && p[n] == ';') {
				const htmlEntityDesc *h;

				dg_buf_clear(&name);
				if ((err = dg_buf_put(&name, p + 1, n - 1)) < 0)
					break;
				if (!strcmp(name.ptr, "amp") || !strcmp(name.ptr, "lt") || !strcmp(name.ptr, "gt") ||
				    !strcmp(name.ptr, "quot") || !strcmp(name.ptr, "apos") ||
				    declared(&names, name.ptr, n - 1)) {
					err = dg_buf_put(out, p, n + 1);
				} else if ((h = htmlEntityLookup((const xmlChar *)name.ptr))) {
					err = dg_buf_printf(out, "&#%u;", h->value);
					c->fixed_ent += !external;
				} else {
					err = dg_buf_puts(out, "&amp;");
					c->fixed_amp++;
					i++;
					continue;
				}
				i += n + 1;
				continue;
			}
		}
		err = dg_buf_puts(out, "&amp;");
		c->fixed_amp++;
		i++;
	}
	dg_buf_free(&name);
	free(names.v);
	return err;
}

/* Encodings where '&' and '<' bytes are not always those characters. */
int dg_feed_ascii_compatible(const char *s, size_t len, const char *http_charset)
{
	static const char *const bad[] = {
		"utf-16", "utf16", "utf-32", "utf32", "ucs-2", "ucs2", "ucs-4", "ucs4", "unicode",
		"iso-2022", "csiso2022", "utf-7", "utf7", "hz", "ebcdic", "cp037", "ibm037",
		"ibm-037", "cp500", "ibm500", "cp875", "cp1026", "cp1140", "ibm1047", "cp273", "ibm273",
	};
	const unsigned char *u = (const unsigned char *)s;
	const char *enc = "", *p;   /* the encoding name: a borrowed slice */
	size_t enc_len = 0;

	if (len >= 2 && ((u[0] == 0xfe && u[1] == 0xff) || (u[0] == 0xff && u[1] == 0xfe) ||
			 u[0] == 0 || u[1] == 0))
		return 0;
	if (http_charset) {
		enc = http_charset;
		enc_len = strlen(http_charset);
	} else if (len > 5 && memcmp(s, "<?xml", 5) == 0) {
		const char *end = memchr(s, '>', len < 400 ? len : 400);

		if (end && (p = dg_str_find(s, (size_t)(end - s), "encoding", 8))) {
			p += 8;
			while (p < end && (dg_str_is_space((unsigned char)*p) || *p == '='))
				p++;
			if (p < end && (*p == '"' || *p == '\'')) {
				for (enc = ++p; p < end && *p != '"' && *p != '\''; p++)
					;
				enc_len = (size_t)(p - enc);
			}
		}
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dg_str_starts_ci(enc, enc_len, bad[i]))
			return 0;
	return 1;
}

/* UTF-16/32 (BOM or the byte pattern of "<") to UTF-8, so that the repair
 * pass can run and libxml2 sees one well-known encoding. *wide = 0 when the
 * document is neither. */
int dg_feed_decode_wide(const char *data, size_t len, dg_buf *out, int *wide)
{
	const unsigned char *u = (const unsigned char *)data;
	size_t unit = 0, i = 0;
	int be = 0, err = 0;

	*wide = 0;
	if (len < 4)
		return 0;
	if (!u[0] && !u[1] && u[2] == 0xfe && u[3] == 0xff)
		unit = 4, be = 1, i = 4;
	else if (u[0] == 0xff && u[1] == 0xfe && !u[2] && !u[3])
		unit = 4, be = 0, i = 4;
	else if (u[0] == 0xfe && u[1] == 0xff)
		unit = 2, be = 1, i = 2;
	else if (u[0] == 0xff && u[1] == 0xfe)
		unit = 2, be = 0, i = 2;
	else if (!u[0] && !u[1] && !u[2] && u[3])
		unit = 4, be = 1;
	else if (u[0] && !u[1] && !u[2] && !u[3])
		unit = 4, be = 0;
	else if (!u[0] && u[1] && !u[2] && u[3])
		unit = 2, be = 1;
	else if (u[0] && !u[1] && u[2] && !u[3])
		unit = 2, be = 0;
	else
		return 0;
	*wide = 1;
	for (; i + unit <= len && !err; i += unit) {
		unsigned cp;

		if (unit == 4) {
			cp = be ? (unsigned)u[i] << 24 | (unsigned)u[i + 1] << 16 | (unsigned)u[i + 2] << 8 | u[i + 3]
				: (unsigned)u[i + 3] << 24 | (unsigned)u[i + 2] << 16 | (unsigned)u[i + 1] << 8 | u[i];
		} else {
			cp = be ? (unsigned)u[i] << 8 | u[i + 1] : (unsigned)u[i + 1] << 8 | u[i];
			if (cp >= 0xd800 && cp <= 0xdbff && i + 4 <= len) {
				unsigned lo = be ? (unsigned)u[i + 2] << 8 | u[i + 3] : (unsigned)u[i + 3] << 8 | u[i + 2];

				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 2;
				}
			}
		}
		if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			cp = 0xfffd;
		err = dg_buf_put_utf8(out, cp);
	}
	return err;
}
