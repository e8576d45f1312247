#include "config/config.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define F(field) offsetof(dg_config, field)
#define S(n, f) {.name = n, .type = DG_SCHEMA_STRING, .offset = F(f)}
#define SV(n, f, check) {.name = n, .type = DG_SCHEMA_STRING, .offset = F(f), .valid = check}
#define PATH(n, f) {.name = n, .type = DG_SCHEMA_STRING, .offset = F(f), .store = store_path}
#define I(n, f, lo, hi) {.name = n, .type = DG_SCHEMA_INT, .offset = F(f), .min = lo, .max = hi}
#define B(n, f) {.name = n, .type = DG_SCHEMA_BOOL, .offset = F(f)}
#define V(n, f, check) {.name = n, .type = DG_SCHEMA_STRV, .offset = F(f), .valid = check}
#define M(n, f) {.name = n, .type = DG_SCHEMA_STRMAP, .offset = F(f)}
#define T(n, keys) {.name = n, .type = DG_SCHEMA_TABLE, .sub = &(const dg_schema_table){keys, NULL, NULL}}

static int store_path(const dg_schema_ctx *c, const dg_toml *v, void *slot);

static const char *valid_zone(const char *s)
{
	return dg_date_zone_exists(s) ? NULL : "an IANA zone name such as \"Asia/Shanghai\"";
}

static const char *valid_url(const char *s)
{
	return strncmp(s, "https://", 8) && strncmp(s, "http://", 7) ? "an http(s) URL" : NULL;
}

/* Where the output folder is served: the issue's own files (certificates,
 * the poster) are found under it, so the WeChat fragment can show them. */
static const char *valid_site(const char *s)
{
	size_t n = strlen(s);

	if (strncmp(s, "https://", 8) || n == 8 || strchr(s, '?') || strchr(s, '#') || strchr(s, ' '))
		return "an https URL of the folder the issues are published in, such as "
		       "\"https://kubesphere.io/weekly\"";
	return NULL;
}

static const char *valid_repo(const char *s)
{
	const char *slash = strchr(s, '/');

	if (slash && slash != s && slash[1] && !strchr(slash + 1, '/') && !strchr(s, ' '))
		return NULL;
	return "\"owner/name\"";
}

static const char *valid_org(const char *s)
{
	return !*s || strchr(s, '/') ? "organisation logins" : NULL;
}

static const char *valid_day(const char *s)
{
	int64_t day;

	return dg_date_parse_day(s, "UTC", &day) < 0 ? "YYYY-MM-DD" : NULL;
}

static const char *const languages[] = {"zh", "en", NULL};

/* The whole configuration surface. Keep config.example.toml in step. */
static const dg_schema_key digest_keys[] = {
	S("title", title),
	S("title_biweekly", title_biweekly),
	{.name = "language", .type = DG_SCHEMA_ENUM, .offset = F(language), .choices = languages},
	SV("timezone", timezone, valid_zone),
	PATH("output_dir", output_dir),
	PATH("state_dir", state_dir),
	PATH("templates_dir", templates_dir),
	S("theme", theme),
	S("author", author),
	S("intro", intro),
	S("footer", footer),
	S("cover_image", cover_image),
	S("community", community),
	S("tag", tag),
	PATH("edits_dir", edits_dir),
	M("links", links),
	S("qr_image", qr_image),
	SV("site_url", site_url, valid_site),
	I("timeout", timeout, 0, 604800),
	B("partial_note", partial_note),
	{0},
};

static const dg_schema_key github_keys[] = {
	SV("api_url", api_url, valid_url),
	S("token_env", token_env),
	V("orgs", orgs, valid_org),
	V("repos", repos, valid_repo),
	V("exclude_repos", exclude_repos, valid_repo),
	V("bots", bots, NULL),
	B("include_archived", include_archived),
	B("include_forks", include_forks),
	I("concurrency", concurrency, 1, 64),
	I("max_wait", max_wait, 0, 86400),
	{0},
};

