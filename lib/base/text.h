/* text.h - UTF-8, display width, CJK classes and cutting text with "…".
 *
 * The one place that decodes UTF-8 and measures text: feeds, release notes,
 * the WeChat pass and the TOML reader all go through it. Decoding is strict
 * (no overlongs, surrogates or values past U+10FFFF); what an invalid byte
 * means (dropped, replaced, an error) stays the caller's choice. */
#ifndef DG_TEXT_H
#define DG_TEXT_H

#include "base/buf.h"

#include <stddef.h>
#include <stdint.h>

#define DG_TEXT_ELLIPSIS "\xe2\x80\xa6"   /* "…", one column, one code point */

/* Decode the code point at s[0..len): returns its length in bytes (1-4) and
 * sets *cp. Returns 0 when s does not start with a valid sequence (stray
 * continuation byte, overlong form, surrogate, value past U+10FFFF,
 * truncated sequence) or when len is 0; *cp is then U+FFFD. */
size_t dg_text_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Lenient reading: like dg_text_utf8_decode, but an invalid byte reads as
 * U+FFFD one byte long. Returns 0 only when len is 0 (then *cp = 0). */
size_t dg_text_utf8_next(const unsigned char *s, size_t len, uint32_t *cp);

/* The code point that ends s[0..len), read leniently; 0 when len is 0. */
uint32_t dg_text_utf8_last(const unsigned char *s, size_t len);

/* Append s[0..len) to out with every invalid byte and every NUL replaced by
 * U+FFFD (for consumers that must get valid UTF-8 C strings: libxml2,
 * jansson). 0 or the buffer's error. */
int dg_text_utf8_repair(const char *s, size_t len, dg_buf *out);

/* Columns cp takes: 2 for East Asian Wide and Fullwidth, 0 for combining
 * marks, zero-width characters and controls, 1 otherwise. */
int dg_text_width(uint32_t cp);

/* The CJK class of a code point (one classifier; callers combine classes). */
enum dg_text_cjk {
	DG_TEXT_NOT_CJK = 0,
	DG_TEXT_HAN,         /* unified and compatibility ideographs, planes 2 and 3 */
	DG_TEXT_HAN_PART,    /* radicals, Kangxi radicals, strokes */
	DG_TEXT_KANA,        /* hiragana, katakana and its extension */
	DG_TEXT_BOPOMOFO,
	DG_TEXT_HANGUL,      /* jamo and syllables */
	DG_TEXT_CJK_PUNCT,   /* CJK symbols and punctuation U+3000..U+303F */
	DG_TEXT_FULLWIDTH,   /* halfwidth and fullwidth forms U+FF00..U+FFEF */
	DG_TEXT_CJK_OTHER,   /* description characters, kanbun, enclosed and
				compatibility letters, hexagrams, vertical forms */
};
enum dg_text_cjk dg_text_cjk_class(uint32_t cp);

/* What the limit of dg_text_cut counts. */
enum dg_text_unit {
	DG_TEXT_WIDTH,         /* display columns (dg_text_width) */
	DG_TEXT_CODE_POINTS,   /* code points, for limits documented that way */
};

/* dg_text_cut flags. */
#define DG_TEXT_CUT_AFTER 1u   /* "…" comes on top of the limit instead of within it */
/* When a word (not CJK) would be split, back up to the last space if that
 * keeps at least half; then drop trailing spaces and ",;:". */
#define DG_TEXT_CUT_WORD  2u
/* Back up to a space found within the last 20 bytes before the cut. */
#define DG_TEXT_CUT_NEAR_SPACE 4u

/* Cut b in place so it measures at most `max` units (0 = no limit): when it
 * is longer, keep the longest prefix that ends on a character boundary (and
 * takes the zero-width characters that follow it) and append "…". A text
 * that fits is left alone. 0 or the buffer's error. */
int dg_text_cut(dg_buf *b, size_t max, enum dg_text_unit unit, unsigned flags);

/* A text that was cut (it ends in "…"): back up to the end of its last
 * whole sentence ("." "!" "?" before a space, or "。" "！" "？") when that
 * keeps at least half of it, dropping the "…"; otherwise leave it. A text
 * that was not cut is left alone. 0, or the buffer's earlier error. */
int dg_text_cut_to_sentence(dg_buf *b);

/* Han, its parts, kana and bopomofo: where CJK spacing applies. */
int dg_text_is_han(uint32_t cp);
int dg_text_is_alnum_ascii(uint32_t cp);

/* CJK spacing, the one rule of the Markdown and the WeChat HTML: append
 * s[0..n) to out with one ASCII space between Han and a Latin letter or
 * digit, except inside URL-like tokens (holding "://" or starting with
 * "www."). 0 or <0 (the buffer's error). */
int dg_text_cjk_space(const char *s, size_t n, dg_buf *out);

/* An ASCII-lower-cased copy (GitHub's owner/name keys); caller frees. */
char *dg_text_lower(const char *s);

/* FNV-1a, 64 bits, for hash tables and cache keys (not for security):
 * h = DG_TEXT_HASH_INIT, then h = dg_text_hash_byte(h, c) per byte, or
 * dg_text_hash over a whole span. */
#define DG_TEXT_HASH_INIT 14695981039346656037ULL
static inline uint64_t dg_text_hash_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * 1099511628211ULL;
}
uint64_t dg_text_hash(const void *p, size_t n);

#endif
