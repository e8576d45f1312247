/* digest doctor [--config FILE] [--out DIR] [--api-url URL] [--state-dir DIR]:
 * checks, one line each, what a run with the same options needs: the config,
 * the token and what GitHub says of it (GET /rate_limit, no quota), the rate
 * limits left, every org in github.orgs and repository in github.repos and
 * events.repos (GET /orgs/ORG, /repos/OWNER/NAME), the output and state
 * directories, the templates, the feed list and a CJK font.
 *
 * The count depends on the config alone: every check prints exactly one line,
 * "ok", "FAIL" or "skip", whatever the answers. A check that needs what an
 * earlier one failed to give (a config that loads; GitHub answering
 * /rate_limit, for the limits; core requests left, for the orgs and
 * repositories) is not run: it prints "skip" and why, and counts as not
 * passed (the summary gives failed and skipped apart). A config that does not
 * load names no orgs or repositories we can know: one "skip repos" line
 * stands for them. A repository named twice is checked once.
 *
 * Exit status: 0 every check passed; 2 bad usage, or the config line failed
 * (a run would stop there with 2 too); 1 otherwise. Every line goes through
 * line(), which escapes control characters (dg_term_put, term.h): text a
 * server sent cannot move the cursor or forge a line. The token is never
 * printed, only the name of its variable. */
#include "issue/stageopts.h"
#include "doctor.h"
#include "env.h"
#include "term.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/output.h"
#include "config/config.h"
#include "feeds/feedlist.h"
#include "model/lang.h"
#include "github/api.h"
#include "net/http.h"
#include "render/render.h"
#include "store/store.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum { OK, FAIL, SKIP };
static int checks, failures, skipped;

static const char usage_text[] =
"usage: digest doctor [--config FILE] [--out DIR] [--api-url URL] [--state-dir DIR]\n";

static const char help_text[] =
"\n"
"Checks what a run with the same options needs, one line each: ok, FAIL with\n"
"the reason, or skip when a check it needs failed. It sends GET /rate_limit\n"
"(no quota) and one GET per org and repository it checks.\n"
"\n"
"  --config FILE     config file (default $DIGEST_CONFIG, ./digest.toml,\n"
"                    $XDG_CONFIG_HOME/digest/config.toml)\n"
"  --out DIR         output directory (default digest.output_dir)\n"
"  --api-url URL     REST API base (default github.api_url)\n"
"  --state-dir DIR   state store directory (default digest.state_dir)\n"
"\n"
"Exit status: 0 every check passed; 1 a check failed; 2 usage or config error.\n";

