#include "model/notes.h"
#include "base/buf.h"
#include "base/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum section { S_OTHER, S_FEATURE, S_FIX, S_SKIP };

static int has_word(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= len; i++)
		if (!strncasecmp(s + i, word, n))
			return 1;
	return 0;
}

static enum section classify(const char *s, size_t len)
{
	static const char *const fix[] = {"fix", "bug", "修复", "问题"};
	static const char *const feature[] = {"feature", "enhancement", "improvement", "new",
					      "added", "highlight", "major", "notable", "新功能",
					      "新特性", "功能", "优化", "增强", "亮点", "特性"};
	static const char *const skip[] = {"deprecat", "remov", "breaking", "known issue",
					   "contributor", "dependenc", "checksum", "download",
					   "changelog", "docker image", "废弃", "移除"};

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (has_word(s, len, skip[i]))
			return S_SKIP;
	for (size_t i = 0; i < sizeof(fix) / sizeof(fix[0]); i++)
		if (has_word(s, len, fix[i]))
			return S_FIX;
	for (size_t i = 0; i < sizeof(feature) / sizeof(feature[0]); i++)
		if (has_word(s, len, feature[i]))
			return S_FEATURE;
	return S_OTHER;
}

/* A heading: "## X", "**X**" alone on a line, or "X:" short line. */
static int heading_text(const char *s, size_t len, const char **t, size_t *tlen)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\r'))
		len--;
	if (len && s[0] == '#') {
		while (len && (*s == '#' || *s == ' '))
			s++, len--;
		*t = s;
		*tlen = len;
		return 1;
	}
	if (len > 4 && !strncmp(s, "**", 2) && !strncmp(s + len - 2, "**", 2)) {
		*t = s + 2;
		*tlen = len - 4;
		return 1;
	}
	if (len > 1 && len < 40 && s[len - 1] == ':' && !strchr("-*+", s[0])) {
		*t = s;
		*tlen = len - 1;
		return 1;
	}
	return 0;
}

/* Top-level list item: returns the text after the marker, or NULL. */
static const char *list_item(const char *s, size_t len, size_t *ilen)
{
	size_t i = 0;

	if (len >= 2 && strchr("-*+", s[0]) && s[1] == ' ') {
		i = 2;
	} else {
		while (i < len && isdigit((unsigned char)s[i]))
			i++;
		if (!i || i + 1 >= len || (s[i] != '.' && s[i] != ')') || s[i + 1] != ' ')
			return NULL;
		i += 2;
	}
	*ilen = len - i;
	return s + i;
}

