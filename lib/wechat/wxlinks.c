/* wxlinks.c - URLs and the reference list of the WeChat pass. WeChat keeps
 * only mp.weixin.qq.com links clickable, so every other target is numbered
 * here (by first appearance) and listed at the end of the fragment.
 * Shared internals are in wxint.h. */
#include "wechat/wxint.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- URLs and references ---- */

/* Trimmed URL without control characters; inner spaces become %20 ("" when
 * the attribute is absent). */
char *dg_wx_clean_url(const xmlNode *n, const char *attr)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST attr);
	dg_buf b = DG_BUF_INIT;   /* uncapped: the appends cannot fail */
	const char *s = (const char *)v;
	size_t len = dg_str_trim(&s, v ? strlen((const char *)v) : 0);

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ')
			dg_buf_puts(&b, "%20");
		else if (c >= 0x20 && c != 0x7f)
			dg_buf_putc(&b, (char)c);
	}
	xmlFree(v);
	return dg_buf_detach(&b);
}

static int has_host(const char *after_slashes)
{
	return *after_slashes && *after_slashes != '/' && *after_slashes != '?' && *after_slashes != '#';
}

int dg_wx_url_class(const char *u)
{
	if (strncmp(u, "https://mp.weixin.qq.com/", 25) == 0)
		return URL_MP;
	size_t n = strlen(u);

	if ((dg_str_starts_ci(u, n, "https://") && has_host(u + 8)) ||
	    (dg_str_starts_ci(u, n, "http://") && has_host(u + 7)) ||
	    (dg_str_starts_ci(u, n, "ftp://") && has_host(u + 6)) || (dg_str_starts_ci(u, n, "mailto:") && u[7]))
		return URL_EXT;
	return URL_NONE;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* url with %XX escapes decoded (cmark-gfm escapes non-ASCII in autolinks). */
static char *pct_decode(const char *url)
{
	char *out = dg_malloc(strlen(url) + 1), *o = out;

	for (; *url; url++) {
		if (url[0] == '%' && hexval(url[1]) >= 0 && hexval(url[2]) >= 0 && (hexval(url[1]) || hexval(url[2]))) {
			*o++ = (char)(hexval(url[1]) * 16 + hexval(url[2]));
			url += 2;
		} else {
			*o++ = *url;
		}
	}
	*o = '\0';
	return out;
}

/* Link text that just repeats its target needs no reference. */
static int text_is_url_raw(const char *text, const char *url)
{
	static const char *const schemes[] = { "", "mailto:", "http://", "https://" };
	size_t i, tl = strlen(text), sl;

	while (tl && text[tl - 1] == '/')
		tl--;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		const char *rest;
		size_t rl;

		sl = strlen(schemes[i]);
		if (!dg_str_starts_ci(url, strlen(url), schemes[i]))
			continue;
		rest = url + sl;
		rl = strlen(rest);
		while (rl && rest[rl - 1] == '/')
			rl--;
		if (rl == tl && tl && strncmp(rest, text, tl) == 0)
			return 1;
	}
	return 0;
}

int dg_wx_text_is_url(const char *text, const char *url)
{
	char *decoded;
	int yes;

	if (text_is_url_raw(text, url))
		return 1;
	decoded = pct_decode(url);
	yes = text_is_url_raw(text, decoded);
	free(decoded);
	return yes;
}

/* One of the issue's own files: a relative path of plain characters, with
 * no scheme, no "..", not hidden, not absolute (the draft reads it under
 * the output folder). */
