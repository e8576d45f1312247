#include "deliver/atom.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/text.h"

#include <libxml/uri.h>
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *dg_atom_join(const char *base, const char *path)
{
	dg_buf b = DG_BUF_INIT;
	size_t n = strlen(base);

	while (n && base[n - 1] == '/')
		n--;
	while (*path == '/')
		path++;
	(void)dg_buf_put(&b, base, n);
	(void)dg_buf_printf(&b, "/%s", path);
	return dg_buf_detach(&b);   /* no cap: never NULL */
}

char *dg_atom_tag(const char *site_url, int64_t since, const char *kind, const char *label)
{
	xmlURIPtr u = xmlParseURI(site_url);
	dg_buf b = DG_BUF_INIT;
	time_t t = (time_t)since;
	struct tm tm;

	if (!u || !u->server || !*u->server) {
		xmlFreeURI(u);
		return NULL;
	}
	gmtime_r(&t, &tm);
	(void)dg_buf_puts(&b, "tag:");
	for (const char *c = u->server; *c; c++)
		(void)dg_buf_putc(&b, (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : *c);
	(void)dg_buf_printf(&b, ",%04d-%02d-%02d:%s/%s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, kind, label);
	xmlFreeURI(u);
	return dg_buf_detach(&b);   /* no cap: never NULL */
}

/* Valid UTF-8 without the characters XML 1.0 refuses. */
static char *xml_text(const char *s)
{
	dg_buf in = DG_BUF_INIT, out = DG_BUF_INIT;
	const unsigned char *p;
	size_t len;

	(void)dg_text_utf8_repair(s ? s : "", strlen(s ? s : ""), &in);
	p = (const unsigned char *)dg_buf_cstr(&in);
	len = in.len;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = dg_text_utf8_next(p + i, len - i, &cp);
		if (!((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xfffe || cp == 0xffff ||
		      (cp >= 0x7f && cp <= 0x84) || (cp >= 0x86 && cp <= 0x9f)))
			(void)dg_buf_put(&out, p + i, n);
		i += n;
	}
	dg_buf_free(&in);
	return dg_buf_detach(&out);   /* no cap: never NULL */
}

static int element(xmlTextWriterPtr w, const char *name, const char *text, const char *type)
{
	char *t = xml_text(text);
	int rc = xmlTextWriterStartElement(w, BAD_CAST name);

	if (rc >= 0 && type)
		rc = xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type);
	if (rc >= 0)
		rc = xmlTextWriterWriteString(w, BAD_CAST t);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	free(t);
	return rc;
}

static int link(xmlTextWriterPtr w, const char *rel, const char *href, const char *type)
{
	char *h = xml_text(href);
	int rc = xmlTextWriterStartElement(w, BAD_CAST "link");

	if (rc >= 0)
		rc = xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST rel);
	if (rc >= 0 && type)
		rc = xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type);
	if (rc >= 0)
		rc = xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST h);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	free(h);
	return rc;
}

int dg_atom_build(const char *feed_id, const char *site_url, const char *self_url, const char *title,
		  json_t *entries, int64_t now, char **xml)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
	const char *updated = NULL;
	char stamp[32];
	time_t t = (time_t)now;
	struct tm tm;
	json_t *e;
	size_t i;
	int rc;

	*xml = NULL;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_array_foreach(entries, i, e) {
		const char *u = dg_json_str(e, "updated");
		if (*u && (!updated || strcmp(u, updated) > 0))
			updated = u;
	}
	rc = xmlTextWriterSetIndent(w, 1);
	if (rc >= 0)
		rc = xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, BAD_CAST "feed");
	if (rc >= 0)
		rc = xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST "http://www.w3.org/2005/Atom");
	if (rc >= 0)
		rc = element(w, "id", feed_id, NULL);
	if (rc >= 0)
		rc = element(w, "title", title, "text");
	if (rc >= 0)
		rc = element(w, "updated", updated ? updated : stamp, NULL);
	if (rc >= 0)
		rc = link(w, "self", self_url, "application/atom+xml");
	if (rc >= 0 && site_url)
		rc = link(w, "alternate", site_url, "text/html");
	if (rc >= 0)
		rc = element(w, "generator", "digest", NULL);
	json_array_foreach(entries, i, e) {
		if (rc < 0)
			break;
		rc = xmlTextWriterStartElement(w, BAD_CAST "entry");
		if (rc >= 0)
			rc = element(w, "id", dg_json_str(e, "id"), NULL);
		if (rc >= 0)
			rc = element(w, "title", dg_json_str(e, "title"), "text");
		if (rc >= 0)
			rc = element(w, "updated", dg_json_str(e, "updated"), NULL);
		if (rc >= 0)
			rc = link(w, "alternate", dg_json_str(e, "link"), "text/html");
		/* an entry without a feed-level author needs its own (RFC 4287 4.1.1) */
		if (rc >= 0)
			rc = xmlTextWriterStartElement(w, BAD_CAST "author");
		if (rc >= 0)
			rc = element(w, "name", *dg_json_str(e, "author") ? dg_json_str(e, "author") : title, NULL);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
		if (rc >= 0 && *dg_json_str(e, "summary"))
			rc = element(w, "summary", dg_json_str(e, "summary"), "text");
		if (rc >= 0)
			rc = element(w, "content", dg_json_str(e, "html"), "html");
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
	}
	if (rc >= 0)
		rc = xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	if (rc < 0) {
		xmlBufferFree(buf);
		return dg_err_set(DG_ERR_FAIL, "the Atom feed of %s: libxml2 could not write it", self_url);
	}
	*xml = dg_strdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return 0;
}
