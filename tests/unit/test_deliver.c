/* test_deliver.c - the pieces of delivery without a server: RFC 2047
 * encoded-words of whole characters in lines of at most 78 columns,
 * quoted-printable and base64 bodies, mailbox parsing, the plain text
 * with numbered references, the message's cid parts; the Atom feed
 * escaped and cleaned of what XML refuses; the chat signatures against
 * values computed with Python's hmac; each platform's answers judged and
 * its limits kept. */
#include "check.h"
#include "base/buf.h"
#include "base/err.h"
#include "deliver/atom.h"
#include "deliver/chat.h"
#include "deliver/email.h"
#include "deliver/mime.h"

#include <jansson.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

/* The longest line of `s` (CRLF or LF ends one). */
static size_t longest_line(const char *s)
{
	size_t best = 0;

	while (*s) {
		size_t n = strcspn(s, "\r\n");
		best = n > best ? n : best;
		s += n;
		s += strspn(s, "\r\n");
	}
	return best;
}

static void test_mime(void)
{
	dg_buf b = DG_BUF_INIT;
	const char *to[] = {"reader@example.org", "\xe8\xaf\xbb\xe8\x80\x85 <duzhe@example.cn>", "A, B <ab@example.com>"};
	char *a;

	dg_mime_base64_line(&b, "foobar", 6);
	dg_mime_base64_line(&b, "fo", 2);
	CHECK_STR(dg_buf_cstr(&b), "Zm9vYmFyZm8=", "base64 of RFC 4648's vectors");
	dg_buf_clear(&b);

	dg_mime_text_header(&b, "Subject", "KubeSphere weekly: a plain ASCII subject");
	CHECK_STR(dg_buf_cstr(&b), "Subject: KubeSphere weekly: a plain ASCII subject\r\n", "ASCII stays as it is");
	dg_buf_clear(&b);
	{
		dg_buf s = DG_BUF_INIT;
		for (int i = 0; i < 30; i++)
			dg_buf_puts(&s, "\xe7\xa4\xbe\xe5\x8c\xba");  /* two CJK characters, 6 bytes */
		dg_mime_text_header(&b, "Subject", dg_buf_cstr(&s));
		CHECK(!strncmp(dg_buf_cstr(&b), "Subject: =?UTF-8?B?", 19) && longest_line(dg_buf_cstr(&b)) <= 78,
		      "CJK: encoded-words, lines of at most 78 (%zu)", longest_line(dg_buf_cstr(&b)));
		/* 39 bytes a word: 13 characters of 3 bytes each, never one cut */
		CHECK(strstr(dg_buf_cstr(&b), "?=\r\n =?UTF-8?B?") != NULL, "long subjects fold between words");
		dg_buf_free(&s);
	}
	dg_buf_clear(&b);
	dg_mime_text_header(&b, "Subject", "line\r\nbreak");
	CHECK(!strchr(dg_buf_cstr(&b) + 9, '\n') || strstr(dg_buf_cstr(&b), "=?UTF-8?B?"),
	      "a control character is never a raw line break in a header");
	dg_buf_clear(&b);

	dg_mime_address_header(&b, "To", to, 3);
	CHECK(strstr(dg_buf_cstr(&b), "<reader@example.org>") && strstr(dg_buf_cstr(&b), "=?UTF-8?B?6K+76ICF?= <duzhe@example.cn>") &&
	      strstr(dg_buf_cstr(&b), "\"A, B\" <ab@example.com>"),
	      "mailboxes: plain, a CJK display name encoded, a comma quoted: %s", dg_buf_cstr(&b));
	dg_buf_clear(&b);

	CHECK_STR((a = dg_mime_addr_spec("KubeSphere <news@kubesphere.io>")), "news@kubesphere.io", "addr-spec of a mailbox");
	free(a);
	CHECK(dg_mime_addr_spec("no address") == NULL && dg_mime_addr_spec("a@b <c>") == NULL &&
	      dg_mime_addr_spec("x <a@b>\r\nBcc: e@f") == NULL, "no addr-spec: no '@', or text after '>'");

	dg_mime_qp(&b, "a=b \n\xe4\xb8\xad", 8);
	CHECK_STR(dg_buf_cstr(&b), "a=3Db=20\r\n=E4=B8=AD\r\n", "quoted-printable: '=', a space before a break, UTF-8");
	dg_buf_clear(&b);
	{
		char line[300];
		memset(line, 'x', sizeof(line) - 1);
		line[sizeof(line) - 1] = '\0';
		dg_mime_qp(&b, line, strlen(line));
		CHECK(longest_line(dg_buf_cstr(&b)) <= 76 && strstr(dg_buf_cstr(&b), "=\r\n"),
		      "quoted-printable: soft breaks keep lines at 76");
	}
	dg_buf_clear(&b);
	dg_mime_date(&b, 1638748800);
	CHECK_STR(dg_buf_cstr(&b), "Mon, 06 Dec 2021 00:00:00 +0000", "RFC 5322 date");
	dg_buf_free(&b);
}

