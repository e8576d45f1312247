/* test_feed.c - the feed reader's C API on small inline documents. */
#include "check.h"
#include "feeds/feed.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Parse doc (len 0 = strlen) and keep the result for the checks below. */
static json_t *entries;
static char *warning;
static int rc;

static void parse_opts(const char *doc, size_t len, const dg_feed_opts *opts)
{
	json_decref(entries);
	free(warning);
	entries = NULL;
	warning = NULL;
	rc = dg_feed_parse(doc, len ? len : strlen(doc), opts, &entries, &warning);
}

static void parse(const char *doc)
{
	parse_opts(doc, 0, NULL);
}

/* Field of entry i as a string ("(null)" for JSON null, "(none)" when the
 * entry is missing). */
static const char *field(size_t i, const char *key)
{
	json_t *e = entries ? json_array_get(entries, i) : NULL, *v;

	if (!e)
		return "(none)";
	v = json_object_get(e, key);
	return json_is_string(v) ? json_string_value(v) : "(null)";
}

static size_t count(void)
{
	return entries ? json_array_size(entries) : 0;
}

static const char *date(const char *s)
{
	static char out[DG_DATE_RFC3339_LEN];
	int64_t t;

	if (dg_feed_parse_date(s, &t) < 0)
		return "null";
	dg_date_format_utc(t, out);
	return out;
}

