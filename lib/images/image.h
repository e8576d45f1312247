/* image.h - image bytes: what they really are, how big they say they are,
 * and what WeChat accepts.
 *
 * A picture from outside (an avatar, a picture of the article) is bounded
 * before anything decodes it: its size is read from its header (PNG IHDR,
 * JPEG SOFn, GIF screen and frames, WebP VP8/VP8L/VP8X, BMP, an SVG's
 * width/height/viewBox) and refused over DG_IMAGE_MAX_SIDE a side or
 * DG_IMAGE_MAX_PIXELS; an SVG is parsed with libxml2 first and refused when
 * it has filter effects, XML entities, too many <use> or embedded pictures
 * over the limits. What must be decoded is decoded in a child process with
 * a memory and a time limit (lib/images/sandbox.h), so a picture that passes
 * the header check and still explodes fails alone, within the run's time.
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

/* A picture from outside: at most this many pixels a side and in all. */
#define DG_IMAGE_MAX_SIDE 4096ul
#define DG_IMAGE_MAX_PIXELS 16000000ul
/* The pixels of all the frames of an animation together (GIF, WebP: a
 * decoder may keep them all), and of an SVG's embedded pictures. */
#define DG_IMAGE_MAX_FRAME_PIXELS (8ul * DG_IMAGE_MAX_PIXELS)
/* An SVG from outside: its bytes, its <use> elements, its elements once
 * every <use> is expanded, and the size it is drawn at when it has none
 * (its viewBox's shape fitted in a square of this side). */
#define DG_IMAGE_SVG_MAX_BYTES (1024ul * 1024ul)
#define DG_IMAGE_SVG_MAX_USE 50ul
#define DG_IMAGE_SVG_MAX_NODES 100000ul
#define DG_IMAGE_SVG_DEFAULT_SIDE 512ul
/* Seconds one picture may take to draw, whatever time the run has left. */
#define DG_IMAGE_SECONDS 10

/* The type the bytes say (magic numbers; SVG: an <svg element near the start). */
dg_image_type dg_image_sniff(const void *data, size_t len);
/* "png", "jpeg", "gif", "webp", "bmp", "svg" or "unknown". */
const char *dg_image_type_name(dg_image_type t);
/* The MIME type ("image/png"); "application/octet-stream" when unknown. */
const char *dg_image_mime(dg_image_type t);

/* Width and height of a PNG (its IHDR): 0, or <0 when not a PNG (or over
 * INT_MAX a side). */
int dg_image_png_size(const void *data, size_t len, int *width, int *height);

/* The size the bytes declare, read from the header only (no limit applied):
 * PNG IHDR, JPEG's first SOFn, GIF's logical screen, WebP VP8/VP8L/VP8X,
 * BMP's DIB header, an SVG's width/height/viewBox in pixels (the default
 * bound when it has none; the SVG is parsed). 0 with *type, *width,
 * *height; or <0 (message naming `what`): not an image, or the header is
 * cut short or has no size. */
int dg_image_size(const void *data, size_t len, const char *what, dg_image_type *type, unsigned long *width,
		  unsigned long *height);

/* dg_image_size and the limits: 0 when a picture from outside may be
 * decoded (its size in *width and *height, either may be NULL); <0 with a message
 * naming `what`, the type and the size or the element refused. Decodes
 * nothing; an SVG is parsed with libxml2 (no network, no entity expanded). */
int dg_image_check(const void *data, size_t len, const char *what, dg_image_type *type, unsigned long *width,
		   unsigned long *height);

/* The run's deadline, now + `seconds`, as CLOCK_MONOTONIC milliseconds:
 * the form the _until functions take; 0 (no deadline) when seconds <= 0.
 * A batch of pictures from outside may use half of the time left to it
 * (the outputs and the publishing need the rest), each picture at most
 * DG_IMAGE_SECONDS. */
long long dg_image_deadline(int seconds);

/* Rasterize a trusted SVG document (one of our templates) at `scale`
 * (1.0 = its own size in pixels, up to 8000 a side) to PNG, in this process.
 * 0 with *png malloc'ed (caller frees), or <0 with a message naming `what`
 * (a file name). Never for an SVG from outside: dg_image_for_wechat. */
int dg_image_svg_to_png(const char *svg, size_t len, double scale, const char *what, char **png,
			size_t *png_len);

/* One trusted SVG document to draw (dg_image_svgs_to_png). */
typedef struct dg_image_svg {
	const char *svg;         /* in: the document (borrowed) */
	size_t len;
	const char *what;        /* in: named in the message (a file name) */
	char *png;               /* out: the PNG, malloc'ed; NULL on failure */
	size_t png_len;
	char *error;             /* out: why not, one line, malloc'ed; NULL on success */
} dg_image_svg;

/* Batches of more than this many documents are drawn on two threads. */
#define DG_IMAGE_PARALLEL_MIN 3

/* dg_image_svg_to_png on each of `n` trusted documents at `scale`, in this
 * process: with more than DG_IMAGE_PARALLEL_MIN of them, on up to `threads`
 * threads (0: one a core, at most 2; librsvg and cairo objects are never
 * shared, the first document is drawn alone so fonts are set up once).
 * Each item gets the bytes a serial run gives it. Fills png or error of
 * every item (the caller frees both). */
void dg_image_svgs_to_png(dg_image_svg *items, size_t n, double scale, unsigned threads);

/* Bytes of any type (from outside) -> PNG or JPEG of at most `max` bytes
 * (0: the WeChat limit). Checked first (dg_image_check); PNG and JPEG under
 * the limit come back unchanged (copied, never decoded); others are drawn in
 * a child process that stops at `deadline_ms` (dg_image_deadline; 0: none)
 * or after DG_IMAGE_SECONDS. 0 with *out malloc'ed (caller frees) and *type
 * set, or <0 with a message naming `what` and the type found. */
int dg_image_for_wechat_until(const void *data, size_t len, size_t max, long long deadline_ms, const char *what,
			      char **out, size_t *out_len, dg_image_type *type);
/* dg_image_for_wechat_until without a deadline for the run. */
int dg_image_for_wechat(const void *data, size_t len, size_t max, const char *what, char **out,
			size_t *out_len, dg_image_type *type);

/* One picture to redraw small (dg_image_thumbnails). */
typedef struct dg_image_thumb {
	const void *data;        /* in: the bytes (borrowed) */
	size_t len;
	const char *what;        /* in: named in the message (a URL) */
	char *png;               /* out: a PNG of at most `side` a side, malloc'ed; NULL on failure */
	size_t png_len;
	char *error;             /* out: why not, one line naming `what`, malloc'ed; NULL on success */
} dg_image_thumb;

/* Each of `n` pictures from outside checked (dg_image_check) and redrawn
 * as a PNG fitted in `side` x `side` (never enlarged), all in one child
 * process that stops at `deadline_ms` (0: none); a picture that takes
 * longer than DG_IMAGE_SECONDS, or that kills the child, fails alone.
 * Fills png or error of every item (the caller frees both). */
void dg_image_thumbnails(dg_image_thumb *items, size_t n, unsigned side, long long deadline_ms);

#endif
