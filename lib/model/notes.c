#include "model/notes.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/text.h"
#include "select/highlights.h"
#include "select/lineclass.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum section { S_OTHER, S_FEATURE, S_FIX, S_SKIP, S_HEAD };

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
		if (dg_str_find_ci(s, len, skip[i]))
			return S_SKIP;
	for (size_t i = 0; i < sizeof(fix) / sizeof(fix[0]); i++)
		if (dg_str_find_ci(s, len, fix[i]))
			return S_FIX;
	for (size_t i = 0; i < sizeof(feature) / sizeof(feature[0]); i++)
		if (dg_str_find_ci(s, len, feature[i]))
			return S_FEATURE;
	return S_OTHER;
}

/* Inline text of a node: links keep their text; images, HTML and the
 * marks of emphasis and code go. */
static void inline_text(cmark_node *n, dg_buf *b)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			dg_buf_puts(b, cmark_node_get_literal(c) ? cmark_node_get_literal(c) : "");
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			dg_buf_putc(b, ' ');
			break;
		case CMARK_NODE_IMAGE:
		case CMARK_NODE_HTML_INLINE:
			break;
		default:
			inline_text(c, b);
		}
	}
}

/* Display width of s[0..len). */
static size_t width_of(const char *s, size_t len)
{
	size_t w = 0, i = 0, k;
	uint32_t cp;

	while (i < len && (k = dg_text_utf8_next((const unsigned char *)s + i, len - i, &cp)) > 0) {
		int cw = dg_text_width(cp);
		w += cw > 0 ? (size_t)cw : 0;
		i += k;
	}
	return w;
}

static int bot_login(const char *s, size_t len)
{
	return (len > 3 && dg_str_eq_ci(s + len - 3, "bot", 3)) || (len > 5 && dg_str_eq_ci(s + len - 5, "[bot]", 5));
}

/* The text without a conventional-commit prefix that repeats its verb
 * (dg_line_strip_prefix); takes `b` over. */
static char *unprefix(dg_buf *b)
{
	const char *start;
	int cap;
	size_t len = b->ptr ? dg_line_strip_prefix(b->ptr, b->len, &start, &cap) : 0;
	char *out;

	if (!b->ptr || start == b->ptr)
		return dg_buf_detach(b);
	out = dg_malloc(len + 1);
	memcpy(out, start, len);
	out[len] = '\0';
	if (cap && *out >= 'a' && *out <= 'z')
		*out = (char)(*out - 'a' + 'A');
	dg_buf_free(b);
	return out;
}

/* Plain text of an item: credits "by @x in URL" and bots' attributions
 * ("@ks-ci-bot") go, and branch prefixes ("[release-3.2] "). */