/* The message with quoted-printable soft breaks and =3D undone (enough to search it). */
static char *unfold_qp(const char *msg)
{
	dg_buf b = DG_BUF_INIT;

	for (const char *p = msg; *p; p++) {
		if (!strncmp(p, "=\r\n", 3))
			p += 2;
		else if (!strncmp(p, "=3D", 3)) {
			dg_buf_putc(&b, '=');
			p += 2;
		} else
			dg_buf_putc(&b, *p);
	}
	return dg_buf_detach(&b);
}

static int one_image(void *ud, const char *src, const char **data, size_t *len)
{
	(void)ud;
	if (strcmp(src, "certificates/a&b.png"))
		return 0;
	*data = "\x89PNG\r\n\x1a\nfake";
	*len = 12;
	return 1;
}

static void test_email(void)
{
	const char *to[] = {"r@example.org"};
	char *t = dg_mail_plain_text("---\ntitle: x\n---\n# Head\n\nSee [the site](https://a.example/) and "
				     "[docs](https://b.example/d).\n\n- one [x](https://c.example/)\n");
	dg_mail_extra extra = {"poster.png", "poster", "\x89PNG\r\n\x1a\nposter", 14};
	dg_mail_in in = {"Digest <news@example.org>", to, 1, "Title", "Title", "Some [link](https://a.example/)",
			 "<p>x</p><img src=\"certificates/a&amp;b.png\" alt=\"\"><img src=\"https://x.example/i.png\">",
			 one_image, NULL, &extra, 1, NULL, "community/org:x/w1.2021-W49", 1638748800};
	char *msg = NULL;
	size_t len = 0;

	CHECK(strstr(t, "# Head") && strstr(t, "See the site [1] and docs [2].") && strstr(t, "- one x [3]") &&
	      strstr(t, "[1] https://a.example/\n[2] https://b.example/d\n[3] https://c.example/") && !strstr(t, "title: x"),
	      "plain text: links as numbered references, front matter left out:\n%s", t);
	free(t);
	CHECK(dg_mail_build(&in, &msg, &len) == 0 && len == strlen(msg), "a message is built");
	{
		char *raw = msg;
		msg = unfold_qp(raw);
		free(raw);
	}
	CHECK(msg && strstr(msg, "src=\"cid:img1.a_b.png@example.org\"") && strstr(msg, "Content-ID: <img1.a_b.png@example.org>") &&
	      strstr(msg, "src=\"cid:img2.poster.png@example.org\"") && strstr(msg, "Content-ID: <img2.poster.png@example.org>") &&
	      strstr(msg, "https://x.example/i.png"),
	      "a local image and the extra become cid parts; a remote one stays");
	CHECK(msg && strstr(msg, "Content-Type: multipart/related;") && strstr(msg, "Message-ID: <digest.") &&
	      strstr(msg, "MIME-Version: 1.0\r\n"), "the headers of a message with images");
	free(msg);
	in.fragment = "<a href=\"certificates/a.png\">c</a><a href=\"https://x.example/\">x</a><a href=\"#r1\">r</a>";
	in.base_url = "https://news.example.org/k/";
	CHECK(dg_mail_build(&in, &msg, &len) == 0, "a message with links");
	{
		char *raw = msg;
		msg = unfold_qp(raw);
		free(raw);
	}
	CHECK(msg && strstr(msg, "href=\"https://news.example.org/k/certificates/a.png\"") &&
	      strstr(msg, "href=\"https://x.example/\"") && strstr(msg, "href=\"#r1\""),
	      "relative links made absolute against the site; others kept");
	free(msg);
	in.from = "no address";
	CHECK(dg_mail_build(&in, &msg, &len) == DG_ERR_CONFIG && strstr(dg_err_last(), "email.from"),
	      "a From without an address is a config error");
	CHECK(dg_mail_loopback("smtp://127.0.0.1:25") && dg_mail_loopback("smtp://localhost") &&
	      !dg_mail_loopback("smtp://mail.example.org:587"), "loopback hosts are told apart (no STARTTLS there)");
}

