/* markdown.h - GitHub-flavoured Markdown -> HTML through cmark-gfm.
 *
 * Extensions: table, strikethrough, autolink, tasklist. Safe mode: raw HTML
 * in the input is replaced by a comment and javascript:/vbscript:/file:/data:
 * link URLs are emptied (data:image/... stays possible for images; the WeChat
 * pass drops those). Invalid UTF-8 is replaced with U+FFFD. */
#ifndef DG_MARKDOWN_H
#define DG_MARKDOWN_H

#include <stddef.h>

/* Render `len` bytes of `md` (need not be NUL-terminated) to HTML. Returns 0
 * and sets *html (NUL-terminated, caller frees with free()), or DG_ERR_FAIL
 * when a cmark-gfm extension is missing. Out of memory aborts (base/alloc.h). */
int dg_markdown_to_html(const char *md, size_t len, char **html);

#endif
