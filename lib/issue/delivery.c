/* delivery.c - the issue beyond the files and the WeChat draft: the email
 * edition, the Atom feed of past issues and the chat cards (lib/deliver/),
 * each delivery recorded per issue and channel so a re-run sends nothing
 * twice (issue/delivery.h). */
#include "issue/delivery.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/mustache.h"
#include "base/output.h"
#include "base/progress.h"
#include "base/str.h"
#include "deliver/atom.h"
#include "deliver/chat.h"
#include "deliver/email.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Entries a feed holds: this issue and the 19 recorded before it. */
#define FEED_ENTRIES 20

int dg_delivery_channels(const char *list, unsigned *mask)
{
	static const char *const names[] = {"wechat", "email", "notify"};  /* bit i */
	const char *bad;
	int n;

	if (dg_str_name_bits(list, names, sizeof(names) / sizeof(names[0]), mask, &bad, &n) < 0)
		return dg_err_set(DG_ERR_CONFIG, "--publish: unknown channel '%.*s' (expected wechat, email, "
				  "notify, or a list of them such as wechat,email)", n, bad);
	return *mask ? 0 : dg_err_set(DG_ERR_CONFIG, "--publish: expected wechat, email, notify or a list of them");
}

/* The value of the variable `name`: NULL when unset or empty. */
static const char *env_value(const char *name)
{
	const char *v = name && *name ? getenv(name) : NULL;

	return v && *v ? v : NULL;
}

static int need_env(const char *key, const char *name, const char *what)
{
	if (!env_value(name))
		return dg_err_set(DG_ERR_CONFIG, "%s: the variable %s (%s) is not set", key, name, what);
	return 0;
}

int dg_delivery_preflight(const dg_config *cfg, unsigned channels, dg_http *http)
{
	const char *file = cfg->path ? cfg->path : "config";
	int err;

	if (channels & DG_CHANNEL_EMAIL) {
		if (!cfg->email_smtp_url || !cfg->email_from || !cfg->email_to.n)
			return dg_err_set(DG_ERR_CONFIG, "%s: --publish email needs [email] smtp_url, from and to", file);
		if (cfg->email_user_env && (err = need_env("email.user_env", cfg->email_user_env, "the SMTP user")) < 0)
			return err;
		if (cfg->email_password_env) {
			if ((err = need_env("email.password_env", cfg->email_password_env, "the SMTP password")) < 0)
				return err;
			dg_http_add_secret(http, env_value(cfg->email_password_env));
		}
	}
	if (channels & DG_CHANNEL_NOTIFY) {
		if (!cfg->n_notify)
			return dg_err_set(DG_ERR_CONFIG, "%s: --publish notify needs at least one [[notify]] table", file);
		for (size_t i = 0; i < cfg->n_notify; i++) {
			const dg_notify *n = &cfg->notify[i];
			const char *url;
			if ((err = need_env("notify.url_env", n->url_env, "a webhook URL")) < 0)
				return err;
			url = env_value(n->url_env);
			if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7))
				return dg_err_set(DG_ERR_CONFIG, "notify.url_env: the variable %s does not hold an http(s) URL",
						  n->url_env);
			dg_http_add_secret(http, url);
			if (n->secret_env) {
				if ((err = need_env("notify.secret_env", n->secret_env, "a signing secret")) < 0)
					return err;
				dg_http_add_secret(http, env_value(n->secret_env));
			}
		}
	}
	return 0;
}

/* ---- the email edition ---- */

/* OUT/<rel> among the files the run writes: file i, or -1. */
/* The largest image read into an email (a poster is at most ~900 x 4010 px). */
#define MAX_MAIL_IMAGE (16u << 20)

/* The images an email holds, read back from the file set (each file is
 * written to its temporary as it is added, or left as the target holds
 * the same bytes); freed once the message is built. */
typedef struct mail_images {
	dg_issue *is;
	char **data;
	size_t n;
} mail_images;

