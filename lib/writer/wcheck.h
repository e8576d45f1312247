/* wcheck.h - what an answer of the writer must be before any output uses it. */
#ifndef DG_WCHECK_H
#define DG_WCHECK_H

/* NULL when `text` may be used for an item whose facts serialise to
 * `facts` (JSON text; NULL: none) in an issue in `language` ("zh", "en");
 * else why not (static): a URL, an HTML tag, a Markdown link or image, a
 * control character or line break, over 300 characters, not mostly Han
 * characters (zh) or any Han character (en), or a version-like token
 * (v?N.N(.N)?(-pre)?) that the facts do not contain. */
const char *dg_writer_check(const char *text, const char *facts, const char *language);

#endif
