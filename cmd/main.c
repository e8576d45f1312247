/* digest - command line: arguments, dispatch, messages and exit codes.
 * Everything else lives in lib/. */
#include "issue/cnweekly.h"
#include "github/collect.h"
#include "config/config.h"
#include "base/date.h"
#include "base/err.h"
#include "net/http.h"
#include "model/model.h"
#include "issue/numbering.h"
#include "base/output.h"
#include "feeds/picks.h"
#include "render/render.h"
#include "store/store.h"
#include "issue/window.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define EXIT_PARTIAL 3

typedef struct options {
	const char *config;
	const char *week;
	int weekly, biweekly;
	const char *since, *until;
	const char *kind;
	const char *formats;
	const char *out;
	const char *api_url;
	const char *state_dir;
	int jobs;
	int max_wait;
	int offline;
	int draft;
	int quiet, verbose;
} options;

static const char usage_text[] =
"usage: digest [--config FILE] [--week [YYYY-Www] | --biweekly [YYYY-Www] |\n"
"              --since DATE --until DATE] [--kind community|cnweekly|all]\n"
"              [--format md,html,json] [--out DIR] [--api-url URL] [--jobs N]\n"
"              [--max-wait SECONDS] [--state-dir DIR] [--offline] [--draft]\n"
"              [-q|--quiet] [-v|--verbose] [--help] [--version]\n";

static const char help_text[] =
"\n"
"digest compiles a community newsletter from GitHub: releases published,\n"
"pull requests merged, new contributors and events of a period, rendered as\n"
"Markdown and as WeChat-ready HTML.\n"
"\n"
"Period (default: --week, the last complete ISO week):\n"
"  --week [YYYY-Www]      one ISO week, Monday 00:00 to the next Monday 00:00 in\n"
"                         digest.timezone; without a value the last complete week\n"
"  --biweekly [YYYY-Www]  the two weeks ending with that week (default: last complete)\n"
"  --since DATE --until DATE\n"
"                         any half-open range [since, until); DATE is YYYY-MM-DD\n"
"                         (local midnight) or an RFC 3339 time\n"
"\n"
"What and where:\n"
"  --kind KIND            community (default), cnweekly (the Cloud Native Weekly)\n"
"                         or all\n"
"  --draft                with --kind cnweekly: write the editor's file\n"
"                         <cnweekly.picks_dir>/<YYYY>-W<ww>.toml pre-filled with\n"
"                         candidates, instead of rendering (never overwrites it)\n"
"  --format LIST          comma-separated: md, html, json (default md,html); html\n"
"                         writes NAME.wechat.html (the fragment to paste) and\n"
"                         NAME.html (a preview page with a copy button)\n"
"  --out DIR              output directory (default digest.output_dir)\n"
"                         files: DIR/<kind>-<YYYY>-W<ww>.<ext>, written atomically\n"
"  --config FILE          config file (default $DIGEST_CONFIG, ./digest.toml,\n"
"                         $XDG_CONFIG_HOME/digest/config.toml)\n"
"  --state-dir DIR        state store directory (default digest.state_dir)\n"
"\n"
"GitHub:\n"
"  --api-url URL          REST API base (default github.api_url); GitHub Enterprise:\n"
"                         https://HOST/api/v3\n"
"  --jobs N               concurrent requests, 1-64 (default github.concurrency, 4)\n"
"  --max-wait SECONDS     longest wait for a rate-limit reset (default 900)\n"
"  --offline              send no request: render from the state store's cache\n"
"  The token is read from the variable named by github.token_env (GITHUB_TOKEN,\n"
"  then GH_TOKEN). It is never printed.\n"
"\n"
"Output:\n"
"  -q, --quiet            print errors only\n"
"  -v, --verbose          print every request (method, URL, status, cache)\n"
"  --help, --version\n"
"\n"
"Exit status: 0 ok; 1 failure; 2 usage or config error; 3 digest written but\n"
"some source failed (see the warnings).\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "digest: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", usage_text);
	return EXIT_USAGE;
}