static int read_image(mail_images *mi, const char *rel, const char **data, size_t *len)
{
	const char *slash = strrchr(rel, '/');
	dg_buf dir = DG_BUF_INIT;   /* uncapped: cannot fail */
	char *bytes = NULL;
	int got;

	dg_buf_puts(&dir, mi->is->run->out_dir);
	if (slash)
		dg_buf_printf(&dir, "/%.*s", (int)(slash - rel), rel);
	got = dg_fileset_read(mi->is->files, dg_buf_cstr(&dir), slash ? slash + 1 : rel, MAX_MAIL_IMAGE, &bytes, len);
	dg_buf_free(&dir);
	if (got != 1) {
		dg_err_clear();
		return 0;
	}
	mi->data = dg_realloc(mi->data, (mi->n + 1) * sizeof(*mi->data));
	mi->data[mi->n++] = bytes;
	*data = bytes;
	return 1;
}

/* A src of the article that is one of the issue's files: relative, or
 * under digest.site_url (where the fragment shows them then). */
static int image_in_files(void *ud, const char *src, const char **data, size_t *len)
{
	mail_images *mi = ud;
	const char *site = mi->is->run->cfg->site_url;
	size_t n = site ? strlen(site) : 0;

	while (n && site[n - 1] == '/')
		n--;
	if (n && !strncmp(src, site, n) && src[n] == '/')
		src += n + 1;
	if (!*src || *src == '/' || strchr(src, ':') || strstr(src, ".."))
		return 0;
	return read_image(mi, src, data, len);
}

static int append_raw(dg_buf *out, const char *s, size_t len)
{
	return dg_buf_put(out, s, len);
}

/* email.subject over the model (Mustache), else the issue's title. */
static int subject(const dg_issue *is, char **out)
{
	const char *tmpl = is->run->cfg->email_subject;
	dg_mustache_opts o = {append_raw, NULL, NULL, "email.subject"};
	dg_buf b = DG_BUF_INIT;
	int err;

	if (!tmpl) {
		*out = dg_strdup(dg_json_str(is->model, "title"));
		return 0;
	}
	if ((err = dg_mustache_render(tmpl, strlen(tmpl), is->model, &o, &b)) < 0) {
		dg_buf_free(&b);
		return err;
	}
	return dg_buf_finish(&b, out);
}

int dg_delivery_email_build(dg_issue *is, const char *md, const char *fragment)
{
	const dg_run *run = is->run;
	const dg_config *cfg = run->cfg;
	dg_mail_extra *extras = NULL;
	mail_images mi = {is, NULL, 0};
	size_t n_extras = 0, i;
	dg_buf name = DG_BUF_INIT, id = DG_BUF_INIT;
	const char *data;
	size_t len;
	char *subj = NULL;
	json_t *p;
	int err;

	if (!cfg->email_from)
		return dg_err_set(DG_ERR_CONFIG, "%s: the email edition (--format eml, --publish email) needs [email] from",
				  cfg->path ? cfg->path : "config");
	if ((err = subject(is, &subj)) < 0)
		return err;
	/* the poster and the certificates drawn, after the article when it does
	 * not show them itself */
	(void)dg_buf_printf(&name, "%s-%s.poster.png", is->kind->name, run->win->label);
	if (!strstr(fragment ? fragment : "", dg_buf_cstr(&name)) && read_image(&mi, dg_buf_cstr(&name), &data, &len)) {
		extras = dg_realloc(extras, (n_extras + 1) * sizeof(*extras));
		extras[n_extras++] = (dg_mail_extra){dg_buf_cstr(&name), "", data, len};
	}
	json_array_foreach(json_object_get(is->model, "new_contributors"), i, p) {
		const char *png = dg_json_str(p, "certificate_png");
		if (!json_is_true(json_object_get(p, "certificate_generated")) || !*png ||
		    strstr(fragment ? fragment : "", png) || !read_image(&mi, png, &data, &len))
			continue;
		extras = dg_realloc(extras, (n_extras + 1) * sizeof(*extras));
		extras[n_extras++] = (dg_mail_extra){png, dg_json_str(p, "login"), data, len};
	}
	(void)dg_buf_printf(&id, "%s.%s", is->series, run->win->label);
	{
		dg_mail_in in = {cfg->email_from, (const char *const *)cfg->email_to.v, cfg->email_to.n, subj,
				 dg_json_str(is->model, "title"), md, fragment, image_in_files, &mi, extras, n_extras,
				 cfg->site_url, dg_buf_cstr(&id), (int64_t)time(NULL)};
		err = dg_mail_build(&in, &is->email, &is->email_len);
	}
	for (i = 0; i < mi.n; i++)
		free(mi.data[i]);
	free(mi.data);
	free(extras);
	free(subj);
	dg_buf_free(&name);
	dg_buf_free(&id);
	return err;
}

