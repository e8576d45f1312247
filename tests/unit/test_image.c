/* test_image.c - sniffing and converting images for WeChat, from bytes the
 * test makes itself: gdk-pixbuf writes the PNG, JPEG, BMP and WebP (the
 * WebP saver is webp-pixbuf-loader's), a small encoder below the GIF. */
#include "check.h"
#include "base/err.h"
#include "images/image.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A w x h RGB pixbuf: the left half red, the right half blue. */
static GdkPixbuf *halves(int w, int h)
{
	GdkPixbuf *pb = gdk_pixbuf_new(GDK_COLORSPACE_RGB, FALSE, 8, w, h);
	guchar *px = gdk_pixbuf_get_pixels(pb);
	int stride = gdk_pixbuf_get_rowstride(pb);

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			guchar *p = px + y * stride + x * 3;
			p[0] = x < w / 2 ? 220 : 20;
			p[1] = 20;
			p[2] = x < w / 2 ? 20 : 220;
		}
	return pb;
}

/* The pixbuf saved by gdk-pixbuf as `format`; caller g_free()s. */
static gchar *saved(GdkPixbuf *pb, const char *format, gsize *len)
{
	gchar *buf = NULL;
	GError *gerr = NULL;

	if (!gdk_pixbuf_save_to_buffer(pb, &buf, len, format, &gerr, NULL)) {
		printf("# saving %s: %s\n", format, gerr ? gerr->message : "?");
		if (gerr)
			g_error_free(gerr);
		*len = 0;
		return NULL;
	}
	return buf;
}

/* A GIF of the same two halves. The LZW codes stay 8 bits wide (minimum
 * code size 7, a clear code every 100 pixels), so each code is one byte. */
static unsigned char *gif_halves(int w, int h, size_t *len)
{
	size_t npx = (size_t)w * (size_t)h, ncodes = npx + npx / 100 + 3, cap = 13 + 384 + 10 + 1 + ncodes * 2 + 16;
	unsigned char *g = malloc(cap), *codes = malloc(ncodes), *p = g;
	size_t k = 0;

	memcpy(p, "GIF89a", 6);
	p += 6;
	*p++ = (unsigned char)w, *p++ = (unsigned char)(w >> 8), *p++ = (unsigned char)h, *p++ = (unsigned char)(h >> 8);
	*p++ = 0xf6;  /* global colour table of 128 entries */
	*p++ = 0, *p++ = 0;
	for (int i = 0; i < 128; i++) {
		*p++ = i == 1 ? 220 : i == 2 ? 20 : 0;
		*p++ = i == 1 || i == 2 ? 20 : 0;
		*p++ = i == 1 ? 20 : i == 2 ? 220 : 0;
	}
	*p++ = 0x2c;
	memset(p, 0, 4);
	p += 4;
	*p++ = (unsigned char)w, *p++ = (unsigned char)(w >> 8), *p++ = (unsigned char)h, *p++ = (unsigned char)(h >> 8);
	*p++ = 0;
	*p++ = 7;  /* LZW minimum code size */
	for (size_t i = 0; i < npx; i++) {
		if (i % 100 == 0)
			codes[k++] = 128;  /* clear */
		codes[k++] = (int)(i % (size_t)w) < w / 2 ? 1 : 2;
	}
	codes[k++] = 129;  /* end */
	for (size_t i = 0; i < k; i += 255) {
		size_t n = k - i < 255 ? k - i : 255;
		*p++ = (unsigned char)n;
		memcpy(p, codes + i, n);
		p += n;
	}
	*p++ = 0;
	*p++ = 0x3b;
	free(codes);
	*len = (size_t)(p - g);
	return g;
}

/* Decode converted bytes again; NULL when gdk-pixbuf cannot. */
static GdkPixbuf *decoded(const char *data, size_t len)
{
	GdkPixbufLoader *l = gdk_pixbuf_loader_new();
	GdkPixbuf *pb = NULL;
	gboolean ok = gdk_pixbuf_loader_write(l, (const guchar *)data, len, NULL);

	if (gdk_pixbuf_loader_close(l, NULL) && ok && (pb = gdk_pixbuf_loader_get_pixbuf(l)))
		g_object_ref(pb);
	g_object_unref(l);
	return pb;
}

