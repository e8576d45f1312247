#include "deliver/email.h"
#include "deliver/mime.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/text.h"

#include <cmark-gfm.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

/* ---- the plain text ---- */

typedef struct plain {
	dg_buf out;
	dg_buf refs;
	int nrefs;
	int list_depth;
} plain;

static void newline_block(plain *p)
{
	if (p->out.len && p->out.ptr[p->out.len - 1] != '\n')
		(void)dg_buf_putc(&p->out, '\n');
	if (p->out.len > 1 && p->out.ptr[p->out.len - 2] != '\n')
		(void)dg_buf_putc(&p->out, '\n');
}

static void add_ref(plain *p, const char *url)
{
	p->nrefs++;
	(void)dg_buf_printf(&p->out, " [%d]", p->nrefs);
	(void)dg_buf_printf(&p->refs, "[%d] %s\n", p->nrefs, url);
}

/* Skip a YAML front matter ("---" ... "---") at the start. */
static const char *skip_front_matter(const char *md)
{
	const char *end;

	if (strncmp(md, "---\n", 4))
		return md;
	if (!(end = strstr(md + 4, "\n---\n")))
		return md;
	return end + 5;
}

char *dg_mail_plain_text(const char *markdown)
{
	const char *md = skip_front_matter(markdown);
	cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	plain p = {DG_BUF_INIT, DG_BUF_INIT, 0, 0};

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		int enter = ev == CMARK_EVENT_ENTER;
		const char *lit;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_PARAGRAPH:
			if (enter && cmark_node_get_type(cmark_node_parent(n)) != CMARK_NODE_ITEM)
				newline_block(&p);
			else if (!enter)
				(void)dg_buf_putc(&p.out, '\n');
			break;
		case CMARK_NODE_HEADING:
			if (enter) {
				newline_block(&p);
				for (int i = 0; i < cmark_node_get_heading_level(n); i++)
					(void)dg_buf_putc(&p.out, '#');
				(void)dg_buf_putc(&p.out, ' ');
			} else {
				(void)dg_buf_putc(&p.out, '\n');
			}
			break;
		case CMARK_NODE_LIST:
			if (enter && !p.list_depth)
				newline_block(&p);
			p.list_depth += enter ? 1 : -1;
			break;
		case CMARK_NODE_ITEM:
			if (enter) {
				for (int i = 1; i < p.list_depth; i++)
					(void)dg_buf_puts(&p.out, "  ");
				(void)dg_buf_puts(&p.out, "- ");
			}
			break;
		case CMARK_NODE_CODE_BLOCK:
		case CMARK_NODE_HTML_BLOCK:
			newline_block(&p);
			if (cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK && (lit = cmark_node_get_literal(n)))
				(void)dg_buf_puts(&p.out, lit);
			break;
		case CMARK_NODE_THEMATIC_BREAK:
			newline_block(&p);
			(void)dg_buf_puts(&p.out, "----\n");
			break;
		case CMARK_NODE_BLOCK_QUOTE:
			if (enter)
				newline_block(&p);
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if ((lit = cmark_node_get_literal(n)))
				(void)dg_buf_puts(&p.out, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
			(void)dg_buf_putc(&p.out, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			(void)dg_buf_putc(&p.out, '\n');
			break;
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			if (!enter && (lit = cmark_node_get_url(n)) && *lit && strncmp(lit, "#", 1))
				add_ref(&p, lit);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	while (p.out.len && (p.out.ptr[p.out.len - 1] == '\n' || p.out.ptr[p.out.len - 1] == ' '))
		p.out.ptr[--p.out.len] = '\0';
	(void)dg_buf_putc(&p.out, '\n');
	if (p.nrefs)
		(void)dg_buf_printf(&p.out, "\n%s", dg_buf_cstr(&p.refs));
	dg_buf_free(&p.refs);
	return dg_buf_detach(&p.out);   /* no cap: never NULL */
}

/* ---- the message ---- */

typedef struct part {
	char *cid;
	char *name;
	const char *data;
	size_t len;
} part;

typedef struct parts {
	part *v;
	size_t n;
} parts;

static const char *cid_of(parts *ps, const char *name, const char *data, size_t len, const char *domain)
{
	for (size_t i = 0; i < ps->n; i++)
		if (!strcmp(ps->v[i].name, name))
			return ps->v[i].cid;
	ps->v = dg_realloc(ps->v, (ps->n + 1) * sizeof(*ps->v));
	{
		dg_buf cid = DG_BUF_INIT;
		const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
		(void)dg_buf_printf(&cid, "img%zu.", ps->n + 1);
		for (const char *c = base; *c; c++)
			(void)dg_buf_putc(&cid, (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
							(*c >= '0' && *c <= '9') || *c == '.' || *c == '-' ? *c : '_');
		(void)dg_buf_printf(&cid, "@%s", domain);
		ps->v[ps->n] = (part){dg_buf_detach(&cid), dg_strdup(name), data, len};
	}
	return ps->v[ps->n++].cid;
}

/* The fragment with each local image's src as "cid:..." (the image found
 * by the caller); others (https) stay. */
static void rewrite_images(const dg_mail_in *in, parts *ps, const char *domain, dg_buf *out)
{
	const char *p = in->fragment;

	for (;;) {
		const char *img = strstr(p, "<img "), *src, *end;
		dg_buf name = DG_BUF_INIT;
		const char *data = NULL;
		size_t len = 0;
		if (!img || !(src = strstr(img, " src=\"")) || !(end = strchr(src + 6, '"')) ||
		    (strchr(img, '>') && strchr(img, '>') < src)) {
			(void)dg_buf_puts(out, p);
			return;
		}
		src += 6;
		(void)dg_buf_put(out, p, (size_t)(src - p));
		for (const char *c = src; c < end; c++) {
			if (!strncmp(c, "&amp;", 5)) {
				(void)dg_buf_putc(&name, '&');
				c += 4;
			} else {
				(void)dg_buf_putc(&name, *c);
			}
		}
		if (in->image &&
		    in->image(in->image_ud, dg_buf_cstr(&name), &data, &len) == 1)
			(void)dg_buf_printf(out, "cid:%s", cid_of(ps, dg_buf_cstr(&name), data, len, domain));
		else
			(void)dg_buf_put(out, src, (size_t)(end - src));
		dg_buf_free(&name);
		p = end;
	}
}

/* Relative href="..." of `html` (no scheme, not "#..." nor "/...") made
 * absolute against `base`: a mail client has no page to resolve them from. */
static void absolute_links(const char *html, const char *base, dg_buf *out)
{
	const char *p = html;
	size_t n = strlen(base);

	while (n && base[n - 1] == '/')
		n--;
	for (;;) {
		const char *h = strstr(p, " href=\""), *v, *end;
		if (!h || !(end = strchr(h + 7, '"'))) {
			(void)dg_buf_puts(out, p);
			return;
		}
		v = h + 7;
		(void)dg_buf_put(out, p, (size_t)(v - p));
		if (v < end && *v != '#' && *v != '/' && memchr(v, ':', (size_t)(end - v)) == NULL) {
			(void)dg_buf_put(out, base, n);
			(void)dg_buf_putc(out, '/');
		}
		(void)dg_buf_put(out, v, (size_t)(end - v));
		p = end;
	}
}

static void html_escape(dg_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': (void)dg_buf_puts(b, "&amp;"); break;
		case '<': (void)dg_buf_puts(b, "&lt;"); break;
		case '>': (void)dg_buf_puts(b, "&gt;"); break;
		case '"': (void)dg_buf_puts(b, "&quot;"); break;
		default: (void)dg_buf_putc(b, *s);
		}
	}
}

/* Message-ID's id-left: dot-atom text, the rest as '.'. */
static void atom_text(dg_buf *b, const char *s)
{
	for (; *s; s++)
		(void)dg_buf_putc(b, (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
					     strchr("-_+=", *s) ? *s : '.');
}

/* A text part: quoted-printable for mostly-ASCII text, base64 when most
 * bytes would be escaped (CJK: 9 bytes of QP for 3 of text, 4 of base64). */
static void text_part(dg_buf *m, const char *boundary, const char *subtype, const char *text, size_t len)
{
	dg_buf crlf = DG_BUF_INIT;
	size_t high = 0;

	/* the canonical form: every line break CRLF (base64 keeps what it is given) */
	for (size_t i = 0; i < len; i++) {
		high += (unsigned char)text[i] >= 0x80;
		if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
			(void)dg_buf_putc(&crlf, '\r');
		(void)dg_buf_putc(&crlf, text[i]);
	}
	(void)dg_buf_printf(m, "--%s\r\nContent-Type: text/%s; charset=UTF-8\r\nContent-Transfer-Encoding: %s\r\n\r\n",
			    boundary, subtype, high * 4 > len ? "base64" : "quoted-printable");
	if (high * 4 > len)
		dg_mime_base64(m, crlf.ptr ? crlf.ptr : "", crlf.len);
	else
		dg_mime_qp(m, dg_buf_cstr(&crlf), crlf.len);
	dg_buf_free(&crlf);
}

int dg_mail_build(const dg_mail_in *in, char **msg, size_t *len)
{
	char *from = dg_mime_addr_spec(in->from), *text;
	const char *domain;
	dg_buf html = DG_BUF_INIT, m = DG_BUF_INIT;
	parts ps = {NULL, 0};
	uint64_t h;
	char alt[48], rel[48];

	*msg = NULL;
	*len = 0;
	if (!from)
		return dg_err_set(DG_ERR_CONFIG, "email.from '%s': expected an address such as "
				  "\"Name <news@example.org>\"", in->from);
	domain = strchr(from, '@') + 1;
	(void)dg_buf_puts(&html, "<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\"><title>");
	html_escape(&html, in->title ? in->title : "");
	(void)dg_buf_puts(&html, "</title></head>\r\n<body style=\"margin:0;padding:16px;background:#ffffff\">\r\n"
			  "<div style=\"max-width:680px;margin:0 auto\">\r\n");
	if (in->title && *in->title) {
		(void)dg_buf_puts(&html, "<h1 style=\"font-size:1.5em;line-height:1.3;margin:0 0 0.8em\">");
		html_escape(&html, in->title);
		(void)dg_buf_puts(&html, "</h1>\r\n");
	}
	if (in->base_url && *in->base_url) {
		dg_buf linked = DG_BUF_INIT;
		absolute_links(in->fragment, in->base_url, &linked);
		dg_mail_in with = *in;
		with.fragment = dg_buf_cstr(&linked);
		rewrite_images(&with, &ps, domain, &html);
		dg_buf_free(&linked);
	} else {
		rewrite_images(in, &ps, domain, &html);
	}
	for (size_t i = 0; i < in->n_extras; i++) {
		const dg_mail_extra *x = &in->extras[i];
		(void)dg_buf_printf(&html, "\r\n<p style=\"margin:1.2em 0;text-align:center\"><img src=\"cid:%s\" alt=\"",
				    cid_of(&ps, x->name, x->data, x->len, domain));
		html_escape(&html, x->alt ? x->alt : "");
		(void)dg_buf_puts(&html, "\" style=\"display:block;max-width:100%;height:auto;margin:0 auto\"></p>");
	}
	(void)dg_buf_puts(&html, "\r\n</div>\r\n</body></html>\r\n");

	/* Boundaries with "=_": never inside base64 or quoted-printable text. */
	h = dg_text_hash(html.ptr, html.len) ^ (uint64_t)in->date;
	snprintf(alt, sizeof(alt), "=_digest_alt_%016llx", (unsigned long long)h);
	snprintf(rel, sizeof(rel), "=_digest_rel_%016llx", (unsigned long long)h);

	dg_mime_address_header(&m, "From", &in->from, 1);
	dg_mime_address_header(&m, "To", in->to, in->n_to);
	dg_mime_text_header(&m, "Subject", in->subject);
	(void)dg_buf_puts(&m, "Date: ");
	dg_mime_date(&m, in->date);
	/* short enough for one line: the issue as a hash */
	(void)dg_buf_printf(&m, "\r\nMessage-ID: <digest.%016llx.%lld@%s>\r\nMIME-Version: 1.0\r\n",
			    (unsigned long long)dg_text_hash(in->id_left, strlen(in->id_left)), (long long)in->date, domain);
	if (ps.n)
		(void)dg_buf_printf(&m, "Content-Type: multipart/related; boundary=\"%s\";\r\n"
				    " type=\"multipart/alternative\"\r\n\r\n--%s\r\n", rel, rel);
	(void)dg_buf_printf(&m, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", alt);
	{
		char *body = dg_mail_plain_text(in->markdown ? in->markdown : "");
		dg_buf t = DG_BUF_INIT;
		if (in->title && *in->title)
			(void)dg_buf_printf(&t, "%s\n\n", in->title);
		(void)dg_buf_puts(&t, body);
		free(body);
		text = dg_buf_detach(&t);   /* no cap: never NULL */
	}
	text_part(&m, alt, "plain", text, strlen(text));
	free(text);
	text_part(&m, alt, "html", html.ptr, html.len);
	(void)dg_buf_printf(&m, "--%s--\r\n", alt);
	for (size_t i = 0; i < ps.n; i++) {
		const char *base = strrchr(ps.v[i].name, '/') ? strrchr(ps.v[i].name, '/') + 1 : ps.v[i].name;
		int png = ps.v[i].len >= 8 && !memcmp(ps.v[i].data, "\x89PNG", 4);
		int jpeg = ps.v[i].len >= 3 && !memcmp(ps.v[i].data, "\xff\xd8\xff", 3);
		(void)dg_buf_printf(&m, "\r\n--%s\r\nContent-Type: %s\r\nContent-Transfer-Encoding: base64\r\n"
				    "Content-ID: <%s>\r\nContent-Disposition: inline; filename=\"", rel,
				    png ? "image/png" : jpeg ? "image/jpeg" : "application/octet-stream", ps.v[i].cid);
		atom_text(&m, base);
		(void)dg_buf_puts(&m, "\"\r\n\r\n");
		dg_mime_base64(&m, ps.v[i].data, ps.v[i].len);
		free(ps.v[i].cid);
		free(ps.v[i].name);
	}
	if (ps.n)
		(void)dg_buf_printf(&m, "--%s--\r\n", rel);
	free(ps.v);
	dg_buf_free(&html);
	free(from);
	*len = m.len;
	*msg = dg_buf_detach(&m);   /* no cap: never NULL */
	return 0;
}

/* ---- sending ---- */

int dg_mail_loopback(const char *smtp_url)
{
	CURLU *u = curl_url();
	char *host = NULL;
	int loop = 0;

	if (curl_url_set(u, CURLUPART_URL, smtp_url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host)
		loop = !strcmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "[::1]");
	curl_free(host);
	curl_url_cleanup(u);
	return loop;
}

/* "smtp://host:port": what a message may name of the server. */
static char *server_name(const char *smtp_url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *out;
	dg_buf b = DG_BUF_INIT;

	if (curl_url_set(u, CURLUPART_URL, smtp_url, 0) == CURLUE_OK) {
		(void)curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
		(void)curl_url_get(u, CURLUPART_HOST, &host, 0);
		(void)curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	}
	(void)dg_buf_printf(&b, "%s://%s%s%s", scheme ? scheme : "smtp", host ? host : "?", port ? ":" : "",
			    port ? port : "");
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	out = dg_buf_detach(&b);   /* no cap: never NULL */
	return out;
}

typedef struct reader {
	const char *data;
	size_t len, off;
} reader;

static size_t read_cb(char *buf, size_t size, size_t nmemb, void *ud)
{
	reader *r = ud;
	size_t n = size * nmemb;

	if (n > r->len - r->off)
		n = r->len - r->off;
	memcpy(buf, r->data + r->off, n);
	r->off += n;
	return n;
}

int dg_mail_send(const dg_mail_send_opts *o, const char *msg, size_t len)
{
	CURL *e = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	char errbuf[CURL_ERROR_SIZE] = "", *server = server_name(o->smtp_url), *from = dg_mime_addr_spec(o->from);
	reader r = {msg, len, 0};
	dg_buf env = DG_BUF_INIT;
	CURLcode rc;
	int err = 0;

	if (!e) {
		err = dg_err_set(DG_ERR_FAIL, "email: %s: libcurl could not start a transfer", server);
		goto done;
	}
	(void)dg_buf_printf(&env, "<%s>", from ? from : "");
	for (size_t i = 0; i < o->n_to; i++) {
		char *a = dg_mime_addr_spec(o->to[i]);
		dg_buf t = DG_BUF_INIT;
		(void)dg_buf_printf(&t, "<%s>", a ? a : "");
		rcpt = curl_slist_append(rcpt, dg_buf_cstr(&t));
		dg_buf_free(&t);
		free(a);
	}
	curl_easy_setopt(e, CURLOPT_URL, o->smtp_url);
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, dg_buf_cstr(&env));
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(e, CURLOPT_READDATA, &r);
	curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)(o->timeout > 0 ? o->timeout : 120));
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
	/* STARTTLS required, except on this machine (a test server, a relay on localhost) */
	curl_easy_setopt(e, CURLOPT_USE_SSL, (long)(dg_mail_loopback(o->smtp_url) ? CURLUSESSL_NONE : CURLUSESSL_ALL));
	if (o->user)
		curl_easy_setopt(e, CURLOPT_USERNAME, o->user);
	if (o->password)
		curl_easy_setopt(e, CURLOPT_PASSWORD, o->password);
	if (o->verbose)
		dg_msg(DG_MSG_VERBOSE, "SMTP %s: %zu bytes to %zu recipient%s", server, len, o->n_to,
		       o->n_to == 1 ? "" : "s");
	rc = curl_easy_perform(e);
	if (rc != CURLE_OK) {
		long code = 0;
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
		/* errbuf may quote the server: the caller's handler escapes it */
		if (code)
			err = dg_err_set(DG_ERR_FAIL, "email: %s: %s (SMTP %ld)", server,
					 *errbuf ? errbuf : curl_easy_strerror(rc), code);
		else
			err = dg_err_set(DG_ERR_FAIL, "email: %s: %s", server, *errbuf ? errbuf : curl_easy_strerror(rc));
	}
done:
	curl_slist_free_all(rcpt);
	if (e)
		curl_easy_cleanup(e);
	dg_buf_free(&env);
	free(server);
	free(from);
	return err;
}
