/* Converting images (librsvg, cairo, gdk-pixbuf): our own SVG templates in
 * this process; pictures from outside checked from their headers first
 * (imghead.c), then drawn in a child process (sandbox.c). */
#include "images/image.h"
#include "images/sandbox.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <librsvg/rsvg.h>
#include <png.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The largest side of a template drawn in this process (librsvg's own
 * limit is near 8000 px too). */
#define TEMPLATE_MAX_SIDE 8000

long long dg_image_deadline(int seconds)
{
	return seconds > 0 ? dg_sandbox_now_ms() + (long long)seconds * 1000 : 0;
}

/* --- PNG encoding: libpng, no row filter, zlib level 3 ---
 * cairo's own writer (libpng's adaptive filters, zlib's level 6) took 3/4 of
 * a certificate's CPU; drawn text and flat colours compress as well without
 * filters, and an opaque picture is written as RGB. Same pixels, same bytes:
 * nothing varies between runs (no time chunk). */
#define PNG_ZLIB_LEVEL 3

static png_voidp png_alloc(png_structp png, png_alloc_size_t n)
{
	(void)png;
	return dg_malloc(n ? n : 1);   /* out of memory aborts (base/alloc.h) */
}

static void png_dealloc(png_structp png, png_voidp p)
{
	(void)png;
	free(p);
}

static void png_fail(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

static void png_put(png_structp png, png_bytep data, size_t len)
{
	if (dg_buf_put(png_get_io_ptr(png), data, len) < 0)
		png_error(png, "write");
}

static void png_flush_none(png_structp png)
{
	(void)png;
}

/* Every pixel of cairo's ARGB32 `data` opaque? */
static int surface_opaque(const unsigned char *data, int w, int h, int stride)
{
	for (int y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * stride);
		for (int x = 0; x < w; x++)
			if ((row[x] >> 24) != 0xff)
				return 0;
	}
	return 1;
}

/* One row of cairo's premultiplied, native-endian ARGB32 as straight RGB or
 * RGBA bytes (un-premultiplied with cairo's own rounding). */
static void row_bytes(const unsigned char *src, int w, int opaque, unsigned char *out)
{
	const uint32_t *px = (const uint32_t *)(const void *)src;

	for (int x = 0; x < w; x++) {
		uint32_t p = px[x], a = p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
		if (opaque) {
			*out++ = (unsigned char)r;
			*out++ = (unsigned char)g;
			*out++ = (unsigned char)b;
		} else if (a == 0) {
			out[0] = out[1] = out[2] = out[3] = 0;
			out += 4;
		} else {
			*out++ = (unsigned char)((r * 255 + a / 2) / a);
			*out++ = (unsigned char)((g * 255 + a / 2) / a);
			*out++ = (unsigned char)((b * 255 + a / 2) / a);
			*out++ = (unsigned char)a;
		}
	}
}

/* The pixels of a flushed ARGB32 image surface appended to `out` as PNG:
 * 0, or <0 (libpng's own failure; `out` holds a part then). */
static int encode_png(cairo_surface_t *surface, dg_buf *out)
{
	const unsigned char *data = cairo_image_surface_get_data(surface);
	int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
	int stride = cairo_image_surface_get_stride(surface);
	int opaque = surface_opaque(data, w, h, stride);
	unsigned char *row = dg_malloc((size_t)w * 4);
	png_structp png = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_warn, NULL,
						    png_alloc, png_dealloc);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	int err = -1;

	if (!info)
		goto done;
	if (setjmp(png_jmpbuf(png)))
		goto done;   /* nothing above changes after setjmp: no volatile needed */
	png_set_write_fn(png, out, png_put, png_flush_none);
	png_set_filter(png, 0, PNG_FILTER_NONE);
	png_set_compression_level(png, PNG_ZLIB_LEVEL);
	png_set_compression_buffer_size(png, 1u << 16);  /* fewer, larger IDAT chunks */
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGBA,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < h; y++) {
		row_bytes(data + (size_t)y * stride, w, opaque, row);
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	err = 0;
done:
	png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
	free(row);
	return err;
}

/* The document of `h` drawn fitted in a w x ht surface, as PNG. */
static int draw_svg(RsvgHandle *h, int w, int ht, const char *what, char **png, size_t *png_len)
{
	GError *gerr = NULL;
	cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, ht);
	cairo_t *cr = cairo_create(surface);
	RsvgRectangle viewport = {0, 0, w, ht};
	dg_buf out = DG_BUF_INIT;
	int err = 0;

	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		err = dg_err_set(DG_ERR_FAIL, "%s: no surface of %dx%d px for the SVG", what, w, ht);
		goto done;
	}
	if (!rsvg_handle_render_document(h, cr, &viewport, &gerr)) {
		err = dg_err_set(DG_ERR_FAIL, "%s: rendering the SVG failed: %s", what, gerr ? gerr->message : "?");
		goto done;
	}
	cairo_surface_flush(surface);
	/* `out` has no cap: encode_png fails on libpng's own errors only */
	if (encode_png(surface, &out) < 0) {
		err = dg_err_set(DG_ERR_FAIL, "%s: writing the PNG failed", what);
		goto done;
	}
	*png_len = out.len;
	err = dg_buf_finish(&out, png);