/* The RGB of pixel (x, y). */
static void rgb(GdkPixbuf *pb, int x, int y, int out[3])
{
	const guchar *p = gdk_pixbuf_read_pixels(pb) + y * gdk_pixbuf_get_rowstride(pb) +
			  x * gdk_pixbuf_get_n_channels(pb);

	out[0] = p[0], out[1] = p[1], out[2] = p[2];
}

static int near(const int c[3], int r, int g, int b)
{
	return abs(c[0] - r) < 40 && abs(c[1] - g) < 40 && abs(c[2] - b) < 40;
}

static void test_sniff(void)
{
	GdkPixbuf *pb = halves(16, 8);
	static const struct {
		const char *format;
		dg_image_type want;
	} saves[] = {{"png", DG_IMAGE_PNG}, {"jpeg", DG_IMAGE_JPEG}, {"bmp", DG_IMAGE_BMP}, {"webp", DG_IMAGE_WEBP}};
	static const char *const svgs[] = {
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>",
		"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- a comment -->\n<!DOCTYPE svg>\n<svg width=\"4\" height=\"4\"></svg>",
	};
	static const char *const garbage[] = {"", "BM", "<html><svg></svg></html>", "GIF8", "RIFF\0\0\0\0WAVE",
					      "\x89PNX\r\n\x1a\n", "plain text, no image"};
	unsigned char noise[256];
	size_t len;
	unsigned char *gif = gif_halves(16, 8, &len);
	int w = 0, h = 0;

	for (size_t i = 0; i < sizeof(saves) / sizeof(saves[0]); i++) {
		gsize n = 0;
		gchar *b = saved(pb, saves[i].format, &n);
		CHECK(b && dg_image_sniff(b, n) == saves[i].want, "sniff: %s written by gdk-pixbuf is %s (got %s)",
		      saves[i].format, dg_image_type_name(saves[i].want), dg_image_type_name(dg_image_sniff(b, n)));
		if (saves[i].want == DG_IMAGE_PNG)
			CHECK(dg_image_png_size(b, n, &w, &h) == 0 && w == 16 && h == 8, "PNG size read from IHDR: %dx%d",
			      w, h);
		if (saves[i].want == DG_IMAGE_JPEG)
			CHECK(dg_image_png_size(b, n, &w, &h) < 0, "a JPEG has no PNG size");
		g_free(b);
	}
	CHECK(dg_image_sniff(gif, len) == DG_IMAGE_GIF, "sniff: the GIF is gif");
	for (size_t i = 0; i < sizeof(svgs) / sizeof(svgs[0]); i++)
		CHECK(dg_image_sniff(svgs[i], strlen(svgs[i])) == DG_IMAGE_SVG, "sniff: SVG %zu", i);
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		CHECK(dg_image_sniff(garbage[i], i == 4 ? 12 : strlen(garbage[i])) == DG_IMAGE_UNKNOWN,
		      "sniff: garbage %zu is unknown", i);
	for (size_t i = 0; i < sizeof(noise); i++)
		noise[i] = (unsigned char)((i * 2654435761u) >> 13 | 1);
	noise[0] = 'x';
	CHECK(dg_image_sniff(noise, sizeof(noise)) == DG_IMAGE_UNKNOWN, "sniff: noise is unknown");
	CHECK(dg_image_sniff(NULL, 0) == DG_IMAGE_UNKNOWN, "sniff: NULL is unknown");
	CHECK_STR(dg_image_mime(DG_IMAGE_WEBP), "image/webp", "MIME of webp");
	CHECK_STR(dg_image_mime(DG_IMAGE_UNKNOWN), "application/octet-stream", "MIME of unknown");
	{
		char *out = NULL;
		size_t out_len = 0;
		dg_image_type t;
		CHECK(dg_image_for_wechat(noise, sizeof(noise), 0, "noise.bin", &out, &out_len, &t) < 0 && !out &&
		      strstr(dg_err_last(), "noise.bin"), "garbage is refused naming it: %s", dg_err_last());
	}
	free(gif);
	g_object_unref(pb);
}

