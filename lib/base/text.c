/* text.c - UTF-8 decoding and repair, display width, the CJK classifier and
 * cutting text to a limit with "…" (API in text.h). */
#include "base/text.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/str.h"

#include <stdlib.h>
#include <string.h>

struct range {
	uint32_t lo, hi;
};

/* bsearch order of a code point against a range (tables are sorted). */
static int cmp_range(const void *key, const void *elem)
{
	uint32_t cp = *(const uint32_t *)key;
	const struct range *r = elem;

	return cp < r->lo ? -1 : cp > r->hi ? 1 : 0;
}

static int in_ranges(uint32_t cp, const struct range *r, size_t n)
{
	return bsearch(&cp, r, n, sizeof(*r), cmp_range) != NULL;
}

#define NRANGES(r) (sizeof(r) / sizeof((r)[0]))

/* ---- UTF-8 ---- */

size_t dg_text_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t v;
	size_t n, i;

	*cp = 0xfffd;
	if (len == 0)
		return 0;
	if (s[0] < 0x80)
		return *cp = s[0], 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, v = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, v = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, v = s[0] & 0x07;
	else
		return 0;   /* continuation byte, C0/C1 (always overlong), F5..FF */
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

size_t dg_text_utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n = dg_text_utf8_decode(s, len, cp);

	if (len == 0)
		*cp = 0;
	return n || len == 0 ? n : 1;
}

uint32_t dg_text_utf8_last(const unsigned char *s, size_t len)
{
	size_t i = len;
	uint32_t cp;

	if (len == 0)
		return 0;
	/* At most three continuation bytes end a character. */
	while (i > 0 && len - i < 4 && (s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return 0xfffd;
	dg_text_utf8_next(s + i - 1, len - i + 1, &cp);
	return cp;
}

int dg_text_utf8_repair(const char *s, size_t len, dg_buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	int err = 0;

	while (i < len && !err) {
		uint32_t cp;
		size_t n = dg_text_utf8_decode(u + i, len - i, &cp);

		if (n == 0 || cp == 0) {
			err = dg_buf_puts(out, "\xef\xbf\xbd");
			n = 1;
		} else {
			err = dg_buf_put(out, u + i, n);
		}
		i += n;
	}
	return err;
}

/* ---- width ---- */

/* Combining marks and zero-width characters (take no column). */
static const struct range zero_width[] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd }, { 0x0610, 0x061a },
	{ 0x064b, 0x065f }, { 0x0e31, 0x0e31 }, { 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e },
	{ 0x1160, 0x11ff }, { 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff }, { 0x200b, 0x200f },
	{ 0x202a, 0x202e }, { 0x2060, 0x2064 }, { 0x20d0, 0x20ff }, { 0x302a, 0x302d },
	{ 0x3099, 0x309a }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f }, { 0xfeff, 0xfeff },
	{ 0xe0100, 0xe01ef },
};

/* East Asian Wide (W) and Fullwidth (F) in Unicode's EastAsianWidth.txt,
 * neighbouring ranges merged. */
static const struct range wide[] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a }, { 0x23e9, 0x23ec },
	{ 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 }, { 0x25fd, 0x25fe }, { 0x2614, 0x2615 },
	{ 0x2648, 0x2653 }, { 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 }, { 0x26ce, 0x26ce },
	{ 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea }, { 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 },
	{ 0x26fa, 0x26fa }, { 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
	{ 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e }, { 0x2753, 0x2755 },
	{ 0x2757, 0x2757 }, { 0x2795, 0x2797 }, { 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf },
	{ 0x2b1b, 0x2b1c }, { 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x3029 },
	{ 0x302e, 0x303e }, { 0x3041, 0x3098 }, { 0x309b, 0x33ff }, { 0x3400, 0x4dbf },
	{ 0x4e00, 0xa4cf }, { 0xa960, 0xa97f }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff },
	{ 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f }, { 0xff00, 0xff60 }, { 0xffe0, 0xffe6 },
	{ 0x16fe0, 0x16fe4 }, { 0x17000, 0x18cff }, { 0x1b000, 0x1b2ff }, { 0x1f004, 0x1f004 },
	{ 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a }, { 0x1f200, 0x1f202 },
	{ 0x1f210, 0x1f23b }, { 0x1f240, 0x1f248 }, { 0x1f250, 0x1f251 }, { 0x1f260, 0x1f265 },
	{ 0x1f300, 0x1f320 }, { 0x1f32d, 0x1f335 }, { 0x1f337, 0x1f37c }, { 0x1f37e, 0x1f393 },
	{ 0x1f3a0, 0x1f3ca }, { 0x1f3cf, 0x1f3d3 }, { 0x1f3e0, 0x1f3f0 }, { 0x1f3f4, 0x1f3f4 },
	{ 0x1f3f8, 0x1f43e }, { 0x1f440, 0x1f440 }, { 0x1f442, 0x1f4fc }, { 0x1f4ff, 0x1f53d },
	{ 0x1f54b, 0x1f54e }, { 0x1f550, 0x1f567 }, { 0x1f57a, 0x1f57a }, { 0x1f595, 0x1f596 },
	{ 0x1f5a4, 0x1f5a4 }, { 0x1f5fb, 0x1f64f }, { 0x1f680, 0x1f6c5 }, { 0x1f6cc, 0x1f6cc },
	{ 0x1f6d0, 0x1f6d2 }, { 0x1f6d5, 0x1f6d7 }, { 0x1f6eb, 0x1f6ec }, { 0x1f6f4, 0x1f6fc },
	{ 0x1f7e0, 0x1f7eb }, { 0x1f90c, 0x1f93a }, { 0x1f93c, 0x1f945 }, { 0x1f947, 0x1f9ff },
	{ 0x1fa70, 0x1faff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
};