static int issue_file(const char *src)
{
	if (!*src || *src == '/' || *src == '.' || strstr(src, "..") || strstr(src, "//"))
		return 0;
	for (const char *p = src; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-' || *p == '~' || *p == '/'))
			return 0;
	return 1;
}

/* An https image URL (or, in an issue, one of its files), or NULL when the
 * image cannot be shown in WeChat. */
char *dg_wx_image_url(const wx *w, const char *src)
{
	const char *rest = NULL;
	size_t len = strlen(src);
	char *out;

	if (w->issue && issue_file(src)) {
		dg_buf b = DG_BUF_INIT;   /* uncapped: the appends cannot fail */

		if (w->files_url)
			dg_buf_printf(&b, "%s%s", w->files_url,
				      w->files_url[strlen(w->files_url) - 1] == '/' ? "" : "/");
		dg_buf_puts(&b, src);
		return dg_buf_detach(&b);
	}
	if (dg_str_starts_ci(src, len, "https://"))
		rest = src + 8;
	else if (dg_str_starts_ci(src, len, "http://"))
		rest = src + 7;
	else if (strncmp(src, "//", 2) == 0)
		rest = src + 2;
	if (!rest || !has_host(rest))
		return NULL;
	len = strlen(rest);
	out = dg_malloc(len + 9);
	memcpy(out, "https://", 8);
	memcpy(out + 8, rest, len + 1);
	return out;
}

/* The path of an http(s) URL (after the host), or NULL. */
static const char *url_path(const char *url, const char **host, size_t *host_len)
{
	const char *p = strstr(url, "://"), *e;

	if (!p || (!dg_str_starts_ci(url, strlen(url), "https://") && !dg_str_starts_ci(url, strlen(url), "http://")))
		return NULL;
	p += 3;
	for (e = p; *e && *e != '/' && *e != '?' && *e != '#'; e++)
		;
	*host = p;
	*host_len = (size_t)(e - p);
	return e;
}

int dg_wx_image_link(const wx *w, const char *href)
{
	static const char *const exts[] = {".png", ".jpg", ".jpeg", ".gif", ".webp"};
	const char *host, *path = NULL;
	size_t hl, n;

	if (!w->issue)
		return 0;
	if (issue_file(href))
		path = href;
	else if (!(path = url_path(href, &host, &hl)))
		return 0;
	for (n = 0; path[n] && path[n] != '?' && path[n] != '#'; n++)
		;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t m = strlen(exts[i]);
		if (n > m && dg_str_eq_ci(path + n - m, exts[i], m))
			return 1;
	}
	return 0;
}

int dg_wx_quiet_link(const wx *w, const char *url)
{
	const char *host, *path;
	size_t hl, segs = 0;

	if (!w->issue || !(path = url_path(url, &host, &hl)))
		return 0;
	if (!((hl == 10 && dg_str_eq_ci(host, "github.com", hl)) ||
	      (hl == 14 && dg_str_eq_ci(host, "www.github.com", hl))))
		return 0;
	if (!strncmp(path, "/search", 7) && (path[7] == '\0' || path[7] == '?' || path[7] == '/'))
		return 1;   /* a search: its results move; the text says what it finds */
	for (const char *p = path; *p && *p != '?' && *p != '#'; p++)
		if (*p == '/' && p[1] && p[1] != '?' && p[1] != '#')
			segs++;
	return segs == 1 && !strchr(path, '?');   /* a person or an org: the handle is the text */
}

/* URLs are one reference when they differ only in %XX escapes of the same
 * bytes or a trailing "/": the next byte of a URL read that way, 0 at the
 * end (advances *p). */
static int url_byte(const char **p)
{
	const char *s = *p;
	int c;

	if (!*s || (s[0] == '/' && !s[1]))
		return 0;
	if (s[0] == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0 && (hexval(s[1]) || hexval(s[2]))) {
		c = hexval(s[1]) * 16 + hexval(s[2]);
		*p = s + 3;
	} else {
		c = (unsigned char)s[0];
		*p = s + 1;
	}
	return c;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = DG_TEXT_HASH_INIT;
	int c;

	while ((c = url_byte(&s)) != 0)
		h = dg_text_hash_byte(h, (unsigned char)c);
	return h;
}

static int same_url(const char *a, const char *b)
{
	int x, y;

	do {
		x = url_byte(&a);
		y = url_byte(&b);
	} while (x && x == y);
	return x == y;
}

static void refs_grow(wx *w)
{
	size_t n = w->nslots ? w->nslots * 2 : 64, i;
	size_t *slots = dg_calloc(n, sizeof(*slots));

	for (i = 0; i < w->nrefs; i++) {
		size_t k = hash_str(w->refs[i].url) & (n - 1);

		while (slots[k])
			k = (k + 1) & (n - 1);
		slots[k] = i + 1;
	}
	free(w->slots);
	w->slots = slots;
	w->nslots = n;
}

