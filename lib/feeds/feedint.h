/* feedint.h - internals shared by feed.c and feedfix.c: the parse state and
 * the byte-level repair pass run before libxml2. Private to the feed reader
 * (feeddate.c and feedtext.c need only the public feed.h); the public API
 * is feed.h. */
#ifndef DG_FEEDINT_H
#define DG_FEEDINT_H

#include "base/buf.h"

#include <libxml/tree.h>

#include <stddef.h>

typedef struct feed_ctx {
	const char *name;        /* for messages */
	const char *base_url;
	size_t summary_max;
	xmlDocPtr doc;
	char *feed_base;         /* the feed's own absolute link */
	char *feed_author;       /* Atom: inherited by entries without one */
	int atom_core;           /* Atom feed without a namespace: core = Atom */
	int errors;              /* well-formedness errors */
	int ns_errors;           /* undeclared prefixes and the like */
	char *first_error;       /* "line N: message" of the first of each (malloc'ed) */
	char *first_ns_error;
	int nomem;               /* a message could not be kept: the parse fails */
	int fixed_amp, fixed_ent, fixed_ref;
} feed_ctx;

/* Copy s[0..len) to out, escaping bare '&', turning HTML entities the
 * document does not declare into character references and "&#X" into "&#x"
 * (counted in c->fixed_amp, fixed_ent, fixed_ref). Only for ASCII-compatible
 * encodings. Returns 0, or <0 when out cannot grow. */
int dg_feed_repair(feed_ctx *c, const char *s, size_t len, dg_buf *out);

/* 1 when '&' and '<' bytes of s[0..len) are those characters, judging by a
 * BOM or NUL bytes, then http_charset (may be NULL), else the XML prolog. */
int dg_feed_ascii_compatible(const char *s, size_t len, const char *http_charset);

/* Append UTF-16/32 data (BOM or the byte pattern of "<") to out as UTF-8 and
 * set *wide = 1; *wide = 0 (out untouched) when data is neither. Returns 0,
 * or <0 when out cannot grow. */
int dg_feed_decode_wide(const char *data, size_t len, dg_buf *out, int *wide);

#endif
