/* feed.h - read RSS 0.9x/1.0(RDF)/2.0, Atom 0.3/1.0 and JSON Feed documents.
 *
 * XML goes through libxml2's recovering parser (no network, no external
 * entities or DTDs); JSON Feed through jansson. Entries come out as jansson
 * objects so callers can store or render them directly. Dates are int64_t
 * seconds since the epoch (UTC); text is UTF-8. */
#ifndef DG_FEED_H
#define DG_FEED_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define DG_FEED_SUMMARY_MAX 280  /* default summary length, in code points */

typedef struct dg_feed_opts {
	const char *name;         /* how messages name the document (file or URL); NULL = base_url */
	const char *base_url;     /* URL the document was fetched from: named in messages and the
	                           * last-resort base for relative links; NULL = none */
	const char *http_charset; /* charset of the HTTP Content-Type; overrides the prolog; NULL = none */
	size_t summary_max;       /* summary length in code points; 0 = DG_FEED_SUMMARY_MAX */
} dg_feed_opts;

/* Parse a feed document (bytes as fetched; the encoding comes from the BOM or
 * prolog, or from opts->http_charset when given). opts may be NULL.
 *
 * On success returns 0 and sets *entries to a new jansson array (the caller
 * json_decref's it) of objects in document order:
 *   {"title", "link", "published", "updated", "summary", "id", "author"}
 * each a string or null. "title" and "summary" are plain text (tags stripped,
 * entities decoded, whitespace collapsed; summary cut to summary_max code
 * points including a final "…"). "link" is the entry's alternate link made
 * absolute (xml:base, base_url, then the feed's own link). "published" is
 * RFC 3339 UTC: the entry's published date, else its updated date; "updated"
 * is its updated date only. *warning is NULL for a clean document, or a
 * malloc'ed one-line message (the caller frees it) saying what was recovered
 * from a malformed one.
 *
 * Returns DG_ERR_FAIL with a message naming the document (opts->name, else
 * base_url) when nothing could be read
 * (empty input, not XML or JSON, not a feed, malformed with no entry
 * recovered); *entries and *warning are then NULL. */
int dg_feed_parse(const char *data, size_t len, const dg_feed_opts *opts,
		  json_t **entries, char **warning);

/* Parse a date string: RFC 822 and its common broken variants (named and
 * military-free zones, 2-digit years, long month names, missing seconds or
 * time, "GMT-01:01", "Etc/GMT", extra commas, asctime, "Thu Aug 30 2012 ..."),
 * RFC 3339 / W3CDTF / ISO 8601 (incl. "2004-07-08 23:56:58 -00:20",
 * "031231", "-03-12"), Perforce "2006/09/15", Greek, Hungarian and Korean
 * (Nate, OnBlog) forms, and RFC 822 with French, German, Spanish, Italian,
 * Portuguese, Dutch, Scandinavian or Polish day and month names
 * ("mer, 16 nov 2022 00:38:15 +0100"). A date without a zone is taken as UTC.
 * Returns 0 and sets *out, or DG_ERR_FAIL (no message set) when unparseable or
 * out of range (years 1..9999). */
int dg_feed_parse_date(const char *s, int64_t *out);

/* How dg_feed_text reads its input. */
enum dg_feed_text_kind {
	DG_FEED_TEXT_PLAIN,      /* plain text: only whitespace is touched */
	DG_FEED_TEXT_HTML,       /* HTML: tags stripped, entities decoded */
	DG_FEED_TEXT_AUTO,       /* HTML when it has a known HTML tag or an entity (descriptions) */
	DG_FEED_TEXT_AUTO_STRICT /* HTML only when it has a close tag or entity and every tag is a
	                          * known HTML one (titles: "the <blink> tag" stays text) */
};

/* Turn s[0..len) into one line of plain text: strip tags (kind permitting),
 * decode entities, map stray C1 controls from Windows-1252 ("don\x92t" ->
 * "don’t"), drop other controls and invalid UTF-8, collapse whitespace, then
 * cut to max_chars code points (0 = no cut) on a word boundary for Latin text
 * (any character boundary for CJK), ending in "…" when cut.
 * Returns the text (malloc'ed, caller frees; may be ""; never NULL: out of
 * memory aborts). */
char *dg_feed_text(const char *s, size_t len, enum dg_feed_text_kind kind, size_t max_chars);

/* dg_feed_text(s, len, DG_FEED_TEXT_AUTO, max_chars): a description or
 * summary that may or may not be HTML. */
char *dg_feed_summary(const char *html_or_text, size_t len, size_t max_chars);

/* 1 when s[0..len) reads as HTML under the rule of `kind` (AUTO or
 * AUTO_STRICT, see above), 0 when not. */
int dg_feed_looks_like_html(const char *s, size_t len, enum dg_feed_text_kind kind);

#endif