int dg_text_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 0;
	if (cp < 0x300)
		return 1;
	if (in_ranges(cp, zero_width, NRANGES(zero_width)))
		return 0;
	return in_ranges(cp, wide, NRANGES(wide)) ? 2 : 1;
}

/* ---- CJK ---- */

/* Each block starts with its range, for cmp_range. */
static const struct cjk_block {
	struct range r;
	enum dg_text_cjk cls;
} cjk_blocks[] = {
	{ { 0x1100, 0x11ff }, DG_TEXT_HANGUL },      /* Hangul Jamo */
	{ { 0x2e80, 0x2fdf }, DG_TEXT_HAN_PART },    /* CJK Radicals Supplement, Kangxi Radicals */
	{ { 0x2fe0, 0x2fff }, DG_TEXT_CJK_OTHER },   /* Ideographic Description Characters */
	{ { 0x3000, 0x303f }, DG_TEXT_CJK_PUNCT },
	{ { 0x3040, 0x30ff }, DG_TEXT_KANA },
	{ { 0x3100, 0x312f }, DG_TEXT_BOPOMOFO },
	{ { 0x3130, 0x318f }, DG_TEXT_HANGUL },      /* Hangul Compatibility Jamo */
	{ { 0x3190, 0x319f }, DG_TEXT_CJK_OTHER },   /* Kanbun */
	{ { 0x31a0, 0x31bf }, DG_TEXT_BOPOMOFO },    /* Bopomofo Extended */
	{ { 0x31c0, 0x31ef }, DG_TEXT_HAN_PART },    /* CJK Strokes */
	{ { 0x31f0, 0x31ff }, DG_TEXT_KANA },        /* Katakana Phonetic Extensions */
	{ { 0x3200, 0x33ff }, DG_TEXT_CJK_OTHER },   /* Enclosed CJK, CJK Compatibility */
	{ { 0x3400, 0x4dbf }, DG_TEXT_HAN },         /* Extension A */
	{ { 0x4dc0, 0x4dff }, DG_TEXT_CJK_OTHER },   /* Yijing Hexagram Symbols */
	{ { 0x4e00, 0x9fff }, DG_TEXT_HAN },
	{ { 0xa960, 0xa97f }, DG_TEXT_HANGUL },      /* Hangul Jamo Extended-A */
	{ { 0xac00, 0xd7af }, DG_TEXT_HANGUL },      /* Hangul Syllables */
	{ { 0xf900, 0xfaff }, DG_TEXT_HAN },         /* CJK Compatibility Ideographs */
	{ { 0xfe30, 0xfe4f }, DG_TEXT_CJK_OTHER },   /* CJK Compatibility Forms */
	{ { 0xff00, 0xffef }, DG_TEXT_FULLWIDTH },
	{ { 0x20000, 0x3ffff }, DG_TEXT_HAN },       /* Supplementary and Tertiary Ideographic Planes */
};

enum dg_text_cjk dg_text_cjk_class(uint32_t cp)
{
	const struct cjk_block *b = bsearch(&cp, cjk_blocks, NRANGES(cjk_blocks), sizeof(cjk_blocks[0]),
					    cmp_range);

	return b ? b->cls : DG_TEXT_NOT_CJK;
}

/* ---- cutting ---- */

static size_t units(uint32_t cp, enum dg_text_unit unit)
{
	return unit == DG_TEXT_CODE_POINTS ? 1 : (size_t)dg_text_width(cp);
}

