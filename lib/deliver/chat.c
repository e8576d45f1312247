#include "deliver/chat.h"
#include "deliver/mime.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/str.h"
#include "base/text.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const names[] = {"feishu", "dingtalk", "wecom", "slack", "discord"};

int dg_chat_type_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

const char *dg_chat_type_name(dg_chat_type t)
{
	return names[t];
}

static char *hmac_b64(const void *key, size_t klen, const void *msg, size_t mlen)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	dg_buf b = DG_BUF_INIT;

	HMAC(EVP_sha256(), key, (int)klen, msg, mlen, mac, &n);
	dg_mime_base64_line(&b, mac, n);
	return dg_buf_detach(&b);   /* no cap: never NULL */
}

char *dg_chat_sign_feishu(int64_t timestamp, const char *secret)
{
	dg_buf key = DG_BUF_INIT;
	char *s;

	(void)dg_buf_printf(&key, "%lld\n%s", (long long)timestamp, secret);
	s = hmac_b64(key.ptr, key.len, "", 0);
	dg_buf_free(&key);
	return s;
}

char *dg_chat_sign_dingtalk(int64_t timestamp_ms, const char *secret)
{
	dg_buf msg = DG_BUF_INIT;
	char *s;

	(void)dg_buf_printf(&msg, "%lld\n%s", (long long)timestamp_ms, secret);
	s = hmac_b64(secret, strlen(secret), msg.ptr, msg.len);
	dg_buf_free(&msg);
	return s;
}

/* At most `max` bytes of whole characters, "..." (U+2026) ending one that was cut. */
static char *cut(const char *s, size_t max)
{
	dg_buf b = DG_BUF_INIT;
	size_t len = strlen(s ? s : ""), n = 0;

	if (len <= max)
		return dg_strdup(s ? s : "");
	while (n < len) {
		uint32_t cp;
		size_t k = dg_text_utf8_next((const unsigned char *)s + n, len - n, &cp);
		if (n + k + 3 > max)
			break;
		n += k;
	}
	(void)dg_buf_put(&b, s, n);
	(void)dg_buf_puts(&b, "\xe2\x80\xa6");
	return dg_buf_detach(&b);   /* no cap: never NULL */
}

/* Markdown's special characters of the chats (lark_md, DingTalk, WeCom)
 * escaped with a backslash; line breaks kept. */
static void md_text(dg_buf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]()<>#~|", *s))
			(void)dg_buf_putc(b, '\\');
		(void)dg_buf_putc(b, *s);
	}
}

/* Slack's mrkdwn: & < > as entities, nothing else. */
static void slack_text(dg_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			(void)dg_buf_puts(b, "&amp;");
		else if (*s == '<')
			(void)dg_buf_puts(b, "&lt;");
		else if (*s == '>')
			(void)dg_buf_puts(b, "&gt;");
		else
			(void)dg_buf_putc(b, *s);
	}
}

/* The card as Markdown: title (bold unless the platform shows it apart),
 * lead, facts, link or note. */
static char *markdown(const dg_card *c, int with_title, size_t max)
{
	dg_buf b = DG_BUF_INIT;
	char *out;

	if (with_title) {
		(void)dg_buf_puts(&b, "**");
		md_text(&b, c->title);
		(void)dg_buf_puts(&b, "**\n\n");
	}
	if (c->lead && *c->lead) {
		char *l = cut(c->lead, max / 2);
		md_text(&b, l);
		(void)dg_buf_puts(&b, "\n\n");
		free(l);
	}
	for (size_t i = 0; i < c->n_facts; i++) {
		(void)dg_buf_puts(&b, "- ");
		md_text(&b, c->facts[i]);
		(void)dg_buf_putc(&b, '\n');
	}
	if (c->link) {
		(void)dg_buf_puts(&b, "\n[");
		md_text(&b, c->link_text);
		(void)dg_buf_printf(&b, "](%s)", c->link);
	} else if (c->note) {
		(void)dg_buf_putc(&b, '\n');
		md_text(&b, c->note);
	}
	out = dg_buf_detach(&b);   /* no cap: never NULL */
	if (strlen(out) > max) {
		char *o2 = cut(out, max);
		free(out);
		out = o2;
	}
	return out;
}

