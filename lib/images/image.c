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
#include <stdlib.h>
#include <string.h>

/* The largest side of a template drawn in this process (librsvg's own
 * limit is near 8000 px too). */
#define TEMPLATE_MAX_SIDE 8000

long long dg_image_deadline(int seconds)
{
	return seconds > 0 ? dg_sandbox_now_ms() + (long long)seconds * 1000 : 0;
}

static cairo_status_t write_png(void *closure, const unsigned char *data, unsigned int length)
{
	return dg_buf_put(closure, data, length) < 0 ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
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