static const dg_schema_key events_keys[] = {
	V("repos", event_repos, valid_repo),
	S("label", event_label),
	I("upcoming_days", upcoming_days, 0, 366),
	{0},
};

static const char *valid_nonempty(const char *s)
{
	return *s ? NULL : "a non-empty string";
}

#define P(field) offsetof(dg_product, field)
static const dg_schema_key product_keys[] = {
	{.name = "name", .type = DG_SCHEMA_STRING, .flags = DG_SCHEMA_REQUIRED, .offset = P(name),
	 .valid = valid_nonempty},
	{.name = "repos", .type = DG_SCHEMA_STRV, .flags = DG_SCHEMA_REQUIRED, .offset = P(repos),
	 .valid = valid_repo},
	{0},
};
static const dg_schema_table product_table = {product_keys, NULL, NULL};

/* Each [[report.products]] is one more dg_product at the end of the list
 * (the previous ones are filled in already, so moving them is safe). */
static int new_product(const dg_schema_ctx *ctx, const dg_toml *table, void *target, void **item)
{
	dg_config *c = target;
	dg_product *v = dg_realloc(c->products, (c->n_products + 1) * sizeof(*v));

	(void)ctx;
	(void)table;
	c->products = v;
	memset(&v[c->n_products], 0, sizeof(*v));
	*item = &v[c->n_products++];
	return 0;
}

static const dg_schema_key report_keys[] = {
	S("title", community_title),
	V("highlight_labels", highlight_labels, NULL),
	V("community_repos", community_repos, valid_repo),
	I("highlights_per_repo", highlights_per_repo, 1, 1000),
	I("highlights_max", highlights_max, 1, 10000),
	I("release_note_lines", release_note_lines, 0, 100),
	B("good_first_issues", good_first_issues),
	V("blog_feeds", blog_feeds, valid_url),
	SV("reference_date", report_reference_date, valid_day),
	I("reference_number", report_reference_number, 1, 1000000),
	{.name = "products", .type = DG_SCHEMA_TABLES, .sub = &product_table, .item = new_product},
	{0},
};

static const dg_schema_key cnweekly_keys[] = {
	S("title", cn_title),
	PATH("feeds", cn_feeds),
	PATH("picks_dir", cn_picks_dir),
	V("watch_repos", cn_watch_repos, valid_repo),
	B("include_prereleases", cn_include_prereleases),
	V("topics", cn_topics, NULL),
	I("min_stars", cn_min_stars, 0, 10000000),
	I("project_days", cn_project_days, 1, 3650),
	I("summary_length", cn_summary_length, 20, 2000),
	I("max_projects", cn_max_projects, 0, 50),
	I("max_articles", cn_max_articles, 0, 50),
	I("max_news", cn_max_news, 0, 50),
	/* numbering */
	I("period_weeks", cn_period_weeks, 1, 52),
	SV("reference_date", cn_reference_date, valid_day),
	I("reference_number", cn_reference_number, 1, 1000000),
	S("intro", cn_intro),
	S("footer", cn_footer),
	M("links", cn_links),
	{0},
};

static const dg_schema_key contributors_keys[] = {
	S("certificate_url", certificate_url),
	M("certificates", certificates),
	{0},
};

static const dg_schema_key images_keys[] = {
	SV("avatar_url", avatar_url, NULL),
	B("poster", images_poster),
	B("cover", images_cover),
	{0},
};

