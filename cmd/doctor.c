/* digest doctor [--config FILE]: checks, one line each, what a run needs:
 * the config, the token and what GitHub says of it (GET /rate_limit, which
 * costs no quota), the rate limits left, the output and state directories,
 * the templates, the feed list and a CJK font. */
#include "doctor.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/output.h"
#include "config/config.h"
#include "feeds/feedlist.h"
#include "model/lang.h"
#include "net/http.h"
#include "render/render.h"
#include "store/store.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int checks, failures;

static void line(int ok, const char *what, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void line(int ok, const char *what, const char *fmt, ...)
{
	va_list ap;

	checks++;
	failures += !ok;
	printf("%-5s %-11s ", ok ? "ok" : "FAIL", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

typedef struct limits {
	json_t *json;
	int err;
	char *message;
} limits;

static void on_rate_limit(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	limits *l = ud;

	(void)h;
	l->err = err;
	if (err)
		l->message = strdup(msg);
	else
		l->json = json_incref(resp->json);
}

static void check_github(const dg_config *cfg)
{
	const char *token = dg_config_token(cfg);
	dg_http_opts o = {.token = token, .token_name = cfg->token_env, .api_base = cfg->api_url, .jobs = 1,
			  .max_wait = 0, .quiet = 1, .timeout = 60};
	dg_http *http = NULL;
	limits l = {NULL, 0, NULL};
	dg_buf url = DG_BUF_INIT;
	json_t *core, *search;

	if (token)
		line(1, "token", "%s is set", cfg->token_env);
	else
		line(0, "token", "%s is not set (github.token_env): GitHub allows 60 requests an hour without one",
		     cfg->token_env);
	if (dg_buf_printf(&url, "%s/rate_limit", cfg->api_url) < 0 || dg_http_new(&o, &http) < 0 ||
	    dg_http_get(http, dg_buf_cstr(&url), on_rate_limit, &l) < 0 || dg_http_run(http) < 0 || l.err) {
		line(0, "github", "%s", l.message ? l.message : dg_err_last());
	} else {
		char when[64] = "";
		time_t reset;
		struct tm tm;
		core = json_object_get(json_object_get(l.json, "resources"), "core");
		search = json_object_get(json_object_get(l.json, "resources"), "search");
		reset = (time_t)json_integer_value(json_object_get(core, "reset"));
		if (reset > 0 && gmtime_r(&reset, &tm))
			strftime(when, sizeof(when), " (core resets %H:%M UTC)", &tm);
		line(1, "github", "%s answers%s", cfg->api_url, token ? " and accepts the token" : "");
		line(json_integer_value(json_object_get(core, "remaining")) > 0, "rate limit",
		     "core %lld of %lld left, search %lld of %lld%s",
		     (long long)json_integer_value(json_object_get(core, "remaining")),
		     (long long)json_integer_value(json_object_get(core, "limit")),
		     (long long)json_integer_value(json_object_get(search, "remaining")),
		     (long long)json_integer_value(json_object_get(search, "limit")), when);
	}
	json_decref(l.json);
	free(l.message);
	dg_buf_free(&url);
	dg_http_free(http);
}

static void check_dirs(const dg_config *cfg)
{
	dg_store *store = NULL;

	if (dg_output_mkdirs(cfg->output_dir) < 0)
		line(0, "output", "%s", dg_err_last());
	else if (access(cfg->output_dir, W_OK | X_OK) < 0)
		line(0, "output", "%s: cannot write there: %s", cfg->output_dir, strerror(errno));
	else
		line(1, "output", "%s is writable", cfg->output_dir);
	if (dg_store_open(cfg->state_dir, 5, &store) < 0)
		line(0, "state", "%s", dg_err_last());
	else
		line(1, "state", "%s/%s opens (schema %d)", cfg->state_dir, DG_STORE_FILE, dg_store_schema_version(store));
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
			line(0, "templates", "%s not found (digest.templates_dir, $DIGEST_DATADIR, beside the binary, %s)",
			     dg_buf_cstr(&rel), DG_DATADIR);
		free(path);
		dg_buf_free(&rel);
	}
	if (ok && dg_lang_load(cfg, &lang) < 0)
		line(0, "templates", "%s", dg_err_last());
	else if (ok)
		line(1, "templates", "%s: community, cnweekly and the wording found", cfg->language);
	dg_lang_free(lang);
	if (dg_feedlist_load(cfg, &feeds) < 0)
		line(0, "feeds", "%s", dg_err_last());
	else
		line(1, "feeds", "%zu feeds in the list (%s)", json_array_size(feeds),
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
		line(1, "fonts", "a CJK font: %s", first);
	else
		line(0, "fonts", "no CJK font found by fontconfig (fc-list :lang=zh): Chinese would render as boxes; "
				 "install fonts-noto-cjk or fonts-wqy-microhei");
}

int dg_doctor(int argc, char **argv)
{
	const char *config = NULL;
	char *path = NULL;
	dg_config *cfg = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9))
			config = argv[i] + 9;
		else {
			fprintf(stderr, "digest: doctor: unexpected argument '%s'\nusage: digest doctor [--config FILE]\n",
				argv[i]);
			return 2;
		}
	}
	if (dg_config_find(config, &path) < 0 || dg_config_load(path, &cfg) < 0) {
		line(0, "config", "%s", dg_err_last());
	} else {
		line(1, "config", "%s", path ? path : "no config file: the defaults");
		if (cfg->orgs.n + cfg->repos.n == 0)
			line(0, "config", "%s: key 'github.orgs': expected at least one organisation (or github.repos)",
			     path ? path : "config");
		check_github(cfg);
		check_dirs(cfg);
		check_data(cfg);
		check_fonts();
	}
	if (failures)
		printf("digest doctor: %d of %d checks failed\n", failures, checks);
	else
		printf("digest doctor: all %d checks passed\n", checks);
	free(path);
	dg_config_free(cfg);
	return failures ? 1 : 0;
}