/* ---- the feed ---- */

/* The issue's lead as plain text: the model's summary (the lead sentence),
 * else its intro, else the front matter's description. */
static const char *lead_of(json_t *model)
{
	const char *s = dg_json_str(model, "summary");

	if (!*s)
		s = dg_json_str(model, "intro");
	if (!*s)
		s = dg_json_str(json_object_get(model, "front_matter"), "description");
	return s;
}

/* site_url + the issue's page; without site_url the page's name, relative
 * to the feed beside it. */
static char *issue_link(const dg_issue *is)
{
	dg_buf page = DG_BUF_INIT;
	char *link;

	(void)dg_buf_printf(&page, "%s-%s.html", is->kind->name, is->run->win->label);
	link = is->run->cfg->site_url ? dg_atom_join(is->run->cfg->site_url, dg_buf_cstr(&page)) : dg_buf_detach(&page);
	dg_buf_free(&page);
	return link;
}

/* Where the feed's ids are minted: site_url, else the community's GitHub
 * page (https://github.com/ORG); *scope the kind, with the owner before it
 * when there is no site ("ORG/community"). Both caller-free. */
static void feed_home(const dg_issue *is, char **home, char **scope)
{
	const dg_config *cfg = is->run->cfg;
	const char *owner = cfg->orgs.n ? cfg->orgs.v[0] : cfg->repos.n ? cfg->repos.v[0] : "digest";
	dg_buf b = DG_BUF_INIT;

	if (cfg->site_url) {
		*home = dg_strdup(cfg->site_url);
		*scope = dg_strdup(is->kind->name);
		return;
	}
	(void)dg_buf_printf(&b, "https://github.com/%.*s", (int)strcspn(owner, "/"), owner);
	*home = dg_buf_detach(&b);
	(void)dg_buf_printf(&b, "%.*s/%s", (int)strcspn(owner, "/"), owner, is->kind->name);
	*scope = dg_buf_detach(&b);
}

static const char *feed_title(const dg_issue *is)
{
	const char *s = dg_json_str(is->model, "series");

	if (!*s && is->run->cfg->community_title && !strcmp(is->kind->name, "community"))
		s = is->run->cfg->community_title;
	if (!*s && is->run->cfg->community)
		s = is->run->cfg->community;
	return *s ? s : is->kind->name;
}

static int newest_first(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "since"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "since"));

	return x < y ? 1 : x > y ? -1 : 0;
}

