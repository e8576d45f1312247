/* image.h - image bytes: what they really are, and what WeChat accepts.
 *
 * WeChat checks the bytes, not the name: a body image must be PNG or JPEG
 * under 1 MB (media/uploadimg), so an SVG is rasterized (librsvg), a GIF,
 * BMP or WebP (when gdk-pixbuf has a loader for it) is decoded and saved as
 * PNG, and what is still too big is saved as JPEG and scaled down until it
 * fits. Nothing here touches the network or the filesystem: an SVG is
 * rendered without a base, so it can reach only its own data: URIs. */
#ifndef DG_IMAGE_H
#define DG_IMAGE_H

#include <stddef.h>

typedef enum dg_image_type {
	DG_IMAGE_UNKNOWN, DG_IMAGE_PNG, DG_IMAGE_JPEG, DG_IMAGE_GIF, DG_IMAGE_WEBP, DG_IMAGE_BMP,
	DG_IMAGE_SVG
} dg_image_type;

/* WeChat's limit for a body image (media/uploadimg): under 1 MB. */
#define DG_IMAGE_WECHAT_MAX (1024u * 1024u - 1u)

/* The type the bytes say (magic numbers; SVG: an <svg element near the start). */
dg_image_type dg_image_sniff(const void *data, size_t len);
/* "png", "jpeg", "gif", "webp", "bmp", "svg" or "unknown". */
const char *dg_image_type_name(dg_image_type t);
/* The MIME type ("image/png"); "application/octet-stream" when unknown. */
const char *dg_image_mime(dg_image_type t);

/* Width and height of a PNG (its IHDR): 0, or <0 when not a PNG. */
int dg_image_png_size(const void *data, size_t len, int *width, int *height);

/* Rasterize an SVG document at `scale` (1.0 = its own size in pixels) to
 * PNG. 0 with *png malloc'ed (caller frees), or <0 with a message naming
 * `what` (a file name). */
int dg_image_svg_to_png(const char *svg, size_t len, double scale, const char *what, char **png,
			size_t *png_len);

/* Bytes of any type -> PNG or JPEG of at most `max` bytes (0: the WeChat
 * limit). PNG and JPEG under the limit come back unchanged (copied).
 * 0 with *out malloc'ed (caller frees) and *type set, or <0 with a message
 * naming `what` and the type found. */
int dg_image_for_wechat(const void *data, size_t len, size_t max, const char *what, char **out,
			size_t *out_len, dg_image_type *type);

#endif
