/* test_image.c - sniffing and converting images for WeChat, from bytes the
 * test makes itself: gdk-pixbuf writes the PNG, JPEG, BMP and WebP (the
 * WebP saver is webp-pixbuf-loader's), a small encoder below the GIF.
 * The header readers: real sizes, every truncation, absurd sizes; the SVG
 * rules; pictures drawn in the child process within their time. */
#include "check.h"
#include "base/err.h"
#include "images/image.h"
#include "images/sandbox.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <stdint.h>
#include <stdio.h>
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

/* The PNG encoder (libpng): an opaque drawing is written as RGB, one with
 * transparency as straight (un-premultiplied) RGBA; the same SVG gives the
 * same bytes. */
static void test_png_encoder(void)
{
	static const char opaque[] =
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\">"
		"<rect width=\"40\" height=\"20\" fill=\"#dc1414\"/><rect x=\"20\" width=\"20\" height=\"20\" "
		"fill=\"#1414dc\"/></svg>";
	/* left: red at half opacity; right: nothing */
	static const char clear[] =
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\">"
		"<rect width=\"20\" height=\"20\" fill=\"#c83264\" fill-opacity=\"0.5\"/></svg>";
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	GdkPixbuf *pb;

	CHECK(dg_image_svg_to_png(opaque, strlen(opaque), 1.0, "opaque.svg", &a, &alen) == 0 &&
	      dg_image_svg_to_png(opaque, strlen(opaque), 1.0, "opaque.svg", &b, &blen) == 0, "an opaque SVG draws");
	CHECK(a && b && alen == blen && !memcmp(a, b, alen), "the same SVG gives the same PNG bytes");
	/* IHDR: colour type at byte 25 (2 RGB, 6 RGBA) */
	CHECK(a && alen > 26 && a[24] == 8 && a[25] == 2, "an opaque drawing is an 8-bit RGB PNG (type %d)",
	      a && alen > 26 ? a[25] : -1);
	if (a && (pb = decoded(a, alen))) {
		int l[3], r[3];
		rgb(pb, 5, 10, l);
		rgb(pb, 35, 10, r);
		CHECK(!gdk_pixbuf_get_has_alpha(pb) && l[0] == 0xdc && l[1] == 0x14 && l[2] == 0x14 && r[0] == 0x14 &&
		      r[2] == 0xdc, "the opaque PNG has the exact colours (%d,%d,%d | %d,%d,%d)", l[0], l[1], l[2], r[0],
		      r[1], r[2]);
		g_object_unref(pb);
	} else {
		CHECK(0, "the opaque PNG decodes");
	}
	free(a);
	free(b);
	a = NULL;
	CHECK(dg_image_svg_to_png(clear, strlen(clear), 1.0, "clear.svg", &a, &alen) == 0 && alen > 26 && a[25] == 6,
	      "a drawing with transparency is an RGBA PNG");
	if (a && (pb = decoded(a, alen))) {
		const guchar *px = gdk_pixbuf_read_pixels(pb) + 10 * gdk_pixbuf_get_rowstride(pb);
		const guchar *l = px + 5 * 4, *r = px + 35 * 4;
		/* premultiplied it would be about (100, 25, 50); straight it is the colour */
		CHECK(gdk_pixbuf_get_has_alpha(pb) && abs(l[3] - 128) <= 1 && abs(l[0] - 0xc8) <= 2 &&
		      abs(l[1] - 0x32) <= 2 && abs(l[2] - 0x64) <= 2, "half-transparent red is un-premultiplied "
		      "(%d,%d,%d,%d)", l[0], l[1], l[2], l[3]);
		CHECK(r[0] == 0 && r[1] == 0 && r[2] == 0 && r[3] == 0, "a clear pixel is 0,0,0,0");
		g_object_unref(pb);
	} else {
		CHECK(0, "the RGBA PNG decodes");
	}
	free(a);
}

/* A batch drawn on two threads gives each item the bytes of a serial run,
 * in its place; a broken document fails alone, named. */
