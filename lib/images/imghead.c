/* What image bytes are and how big they say they are, read from their
 * headers before anything decodes them; an SVG's elements checked with
 * libxml2 before librsvg sees it. */
#include "images/image.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"

#include <glib.h>
#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdint.h>
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

static unsigned long be16(const unsigned char *p) { return (unsigned long)p[0] << 8 | p[1]; }
static unsigned long le16(const unsigned char *p) { return (unsigned long)p[1] << 8 | p[0]; }
static unsigned long le24(const unsigned char *p) { return (unsigned long)p[2] << 16 | le16(p); }
static unsigned long be32(const unsigned char *p) { return be16(p) << 16 | be16(p + 2); }
static unsigned long le32(const unsigned char *p) { return le16(p + 2) << 16 | le16(p); }

/* Each reader: 0 with the size, or <0 with a message (why no size). */

static int png_size(const unsigned char *p, size_t len, const char *what, unsigned long *w, unsigned long *h)
{
	/* IHDR is the first chunk: its length (13), "IHDR", width, height. */
	if (len < 24 || memcmp(p + 12, "IHDR", 4))
		return dg_err_set(DG_ERR_FAIL, "%s: a PNG cut short or without IHDR first", what);
	*w = be32(p + 16);
	*h = be32(p + 20);
	return 0;
}

static int jpeg_size(const unsigned char *p, size_t len, const char *what, unsigned long *w, unsigned long *h)
{
	size_t pos = 2;

	/* Markers after SOI: FF xx, then a length (itself included) for all but
	 * the standalone ones; the first SOFn (not DHT C4, JPG C8, DAC CC)
	 * holds precision, height, width. */
	while (pos + 1 < len) {
		unsigned m;
		size_t seg;

		if (p[pos] != 0xff)
			break;
		while (pos < len && p[pos] == 0xff)   /* fill bytes */
			pos++;
		if (pos >= len)
			break;
		m = p[pos++];
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd8))
			continue;
		if (m == 0xd9 || m == 0xda)   /* EOI, or the scan starts: no SOF before it */
			break;
		if (pos + 2 > len)
			break;
		seg = be16(p + pos);
		if (seg < 2)
			break;
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
			if (pos + 7 > len || seg < 7)
				break;
			*h = be16(p + pos + 3);
			*w = be16(p + pos + 5);
			if (!*h)   /* the height comes later (DNL): unknown before decoding */
				return dg_err_set(DG_ERR_FAIL, "%s: a JPEG whose height is not in its header", what);
			return 0;
		}
		pos += seg;
	}
	return dg_err_set(DG_ERR_FAIL, "%s: a JPEG cut short or without a frame header (SOF)", what);
}

/* Skip GIF sub-blocks from *pos (up to their terminator): 0, or -1 when cut short. */
static int gif_skip_blocks(const unsigned char *p, size_t len, size_t *pos)
{
	while (*pos < len && p[*pos])
		*pos += 1u + p[*pos];
	if (*pos >= len)
		return -1;
	(*pos)++;
	return 0;
}

/* The logical screen; with `max_side`, every image descriptor is walked
 * too: how far a frame reaches in *max_side, the pixels of all frames in
 * *frame_px. */
static int gif_size(const unsigned char *p, size_t len, const char *what, unsigned long *w, unsigned long *h,
		    unsigned long *max_side, unsigned long *frame_px)
{
	size_t pos = 13;

	if (len < 13)
		return dg_err_set(DG_ERR_FAIL, "%s: a GIF cut short", what);
	*w = le16(p + 6);
	*h = le16(p + 8);
	if (!max_side)
		return 0;
	*max_side = *w > *h ? *w : *h;
	*frame_px = 0;
	if (p[10] & 0x80)
		pos += 3u << ((p[10] & 7) + 1);
	while (pos < len && p[pos] != 0x3b) {
		if (p[pos] == 0x21) {   /* an extension: label, sub-blocks */
			pos += 2;
			if (gif_skip_blocks(p, len, &pos) < 0)
				break;
		} else if (p[pos] == 0x2c) {   /* an image: left, top, width, height, flags */
			unsigned long left, top, fw, fh;
			if (pos + 10 > len)
				break;
			left = le16(p + pos + 1), top = le16(p + pos + 3), fw = le16(p + pos + 5), fh = le16(p + pos + 7);
			if (left + fw > *max_side)
				*max_side = left + fw;
			if (top + fh > *max_side)
				*max_side = top + fh;
			*frame_px += fw * fh;
			pos += 10u + (p[pos + 9] & 0x80 ? 3u << ((p[pos + 9] & 7) + 1) : 0u);
			pos++;   /* LZW minimum code size */
			if (gif_skip_blocks(p, len, &pos) < 0)
				break;
		} else {
			break;   /* not a block: the decoder stops here too */
		}
		if (*frame_px > DG_IMAGE_MAX_FRAME_PIXELS)
			break;
	}
	return 0;
}

