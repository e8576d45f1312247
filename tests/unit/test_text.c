#include "check.h"
#include "render/render.h"
#include "base/buf.h"
#include "base/text.h"

#include <stdlib.h>

static size_t dec(const char *s, size_t len, uint32_t *cp)
{
	return dg_text_utf8_decode((const unsigned char *)s, len, cp);
}

static void test_decode(void)
{
	uint32_t cp;

	CHECK(dec("A", 1, &cp) == 1 && cp == 'A', "ASCII");
	CHECK(dec("\xc3\xa9", 2, &cp) == 2 && cp == 0xe9, "two bytes");
	CHECK(dec("\xe4\xb8\xad", 3, &cp) == 3 && cp == 0x4e2d, "three bytes");
	CHECK(dec("\xf0\x9f\x9a\x80", 4, &cp) == 4 && cp == 0x1f680, "four bytes");
	CHECK(dec("\xf4\x8f\xbf\xbf", 4, &cp) == 4 && cp == 0x10ffff, "U+10FFFF is the last");
	CHECK(dec("", 0, &cp) == 0, "empty input");
	CHECK(dec("\x80", 1, &cp) == 0 && cp == 0xfffd, "stray continuation byte");
	CHECK(dec("\xff", 1, &cp) == 0, "0xFF never starts a sequence");
	CHECK(dec("\xc0\xaf", 2, &cp) == 0, "overlong 2-byte (C0)");
	CHECK(dec("\xc1\xbf", 2, &cp) == 0, "overlong 2-byte (C1)");
	CHECK(dec("\xe0\x80\xaf", 3, &cp) == 0, "overlong 3-byte");
	CHECK(dec("\xf0\x80\x80\xaf", 4, &cp) == 0, "overlong 4-byte");
	CHECK(dec("\xed\xa0\x80", 3, &cp) == 0, "high surrogate U+D800");
	CHECK(dec("\xed\xbf\xbf", 3, &cp) == 0, "low surrogate U+DFFF");
	CHECK(dec("\xf4\x90\x80\x80", 4, &cp) == 0, "past U+10FFFF");
	CHECK(dec("\xe4\xb8", 2, &cp) == 0, "truncated sequence");
	CHECK(dec("\xe4\x41\xad", 3, &cp) == 0, "bad continuation byte");

	CHECK(dg_text_utf8_next((const unsigned char *)"\x80z", 2, &cp) == 1 && cp == 0xfffd,
	      "lenient: invalid byte is U+FFFD, one byte");
	CHECK(dg_text_utf8_next((const unsigned char *)"", 0, &cp) == 0 && cp == 0, "lenient: empty");
	CHECK(dg_text_utf8_last((const unsigned char *)"a\xe4\xb8\xad", 4) == 0x4e2d, "last code point");
	CHECK(dg_text_utf8_last((const unsigned char *)"\x80\x80", 2) == 0xfffd, "last of garbage");
	CHECK(dg_text_utf8_last((const unsigned char *)"", 0) == 0, "last of nothing");
}

static void test_repair(void)
{
	dg_buf b = DG_BUF_INIT;

	CHECK(dg_text_utf8_repair("a\xff" "b\0c\xed\xa0\x80", 8, &b) == 0, "repair");
	CHECK_STR(dg_buf_cstr(&b),
		  "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
		  "invalid bytes and NUL become U+FFFD, byte by byte");
	dg_buf_free(&b);
}

