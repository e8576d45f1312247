/* The images of an issue, from SVG templates (librsvg) and fetched avatars. */
#include "images/visuals.h"
#include "base/alloc.h"
#include "base/text.h"
#include "images/image.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/str.h"
#include "render/render.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Certificates are rasterized at 1.5x: 1200x840 for the shipped template. */
#define CERT_SCALE 1.5

/* The key of a certificate's PNG in the store: the SVG, the scale and the
 * encoder ("p3": libpng, no filter, zlib 3), so a PNG kept by an older
 * encoder is drawn again once rather than differing from a fresh one. */
static void cache_key(const char *svg, size_t n, char *key, size_t size)
{
	snprintf(key, size, "%016llx-%zu-%g-p3", (unsigned long long)dg_text_hash(svg, n), n, CERT_SCALE);
}

/* Add out_dir/rel ("certificates/x.png"): the file set wants the folder
 * apart. Takes `data`; cannot fail (`dir` has no cap, dg_fileset_add). */
static void add_under(dg_fileset *files, const char *out_dir, const char *rel, char *data, size_t len)
{
	const char *slash = strrchr(rel, '/');
	dg_buf dir = DG_BUF_INIT;

	dg_buf_puts(&dir, out_dir);
	if (slash)
		dg_buf_printf(&dir, "/%.*s", (int)(slash - rel), rel);
	(void)dg_fileset_add(files, dg_buf_cstr(&dir), slash ? slash + 1 : rel, data, len, 0);
	dg_buf_free(&dir);
}

/* A certificate to write: its SVG and, from the store or drawn, its PNG. */
typedef struct cert {
	const char *svg_rel, *png_rel;   /* borrowed from the model */
	char *svg;
	char *png;
	size_t png_len;
	char key[80];
	size_t job;                      /* its index in the batch drawn, or (size_t)-1: from the store */
} cert;

int dg_visuals_certificates(const dg_config *cfg, dg_store *store, json_t *model, const char *out_dir,
			    dg_fileset *files)
{
	json_t *people = json_object_get(model, "new_contributors"), *person;
	size_t n = json_array_size(people), i, k = 0, njobs = 0;
	cert *certs = dg_calloc(n ? n : 1, sizeof(*certs));
	dg_image_svg *jobs = dg_calloc(n ? n : 1, sizeof(*jobs));
	char *render_error = NULL;   /* the message of an SVG that failed, kept over the drawing */
	int err = 0;

	/* The SVGs first, in the model's order, up to the first that fails;
	 * those the store does not have are drawn together (two cores when
	 * there are many), then everything is written in the same order, up to
	 * the first failure: what a one-by-one run writes. */
	json_array_foreach(people, i, person) {
		cert *c = &certs[k];
		c->svg_rel = dg_json_str(person, "certificate_file");
		c->png_rel = dg_json_str(person, "certificate_png");
		/* The model decided the files (dg_model_certificate_name); drawn here as named. */
		if (!json_is_true(json_object_get(person, "certificate_generated")) || !*c->svg_rel || !*c->png_rel)
			continue;
		if ((err = dg_render_certificate(cfg, model, person, &c->svg)) < 0) {
			free(c->svg);
			c->svg = NULL;
			render_error = dg_strdup(dg_err_last());
			break;
		}
		cache_key(c->svg, strlen(c->svg), c->key, sizeof(c->key));
		c->job = (size_t)-1;
		if (!store || dg_store_kept_get(store, "certificate-png", c->key, &c->png, &c->png_len) != 1) {
			jobs[njobs] = (dg_image_svg){c->svg, strlen(c->svg), c->svg_rel, NULL, 0, NULL};
			c->job = njobs++;
		}
		k++;
	}
	dg_image_svgs_to_png(jobs, njobs, CERT_SCALE, 0);
	for (i = 0; i < k; i++) {
		cert *c = &certs[i];
		if (c->job != (size_t)-1) {
			dg_image_svg *j = &jobs[c->job];
			if (j->error) {
				err = dg_err_set(DG_ERR_FAIL, "%s", j->error);
				break;
			}
			c->png = j->png;
			c->png_len = j->png_len;
			j->png = NULL;
			/* a cache that cannot be written costs time, not correctness */
			if (store && dg_store_kept_put(store, "certificate-png", c->key, c->png, c->png_len) < 0)
				dg_err_clear();
		}
		add_under(files, out_dir, c->svg_rel, c->svg, strlen(c->svg));
		add_under(files, out_dir, c->png_rel, c->png, c->png_len);
		c->svg = c->png = NULL;
	}
	if (render_error && i == k)
		err = dg_err_set(err, "%s", render_error);
	for (i = 0; i < k; i++) {
		free(certs[i].svg);
		free(certs[i].png);
	}
	for (i = 0; i < njobs; i++) {
		free(jobs[i].png);
		free(jobs[i].error);
	}
	free(jobs);
	free(certs);
	free(render_error);
	return err;
}