/* WebP: the first chunk (VP8, VP8L or VP8X); with `frame_px`, the pixels
 * of the ANMF frames together, each at most the canvas. */
static int webp_size(const unsigned char *p, size_t len, const char *what, unsigned long *w, unsigned long *h,
		     unsigned long *frame_px)
{
	const unsigned char *d = p + 20;

	if (len >= 30 && !memcmp(p + 12, "VP8 ", 4) && d[3] == 0x9d && d[4] == 0x01 && d[5] == 0x2a) {
		*w = le16(d + 6) & 0x3fff;
		*h = le16(d + 8) & 0x3fff;
		return 0;
	}
	if (len >= 25 && !memcmp(p + 12, "VP8L", 4) && d[0] == 0x2f) {
		unsigned long bits = le32(d + 1);
		*w = (bits & 0x3fff) + 1;
		*h = (bits >> 14 & 0x3fff) + 1;
		return 0;
	}
	if (len >= 30 && !memcmp(p + 12, "VP8X", 4)) {
		size_t pos = 12;
		*w = le24(d + 4) + 1;
		*h = le24(d + 7) + 1;
		if (frame_px) {
			*frame_px = 0;
			while (pos + 8 <= len && *frame_px <= DG_IMAGE_MAX_FRAME_PIXELS) {
				unsigned long size = le32(p + pos + 4);
				if (!memcmp(p + pos, "ANMF", 4) && size >= 12 && pos + 20 <= len)
					*frame_px += (le24(p + pos + 14) + 1) * (le24(p + pos + 17) + 1);
				if (size > len - pos - 8)
					break;
				pos += 8 + size + (size & 1);
			}
		}
		return 0;
	}
	return dg_err_set(DG_ERR_FAIL, "%s: a WebP cut short or without a VP8, VP8L or VP8X chunk first", what);
}

static int bmp_size(const unsigned char *p, size_t len, const char *what, unsigned long *w, unsigned long *h)
{
	unsigned long dib = len >= 18 ? le32(p + 14) : 0;

	if (dib == 12 && len >= 22) {   /* OS/2 BITMAPCOREHEADER: 16-bit sides */
		*w = le16(p + 18);
		*h = le16(p + 20);
		return 0;
	}
	if (dib >= 16 && len >= 26) {   /* 32-bit signed sides; a negative height is top-down */
		uint32_t sw = (uint32_t)le32(p + 18), sh = (uint32_t)le32(p + 22);
		if (sw & 0x80000000u)
			return dg_err_set(DG_ERR_FAIL, "%s: a BMP of negative width", what);
		*w = sw;
		*h = sh & 0x80000000u ? (unsigned long)(~sh) + 1ul : sh;
		return 0;
	}
	return dg_err_set(DG_ERR_FAIL, "%s: a BMP cut short or with an unknown header", what);
}

/* --- SVG --- */

/* A length of SVG: a number (no locale) and a unit, in pixels (96 per
 * inch, as librsvg). 1 absolute, 0 missing or relative (%), -1 invalid. */