static int looks_like_week(const char *s)
{
	return s && strlen(s) == 8 && s[4] == '-' && (s[5] == 'W' || s[5] == 'w');
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

enum { OPT_CONFIG = 256, OPT_WEEK, OPT_BIWEEKLY, OPT_SINCE, OPT_UNTIL, OPT_KIND, OPT_FORMAT,
       OPT_OUT, OPT_API_URL, OPT_JOBS, OPT_OFFLINE, OPT_HELP, OPT_VERSION, OPT_MAX_WAIT,
       OPT_STATE_DIR, OPT_DRAFT };

static int parse_args(int argc, char **argv, options *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, OPT_CONFIG},
		{"week", optional_argument, NULL, OPT_WEEK},
		{"biweekly", optional_argument, NULL, OPT_BIWEEKLY},
		{"since", required_argument, NULL, OPT_SINCE},
		{"until", required_argument, NULL, OPT_UNTIL},
		{"kind", required_argument, NULL, OPT_KIND},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"out", required_argument, NULL, OPT_OUT},
		{"api-url", required_argument, NULL, OPT_API_URL},
		{"jobs", required_argument, NULL, OPT_JOBS},
		{"max-wait", required_argument, NULL, OPT_MAX_WAIT},
		{"state-dir", required_argument, NULL, OPT_STATE_DIR},
		{"offline", no_argument, NULL, OPT_OFFLINE},
		{"draft", no_argument, NULL, OPT_DRAFT},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, OPT_HELP},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0},
	};
	int c;

	opterr = 0;
	o->jobs = -1;
	o->max_wait = -1;
	while ((c = getopt_long(argc, argv, ":qvh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG: o->config = optarg; break;
		case OPT_WEEK:
		case OPT_BIWEEKLY:
			if (c == OPT_WEEK)
				o->weekly = 1;
			else
				o->biweekly = 1;
			/* "--week 2024-W22" as well as "--week=2024-W22" */
			if (!optarg && optind < argc && looks_like_week(argv[optind]))
				optarg = argv[optind++];
			o->week = optarg;
			break;
		case OPT_SINCE: o->since = optarg; break;
		case OPT_UNTIL: o->until = optarg; break;
		case OPT_KIND: o->kind = optarg; break;
		case OPT_FORMAT: o->formats = optarg; break;
		case OPT_OUT: o->out = optarg; break;
		case OPT_API_URL: o->api_url = optarg; break;
		case OPT_STATE_DIR: o->state_dir = optarg; break;
		case OPT_JOBS:
			if (parse_int(optarg, 1, 64, &o->jobs) < 0)
				return usage_error("--jobs '%s': expected a number from 1 to 64", optarg);
			break;
		case OPT_MAX_WAIT:
			if (parse_int(optarg, 0, 86400, &o->max_wait) < 0)
				return usage_error("--max-wait '%s': expected seconds from 0 to 86400", optarg);
			break;
		case OPT_OFFLINE: o->offline = 1; break;
		case OPT_DRAFT: o->draft = 1; break;
		case 'q': o->quiet = 1; break;
		case 'v': o->verbose = 1; break;
		case 'h':
		case OPT_HELP:
			printf("%s%s", usage_text, help_text);
			exit(EXIT_OK);
		case OPT_VERSION:
			printf("digest %s\n", DG_VERSION);
			exit(EXIT_OK);
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o->weekly + o->biweekly + (o->since || o->until ? 1 : 0) > 1)
		return usage_error("%s", "choose one of --week, --biweekly or --since/--until");
	if ((o->since != NULL) != (o->until != NULL))
		return usage_error("%s", "--since and --until go together");
	if (!o->kind)
		o->kind = "community";
	if (strcmp(o->kind, "community") && strcmp(o->kind, "cnweekly") && strcmp(o->kind, "all"))
		return usage_error("--kind '%s': expected community, cnweekly or all", o->kind);
	if (o->draft && !strcmp(o->kind, "community"))
		return usage_error("%s", "--draft goes with --kind cnweekly (it writes the editor's picks file)");
	if (!o->formats)
		o->formats = "md,html";
	{
		char copy[256], *tok, *save = NULL;
		snprintf(copy, sizeof(copy), "%s", o->formats);
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			if (strcmp(tok, "md") && strcmp(tok, "html") && strcmp(tok, "json"))
				return usage_error("--format: unknown format '%s' (expected md, html, json)", tok);
	}
	return EXIT_OK;
}

static int has_format(const options *o, const char *f)
{
	size_t n = strlen(f);

	for (const char *p = o->formats; (p = strstr(p, f)); p += n)
		if ((p == o->formats || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

static int64_t now_for_run(void)
{
	const char *fixed = getenv("DIGEST_NOW");
	int64_t t;

	/* DIGEST_NOW pins "now" (tests, reproducing an old run). */
	if (fixed && *fixed && dg_date_parse_rfc3339(fixed, &t) == 0)
		return t;
	return (int64_t)time(NULL);
}

typedef struct written {
	char paths[8][4200];
	int n;
} written;

static int write_file(const char *dir, const char *name, const char *data, written *w)
{
	int err = dg_output_write(dir, name, data, strlen(data));

	if (err == 0 && w->n < 8)
		snprintf(w->paths[w->n++], sizeof(w->paths[0]), "%s/%s", dir, name);
	return err;
}

/* Certificates for new contributors without one of their own. */
static int write_certificates(const dg_config *cfg, json_t *model, const char *out_dir, written *w)
{
	size_t i;
	json_t *person;
	char dir[4200];
	int err = 0;

	snprintf(dir, sizeof(dir), "%s/certificates", out_dir);
	json_array_foreach(json_object_get(model, "new_contributors"), i, person) {
		char *svg = NULL, name[300];
		const char *login = json_string_value(json_object_get(person, "login"));
		size_t k = 0;

		if (!json_is_true(json_object_get(person, "certificate_generated")) || !login)
			continue;
		for (const char *p = login; *p && k < 200; p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    *p == '-' || *p == '_')
				name[k++] = *p;
		name[k] = '\0';
		if (!k)
			continue;
		if ((err = dg_render_certificate(cfg, model, person, &svg)) < 0)
			return err;
		snprintf(name + k, sizeof(name) - k, ".svg");
		{
			char file[320];
			snprintf(file, sizeof(file), "contributor-%s", name);
			err = dg_output_write(dir, file, svg, strlen(svg));
		}
		free(svg);
		if (err < 0)
			return err;
		(void)w;
	}
	return 0;
}

static void print_warnings(const options *o, json_t *model)
{
	size_t i;
	json_t *msg;

	if (o->quiet)
		return;
	json_array_foreach(json_object_get(model, "warnings"), i, msg)
		fprintf(stderr, "digest: warning: %s\n", json_string_value(msg));
}

/* Render `model` with template `kind` in every format asked for, then write
 * them. Everything is rendered before anything is written: a failure leaves
 * no mix of new and old files. */
static int write_outputs(const dg_config *cfg, const options *o, const char *kind, const char *label,
			 json_t *model, const char *out_dir, written *w)
{
	char *md = NULL, *fragment = NULL, *page = NULL, *json = NULL, name[160];
	int err = 0;

	print_warnings(o, model);
	if ((has_format(o, "md") || has_format(o, "html")) &&
	    (err = dg_render_markdown(cfg, model, kind, &md)) < 0)
		goto done;
	if (has_format(o, "html") &&
	    (err = dg_render_html(cfg, md, json_string_value(json_object_get(model, "title")), &fragment,
				  &page)) < 0)
		goto done;
	if (has_format(o, "json") && !(json = dg_model_dump(model))) {
		err = dg_err_set(DG_ERR_NOMEM, "out of memory writing JSON");
		goto done;
	}
	if (md && has_format(o, "md")) {
		snprintf(name, sizeof(name), "%s-%s.md", kind, label);
		if ((err = write_file(out_dir, name, md, w)) < 0)
			goto done;
	}
	if (fragment) {
		snprintf(name, sizeof(name), "%s-%s.wechat.html", kind, label);
		if ((err = write_file(out_dir, name, fragment, w)) < 0)
			goto done;
		snprintf(name, sizeof(name), "%s-%s.html", kind, label);
		if ((err = write_file(out_dir, name, page, w)) < 0)
			goto done;
	}
	if (json) {
		snprintf(name, sizeof(name), "%s-%s.json", kind, label);
		if ((err = write_file(out_dir, name, json, w)) < 0)
			goto done;
	}
	if (md && !strcmp(kind, "community"))
		err = write_certificates(cfg, model, out_dir, w);
done:
	free(md);
	free(fragment);
	free(page);
	free(json);
	return err;
}

static int render_community(const dg_config *cfg, const options *o, const dg_window *win,
			    dg_http *http, dg_store *store, const char *out_dir, written *w,
			    int *failed_sources)
{
	dg_collect_result res = {0};
	json_t *model = NULL;
	int err;

	dg_numbering nb = {"community", win->label, win->since, cfg->report_reference_date,
			   cfg->report_reference_number, win->weeks > 0 ? win->weeks : 1, cfg->timezone};
	int number;

	if ((err = dg_collect_community(cfg, http, store, win->since, win->until, &res)) < 0)
		return err;
	*failed_sources += res.failed_sources;
	if ((err = dg_issue_number(store, &nb, 1, &number)) == 0 &&
	    (err = dg_model_community(cfg, win, res.data, number, &model)) == 0)
		err = write_outputs(cfg, o, "community", win->label, model, out_dir, w);
	json_decref(res.data);
	json_decref(model);
	return err;
}

static int render_cnweekly(const dg_config *cfg, const options *o, const dg_window *win,
			   dg_http *http, dg_store *store, const char *out_dir, written *w,
			   int *failed_sources)
{
	dg_cnweekly_result res = {0};
	char *path = NULL, *text = NULL;
	int err;

	if (o->draft) {
		/* Never overwrite the editor's work. */
		struct stat st;
		if (!(path = dg_cnweekly_picks_path(cfg, win)))
			return dg_err_set(DG_ERR_NOMEM, "out of memory");
		if (stat(path, &st) == 0) {
			err = dg_err_set(DG_ERR_FAIL, "%s exists: not overwriting the editor's file (remove it to draft again)", path);
			free(path);
			return err;
		}
	}
	if ((err = dg_cnweekly_build(cfg, http, store, win, !o->draft, &res)) < 0)
		goto done;
	*failed_sources += res.failed_sources;
	if (o->draft) {
		const char *slash = strrchr(path, '/');
		char dir[4200];
		json_object_set(res.candidates, "headline", json_object_get(res.model, "headline"));
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
		if ((err = dg_picks_draft(res.candidates, win->label, &text)) < 0 ||
		    (err = dg_output_write(dir, slash ? slash + 1 : path, text, strlen(text))) < 0)
			goto done;
		if (w->n < 8)
			snprintf(w->paths[w->n++], sizeof(w->paths[0]), "%s", path);
		print_warnings(o, res.model);
		goto done;
	}
	err = write_outputs(cfg, o, "cnweekly", win->label, res.model, out_dir, w);
done:
	json_decref(res.model);
	json_decref(res.candidates);
	free(path);
	free(text);
	return err;
}

int main(int argc, char **argv)
{
	options o = {0};
	dg_config *cfg = NULL;
	dg_store *store = NULL;
	dg_http *http = NULL;
	dg_http_opts hopts = {0};
	dg_window win;
	char *config_path = NULL, summary[512];
	const char *out_dir, *state_dir;
	written w = {0};
	int rc, err = 0, failed_sources = 0;

	if ((rc = parse_args(argc, argv, &o)) != EXIT_OK)
		return rc;
	if (dg_config_find(o.config, &config_path) < 0 ||
	    dg_config_load(config_path, &cfg) < 0) {
		fprintf(stderr, "digest: %s\n", dg_err_last());
		free(config_path);
		return EXIT_USAGE;
	}
	if (!config_path && !o.quiet)
		fprintf(stderr, "digest: warning: no config file found (./digest.toml, "
				"$XDG_CONFIG_HOME/digest/config.toml): using defaults\n");
	free(config_path);
	if (cfg->orgs.n == 0 && cfg->repos.n == 0) {
		fprintf(stderr, "digest: %s: key 'github.orgs': expected at least one organisation "
				"(or github.repos)\n", cfg->path ? cfg->path : "config");
		dg_config_free(cfg);
		return EXIT_USAGE;
	}
	if (o.api_url) {
		free(cfg->api_url);
		cfg->api_url = strdup(o.api_url);
	}
	if (o.since)
		err = dg_window_range(o.since, o.until, cfg->timezone, &win);
	else
		err = dg_window_weeks(o.week, o.biweekly ? 2 : 1, cfg->timezone, now_for_run(), &win);
	if (err < 0) {
		fprintf(stderr, "digest: %s\n", dg_err_last());
		dg_config_free(cfg);
		return err == DG_ERR_CONFIG ? EXIT_USAGE : EXIT_FAIL;
	}
	out_dir = o.out ? o.out : cfg->output_dir;
	state_dir = o.state_dir ? o.state_dir : cfg->state_dir;

	if ((err = dg_date_zone_load(cfg->timezone)) < 0 || (err = dg_store_open(state_dir, 60, &store)) < 0)
		goto done;
	hopts.token = dg_config_token(cfg);
	hopts.api_base = cfg->api_url;
	hopts.jobs = o.jobs > 0 ? o.jobs : cfg->concurrency;
	hopts.max_wait = o.max_wait >= 0 ? o.max_wait : cfg->max_wait;
	hopts.verbose = o.verbose;
	hopts.quiet = o.quiet;
	hopts.offline = o.offline;
	hopts.cache = store;
	if ((err = dg_http_new(&hopts, &http)) < 0)
		goto done;
	if (strcmp(o.kind, "cnweekly") && !o.draft)
		err = render_community(cfg, &o, &win, http, store, out_dir, &w, &failed_sources);
	if (err == 0 && strcmp(o.kind, "community"))
		err = render_cnweekly(cfg, &o, &win, http, store, out_dir, &w, &failed_sources);
done:
	if (err < 0)
		fprintf(stderr, "digest: %s\n", dg_err_last());
	if (http && !o.quiet) {
		dg_http_format_summary(http, summary, sizeof(summary));
		fprintf(stderr, "digest: %s\n", summary);
	}
	if (err == 0 && !o.quiet)
		for (int i = 0; i < w.n; i++)
			printf("%s\n", w.paths[i]);
	dg_http_free(http);
	dg_store_close(store);
	dg_config_free(cfg);
	if (err < 0)
		return err == DG_ERR_CONFIG ? EXIT_USAGE : EXIT_FAIL;
	if (failed_sources) {
		if (!o.quiet)
			fprintf(stderr, "digest: %d source%s failed; the digest was written without them\n",
				failed_sources, failed_sources == 1 ? "" : "s");
		return EXIT_PARTIAL;
	}
	return EXIT_OK;
}