done:
	if (gerr)
		g_error_free(gerr);
	cairo_destroy(cr);
	cairo_surface_destroy(surface);
	dg_buf_free(&out);
	return err;
}

static RsvgHandle *svg_handle(const char *svg, size_t len, const char *what)
{
	GError *gerr = NULL;
	RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, len, &gerr);

	if (!h)
		dg_err_set(DG_ERR_FAIL, "%s: not a usable SVG: %s", what, gerr ? gerr->message : "?");
	if (gerr)
		g_error_free(gerr);
	return h;
}

int dg_image_svg_to_png(const char *svg, size_t len, double scale, const char *what, char **png,
			size_t *png_len)
{
	RsvgHandle *h;
	double w = 0, ht = 0;
	int err;

	*png = NULL;
	*png_len = 0;
	if (!(h = svg_handle(svg, len, what)))
		return DG_ERR_FAIL;
	if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &ht) || w < 1 || ht < 1 ||
	    w * scale > TEMPLATE_MAX_SIDE || ht * scale > TEMPLATE_MAX_SIDE)
		err = dg_err_set(DG_ERR_FAIL, "%s: the SVG needs a width and height in pixels (up to %d)", what,
				 TEMPLATE_MAX_SIDE);
	else
		err = draw_svg(h, (int)(w * scale + 0.5), (int)(ht * scale + 0.5), what, png, png_len);
	g_object_unref(h);
	return err;
}

typedef struct svg_batch {
	dg_image_svg *items;
	size_t n;
	double scale;
	atomic_size_t next;      /* the next item not taken */
} svg_batch;

static void draw_item(dg_image_svg *it, double scale)
{
	if (dg_image_svg_to_png(it->svg, it->len, scale, it->what, &it->png, &it->png_len) < 0)
		it->error = dg_strdup(dg_err_last());   /* dg_err_last is per thread */
}

/* Take items until none is left (each drawer its own: no object shared). */
static void *draw_items(void *arg)
{
	svg_batch *b = arg;
	size_t i;

	while ((i = atomic_fetch_add(&b->next, 1)) < b->n)
		draw_item(&b->items[i], b->scale);
	return NULL;
}

void dg_image_svgs_to_png(dg_image_svg *items, size_t n, double scale, unsigned threads)
{
	svg_batch b = {items, n, scale, 0};
	pthread_t extra[1];
	size_t started = 0;

	for (size_t i = 0; i < n; i++) {
		items[i].png = items[i].error = NULL;
		items[i].png_len = 0;
	}
	if (!threads) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cores > 1 ? 2 : 1;
	}
	if (n > DG_IMAGE_PARALLEL_MIN && threads > 1) {
		/* The first alone: fontconfig and librsvg's own set-up happen once,
		 * in this thread, before another draws. */
		draw_item(&items[0], scale);
		atomic_store(&b.next, 1);
		for (; started < threads - 1 && started < sizeof(extra) / sizeof(extra[0]); started++)
			if (pthread_create(&extra[started], NULL, draw_items, &b) != 0)
				break;  /* no thread: this one draws them all */
	}
	draw_items(&b);
	for (size_t k = 0; k < started; k++)
		pthread_join(extra[k], NULL);
}

/* --- in the child: decoding and saving --- */

/* The largest w' x h' of the same shape that fits in side x side (never larger). */
static void fit(int *w, int *h, unsigned side)
{
	if ((unsigned)*w <= side && (unsigned)*h <= side)
		return;
	if (*w >= *h) {
		*h = (int)((double)*h * side / *w + 0.5);
		*w = (int)side;
	} else {
		*w = (int)((double)*w * side / *h + 0.5);
		*h = (int)side;
	}
	if (*w < 1)
		*w = 1;
	if (*h < 1)
		*h = 1;
}

static void on_size(GdkPixbufLoader *loader, int w, int h, gpointer side)
{
	fit(&w, &h, GPOINTER_TO_UINT(side));
	gdk_pixbuf_loader_set_size(loader, w, h);
}

/* Decode with the loader of the type the header said (not gdk-pixbuf's own
 * guess), scaled to fit `side` (0: as it is). NULL when it cannot. */