static int svg_length(const char *s, double *px)
{
	static const struct {
		const char *unit;
		double px;
	} units[] = {{"px", 1}, {"pt", 96.0 / 72}, {"pc", 16}, {"in", 96}, {"cm", 96 / 2.54}, {"mm", 96 / 25.4},
		     {"q", 96 / 101.6}, {"em", 16}, {"ex", 8}, {"", 1}};
	double v = 0, frac = 0.1;
	int digits = 0, neg = 0, ex = 0, eneg = 0;
	size_t n;

	if (!s)
		return 0;
	n = strlen(s);
	n = dg_str_trim(&s, n);
	if (n && (*s == '+' || *s == '-')) {
		neg = *s == '-';
		s++;
		n--;
	}
	for (; n && *s >= '0' && *s <= '9'; s++, n--, digits++)
		v = v * 10 + (*s - '0');
	if (n && *s == '.')
		for (s++, n--; n && *s >= '0' && *s <= '9'; s++, n--, digits++, frac /= 10)
			v += (*s - '0') * frac;
	if (!digits)
		return -1;
	if (n > 1 && (*s == 'e' || *s == 'E') && (s[1] == '-' || s[1] == '+' || (s[1] >= '0' && s[1] <= '9'))) {
		s++;
		n--;
		if (*s == '+' || *s == '-') {
			eneg = *s == '-';
			s++;
			n--;
		}
		for (; n && *s >= '0' && *s <= '9'; s++, n--)
			ex = ex < 1000 ? ex * 10 + (*s - '0') : ex;
		v *= pow(10, eneg ? -ex : ex);
	}
	if (neg)
		v = -v;
	if (n == 1 && *s == '%')
		return 0;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (n == strlen(units[i].unit) && dg_str_eq_ci(s, units[i].unit, n)) {
			*px = v * units[i].px;
			return isfinite(*px) && *px > 0 ? 1 : -1;
		}
	return -1;
}

/* viewBox="x y w h": 1 with w and h when both are positive. */
static int svg_viewbox(const char *s, double *w, double *h)
{
	double v[4];
	int k = 0;

	while (s && *s && k < 4) {
		char *end;
		while (*s == ',' || dg_str_is_space((unsigned char)*s))
			s++;
		if (!*s)
			break;
		v[k] = g_ascii_strtod(s, &end);   /* '.' whatever the locale */
		if (end == s)
			return 0;
		s = end;
		k++;
	}
	if (k != 4 || !isfinite(v[2]) || !isfinite(v[3]) || v[2] <= 0 || v[3] <= 0)
		return 0;
	*w = v[2];
	*h = v[3];
	return 1;
}