int dg_visuals_cover(const dg_config *cfg, json_t *model, char **png, size_t *len)
{
	char *svg = NULL;
	json_t *ctx = json_pack("{s:O?, s:O?, s:O?, s:O?, s:s}", "title", json_object_get(model, "title"),
				"community", json_object_get(model, "community"),
				"period", json_object_get(model, "period"), "number", json_object_get(model, "number"),
				"language", cfg->language);
	int err = dg_render_svg(cfg, "cover.svg.mustache", ctx, &svg);

	json_decref(ctx);
	*png = NULL;
	*len = 0;
	if (err == 0)
		err = dg_image_svg_to_png(svg, strlen(svg), 1.0, "cover.svg.mustache", png, len);
	free(svg);
	return err;
}

char *dg_visuals_avatar_url(const dg_config *cfg, json_t *person)
{
	const char *pattern = cfg->avatar_url, *at, *login;
	dg_buf b = DG_BUF_INIT;

	if (!pattern || !(at = strstr(pattern, "{login}")))
		return dg_strdup(pattern && *pattern ? pattern : dg_json_str(person, "avatar_small"));
	dg_buf_put(&b, pattern, (size_t)(at - pattern));
	/* a login is a path part or a query value: only unreserved bytes stay */
	login = dg_json_str(person, "login");
	dg_str_percent_encode(&b, login, strlen(login), DG_STR_PCT_UNRESERVED, NULL);
	dg_buf_puts(&b, at + 7);
	return dg_buf_detach(&b);   /* no cap: cannot fail */
}

typedef struct fetch_job {
	dg_store *store;
	const char *url;
	dg_http_body *out;
} fetch_job;

/* 0 when the bytes of `b` may be decoded (image.h: dg_image_check); else
 * they are dropped and b->error says why (naming `url`). */
static int checked(dg_http_body *b, const char *url)
{
	if (dg_image_check(b->data, b->len, url, NULL, NULL, NULL) == 0)
		return 0;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	free(b->error);
	b->error = dg_strdup(dg_err_last());
	return -1;
}

/* Kept in the store only when it passed the checks: a bomb is not met again. */
static void on_fetched(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *message)
{
	fetch_job *job = ud;

	(void)h;
	if (dg_http_body_take(job->out, resp, err, message) == 0 && checked(job->out, job->url) == 0 &&
	    job->store && resp->status == 200)
		(void)dg_store_kept_put(job->store, "image", job->url, resp->body, resp->len);
}

/* A copy of `from`: a URL asked for twice in one batch is sent once. */
static void copy_body(dg_http_body *out, const dg_http_body *from)
{
	memset(out, 0, sizeof(*out));
	if (from->data) {
		out->data = dg_malloc(from->len + 1);
		memcpy(out->data, from->data, from->len);
		out->data[from->len] = '\0';
		out->len = from->len;
		out->status = from->status;
	} else {
		out->error = dg_strdup(from->error ? from->error : "not fetched");
	}
}

int dg_visuals_fetch(dg_http *http, dg_store *store, const char *const *urls, size_t n, dg_http_body *out)
{
	fetch_job *jobs = dg_calloc(n, sizeof(*jobs));
	size_t *first = dg_calloc(n, sizeof(*first));  /* the index of the first same URL */
	int err = 0, queued = 0;

	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		for (first[i] = 0; first[i] < i && strcmp(urls[first[i]], urls[i]); first[i]++)
			;
		if (first[i] < i || err < 0)
			continue;
		if (store && dg_store_kept_get(store, "image", urls[i], &out[i].data, &out[i].len) == 1) {
			if (checked(&out[i], urls[i]) == 0)
				continue;
			/* Kept before the checks and refused now: not used, its bytes
			 * dropped from the store, fetched again. */
			free(out[i].error);
			out[i].error = NULL;
			(void)dg_store_kept_put(store, "image", urls[i], "", 0);
		}
		jobs[i] = (fetch_job){store, urls[i], &out[i]};
		if (strncmp(urls[i], "https://", 8) && strncmp(urls[i], "http://", 7)) {
			out[i].error = dg_strdup("not an http(s) URL");
			continue;
		}
		if ((err = dg_http_get_raw(http, urls[i], on_fetched, &jobs[i])) < 0)
			continue;
		queued = 1;
	}
	if (queued)
		err = dg_http_run(http) < 0 ? dg_err_wrap(DG_ERR_FAIL, "fetching images") : err;
	for (size_t i = 0; i < n; i++)
		if (first[i] < i)
			copy_body(&out[i], &out[first[i]]);
	free(jobs);
	free(first);
	return err;
}

