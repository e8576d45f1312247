/* digest init --org ORG [--api-url URL] [--lang zh|en] [--config FILE] [--force]:
 * writes a working starting config for one organisation from what GitHub
 * says of it. Requests: the org's profile, its repository listing (every
 * page), then per watched repository one cheap probe (a release?) and, for
 * a repository named community or .github, one more (an issue labelled
 * `event`?), github.concurrency at a time. What goes into the file, and the
 * product rule, is lib/config/starter.h's. */
#include "init.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/output.h"
#include "config/config.h"
#include "config/starter.h"
#include "github/api.h"
#include "net/http.h"
#include "env.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

enum { INIT_OK = 0, INIT_FAIL = 1, INIT_USAGE = 2 };

static const char usage[] =
"usage: digest init --org ORG [--api-url URL] [--lang zh|en] [--config FILE] [--force]\n";

typedef struct fetch {
	dg_http *http;
	const char *api, *org;
	int err;                 /* the first failure: DG_ERR_CONFIG (no such org) or DG_ERR_FAIL */
	char *message;
	json_t *profile;
	json_t *repos;           /* [{"name", "releases": bool, "events": bool}], listing order */
} fetch;

typedef struct probe {
	fetch *f;
	json_t *repo;            /* borrowed from f->repos */
	const char *flag;        /* "releases" | "events" */
} probe;

/* A login or repository name as GitHub spells them: safe in a URL path, a
 * comment and "owner/name" without escaping ("." and ".." would be dot
 * segments). */
static int valid_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 100 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n &&
	       strcmp(s, ".") && strcmp(s, "..");
}

/* An http(s) URL with no space or control character; a bare host name
 * ("example.org", "example.org:8080/blog") gets https://; anything else NULL. */