static char *attr(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? dg_strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

/* The size the root element asks for, in whole pixels: width and height,
 * or what is missing from the viewBox's shape fitted in the default side. */
static int svg_root_size(xmlNode *root, const char *what, unsigned long *w, unsigned long *h)
{
	char *ws = attr(root, "width"), *hs = attr(root, "height"), *vb = attr(root, "viewBox");
	double pw = 0, ph = 0, vw = 0, vh = 0, def = DG_IMAGE_SVG_DEFAULT_SIDE;
	int hw = svg_length(ws, &pw), hh = svg_length(hs, &ph), hv = svg_viewbox(vb, &vw, &vh), err = 0;

	if (hw < 0 || hh < 0) {
		err = dg_err_set(DG_ERR_FAIL, "%s: an SVG whose width or height is not a length (%s x %s)", what,
				 ws ? ws : "none", hs ? hs : "none");
		goto done;
	}
	if (!hw && !hh) {
		pw = hv ? (vw >= vh ? def : def * vw / vh) : def;
		ph = hv ? (vh >= vw ? def : def * vh / vw) : def;
	} else if (!hw) {
		pw = hv ? ph * vw / vh : def;
	} else if (!hh) {
		ph = hv ? pw * vh / vw : def;
	}
	/* ceil of an absurd double: kept absurd, not wrapped */
	*w = pw > 1e9 ? 1000000000ul : (unsigned long)ceil(pw);
	*h = ph > 1e9 ? 1000000000ul : (unsigned long)ceil(ph);
done:
	free(ws);
	free(hs);
	free(vb);
	return err;
}

/* What an SVG may not hold, found while walking it. */
typedef struct svg_walk {
	const char *what;
	xmlHashTablePtr ids;       /* id -> element */
	unsigned long uses, nodes, images, image_px;
	int err;
} svg_walk;

static const char *local(const xmlNode *n)
{
	return (const char *)n->name;
}

/* The href of `n` (xlink:href too: xmlGetProp ignores namespaces); caller frees. */
static char *href(xmlNode *n)
{
	return attr(n, "href");
}

/* An <image>: only a data: URI of a raster picture, checked like any other. */
static int svg_image(svg_walk *sw, xmlNode *n)
{
	char *x = href(n);
	const char *comma = NULL;
	guchar *bytes = NULL;
	gsize blen = 0;
	unsigned long w = 0, h = 0;
	dg_image_type t = DG_IMAGE_UNKNOWN;
	dg_buf name = DG_BUF_INIT;
	int err = 0;

	if (++sw->images > 16 || !x || strncmp(x, "data:", 5) || !(comma = strchr(x, ',')) ||
	    !dg_str_find(x, (size_t)(comma - x), ";base64", 7)) {
		err = dg_err_set(DG_ERR_FAIL, "%s: refused: an SVG with an <image> that is not a base64 data: "
				 "picture (or more than 16)", sw->what);
		goto done;
	}
	bytes = g_base64_decode(comma + 1, &blen);
	t = dg_image_sniff(bytes, blen);
	if (t == DG_IMAGE_SVG || t == DG_IMAGE_UNKNOWN) {
		err = dg_err_set(DG_ERR_FAIL, "%s: refused: an SVG with an <image> that is no raster picture",
				 sw->what);
		goto done;
	}
	if (dg_image_check(bytes, blen, "an <image> in it", &t, &w, &h) < 0) {
		dg_buf_puts(&name, dg_err_last());   /* no cap: cannot fail */
		err = dg_err_set(DG_ERR_FAIL, "%s: %s", sw->what, dg_buf_cstr(&name));
		goto done;
	}
	if ((sw->image_px += w * h) > DG_IMAGE_MAX_FRAME_PIXELS)
		err = dg_err_set(DG_ERR_FAIL, "%s: refused: an SVG whose <image> pictures are over %lu pixels together",
				 sw->what, DG_IMAGE_MAX_FRAME_PIXELS);
done:
	g_free(bytes);
	free(x);
	dg_buf_free(&name);
	return err;
}

/* 1 when CSS `s` may apply a filter: it names one (filter: blur(...)), or
 * could hide the name (an escape such as \66ilter, an @import). */
static int mentions_filter(const char *s)
{
	return s && (dg_str_find_ci(s, strlen(s), "filter") || strchr(s, '\\') || strchr(s, '@'));
}

/* First pass: what no element may be, <use> counted, ids noted. */
static void svg_scan(svg_walk *sw, xmlNode *n)
{
	for (; n && !sw->err; n = n->next) {
		char *s;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		sw->nodes++;
		if (!strcmp(local(n), "filter") || !strncmp(local(n), "fe", 2) || !strcmp(local(n), "foreignObject")) {
			sw->err = dg_err_set(DG_ERR_FAIL, "%s: refused: an SVG with filter effects or foreign "
					     "content (<%s>)", sw->what, local(n));
			return;
		}
		/* CSS filters (filter="blur(9)", style="filter: ...") need no <filter> */
		if ((s = attr(n, "filter")) && strcmp(s, "none")) {
			free(s);
			sw->err = dg_err_set(DG_ERR_FAIL, "%s: refused: an SVG with filter effects (a filter on <%s>)",
					     sw->what, local(n));
			return;
		}
		free(s);
		s = attr(n, "style");
		if (!s && !strcmp(local(n), "style")) {
			xmlChar *css = xmlNodeGetContent(n);
			s = css ? dg_strdup((const char *)css) : NULL;
			xmlFree(css);
		}
		if (mentions_filter(s)) {
			free(s);
			sw->err = dg_err_set(DG_ERR_FAIL, "%s: refused: an SVG with filter effects (in the style "
					     "of <%s>)", sw->what, local(n));
			return;
		}
		free(s);
		if (!strcmp(local(n), "use") && ++sw->uses > DG_IMAGE_SVG_MAX_USE) {
			sw->err = dg_err_set(DG_ERR_FAIL, "%s: refused: an SVG with more than %lu <use> elements",
					     sw->what, DG_IMAGE_SVG_MAX_USE);
			return;
		}
		if (!strcmp(local(n), "image") && (sw->err = svg_image(sw, n)) < 0)
			return;
		if ((s = attr(n, "id"))) {
			xmlHashAddEntry(sw->ids, (const xmlChar *)s, n);   /* the first of an id wins, as in librsvg */
			free(s);
		}
		if (sw->nodes > DG_IMAGE_SVG_MAX_NODES) {
			sw->err = dg_err_set(DG_ERR_FAIL, "%s: refused: an SVG with more than %lu elements", sw->what,
					     DG_IMAGE_SVG_MAX_NODES);
			return;
		}
		svg_scan(sw, n->children);
	}
}

/* Elements drawn for `n` once every <use> is expanded (a <use> draws what
 * it points at again), saturating past the limit; memoized in _private
 * (count + 1; UINTPTR_MAX while counting: a <use> that reaches itself). */
static unsigned long svg_weight(svg_walk *sw, xmlNode *n)
{
	unsigned long total = 1;
	uintptr_t memo = (uintptr_t)n->_private;

	if (memo == UINTPTR_MAX)
		return DG_IMAGE_SVG_MAX_NODES + 1;
	if (memo)
		return (unsigned long)(memo - 1);
	n->_private = (void *)UINTPTR_MAX;
	for (xmlNode *c = n->children; c && total <= DG_IMAGE_SVG_MAX_NODES; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			total += svg_weight(sw, c);
	if (!strcmp(local(n), "use") && total <= DG_IMAGE_SVG_MAX_NODES) {
		char *ref = href(n);
		xmlNode *target = ref && ref[0] == '#' ? xmlHashLookup(sw->ids, (const xmlChar *)ref + 1) : NULL;
		if (target)
			total += svg_weight(sw, target);
		free(ref);
	}
	if (total > DG_IMAGE_SVG_MAX_NODES)
		total = DG_IMAGE_SVG_MAX_NODES + 1;
	n->_private = (void *)(uintptr_t)(total + 1);
	return total;
}

/* Parse with libxml2 (no network, no DTD loaded, no entity substituted)
 * and check: an <svg> root, no entity declared, no filter, few <use> and
 * a bounded expansion, only checked data: pictures. With `size`, the size. */
static int svg_check(const void *data, size_t len, const char *what, int rules, unsigned long *w, unsigned long *h)
{
	xmlDoc *doc = NULL;
	xmlNode *root;
	svg_walk sw = {what, NULL, 0, 0, 0, 0, 0};
	int err = 0;

	if (len > DG_IMAGE_SVG_MAX_BYTES)
		return dg_err_set(DG_ERR_FAIL, "%s: refused: an SVG of %zu bytes, over %lu", what, len,
				  DG_IMAGE_SVG_MAX_BYTES);
	doc = xmlReadMemory(data, (int)len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc || !(root = xmlDocGetRootElement(doc)) || strcmp(local(root), "svg")) {
		err = dg_err_set(DG_ERR_FAIL, "%s: refused: not a well-formed SVG document", what);
		goto done;
	}
	if ((err = svg_root_size(root, what, w, h)) < 0 || !rules)
		goto done;
	if (doc->intSubset && doc->intSubset->entities) {
		err = dg_err_set(DG_ERR_FAIL, "%s: refused: an SVG that declares XML entities", what);
		goto done;
	}
	for (xmlNode *pi = doc->children; pi; pi = pi->next)
		if (pi->type == XML_PI_NODE && !strcmp((const char *)pi->name, "xml-stylesheet")) {
			err = dg_err_set(DG_ERR_FAIL, "%s: refused: an SVG with a style sheet outside it", what);
			goto done;
		}
	sw.ids = xmlHashCreate(64);
	svg_scan(&sw, root);
	if ((err = sw.err) < 0)
		goto done;
	if (svg_weight(&sw, root) > DG_IMAGE_SVG_MAX_NODES)
		err = dg_err_set(DG_ERR_FAIL, "%s: refused: an SVG whose <use> elements draw more than %lu elements",
				 what, DG_IMAGE_SVG_MAX_NODES);
done:
	if (sw.ids)
		xmlHashFree(sw.ids, NULL);
	xmlFreeDoc(doc);
	return err;
}

/* --- sizes and limits --- */

/* The size; with `rules`, the frames of animations and an SVG's elements
 * are checked too (*frame_px: the pixels of all frames). */
static int read_size(const void *data, size_t len, const char *what, int rules, dg_image_type *type,
		     unsigned long *w, unsigned long *h, unsigned long *max_side, unsigned long *frame_px)
{
	const unsigned char *p = data;
	dg_image_type t = dg_image_sniff(data, len);
	int err;

	*type = t;
	*w = *h = 0;
	*max_side = *frame_px = 0;
	switch (t) {
	case DG_IMAGE_PNG: err = png_size(p, len, what, w, h); break;
	case DG_IMAGE_JPEG: err = jpeg_size(p, len, what, w, h); break;
	case DG_IMAGE_GIF: err = gif_size(p, len, what, w, h, rules ? max_side : NULL, frame_px); break;
	case DG_IMAGE_WEBP: err = webp_size(p, len, what, w, h, rules ? frame_px : NULL); break;
	case DG_IMAGE_BMP: err = bmp_size(p, len, what, w, h); break;
	case DG_IMAGE_SVG: err = svg_check(data, len, what, rules, w, h); break;
	default:
		return dg_err_set(DG_ERR_FAIL, "%s: not a picture (not PNG, JPEG, GIF, BMP, WebP or SVG)", what);
	}
	if (err < 0)
		return err;
	if (!*w || !*h)
		return dg_err_set(DG_ERR_FAIL, "%s: a %s picture of %lux%lu px: it has no size", what,
				  dg_image_type_name(t), *w, *h);
	return 0;
}

int dg_image_size(const void *data, size_t len, const char *what, dg_image_type *type, unsigned long *width,
		  unsigned long *height)
{
	unsigned long side, frames;

	return read_size(data, len, what, 0, type, width, height, &side, &frames);
}

int dg_image_png_size(const void *data, size_t len, int *width, int *height)
{
	unsigned long w = 0, h = 0;

	if (dg_image_sniff(data, len) != DG_IMAGE_PNG || png_size(data, len, "png", &w, &h) < 0 || w > INT32_MAX ||
	    h > INT32_MAX) {
		dg_err_clear();
		return -1;
	}
	*width = (int)w;
	*height = (int)h;
	return 0;
}

int dg_image_check(const void *data, size_t len, const char *what, dg_image_type *type, unsigned long *width,
		   unsigned long *height)
{
	unsigned long w, h, side, frame_px;
	dg_image_type t;
	int err = read_size(data, len, what, 1, &t, &w, &h, &side, &frame_px);

	if (type)
		*type = t;
	if (err < 0)
		return err;
	if (w > DG_IMAGE_MAX_SIDE || h > DG_IMAGE_MAX_SIDE || w * h > DG_IMAGE_MAX_PIXELS)
		return dg_err_set(DG_ERR_FAIL, "%s: refused: a %s picture of %lux%lu px, over %lu px a side or %lu "
				  "megapixels", what, dg_image_type_name(t), w, h, DG_IMAGE_MAX_SIDE,
				  DG_IMAGE_MAX_PIXELS / 1000000);
	if (side > DG_IMAGE_MAX_SIDE)
		return dg_err_set(DG_ERR_FAIL, "%s: refused: a %s picture with a frame reaching %lu px, over %lu px a "
				  "side", what, dg_image_type_name(t), side, DG_IMAGE_MAX_SIDE);
	if (frame_px > DG_IMAGE_MAX_FRAME_PIXELS)
		return dg_err_set(DG_ERR_FAIL, "%s: refused: an animated %s picture whose frames are over %lu "
				  "megapixels together", what, dg_image_type_name(t),
				  DG_IMAGE_MAX_FRAME_PIXELS / 1000000);
	if (width)
		*width = w;
	if (height)
		*height = h;
	return 0;
}