/* `data` (of `what`) converted for WeChat is a PNG of w x h with red left, blue right. */
static void check_to_png(const char *what, const void *data, size_t len, int w, int h)
{
	char *out = NULL;
	size_t out_len = 0;
	dg_image_type t = DG_IMAGE_UNKNOWN;
	GdkPixbuf *pb = NULL;
	int c[3] = {0, 0, 0}, d[3] = {0, 0, 0};

	CHECK(dg_image_for_wechat(data, len, 0, what, &out, &out_len, &t) == 0, "%s converts", what);
	CHECK(t == DG_IMAGE_PNG && dg_image_sniff(out, out_len) == DG_IMAGE_PNG, "%s becomes a PNG (%s)", what,
	      dg_image_type_name(t));
	CHECK(out && (pb = decoded(out, out_len)) && gdk_pixbuf_get_width(pb) == w && gdk_pixbuf_get_height(pb) == h,
	      "%s: the PNG keeps %dx%d", what, w, h);
	if (pb) {
		rgb(pb, 2, h / 2, c);
		rgb(pb, w - 3, h / 2, d);
		CHECK(near(c, 220, 20, 20) && near(d, 20, 20, 220), "%s: the PNG keeps the colours (%d,%d,%d | %d,%d,%d)",
		      what, c[0], c[1], c[2], d[0], d[1], d[2]);
		g_object_unref(pb);
	}
	free(out);
}

static void test_convert(void)
{
	GdkPixbuf *pb = halves(40, 30);
	size_t len = 0;
	unsigned char *gif = gif_halves(40, 30, &len);
	gsize n = 0;
	gchar *webp = saved(pb, "webp", &n), *bmp;

	check_to_png("halves.gif", gif, len, 40, 30);
	CHECK(webp != NULL, "gdk-pixbuf writes WebP (webp-pixbuf-loader installed)");
	if (webp)
		check_to_png("halves.webp", webp, n, 40, 30);
	g_free(webp);
	bmp = saved(pb, "bmp", &n);
	if (bmp)
		check_to_png("halves.bmp", bmp, n, 40, 30);
	g_free(bmp);
	{
		gchar *png = saved(pb, "png", &n);
		char *out = NULL;
		size_t out_len = 0;
		dg_image_type t;
		CHECK(png && dg_image_for_wechat(png, n, 0, "small.png", &out, &out_len, &t) == 0 && t == DG_IMAGE_PNG &&
		      out_len == n && !memcmp(out, png, n), "a small PNG comes back unchanged");
		free(out);
		g_free(png);
	}
	free(gif);
	g_object_unref(pb);
}

/* SVG with 中 drawn large: a PNG whose glyph has ink down its centre
 * column (a tofu box would be hollow there). */