static void test_svg_batch(void)
{
	enum { N = 9 };
	char docs[N][400];
	dg_image_svg one[N], two[N];
	int same = 1;

	for (int i = 0; i < N; i++)
		snprintf(docs[i], sizeof(docs[i]),
			 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"100\">"
			 "<rect width=\"200\" height=\"100\" fill=\"#f7faf9\"/>"
			 "<text x=\"100\" y=\"60\" font-size=\"30\" text-anchor=\"middle\">@person%d 中</text></svg>", i);
	strcpy(docs[5], "<svg");   /* not an SVG */
	for (int i = 0; i < N; i++) {
		one[i] = (dg_image_svg){docs[i], strlen(docs[i]), "doc.svg", NULL, 0, NULL};
		two[i] = one[i];
	}
	dg_image_svgs_to_png(one, N, 1.5, 1);
	dg_image_svgs_to_png(two, N, 1.5, 2);
	for (int i = 0; i < N; i++) {
		if (i == 5)
			continue;
		same &= one[i].png && two[i].png && one[i].png_len == two[i].png_len &&
			!memcmp(one[i].png, two[i].png, one[i].png_len) && !one[i].error && !two[i].error;
		if (i && one[i].png && one[i - 1].png && one[i].png_len == one[i - 1].png_len)
			same &= memcmp(one[i].png, one[i - 1].png, one[i].png_len) != 0;
	}
	CHECK(same, "two threads draw every item as one does, each in its place");
	CHECK(!one[5].png && !two[5].png && one[5].error && two[5].error && strstr(two[5].error, "doc.svg"),
	      "a broken document fails alone, named: %s", two[5].error ? two[5].error : "(none)");
	for (int i = 0; i < N; i++) {
		free(one[i].png);
		free(one[i].error);
		free(two[i].png);
		free(two[i].error);
	}
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

/* The size dg_image_size reads: 0 and w x h of type t, or <0. */
static int size_of(const void *data, size_t len, dg_image_type *t, unsigned long *w, unsigned long *h)
{
	*w = *h = 0;
	*t = DG_IMAGE_UNKNOWN;
	return dg_image_size(data, len, "x", t, w, h);
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8),
	p[3] = (unsigned char)v;
}