int dg_delivery_feed(dg_issue *is, const char *fragment)
{
	const dg_run *run = is->run;
	char *tag, *link, *self, *feed_id, *home = NULL, *scope = NULL, *xml = NULL, **rows = NULL;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t n = 0;
	json_t *entries, *entry;
	dg_buf name = DG_BUF_INIT;
	int err;

	if (run->draft || run->win->in_progress)
		return 0;
	feed_home(is, &home, &scope);
	tag = dg_atom_tag(home, run->win->since, scope, run->win->label);
	(void)dg_buf_printf(&name, "%s.atom.xml", is->kind->name);
	/* The feed's id: its own URL under the site, else the community's page
	 * with the feed's name (an absolute IRI, stable across runs). */
	feed_id = dg_atom_join(home, dg_buf_cstr(&name));
	err = tag ? 0 : dg_err_set(DG_ERR_CONFIG, "digest.site_url '%s': expected a URL with a host", home);
	free(home);
	free(scope);
	if (err < 0) {
		free(feed_id);
		dg_buf_free(&name);
		return err;
	}
	/* An entry is dated by its period's end, not by the run: the same
	 * period gives the same feed (deterministic files; the id says which
	 * entry a re-run replaced). */
	{
		time_t end = (time_t)run->win->until;
		gmtime_r(&end, &tm);
	}
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	link = issue_link(is);
	entry = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:I}", "id", tag, "title",
			  dg_json_str(is->model, "title"), "updated", stamp, "link", link, "summary", lead_of(is->model),
			  "html", fragment ? fragment : "", "author", run->cfg->author, "since", (json_int_t)run->win->since);
	free(tag);
	free(link);
	if (!entry) {
		free(feed_id);
		dg_buf_free(&name);
		return dg_err_set(DG_ERR_FAIL, "the feed entry of %s %s: a field is not valid UTF-8", is->kind->name,
				  run->win->label);
	}
	is->feed_entry = json_dumps(entry, JSON_COMPACT);
	entries = json_array();
	json_array_append_new(entries, entry);
	if ((err = dg_store_feed_list(run->store, is->kind->name, is->series, run->win->label, FEED_ENTRIES - 1, &rows,
				      &n)) < 0) {
		json_decref(entries);
		free(feed_id);
		dg_buf_free(&name);
		return err;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_loads(rows[i], 0, NULL);
		if (e)
			json_array_append_new(entries, e);
		free(rows[i]);
	}
	free(rows);
	dg_json_sort(entries, newest_first);
	self = run->cfg->site_url ? dg_strdup(feed_id) : dg_strdup(dg_buf_cstr(&name));
	err = dg_atom_build(feed_id, run->cfg->site_url, self, feed_title(is), entries, (int64_t)now, &xml);
	if (!err)
		(void)dg_fileset_add(is->files, run->out_dir, dg_buf_cstr(&name), xml, strlen(xml), 1);
	free(self);
	free(feed_id);
	dg_buf_free(&name);
	json_decref(entries);
	return err;
}

int dg_delivery_record(dg_issue *is)
{
	if (!is->feed_entry)
		return 0;
	return dg_store_feed_put(is->run->store, is->kind->name, is->series, is->run->win->label, is->run->win->since,
				 is->feed_entry);
}

/* ---- sending ---- */

static int record_delivery(dg_issue *is, const char *channel, const char *detail)
{
	dg_store *store = is->run->store;
	int err;

	if ((err = dg_store_begin(store)) < 0)
		return err;
	if ((err = dg_store_delivery_put(store, is->series, is->run->win->label, channel, detail)) < 0 ||
	    (err = dg_store_commit(store)) < 0)
		dg_store_rollback(store);
	return err;
}

/* 1 when `channel` was delivered already and is not to be sent again. */
static int delivered(dg_issue *is, dg_issue_result *res, const char *channel, const char *what)
{
	int got = dg_store_delivery_get(is->run->store, is->series, is->run->win->label, channel);

	if (got != 1 || is->run->resend)
		return 0;
	dg_json_appendf(res->published, "%s: already sent for %s %s (--resend sends it again)", what, is->kind->name,
			is->run->win->label);
	return 1;
}

static void failed_line(dg_buf *failed, const char *what)
{
	(void)dg_buf_printf(failed, "%s%s", failed->len ? "; " : "", what);
}