static char *clean_url(const char *s)
{
	static const char host[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-";
	dg_buf b = DG_BUF_INIT;
	size_t n = strspn(s, host);

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
			return NULL;
	if (strstr(s, "://")) {
		if (strncasecmp(s, "https://", 8) && strncasecmp(s, "http://", 7))
			return NULL;
	} else {
		if (s[n] == ':')
			n += 1 + strspn(s + n + 1, "0123456789");
		if (!memchr(s, '.', n) || (s[n] && !strchr("/?#", s[n])))
			return NULL;
		dg_buf_puts(&b, "https://");
	}
	dg_buf_puts(&b, s);
	return dg_buf_detach(&b);
}

static void fail(fetch *f, int err, const char *message)
{
	if (f->err)
		return;
	f->err = err;
	f->message = dg_strdup(message);
}

static void on_probe(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	probe *p = ud;

	(void)h;
	/* Not found or refused (issues turned off: 410): nothing there. */
	if (err && err != DG_HTTP_ERR_NOT_FOUND && err != DG_HTTP_ERR_REJECTED)
		fail(p->f, DG_ERR_FAIL, msg);
	else if (!err && json_is_array(resp->json) && json_array_size(resp->json) > 0)
		json_object_set_new(p->repo, p->flag, json_true());
	free(p);
}

static void queue_probe(fetch *f, json_t *repo, const char *flag, const char *fmt)
{
	probe *p = dg_malloc(sizeof(*p));
	dg_buf url = DG_BUF_INIT;

	*p = (probe){f, repo, flag};
	dg_buf_printf(&url, fmt, f->api, f->org, dg_json_str(repo, "name"));   /* uncapped: no check */
	if (dg_http_get(f->http, dg_buf_cstr(&url), on_probe, p) < 0) {
		fail(f, DG_ERR_FAIL, dg_err_last());
		free(p);
	}
	dg_buf_free(&url);
}

static void on_listing(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	fetch *f = ud;
	size_t i;
	json_t *r;

	if (err) {
		fail(f, DG_ERR_FAIL, msg);
		return;
	}
	if (!json_is_array(resp->json)) {
		dg_buf m = DG_BUF_INIT;
		dg_buf_printf(&m, "%s: expected a JSON array of repositories", resp->url);
		fail(f, DG_ERR_FAIL, dg_buf_cstr(&m));
		dg_buf_free(&m);
		return;
	}
	json_array_foreach(resp->json, i, r) {
		const char *name = dg_json_str(r, "name");
		json_t *repo;

		if (f->err)
			return;
		if (json_is_true(json_object_get(r, "fork")) || json_is_true(json_object_get(r, "archived")))
			continue;
		if (!valid_name(name)) {
			dg_term_print("init: warning: a repository name left out (not a GitHub name): ", name);
			continue;
		}
		/* `name` came out of jansson (valid UTF-8): json_pack cannot refuse it. */
		repo = json_pack("{s:s, s:b, s:b}", "name", name, "releases", 0, "events", 0);
		json_array_append_new(f->repos, repo);
		queue_probe(f, repo, "releases", "%s/repos/%s/%s/releases?per_page=1");
		if (!strcasecmp(name, "community") || !strcasecmp(name, ".github"))
			queue_probe(f, repo, "events", "%s/repos/%s/%s/issues?labels=event&state=all&per_page=1");
	}
	if (resp->next_url && !f->err && dg_http_get(h, resp->next_url, on_listing, f) < 0)
		fail(f, DG_ERR_FAIL, dg_err_last());
}

static void on_profile(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	fetch *f = ud;
	dg_buf m = DG_BUF_INIT;

	if (err == DG_HTTP_ERR_NOT_FOUND) {
		dg_buf_printf(&m, "organisation '%s' not found at %s", f->org, f->api);
		fail(f, DG_ERR_CONFIG, dg_buf_cstr(&m));
	} else if (err) {
		fail(f, DG_ERR_FAIL, msg);
	} else if (!json_is_object(resp->json)) {
		dg_buf_printf(&m, "%s: expected a JSON object for the organisation", resp->url);
		fail(f, DG_ERR_FAIL, dg_buf_cstr(&m));
	} else {
		f->profile = json_incref(resp->json);
		dg_buf_printf(&m, "%s/orgs/%s/repos?per_page=100&type=public", f->api, f->org);
		if (dg_http_get(h, dg_buf_cstr(&m), on_listing, f) < 0)
			fail(f, DG_ERR_FAIL, dg_err_last());
	}
	dg_buf_free(&m);
}

/* Fetch what the file needs; 0 or the error class with f->message. */
static int fetch_org(const dg_config *defaults, const dg_http_opts *env, fetch *f)
{
	dg_http_opts o = {.token = dg_config_token(defaults), .token_name = defaults->token_env,
			  .api_base = f->api, .jobs = defaults->concurrency, .max_wait = defaults->max_wait,
			  .timeout = defaults->timeout, .retry_base_ms = env->retry_base_ms,
			  .stall_seconds = env->stall_seconds, .max_pages = env->max_pages};
	dg_buf url = DG_BUF_INIT;

	f->repos = json_array();
	dg_buf_printf(&url, "%s/orgs/%s", f->api, f->org);
	if (dg_gh_http_new(&o, &f->http) < 0 || dg_http_get(f->http, dg_buf_cstr(&url), on_profile, f) < 0 ||
	    dg_http_run(f->http) < 0)
		fail(f, DG_ERR_FAIL, dg_err_last());
	dg_buf_free(&url);
	return f->err;
}

/* The path as a shell word, for the commands printed at the end. */
static void put_shell_word(dg_buf *b, const char *s)
{
	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/+,=:@") == strlen(s)) {
		dg_buf_puts(b, s);
		return;
	}
	dg_buf_putc(b, '\'');
	for (; *s; s++)
		dg_buf_puts(b, *s == '\'' ? "'\\''" : (char[]){*s, '\0'});
	dg_buf_putc(b, '\'');
}

/* Write the file atomically (its directory created when missing); 0 or <0. */
static int write_config(const char *path, const char *text)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir = slash ? dg_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : dg_strdup(".");
	int err;

	if (!*base)
		err = dg_err_set(DG_ERR_CONFIG, "%s: a file name is needed, not a directory", path);
	else if ((err = dg_output_mkdirs(dir)) == 0)
		err = dg_output_write(dir, base, text, strlen(text));
	free(dir);
	return err;
}

/* The starter from what was fetched, written to `path`; 0 or <0. */
static int write_starter(const fetch *f, const char *api, const char *lang, const char *path)
{
	const char *login = dg_json_str(f->profile, "login"), *name = dg_json_str(f->profile, "name");
	char *website = clean_url(dg_json_str(f->profile, "blog")), *github = clean_url(dg_json_str(f->profile, "html_url"));
	dg_strv listed = {NULL, 0}, released = {NULL, 0}, events = {NULL, 0};
	dg_buf b = DG_BUF_INIT, fallback = DG_BUF_INIT;
	dg_starter s;
	char *text = NULL;
	size_t i;
	json_t *r;
	int err;

	if (!valid_name(login) || strcasecmp(login, f->org))
		login = f->org;
	if (strspn(name, " \t") == strlen(name))
		name = login;
	dg_buf_printf(&fallback, "https://github.com/%s", login);
	json_array_foreach(f->repos, i, r) {
		const char *n = dg_json_str(r, "name");
		dg_buf_clear(&b);
		dg_buf_printf(&b, "%s/%s", login, n);   /* uncapped: no check */
		dg_strv_push(&listed, n);
		if (json_is_true(json_object_get(r, "releases")))
			dg_strv_push(&released, n);
		if (json_is_true(json_object_get(r, "events")))
			dg_strv_push(&events, dg_buf_cstr(&b));
	}
	s = (dg_starter){login, name, website, github ? github : dg_buf_cstr(&fallback), api, lang,
			 &listed, &released, &events};
	if ((err = dg_starter_write(&s, &text)) == 0 && (err = write_config(path, text)) == 0)
		printf("wrote %s: %zu repositories watched, %zu with releases, events %s\n", path,
		       listed.n, released.n, events.n ? "found" : "not found (no [events])");
	free(text);
	free(website);
	free(github);
	dg_buf_free(&b);
	dg_buf_free(&fallback);
	dg_strv_free(&listed);
	dg_strv_free(&released);
	dg_strv_free(&events);
	return err;
}