static char *clean(const char *text)
{
	const char *start;
	int bp;
	size_t len = dg_highlight_base_title(text, &start, &bp), i = 0;
	dg_buf b = DG_BUF_INIT;
	char *p;

	while (i < len) {
		if (start[i] == '@' && (i == 0 || !isalnum((unsigned char)start[i - 1]))) {
			size_t k = i + 1;
			while (k < len && (isalnum((unsigned char)start[k]) || strchr("-_[]", start[k])))
				k++;
			if (bot_login(start + i + 1, k - i - 1)) {
				while (b.len && b.ptr[b.len - 1] == ' ')
					b.ptr[--b.len] = '\0';
				i = k;
				continue;
			}
		}
		if (!(start[i] == ' ' || start[i] == '\t') || (b.len && b.ptr[b.len - 1] != ' '))
			dg_buf_putc(&b, start[i] == '\t' ? ' ' : start[i]);
		i++;
	}
	if (b.ptr && (p = strstr(b.ptr, " by @")) && strstr(p, " in http"))
		*p = '\0', b.len = (size_t)(p - b.ptr);
	/* trailing credits ("... (#2495) @harrisonliu5") say who, not what */
	for (;;) {
		while (b.len && (b.ptr[b.len - 1] == ' ' || b.ptr[b.len - 1] == ','))
			b.ptr[--b.len] = '\0';
		p = b.ptr ? strrchr(b.ptr, ' ') : NULL;
		if (!p || p[1] != '@' || !p[2] || strspn(p + 2, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != strlen(p + 2))
			break;
		*p = '\0', b.len = (size_t)(p - b.ptr);
	}
	return dg_buf_detach(&b);
}

/* An unclosed "(" holding a reference ("(#6693, #66…") goes whole. */
static void keep_references_whole(dg_buf *b)
{
	char *open = NULL;

	for (char *p = b->ptr; p && *p; p++)
		if (*p == '(')
			open = p;
		else if (*p == ')')
			open = NULL;
	if (!open || !strchr(open, '#'))
		return;
	b->len = (size_t)(open - b->ptr);
	while (b->len && b->ptr[b->len - 1] == ' ')
		b->len--;
	b->ptr[b->len] = '\0';
	dg_buf_puts(b, "…");
}

char *dg_notes_cut(const char *s, size_t max_width)
{
	dg_buf b = DG_BUF_INIT;   /* no cap: its appends and cuts cannot fail */
	size_t len = strlen(s), best = 0;

	if (!max_width || width_of(s, len) <= max_width)
		return dg_strdup(s);
	dg_buf_puts(&b, s);
	/* The last sentence that ends within the width, if it keeps half. */
	for (size_t i = 0; i < len; i++) {
		int ascii_end = strchr(".;!?", s[i]) && (i + 1 == len || s[i + 1] == ' ');
		int cjk_end = !strncmp(s + i, "。", 3) || !strncmp(s + i, "；", 3) || !strncmp(s + i, "！", 3);
		size_t end = i + (cjk_end ? 3 : 1);
		if (!ascii_end && !cjk_end)
			continue;
		if (width_of(s, end) + 1 > max_width)
			break;
		if (width_of(s, end) * 2 >= max_width)
			best = end;
	}
	if (best) {
		/* a whole sentence needs no "…" */
		b.len = best;
		b.ptr[best] = '\0';
	} else {
		dg_text_cut(&b, max_width, DG_TEXT_WIDTH, DG_TEXT_CUT_WORD);
	}
	keep_references_whole(&b);
	return dg_buf_detach(&b);
}

/* Parse with the tables of GitHub's Markdown (so a table is no paragraph). */
static cmark_node *parse(const char *body)
{
	/* Our allocator (base/alloc.h), as lib/render/markdown.c. */
	cmark_parser *parser = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, dg_alloc_cmark());
	cmark_syntax_extension *table;
	cmark_node *doc;

	cmark_gfm_core_extensions_ensure_registered();
	if ((table = cmark_find_syntax_extension("table")))
		cmark_parser_attach_syntax_extension(parser, table);
	cmark_parser_feed(parser, body, strlen(body));
	doc = cmark_parser_finish(parser);
	cmark_parser_free(parser);
	return doc;
}

/* A paragraph that is a heading in disguise: "**Features**" alone, or a
 * short line ending in ":". */
static int pseudo_heading(cmark_node *para, const char *text)
{
	cmark_node *only = cmark_node_first_child(para);
	size_t n = strlen(text);

	if (only && !cmark_node_next(only) && cmark_node_get_type(only) == CMARK_NODE_STRONG)
		return 1;
	return n > 1 && n < 40 && text[n - 1] == ':';
}

/* The text of `n` (inline children) cleaned and cut; NULL when empty.
 * *kind (may be NULL) is what the line says it is, read before its
 * prefix goes ("fix: Add the x" is a fix). */
static json_t *item_of(cmark_node *n, size_t max_width, enum dg_line_kind *kind)
{
	dg_buf b = DG_BUF_INIT;
	char *raw, *text = NULL, *cut = NULL;
	json_t *out = NULL;

	inline_text(n, &b);
	raw = dg_buf_detach(&b);
	text = clean(raw);
	if (kind)
		*kind = dg_line_kind_of(text, strlen(text));
	{
		dg_buf t = DG_BUF_INIT;
		dg_buf_puts(&t, text);
		free(text);
		text = unprefix(&t);
	}
	if (*text) {
		/* NULL only when the cut text is no valid UTF-8 (the caller skips it) */
		cut = dg_notes_cut(text, max_width);
		out = json_string(cut);
	}
	free(raw);
	free(text);
	free(cut);
	return out;
}

/* The lines of the notes by where they stand and what they say. */
typedef struct {
	json_t *head_subs;   /* sub-headings of headline sections: the news */
	json_t *head_lists;  /* list items of headline sections */
	json_t *features, *fixes, *others, *chores;
	json_t *first_para;
} note_lines;

static void add_line(note_lines *nl, enum section sec, int sub_level, json_t *line, enum dg_line_kind k)
{
	json_t *dest;

	if (k == DG_LINE_CHORE)
		dest = nl->chores;
	else if (sec == S_HEAD)
		dest = sub_level ? NULL : nl->head_lists;   /* under a sub-heading: its details */
	else if (sec == S_FEATURE)
		dest = nl->features;
	else if (sec == S_FIX)
		dest = nl->fixes;
	else
		dest = k == DG_LINE_FEATURE ? nl->features : k == DG_LINE_FIX ? nl->fixes : nl->others;
	if (dest)
		json_array_append(dest, line);
}

