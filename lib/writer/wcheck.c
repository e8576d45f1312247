/* The checks of one answer of the writer: pure, no request (wcheck.h). */
#include "writer/wcheck.h"
#include "base/str.h"
#include "base/text.h"

#include <stdint.h>
#include <string.h>

#define MAX_CHARS 300

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The length of a version-like token at s[i] (v?\d+\.\d+(\.\d+)?(-[0-9A-Za-z.]+)?),
 * 0 when none starts there; *start skips the leading 'v'. */
static size_t version_at(const char *s, size_t n, size_t i, size_t *start)
{
	size_t j = i, k;

	if (i > 0 && (is_alnum((unsigned char)s[i - 1]) || s[i - 1] == '.'))
		return 0;
	if (j < n && (s[j] == 'v' || s[j] == 'V'))
		j++;
	*start = j;
	for (k = 0; j < n && is_digit((unsigned char)s[j]); j++, k++)
		;
	if (!k || j + 1 >= n || s[j] != '.' || !is_digit((unsigned char)s[j + 1]))
		return 0;
	for (j++; j < n && is_digit((unsigned char)s[j]); j++)
		;
	if (j + 1 < n && s[j] == '.' && is_digit((unsigned char)s[j + 1]))
		for (j++; j < n && is_digit((unsigned char)s[j]); j++)
			;
	if (j + 1 < n && s[j] == '-' && is_alnum((unsigned char)s[j + 1]))
		for (j++; j < n && (is_alnum((unsigned char)s[j]) || s[j] == '.'); j++)
			;
	while (j > *start && s[j - 1] == '.')   /* the sentence's full stop is no part of it */
		j--;
	return j - i;
}

/* `tok` occurs in `facts` as a whole version: not inside a longer number
 * ("2.3" is not in "1.2.3", nor "1.2" in "1.20"). */
static int has_version(const char *facts, const char *tok, size_t len)
{
	size_t n = facts ? strlen(facts) : 0;

	for (const char *at = facts; at && (at = dg_str_find(at, n - (size_t)(at - facts), tok, len)); at++) {
		char before = at > facts ? at[-1] : ' ', after = at[len];
		if (!is_digit((unsigned char)before) && before != '.' && !is_digit((unsigned char)after) &&
		    !(after == '.' && is_digit((unsigned char)at[len + 1])))
			return 1;
	}
	return 0;
}

static int has_url(const char *s, size_t n)
{
	return dg_str_find_ci(s, n, "://") || dg_str_find_ci(s, n, "www.") || dg_str_find_ci(s, n, "mailto:") ||
	       dg_str_find_ci(s, n, "javascript:") || dg_str_find_ci(s, n, "data:");
}

/* '<' followed by a letter, '/' or '!': the start of a tag or a comment. */
static int has_tag(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '<' && (is_alnum((unsigned char)s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!'))
			return 1;
	return 0;
}

static int has_md_link(const char *s, size_t n)
{
	return dg_str_find(s, n, "](", 2) || dg_str_find(s, n, "![", 2) || dg_str_find(s, n, "]: ", 3) ||
	       dg_str_find(s, n, "]:", 2);
}

const char *dg_writer_check(const char *text, const char *facts, const char *language)
{
	size_t n = strlen(text), chars = 0, han = 0, latin = 0, i;
	const unsigned char *u = (const unsigned char *)text;

	if (!n)
		return "empty";
	if (has_url(text, n))
		return "it carries a URL";
	if (has_tag(text, n))
		return "it carries an HTML tag";
	if (has_md_link(text, n))
		return "it carries a Markdown link or image";
	for (i = 0; i < n;) {
		uint32_t cp;
		size_t step = dg_text_utf8_decode(u + i, n - i, &cp);

		if (!step)
			return "it is not valid UTF-8";
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return "it carries control characters or line breaks";
		if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029)
			return "it carries bidirectional or line separator characters";
		chars++;
		if (dg_text_is_han(cp))
			han++;
		else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
			latin++;
		i += step;
	}
	if (chars > MAX_CHARS)
		return "it is longer than 300 characters";
	/* zh: mostly Han characters (identifiers and versions may stay Latin);
	 * en: no Han at all. */
	if (!strcmp(language, "zh") && (han == 0 || han < latin))
		return "it is not mostly in Chinese";
	if (!strcmp(language, "en") && (han > 0 || latin == 0))
		return "it is not in English";
	for (i = 0; i < n; i++) {
		size_t start = 0, len = version_at(text, n, i, &start);

		if (!len)
			continue;
		if (!has_version(facts, text + start, len - (start - i)))
			return "it names a version that is not in the facts";
		i += len - 1;
	}
	return NULL;
}