static json_t *feishu_card(const dg_card *c)
{
	char *md = markdown(c, 0, 20000), *title = cut(c->title, 200);
	json_t *elements = json_array();

	json_array_append_new(elements, json_pack("{s:s, s:{s:s, s:s}}", "tag", "div", "text", "tag", "lark_md",
						  "content", md));
	if (c->link)
		json_array_append_new(elements, json_pack("{s:s, s:[{s:s, s:{s:s, s:s}, s:s, s:s}]}", "tag", "action",
							  "actions", "tag", "button", "text", "tag", "plain_text",
							  "content", c->link_text, "url", c->link, "type", "primary"));
	json_t *card = json_pack("{s:{s:b}, s:{s:{s:s, s:s}, s:s}, s:o}", "config", "wide_screen_mode", 1,
				 "header", "title", "tag", "plain_text", "content", title, "template", "blue",
				 "elements", elements);
	free(md);
	free(title);
	return card;
}

char *dg_chat_body(dg_chat_type t, const dg_card *c, const char *secret, int64_t now)
{
	json_t *body = NULL;
	char *md, *s;

	switch (t) {
	case DG_CHAT_FEISHU:
		body = json_pack("{s:s, s:o}", "msg_type", "interactive", "card", feishu_card(c));
		if (secret) {
			char ts[24], *sign = dg_chat_sign_feishu(now, secret);
			snprintf(ts, sizeof(ts), "%lld", (long long)now);
			json_object_set_new(body, "timestamp", json_string(ts));
			json_object_set_new(body, "sign", json_string(sign));
			free(sign);
		}
		break;
	case DG_CHAT_DINGTALK:
		md = markdown(c, 1, 18000);
		s = cut(c->title, 200);
		body = json_pack("{s:s, s:{s:s, s:s}}", "msgtype", "markdown", "markdown", "title", s, "text", md);
		free(md);
		free(s);
		break;
	case DG_CHAT_WECOM:
		/* the content is at most 4096 bytes of UTF-8 */
		md = markdown(c, 1, 4096);
		body = json_pack("{s:s, s:{s:s}}", "msgtype", "markdown", "markdown", "content", md);
		free(md);
		break;
	case DG_CHAT_SLACK: {
		dg_buf text = DG_BUF_INIT;
		json_t *blocks = json_array();
		char *title = cut(c->title, 150), *l = cut(c->lead ? c->lead : "", 2000);
		json_array_append_new(blocks, json_pack("{s:s, s:{s:s, s:s}}", "type", "header", "text", "type",
							"plain_text", "text", title));
		if (*l) {
			slack_text(&text, l);
			json_array_append_new(blocks, json_pack("{s:s, s:{s:s, s:s}}", "type", "section", "text", "type",
								"mrkdwn", "text", dg_buf_cstr(&text)));
		}
		dg_buf_clear(&text);
		for (size_t i = 0; i < c->n_facts; i++) {
			(void)dg_buf_puts(&text, "\xe2\x80\xa2 ");
			slack_text(&text, c->facts[i]);
			(void)dg_buf_putc(&text, '\n');
		}
		if (c->link) {
			(void)dg_buf_printf(&text, "<%s|", c->link);
			slack_text(&text, c->link_text);
			(void)dg_buf_putc(&text, '>');
		} else if (c->note) {
			slack_text(&text, c->note);
		}
		if (text.len) {
			char *t2 = cut(dg_buf_cstr(&text), 2900);
			json_array_append_new(blocks, json_pack("{s:s, s:{s:s, s:s}}", "type", "section", "text", "type",
								"mrkdwn", "text", t2));
			free(t2);
		}
		body = json_pack("{s:s, s:o}", "text", title, "blocks", blocks);
		dg_buf_free(&text);
		free(title);
		free(l);
		break;
	}
	case DG_CHAT_DISCORD: {
		char *title = cut(c->title, 256), *l = cut(c->lead ? c->lead : "", 3500);
		dg_buf facts = DG_BUF_INIT;
		json_t *embed;
		for (size_t i = 0; i < c->n_facts; i++)
			(void)dg_buf_printf(&facts, "%s%s", i ? "\n" : "", c->facts[i]);
		embed = json_pack("{s:s, s:s}", "title", title, "description", *l ? l : (c->note ? c->note : title));
		if (c->link)
			json_object_set_new(embed, "url", json_string(c->link));
		if (facts.len) {
			char *f = cut(dg_buf_cstr(&facts), 1024);
			json_object_set_new(embed, "fields", json_pack("[{s:s, s:s, s:b}]", "name", "#", "value", f,
								      "inline", 0));
			free(f);
		}
		body = json_pack("{s:[o], s:{s:[]}}", "embeds", embed, "allowed_mentions", "parse");
		dg_buf_free(&facts);
		free(title);
		free(l);
		break;
	}
	}
	s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	return s;
}

