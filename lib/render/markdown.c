#include "render/markdown.h"
#include "base/err.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include <stdlib.h>
#include <string.h>

/* CMARK_OPT_UNSAFE is deliberately absent: release notes are untrusted. */
#define DG_MD_OPTIONS (CMARK_OPT_DEFAULT | CMARK_OPT_GITHUB_PRE_LANG | CMARK_OPT_VALIDATE_UTF8)

static const char *const md_extensions[] = { "table", "strikethrough", "autolink", "tasklist" };

int dg_markdown_to_html(const char *md, size_t len, char **html)
{
	cmark_parser *parser = NULL;
	cmark_node *doc = NULL;
	char *out = NULL;
	size_t i;
	int err = 0;

	*html = NULL;
	cmark_gfm_core_extensions_ensure_registered();
	parser = cmark_parser_new(DG_MD_OPTIONS);
	if (!parser) {
		err = dg_err_set(DG_ERR_NOMEM, "markdown: cannot create the cmark-gfm parser");
		goto done;
	}
	for (i = 0; i < sizeof(md_extensions) / sizeof(md_extensions[0]); i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(md_extensions[i]);

		if (!ext || !cmark_parser_attach_syntax_extension(parser, ext)) {
			err = dg_err_set(DG_ERR_FAIL, "markdown: cmark-gfm extension '%s' is not available",
					 md_extensions[i]);
			goto done;
		}
	}
	if (md && len)
		cmark_parser_feed(parser, md, len);
	doc = cmark_parser_finish(parser);
	if (!doc) {
		err = dg_err_set(DG_ERR_NOMEM, "markdown: cmark-gfm could not parse the document");
		goto done;
	}
	out = cmark_render_html(doc, DG_MD_OPTIONS, cmark_parser_get_syntax_extensions(parser));
	if (!out) {
		err = dg_err_set(DG_ERR_NOMEM, "markdown: cmark-gfm could not render HTML");
		goto done;
	}
	/* cmark allocates with the system allocator by default; copy anyway so the
	 * caller's free() never depends on cmark's allocator choice. */
	*html = strdup(out);
	if (!*html)
		err = dg_err_set(DG_ERR_NOMEM, "markdown: out of memory");
done:
	if (out)
		cmark_get_default_mem_allocator()->free(out);
	if (doc)
		cmark_node_free(doc);
	if (parser)
		cmark_parser_free(parser);
	return err;
}