/* The reference number for url (1-based, by first appearance). */
size_t dg_wx_ref_number(wx *w, const char *url, const char *title)
{
	size_t k;

	if ((w->nrefs + 1) * 2 > w->nslots)
		refs_grow(w);
	k = hash_str(url) & (w->nslots - 1);
	while (w->slots[k]) {
		if (same_url(w->refs[w->slots[k] - 1].url, url))
			return w->slots[k];
		k = (k + 1) & (w->nslots - 1);
	}
	if (w->nrefs == w->refs_cap) {
		w->refs_cap = w->refs_cap ? w->refs_cap * 2 : 16;
		w->refs = dg_realloc(w->refs, w->refs_cap * sizeof(*w->refs));
	}
	w->refs[w->nrefs].url = dg_strdup(url);
	w->refs[w->nrefs].title = dg_strdup(title);
	w->slots[k] = ++w->nrefs;
	return w->nrefs;
}

/* The host part of a URL, as a fallback reference title. */
char *dg_wx_url_host(const char *url)
{
	const char *p = strstr(url, "://"), *e;

	p = p ? p + 3 : (strchr(url, ':') ? strchr(url, ':') + 1 : url);
	for (e = p; *e && *e != '/' && *e != '?' && *e != '#'; e++)
		;
	return e > p ? dg_strndup(p, (size_t)(e - p)) : dg_strdup(url);
}

/* ---- the reference list ---- */

/* A title ending in punctuation ("... 'ROX'.") loses it before the ":"
 * that follows: the length of what is kept. */
static size_t without_end_punct(const char *title)
{
	static const char *const marks[] = {".", ",", ":", ";", "!", "?", "。", "，", "：", "；", "！", "？", "、"};
	size_t n = strlen(title);
	int again = 1;

	while (again) {
		again = 0;
		while (n && title[n - 1] == ' ')
			n--;
		for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
			size_t m = strlen(marks[i]);
			if (n > m && !memcmp(title + n - m, marks[i], m)) {
				n -= m;
				again = 1;
			}
		}
	}
	return n;
}

/* The numbered list of external links at the end of the fragment. */
int dg_wx_add_refs(wx *w, xmlNodePtr root, const char *heading)
{
	xmlNodePtr sec, h, p, u;
	char num[32];
	size_t i;

	if (!w->nrefs)
		return 0;
	sec = dg_wx_el(w, root, "section", DG_TH_REFS);
	h = sec ? dg_wx_el(w, sec, "h4", DG_TH_REFS_HEADING) : NULL;
	if (h) {
		w->skip_space = 1;
		dg_wx_emit_text(w, h, BAD_CAST heading);
	}
	for (i = 0; i < w->nrefs && !w->err; i++) {
		p = dg_wx_el(w, sec, "p", DG_TH_REFS_ENTRY);
		if (!p)
			break;
		snprintf(num, sizeof(num), "[%zu] ", i + 1);
		dg_wx_put_str(w, p, num);
		w->skip_space = 1;
		{
			char *title = dg_strndup(w->refs[i].title, without_end_punct(w->refs[i].title));

			dg_wx_emit_text(w, p, BAD_CAST title);
			free(title);
		}
		if (w->refs_sep && *w->refs_sep) {
			/* The words' separator; a trailing space is U+00A0 (WeChat trims a plain one). */
			size_t n = strlen(w->refs_sep);
			char *sep = dg_strndup(w->refs_sep, w->refs_sep[n - 1] == ' ' ? n - 1 : n);
			dg_wx_put_str(w, p, sep);
			if (w->refs_sep[n - 1] == ' ')
				dg_wx_put_str(w, p, NBSP);
			free(sep);
		} else {
			dg_wx_put_str(w, p, ":" NBSP);
		}
		u = dg_wx_el(w, p, "span", DG_TH_REFS_URL);
		if (u) {
			u->_private = &dg_wx_raw_mark;
			dg_wx_put_str(w, u, w->refs[i].url);
		}
	}
	return w->err;
}