void dg_visuals_fetch_free(char **urls, dg_http_body *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (urls)
			free(urls[i]);
		if (out)
			dg_http_body_clear(&out[i]);
	}
	free(urls);
	free(out);
}

/* A data: URI of the avatar, or NULL (then the initial is drawn). The set
 * holds small PNGs we drew (dg_visuals_avatars_until): checked again, never
 * decoded here, so librsvg meets only those when it draws the poster. */
static char *avatar_data_uri(const dg_http_body *f, const char *login, json_t *warnings)
{
	unsigned long w = 0, h = 0;
	dg_image_type t = DG_IMAGE_UNKNOWN;
	char *b64, *uri;
	dg_buf b = DG_BUF_INIT;

	if (!f->data) {
		dg_json_appendf(warnings, "avatar of @%s: %s (drawn as an initial on the poster)", login,
				f->error ? f->error : "not fetched");
		return NULL;
	}
	if (dg_image_check(f->data, f->len, "avatar", &t, &w, &h) < 0 || t != DG_IMAGE_PNG ||
	    w > DG_VISUALS_AVATAR_PX || h > DG_VISUALS_AVATAR_PX) {
		dg_json_appendf(warnings, "avatar of @%s: not a PNG of up to %u px a side (drawn as an initial on the "
				"poster)", login, DG_VISUALS_AVATAR_PX);
		return NULL;
	}
	/* g_malloc aborts on out of memory; `b` has no cap: neither fails */
	b64 = g_base64_encode((const guchar *)f->data, f->len);
	dg_buf_printf(&b, "data:%s;base64,%s", dg_image_mime(t), b64);
	uri = dg_buf_detach(&b);
	g_free(b64);
	return uri;
}

/* The poster's layout: up to 6 columns of 150 x 190 cells under a header;
 * at most 120 cells (20 rows: 4010 px, under DG_IMAGE_MAX_SIDE and
 * librsvg's limits), the last one "+N" when there are more people. */
#define POSTER_W 900
#define POSTER_COLS 6
#define POSTER_CELL_W 150
#define POSTER_CELL_H 190
#define POSTER_TOP 170
#define POSTER_MAX_CELLS 120

/* The place of cell i of `cells`: "x", "y" (its corner), "cx", "cy" (the
 * circle's centre), "ix", "iy" (the picture's corner). */
static json_t *cell(size_t i, size_t cells)
{
	size_t row = i / POSTER_COLS, col = i % POSTER_COLS, in_row = cells - row * POSTER_COLS;
	/* A last row that is not full is centred. */
	size_t x0 = (POSTER_W - (in_row < POSTER_COLS ? in_row : POSTER_COLS) * POSTER_CELL_W) / 2;
	json_int_t x = (json_int_t)(x0 + col * POSTER_CELL_W), y = (json_int_t)(POSTER_TOP + row * POSTER_CELL_H);
	json_int_t cx = x + POSTER_CELL_W / 2, cy = y + 60;

	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "x", x, "y", y, "cx", cx, "cy", cy, "ix", cx - 48,
			 "iy", cy - 48);
}