int dg_text_cut(dg_buf *b, size_t max, enum dg_text_unit unit, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)b->ptr;
	size_t room, used = 0, i = 0, keep_end = 0, space_end = 0, space_used = 0;
	uint32_t last = 0, next = 0;
	int full = 0;

	if (!max || !b->len)
		return 0;
	/* "…" takes one unit in either measure. */
	room = (flags & DG_TEXT_CUT_AFTER) ? max : max - 1;
	while (i < b->len) {
		uint32_t cp;
		size_t n = dg_text_utf8_next(s + i, b->len - i, &cp), w = units(cp, unit);

		if (!full && used + w <= room) {
			if (cp == ' ') {
				space_end = i;
				space_used = used;
			}
			last = cp;
			keep_end = i + n;
		} else if (!full) {
			full = 1;
			next = cp;
		}
		used += w;
		i += n;
	}
	if (used <= max)
		return 0;
	if ((flags & DG_TEXT_CUT_WORD) && room && next != ' ' && last != ' ' &&
	    dg_text_cjk_class(last) == DG_TEXT_NOT_CJK && dg_text_cjk_class(next) == DG_TEXT_NOT_CJK &&
	    space_end && space_used >= room / 2)
		keep_end = space_end;
	if (flags & DG_TEXT_CUT_NEAR_SPACE) {
		size_t j = keep_end;

		while (j > 0 && keep_end - j < 20 && s[j] != ' ')
			j--;
		if (j > 0 && s[j] == ' ')
			keep_end = j;
	}
	if (flags & DG_TEXT_CUT_WORD)
		while (keep_end && (s[keep_end - 1] == ' ' || s[keep_end - 1] == ',' ||
				    s[keep_end - 1] == ';' || s[keep_end - 1] == ':'))
			keep_end--;
	b->len = keep_end;
	b->ptr[b->len] = '\0';
	return dg_buf_puts(b, DG_TEXT_ELLIPSIS);
}

int dg_text_cut_to_sentence(dg_buf *b)
{
	static const char ell[] = DG_TEXT_ELLIPSIS;
	size_t n = sizeof(ell) - 1, len, i = 0, end = 0;
	const unsigned char *s = (const unsigned char *)b->ptr;

	if (dg_buf_error(b) < 0)
		return dg_buf_error(b);
	if (b->len < n || memcmp(b->ptr + b->len - n, ell, n))
		return 0;
	len = b->len - n;
	while (i < len) {
		uint32_t cp;
		size_t k = dg_text_utf8_next(s + i, len - i, &cp);

		if (cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F ||
		    ((cp == '.' || cp == '!' || cp == '?') && i + k < len && s[i + k] == ' '))
			end = i + k;
		i += k;
	}
	if (end && end >= len / 2) {
		b->len = end;
		b->ptr[end] = '\0';
	}
	return 0;
}

char *dg_text_lower(const char *s)
{
	char *k = dg_strdup(s ? s : "");

	for (char *p = k; *p; p++)
		*p = (char)dg_str_lower((unsigned char)*p);
	return k;
}

int dg_text_is_han(uint32_t c)
{
	switch (dg_text_cjk_class(c)) {
	case DG_TEXT_HAN: case DG_TEXT_HAN_PART: case DG_TEXT_KANA: case DG_TEXT_BOPOMOFO:
		return 1;
	default:
		return 0;
	}
}

int dg_text_is_alnum_ascii(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Insert one ASCII space between Han and Latin letters/digits, except inside
 * URL-like tokens (containing "://" or starting with "www."). */
int dg_text_cjk_space(const char *in, size_t n, dg_buf *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0;
	int err = 0;

	while (i < n && !err) {
		size_t ts = i, te = i, j;
		int urlish;
		uint32_t prev = 0, cp;

		/* A token ends at ASCII space or U+00A0. */
		while (te < n && s[te] != ' ' && !(s[te] == 0xc2 && te + 1 < n && s[te + 1] == 0xa0))
			te++;
		urlish = dg_str_starts_ci((const char *)s + ts, te - ts, "www.");
		for (j = ts; !urlish && j + 2 < te; j++)
			if (s[j] == ':' && s[j + 1] == '/' && s[j + 2] == '/')
				urlish = 1;
		if (urlish) {
			err = dg_buf_put(out, s + ts, te - ts);
		} else {
			for (j = ts; j < te && !err;) {
				size_t len = dg_text_utf8_next(s + j, te - j, &cp);

				if (prev && ((dg_text_is_han(prev) && dg_text_is_alnum_ascii(cp)) ||
					     (dg_text_is_alnum_ascii(prev) && dg_text_is_han(cp))))
					err = dg_buf_putc(out, ' ');
				if (!err)
					err = dg_buf_put(out, s + j, len);
				prev = cp;
				j += len;
			}
		}
		if (err)
			break;
		i = te;
		if (i < n) {
			size_t sep = s[i] == ' ' ? 1 : 2;

			err = dg_buf_put(out, s + i, sep);
			i += sep;
		}
	}
	return err;
}

uint64_t dg_text_hash(const void *p, size_t n)
{
	uint64_t h = DG_TEXT_HASH_INIT;

	for (size_t i = 0; i < n; i++)
		h = dg_text_hash_byte(h, ((const unsigned char *)p)[i]);
	return h;
}