static void test_classes(void)
{
	CHECK(dg_text_width('a') == 1 && dg_text_width(0xe9) == 1, "Latin: one column");
	CHECK(dg_text_width(0x4e2d) == 2 && dg_text_width(0xac00) == 2, "Han, Hangul: two columns");
	CHECK(dg_text_width(0xff21) == 2 && dg_text_width(0x3001) == 2, "fullwidth and CJK punctuation: two");
	CHECK(dg_text_width(0xff61) == 1, "halfwidth katakana punctuation: one");
	CHECK(dg_text_width(0x1f680) == 2 && dg_text_width(0x20000) == 2, "emoji, plane 2: two");
	CHECK(dg_text_width(0x0301) == 0 && dg_text_width(0x200b) == 0 && dg_text_width('\n') == 0,
	      "combining, zero-width and controls: none");
	CHECK(dg_text_width(0x2026) == 1, "the ellipsis takes one column");

	CHECK(dg_text_cjk_class(0x4e2d) == DG_TEXT_HAN && dg_text_cjk_class(0x2a6d6) == DG_TEXT_HAN, "Han");
	CHECK(dg_text_cjk_class(0x3042) == DG_TEXT_KANA && dg_text_cjk_class(0x3105) == DG_TEXT_BOPOMOFO,
	      "kana, bopomofo");
	CHECK(dg_text_cjk_class(0xac00) == DG_TEXT_HANGUL && dg_text_cjk_class(0x3002) == DG_TEXT_CJK_PUNCT,
	      "Hangul, CJK punctuation");
	CHECK(dg_text_cjk_class(0xff0c) == DG_TEXT_FULLWIDTH && dg_text_cjk_class(0x2f00) == DG_TEXT_HAN_PART,
	      "fullwidth, radicals");
	CHECK(dg_text_cjk_class('a') == DG_TEXT_NOT_CJK && dg_text_cjk_class(0xa0) == DG_TEXT_NOT_CJK &&
	      dg_text_cjk_class(0x1f680) == DG_TEXT_NOT_CJK, "Latin, NBSP, emoji are not CJK");
}

/* s cut with the given arguments, or NULL on error; caller frees. */
static char *cut(const char *s, size_t max, enum dg_text_unit unit, unsigned flags)
{
	dg_buf b = DG_BUF_INIT;

	if (dg_buf_puts(&b, s) < 0 || dg_text_cut(&b, max, unit, flags) < 0) {
		dg_buf_free(&b);
		return NULL;
	}
	return dg_buf_detach(&b);
}

#define CUT_IS(s, max, unit, flags, want, what)           \
	do {                                              \
		char *got_ = cut(s, max, unit, flags);    \
		CHECK_STR(got_, want, what);              \
		free(got_);                               \
	} while (0)

static void test_cut(void)
{
	const enum dg_text_unit W = DG_TEXT_WIDTH, CP = DG_TEXT_CODE_POINTS;

	CUT_IS("hello", 5, W, 0, "hello", "exactly at the limit: untouched");
	CUT_IS("hello!", 5, W, 0, "hell\xe2\x80\xa6", "one over: four kept and the ellipsis");
	CUT_IS("hello", 0, W, 0, "hello", "0 = no limit");
	CUT_IS("", 3, W, 0, "", "empty stays empty");
	CUT_IS("abc", 1, W, 0, "\xe2\x80\xa6", "limit 1: only the ellipsis");
	CUT_IS("hello!", 5, W, DG_TEXT_CUT_AFTER, "hello\xe2\x80\xa6", "ellipsis after the limit");

	/* 中文字符 is 8 columns, 4 code points. */
	CUT_IS("中文字符", 8, W, 0, "中文字符", "CJK at the width limit: untouched");
	CUT_IS("中文字符", 7, W, 0, "中文字\xe2\x80\xa6", "wide characters count two");
	CUT_IS("中文字符", 6, W, 0, "中文\xe2\x80\xa6", "a wide character that does not fit goes whole");
	CUT_IS("中文字符", 4, CP, 0, "中文字符", "code points: four fit in four");
	CUT_IS("中文字符", 3, CP, 0, "中文\xe2\x80\xa6", "code points: cut after two");
	CUT_IS("a中b", 3, W, 0, "a\xe2\x80\xa6", "never half a wide character");
	CUT_IS("ab\xf0\x9f\x9a\x80" "cd", 4, W, 0, "ab\xe2\x80\xa6", "emoji is wide and never split");
	CUT_IS("e\xcc\x81" "e\xcc\x81" "e", 2, W, 0, "e\xcc\x81\xe2\x80\xa6",
	       "a combining mark stays with its letter");
	CUT_IS("ab\xff" "cd", 4, W, 0, "ab\xff\xe2\x80\xa6", "an invalid byte counts one and is not split");

	CUT_IS("The quick brown fox jumps", 20, CP, DG_TEXT_CUT_WORD, "The quick brown fox\xe2\x80\xa6",
	       "word: back to the last space");
	CUT_IS("Hello, wonderful world", 12, CP, DG_TEXT_CUT_WORD, "Hello\xe2\x80\xa6",
	       "word: trailing comma dropped");
	CUT_IS("a bcdefghijklmnop", 10, CP, DG_TEXT_CUT_WORD, "a bcdefgh\xe2\x80\xa6",
	       "word: no back-up that would lose more than half");
	CUT_IS("云原生 技术交流会议", 7, CP, DG_TEXT_CUT_WORD, "云原生 技术\xe2\x80\xa6",
	       "word: CJK is cut anywhere");
	CUT_IS("hello wonderful world", 13, CP, DG_TEXT_CUT_AFTER | DG_TEXT_CUT_NEAR_SPACE,
	       "hello\xe2\x80\xa6", "near space: back up within 20 bytes");
	CUT_IS("云原生技术交流会议", 4, CP, DG_TEXT_CUT_AFTER | DG_TEXT_CUT_NEAR_SPACE,
	       "云原生技\xe2\x80\xa6", "near space: none, cut on the boundary");
}