/* The one place an error becomes a message and an exit code. */
static int report(int err, const char *message)
{
	dg_term_print("init: ", message);
	return err == DG_ERR_CONFIG ? INIT_USAGE : INIT_FAIL;
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "digest: init: %s '%s'\n%s", what, arg, usage);
	return INIT_USAGE;
}

int dg_init(int argc, char **argv)
{
	const char *org = NULL, *api_arg = NULL, *lang = "zh", *path = "./digest.toml";
	int force = 0, rc = INIT_OK;
	dg_config *defaults = NULL;
	fetch f = {0};
	char *api = NULL;
	dg_buf next = DG_BUF_INIT;
	dg_http_opts env = {0};
	struct stat st;

	dg_alloc_init();
	dg_term_start(0);
	for (int i = 1; i < argc; i++) {
		static const char *const names[] = {"--org", "--api-url", "--lang", "--config"};
		const char **slots[] = {&org, &api_arg, &lang, &path};
		size_t k, n = 0;

		for (k = 0; k < 4; k++)
			if (!strncmp(argv[i], names[k], n = strlen(names[k])) && (argv[i][n] == '=' || !argv[i][n]))
				break;
		if (k < 4 && argv[i][n] == '=')
			*slots[k] = argv[i] + n + 1;
		else if (k < 4 && i + 1 < argc)
			*slots[k] = argv[++i];
		else if (k < 4)
			return usage_error("option needs a value:", argv[i]);
		else if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return printf("%s", usage), INIT_OK;
		else
			return usage_error("unexpected argument", argv[i]);
	}
	if (!org)
		return fprintf(stderr, "digest: init: --org is needed\n%s", usage), INIT_USAGE;
	if (!valid_name(org))
		return usage_error("--org: expected an organisation's login, got", org);
	if (strcmp(lang, "zh") && strcmp(lang, "en"))
		return usage_error("--lang: expected zh or en, got", lang);
	if (api_arg && strncmp(api_arg, "https://", 8) && strncmp(api_arg, "http://", 7))
		return usage_error("--api-url: expected an http(s) URL, got", api_arg);
	if (!*path)
		return usage_error("--config: expected a file name, got", path);
	if (dg_env_http(&env) < 0)
		return report(DG_ERR_CONFIG, dg_err_last());
	/* Before any request: the file is never overwritten by accident. */
	if (!force && lstat(path, &st) == 0) {
		fprintf(stderr, "digest: init: %s exists; not overwriting it (--force replaces it)\n", path);
		return INIT_USAGE;
	}
	if (dg_config_load(NULL, &defaults) < 0) {
		rc = report(DG_ERR_FAIL, dg_err_last());
		dg_config_free(defaults);
		return rc;
	}
	api = dg_strdup(api_arg ? api_arg : defaults->api_url);
	for (size_t n = strlen(api); n > 8 && api[n - 1] == '/'; n--)
		api[n - 1] = '\0';
	f.api = api;
	f.org = org;
	if (fetch_org(defaults, &env, &f) < 0) {
		rc = report(f.err, f.message);
	} else if ((rc = write_starter(&f, api, lang, path)) < 0) {
		rc = report(rc, dg_err_last());
	} else {
		dg_buf_puts(&next, "next:\n  digest doctor --config ");
		put_shell_word(&next, path);
		dg_buf_puts(&next, "\n  digest --config ");
		put_shell_word(&next, path);
		dg_buf_puts(&next, " --week\n");
		if (dg_buf_error(&next) == 0)
			fputs(dg_buf_cstr(&next), stdout);
	}
	dg_buf_free(&next);
	json_decref(f.profile);
	json_decref(f.repos);
	free(f.message);
	dg_http_free(f.http);
	dg_config_free(defaults);
	free(api);
	return rc;
}
