/* wechat.h - HTML (from lib/markdown.c, or any HTML) -> a WeChat-ready fragment.
 *
 * The fragment is one root <section> with every style inline, as the WeChat
 * (公众号) editor keeps nothing else; see docs/wechat.md section 7 for the
 * checklist it satisfies (tests/tools/wechat-check.c verifies it). Summary:
 * no script/style/iframe/form/input/...; no id/class/on* attributes; only
 * https://mp.weixin.qq.com/ links stay <a>; every other link becomes
 * <span>text</span><sup>[n]</sup> with a numbered reference list at the end;
 * code blocks use <br> and U+00A0 inside a -webkit-box; lists use text
 * markers and never nest ul/ol; tables scroll inside a section; images must be
 * https (http is upgraded, data:/relative/local ones are dropped, alt kept as
 * text; an issue keeps its own image files: opts.issue). Any input is
 * accepted; the output is deterministic. */
#ifndef DG_WECHAT_H
#define DG_WECHAT_H

#include <stddef.h>
#include "config/config.h"
#include "render/theme.h"

typedef struct dg_wechat_opts {
	const dg_theme *theme;     /* NULL = the built-in default theme */
	const char *refs_heading;  /* heading of the reference list: required (the caller's wording) */
	int cjk_spacing;           /* 1 = one space between Han and Latin letters/digits */
	int issue;                 /* 1 = the HTML is an issue's (dg_wechat_render): its own image files
				      (a relative path without ".." or a scheme, such as
				      certificates/x.png) are shown; a paragraph that is one link to
				      an image shows the image; a link to a person's or an org's
				      profile or to a search gets no reference (its text stays) */
	const char *refs_sep;      /* between a reference's title and its URL; NULL: ": " */
	const char *files_url;     /* with issue: where its files are served (https, no trailing "/"):
				      their images become files_url/path; NULL: the relative path stays
				      (the preview shows it, publishing uploads it; a pasted fragment
				      cannot show it) */
} dg_wechat_opts;

/* Turn `len` bytes of HTML into the fragment with `opts` (required, for the
 * reference heading). Returns 0 and sets *fragment (UTF-8, NUL-terminated,
 * caller frees with free()), or DG_ERR_FAIL with a message (no heading, an
 * input over INT_MAX bytes). Out of memory aborts (base/alloc.h). */
int dg_wechat_fragment(const char *html, size_t len, const dg_wechat_opts *opts, char **fragment);

/* The preview page's wording (the caller's; NULL = ""), escaped by
 * dg_wechat_page for where it goes. */
typedef struct dg_wechat_page_text {
	const char *copy;    /* the button that copies the fragment */
	const char *copied;  /* the status after a copy */
	const char *failed;  /* the status when copying failed */
} dg_wechat_page_text;

/* A standalone preview page (<!DOCTYPE html>) that embeds `fragment`
 * unchanged and, outside it, a button labelled text->copy that copies the
 * fragment as rich text. title (escaped; NULL = "digest") and lang (NULL or
 * not a language tag = "zh-CN"); `text` may be NULL (no labels). No external
 * resources. Returns 0 and sets *page (caller frees). */
int dg_wechat_page(const char *fragment, const char *title, const char *lang, const dg_wechat_page_text *text,
		   char **page);

/* The words of the WeChat outputs, in the issue's language (the caller's:
 * templates/<lang>/strings.toml, loaded once per run). */
typedef struct dg_wechat_words {
	const char *refs_heading;    /* heading of the reference list */
	dg_wechat_page_text page;    /* the preview page's button */
	const char *refs_sep;        /* between a reference's title and its URL; NULL: ": " */
} dg_wechat_words;

/* The issue's Markdown (front matter skipped) -> the fragment to paste and
 * the preview page, with `theme` (NULL: the built-in default) and `words`;
 * `language` is the page's lang attribute, `files_url` where the issue's
 * files are served (dg_wechat_opts; NULL: nowhere) (lib/wechat/compose.c).
 * Both caller-free. */
int dg_wechat_render(const dg_theme *theme, const dg_wechat_words *words, const char *language,
		     const char *files_url, const char *md, const char *title, char **fragment, char **page);

#endif