static void walk(cmark_node *doc, size_t max_width, note_lines *nl)
{
	enum section sec = S_OTHER;
	int sec_level = 0, sub_level = 0;

	for (cmark_node *n = doc ? cmark_node_first_child(doc) : NULL; n; n = cmark_node_next(n)) {
		cmark_node_type type = cmark_node_get_type(n);
		dg_buf b = DG_BUF_INIT;
		char *text;

		if (type == CMARK_NODE_HEADING || type == CMARK_NODE_PARAGRAPH) {
			int level = type == CMARK_NODE_HEADING ? cmark_node_get_heading_level(n) : 7;
			inline_text(n, &b);
			text = dg_buf_detach(&b);
			if (type == CMARK_NODE_HEADING && sec == S_HEAD && level > sec_level) {
				/* a headline section's sub-headings are its items; deeper
				 * ones and asides ("(No, really, ...)") are its details */
				const char *t = text;
				while (*t == ' ')
					t++;
				if (!sub_level && *t && *t != '(')
					sub_level = level;
				if (level == sub_level && *t != '(') {
					json_t *line = item_of(n, max_width, NULL);
					if (line)
						json_array_append_new(nl->head_subs, line);
				}
			} else if (type == CMARK_NODE_HEADING || (sec != S_HEAD && pseudo_heading(n, text))) {
				/* ("Key improvements:" inside a headline section is its prose) */
				sec = dg_line_headline_heading(text, strlen(text)) ? S_HEAD : classify(text, strlen(text));
				if (type == CMARK_NODE_HEADING || sec != S_HEAD)
					sec_level = level;
				sub_level = 0;
			} else if (!nl->first_para && strncmp(text, "Full Changelog", 14) &&
				   cmark_node_get_type(cmark_node_first_child(n)) != CMARK_NODE_EMPH) {
				nl->first_para = item_of(n, max_width, NULL);
			}
			free(text);
		} else if (type == CMARK_NODE_LIST && sec != S_SKIP) {
			for (cmark_node *it = cmark_node_first_child(n); it; it = cmark_node_next(it)) {
				cmark_node *para = cmark_node_first_child(it);
				enum dg_line_kind k = DG_LINE_OTHER;
				json_t *line = para && cmark_node_get_type(para) == CMARK_NODE_PARAGRAPH
						       ? item_of(para, max_width, &k) : NULL;
				if (line)
					add_line(nl, sec, sub_level, line, k);
				json_decref(line);
			}
		}
	}
}

/* Append the lines of `from` to `out` up to `max`, but none whose key
 * (dg_line_key) is in `keys` already: near-duplicates are told once. */
static void take(json_t *out, json_t *keys, json_t *from, size_t max, size_t *seen)
{
	size_t i;
	json_t *line;

	json_array_foreach(from, i, line) {
		const char *t = json_string_value(line);
		char *k = dg_line_key(t, strlen(t));
		if (!json_object_get(keys, k)) {
			json_object_set_new(keys, k, json_true());
			(*seen)++;
			if (json_array_size(out) < max)
				json_array_append(out, line);
		}
		free(k);
	}
}

json_t *dg_notes_extract(const char *body, size_t max_lines, size_t max_width, int *truncated)
{
	note_lines nl = {json_array(), json_array(), json_array(), json_array(), json_array(), json_array(), NULL};
	json_t *out = json_array(), *keys = json_object();
	cmark_node *doc = parse(body ? body : "");
	size_t seen = 0;
	int subs;

	*truncated = 0;
	walk(doc, max_width, &nl);
	if (doc)
		cmark_node_free(doc);
	subs = json_array_size(nl.head_subs) > 0;
	/* The headline sections' sub-headings (else their items) first, then
	 * features, fixes and the rest; chores only when fewer than three
	 * other lines are there to tell. */
	take(out, keys, subs ? nl.head_subs : nl.head_lists, max_lines, &seen);
	if (subs)
		take(out, keys, nl.head_lists, max_lines, &seen);
	take(out, keys, nl.features, max_lines, &seen);
	take(out, keys, nl.fixes, max_lines, &seen);
	take(out, keys, nl.others, max_lines, &seen);
	if (seen < DG_LINE_CHORES_BELOW)
		take(out, keys, nl.chores, max_lines, &seen);
	else
		seen += json_array_size(nl.chores);
	if (seen) {
		*truncated = seen > json_array_size(out);
	} else if (nl.first_para && max_lines) {
		json_array_append(out, nl.first_para);
		*truncated = 1;
	}
	json_decref(nl.first_para);
	json_decref(nl.head_subs);
	json_decref(nl.head_lists);
	json_decref(nl.features);
	json_decref(nl.fixes);
	json_decref(nl.others);
	json_decref(nl.chores);
	json_decref(keys);
	return out;
}
