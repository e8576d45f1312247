#include "render/markdown.h"
#include "base/alloc.h"
#include "base/err.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>


/* CMARK_OPT_UNSAFE is deliberately absent: release notes are untrusted. */
#define DG_MD_OPTIONS (CMARK_OPT_DEFAULT | CMARK_OPT_GITHUB_PRE_LANG | CMARK_OPT_VALIDATE_UTF8)

static const char *const md_extensions[] = { "table", "strikethrough", "autolink", "tasklist" };

int dg_markdown_to_html(const char *md, size_t len, char **html)
{
	cmark_parser *parser;
	cmark_node *doc;
	size_t i;
	int err = 0;

	*html = NULL;
	cmark_gfm_core_extensions_ensure_registered();
	/* Our allocator (base/alloc.h): out of memory is our one line and abort,
	 * and what cmark returns is freed with free(). */
	parser = cmark_parser_new_with_mem(DG_MD_OPTIONS, dg_alloc_cmark());
	for (i = 0; i < sizeof(md_extensions) / sizeof(md_extensions[0]); i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(md_extensions[i]);

		if (!ext || !cmark_parser_attach_syntax_extension(parser, ext)) {
			err = dg_err_set(DG_ERR_FAIL, "markdown: cmark-gfm extension '%s' is not available",
					 md_extensions[i]);
			cmark_parser_free(parser);
			return err;
		}
	}
	if (md && len)
		cmark_parser_feed(parser, md, len);
	doc = cmark_parser_finish(parser);
	*html = cmark_render_html(doc, DG_MD_OPTIONS, cmark_parser_get_syntax_extensions(parser));
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return 0;
}