static GdkPixbuf *decode(const void *data, size_t len, dg_image_type t, unsigned side)
{
	GdkPixbufLoader *loader = gdk_pixbuf_loader_new_with_type(dg_image_type_name(t), NULL);
	GdkPixbuf *pb = NULL;
	gboolean ok;

	if (!loader)
		return NULL;
	if (side)
		g_signal_connect(loader, "size-prepared", G_CALLBACK(on_size), GUINT_TO_POINTER(side));
	ok = gdk_pixbuf_loader_write(loader, data, len, NULL);
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

/* A picture from outside that passed dg_image_check. */
typedef struct outside {
	const void *data;
	size_t len;
	const char *what;
	dg_image_type type;
	unsigned long w, h;      /* from the header: what an SVG is drawn at */
} outside;

/* The picture as a pixbuf fitted in `side` (0: its own size); an SVG is
 * drawn by librsvg at the size its header gave. NULL with a message. */
static GdkPixbuf *outside_pixbuf(const outside *o, unsigned side)
{
	GdkPixbuf *pb = NULL;

	if (o->type == DG_IMAGE_SVG) {
		RsvgHandle *h = svg_handle(o->data, o->len, o->what);
		int w = (int)o->w, ht = (int)o->h;
		char *png = NULL;
		size_t png_len = 0;

		if (!h)
			return NULL;
		if (side)
			fit(&w, &ht, side);
		if (draw_svg(h, w, ht, o->what, &png, &png_len) == 0 && !(pb = decode(png, png_len, DG_IMAGE_PNG, 0)))
			dg_err_set(DG_ERR_FAIL, "%s: the drawn SVG does not decode", o->what);
		free(png);
		g_object_unref(h);
		return pb;
	}
	if (!(pb = decode(o->data, o->len, o->type, side)))
		dg_err_set(DG_ERR_FAIL, "%s: cannot decode this %s image%s", o->what, dg_image_type_name(o->type),
			   o->type == DG_IMAGE_WEBP ? " (no WebP loader installed for gdk-pixbuf: webp-pixbuf-loader)" : "");
	else if (side && (gdk_pixbuf_get_width(pb) > (int)side || gdk_pixbuf_get_height(pb) > (int)side)) {
		int w = gdk_pixbuf_get_width(pb), h = gdk_pixbuf_get_height(pb);
		GdkPixbuf *small;
		fit(&w, &h, side);
		small = gdk_pixbuf_scale_simple(pb, w, h, GDK_INTERP_BILINEAR);
		g_object_unref(pb);
		pb = small;
	}
	return pb;
}

typedef struct wechat_job {
	outside o;
	size_t max;
} wechat_job;

/* In the child: the picture as PNG, or JPEG made smaller until under max. */
static int work_wechat(void *ctx, size_t i, char **out, size_t *out_len, int *tag)
{
	const wechat_job *job = ctx;
	GdkPixbuf *pb;

	(void)i;
	*tag = DG_IMAGE_PNG;
	if (job->o.type == DG_IMAGE_SVG) {
		RsvgHandle *h = svg_handle(job->o.data, job->o.len, job->o.what);
		int err = h ? draw_svg(h, (int)job->o.w, (int)job->o.h, job->o.what, out, out_len) : DG_ERR_FAIL;
		if (h)
			g_object_unref(h);
		if (err < 0 || *out_len <= job->max)
			return err;
		free(*out);
		*out = NULL;
	}
	if (!(pb = outside_pixbuf(&job->o, 0)))
		return DG_ERR_FAIL;
	if (save(pb, "png", out, out_len) < 0 || *out_len > job->max) {
		/* Too big as PNG: JPEG, then smaller, at most 8 times. */
		for (int k = 0; k < 9; k++) {
			free(*out);
			*out = NULL;
			*tag = DG_IMAGE_JPEG;
			if (save(pb, "jpeg", out, out_len) == 0 && *out_len <= job->max)
				break;
			if (k < 8) {
				int w = gdk_pixbuf_get_width(pb) * 4 / 5, h = gdk_pixbuf_get_height(pb) * 4 / 5;
				GdkPixbuf *small = w > 0 && h > 0 ? gdk_pixbuf_scale_simple(pb, w, h, GDK_INTERP_BILINEAR) : NULL;
				if (!small)
					break;
				g_object_unref(pb);
				pb = small;
			}
		}
	}
	g_object_unref(pb);
	if (!*out || *out_len > job->max) {
		free(*out);
		*out = NULL;
		*out_len = 0;
		return dg_err_set(DG_ERR_FAIL, "%s: cannot bring this %s image under %zu bytes", job->o.what,
				  dg_image_type_name(job->o.type), job->max);
	}
	return 0;
}

/* What came back from a child is checked like a picture from outside (a
 * decoder it ran could have been subverted): the type wanted, the size. */
static int check_drawn(const char *data, size_t len, const char *what, unsigned side, dg_image_type *t)
{
	unsigned long w = 0, h = 0;

	if (dg_image_check(data, len, what, t, &w, &h) < 0 || (*t != DG_IMAGE_PNG && *t != DG_IMAGE_JPEG) ||
	    (side && (w > side || h > side)))
		return dg_err_set(DG_ERR_FAIL, "%s: the decoder answered no usable picture", what);
	return 0;
}

int dg_image_for_wechat_until(const void *data, size_t len, size_t max, long long deadline_ms, const char *what,
			      char **out, size_t *out_len, dg_image_type *type)
{
	wechat_job job = {{data, len, what, DG_IMAGE_UNKNOWN, 0, 0}, max ? max : DG_IMAGE_WECHAT_MAX};
	dg_sandbox_result res;
	const char *names[1] = {what};
	int err = 0;

	*out = NULL;
	*out_len = 0;
	if ((err = dg_image_check(data, len, what, &job.o.type, &job.o.w, &job.o.h)) < 0)
		return err;
	if ((job.o.type == DG_IMAGE_PNG || job.o.type == DG_IMAGE_JPEG) && len <= job.max) {
		*out = dg_malloc(len);
		memcpy(*out, data, len);
		*out_len = len;
		*type = job.o.type;
		return 0;
	}
	dg_sandbox_run(work_wechat, &job, 1, names, deadline_ms, DG_IMAGE_SECONDS, job.max, &res);
	if (res.error)
		err = dg_err_set(DG_ERR_FAIL, "%s", res.error);
	else if ((err = check_drawn(res.data, res.len, what, 0, type)) == 0 && res.len <= job.max) {
		*out = res.data;
		*out_len = res.len;
		res.data = NULL;
	} else if (err == 0) {
		err = dg_err_set(DG_ERR_FAIL, "%s: the decoder answered too much", what);
	}
	free(res.data);
	free(res.error);
	return err;
}

int dg_image_for_wechat(const void *data, size_t len, size_t max, const char *what, char **out,
			size_t *out_len, dg_image_type *type)
{
	return dg_image_for_wechat_until(data, len, max, 0, what, out, out_len, type);
}

typedef struct thumb_job {
	outside *pics;
	unsigned side;
} thumb_job;

static int work_thumb(void *ctx, size_t i, char **out, size_t *out_len, int *tag)
{
	const thumb_job *job = ctx;
	GdkPixbuf *pb = outside_pixbuf(&job->pics[i], job->side);
	int err = 0;

	*tag = DG_IMAGE_PNG;
	if (!pb)
		return DG_ERR_FAIL;
	if (save(pb, "png", out, out_len) < 0)
		err = dg_err_set(DG_ERR_FAIL, "%s: writing the PNG failed", job->pics[i].what);
	g_object_unref(pb);
	return err;
}

void dg_image_thumbnails(dg_image_thumb *items, size_t n, unsigned side, long long deadline_ms)
{
	thumb_job job = {dg_calloc(n ? n : 1, sizeof(outside)), side};
	size_t *index = dg_calloc(n ? n : 1, sizeof(*index)), k = 0;
	const char **names = dg_calloc(n ? n : 1, sizeof(*names));
	dg_sandbox_result *res = dg_calloc(n ? n : 1, sizeof(*res));

	/* Only what passes the header checks goes to the child. */
	for (size_t i = 0; i < n; i++) {
		outside *o = &job.pics[k];
		items[i].png = items[i].error = NULL;
		items[i].png_len = 0;
		*o = (outside){items[i].data, items[i].len, items[i].what, DG_IMAGE_UNKNOWN, 0, 0};
		if (dg_image_check(o->data, o->len, o->what, &o->type, &o->w, &o->h) < 0) {
			items[i].error = dg_strdup(dg_err_last());
			continue;
		}
		names[k] = o->what;
		index[k++] = i;
	}
	if (k)
		dg_sandbox_run(work_thumb, &job, k, names, deadline_ms, DG_IMAGE_SECONDS,
			       (size_t)side * side * 4 + 65536, res);
	for (size_t j = 0; j < k; j++) {
		dg_image_thumb *it = &items[index[j]];
		dg_image_type t;
		if (res[j].error) {
			it->error = res[j].error;
		} else if (check_drawn(res[j].data, res[j].len, it->what, side, &t) < 0) {
			it->error = dg_strdup(dg_err_last());
			free(res[j].data);
		} else {
			it->png = res[j].data;
			it->png_len = res[j].len;
		}
	}
	free(res);
	free(names);
	free(index);
	free(job.pics);
}