char *dg_chat_url(dg_chat_type t, const char *url, const char *secret, int64_t now_ms)
{
	dg_buf b = DG_BUF_INIT;
	char *sign;

	(void)dg_buf_puts(&b, url);
	if (t == DG_CHAT_DINGTALK && secret) {
		sign = dg_chat_sign_dingtalk(now_ms, secret);
		(void)dg_buf_printf(&b, "%stimestamp=%lld&sign=", strchr(url, '?') ? "&" : "?", (long long)now_ms);
		(void)dg_str_percent_encode(&b, sign, strlen(sign), DG_STR_PCT_UNRESERVED, NULL);
		free(sign);
	}
	return dg_buf_detach(&b);   /* no cap: never NULL */
}

/* Server text in a message: one line, at most 200 bytes (the handler escapes it). */
static char *server_words(const char *s)
{
	dg_buf b = DG_BUF_INIT;

	for (; s && *s && b.len < 200; s++)
		(void)dg_buf_putc(&b, *s == '\n' || *s == '\r' ? ' ' : *s);
	return dg_buf_detach(&b);   /* no cap: never NULL */
}

/* A platform that answers JSON with a numeric code (0: sent): 0, or an
 * error naming the HTTP status, the code (as the platform names it: errcode,
 * or code for Feishu's code and StatusCode) and its words (`msg_key`, into
 * *words: caller frees). */
static int coded_answer(const char *who, long status, json_t *j, const char *code_key, const char *msg_key,
			char **words)
{
	json_t *code = json_object_get(j, code_key);
	const char *name = strcmp(code_key, "StatusCode") ? code_key : "code";

	if (status == 200 && json_is_integer(code) && json_integer_value(code) == 0)
		return 0;
	*words = server_words(json_string_value(json_object_get(j, msg_key)));
	return json_is_integer(code)
		? dg_err_set(DG_ERR_FAIL, "%s: HTTP %ld, %s %lld: %s", who, status, name,
			     (long long)json_integer_value(code), *words)
		: dg_err_set(DG_ERR_FAIL, "%s: HTTP %ld, no %s in the answer", who, status, name);
}

int dg_chat_judge(dg_chat_type t, const char *who, long status, const char *body)
{
	json_t *j = body && *body ? json_loads(body, 0, NULL) : NULL;
	char *words = NULL;
	int err = 0;

	switch (t) {
	case DG_CHAT_FEISHU:
		err = coded_answer(who, status, j, json_object_get(j, "code") ? "code" : "StatusCode", "msg", &words);
		break;
	case DG_CHAT_DINGTALK:
	case DG_CHAT_WECOM:
		err = coded_answer(who, status, j, "errcode", "errmsg", &words);
		break;
	case DG_CHAT_SLACK:
		if (status == 200 && body && !strcmp(body, "ok"))
			break;
		words = server_words(body);
		err = dg_err_set(DG_ERR_FAIL, "%s: HTTP %ld: %s", who, status, *words ? words : "(no text)");
		break;
	case DG_CHAT_DISCORD:
		if (status == 204 || status == 200)
			break;
		words = server_words(json_string_value(json_object_get(j, "message")));
		err = dg_err_set(DG_ERR_FAIL, "%s: HTTP %ld%s%s%s", who, status, *words ? ": " : "", words,
				 json_is_integer(json_object_get(j, "code")) ? " (a Discord error code)" : "");
		break;
	}
	free(words);
	json_decref(j);
	return err;
}