static int send_email(dg_issue *is, dg_issue_result *res, dg_buf *failed)
{
	const dg_config *cfg = is->run->cfg;
	dg_mail_send_opts o = {cfg->email_smtp_url, cfg->email_from, (const char *const *)cfg->email_to.v,
			       cfg->email_to.n, env_value(cfg->email_user_env), env_value(cfg->email_password_env),
			       0, dg_http_verbose(is->run->http)};
	int err;

	if (delivered(is, res, "email", "email"))
		return 0;
	if (!is->email)
		err = dg_err_set(DG_ERR_FAIL, "email: the %s issue has no email edition", is->kind->name);
	else
		err = dg_mail_send(&o, is->email, is->email_len);
	if (!err && (err = record_delivery(is, "email", "sent")) == 0)
		dg_json_appendf(res->published, "email sent: %s %s to %zu recipient%s", is->kind->name, is->run->win->label,
				cfg->email_to.n, cfg->email_to.n == 1 ? "" : "s");
	if (err < 0)
		failed_line(failed, dg_err_last());
	return err < 0;
}

static int send_cards(dg_issue *is, dg_issue_result *res, const char *wechat_title, dg_buf *failed)
{
	const dg_config *cfg = is->run->cfg;
	const dg_lang *lang = is->res->lang;
	const char *desc = dg_json_str(json_object_get(is->model, "front_matter"), "description");
	const char *lead = lead_of(is->model);
	const char *facts[1] = {desc};
	char *link = cfg->site_url ? issue_link(is) : NULL, *read = NULL, *note = NULL;
	int lerr = 0, nfailed = 0;

	read = dg_lang_say(lang, "deliver.read", json_pack("{s:s}", "title", dg_json_str(is->model, "title")), &lerr);
	if (!link && wechat_title)
		note = dg_lang_say(lang, "deliver.draft_note", json_pack("{s:s}", "title", wechat_title), &lerr);
	if (lerr < 0) {
		failed_line(failed, dg_err_last());
		free(link);
		free(read);
		free(note);
		return 1;
	}
	for (size_t i = 0; i < cfg->n_notify; i++) {
		const dg_notify *n = &cfg->notify[i];
		dg_card card = {dg_json_str(is->model, "title"), lead, facts, *desc && strcmp(desc, lead) ? 1 : 0,
				link, read, note};
		dg_buf channel = DG_BUF_INIT, who = DG_BUF_INIT;
		int type = dg_chat_type_parse(n->type), err;
		(void)dg_buf_printf(&channel, "notify:%s:%s", n->type, n->url_env);
		(void)dg_buf_printf(&who, "%s (%s)", n->type, n->url_env);
		if (!delivered(is, res, dg_buf_cstr(&channel), dg_buf_cstr(&who))) {
			dg_chat_send_opts o = {(dg_chat_type)type, env_value(n->url_env), env_value(n->secret_env),
					       dg_buf_cstr(&who), 0, 0, 0, dg_http_verbose(is->run->http)};
			err = type < 0 ? dg_err_set(DG_ERR_CONFIG, "notify.type '%s': unknown", n->type)
				       : dg_chat_send(&o, &card);
			if (!err && (err = record_delivery(is, dg_buf_cstr(&channel), "sent")) == 0)
				dg_json_appendf(res->published, "card sent: %s, %s %s", dg_buf_cstr(&who), is->kind->name,
						is->run->win->label);
			if (err < 0) {
				failed_line(failed, dg_err_last());
				nfailed++;
			}
		}
		dg_buf_free(&channel);
		dg_buf_free(&who);
	}
	free(link);
	free(read);
	free(note);
	return nfailed;
}

int dg_delivery_send(dg_issue *is, dg_issue_result *res, const char *wechat_title, dg_buf *failed)
{
	int nfailed = 0;

	if (is->run->draft || is->run->win->in_progress)
		return 0;
	if (is->run->channels & DG_CHANNEL_EMAIL) {
		dg_progress_phase("email");
		nfailed += send_email(is, res, failed);
	}
	if (is->run->channels & DG_CHANNEL_NOTIFY) {
		dg_progress_phase("notify");
		nfailed += send_cards(is, res, wechat_title, failed);
	}
	return nfailed;
}