static void test_atom(void)
{
	json_t *entries = json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s}]", "id", "tag:x.org,2021-12-06:community/2021-W49",
				    "title", "\xe7\xa4\xbe\xe5\x8c\xba <b> & \"q\"\x01\x0b", "updated", "2021-12-13T00:00:00Z",
				    "link", "https://x.org/a?b=1&c=2", "summary", "lead\x1f", "html", "<p>x &amp; y</p>");
	char *xml = NULL, *tag;
	xmlDocPtr doc;

	CHECK(dg_atom_build("https://x.org/community.atom.xml", "https://x.org/", "https://x.org/community.atom.xml", "Feed",
			    entries, 0, &xml) == 0,
	      "a feed is built");
	doc = xml ? xmlReadMemory(xml, (int)strlen(xml), "feed.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR) : NULL;
	CHECK(doc != NULL, "libxml2 reads it back");
	xmlFreeDoc(doc);
	CHECK(xml && strstr(xml, "&lt;b&gt; &amp; &quot;q&quot;</title>") && !strchr(xml, '\x01') && !strchr(xml, '\x1f') &&
	      strstr(xml, "href=\"https://x.org/a?b=1&amp;c=2\"") && strstr(xml, "&lt;p&gt;x &amp;amp; y&lt;/p&gt;"),
	      "text escaped, control characters removed, HTML content escaped once");
	CHECK(xml && strstr(xml, "<updated>2021-12-13T00:00:00Z</updated>"), "the feed's updated is its newest entry's");
	free(xml);
	json_decref(entries);
	CHECK_STR((tag = dg_atom_tag("https://News.Example.org/x/", 1638748800, "community", "2021-W49")),
		  "tag:news.example.org,2021-12-06:community/2021-W49", "a tag: URI from the site's host and the period");
	free(tag);
	CHECK(dg_atom_tag("not a url", 0, "k", "l") == NULL, "no host, no tag");
	CHECK_STR((tag = dg_atom_join("https://x.org/a/", "/b.html")), "https://x.org/a/b.html", "one slash joins");
	free(tag);
}

