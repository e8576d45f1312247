/* delivery.h - an issue beyond its files: the email edition (--format eml,
 * --publish email), the Atom feed of past issues (OUT/<kind>.atom.xml with
 * every md or html edition) and the chat cards (--publish notify).
 *
 * Each delivery is recorded in the state store per issue (series and
 * period) and channel once it succeeded: a run sends nothing again unless
 * --resend. One channel failing does not stop the others. Secrets (the SMTP
 * password, webhook URLs, signing secrets) are read from the variables the
 * config names, registered with the HTTP client's scrubbing and never
 * printed, logged or stored. */
#ifndef DG_DELIVERY_H
#define DG_DELIVERY_H

#include "issue/pipeline.h"
#include "base/buf.h"

/* --publish's list ("wechat,email,notify") as DG_CHANNEL_* bits: 0, or
 * DG_ERR_CONFIG naming the unknown channel. */
int dg_delivery_channels(const char *list, unsigned *mask);

/* Before any request: what the channels need is configured and in the
 * environment (DG_ERR_CONFIG naming the key or variable), and the secrets
 * are given to `http`'s scrubbing. */
int dg_delivery_preflight(const dg_config *cfg, unsigned channels, dg_http *http);

/* The email edition of the issue into is->email (outputs stage): the
 * Markdown, the WeChat fragment and the images among is->files. */
int dg_delivery_email_build(dg_issue *is, const char *md, const char *fragment);

/* The issue's feed entry (is->feed_entry) and OUT/<kind>.atom.xml into
 * is->files: the entries recorded of the kind and this one, newest first.
 * Links under site_url, else relative to the feed (the issue's page beside
 * it) with ids minted under the community's GitHub page. Nothing for a
 * preview or an editor's file. */
int dg_delivery_feed(dg_issue *is, const char *fragment);

/* Inside the record transaction: the issue's feed entry into the store. */
int dg_delivery_record(dg_issue *is);

/* After the files and the record: the issue by email and to the chats the
 * run's channels name, skipping those delivered already (unless resend).
 * Lines for the user go to res->published; each failure appends one line
 * to `failed` ("email: ...") and the others go on. Returns how many failed. */
int dg_delivery_send(dg_issue *is, dg_issue_result *res, const char *wechat_title, dg_buf *failed);

#endif