static size_t code_points(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void test_rss(void)
{
	parse("<?xml version=\"1.0\"?>\n<rss version=\"2.0\" "
	      "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
	      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>"
	      "<title>Feed</title><link>https://example.org/blog/</link>"
	      "<item><title><![CDATA[CDATA <title> & more]]></title>"
	      "<link>https://example.org/a?x=1&amp;y=2</link>"
	      "<description>&lt;p&gt;Escaped &lt;b&gt;HTML&lt;/b&gt; &amp;amp; text&lt;/p&gt;</description>"
	      "<pubDate>Tue, 04 Jun 2024 09:30:00 +0800</pubDate>"
	      "<guid isPermaLink=\"false\">id-1</guid><author>me@example.org (Ann Author)</author>"
	      "</item>"
	      "<item><title>Second</title><link>posts/2</link>"
	      "<content:encoded><![CDATA[<p>From <em>content:encoded</em></p><script>x()</script>]]></content:encoded>"
	      "<dc:date>2024-06-05T10:00:00-04:00</dc:date><dc:creator>Bob</dc:creator></item>"
	      "<item><guid>https://example.org/permalink</guid><description>plain a &lt; b</description></item>"
	      "</channel></rss>");
	CHECK(rc == 0 && count() == 3, "RSS 2.0: three items in order (rc %d)", rc);
	CHECK(warning == NULL, "RSS 2.0: a clean document gives no warning");
	CHECK_STR(field(0, "title"), "CDATA <title> & more", "CDATA title kept as text");
	CHECK_STR(field(0, "link"), "https://example.org/a?x=1&y=2", "link entity decoded");
	CHECK_STR(field(0, "summary"), "Escaped HTML & text", "escaped HTML description stripped to text");
	CHECK_STR(field(0, "published"), "2024-06-04T01:30:00Z", "pubDate with offset in UTC");
	CHECK_STR(field(0, "updated"), "(null)", "no updated date on a pubDate-only item");
	CHECK_STR(field(0, "id"), "id-1", "guid is the id");
	CHECK_STR(field(0, "author"), "Ann Author", "author 'email (Name)' gives the name");
	CHECK_STR(field(1, "summary"), "From content:encoded",
		  "content:encoded used when description is absent; script dropped");
	CHECK_STR(field(1, "published"), "2024-06-05T14:00:00Z", "dc:date read as the date");
	CHECK_STR(field(1, "link"), "https://example.org/blog/posts/2",
		  "relative link resolved against the channel link");
	CHECK_STR(field(1, "author"), "Bob", "dc:creator is the author");
	CHECK_STR(field(2, "link"), "https://example.org/permalink", "permalink guid is the link");
	CHECK_STR(field(2, "title"), "(null)", "missing title is null");
	CHECK_STR(field(2, "summary"), "plain a < b", "plain description kept as written");
}

static void test_base_and_links(void)
{
	dg_feed_opts o = { .base_url = "https://host.test/feeds/main.xml" };

	parse("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"http://example.com/root/\">"
	      "<entry xml:base=\"sub/\"><title type=\"html\">A &lt;i&gt;title&lt;/i&gt; &amp;amp; co</title>"
	      "<link rel=\"enclosure\" href=\"a.mp3\"/><link href=\"post.html\"/>"
	      "<updated>2003-12-13T18:30:02Z</updated><published>2003-12-13T08:29:29-04:00</published>"
	      "<summary type=\"text\">Is &lt;b&gt; kept?</summary><id>urn:x:1</id></entry>"
	      "<entry><title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">X<b>HTML</b></div></title>"
	      "<link rel=\"alternate\" href=\"javascript:alert(1)\"/>"
	      "<content type=\"html\">&lt;p&gt;body&lt;/p&gt;</content></entry></feed>");
	CHECK(rc == 0 && count() == 2, "Atom: two entries");
	CHECK_STR(field(0, "link"), "http://example.com/root/sub/post.html",
		  "xml:base of feed and entry applied, enclosure skipped");
	CHECK_STR(field(0, "title"), "A title & co", "html title stripped and decoded");
	CHECK_STR(field(0, "summary"), "Is <b> kept?", "type=text summary is not HTML");
	CHECK_STR(field(0, "published"), "2003-12-13T12:29:29Z", "published preferred to updated");
	CHECK_STR(field(0, "updated"), "2003-12-13T18:30:02Z", "updated reported too");
	CHECK_STR(field(1, "title"), "XHTML", "xhtml title as text");
	CHECK_STR(field(1, "link"), "(null)", "javascript: link dropped");
	CHECK_STR(field(1, "summary"), "body", "content used when there is no summary");

	parse_opts("<rss><channel><item><link>/p/1</link></item></channel></rss>", 0, &o);
	CHECK_STR(field(0, "link"), "https://host.test/p/1", "base_url (Content-Location) resolves links");

	parse("<feed xmlns=\"http://www.w3.org/2005/Atom\"><link href=\"/blog/\"/>"
	      "<link rel=\"self\" href=\"https://example.com/blog/feed.xml\"/>"
	      "<entry><link href=\"/blog/2003/x\"/></entry></feed>");
	CHECK_STR(field(0, "link"), "https://example.com/blog/2003/x",
		  "relative link resolved against the feed's self link");
}

static void test_encodings(void)
{
	/* ISO-8859-1: "Café" with é as one byte 0xE9. */
	static const char latin1[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
				     "<rss><channel><item><title>Caf\xe9 cr\xe8me</title></item></channel></rss>";
	/* GB2312: 中文 = D6 D0 CE C4. */
	static const char gb[] = "<?xml version=\"1.0\" encoding=\"GB2312\"?>"
				 "<rss><channel><item><title>\xd6\xd0\xce\xc4</title></item></channel></rss>";
	const char *ascii = "<?xml version=\"1.0\" encoding=\"utf-16\"?>"
			    "<rss><channel><item><title>Wide</title></item></channel></rss>";
	char wide[512];
	size_t n = 0;

	parse(latin1);
	CHECK_STR(field(0, "title"), "Caf\xc3\xa9 cr\xc3\xa8me", "ISO-8859-1 document read as UTF-8");
	CHECK(warning == NULL, "ISO-8859-1: no warning");
	parse(gb);
	CHECK_STR(field(0, "title"), "\xe4\xb8\xad\xe6\x96\x87", "GB2312 document read as UTF-8");

	/* UTF-16LE with a BOM, built here. */
	wide[n++] = (char)0xff;
	wide[n++] = (char)0xfe;
	for (const char *p = ascii; *p; p++) {
		wide[n++] = *p;
		wide[n++] = 0;
	}
	parse_opts(wide, n, NULL);
	CHECK(rc == 0 && !warning, "UTF-16LE with BOM parses cleanly");
	CHECK_STR(field(0, "title"), "Wide", "UTF-16LE title");
	/* UTF-16BE without a BOM. */
	n = 0;
	for (const char *p = ascii; *p; p++) {
		wide[n++] = 0;
		wide[n++] = *p;
	}
	parse_opts(wide, n, NULL);
	CHECK_STR(field(0, "title"), "Wide", "UTF-16BE without BOM");

	/* The HTTP charset overrides the prolog. */
	{
		dg_feed_opts o = { .http_charset = "iso-8859-1" };

		parse_opts("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><item>"
			   "<title>\xe9t\xe9</title></item></channel></rss>", 0, &o);
		CHECK_STR(field(0, "title"), "\xc3\xa9t\xc3\xa9", "HTTP charset overrides the prolog");
	}
	/* Windows-1252 bytes taken for Latin-1 (C1 controls). */
	parse("<rss><channel><item><description>don\xc2\x92t</description></item></channel></rss>");
	CHECK_STR(field(0, "summary"), "don\xe2\x80\x99t", "C1 control mapped from Windows-1252");
}

static void test_malformed(void)
{
	parse("<rss><channel><item><title>One & two &hellip; &nbsp;x</title>"
	      "<link>http://l.test/?a=1&b=2</link></item></channel></rss>");
	CHECK(rc == 0 && count() == 1, "bare & and HTML entities: item still read");
	CHECK_STR(field(0, "title"), "One & two \xe2\x80\xa6 x", "entities decoded, bare & kept");
	CHECK_STR(field(0, "link"), "http://l.test/?a=1&b=2", "bare & in a link kept");
	CHECK(warning && strstr(warning, "bare '&'") && strstr(warning, "entit"),
	      "warning names the repairs (%s)", warning ? warning : "none");

	parse("<rss><channel><item><title>Kept</title></item><item><title>Cut off</ti");
	CHECK(rc == 0 && count() >= 1, "truncated document: what was read is returned");
	CHECK_STR(field(0, "title"), "Kept", "first item of a truncated document");
	CHECK(warning && strstr(warning, "malformed"), "truncated document: warning (%s)",
	      warning ? warning : "none");

	parse("<rss><channel><itunes:author>x</itunes:author><item><title>T</title></item></channel></rss>");
	CHECK(rc == 0 && warning && strstr(warning, "namespace"), "undeclared prefix: warning");

	parse("<rss><channel><title>x</title></channel></rss");
	CHECK(rc == DG_ERR_FAIL && !entries && !warning, "malformed with nothing recovered: error");

	parse_opts("", 0, &(dg_feed_opts){ .base_url = "https://e.test/feed" });
	CHECK(rc == DG_ERR_FAIL && strstr(dg_err_last(), "https://e.test/feed") &&
	      strstr(dg_err_last(), "empty"), "empty input: error naming the URL (%s)", dg_err_last());
	parse("  \n ");
	CHECK(rc == DG_ERR_FAIL, "blank input: error");
	parse("<catalog><book/></catalog>");
	CHECK(rc == DG_ERR_FAIL && strstr(dg_err_last(), "not a feed"), "other XML: not a feed");
	parse("\x01\x02garbage\xff");
	CHECK(rc == DG_ERR_FAIL, "binary garbage: error");
	parse("{\"items\": 3}");
	CHECK(rc == DG_ERR_FAIL && strstr(dg_err_last(), "items"), "JSON without items: error");
	parse("<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
	      "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
	      "<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
	      "<rss><channel><item><title>&d;&e;</title></item></channel></rss>");
	CHECK(rc == 0 || rc == DG_ERR_FAIL, "entity expansion and external entity: no crash");
	CHECK(!entries || !strstr(field(0, "title"), "root:"), "external entity never loaded");
}

/* The repair pass looks every reference up among the names the DTD subset
 * declares: declared ones stay references, HTML ones become characters, the
 * rest bare '&'. A few MB of references to a large subset must read right
 * (it took minutes when each reference rescanned the subset). */
#define MANY_DECLS 5000
#define MANY_ITEMS 2500

static void test_entity_repair(void)
{
	dg_buf doc = DG_BUF_INIT;
	char want[128];
	int ok = 1;

	parse("<!DOCTYPE rss [<!-- a comment --><!ENTITY ab \"AB\"><!ENTITY\ta\t\"A\">"
	      "<!ENTITY % p \"P\">]><rss><channel><item><title>&a;&ab;&abc;&hellip;&p;</title>"
	      "</item></channel></rss>");
	CHECK(rc == 0 && count() == 1, "DTD subset: item read (rc %d)", rc);
	CHECK_STR(field(0, "title"), "AAB&abc;\xe2\x80\xa6&p;",
		  "declared names kept, HTML entity decoded, unknown and parameter names escaped");
	CHECK(warning && strstr(warning, "escaped 2 bare '&'") && strstr(warning, "replaced 1 "),
	      "DTD subset: repairs counted (%s)", warning ? warning : "none");

	/* "<!ENTITY" run together for a megabyte (in a comment): no name there is
	 * measured past the longest one looked up. */
	dg_buf_puts(&doc, "<!DOCTYPE rss [<!-- <!ENTITY ");
	for (int i = 0; i < 130000; i++)
		dg_buf_puts(&doc, "<!ENTITY");
	dg_buf_puts(&doc, " --><!ENTITY real \"R\">]><rss><channel><item><title>&real;&amp;</title></item></channel></rss>");
	parse_opts(doc.ptr, doc.len, NULL);
	CHECK(rc == 0 && count() == 1, "a megabyte of \"<!ENTITY\" in the subset: item read (rc %d)", rc);
	CHECK_STR(field(0, "title"), "R&", "a megabyte of \"<!ENTITY\" in the subset: the real declaration counts");
	dg_buf_free(&doc);

	/* A second DOCTYPE whose subset never closes declares nothing. */
	parse("<!DOCTYPE rss [<!ENTITY aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \"A\">]>"
	      "<rss><channel><item><title>&hellip;</title></item></channel></rss><!DOCTYPE x [");
	CHECK(rc == 0 && count() == 1, "unclosed second subset: item read");

	dg_buf_puts(&doc, "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n");
	for (int i = 0; i < MANY_DECLS; i++)
		dg_buf_printf(&doc, "<!ENTITY e%d \"E%d\">\n", i, i);
	dg_buf_puts(&doc, "]>\n<rss version=\"2.0\"><channel><title>t</title>\n");
	for (int i = 0; i < MANY_ITEMS; i++) {
		dg_buf_printf(&doc, "<item><title>Item %d &e%d;&amp;&hellip;</title><description>", i,
			      (i * 7) % MANY_DECLS);
		for (int j = 0; j < 100; j++)
			dg_buf_printf(&doc, "&e%d;&nope%d;", (i + j) % MANY_DECLS, j);
		dg_buf_puts(&doc, "</description></item>\n");
	}
	dg_buf_puts(&doc, "</channel></rss>\n");
	CHECK(dg_buf_error(&doc) == 0 && doc.len > ((size_t)3 << 20), "generated feed of %zu bytes", doc.len);
	parse_opts(doc.ptr, doc.len, NULL);
	CHECK(rc == 0 && count() == MANY_ITEMS, "many references: %zu entries (rc %d)", count(), rc);
	for (int i = 0; i < MANY_ITEMS && ok; i += 97) {
		snprintf(want, sizeof(want), "Item %d E%d&\xe2\x80\xa6", i, (i * 7) % MANY_DECLS);
		ok = strcmp(field((size_t)i, "title"), want) == 0;
		if (ok) {
			snprintf(want, sizeof(want), "E%d&nope0;E%d&nope1;", i % MANY_DECLS, (i + 1) % MANY_DECLS);
			ok = strncmp(field((size_t)i, "summary"), want, strlen(want)) == 0;
		}
	}
	CHECK(ok, "many references: declared entities expanded, unknown ones kept as text");
	CHECK(warning && strstr(warning, "escaped 250000 bare '&'"), "many references: repairs counted (%s)",
	      warning ? warning : "none");
	dg_buf_free(&doc);
}

/* Declared entities expand to the document's size (at least 4 MB) in all:
 * references past that are dropped with a warning, so that a 10 KB entity
 * referenced from every field cannot make gigabytes of text. */
static void test_entity_amplification(void)
{
	dg_buf doc = DG_BUF_INIT;
	size_t total = 0;
	int i;

	dg_buf_puts(&doc, "<!DOCTYPE rss [<!ENTITY big \"");
	for (i = 0; i < 10000; i++)
		dg_buf_putc(&doc, 'y');
	dg_buf_puts(&doc, "\">]><rss><channel>");
	for (i = 0; i < 200; i++) {
		dg_buf_puts(&doc, "<item><title>");
		for (int j = 0; j < 50; j++)
			dg_buf_puts(&doc, "&big;");
		dg_buf_printf(&doc, "</title><guid>g%d</guid></item>", i);
	}
	dg_buf_puts(&doc, "</channel></rss>");
	CHECK(dg_buf_error(&doc) == 0, "amplifying document built");
	parse_opts(doc.ptr, doc.len, NULL);
	CHECK(rc == 0 && count() == 200, "amplifying document: every item read (%zu, rc %d)", count(), rc);
	CHECK(strlen(field(0, "title")) == 500000, "the first titles expand in full");
	CHECK_STR(field(199, "title"), "(null)", "past the budget references expand to nothing");
	CHECK_STR(field(199, "id"), "g199", "the rest of a late item is read");
	for (size_t k = 0; k < count(); k++)
		total += json_is_string(json_object_get(json_array_get(entries, k), "title")) ?
			 strlen(field(k, "title")) : 0;
	CHECK(total <= ((size_t)4 << 20), "expanded text stays within 4 MB (%zu bytes)", total);
	CHECK(warning && strstr(warning, "past the expansion limit"), "a warning says references were dropped (%s)",
	      warning ? warning : "none");
	dg_buf_free(&doc);
}

/* Parse head, a megabyte of `pad`, mid, then `items` times item_fmt (with
 * the item's number) and the end of an RSS document. */
static void parse_padded(const char *head, char pad, const char *mid, const char *item_fmt, int items)
{
	dg_buf doc = DG_BUF_INIT;

	dg_buf_puts(&doc, head);
	for (int i = 0; i < (1 << 20); i++)
		dg_buf_putc(&doc, pad);
	dg_buf_puts(&doc, mid);
	for (int i = 0; i < items; i++)
		dg_buf_printf(&doc, item_fmt, i);
	dg_buf_puts(&doc, "</channel></rss>");
	CHECK(dg_buf_error(&doc) == 0, "a document of %zu bytes built", doc.len);
	parse_opts(doc.ptr, doc.len, NULL);
	dg_buf_free(&doc);
}

/* Namespace URIs are compared on every element test: blanks around a known
 * one are forgiven, but a URI of a megabyte is no known one, and is not
 * measured again for every element. */
static void test_namespace_padding(void)
{
	parse("<rss><channel><item xmlns:atom=\"  http://www.w3.org/2005/Atom/  \"><atom:link rel=\"alternate\" "
	      "href=\"https://p.test/1\"/></item></channel></rss>");
	CHECK_STR(field(0, "link"), "https://p.test/1", "a known namespace URI with blanks around it");
	parse_padded("<rss><channel xmlns:atom=\"http://www.w3.org/2005/Atom", ' ', "\">",
		     "<item><link>https://p.test/%d</link><atom:link href=\"https://q.test/\"/></item>", 20000);
	CHECK(rc == 0 && count() == 20000, "a megabyte of namespace URI: all items read (%zu)", count());
	CHECK_STR(field(19999, "link"), "https://p.test/19999", "a megabyte of namespace URI: the RSS link wins");
}

/* xml:base is worked out once per element, not once per link from the
 * root down: nested and sibling bases resolve as before, and a megabyte of
 * base lengthens the first links only, the rest dropped with a warning. */
static void test_xml_base(void)
{
	parse("<rss><channel xml:base=\"http://a.test/x/\"><item xml:base=\"y/\"><link>z</link></item>"
	      "<item><link>w</link></item><item xml:base=\"/abs/\"><title>t</title>"
	      "<link xml:base=\"deeper/\">v</link></item><item xml:base=\"https://o.test/\"><link>u</link></item>"
	      "</channel></rss>");
	CHECK(rc == 0 && count() == 4, "xml:base document: four items");
	CHECK_STR(field(0, "link"), "http://a.test/x/y/z", "nested relative xml:base");
	CHECK_STR(field(1, "link"), "http://a.test/x/w", "a sibling does not inherit the previous item's base");
	CHECK_STR(field(2, "link"), "http://a.test/abs/deeper/v", "xml:base on the link element itself");
	CHECK_STR(field(3, "link"), "https://o.test/u", "an absolute xml:base replaces the inherited one");
	parse_opts("<rss><channel xml:base=\"sub/\"><item><link>p</link></item></channel></rss>", 0,
		   &(dg_feed_opts){ .base_url = "https://doc.test/feeds/" });
	CHECK_STR(field(0, "link"), "https://doc.test/feeds/sub/p", "a relative xml:base against the document URL");

	parse_padded("<rss><channel xml:base=\"https://b.test/", 'a', "/\"><title>t</title>",
		     "<item><link>p%d</link></item>", 20000);
	CHECK(rc == 0 && count() == 20000, "a megabyte of xml:base: all items read (%zu)", count());
	CHECK(strlen(field(0, "link")) > (1 << 20) && strstr(field(0, "link"), "/p0"),
	      "a megabyte of xml:base: the first link is resolved");
	CHECK_STR(field(19999, "link"), "(null)", "a megabyte of xml:base: later links are dropped");
	CHECK(warning && strstr(warning, "made too long by xml:base"), "a warning counts them (%s)",
	      warning ? warning : "none");
}

static void test_other_formats(void)
{
	char doc[8192];
	size_t n;

	parse("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
	      "xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
	      "<channel rdf:about=\"http://r.test/\"><title>R</title><link>http://r.test/</link></channel>"
	      "<item rdf:about=\"http://r.test/1\"><title>RDF item</title><link>http://r.test/1</link>"
	      "<dc:date>2004-01-01</dc:date></item></rdf:RDF>");
	CHECK(rc == 0 && count() == 1, "RSS 1.0 (RDF): one item");
	CHECK_STR(field(0, "id"), "http://r.test/1", "RDF: rdf:about is the id");
	CHECK_STR(field(0, "published"), "2004-01-01T00:00:00Z", "RDF: dc:date day only");

	parse("<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><entry>"
	      "<title mode=\"base64\">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</title>"
	      "<link rel=\"alternate\" type=\"text/html\" href=\"http://a.test/\"/>"
	      "<issued>2003-12-31T10:14:55Z</issued><modified>2004-01-01T00:00:00Z</modified>"
	      "<content type=\"text/html\" mode=\"escaped\">&lt;p&gt;Zero &lt;i&gt;three&lt;/i&gt;&lt;/p&gt;</content>"
	      "</entry></feed>");
	CHECK_STR(field(0, "title"), "Example <b>Atom</b>", "Atom 0.3 base64 text/plain title");
	CHECK_STR(field(0, "link"), "http://a.test/", "Atom 0.3 alternate link");
	CHECK_STR(field(0, "published"), "2003-12-31T10:14:55Z", "Atom 0.3 issued");
	CHECK_STR(field(0, "updated"), "2004-01-01T00:00:00Z", "Atom 0.3 modified");
	CHECK_STR(field(0, "summary"), "Zero three", "Atom 0.3 escaped content");

	/* A long description gets the default cut of 280 code points. */
	n = (size_t)snprintf(doc, sizeof(doc), "<rss><channel><item><description>");
	for (int i = 0; i < 200; i++)
		n += (size_t)snprintf(doc + n, sizeof(doc) - n, "word%d ", i);
	snprintf(doc + n, sizeof(doc) - n, "</description></item></channel></rss>");
	parse(doc);
	CHECK(code_points(field(0, "summary")) <= DG_FEED_SUMMARY_MAX &&
	      code_points(field(0, "summary")) > DG_FEED_SUMMARY_MAX - 10,
	      "default summary cut near 280 code points (%zu)", code_points(field(0, "summary")));
	CHECK(strstr(field(0, "summary"), " \xe2\x80\xa6") == NULL &&
	      strcmp(field(0, "summary") + strlen(field(0, "summary")) - 3, "\xe2\x80\xa6") == 0,
	      "cut summary ends in a whole word and an ellipsis");
}

static void test_json_feed(void)
{
	parse("{\"version\": \"https://jsonfeed.org/version/1.1\", \"home_page_url\": \"https://j.test/\","
	      "\"items\": [{\"id\": \"1\", \"url\": \"/one\", \"title\": \"One\","
	      "\"content_html\": \"<p>Hello <b>world</b></p>\", \"date_published\": \"2020-01-24T08:00:00+01:00\","
	      "\"authors\": [{\"name\": \"Jo\"}]},"
	      "{\"id\": 2, \"content_text\": \"Just text\", \"date_modified\": \"2020-01-25T00:00:00Z\"}]}");
	CHECK(rc == 0 && count() == 2, "JSON Feed: two items");
	CHECK_STR(field(0, "link"), "https://j.test/one", "JSON Feed url resolved against home_page_url");
	CHECK_STR(field(0, "summary"), "Hello world", "content_html as text");
	CHECK_STR(field(0, "published"), "2020-01-24T07:00:00Z", "date_published in UTC");
	CHECK_STR(field(0, "author"), "Jo", "authors[0].name");
	CHECK_STR(field(1, "id"), "2", "numeric id as a string");
	CHECK_STR(field(1, "published"), "2020-01-25T00:00:00Z", "date_modified when not published");
	CHECK_STR(field(1, "title"), "(null)", "JSON Feed item without title");
}

static void test_dates(void)
{
	CHECK_STR(date("Thu, 01 Jan 2004 19:48:21 GMT"), "2004-01-01T19:48:21Z", "RFC 822 GMT");
	CHECK_STR(date("Mon, 26 January 2004 16:31:00 EST"), "2004-01-26T21:31:00Z", "long month, EST");
	CHECK_STR(date("Sat, 07 Sep 2002 00:00:01 PDT"), "2002-09-07T07:00:01Z", "PDT");
	CHECK_STR(date("Thu, 30 Apr 2015 08:57:00 CEST"), "2015-04-30T06:57:00Z", "CEST");
	CHECK_STR(date("Thu, 01 Jan 04 19:48:21 GMT"), "2004-01-01T19:48:21Z", "2-digit year");
	CHECK_STR(date("Thu,01 Jan 2004 19:48 +0530"), "2004-01-01T14:18:00Z",
		  "no space after the comma, no seconds, +0530");
	CHECK_STR(date("1 Jan 2004"), "2004-01-01T00:00:00Z", "no weekday, no time");
	CHECK_STR(date("Fri, 13 Mar 2020 10:00:00 XYZ"), "2020-03-13T10:00:00Z", "unknown zone name = UTC");
	CHECK_STR(date("Sun Jan  4 16:29:06 2004"), "2004-01-04T16:29:06Z", "asctime");
	CHECK_STR(date("2004-07-08 23:56:58 -00:20"), "2004-07-09T00:16:58Z", "MSSQL with offset");
	CHECK_STR(date("2024-02-29T23:30:00-01:00"), "2024-03-01T00:30:00Z", "leap day roll-over");
	CHECK_STR(date("Thu, 01 Jan 0100 00:00:01 +0100"), "0099-12-31T23:00:01Z", "ancient date");
	CHECK_STR(date("Fri, 31 Feb 2020 10:00:00 GMT"), "null", "31 February rejected");
	CHECK_STR(date("Fri, 13 Mar 2020 10:00:00 +01:zz"), "null", "bad zone minutes rejected");
	CHECK_STR(date("yesterday"), "null", "words rejected");
	CHECK_STR(date("2003-13-01"), "null", "month 13 rejected");
	CHECK_STR(date(""), "null", "empty rejected");
	/* Localised RFC 822, as European feeds write it. */
	CHECK_STR(date("mer, 16 nov 2022 00:38:15 +0100"), "2022-11-15T23:38:15Z", "French day and month");
	CHECK_STR(date("jeu., 02 f\xc3\xa9vr. 2023 10:00:00 +0100"), "2023-02-02T09:00:00Z", "French abbreviations with dots");
	CHECK_STR(date("sam, 19 ao\xc3\xbbt 2023 08:00:00 GMT"), "2023-08-19T08:00:00Z", "French ao\xc3\xbbt");
	CHECK_STR(date("Mi, 16 M\xc3\xa4r 2022 12:00:00 +0100"), "2022-03-16T11:00:00Z", "German two-letter day, M\xc3\xa4r");
	CHECK_STR(date("Do, 07 Dez 2023 09:30:00 +0100"), "2023-12-07T08:30:00Z", "German Dez");
	CHECK_STR(date("Dienstag, 03 Oktober 2023 10:00:00 +0200"), "2023-10-03T08:00:00Z", "German long forms");
	CHECK_STR(date("mi\xc3\xa9, 16 nov 2022 00:38:15 +0100"), "2022-11-15T23:38:15Z", "Spanish mi\xc3\xa9");
	CHECK_STR(date("lun, 03 ene 2022 10:00:00 +0100"), "2022-01-03T09:00:00Z", "Spanish ene");
	CHECK_STR(date("mar, 15 dic 2020 10:00:00 +0100"), "2020-12-15T09:00:00Z", "Spanish/Italian mar as a day");
	CHECK_STR(date("gio, 12 ott 2023 10:00:00 +0200"), "2023-10-12T08:00:00Z", "Italian ott");
	CHECK_STR(date("ven, 09 giu 2023 10:00:00 +0200"), "2023-06-09T08:00:00Z", "Italian giu");
	CHECK_STR(date("qua, 01 fev 2023 10:00:00 -0300"), "2023-02-01T13:00:00Z", "Portuguese fev");
	CHECK_STR(date("sex, 13 out 2023 10:00:00 -0300"), "2023-10-13T13:00:00Z", "Portuguese out");
	CHECK_STR(date("wo, 08 mrt 2023 10:00:00 +0100"), "2023-03-08T09:00:00Z", "Dutch mrt");
	CHECK_STR(date("za, 20 mei 2023 10:00:00 +0200"), "2023-05-20T08:00:00Z", "Dutch mei");
	CHECK_STR(date("Mar 15 2022 10:00:00 GMT"), "2022-03-15T10:00:00Z", "English Mar first, no comma: a month");
	CHECK_STR(date("xyz, 16 nov 2022 00:38:15 +0100"), "null", "an unknown first word still rejected");
}

static void test_summary(void)
{
	char *out = NULL, cjk[3 * 300 + 1], latin[2000];
	size_t n = 0;

	/* 300 CJK characters; cut at 50 code points. */
	for (int i = 0; i < 300; i++) {
		memcpy(cjk + n, "\xe4\xb8\xad", 3);
		n += 3;
	}
	cjk[n] = '\0';
	out = dg_feed_summary(cjk, n, 50);
	CHECK(out != NULL, "CJK summary");
	CHECK(out && code_points(out) == 50, "CJK cut to 50 code points (got %zu)", out ? code_points(out) : 0);
	CHECK(out && strcmp(out + strlen(out) - 3, "\xe2\x80\xa6") == 0, "CJK cut ends in an ellipsis");
	CHECK(out && strncmp(out, cjk, 49 * 3) == 0, "CJK cut keeps whole characters");
	free(out);

	strcpy(latin, "<p>The quick brown fox jumps over the lazy dog again and again</p>");
	out = dg_feed_summary(latin, strlen(latin), 20);
	CHECK(out != NULL, "Latin summary");
	CHECK_STR(out, "The quick brown fox\xe2\x80\xa6", "Latin cut at a word boundary");
	free(out);
	out = dg_feed_summary("Short &amp; <b>sweet</b>", 24, 280);
	CHECK(out != NULL, "short summary");
	CHECK_STR(out, "Short & sweet", "short text is not cut");
	free(out);
	out = dg_feed_summary("  a \n\t b&nbsp; c  ", 18, 0);
	CHECK(out != NULL, "whitespace");
	CHECK_STR(out, "a b c", "whitespace and &nbsp; collapsed");
	free(out);
	out = dg_feed_text("History of the <blink> tag", 26, DG_FEED_TEXT_AUTO_STRICT, 0);
	CHECK(out != NULL, "strict title");
	CHECK_STR(out, "History of the <blink> tag", "an unknown tag alone does not make a title HTML");
	free(out);
	out = dg_feed_summary("a\xff\xfe b", 6, 0);
	CHECK(out != NULL, "invalid UTF-8");
	CHECK_STR(out, "a b", "invalid UTF-8 dropped");
	free(out);
}

int main(void)
{
	test_rss();
	test_base_and_links();
	test_encodings();
	test_malformed();
	test_entity_repair();
	test_entity_amplification();
	test_namespace_padding();
	test_xml_base();
	test_other_formats();
	test_json_feed();
	test_dates();
	test_summary();
	json_decref(entries);
	free(warning);
	return check_done();
}