static void put_le(unsigned char *p, unsigned long v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Headers alone (what a bomb is): PNG signature + IHDR. */
static size_t png_header(unsigned char *b, uint32_t w, uint32_t h)
{
	memcpy(b, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
	put_be32(b + 16, w);
	put_be32(b + 20, h);
	memcpy(b + 24, "\x01\0\0\0\0\0\0\0\0", 9);
	return 33;
}

/* SOI, APP0, SOF0 of w x h, SOS, EOI. */
static size_t jpeg_header(unsigned char *b, unsigned w, unsigned h)
{
	static const unsigned char head[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1,
					     0, 0, 0xff, 0xff, 0xc0, 0, 11, 8};
	size_t n = sizeof(head);

	memcpy(b, head, n);   /* with a fill byte (0xff 0xff) before SOF */
	b[n++] = (unsigned char)(h >> 8), b[n++] = (unsigned char)h, b[n++] = (unsigned char)(w >> 8),
	b[n++] = (unsigned char)w;
	memcpy(b + n, "\x01\x01\x11\x00\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\xff\xd9", 16);
	return n + 16;
}

static size_t gif_header(unsigned char *b, unsigned sw, unsigned sh, unsigned fx, unsigned fw, unsigned fh,
			 int frames)
{
	size_t n = 13;

	memcpy(b, "GIF89a", 6);
	put_le(b + 6, sw, 2), put_le(b + 8, sh, 2);
	b[10] = 0, b[11] = 0, b[12] = 0;
	for (int i = 0; i < frames; i++) {
		b[n++] = 0x2c;
		put_le(b + n, fx, 2), put_le(b + n + 2, 0, 2), put_le(b + n + 4, fw, 2), put_le(b + n + 6, fh, 2);
		b[n + 8] = 0;
		n += 9;
		b[n++] = 2;                       /* LZW code size */
		b[n++] = 2, b[n++] = 0x44, b[n++] = 0x01, b[n++] = 0;   /* one sub-block, end */
	}
	b[n++] = 0x3b;
	return n;
}

static size_t webp_header(unsigned char *b, const char *kind, unsigned long w, unsigned long h)
{
	memset(b, 0, 64);
	memcpy(b, "RIFF", 4);
	put_le(b + 4, 56, 4);
	memcpy(b + 8, "WEBP", 4);
	memcpy(b + 12, kind, 4);
	put_le(b + 16, 20, 4);
	if (!strcmp(kind, "VP8X")) {
		put_le(b + 24, w - 1, 3);
		put_le(b + 27, h - 1, 3);
	} else if (!strcmp(kind, "VP8L")) {
		b[20] = 0x2f;
		put_le(b + 21, (w - 1) | (h - 1) << 14, 4);
	} else {
		b[23] = 0x9d, b[24] = 0x01, b[25] = 0x2a;
		put_le(b + 26, w, 2);
		put_le(b + 28, h, 2);
	}
	return 64;
}

static size_t bmp_header(unsigned char *b, int32_t w, int32_t h)
{
	memset(b, 0, 64);
	b[0] = 'B', b[1] = 'M';
	put_le(b + 14, 40, 4);
	put_le(b + 18, (uint32_t)w, 4);
	put_le(b + 22, (uint32_t)h, 4);
	return 64;
}

static void test_header_sizes(void)
{
	GdkPixbuf *pb = halves(37, 21);
	static const char *const formats[] = {"png", "jpeg", "bmp", "webp"};
	unsigned char b[512];
	unsigned long w, h;
	dg_image_type t;
	size_t n, glen;
	unsigned char *gif = gif_halves(37, 21, &glen);

	/* Real pictures, as their writers made them. */
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		gsize len = 0;
		gchar *data = saved(pb, formats[i], &len);
		int bad = 0;
		CHECK(data && size_of(data, len, &t, &w, &h) == 0 && w == 37 && h == 21 &&
		      !strcmp(dg_image_type_name(t), formats[i]), "%s written by gdk-pixbuf: 37x21 read from its header "
		      "(%lux%lu)", formats[i], w, h);
		CHECK(data && dg_image_check(data, len, "x", NULL, NULL, NULL) == 0, "%s of 37x21 passes the checks",
		      formats[i]);
		/* Every truncation: a size, or an error; never a wrong size. */
		for (size_t cut = 0; data && cut < len && cut < 700; cut++)
			if (size_of(data, cut, &t, &w, &h) == 0 && (w != 37 || h != 21))
				bad++;
		CHECK(!bad, "%s: no truncation reads a wrong size", formats[i]);
		g_free(data);
	}
	CHECK(size_of(gif, glen, &t, &w, &h) == 0 && t == DG_IMAGE_GIF && w == 37 && h == 21, "GIF: 37x21");
	CHECK(dg_image_check(gif, glen, "x", NULL, NULL, NULL) == 0, "the GIF passes (its frame walked)");
	for (size_t cut = 0; cut < 13; cut++)
		CHECK(size_of(gif, cut, &t, &w, &h) < 0, "a GIF cut at %zu bytes has no size", cut);

	/* Cut headers. */
	n = png_header(b, 100, 50);
	CHECK(size_of(b, n, &t, &w, &h) == 0 && w == 100 && h == 50, "PNG header: 100x50");
	for (size_t cut = 8; cut < 24; cut++)
		CHECK(size_of(b, cut, &t, &w, &h) < 0 && strstr(dg_err_last(), "cut short"),
		      "a PNG cut at %zu bytes: %s", cut, dg_err_last());
	memcpy(b + 12, "IDAT", 4);
	CHECK(size_of(b, n, &t, &w, &h) < 0, "a PNG whose first chunk is not IHDR has no size");
	n = jpeg_header(b, 640, 480);
	CHECK(size_of(b, n, &t, &w, &h) == 0 && w == 640 && h == 480, "JPEG SOF0 (after a fill byte): 640x480");
	for (size_t cut = 3; cut < 30; cut++)
		CHECK(size_of(b, cut, &t, &w, &h) < 0, "a JPEG cut at %zu bytes (before SOF's sides) has no size", cut);
	b[22] = 0xc2;
	CHECK(size_of(b, n, &t, &w, &h) == 0 && w == 640 && h == 480, "progressive (SOF2): 640x480");
	b[22] = 0xc4;
	CHECK(size_of(b, n, &t, &w, &h) < 0, "DHT (C4) is no frame header: no size before the scan");
	n = webp_header(b, "VP8 ", 300, 200);
	CHECK(size_of(b, n, &t, &w, &h) == 0 && w == 300 && h == 200, "WebP VP8: 300x200 (%lux%lu)", w, h);
	CHECK(size_of(b, 29, &t, &w, &h) < 0, "WebP VP8 cut short");
	n = webp_header(b, "VP8L", 300, 200);
	CHECK(size_of(b, n, &t, &w, &h) == 0 && w == 300 && h == 200, "WebP VP8L: 300x200 (%lux%lu)", w, h);
	CHECK(size_of(b, 24, &t, &w, &h) < 0, "WebP VP8L cut short");
	n = webp_header(b, "VP8X", 300, 200);
	CHECK(size_of(b, n, &t, &w, &h) == 0 && w == 300 && h == 200, "WebP VP8X: 300x200 (%lux%lu)", w, h);
	n = webp_header(b, "ALPH", 300, 200);
	CHECK(size_of(b, n, &t, &w, &h) < 0, "WebP starting with another chunk: no size");
	n = bmp_header(b, 300, -200);
	CHECK(size_of(b, n, &t, &w, &h) == 0 && w == 300 && h == 200, "BMP top-down: 300x200");
	CHECK(size_of(b, 25, &t, &w, &h) < 0, "BMP cut short");

	/* Absurd sizes: read as declared, refused by the checks, quickly. */
	n = png_header(b, 30000, 30000);
	CHECK(size_of(b, n, &t, &w, &h) == 0 && w == 30000 && h == 30000, "PNG bomb header: 30000x30000");
	CHECK(dg_image_check(b, n, "bomb.png", NULL, NULL, NULL) < 0 && strstr(dg_err_last(), "bomb.png") &&
	      strstr(dg_err_last(), "30000x30000"), "refused naming it: %s", dg_err_last());
	n = png_header(b, 0xffffffffu, 1);
	CHECK(size_of(b, n, &t, &w, &h) == 0 && w == 0xfffffffful && dg_image_check(b, n, "x", NULL, NULL, NULL) < 0,
	      "PNG 4294967295x1: read whole, refused");
	CHECK(dg_image_png_size(b, n, (int *)&w, (int *)&h) < 0, "dg_image_png_size: over INT_MAX is no size");
	n = png_header(b, 4097, 1);
	CHECK(dg_image_check(b, n, "x", NULL, NULL, NULL) < 0, "4097 px a side: refused");
	n = png_header(b, 4096, 3907);
	CHECK(dg_image_check(b, n, "x", NULL, NULL, NULL) < 0, "4096x3907 (over 16 megapixels): refused");
	n = png_header(b, 4000, 4000);
	CHECK(dg_image_check(b, n, "x", NULL, &w, &h) == 0 && w == 4000, "4000x4000 (16 megapixels): passes");
	n = png_header(b, 0, 10);
	CHECK(dg_image_check(b, n, "x", NULL, NULL, NULL) < 0 && strstr(dg_err_last(), "no size"), "0x10: no size");
	n = jpeg_header(b, 60000, 60000);
	CHECK(size_of(b, n, &t, &w, &h) == 0 && w == 60000 && dg_image_check(b, n, "x", NULL, NULL, NULL) < 0,
	      "JPEG SOF 60000x60000: refused");
	n = jpeg_header(b, 100, 0);
	CHECK(size_of(b, n, &t, &w, &h) < 0 && strstr(dg_err_last(), "height"), "JPEG of height 0 (DNL): no size");
	n = gif_header(b, 65535, 65535, 0, 65535, 65535, 1);
	CHECK(dg_image_check(b, n, "x", NULL, NULL, NULL) < 0, "a GIF of 65535x65535 (%zu bytes): refused", n);
	n = gif_header(b, 16, 16, 0, 5000, 10, 1);
	CHECK(dg_image_check(b, n, "x", NULL, NULL, NULL) < 0 && strstr(dg_err_last(), "frame"),
	      "GIF of 16x16 with a 5000 px frame: refused: %s", dg_err_last());
	n = gif_header(b, 16, 16, 4090, 10, 10, 1);
	CHECK(dg_image_check(b, n, "x", NULL, NULL, NULL) < 0, "GIF frame placed past 4096 px: refused");
	n = gif_header(b, 4000, 4000, 0, 4000, 4000, 9);
	CHECK(dg_image_check(b, n, "x", NULL, NULL, NULL) < 0 && strstr(dg_err_last(), "together"),
	      "9 frames of 16 megapixels: refused: %s", dg_err_last());
	n = gif_header(b, 400, 400, 0, 400, 400, 20);
	CHECK(dg_image_check(b, n, "x", NULL, NULL, NULL) == 0, "20 frames of 400x400: pass");
	n = webp_header(b, "VP8X", 16383, 16383);
	CHECK(size_of(b, n, &t, &w, &h) == 0 && w == 16383 && dg_image_check(b, n, "x", NULL, NULL, NULL) < 0,
	      "WebP VP8X 16383x16383: refused");
	n = webp_header(b, "VP8X", 1ul << 24, 1);
	CHECK(size_of(b, n, &t, &w, &h) == 0 && w == 1ul << 24, "WebP VP8X 2^24 wide: read whole");
	n = bmp_header(b, 50000, 50000);
	CHECK(dg_image_check(b, n, "x", NULL, NULL, NULL) < 0, "BMP 50000x50000: refused");
	n = bmp_header(b, 10, INT32_MIN);
	CHECK(size_of(b, n, &t, &w, &h) == 0 && h == 0x80000000ul && dg_image_check(b, n, "x", NULL, NULL, NULL) < 0,
	      "BMP of height INT32_MIN: 2^31, refused");
	n = bmp_header(b, -10, 10);
	CHECK(size_of(b, n, &t, &w, &h) < 0, "BMP of negative width: no size");
	free(gif);
	g_object_unref(pb);
}

/* An SVG with `attrs` on the root and `body` inside. */
static char *svg(const char *attrs, const char *body)
{
	size_t n = strlen(attrs) + strlen(body) + 200;
	char *s = malloc(n);

	snprintf(s, n, "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" %s>%s"
		 "</svg>", attrs, body);
	return s;
}

static void test_svg_rules(void)
{
	static const struct {
		const char *attrs;
		unsigned long w, h;
	} sizes[] = {
		{"width=\"4\" height=\"4\"", 4, 4}, {"width=\"2in\" height=\"1in\"", 192, 96},
		{"width=\"30pt\" height=\"1.5e1px\"", 40, 15}, {"viewBox=\"0 0 200 100\"", 512, 256},
		{"viewBox=\"0,0,100,400\"", 128, 512}, {"", 512, 512}, {"width=\"100%\" height=\"100%\"", 512, 512},
		{"width=\"10\" viewBox=\"0 0 20 10\"", 10, 5}, {"height=\"9.5\"", 512, 10},
	};
	static const struct {
		const char *attrs, *body, *why;
	} refused[] = {
		{"width=\"100000\" height=\"100\"", "", "100000x100"},
		{"width=\"1e30\" height=\"1\"", "", "1000000000x1"},
		{"width=\"5000mm\" height=\"10\"", "", "18898x10"},
		{"width=\"4\" height=\"4\"", "<filter id=\"f\"/>", "<filter>"},
		{"width=\"4\" height=\"4\"", "<feTurbulence/>", "<feTurbulence>"},
		{"width=\"4\" height=\"4\"", "<rect filter=\"blur(5px)\"/>", "filter on <rect>"},
		{"width=\"4\" height=\"4\"", "<rect style=\"fill:red;FILTER: blur(5px)\"/>", "style of <rect>"},
		{"width=\"4\" height=\"4\"", "<style>rect { filter: blur(2px) }</style>", "style of <style>"},
		{"width=\"4\" height=\"4\"", "<style>rect { \\66ilter: blur(2px) }</style>", "style of <style>"},
		{"width=\"4\" height=\"4\"", "<style>@import url(data:text/css,x);</style>", "style of <style>"},
		{"width=\"4\" height=\"4\"", "<foreignObject/>", "foreign"},
		{"width=\"4\" height=\"4\"", "<image href=\"http://127.0.0.1:1/x.png\"/>", "base64 data:"},
		{"width=\"4\" height=\"4\"", "<image href=\"data:image/svg+xml;base64,PHN2Zy8+\"/>", "no raster"},
		{"width=\"-4\" height=\"4\"", "", "not a length"},
		{"width=\"4x\" height=\"4\"", "", "not a length"},
		{"width=\"0\" height=\"4\"", "", "not a length"},
	};
	unsigned long w, h;
	dg_image_type t;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *s = svg(sizes[i].attrs, "");
		CHECK(size_of(s, strlen(s), &t, &w, &h) == 0 && t == DG_IMAGE_SVG && w == sizes[i].w && h == sizes[i].h,
		      "SVG %s: %lux%lu (want %lux%lu)", sizes[i].attrs, w, h, sizes[i].w, sizes[i].h);
		free(s);
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char *s = svg(refused[i].attrs, refused[i].body);
		CHECK(dg_image_check(s, strlen(s), "a.svg", NULL, NULL, NULL) < 0 && strstr(dg_err_last(), "a.svg") &&
		      strstr(dg_err_last(), refused[i].why), "SVG refused (%s): %s", refused[i].why, dg_err_last());
		free(s);
	}
	{
		/* <use>: 50 pass, 51 do not; 2^20 drawn from 40 do not; one reaching itself does not. */
		char body[8192], *s;
		size_t n = (size_t)snprintf(body, sizeof(body), "<circle id=\"c\" r=\"1\"/>");
		for (int i = 0; i < 50; i++)
			n += (size_t)snprintf(body + n, sizeof(body) - n, "<use xlink:href=\"#c\" x=\"%d\"/>", i);
		s = svg("width=\"40\" height=\"40\"", body);
		CHECK(dg_image_check(s, strlen(s), "x", NULL, NULL, NULL) == 0, "50 <use>: pass");
		free(s);
		snprintf(body + n, sizeof(body) - n, "<use href=\"#c\"/>");
		s = svg("width=\"40\" height=\"40\"", body);
		CHECK(dg_image_check(s, strlen(s), "x", NULL, NULL, NULL) < 0 && strstr(dg_err_last(), "50 <use>"),
		      "51 <use>: refused: %s", dg_err_last());
		free(s);
		n = (size_t)snprintf(body, sizeof(body), "<defs><g id=\"l0\"><circle r=\"1\"/></g>");
		for (int i = 1; i <= 20; i++)
			n += (size_t)snprintf(body + n, sizeof(body) - n, "<g id=\"l%d\"><use href=\"#l%d\"/>"
					      "<use href=\"#l%d\"/></g>", i, i - 1, i - 1);
		snprintf(body + n, sizeof(body) - n, "</defs><use href=\"#l20\"/>");
		s = svg("width=\"40\" height=\"40\"", body);
		CHECK(dg_image_check(s, strlen(s), "x", NULL, NULL, NULL) < 0 && strstr(dg_err_last(), "draw more"),
		      "41 <use> drawing 2^20 elements: refused: %s", dg_err_last());
		free(s);
		s = svg("width=\"40\" height=\"40\"", "<g id=\"a\"><use href=\"#a\"/></g>");
		CHECK(dg_image_check(s, strlen(s), "x", NULL, NULL, NULL) < 0, "a <use> of its own group: refused");
		free(s);
	}
	{
		static const char ents[] = "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY a \"b\">]>"
					   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\">"
					   "<text>&a;</text></svg>";
		static const char doctype[] = "<?xml version=\"1.0\"?><!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
					      "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">"
					      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>";
		CHECK(dg_image_check(ents, strlen(ents), "x", NULL, NULL, NULL) < 0 && strstr(dg_err_last(), "entities"),
		      "an SVG declaring entities: refused: %s", dg_err_last());
		static const char xxe[] = "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
					  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\">"
					  "<text>&x;</text></svg>";
		static const char sheet[] = "<?xml-stylesheet href=\"data:text/css,rect{filter:blur(9px)}\"?>"
					    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>";
		CHECK(dg_image_check(doctype, strlen(doctype), "x", NULL, NULL, NULL) == 0,
		      "an SVG with the SVG 1.1 doctype (not loaded): passes");
		CHECK(dg_image_check(xxe, strlen(xxe), "x", NULL, NULL, NULL) < 0, "an SVG with an external entity: refused");
		CHECK(dg_image_check(sheet, strlen(sheet), "x", NULL, NULL, NULL) < 0 && strstr(dg_err_last(), "style sheet"),
		      "an SVG with an xml-stylesheet: refused: %s", dg_err_last());
		CHECK(dg_image_check("<svg", 4, "x", NULL, NULL, NULL) < 0, "a broken SVG: refused");
	}
	{
		/* An <image> of a small PNG passes; of a PNG bomb does not. */
		GdkPixbuf *pb = halves(8, 8);
		gsize len = 0;
		gchar *png = saved(pb, "png", &len), *b64 = g_base64_encode((const guchar *)png, len);
		unsigned char bomb[64];
		size_t bl = png_header(bomb, 30000, 30000);
		gchar *b64bomb = g_base64_encode(bomb, bl);
		char body[1024], *s;
		snprintf(body, sizeof(body), "<image width=\"4\" height=\"4\" xlink:href=\"data:image/png;base64,%s\"/>", b64);
		s = svg("width=\"4\" height=\"4\"", body);
		CHECK(dg_image_check(s, strlen(s), "x", NULL, NULL, NULL) == 0, "an <image> of an 8x8 PNG: passes");
		free(s);
		snprintf(body, sizeof(body), "<image width=\"4\" height=\"4\" href=\"data:image/png;base64,%s\"/>",
			 b64bomb);
		s = svg("width=\"4\" height=\"4\"", body);
		CHECK(dg_image_check(s, strlen(s), "x", NULL, NULL, NULL) < 0 && strstr(dg_err_last(), "30000x30000"),
		      "an <image> of a PNG bomb: refused: %s", dg_err_last());
		free(s);
		g_free(b64);
		g_free(b64bomb);
		g_free(png);
		g_object_unref(pb);
	}
}