int dg_visuals_poster(const dg_config *cfg, json_t *model, const dg_image_set *avatars, json_t *warnings,
		      char **png, size_t *len)
{
	json_t *people_in = json_object_get(model, "new_contributors"), *people = json_array(), *ctx = NULL,
	       *more = NULL;
	size_t n = json_array_size(people_in), i;
	size_t cells = n < POSTER_MAX_CELLS ? n : POSTER_MAX_CELLS, drawn = n <= POSTER_MAX_CELLS ? n : cells - 1;
	char *svg = NULL;
	int err = 0;

	*png = NULL;
	*len = 0;
	if (!n)
		goto done;
	for (i = 0; i < drawn; i++) {
		const char *login = dg_json_str(json_array_get(people_in, i), "login");
		char *url = dg_visuals_avatar_url(cfg, json_array_get(people_in, i));
		const dg_http_body *got = dg_image_set_find(avatars, url);
		static const dg_http_body missing = {NULL, 0, 0, "not fetched"};
		char *uri = avatar_data_uri(got ? got : &missing, login, warnings);
		/* The letter shown without an avatar: ASCII only (a byte of a longer
		 * UTF-8 character alone would not be text). */
		char initial[2] = {(unsigned char)login[0] >= 0x21 && (unsigned char)login[0] < 0x7f ? login[0] : '?', 0};
		json_t *p = cell(i, cells);
		/* the model's login, base64 and ASCII: json_pack cannot refuse them */
		json_object_update_new(p, json_pack("{s:s, s:s?, s:s}", "login", login, "avatar", uri, "initial",
						    initial));
		free(uri);
		free(url);
		json_array_append_new(people, p);
	}
	if (drawn < n) {
		/* The rest as one number: a poster of any number of people stays drawable. */
		more = cell(drawn, cells);
		json_object_set_new(more, "count", json_integer((json_int_t)(n - drawn)));
	}
	ctx = json_pack("{s:O, s:O, s:O, s:O, s:o?, s:I, s:s, s:I, s:I}", "title", json_object_get(model, "title"),
			"community", json_object_get(model, "community"), "period", json_object_get(model, "period"),
			"people", people, "more", more, "total", (json_int_t)n, "language", cfg->language,
			"width", (json_int_t)POSTER_W,
			"height",
			(json_int_t)(POSTER_TOP + ((cells + POSTER_COLS - 1) / POSTER_COLS) * POSTER_CELL_H + 40));
	if ((err = dg_render_svg(cfg, "poster.svg.mustache", ctx, &svg)) == 0)
		err = dg_image_svg_to_png(svg, strlen(svg), 1.0, "poster.svg.mustache", png, len);
done:
	free(svg);
	json_decref(people);
	json_decref(ctx);
	return err;
}

int dg_visuals_avatars_until(const dg_config *cfg, json_t *model, dg_http *http, dg_store *store,
			     long long deadline_ms, dg_image_set *out)
{
	json_t *people = json_object_get(model, "new_contributors");
	size_t n = json_array_size(people);
	dg_image_thumb *thumbs;
	int err;

	dg_image_set_clear(out);
	if (!n)
		return 0;
	out->urls = dg_calloc(n, sizeof(*out->urls));
	out->bodies = dg_calloc(n, sizeof(*out->bodies));
	out->n = n;
	for (size_t i = 0; i < n; i++)
		out->urls[i] = dg_visuals_avatar_url(cfg, json_array_get(people, i));
	err = dg_visuals_fetch(http, store, (const char *const *)out->urls, n, out->bodies);
	/* Every avatar checked and drawn small, in one child process: what the
	 * poster and the draft use is a PNG we made, or why not. */
	thumbs = dg_calloc(n, sizeof(*thumbs));
	for (size_t i = 0; i < n; i++)
		thumbs[i] = (dg_image_thumb){out->bodies[i].data, out->bodies[i].len, out->urls[i], NULL, 0, NULL};
	dg_image_thumbnails(thumbs, n, DG_VISUALS_AVATAR_PX, deadline_ms);
	for (size_t i = 0; i < n; i++) {
		dg_http_body *b = &out->bodies[i];
		if (!b->data) {
			free(thumbs[i].png);
			free(thumbs[i].error);
			continue;
		}
		free(b->data);
		b->data = thumbs[i].png;
		b->len = thumbs[i].png_len;
		if (!b->data) {
			free(b->error);
			b->error = thumbs[i].error;
			/* Passed the header checks but not the drawing (too slow, a
			 * decoder's failure): not kept either. */
			if (store)
				(void)dg_store_kept_put(store, "image", out->urls[i], "", 0);
		} else {
			free(thumbs[i].error);
		}
	}
	free(thumbs);
	return err;
}

const dg_http_body *dg_image_set_find(const dg_image_set *set, const char *url)
{
	for (size_t i = 0; set && i < set->n; i++)
		if (set->urls[i] && !strcmp(set->urls[i], url))
			return &set->bodies[i];
	return NULL;
}

void dg_image_set_clear(dg_image_set *set)
{
	if (!set)
		return;
	dg_visuals_fetch_free(set->urls, set->bodies, set->n);
	memset(set, 0, sizeof(*set));
}
