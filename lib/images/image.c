/* Sniffing and converting images (librsvg, cairo, gdk-pixbuf). */
#include "images/image.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <librsvg/rsvg.h>
#include <stdlib.h>
#include <string.h>

static int starts(const unsigned char *p, size_t len, const char *magic, size_t n)
{
	return len >= n && !memcmp(p, magic, n);
}

dg_image_type dg_image_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i = 0, look;

	if (!p)
		return DG_IMAGE_UNKNOWN;
	if (starts(p, len, "\x89PNG\r\n\x1a\n", 8))
		return DG_IMAGE_PNG;
	if (starts(p, len, "\xff\xd8\xff", 3))
		return DG_IMAGE_JPEG;
	if (starts(p, len, "GIF87a", 6) || starts(p, len, "GIF89a", 6))
		return DG_IMAGE_GIF;
	if (len >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
		return DG_IMAGE_WEBP;
	if (starts(p, len, "BM", 2) && len >= 26)
		return DG_IMAGE_BMP;
	/* SVG: text whose first element (after a BOM, an XML declaration,
	 * comments or a doctype) is <svg, found in the first 4 KB. */
	if (starts(p, len, "\xef\xbb\xbf", 3))
		i = 3;
	look = len < 4096 ? len : 4096;
	for (; i + 4 <= look; i++) {
		if (p[i] == '<' && !memcmp(p + i, "<svg", 4))
			return DG_IMAGE_SVG;
		if (p[i] == '<' && p[i + 1] != '?' && p[i + 1] != '!')
			return DG_IMAGE_UNKNOWN;
		if (p[i] == 0)
			return DG_IMAGE_UNKNOWN;
	}
	return DG_IMAGE_UNKNOWN;
}

const char *dg_image_type_name(dg_image_type t)
{
	static const char *const names[] = {"unknown", "png", "jpeg", "gif", "webp", "bmp", "svg"};

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

const char *dg_image_mime(dg_image_type t)
{
	static const char *const mimes[] = {"application/octet-stream", "image/png", "image/jpeg",
					    "image/gif", "image/webp", "image/bmp", "image/svg+xml"};

	return (unsigned)t < sizeof(mimes) / sizeof(mimes[0]) ? mimes[t] : mimes[0];
}

int dg_image_png_size(const void *data, size_t len, int *width, int *height)
{
	const unsigned char *p = data;

	if (dg_image_sniff(data, len) != DG_IMAGE_PNG || len < 24 || memcmp(p + 12, "IHDR", 4))
		return -1;
	*width = (int)((unsigned)p[16] << 24 | (unsigned)p[17] << 16 | (unsigned)p[18] << 8 | p[19]);
	*height = (int)((unsigned)p[20] << 24 | (unsigned)p[21] << 16 | (unsigned)p[22] << 8 | p[23]);
	return 0;
}

static cairo_status_t write_png(void *closure, const unsigned char *data, unsigned int length)
{
	return dg_buf_put(closure, data, length) < 0 ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

int dg_image_svg_to_png(const char *svg, size_t len, double scale, const char *what, char **png,
			size_t *png_len)
{
	GError *gerr = NULL;
	RsvgHandle *h;
	cairo_surface_t *surface = NULL;
	cairo_t *cr = NULL;
	double w = 0, ht = 0;
	dg_buf out = DG_BUF_INIT;
	int err = 0;

	*png = NULL;
	*png_len = 0;
	h = rsvg_handle_new_from_data((const guint8 *)svg, len, &gerr);
	if (!h) {
		err = dg_err_set(DG_ERR_FAIL, "%s: not a usable SVG: %s", what, gerr ? gerr->message : "?");
		goto done;
	}
	if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &ht) || w < 1 || ht < 1 || w * scale > 8000 ||
	    ht * scale > 8000) {
		err = dg_err_set(DG_ERR_FAIL, "%s: the SVG needs a width and height in pixels (up to 8000)", what);
		goto done;
	}
	surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)(w * scale + 0.5), (int)(ht * scale + 0.5));
	cr = cairo_create(surface);
	{
		RsvgRectangle viewport = {0, 0, w * scale, ht * scale};
		if (!rsvg_handle_render_document(h, cr, &viewport, &gerr)) {
			err = dg_err_set(DG_ERR_FAIL, "%s: rendering the SVG failed: %s", what,
					 gerr ? gerr->message : "?");
			goto done;
		}
	}
	cairo_surface_flush(surface);
	/* `out` has no cap: write_png fails on cairo's own errors only */
	if (cairo_surface_write_to_png_stream(surface, write_png, &out) != CAIRO_STATUS_SUCCESS) {
		err = dg_err_set(DG_ERR_FAIL, "%s: writing the PNG failed", what);
		goto done;
	}
	*png_len = out.len;
	err = dg_buf_finish(&out, png);