static void test_chat(void)
{
	const char *facts[] = {"14 contributors, 46 pull requests"};
	dg_card card = {"Title", "The lead.", facts, 1, "https://x.org/i.html", "Read", NULL};
	char *s, *body;
	json_t *j;
	dg_buf lead = DG_BUF_INIT;

	CHECK_STR((s = dg_chat_sign_feishu(1700000000, "SECabc123")), "UqhI0v4zAkSwI4hNYBuHQvnrAqshA0UaeBGHCUMPX70=",
		  "Feishu: HMAC-SHA256 keyed with timestamp\\nsecret over nothing");
	free(s);
	CHECK_STR((s = dg_chat_sign_dingtalk(1700000000123LL, "SECabc123")), "etIBQNvdgq9e1O4P4gRnRS05m9vXVgr6/5xt3Azj2s8=",
		  "DingTalk: HMAC-SHA256 keyed with the secret over timestamp\\nsecret");
	free(s);
	CHECK_STR((s = dg_chat_url(DG_CHAT_DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=T", "SECabc123",
				   1700000000123LL)),
		  "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000123&sign="
		  "etIBQNvdgq9e1O4P4gRnRS05m9vXVgr6%2F5xt3Azj2s8%3D", "DingTalk: timestamp and the sign URL-encoded in the query");
	free(s);

	body = dg_chat_body(DG_CHAT_FEISHU, &card, "SECabc123", 1700000000);
	j = json_loads(body, 0, NULL);
	CHECK(j && !strcmp(json_string_value(json_object_get(j, "msg_type")), "interactive") &&
	      !strcmp(json_string_value(json_object_get(j, "timestamp")), "1700000000") &&
	      !strcmp(json_string_value(json_object_get(j, "sign")), "UqhI0v4zAkSwI4hNYBuHQvnrAqshA0UaeBGHCUMPX70="),
	      "Feishu: an interactive card with timestamp and sign: %s", body);
	json_decref(j);
	free(body);

	for (int i = 0; i < 2000; i++)
		dg_buf_puts(&lead, "\xe7\xa4\xbe");
	card.lead = dg_buf_cstr(&lead);
	body = dg_chat_body(DG_CHAT_WECOM, &card, NULL, 0);
	j = json_loads(body, 0, NULL);
	CHECK(j && strlen(json_string_value(json_object_get(json_object_get(j, "markdown"), "content"))) <= 4096,
	      "WeCom: the markdown content stays within 4096 bytes");
	json_decref(j);
	free(body);
	body = dg_chat_body(DG_CHAT_SLACK, &card, NULL, 0);
	j = json_loads(body, 0, NULL);
	CHECK(j && json_array_size(json_object_get(j, "blocks")) == 3 &&
	      !strcmp(json_string_value(json_object_get(json_object_get(json_array_get(json_object_get(j, "blocks"), 0), "text"),
							"type")), "plain_text"),
	      "Slack: a header block and sections");
	json_decref(j);
	free(body);
	body = dg_chat_body(DG_CHAT_DISCORD, &card, NULL, 0);
	j = json_loads(body, 0, NULL);
	{
		json_t *e = json_array_get(json_object_get(j, "embeds"), 0);
		CHECK(e && strlen(json_string_value(json_object_get(e, "description"))) <= 4096 &&
		      !strcmp(json_string_value(json_object_get(e, "url")), "https://x.org/i.html"),
		      "Discord: one embed, the description within its limit, the link as its url");
	}
	json_decref(j);
	free(body);
	dg_buf_free(&lead);

	CHECK(dg_chat_judge(DG_CHAT_FEISHU, "feishu (V)", 200, "{\"code\":0,\"msg\":\"success\"}") == 0 &&
	      dg_chat_judge(DG_CHAT_FEISHU, "feishu (V)", 200, "{\"code\":19021,\"msg\":\"sign match fail\"}") < 0 &&
	      strstr(dg_err_last(), "feishu (V): HTTP 200, code 19021: sign match fail"), "Feishu: its code and msg");
	CHECK(dg_chat_judge(DG_CHAT_DINGTALK, "dingtalk (V)", 200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}") < 0 &&
	      strstr(dg_err_last(), "errcode 310000: sign not match") &&
	      dg_chat_judge(DG_CHAT_WECOM, "wecom (V)", 200, "{\"errcode\":0,\"errmsg\":\"ok\"}") == 0,
	      "DingTalk and WeCom: errcode and errmsg");
	CHECK(dg_chat_judge(DG_CHAT_SLACK, "slack (V)", 200, "ok") == 0 &&
	      dg_chat_judge(DG_CHAT_SLACK, "slack (V)", 400, "invalid_blocks") < 0 && strstr(dg_err_last(), "invalid_blocks"),
	      "Slack: \"ok\", else its text");
	CHECK(dg_chat_judge(DG_CHAT_DISCORD, "discord (V)", 204, "") == 0 &&
	      dg_chat_judge(DG_CHAT_DISCORD, "discord (V)", 404, "{\"message\":\"Unknown Webhook\",\"code\":10015}") < 0 &&
	      strstr(dg_err_last(), "Unknown Webhook"), "Discord: 204, else its message");
	CHECK(dg_chat_type_parse("slack") == DG_CHAT_SLACK && dg_chat_type_parse("irc") < 0, "types by name");
}

int main(void)
{
	test_mime();
	test_email();
	test_atom();
	test_chat();
	return check_done();
}
