/* email.h - an issue as one email (RFC 5322, MIME) and its sending over
 * SMTP (libcurl).
 *
 * The message is multipart/alternative: text/plain made from the issue's
 * Markdown (links as numbered references) and text/html (the styled
 * article, every style inline); with images, both sit in a
 * multipart/related whose inline image parts the HTML names by "cid:". */
#ifndef DG_EMAIL_H
#define DG_EMAIL_H

#include <stddef.h>
#include <stdint.h>
#include "net/http.h"

/* The bytes of an image the article names by `src` (as the article has it)
 * when it is one of the issue's own files: 1 found (*data borrowed until
 * the message is built), 0 not (the src stays). */
typedef int (*dg_mail_image_fn)(void *ud, const char *src, const char **data, size_t *len);

/* One inline image (the poster, a certificate) added after the article. */
typedef struct dg_mail_extra {
	const char *name;        /* file name shown by the mail client */
	const char *alt;
	const char *data;        /* PNG bytes, borrowed */
	size_t len;
} dg_mail_extra;

typedef struct dg_mail_in {
	const char *from;        /* "Name <a@b>" or "a@b" */
	const char *const *to;
	size_t n_to;
	const char *subject;
	const char *title;       /* the HTML document's title */
	const char *markdown;    /* the Markdown (front matter skipped) */
	const char *fragment;    /* the article HTML, styles inline */
	dg_mail_image_fn image;  /* local images of the fragment; NULL: none */
	void *image_ud;
	const dg_mail_extra *extras;
	size_t n_extras;
	const char *base_url;    /* relative links of the fragment are made absolute against it; NULL: kept */
	const char *id_left;     /* the Message-ID's left part (the series and period; made safe here) */
	int64_t date;            /* seconds UTC */
} dg_mail_in;

/* The message, CRLF lines: 0 with *msg (caller frees) and *len, or <0 with
 * a message (no usable From address). */
int dg_mail_build(const dg_mail_in *in, char **msg, size_t *len);

/* Markdown as plain text: links as "text [n]" and a list of the numbered
 * references at the end; caller frees. Never NULL. */
char *dg_mail_plain_text(const char *markdown);

typedef struct dg_mail_send_opts {
	const char *smtp_url;    /* smtp://host:587 (STARTTLS required unless loopback) or smtps://host:465 */
	const char *from;        /* the envelope sender: its addr-spec */
	const char *const *to;
	size_t n_to;
	const char *user;        /* NULL: no login */
	const char *password;    /* a secret: never in a message */
	int timeout;             /* seconds; 0 = 120 */
	int verbose;             /* a DG_MSG_VERBOSE line (without the URL's credentials) */
} dg_mail_send_opts;

/* Send `len` bytes of `msg` once. 0, or DG_ERR_FAIL naming the server
 * (scheme, host and port only) and what it said. */
int dg_mail_send(const dg_mail_send_opts *o, const char *msg, size_t len);

/* 1 when `smtp_url`'s host is a loopback address or "localhost". */
int dg_mail_loopback(const char *smtp_url);

#endif
