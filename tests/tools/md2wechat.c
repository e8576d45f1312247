/* md2wechat - Markdown file -> WeChat fragment + preview page (for tests).
 *
 * Usage: md2wechat [OPTIONS] IN.md OUT.wechat.html OUT.html
 *        md2wechat [OPTIONS] --batch OUTDIR IN.md...
 * --batch writes OUTDIR/NAME.wechat.html, OUTDIR/NAME.html and the
 * intermediate cmark-gfm HTML OUTDIR/NAME.md.html for every input (one
 * process for many inputs keeps the sanitizer runs short).
 * Options: --theme FILE, --no-cjk-spacing, --refs-heading TEXT (default 参考链接).
 * Exit 0 ok, 1 failure, 2 usage. Fault injection (tests/t-oom.py):
 * DIGEST_FAIL_ALLOC_AT=N fails the N-th allocation; DIGEST_ALLOC_COUNT set
 * prints "allocations: N" on stderr at the end. */
#include "base/alloc.h"
#include "base/err.h"
#include "render/markdown.h"
#include "render/theme.h"
#include "wechat/wechat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_file(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	int err = 0;

	*data = NULL;
	*len = 0;
	if (!f)
		return dg_err_set(DG_ERR_FAIL, "%s: cannot open", path);
	for (;;) {
		if (n + 65536 > cap) {
			cap = (n + 65536) * 2;
			buf = dg_realloc(buf, cap + 1);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		err = dg_err_set(DG_ERR_FAIL, "%s: read error", path);
		goto done;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	buf = NULL;
done:
	free(buf);
	fclose(f);
	return err;
}

static int write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "wb");
	size_t len = strlen(data);
	int bad;

	if (!f)
		return dg_err_set(DG_ERR_FAIL, "%s: cannot create", path);
	bad = fwrite(data, 1, len, f) != len;
	if (fclose(f) != 0 || bad)
		return dg_err_set(DG_ERR_FAIL, "%s: write error", path);
	return 0;
}

/* The shipped zh wording of the preview page (templates/zh/strings.toml). */
static const dg_wechat_page_text page_text = { "复制到公众号 / Copy for WeChat", "已复制 / Copied",
					       "复制失败 / Copy failed" };

/* in -> frag, page (and md_html when given). */
static int convert(const char *in, const dg_wechat_opts *opts, const char *frag_path, const char *page_path,
		   const char *html_path)
{
	char *md = NULL, *html = NULL, *frag = NULL, *page = NULL;
	const char *title = strrchr(in, '/') ? strrchr(in, '/') + 1 : in;
	size_t len = 0;
	int err;

	if ((err = read_file(in, &md, &len)) < 0 || (err = dg_markdown_to_html(md, len, &html)) < 0 ||
	    (err = dg_wechat_fragment(html, strlen(html), opts, &frag)) < 0 ||
	    (err = dg_wechat_page(frag, title, "zh-CN", &page_text, &page)) < 0 || (err = write_file(frag_path, frag)) < 0 ||
	    (err = write_file(page_path, page)) < 0 || (html_path && (err = write_file(html_path, html)) < 0))
		dg_err_wrap(err, "%s", in);
	free(md);
	free(html);
	free(frag);
	free(page);
	return err;
}

static int batch(const char *outdir, char **inputs, int n, const dg_wechat_opts *opts)
{
	int i, err = 0;

	for (i = 0; i < n && !err; i++) {
		const char *base = strrchr(inputs[i], '/') ? strrchr(inputs[i], '/') + 1 : inputs[i];
		size_t bl = strlen(base);
		char frag[4096], page[4096], html[4096];

		if (bl > 3 && strcmp(base + bl - 3, ".md") == 0)
			bl -= 3;
		snprintf(frag, sizeof(frag), "%s/%.*s.wechat.html", outdir, (int)bl, base);
		snprintf(page, sizeof(page), "%s/%.*s.html", outdir, (int)bl, base);
		snprintf(html, sizeof(html), "%s/%.*s.md.html", outdir, (int)bl, base);
		err = convert(inputs[i], opts, frag, page, html);
	}
	return err;
}

int main(int argc, char **argv)
{
	dg_wechat_opts opts = { NULL, "参考链接", 1, 0, NULL, NULL };
	dg_theme *theme = NULL;
	const char *outdir = NULL, *fail_at = getenv("DIGEST_FAIL_ALLOC_AT");
	int i = 1, err = 0;

	dg_alloc_init();
	if (fail_at)
		dg_alloc_fail_at(strtoul(fail_at, NULL, 10));
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--theme") == 0 && i + 1 < argc) {
			if ((err = dg_theme_load(argv[++i], &theme)) < 0)
				goto done;
			opts.theme = theme;
		} else if (strcmp(argv[i], "--no-cjk-spacing") == 0) {
			opts.cjk_spacing = 0;
		} else if (strcmp(argv[i], "--refs-heading") == 0 && i + 1 < argc) {
			opts.refs_heading = argv[++i];
		} else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
			outdir = argv[++i];
		} else {
			break;
		}
	}
	if (outdir ? i >= argc : argc - i != 3) {
		fprintf(stderr, "usage: md2wechat [--theme FILE] [--no-cjk-spacing] [--refs-heading TEXT]\n"
				"                 (IN.md OUT.wechat.html OUT.html | --batch OUTDIR IN.md...)\n");
		dg_theme_free(theme);
		return 2;
	}
	if (outdir)
		err = batch(outdir, argv + i, argc - i, &opts);
	else
		err = convert(argv[i], &opts, argv[i + 1], argv[i + 2], NULL);
done:
	if (err < 0)
		fprintf(stderr, "md2wechat: %s\n", dg_err_last());
	dg_theme_free(theme);
	if (getenv("DIGEST_ALLOC_COUNT"))
		fprintf(stderr, "allocations: %lu\n", dg_alloc_count());
	return err < 0 ? 1 : 0;
}