static void line(int status, const char *what, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void line(int status, const char *what, const char *fmt, ...)
{
	static const char *const word[] = {"ok", "FAIL", "skip"};
	dg_buf text = DG_BUF_INIT;
	va_list ap;

	checks++;
	failures += status == FAIL;
	skipped += status == SKIP;
	printf("%-5s %-11s ", word[status], what);
	va_start(ap, fmt);
	(void)dg_buf_vprintf(&text, fmt, ap);
	va_end(ap);
	dg_term_put(stdout, dg_buf_cstr(&text));  /* the one escaper of text bound for a terminal */
	putchar('\n');
	dg_buf_free(&text);
}

/* One GET and what came back. */
typedef struct answer {
	const char *name;        /* the org or "owner/name", borrowed from the config */
	const char *list;        /* the config key that names it */
	int org;
	int err;                 /* 1 until answered; then 0 or a DG_HTTP_ERR_* class */
	char *message;           /* the client's message when err < 0 */
	json_t *json;            /* the body when err == 0 */
} answer;

static void on_answer(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	answer *a = ud;

	(void)h;
	a->err = err;
	if (err)
		a->message = dg_strdup(msg);
	else
		a->json = json_incref(resp->json);
}

static void answer_clear(answer *a)
{
	free(a->message);
	json_decref(a->json);
}

/* GET api + path + name (api without its trailing '/'); a request that
 * cannot be queued is answered here with the reason. */
static void get(dg_http *http, const char *api, const char *path, const char *name, answer *a)
{
	size_t n = strlen(api);
	dg_buf url = DG_BUF_INIT;

	while (n > 0 && api[n - 1] == '/')
		n--;
	a->err = 1;
	dg_buf_printf(&url, "%.*s%s%s", (int)n, api, path, name);   /* uncapped: no check */
	if (dg_http_get(http, dg_buf_cstr(&url), on_answer, a) < 0) {
		a->err = DG_HTTP_ERR_FAILED;
		a->message = dg_strdup(dg_err_last());
	}
	dg_buf_free(&url);
}

/* The token, GitHub's answer to it and the limits left, through a client
 * made here (*http, NULL when it cannot be made); NULL when requests can be
 * sent, else why the orgs and repositories are not checked. */
static const char *check_github(const dg_config *cfg, const dg_http_opts *env, dg_http **http)
{
	const char *token = dg_config_token(cfg);
	dg_http_opts o = {.token = token, .token_name = cfg->token_env, .api_base = cfg->api_url,
			  .jobs = cfg->concurrency, .max_wait = 0, .timeout = 60,
			  .max_attempts = 3, /* a doctor says "flaky" rather than wait it out */
			  .retry_base_ms = env->retry_base_ms, .stall_seconds = env->stall_seconds,
			  .max_pages = env->max_pages};
	answer l = {.err = 1};
	json_t *core, *search;
	long long left;
	char when[64] = "";
	time_t reset;
	struct tm tm;

	if (token)
		line(OK, "token", "%s is set", cfg->token_env);
	else
		line(FAIL, "token", "%s is not set (github.token_env): GitHub allows 60 requests an hour without one",
		     cfg->token_env);
	if (dg_gh_http_new(&o, http) < 0)
		*http = NULL;
	else
		get(*http, cfg->api_url, "/rate_limit", "", &l);
	if (!*http || dg_http_run(*http) < 0 || l.err) {
		line(FAIL, "github", "%s", l.message ? l.message : dg_err_last());
		line(SKIP, "rate limit", "not checked: the github check failed");
		answer_clear(&l);
		return "not checked: the github check failed";
	}
	core = json_object_get(json_object_get(l.json, "resources"), "core");
	search = json_object_get(json_object_get(l.json, "resources"), "search");
	reset = (time_t)json_integer_value(json_object_get(core, "reset"));
	if (reset > 0 && gmtime_r(&reset, &tm))
		strftime(when, sizeof(when), " (core resets %H:%M UTC)", &tm);
	line(OK, "github", "%s answers%s", cfg->api_url, token ? " and accepts the token" : "");
	left = (long long)json_integer_value(json_object_get(core, "remaining"));
	line(left > 0 ? OK : FAIL, "rate limit", "core %lld of %lld left, search %lld of %lld%s", left,
	     (long long)json_integer_value(json_object_get(core, "limit")),
	     (long long)json_integer_value(json_object_get(search, "remaining")),
	     (long long)json_integer_value(json_object_get(search, "limit")), when);
	answer_clear(&l);
	return left > 0 ? NULL : "not checked: no core requests left (see the rate limit line)";
}

static void report(const answer *a, const char *skip_why)
{
	const char *what = a->org ? "org" : "repo";
	const char *list = a->org ? "" : !strcmp(a->list, "events.repos") ? " (events.repos)" : " (github.repos)";
	json_t *repos = json_object_get(a->json, "public_repos");
	const char *full_name = json_string_value(json_object_get(a->json, "full_name"));

	if (skip_why)
		line(SKIP, what, "%s%s: %s", a->name, list, skip_why);
	else if (a->err == DG_HTTP_ERR_NOT_FOUND)
		line(FAIL, what, "%s%s: 404 Not Found: %s", a->name, list, a->org ?
		     "no such organisation, or the token cannot see it" :
		     "no such repository, or the token cannot read it");
	else if (a->err)
		line(FAIL, what, "%s%s: %s", a->name, list, a->message);
	else if (a->org && json_is_integer(repos))
		line(OK, what, "%s (%lld public repositor%s)", a->name, (long long)json_integer_value(repos),
		     json_integer_value(repos) == 1 ? "y" : "ies");
	else if (!a->org && full_name && strcasecmp(full_name, a->name))
		line(OK, what, "%s%s: moved to %s; put that name in %s", a->name, list, full_name, a->list);
	else
		line(OK, what, "%s%s%s", a->name, list,
		     json_is_true(json_object_get(a->json, "archived")) ? ", archived" : "");
}

static size_t add(answer *t, size_t n, const dg_strv *names, const char *list, int org)
{
	for (size_t i = 0; i < names->n; i++) {
		size_t j = 0;
		while (j < n && (t[j].org != org || strcasecmp(t[j].name, names->v[i])))
			j++;
		if (j == n)
			t[n++] = (answer){.name = names->v[i], .list = list, .org = org};
	}
	return n;
}

/* Every org and repository a run reads: one line each, in config order. */
static void check_scope(const dg_config *cfg, dg_http *http, const char *skip_why)
{
	size_t n = 0, max = cfg->orgs.n + cfg->repos.n + cfg->event_repos.n;
	answer *t = dg_calloc(max, sizeof(*t));

	n = add(t, n, &cfg->orgs, "github.orgs", 1);
	n = add(t, n, &cfg->repos, "github.repos", 0);
	n = add(t, n, &cfg->event_repos, "events.repos", 0);
	for (size_t i = 0; i < n && !skip_why; i++)
		get(http, cfg->api_url, t[i].org ? "/orgs/" : "/repos/", t[i].name, &t[i]);
	if (!skip_why && dg_http_run(http) < 0) { /* each answer has its error, the fatal one too */
	}
	for (size_t i = 0; i < n; i++) {
		report(&t[i], skip_why);
		answer_clear(&t[i]);
	}
	free(t);
}

static void check_dirs(const dg_config *cfg)
{
	dg_store *store = NULL;

	if (dg_output_mkdirs(cfg->output_dir) < 0)
		line(FAIL, "output", "%s", dg_err_last());
	else if (access(cfg->output_dir, W_OK | X_OK) < 0)
		line(FAIL, "output", "%s: cannot write there: %s", cfg->output_dir, strerror(errno));
	else
		line(OK, "output", "%s is writable", cfg->output_dir);
	if (dg_store_open(cfg->state_dir, 5, &store) < 0)
		line(FAIL, "state", "%s", dg_err_last());
	else
		line(OK, "state", "%s/%s opens (schema %d)", cfg->state_dir, DG_STORE_FILE,
		     dg_store_schema_version(store));
	dg_store_close(store);
}

static void check_data(const dg_config *cfg)
{
	static const char *const names[] = {"community.md.mustache", "cnweekly.md.mustache", NULL};
	dg_lang *lang = NULL;
	json_t *feeds = NULL;
	int ok = 1;

	for (const char *const *n = names; *n && ok; n++) {
		dg_buf rel = DG_BUF_INIT;
		char *path = NULL;
		ok = dg_buf_printf(&rel, "%s/%s", cfg->language, *n) == 0 &&
		     dg_render_find_file(cfg, dg_buf_cstr(&rel), &path) == 1;
		if (!ok)
			line(FAIL, "templates", "%s not found (digest.templates_dir, $DIGEST_DATADIR, beside the binary, %s)",
			     dg_buf_cstr(&rel), DG_DATADIR);
		free(path);
		dg_buf_free(&rel);
	}
	if (ok && dg_lang_load(cfg, &lang) < 0)
		line(FAIL, "templates", "%s", dg_err_last());
	else if (ok)
		line(OK, "templates", "%s: community, cnweekly and the wording found", cfg->language);
	dg_lang_free(lang);
	if (dg_feedlist_load(cfg, &feeds) < 0)
		line(FAIL, "feeds", "%s", dg_err_last());
	else
		line(OK, "feeds", "%zu feeds in the list (%s)", json_array_size(feeds),
		     cfg->cn_feeds ? cfg->cn_feeds : "the shipped feeds/cloud-native.toml");
	json_decref(feeds);
}

/* A CJK font for the images (librsvg finds fonts through fontconfig). */
static void check_fonts(void)
{
	FILE *f = popen("fc-list :lang=zh family 2>/dev/null", "r");
	char first[256] = "";

	if (f && !fgets(first, sizeof(first), f))
		first[0] = '\0';
	if (f)
		pclose(f);
	first[strcspn(first, ",\n")] = '\0';
	if (*first)
		line(OK, "fonts", "a CJK font: %s", first);
	else
		line(FAIL, "fonts", "no CJK font found by fontconfig (fc-list :lang=zh): Chinese would render as boxes; "
				    "install fonts-noto-cjk or fonts-wqy-microhei");
}

/* The config, with the options a run would apply; OK, or FAIL with the line
 * printed (*cfg is still set when it loaded but names nothing to read). */
/* [writer]: one tiny request to the chat API, with the key when it is set. */
static void check_writer(const dg_config *cfg, const dg_http_opts *env)
{
	dg_http_opts o = {.jobs = 1, .max_wait = 30, .timeout = 60, .max_attempts = 3,
			  .retry_base_ms = env->retry_base_ms, .stall_seconds = env->stall_seconds};
	dg_writer_opts w = dg_stage_writer_opts(cfg);
	dg_http *http = NULL;
	const char *key = getenv(cfg->wr_key_env);

	if (!cfg->wr_on)
		return;
	if (dg_http_new(&o, &http) < 0 || dg_writer_probe(&w, http) < 0)
		line(FAIL, "writer", "%s", dg_err_last());
	else
		line(OK, "writer", "%s answers in JSON mode (model %s, %s)", cfg->wr_api_url, cfg->wr_model,
		     key && *key ? "with the key" : "no key");
	dg_http_free(http);
}

static int check_config(const char *config, const char *const over[3], dg_config **cfg)
{
	char *path = NULL;
	int status = OK;

	if (dg_config_find(config, &path) < 0 || dg_config_load(path, cfg) < 0) {
		line(FAIL, "config", "%s", dg_err_last());
		free(path);
		return FAIL;
	}
	char **slot[3] = {&(*cfg)->api_url, &(*cfg)->output_dir, &(*cfg)->state_dir};
	for (int i = 0; i < 3; i++) {
		if (!over[i])
			continue;
		free(*slot[i]);
		*slot[i] = dg_strdup(over[i]);
	}
	if ((*cfg)->orgs.n + (*cfg)->repos.n == 0) {
		line(FAIL, "config", "%s: key 'github.orgs': expected at least one organisation (or github.repos)",
		     path ? path : "no config file, the defaults");
		status = FAIL;
	} else {
		line(OK, "config", "%s", path ? path : "no config file: the defaults");
	}
	free(path);
	return status;
}

static int usage_error(const char *what, const char *arg, const char *why)
{
	fprintf(stderr, "digest: doctor: %s '%s'%s\n%s", what, arg, why, usage_text);
	return 2;
}

enum { OPT_CONFIG = 256, OPT_OUT, OPT_API_URL, OPT_STATE_DIR, OPT_HELP };

int dg_doctor(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, OPT_CONFIG},
		{"out", required_argument, NULL, OPT_OUT},
		{"api-url", required_argument, NULL, OPT_API_URL},
		{"state-dir", required_argument, NULL, OPT_STATE_DIR},
		{"help", no_argument, NULL, OPT_HELP},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *over[3] = {NULL, NULL, NULL}; /* api_url, output_dir, state_dir */
	dg_config *cfg = NULL;
	dg_http *http = NULL;
	dg_http_opts env = {0};
	int c, config_status;

	dg_alloc_init();
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG: config = optarg; break;
		case OPT_API_URL: over[0] = optarg; break;
		case OPT_OUT: over[1] = optarg; break;
		case OPT_STATE_DIR: over[2] = optarg; break;
		case 'h':
		case OPT_HELP:
			printf("%s%s", usage_text, help_text);
			return 0;
		case ':': return usage_error("option", argv[optind - 1], " needs a value");
		default: return usage_error("unknown option", argv[optind - 1], "");
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument", argv[optind], "");
	if (over[0] && strncmp(over[0], "https://", 8) && strncmp(over[0], "http://", 7))
		return usage_error("--api-url", over[0], ": expected an http(s) URL");
	/* The library's warnings (no token, ...) are the doctor's own lines here. */
	dg_term_start(1);
	if (dg_env_http(&env) < 0) {
		dg_term_print("doctor: ", dg_err_last());
		return 2;
	}

	config_status = check_config(config, over, &cfg);
	if (cfg) {
		const char *skip_why = check_github(cfg, &env, &http);
		check_scope(cfg, http, skip_why);
		check_dirs(cfg);
		check_data(cfg);
		check_writer(cfg, &env);
	} else {
		static const char *const needs_config[] = {"token", "github", "rate limit", "repos", "output",
							   "state", "templates", "feeds", NULL};
		for (const char *const *w = needs_config; *w; w++)
			line(SKIP, *w, "%s", !strcmp(*w, "repos") ?
			     "github.orgs, github.repos, events.repos: not checked: the config did not load" :
			     "not checked: the config did not load");
	}
	check_fonts();
	if (skipped)
		printf("digest doctor: %d of %d checks failed, %d skipped\n", failures, checks, skipped);
	else if (failures)
		printf("digest doctor: %d of %d checks failed\n", failures, checks);
	else
		printf("digest doctor: all %d checks passed\n", checks);
	dg_http_free(http);
	dg_config_free(cfg);
	return config_status == FAIL ? 2 : failures + skipped ? 1 : 0;
}
