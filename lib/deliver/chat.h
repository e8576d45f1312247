/* chat.h - an issue announced as a short card in a team's chat, through
 * the incoming webhooks of Feishu (interactive card, signed), DingTalk
 * (markdown, signed in the query), WeCom group bots (markdown), Slack
 * (blocks) and Discord (an embed), each in its documented format.
 *
 * The webhook URL carries the token and is a secret, as the signing secret
 * is: no message names them (the platform and the variable instead). A 429
 * is waited out as the answer says (Retry-After, Discord's retry_after),
 * a 5xx or a transport error tried again, both bounded. */
#ifndef DG_CHAT_H
#define DG_CHAT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef enum dg_chat_type { DG_CHAT_FEISHU, DG_CHAT_DINGTALK, DG_CHAT_WECOM, DG_CHAT_SLACK, DG_CHAT_DISCORD } dg_chat_type;

/* "feishu" ... "discord"; -1 when unknown. */
int dg_chat_type_parse(const char *name);
const char *dg_chat_type_name(dg_chat_type t);

/* What a card shows; borrowed. */
typedef struct dg_card {
	const char *title;
	const char *lead;        /* plain text; "" for none */
	const char *const *facts;/* the counts, one short line each */
	size_t n_facts;
	const char *link;        /* the issue on the site; NULL: none */
	const char *link_text;   /* the button's words */
	const char *note;        /* a line shown when there is no link (the WeChat draft); NULL: none */
} dg_card;

/* The platform's request body (JSON text; caller frees), signed where the
 * platform wants it in the body (Feishu: `timestamp` seconds and `sign`).
 * `secret` NULL: unsigned. Never fails: out of memory aborts. */
char *dg_chat_body(dg_chat_type t, const dg_card *card, const char *secret, int64_t now);

/* The URL to post to: `url` with DingTalk's timestamp (milliseconds) and
 * sign in the query when `secret` is given; caller frees. */
char *dg_chat_url(dg_chat_type t, const char *url, const char *secret, int64_t now_ms);

/* The signatures (base64 of HMAC-SHA256), caller frees:
 * Feishu: key timestamp "\n" secret, empty message;
 * DingTalk: key secret, message timestamp_ms "\n" secret (not URL-encoded). */
char *dg_chat_sign_feishu(int64_t timestamp, const char *secret);
char *dg_chat_sign_dingtalk(int64_t timestamp_ms, const char *secret);

/* 0 when the answer (`status`, `body`) is the platform's success, else
 * DG_ERR_FAIL with the platform's words: "feishu (VAR): code 19021: ..." */
int dg_chat_judge(dg_chat_type t, const char *who, long status, const char *body);

typedef struct dg_chat_send_opts {
	dg_chat_type type;
	const char *url;         /* the webhook (a secret) */
	const char *secret;      /* the signing secret; NULL: none */
	const char *who;         /* how messages name it: "slack (SLACK_WEBHOOK_URL)" */
	int attempts;            /* 0 = 4 */
	int max_wait;            /* seconds one wait may take (a 429's); 0 = 60 */
	int timeout;             /* seconds per request; 0 = 30 */
	int verbose;
} dg_chat_send_opts;

/* Post the card; 0, or DG_ERR_FAIL naming the platform and what it said. */
int dg_chat_send(const dg_chat_send_opts *o, const dg_card *card);

#endif