static char *spaced(const char *s, int markdown)
{
	dg_buf b = DG_BUF_INIT;

	if ((markdown ? dg_render_escape_markdown(&b, s, strlen(s)) : dg_text_cjk_space(s, strlen(s), &b)) < 0) {
		dg_buf_free(&b);
		return NULL;
	}
	return dg_buf_detach(&b);
}

static char *to_sentence(const char *s)
{
	dg_buf b = DG_BUF_INIT;

	if (dg_buf_puts(&b, s) < 0 || dg_text_cut_to_sentence(&b) < 0) {
		dg_buf_free(&b);
		return NULL;
	}
	return dg_buf_detach(&b);
}

#define SENTENCE_IS(s, want, what)                         \
	do {                                               \
		char *got_ = to_sentence(s);               \
		CHECK_STR(got_, want, what);               \
		free(got_);                                \
	} while (0)

static void test_cut_to_sentence(void)
{
	/* Ghost's changelog summary as the feed reader cut it. */
	SENTENCE_IS("You can now choose whether or not to publish a post on your website, when sending an email "
		    "newsletter to members. Now\xe2\x80\xa6",
		    "You can now choose whether or not to publish a post on your website, when sending an email "
		    "newsletter to members.", "back to the last whole sentence, no ellipsis");
	SENTENCE_IS("Kubernetes 1.31 is here. It brings\xe2\x80\xa6 many things and more and more and more\xe2\x80\xa6",
		    "Kubernetes 1.31 is here. It brings\xe2\x80\xa6 many things and more and more and more\xe2\x80\xa6",
		    "a sentence that keeps less than half: left as cut");
	SENTENCE_IS("云原生周刊第一期今天在社区正式发布了。本期介绍开源项\xe2\x80\xa6",
		    "云原生周刊第一期今天在社区正式发布了。", "CJK full stop ends a sentence");
	SENTENCE_IS("v1.2.3 is out and fixes bugs in the node lifecycle controller\xe2\x80\xa6",
		    "v1.2.3 is out and fixes bugs in the node lifecycle controller\xe2\x80\xa6",
		    "a dot inside a version is no sentence end");
	SENTENCE_IS("A whole text. Not cut.", "A whole text. Not cut.", "a text that was not cut is left alone");
}

/* The CJK spacing rule, shared by the Markdown and the WeChat HTML. */
static void test_cjk_space(void)
{
	static const struct {
		const char *in;
		int markdown;
		const char *want, *what;
	} cases[] = {
		{"发布了v3.2版本，支持ARM64架构", 0, "发布了 v3.2 版本，支持 ARM64 架构",
		 "a space between Han and Latin letters or digits"},
		{"见https://example.com/中文", 0, "见https://example.com/中文", "a URL-like token is left alone"},
		{"修复`kubectl`命令的*问题*", 1, "修复`kubectl`命令的\\*问题\\*",
		 "Markdown values: code spans kept, spacing outside them"},
		{"fix(cilium&flannel): remove `OldK8sVersion` of `prepare`", 1,
		 "fix(cilium\\&flannel): remove `OldK8sVersion` of `prepare`", "backticks in titles are code"},
		{"a lone ` backtick", 1, "a lone \\` backtick", "no span: a lone backtick is escaped"},
		{"`|piped|`", 1, "\\`\\|piped\\|\\`", "no span with a pipe inside (a table cell would split)"},
		{"用Go写的", 1, "用 Go 写的", "Markdown values get the same spacing"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = spaced(cases[i].in, cases[i].markdown);
		CHECK_STR(s, cases[i].want, "%s", cases[i].what);
		free(s);
	}
}

int main(void)
{
	test_decode();
	test_repair();
	test_classes();
	test_cut();
	test_cut_to_sentence();
	test_cjk_space();
	return check_done();
}