/* Markdown-ish item to plain text. */
static char *plain(const char *s, size_t len)
{
	dg_buf b = DG_BUF_INIT;
	size_t i = 0;

	while (i < len) {
		char c = s[i];
		if (c == '!' && i + 1 < len && s[i + 1] == '[') {
			/* image: drop it whole */
			const char *close = memchr(s + i, ']', len - i);
			if (close && (size_t)(close - s) + 1 < len && close[1] == '(') {
				const char *paren = memchr(close, ')', len - (size_t)(close - s));
				if (paren) {
					i = (size_t)(paren - s) + 1;
					continue;
				}
			}
		}
		if (c == '[') {
			const char *close = memchr(s + i, ']', len - i);
			if (close && (size_t)(close - s) + 1 < len && close[1] == '(') {
				const char *paren = memchr(close, ')', len - (size_t)(close - s));
				if (paren) {
					dg_buf_put(&b, s + i + 1, (size_t)(close - s) - i - 1);
					i = (size_t)(paren - s) + 1;
					continue;
				}
			}
		}
		if (c == '<') {
			const char *gt = memchr(s + i, '>', len - i);
			if (gt && (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/')) {
				i = (size_t)(gt - s) + 1;
				continue;
			}
		}
		if (c == '*' || c == '`' || (c == '_' && i + 1 < len && s[i + 1] == '_')) {
			i += (c == '_') ? 2 : 1;
			continue;
		}
		if (c == '\r' || c == '\n' || c == '\t')
			c = ' ';
		dg_buf_putc(&b, c);
		i++;
	}
	/* "... by @someone in https://github.com/o/r/pull/1": keep the change. */
	{
		char *p = b.ptr ? strstr(b.ptr, " by @") : NULL;
		if (p && strstr(p, " in http"))
			*p = '\0', b.len = (size_t)(p - b.ptr);
	}
	/* trim */
	{
		char *out = dg_buf_detach(&b), *start = out;
		size_t n;
		if (!out)
			return NULL;
		while (*start == ' ')
			start++;
		n = strlen(start);
		while (n && start[n - 1] == ' ')
			n--;
		memmove(out, start, n);
		out[n] = '\0';
		return out;
	}
}

char *dg_notes_cut(const char *s, size_t max_chars)
{
	dg_buf b = DG_BUF_INIT;

	/* max_chars code points and then "…"; a Latin word is not split when a
	 * space is near. */
	if (dg_buf_puts(&b, s) < 0 ||
	    dg_text_cut(&b, max_chars, DG_TEXT_CODE_POINTS, DG_TEXT_CUT_AFTER | DG_TEXT_CUT_NEAR_SPACE) < 0) {
		dg_buf_free(&b);
		return NULL;
	}
	return dg_buf_detach(&b);
}

json_t *dg_notes_extract(const char *body, size_t max_lines, size_t max_chars, int *truncated)
{
	json_t *features = json_array(), *fixes = json_array(), *others = json_array(), *out = json_array();
	enum section sec = S_OTHER;
	const char *p = body ? body : "", *first_para = NULL;
	size_t first_para_len = 0, total = 0;
	int in_code = 0;

	*truncated = 0;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *line = p, *t, *item;
		size_t tlen, ilen;

		p = eol ? eol + 1 : p + len;
		if (len >= 3 && (!strncmp(line, "```", 3) || !strncmp(line, "~~~", 3))) {
			in_code = !in_code;
			continue;
		}
		if (in_code)
			continue;
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
			len--;
		if (!len)
			continue;
		if (heading_text(line, len, &t, &tlen)) {
			sec = classify(t, tlen);
			continue;
		}
		if ((item = list_item(line, len, &ilen))) {
			json_t *dest = sec == S_FEATURE ? features : sec == S_FIX ? fixes :
				       sec == S_OTHER ? others : NULL;
			char *text;
			if (!dest)
				continue;
			text = plain(item, ilen);
			if (text && *text) {
				char *cut = dg_notes_cut(text, max_chars);
				json_array_append_new(dest, json_string(cut ? cut : text));
				free(cut);
			}
			free(text);
			continue;
		}
		if (!first_para && line[0] != ' ' && line[0] != '|' && line[0] != '>' && line[0] != '_' &&
		    strncmp(line, "**Full Changelog", 16)) {
			first_para = line;
			first_para_len = len;
		}
	}
	total = json_array_size(features) + json_array_size(fixes);
	if (total) {
		/* Features first, but leave fixes a share of the lines. */
		size_t want_fix = json_array_size(fixes) < max_lines / 2 ? json_array_size(fixes) : max_lines / 2;
		size_t want_feat = max_lines - want_fix;
		if (want_feat > json_array_size(features)) {
			want_feat = json_array_size(features);
			want_fix = json_array_size(fixes) < max_lines - want_feat ? json_array_size(fixes)
										: max_lines - want_feat;
		}
		for (size_t i = 0; i < want_feat; i++)
			json_array_append(out, json_array_get(features, i));
		for (size_t i = 0; i < want_fix; i++)
			json_array_append(out, json_array_get(fixes, i));
		*truncated = total > json_array_size(out) || json_array_size(others) > 0;
	} else if (json_array_size(others)) {
		for (size_t i = 0; i < json_array_size(others) && i < max_lines; i++)
			json_array_append(out, json_array_get(others, i));
		*truncated = json_array_size(others) > json_array_size(out);
	} else if (first_para && max_lines) {
		char *text = plain(first_para, first_para_len), *cut = text ? dg_notes_cut(text, max_chars) : NULL;
		if (cut && *cut)
			json_array_append_new(out, json_string(cut));
		*truncated = 1;
		free(text);
		free(cut);
	}
	json_decref(features);
	json_decref(fixes);
	json_decref(others);
	return out;
}