done:
	if (gerr)
		g_error_free(gerr);
	if (cr)
		cairo_destroy(cr);
	if (surface)
		cairo_surface_destroy(surface);
	if (h)
		g_object_unref(h);
	dg_buf_free(&out);
	return err;
}

static GdkPixbuf *decode(const void *data, size_t len)
{
	GdkPixbufLoader *loader = gdk_pixbuf_loader_new();
	GdkPixbuf *pb = NULL;
	gboolean ok = gdk_pixbuf_loader_write(loader, data, len, NULL);

	if (gdk_pixbuf_loader_close(loader, NULL) && ok && (pb = gdk_pixbuf_loader_get_pixbuf(loader)))
		g_object_ref(pb);
	g_object_unref(loader);
	return pb;
}

/* Save as "png", or as "jpeg" (quality 85) over white. */
static int save(GdkPixbuf *pb, const char *format, char **out, size_t *out_len)
{
	gchar *buf = NULL;
	gsize n = 0;
	gboolean ok;

	if (!strcmp(format, "jpeg")) {
		int w = gdk_pixbuf_get_width(pb), h = gdk_pixbuf_get_height(pb);
		GdkPixbuf *flat = gdk_pixbuf_new(GDK_COLORSPACE_RGB, FALSE, 8, w, h);
		if (!flat)
			return -1;
		gdk_pixbuf_fill(flat, 0xffffffffu);
		gdk_pixbuf_composite(pb, flat, 0, 0, w, h, 0, 0, 1, 1, GDK_INTERP_BILINEAR, 255);
		ok = gdk_pixbuf_save_to_buffer(flat, &buf, &n, "jpeg", NULL, "quality", "85", NULL);
		g_object_unref(flat);
	} else {
		ok = gdk_pixbuf_save_to_buffer(pb, &buf, &n, "png", NULL, NULL);
	}
	if (!ok)
		return -1;
	*out = dg_malloc(n);
	memcpy(*out, buf, n);
	*out_len = n;
	g_free(buf);
	return 0;
}

int dg_image_for_wechat(const void *data, size_t len, size_t max, const char *what, char **out,
			size_t *out_len, dg_image_type *type)
{
	dg_image_type t = dg_image_sniff(data, len);
	GdkPixbuf *pb = NULL;
	char *png = NULL;
	size_t png_len = 0;
	int err = 0;

	*out = NULL;
	*out_len = 0;
	if (!max)
		max = DG_IMAGE_WECHAT_MAX;
	if ((t == DG_IMAGE_PNG || t == DG_IMAGE_JPEG) && len <= max) {
		*out = dg_malloc(len);
		memcpy(*out, data, len);
		*out_len = len;
		*type = t;
		return 0;
	}
	if (t == DG_IMAGE_UNKNOWN)
		return dg_err_set(DG_ERR_FAIL, "%s: not an image WeChat can show (not PNG, JPEG, GIF, BMP, "
				  "WebP or SVG)", what);
	if (t == DG_IMAGE_SVG) {
		if ((err = dg_image_svg_to_png(data, len, 1.0, what, &png, &png_len)) < 0)
			return err;
		if (png_len <= max) {
			*out = png;
			*out_len = png_len;
			*type = DG_IMAGE_PNG;
			return 0;
		}
		data = png;
		len = png_len;
	}
	if (!(pb = decode(data, len))) {
		err = dg_err_set(DG_ERR_FAIL, "%s: cannot decode this %s image%s", what, dg_image_type_name(t),
				 t == DG_IMAGE_WEBP ? " (no WebP loader installed for gdk-pixbuf: webp-pixbuf-loader)" : "");
		goto done;
	}
	*type = DG_IMAGE_PNG;
	if (save(pb, "png", out, out_len) < 0 || *out_len > max) {
		/* Too big as PNG: JPEG, then smaller, at most 8 times. */
		for (int i = 0; i < 9; i++) {
			free(*out);
			*out = NULL;
			*type = DG_IMAGE_JPEG;
			if (save(pb, "jpeg", out, out_len) == 0 && *out_len <= max)
				break;
			if (i < 8) {
				int w = gdk_pixbuf_get_width(pb) * 4 / 5, h = gdk_pixbuf_get_height(pb) * 4 / 5;
				GdkPixbuf *small = w > 0 && h > 0 ? gdk_pixbuf_scale_simple(pb, w, h, GDK_INTERP_BILINEAR) : NULL;
				if (!small)
					break;
				g_object_unref(pb);
				pb = small;
			}
		}
	}
	if (!*out || *out_len > max) {
		free(*out);
		*out = NULL;
		*out_len = 0;
		err = dg_err_set(DG_ERR_FAIL, "%s: cannot bring this %s image under %zu bytes", what,
				 dg_image_type_name(t), max);
	}
done:
	if (pb)
		g_object_unref(pb);
	free(png);
	return err;
}