static const char *valid_ident(const char *s)
{
	if (!*s || strlen(s) > 64)
		return "a ClickHouse name (letters, digits and _)";
	for (const char *p = s; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return "a ClickHouse name (letters, digits and _)";
	return NULL;
}

static const dg_schema_key trends_keys[] = {
	I("weeks", trends_weeks, 0, 104),
	{0},
};

static const char *const history_engines[] = {"github", "clickhouse", NULL};

static const dg_schema_key history_keys[] = {
	{.name = "engine", .type = DG_SCHEMA_ENUM, .offset = F(history_engine), .choices = history_engines},
	SV("url", history_url, valid_url),
	S("user_env", history_user_env),
	S("password_env", history_password_env),
	SV("database", history_database, valid_ident),
	SV("table", history_table, valid_ident),
	{0},
};

static const dg_schema_key wechat_keys[] = {
	SV("api_url", wx_api_url, valid_url),
	S("appid_env", wx_appid_env),
	S("secret_env", wx_secret_env),
	S("author", wx_author),
	S("digest", wx_digest),
	PATH("cover", wx_cover),
	B("open_comment", wx_open_comment),
	SV("source_url", wx_source_url, valid_url),
	{0},
};

static const char *valid_smtp_url(const char *s)
{
	return strncmp(s, "smtp://", 7) && strncmp(s, "smtps://", 8) ? "an smtp:// or smtps:// URL" : NULL;
}

static const char *valid_mailbox(const char *s)
{
	const char *at = strchr(s, '@');

	return !at || at == s || !at[1] || strpbrk(s, "\r\n") || strchr(s, ',') ? "an address such as "
		"\"Name <news@example.org>\" or \"news@example.org\"" : NULL;
}

static const dg_schema_key email_keys[] = {
	SV("smtp_url", email_smtp_url, valid_smtp_url),
	SV("from", email_from, valid_mailbox),
	V("to", email_to, valid_mailbox),
	S("user_env", email_user_env),
	S("password_env", email_password_env),
	S("subject", email_subject),
	{0},
};

static const char *const notify_types[] = {"feishu", "dingtalk", "wecom", "slack", "discord", NULL};
#define N(field) offsetof(dg_notify, field)
static const dg_schema_key notify_keys[] = {
	{.name = "type", .type = DG_SCHEMA_ENUM, .flags = DG_SCHEMA_REQUIRED, .offset = N(type),
	 .choices = notify_types},
	{.name = "url_env", .type = DG_SCHEMA_STRING, .flags = DG_SCHEMA_REQUIRED, .offset = N(url_env),
	 .valid = valid_nonempty},
	{.name = "secret_env", .type = DG_SCHEMA_STRING, .offset = N(secret_env), .valid = valid_nonempty},
	{0},
};
static const dg_schema_table notify_table = {notify_keys, NULL, NULL};

static int new_notify(const dg_schema_ctx *ctx, const dg_toml *table, void *target, void **item)
{
	dg_config *c = target;
	dg_notify *v = dg_realloc(c->notify, (c->n_notify + 1) * sizeof(*v));

	(void)ctx;
	(void)table;
	c->notify = v;
	memset(&v[c->n_notify], 0, sizeof(*v));
	*item = &v[c->n_notify++];
	return 0;
}

static const char *const writer_uses[] = {"draft", "issue", NULL};

/* [writer]'s presence turns the writer on (its api_url and model are required). */
static int writer_check(const dg_schema_ctx *c, const dg_toml *table, void *target)
{
	(void)c;
	(void)table;
	((dg_config *)target)->wr_on = 1;
	return 0;
}

static const dg_schema_key writer_keys[] = {
	{.name = "api_url", .type = DG_SCHEMA_STRING, .flags = DG_SCHEMA_REQUIRED, .offset = F(wr_api_url),
	 .valid = valid_url},
	{.name = "model", .type = DG_SCHEMA_STRING, .flags = DG_SCHEMA_REQUIRED, .offset = F(wr_model)},
	S("key_env", wr_key_env),
	{.name = "use", .type = DG_SCHEMA_ENUM, .offset = F(wr_use), .choices = writer_uses},
	S("note", wr_note),
	I("batch", wr_batch, 1, 100),
	I("max_requests", wr_max_requests, 0, 10000),
	{0},
};

static const dg_schema_key root_keys[] = {
	T("digest", digest_keys),
	T("github", github_keys),
	T("events", events_keys),
	T("report", report_keys),
	T("cnweekly", cnweekly_keys),
	T("contributors", contributors_keys),
	T("images", images_keys),
	T("wechat", wechat_keys),
	T("trends", trends_keys),
	T("history", history_keys),
	T("email", email_keys),
	{.name = "notify", .type = DG_SCHEMA_TABLES, .sub = &notify_table, .item = new_notify},
	{.name = "writer", .type = DG_SCHEMA_TABLE, .sub = &(const dg_schema_table){writer_keys, NULL, writer_check}},
	{0},
};

static const dg_schema_table config_schema = {root_keys, NULL, NULL};

/* "~/x" -> $HOME/x; relative -> against `base_dir`. */
static int resolve_path(const char *value, const char *base_dir, char **out)
{
	const char *home = getenv("HOME");
	size_t n;

	if (value[0] == '~' && (value[1] == '/' || value[1] == '\0')) {
		if (!home)
			return dg_err_set(DG_ERR_CONFIG, "cannot expand '~': HOME is not set");
		n = strlen(home) + strlen(value) + 1;
		*out = dg_malloc(n);
		snprintf(*out, n, "%s%s", home, value + 1);
		return 0;
	}
	if (value[0] == '/' || !base_dir || !*base_dir) {
		*out = dg_strdup(value);
		return 0;
	}
	n = strlen(base_dir) + strlen(value) + 2;
	*out = dg_malloc(n);
	snprintf(*out, n, "%s/%s", base_dir, value);
	return 0;
}

/* Paths in the file are relative to its directory (the `user` of the walk). */
static int store_path(const dg_schema_ctx *c, const dg_toml *v, void *slot)
{
	char *resolved = NULL;
	int err = resolve_path(dg_toml_string(v, NULL), c->user, &resolved);

	if (err < 0)
		return err;
	free(*(char **)slot);
	*(char **)slot = resolved;
	return 0;
}

static const struct {
	size_t offset;
	const char *value;
} string_defaults[] = {
	{F(language), "zh"},
	{F(timezone), "UTC"},
	{F(output_dir), "out"},
	{F(api_url), "https://api.github.com"},
	{F(token_env), "GITHUB_TOKEN"},
	{F(event_label), "event"},
	{F(wx_api_url), "https://api.weixin.qq.com"},
	{F(wx_appid_env), "WECHAT_APPID"},
	{F(wx_secret_env), "WECHAT_SECRET"},
	{F(history_engine), "github"},
	{F(history_url), "http://127.0.0.1:8123"},
	{F(history_user_env), "CLICKHOUSE_USER"},
	{F(history_password_env), "CLICKHOUSE_PASSWORD"},
	{F(history_table), "github_events"},
	{F(wr_key_env), "DIGEST_WRITER_KEY"},
	{F(wr_use), "draft"},
};

static void set_defaults(dg_config *c)
{
	const char *xdg_state = getenv("XDG_STATE_HOME");
	char *state = NULL;

	if (xdg_state && *xdg_state) {
		size_t n = strlen(xdg_state) + 8;
		state = dg_malloc(n);
		snprintf(state, n, "%s/digest", xdg_state);
	} else if (resolve_path("~/.local/state/digest", NULL, &state) < 0) {
		/* No HOME: fall back to a directory beside the outputs. */
		dg_err_clear();
		state = dg_strdup(".digest-state");
	}
	c->state_dir = state;
	for (size_t i = 0; i < sizeof(string_defaults) / sizeof(string_defaults[0]); i++)
		*(char **)((char *)c + string_defaults[i].offset) = dg_strdup(string_defaults[i].value);
	c->concurrency = 4;
	c->max_wait = 900;
	c->timeout = 1800;
	c->partial_note = 1;
	c->upcoming_days = 14;
	c->highlights_per_repo = 10;
	c->highlights_max = 30;
	c->release_note_lines = 6;
	c->cn_min_stars = 100;
	c->cn_project_days = 30;
	c->cn_summary_length = 120;
	c->cn_reference_number = 1;
	c->cn_period_weeks = 1;
	c->report_reference_number = 1;
	c->cn_max_projects = 5;
	c->cn_max_articles = 5;
	c->cn_max_news = 6;
	c->trends_weeks = 12;
	c->wr_batch = 20;
	c->wr_max_requests = 50;
	dg_strv_push(&c->cn_topics, "cloud-native");
	dg_strv_push(&c->cn_topics, "kubernetes");
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return dg_strdup(".");
	if (slash == path)
		return dg_strdup("/");
	return dg_strndup(path, (size_t)(slash - path));
}

int dg_config_load(const char *path, dg_config **out)
{
	dg_config *c = dg_calloc(1, sizeof(*c));
	dg_toml *root = NULL;
	char *base_dir = NULL;
	int err = 0;

	*out = NULL;
	set_defaults(c);
	if (!path) {
		c->cn_picks_dir = dg_strdup("feeds/picks");
		c->edits_dir = dg_strdup("edits");
		*out = c;
		return 0;
	}
	if ((err = dg_toml_parse_file(path, &root)) < 0) {
		err = DG_ERR_CONFIG;
		goto done;
	}
	c->path = dg_strdup(path);
	base_dir = dir_of(path);
	if ((err = dg_schema_apply(&config_schema, root, path, c, base_dir)) == 0 && !c->cn_picks_dir)
		err = resolve_path("feeds/picks", base_dir, &c->cn_picks_dir);
	if (err == 0 && !c->edits_dir)
		err = resolve_path("edits", base_dir, &c->edits_dir);
done:
	dg_toml_free(root);
	free(base_dir);
	if (err < 0)
		dg_config_free(c);
	else
		*out = c;
	return err;
}

void dg_config_free(dg_config *c)
{
	if (!c)
		return;
	dg_schema_free(&config_schema, c);
	for (size_t i = 0; i < c->n_products; i++)
		dg_schema_free(&product_table, &c->products[i]);
	free(c->products);
	for (size_t i = 0; i < c->n_notify; i++)
		dg_schema_free(&notify_table, &c->notify[i]);
	free(c->notify);
	free(c->path);
	free(c);
}

static int file_exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int dg_config_find(const char *explicit_path, char **path)
{
	const char *env = getenv("DIGEST_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char candidate[4096];

	*path = NULL;
	if (explicit_path || (env && *env)) {
		const char *p = explicit_path ? explicit_path : env;
		if (!file_exists(p))
			return dg_err_set(DG_ERR_CONFIG, "%s: config file not found%s", p,
					  explicit_path ? "" : " (from $DIGEST_CONFIG)");
		*path = dg_strdup(p);
		return 0;
	}
	if (file_exists("digest.toml")) {
		*path = dg_strdup("digest.toml");
		return 0;
	}
	if (xdg && *xdg)
		snprintf(candidate, sizeof(candidate), "%s/digest/config.toml", xdg);
	else if (home)
		snprintf(candidate, sizeof(candidate), "%s/.config/digest/config.toml", home);
	else
		return 0;
	if (file_exists(candidate))
		*path = dg_strdup(candidate);
	return 0;
}

const char *dg_config_token(const dg_config *c)
{
	const char *t = getenv(c->token_env);

	if ((!t || !*t) && !strcmp(c->token_env, "GITHUB_TOKEN"))
		t = getenv("GH_TOKEN");
	return t && *t ? t : NULL;
}

int dg_config_is_listed_bot(const dg_config *c, const char *login)
{
	return dg_strv_contains_ci(&c->bots, login);
}