static void test_svg_cjk(void)
{
	static const char svg[] =
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"200\">"
		"<rect width=\"300\" height=\"200\" fill=\"#ffffff\"/>"
		"<text x=\"150\" y=\"170\" font-size=\"160\" text-anchor=\"middle\" fill=\"#000000\" "
		"font-family=\"Noto Sans CJK SC, sans-serif\">中</text></svg>";
	char *png = NULL;
	size_t len = 0;
	int w = 0, h = 0, top = -1, bottom = -1, left = -1, right = -1, inked = 0;
	GdkPixbuf *pb = NULL;

	CHECK(dg_image_svg_to_png(svg, strlen(svg), 2.0, "zh.svg", &png, &len) == 0, "SVG with CJK text renders");
	CHECK(png && dg_image_png_size(png, len, &w, &h) == 0 && w == 600 && h == 400, "scale 2: 600x400 (%dx%d)", w, h);
	if (!png || !(pb = decoded(png, len))) {
		CHECK(0, "the PNG decodes");
		free(png);
		return;
	}
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int c[3];
			rgb(pb, x, y, c);
			if (c[0] + c[1] + c[2] < 300) {
				top = top < 0 ? y : top;
				bottom = y;
				left = left < 0 || x < left ? x : left;
				right = x > right ? x : right;
			}
		}
	CHECK(top >= 0 && right - left > 100 && bottom - top > 100, "the glyph has ink (%d..%d x %d..%d)", left, right,
	      top, bottom);
	for (int y = top; top >= 0 && y <= bottom; y++) {
		int hit = 0;
		for (int x = (left + right) / 2 - 4; x <= (left + right) / 2 + 4; x++) {
			int c[3];
			rgb(pb, x, y, c);
			hit |= c[0] + c[1] + c[2] < 300;
		}
		inked += hit;
	}
	CHECK(top >= 0 && inked > (bottom - top + 1) * 9 / 10, "中 has its centre stroke, not tofu: %d of %d rows",
	      inked, bottom - top + 1);
	{
		char *out = NULL;
		size_t out_len = 0;
		dg_image_type t;
		CHECK(dg_image_for_wechat(svg, strlen(svg), 0, "zh.svg", &out, &out_len, &t) == 0 && t == DG_IMAGE_PNG,
		      "an SVG body image becomes a PNG");
		free(out);
	}
	free(png);
	CHECK(dg_image_svg_to_png("<svg", 4, 1.0, "broken.svg", &png, &len) < 0 && !png &&
	      strstr(dg_err_last(), "broken.svg"), "a broken SVG is refused naming it: %s", dg_err_last());
	g_object_unref(pb);
}

/* A noisy 1600x1200 picture is several MB as PNG: it comes back a JPEG
 * under 1 MB with its aspect ratio. */
static void test_shrink(void)
{
	int w0 = 1600, h0 = 1200;
	GdkPixbuf *pb = gdk_pixbuf_new(GDK_COLORSPACE_RGB, FALSE, 8, w0, h0), *back = NULL;
	guchar *px = gdk_pixbuf_get_pixels(pb);
	int stride = gdk_pixbuf_get_rowstride(pb);
	uint32_t s = 12345;
	gsize n = 0;
	gchar *png;
	char *out = NULL;
	size_t out_len = 0;
	dg_image_type t = DG_IMAGE_UNKNOWN;

	for (int y = 0; y < h0; y++)
		for (int x = 0; x < w0 * 3; x++) {
			s = s * 1103515245u + 12345u;
			px[y * stride + x] = (guchar)(s >> 24);
		}
	png = saved(pb, "png", &n);
	CHECK(png && n > 1024 * 1024, "the noise PNG is over 1 MB: %zu bytes", (size_t)n);
	CHECK(dg_image_for_wechat(png, n, 0, "big.png", &out, &out_len, &t) == 0, "a big PNG converts");
	CHECK(t == DG_IMAGE_JPEG && dg_image_sniff(out, out_len) == DG_IMAGE_JPEG, "it becomes a JPEG");
	CHECK(out_len > 0 && out_len <= DG_IMAGE_WECHAT_MAX, "under 1 MB: %zu bytes", out_len);
	if (out && (back = decoded(out, out_len))) {
		int w = gdk_pixbuf_get_width(back), h = gdk_pixbuf_get_height(back);
		CHECK(w <= w0 && h <= h0 && abs(w * 3 - h * 4) <= 4, "aspect ratio kept: %dx%d from %dx%d", w, h, w0, h0);
		g_object_unref(back);
	} else {
		CHECK(0, "the JPEG decodes");
	}
	free(out);
	out = NULL;
	CHECK(dg_image_for_wechat(png, n, 2000, "big.png", &out, &out_len, &t) < 0 && !out &&
	      strstr(dg_err_last(), "under 2000 bytes"), "an impossible limit is refused: %s", dg_err_last());
	g_free(png);
	g_object_unref(pb);
}

int main(void)
{
	test_sniff();
	test_convert();
	test_svg_cjk();
	test_shrink();
	return check_done();
}