/* Pictures drawn in the child: bombs refused before it, the good ones small,
 * a slow one stopped at the deadline, fast. */
static void test_drawn_outside(void)
{
	GdkPixbuf *big = halves(400, 300), *small = halves(40, 30);
	gsize big_len = 0, small_len = 0;
	gchar *big_png = saved(big, "png", &big_len), *small_jpeg = saved(small, "jpeg", &small_len);
	unsigned char bomb[64];
	size_t bomb_len = png_header(bomb, 30000, 30000);
	static const char logo[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\">"
				   "<rect width=\"10\" height=\"10\" fill=\"#dc1414\"/></svg>";
	dg_image_thumb th[5] = {
		{big_png, big_len, "big.png", NULL, 0, NULL}, {bomb, bomb_len, "bomb.png", NULL, 0, NULL},
		{small_jpeg, small_len, "small.jpg", NULL, 0, NULL}, {"garbage", 7, "junk", NULL, 0, NULL},
		{logo, strlen(logo), "logo.svg", NULL, 0, NULL},
	};
	int w = 0, h = 0;
	char *out = NULL, *slow;
	size_t out_len = 0;
	dg_image_type t;
	long long t0;

	dg_image_thumbnails(th, 5, 192, dg_image_deadline(60));
	CHECK(th[0].png && dg_image_png_size(th[0].png, th[0].png_len, &w, &h) == 0 && w == 192 && h == 144,
	      "a 400x300 PNG drawn as 192x144 (%dx%d): %s", w, h, th[0].error ? th[0].error : "");
	CHECK(!th[1].png && th[1].error && strstr(th[1].error, "bomb.png") && strstr(th[1].error, "30000x30000"),
	      "the bomb refused before the child: %s", th[1].error ? th[1].error : "");
	CHECK(th[2].png && dg_image_png_size(th[2].png, th[2].png_len, &w, &h) == 0 && w == 40 && h == 30,
	      "a 40x30 JPEG drawn as a 40x30 PNG (never enlarged)");
	CHECK(!th[3].png && th[3].error && strstr(th[3].error, "junk"), "garbage refused: %s", th[3].error);
	CHECK(th[4].png && dg_image_png_size(th[4].png, th[4].png_len, &w, &h) == 0 && w == 192 && h == 192,
	      "an SVG without a size: drawn in 192x192 (%dx%d)", w, h);
	for (int i = 0; i < 5; i++) {
		free(th[i].png);
		free(th[i].error);
	}
	CHECK(dg_image_for_wechat(bomb, bomb_len, 0, "bomb.png", &out, &out_len, &t) < 0 && !out &&
	      strstr(dg_err_last(), "30000x30000"), "for WeChat: a PNG bomb is refused, not passed through: %s",
	      dg_err_last());
	/* An SVG that passes every check and is slow to draw: stopped at the deadline. */
	{
		size_t cap = 64 * 1024, n = 0;
		slow = malloc(cap);
		n += (size_t)snprintf(slow + n, cap - n, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4000\" "
				      "height=\"4000\"><defs><g id=\"g\">");
		for (int i = 0; i < 40; i++)
			n += (size_t)snprintf(slow + n, cap - n, "<circle cx=\"2000\" cy=\"2000\" r=\"%d\" fill=\"none\" "
					      "stroke=\"#123456\" stroke-width=\"400\" stroke-dasharray=\"0.05 0.05\"/>",
					      100 + 45 * i);
		n += (size_t)snprintf(slow + n, cap - n, "</g></defs>");
		for (int i = 0; i < 40; i++)
			n += (size_t)snprintf(slow + n, cap - n, "<use href=\"#g\" transform=\"rotate(%d 2000 2000)\"/>", i);
		snprintf(slow + n, cap - n, "</svg>");
	}
	CHECK(dg_image_check(slow, strlen(slow), "slow.svg", NULL, NULL, NULL) == 0, "the slow SVG passes the checks");
	t0 = dg_sandbox_now_ms();
	CHECK(dg_image_for_wechat_until(slow, strlen(slow), 0, dg_image_deadline(2), "slow.svg", &out, &out_len, &t) < 0 &&
	      !out && strstr(dg_err_last(), "--timeout"), "a slow SVG stops at half the time left: %s", dg_err_last());
	CHECK(dg_sandbox_now_ms() - t0 < 2000, "... within it: %lld ms for a deadline of 2 s", dg_sandbox_now_ms() - t0);
	t0 = dg_sandbox_now_ms();
	th[0] = (dg_image_thumb){slow, strlen(slow), "slow.svg", NULL, 0, NULL};
	th[1] = (dg_image_thumb){small_jpeg, small_len, "small.jpg", NULL, 0, NULL};
	dg_image_thumbnails(th, 2, 192, dg_sandbox_now_ms() + 3000);
	CHECK(!th[0].png && th[0].error && !th[1].png && th[1].error && strstr(th[1].error, "--timeout"),
	      "out of time the rest fail at once: %s / %s", th[0].error, th[1].error);
	CHECK(dg_sandbox_now_ms() - t0 < 2500, "... in %lld ms (half of 3 s, and the rest at once)",
	      dg_sandbox_now_ms() - t0);
	for (int i = 0; i < 2; i++) {
		free(th[i].png);
		free(th[i].error);
	}
	t0 = dg_sandbox_now_ms();
	CHECK(dg_image_for_wechat_until(small_jpeg, small_len, 0, dg_image_deadline(1), "late.jpg", &out, &out_len, &t) == 0 &&
	      out && t == DG_IMAGE_JPEG, "a small JPEG is passed through whatever the time left (nothing decoded)");
	free(out);
	free(slow);
	g_free(big_png);
	g_free(small_jpeg);
	g_object_unref(big);
	g_object_unref(small);
}

/* The child's memory limit (not under AddressSanitizer, sandbox.h). */
#if defined(__SANITIZE_ADDRESS__)
#define ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN 1
#endif
#endif

#ifndef ASAN
static int work_greedy(void *ctx, size_t i, char **out, size_t *out_len, int *tag)
{
	size_t want = (size_t)3 << 30;
	char *p = malloc(want);

	(void)ctx, (void)i, (void)tag;
	if (!p)
		return dg_err_set(DG_ERR_FAIL, "3 GiB refused");
	free(p);
	*out = strdup("got 3 GiB");
	*out_len = strlen(*out);
	return 0;
}
#endif

static void test_sandbox_memory(void)
{
#ifdef ASAN
	CHECK(1, "# skip: the child's RLIMIT_AS is not set under AddressSanitizer");
#else
	dg_sandbox_result r;
	const char *what[1] = {"greedy"};

	dg_sandbox_run(work_greedy, NULL, 1, what, 0, 5, 100, &r);
	CHECK(r.error && strstr(r.error, "3 GiB refused"), "the child cannot map 3 GiB: %s",
	      r.error ? r.error : r.data);
	free(r.error);
	free(r.data);
#endif
}

int main(void)
{
	test_sniff();
	test_convert();
	test_svg_cjk();
	test_png_encoder();
	test_svg_batch();
	test_shrink();
	test_header_sizes();
	test_svg_rules();
	test_drawn_outside();
	test_sandbox_memory();
	return check_done();
}
