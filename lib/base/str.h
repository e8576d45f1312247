/* str.h - byte-string helpers every stage shares: the whitespace class,
 * trimming, ASCII case-insensitive search, byte search and percent-encoding.
 *
 * One copy with one policy (curl's curlx): all ASCII, whatever the locale
 * (setlocale cannot change what ctype.h's isspace/tolower answer here). */
#ifndef DG_STR_H
#define DG_STR_H

#include "base/buf.h"

#include <stddef.h>

/* ASCII whitespace: space, \t, \n, \v, \f, \r (isspace of the "C" locale). */
static inline int dg_str_is_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* ASCII lower case of c; other bytes unchanged. */
static inline int dg_str_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* s[0..n) without whitespace at both ends: moves *s, returns the length left. */
size_t dg_str_trim(const char **s, size_t n);

/* A NUL-terminated copy of s[0..n) trimmed (caller frees; never NULL). */
char *dg_str_trim_dup(const char *s, size_t n);

/* 1 when a[0..n) and b[0..n) are equal, ASCII case ignored (NUL bytes
 * included: both must hold n bytes). */
int dg_str_eq_ci(const char *a, const char *b, size_t n);

/* A comma-separated list of names ("md,html") as bits: bit i for names[i]
 * (count of them, at most 32); empty items are skipped. 0, or -1 with
 * *unknown and *unknown_len naming the first item that is none of them. */
int dg_str_name_bits(const char *list, const char *const *names, size_t count, unsigned *mask,
		     const char **unknown, int *unknown_len);

/* 1 when s[0..n) starts with `prefix`, ASCII case ignored. */
int dg_str_starts_ci(const char *s, size_t n, const char *prefix);

/* The first place `needle` occurs in hay[0..n), ASCII case ignored, or NULL
 * (an empty needle is found at hay). */
const char *dg_str_find_ci(const char *hay, size_t n, const char *needle);

/* memmem: the first place needle[0..m) occurs in hay[0..n), or NULL (an
 * empty needle is never found). */
const char *dg_str_find(const char *hay, size_t n, const char *needle, size_t m);

/* dg_str_percent_encode: which bytes stay as they are. */
enum dg_str_pct {
	/* Only RFC 3986's unreserved A-Z a-z 0-9 - . _ ~ (a query value, a path part). */
	DG_STR_PCT_UNRESERVED,
	/* Printable ASCII except the bytes of `special`; controls, space, DEL and
	 * bytes >= 0x80 are encoded (a URL for a parser that wants ASCII). */
	DG_STR_PCT_ASCII,
	/* As DG_STR_PCT_ASCII, but bytes >= 0x80 stay (UTF-8 the caller checked). */
	DG_STR_PCT_KEEP_UTF8,
};

/* Append s[0..n) to out with the bytes `mode` does not keep (and those in
 * `special`, NULL for none) written as %XX, upper-case hex. 0, or the
 * buffer's error (its cap). */
int dg_str_percent_encode(dg_buf *out, const char *s, size_t n, enum dg_str_pct mode, const char *special);

#endif