typedef struct answer {
	dg_buf body;
	long retry_after_ms;     /* from the header; -1 none */
} answer;

static size_t body_cb(char *p, size_t size, size_t n, void *ud)
{
	answer *a = ud;

	return dg_buf_put(&a->body, p, size * n) < 0 ? 0 : size * n;
}

static size_t header_cb(char *p, size_t size, size_t n, void *ud)
{
	answer *a = ud;
	size_t len = size * n;

	if (len > 12 && dg_str_starts_ci(p, len, "retry-after:")) {
		char *end;
		double v = strtod(p + 12, &end);
		if (end != p + 12 && v >= 0)
			a->retry_after_ms = (long)(v * 1000);
	}
	return len;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0)
		;
}

int dg_chat_send(const dg_chat_send_opts *o, const dg_card *card)
{
	int attempts = o->attempts > 0 ? o->attempts : 4, max_wait = o->max_wait > 0 ? o->max_wait : 60;
	int err = 0;

	for (int attempt = 1;; attempt++) {
		int64_t now = (int64_t)time(NULL);
		char *body = dg_chat_body(o->type, card, o->secret, now);
		char *url = dg_chat_url(o->type, o->url, o->secret, now * 1000);
		char errbuf[CURL_ERROR_SIZE] = "";
		answer a = {DG_BUF_INIT, -1};
		struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
		CURL *e = curl_easy_init();
		long status = 0, wait_ms = -1;
		CURLcode rc = CURLE_FAILED_INIT;

		dg_buf_init(&a.body, 1 << 20);
		if (e) {
			curl_easy_setopt(e, CURLOPT_URL, url);
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
			curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdr);
			curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, body_cb);
			curl_easy_setopt(e, CURLOPT_WRITEDATA, &a);
			curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
			curl_easy_setopt(e, CURLOPT_HEADERDATA, &a);
			curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
			curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
			curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)(o->timeout > 0 ? o->timeout : 30));
			curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
			curl_easy_setopt(e, CURLOPT_USERAGENT, "digest");
			rc = curl_easy_perform(e);
			curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
			curl_easy_cleanup(e);
		}
		curl_slist_free_all(hdr);
		free(url);
		free(body);
		if (o->verbose)
			dg_msg(DG_MSG_VERBOSE, "POST %s -> %ld%s", o->who, status, rc != CURLE_OK ? " (transport error)" : "");
		if (rc != CURLE_OK) {
			/* errbuf can name the URL: only the class of failure is said */
			err = dg_err_set(DG_ERR_FAIL, "%s: %s", o->who, curl_easy_strerror(rc));
			wait_ms = 1000L * attempt;
		} else if (status == 429) {
			json_t *j = json_loads(dg_buf_cstr(&a.body), 0, NULL);
			json_t *ra = json_object_get(j, "retry_after");
			wait_ms = a.retry_after_ms >= 0 ? a.retry_after_ms : 1000;
			if (json_is_number(ra))
				wait_ms = (long)(json_number_value(ra) * 1000);
			json_decref(j);
			err = dg_err_set(DG_ERR_FAIL, "%s: HTTP 429: rate limited", o->who);
		} else if (status >= 500) {
			err = dg_err_set(DG_ERR_FAIL, "%s: HTTP %ld", o->who, status);
			wait_ms = 1000L * attempt;
		} else {
			err = dg_chat_judge(o->type, o->who, status, dg_buf_cstr(&a.body));
		}
		dg_buf_free(&a.body);
		if (wait_ms < 0 || attempt >= attempts)
			return err;
		if (wait_ms > max_wait * 1000L)
			return dg_err_set(DG_ERR_FAIL, "%s: asked to wait %ld s, more than %d s", o->who, wait_ms / 1000,
					  max_wait);
		if (o->verbose)
			dg_msg(DG_MSG_VERBOSE, "%s: waiting %.1f s before trying again", o->who, wait_ms / 1000.0);
		sleep_ms(wait_ms);
	}
}
