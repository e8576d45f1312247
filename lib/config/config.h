/* config.h - digest.toml: lookup, schema check, defaults.
 *
 * Every key is declared once in the tables in config.c, checked by
 * config/schema.h; an unknown table or key is an error with the file and
 * line, so a typo is never ignored.
 * Relative paths in the file are taken relative to the file's directory and
 * "~/" is expanded, so a cron job can run from any directory. */
#ifndef DG_CONFIG_H
#define DG_CONFIG_H

#include <stddef.h>
#include "config/schema.h"
#include "config/toml.h"

/* One product of the community report ([[report.products]]): a display
 * name and the repositories whose releases are that product's. */
typedef struct dg_product {
	char *name;
	dg_strv repos;           /* "owner/name" */
} dg_product;

/* One chat to announce issues in ([[notify]], --publish notify). */
typedef struct dg_notify {
	char *type;              /* "feishu" | "dingtalk" | "wecom" | "slack" | "discord" */
	char *url_env;           /* the variable holding the webhook URL (a secret) */
	char *secret_env;        /* the variable holding the signing secret (feishu, dingtalk); NULL: none */
} dg_notify;

typedef struct dg_config {
	char *path;              /* the file read, or NULL when none was found */

	/* [digest] */
	char *title;             /* NULL = the language's community.title (strings.toml) */
	char *title_biweekly;    /* a biweekly's title; NULL = the title with weekly made biweekly */
	char *language;          /* "zh" | "en" */
	char *timezone;          /* IANA zone name */
	char *output_dir;
	char *state_dir;
	char *templates_dir;     /* user templates overriding the shipped ones; NULL = none */
	char *theme;             /* theme name or path; NULL = default */
	char *author;
	char *intro;
	char *footer;
	char *cover_image;
	char *community;         /* the community's name ("KubeSphere"); default: first org */
	dg_strmap links;         /* footer links: label -> URL, in file order */
	char *qr_image;          /* footer QR code image URL */
	char *tag;               /* front matter `tag` */
	char *site_url;          /* where OUT is published (https, no trailing "/"); NULL = not published */
	char *edits_dir;         /* the community report's editor's files; default: edits/ beside the file */

	/* [github] */
	char *api_url;
	char *token_env;
	dg_strv orgs;
	dg_strv repos;
	dg_strv exclude_repos;
	dg_strv bots;
	int include_archived;
	int include_forks;
	int concurrency;
	int max_wait;            /* seconds to wait for a rate-limit reset */
	int timeout;             /* seconds a whole run may take (digest.timeout); 0 = no limit */
	int partial_note;        /* an issue built while a source failed says so (digest.partial_note) */

	/* [events] */
	dg_strv event_repos;
	char *event_label;
	int upcoming_days;

	/* [report] */
	dg_strv highlight_labels;
	dg_strv community_repos;    /* "org/repo"s whose merged PRs are community news */
	int highlights_per_repo;    /* per product group */
	int highlights_max;         /* in the whole issue */
	int good_first_issues;      /* a section of open good first / help wanted issues */
	dg_strv blog_feeds;         /* the community's own blog feeds: its posts of the period */
	int release_note_lines;
	char *community_title;
	char *report_reference_date;
	int report_reference_number;
	dg_product *products;    /* [[report.products]]; none: one product per repository */
	size_t n_products;

	/* [cnweekly] */
	char *cn_title;
	char *cn_feeds;          /* feed list; NULL = the shipped feeds/cloud-native.toml */
	char *cn_picks_dir;      /* editor's files <YYYY>-W<ww>.toml */
	dg_strv cn_watch_repos;
	int cn_include_prereleases;
	dg_strv cn_topics;
	int cn_min_stars;
	int cn_project_days;
	int cn_summary_length;
	char *cn_reference_date; /* issue numbering: the week of this date is issue reference_number */
	int cn_reference_number;
	int cn_period_weeks;
	int cn_max_projects, cn_max_articles, cn_max_news;
	char *cn_intro;
	char *cn_footer;         /* the weekly's closing paragraph (not digest.footer) */
	dg_strmap cn_links;      /* the weekly's series links: label -> URL, in file order */

	/* [contributors] */
	char *certificate_url;   /* pattern with {login} */
	dg_strmap certificates;  /* login -> URL overrides */

	/* [images] */
	char *avatar_url;        /* where avatars are fetched, with {login}; NULL = GitHub's */
	int images_poster;       /* write the new-contributors poster (always with --publish) */
	int images_cover;        /* write the cover (always with --publish) */

	/* [trends] */
	int trends_weeks;        /* weeks of the trend chart; 0: no trends section */

	/* [history] where past weeks' counts come from */
	char *history_engine;    /* "github" (the store, then REST) or "clickhouse" */
	char *history_url;       /* ClickHouse's HTTP interface */
	char *history_user_env, *history_password_env;  /* names of the variables; values never stored */
	char *history_database;  /* NULL: the server's default */
	char *history_table;     /* default "github_events" */
	/* [writer]: the items told by an OpenAI-compatible chat API (lib/writer/) */
	int wr_on;               /* the [writer] table is there (and --no-writer did not turn it off) */
	char *wr_api_url;        /* the API's base: POST {api_url}/chat/completions */
	char *wr_model;
	char *wr_key_env;        /* the variable holding the key; unset or empty: no Authorization */
	char *wr_use;            /* "draft" (suggestions in the editor's files) | "issue" */
	char *wr_note;           /* shown under an issue that uses it; NULL: the language's */
	int wr_batch;            /* items per request */
	int wr_max_requests;     /* per run */

	/* [wechat] (--publish wechat) */
	char *wx_api_url;
	char *wx_appid_env, *wx_secret_env;  /* names of the variables; the values are never stored */
	char *wx_author;         /* NULL = digest.author */
	char *wx_digest;         /* the summary; NULL = from the lead */
	char *wx_cover;          /* a cover image file; NULL = the generated cover */
	int wx_open_comment;
	char *wx_source_url;     /* 阅读原文; NULL = none */

	/* [email] (--publish email, --format eml) */
	char *email_smtp_url;
	char *email_from;
	dg_strv email_to;
	char *email_user_env, *email_password_env;  /* names of the variables; the values are never stored */
	char *email_subject;     /* Mustache over the model; NULL = the issue's title */
	/* [[notify]] (--publish notify) */
	dg_notify *notify;
	size_t n_notify;
} dg_config;

/* Find the config file: `explicit_path`, else $DIGEST_CONFIG, else
 * ./digest.toml, else $XDG_CONFIG_HOME/digest/config.toml (~/.config when
 * unset). Sets *path (caller frees) or NULL when none exists; an explicit
 * path or $DIGEST_CONFIG that does not exist is an error (DG_ERR_CONFIG). */
int dg_config_find(const char *explicit_path, char **path);

/* Load `path` (or the defaults when NULL) into *out (caller calls
 * dg_config_free). Errors: DG_ERR_CONFIG, "FILE:LINE: key 'a.b': expected ...". */
int dg_config_load(const char *path, dg_config **out);

void dg_config_free(dg_config *c);

/* The GitHub token from the environment variable named by github.token_env
 * (default GITHUB_TOKEN, then GH_TOKEN); borrowed from the environment, NULL
 * when unset or empty. Never print it. */
const char *dg_config_token(const dg_config *c);

/* 1 when `login` is configured as a bot (case-insensitive). */
int dg_config_is_listed_bot(const dg_config *c, const char *login);

#endif
