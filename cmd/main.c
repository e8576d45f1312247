/* digest - the command line: argv -> options -> one pipeline run per kind of
 * issue (lib/issue/pipeline.h) -> messages and the exit code. Everything
 * else lives in lib/. */
#include "base/alloc.h"
#include "base/date.h"
#include "base/err.h"
#include "base/progress.h"
#include "base/window.h"
#include "config/config.h"
#include "images/image.h"
#include "issue/delivery.h"
#include "issue/pipeline.h"
#include "github/api.h"
#include "store/store.h"
#include "doctor.h"
#include "env.h"
#include "term.h"
#include "usage.h"
#include "init.h"
#include "history.h"
#include "outcome.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_PARTIAL = 3 };

typedef struct options {
	const char *config, *week, *since, *until, *kind, *formats, *out, *api_url, *state_dir, *publish;
	int weekly, biweekly, jobs, max_wait, timeout, offline, refresh, draft, quiet, verbose, resend, no_writer;
	unsigned format_mask;     /* DG_FORMAT_* */
	unsigned channels;        /* DG_CHANNEL_* */
} options;

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "digest: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", dg_usage_text);
	return EXIT_USAGE;
}

/* "--week 2024-W22": digest takes no operands, so a word after --week or
 * --biweekly that is not an option is its value (a malformed one then gets
 * the format message, not "unexpected argument"). */
static int takes_value(const char *s)
{
	return s && *s && *s != '-';
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
       OPT_STATE_DIR, OPT_DRAFT, OPT_TIMEOUT, OPT_PUBLISH, OPT_REFRESH, OPT_RESEND, OPT_NO_WRITER };

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
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"state-dir", required_argument, NULL, OPT_STATE_DIR},
		{"offline", no_argument, NULL, OPT_OFFLINE},
		{"refresh", no_argument, NULL, OPT_REFRESH},
		{"draft", no_argument, NULL, OPT_DRAFT},
		{"no-writer", no_argument, NULL, OPT_NO_WRITER},
		{"publish", required_argument, NULL, OPT_PUBLISH},
		{"resend", no_argument, NULL, OPT_RESEND},
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
	o->timeout = -1;
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
			if (!optarg && optind < argc && takes_value(argv[optind]))
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
		case OPT_TIMEOUT:
			if (parse_int(optarg, 0, 604800, &o->timeout) < 0)
				return usage_error("--timeout '%s': expected seconds from 0 to 604800", optarg);
			break;
		case OPT_OFFLINE: o->offline = 1; break;
		case OPT_REFRESH: o->refresh = 1; break;
		case OPT_DRAFT: o->draft = 1; break;
		case OPT_NO_WRITER: o->no_writer = 1; break;
		case OPT_PUBLISH: o->publish = optarg; break;
		case OPT_RESEND: o->resend = 1; break;
		case 'q': o->quiet = 1; break;
		case 'v': o->verbose = 1; break;
		case 'h':
		case OPT_HELP:
			printf("%s%s", dg_usage_text, dg_help_text);
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
	if (strcmp(o->kind, "all") && !dg_kind_find(o->kind))
		return usage_error("--kind '%s': expected community, cnweekly or all", o->kind);
	if (o->publish && dg_delivery_channels(o->publish, &o->channels) < 0)
		return usage_error("%s", dg_err_last());
	if (o->resend && !o->publish)
		return usage_error("%s", "--resend goes with --publish");
	if (o->refresh && o->offline)
		return usage_error("%s", "--refresh fetches again: it does not go with --offline");
	if (dg_outputs_formats(o->formats ? o->formats : "md,html", &o->format_mask) < 0)
		return usage_error("%s", dg_err_last());
	return EXIT_OK;
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

/* The one place an error becomes an exit code. */
static int exit_code(int err, int failed_sources)
{
	if (err < 0)
		return err == DG_ERR_CONFIG ? EXIT_USAGE : EXIT_FAIL;
	return failed_sources ? EXIT_PARTIAL : EXIT_OK;
}

/* Load the config and the period; EXIT_OK or the exit code of the error. */
static int setup(const options *o, dg_config **cfg, dg_window *win)
{
	char *config_path = NULL;
	int64_t now = now_for_run();  /* one "now" for choosing the week and holding it against */
	int err;

	if (dg_config_find(o->config, &config_path) < 0) {
		fprintf(stderr, "digest: %s\n", dg_err_last());
		return EXIT_USAGE;
	}
	if (!config_path)
		return dg_outcome_no_config();
	if (dg_config_load(config_path, cfg) < 0) {
		fprintf(stderr, "digest: %s\n", dg_err_last());
		free(config_path);
		return EXIT_USAGE;
	}
	free(config_path);
	if ((*cfg)->orgs.n == 0 && (*cfg)->repos.n == 0) {
		fprintf(stderr, "digest: %s: key 'github.orgs': expected at least one organisation "
				"(or github.repos)\n", (*cfg)->path ? (*cfg)->path : "config");
		return EXIT_USAGE;
	}
	if (o->no_writer)
		(*cfg)->wr_on = 0;   /* --no-writer: as if there were no [writer] */
	if (o->api_url) {
		free((*cfg)->api_url);
		(*cfg)->api_url = dg_strdup(o->api_url);
	}
	if (o->since)
		err = dg_window_range(o->since, o->until, (*cfg)->timezone, win);
	else
		err = dg_window_weeks(o->week, o->biweekly ? 2 : 1, (*cfg)->timezone, now, win);
	/* A period that has not started is refused; one not over is a preview. */
	if (err == 0)
		err = dg_window_against_now(win, now, (*cfg)->timezone);
	if (err < 0)
		fprintf(stderr, "digest: %s\n%s", dg_err_last(),
			err == DG_ERR_CONFIG && !strstr(dg_err_last(), "has not started") ? dg_usage_text : "");
	if (err == 0 && win->in_progress && o->publish) {
		fprintf(stderr, "digest: --publish: the period %s is still in progress: publish its issue once it "
				"has ended\n", win->label);
		return EXIT_USAGE;
	}
	return exit_code(err, 0);
}

int main(int argc, char **argv)
{
	options o = {0};
	dg_config *cfg = NULL;
	dg_store *store = NULL;
	dg_http *http = NULL;
	dg_http_opts hopts = {0};
	dg_window win;
	dg_run run = {0};
	dg_issue_result res = {0};
	const dg_kind *kinds[8] = {0};
	size_t n = 0;
	int rc, err = 0, failed_sources = 0;

	dg_alloc_init();
	if (argc > 1 && !strcmp(argv[1], "doctor"))
		return dg_doctor(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "init"))
		return dg_init(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "history"))
		return dg_history_main(argc - 1, argv + 1);
	if ((rc = parse_args(argc, argv, &o)) != EXIT_OK || (rc = setup(&o, &cfg, &win)) != EXIT_OK) {
		dg_config_free(cfg);
		return rc;
	}
	dg_term_start(o.quiet);
	if (win.in_progress && !o.draft)
		dg_outcome_preview(&win, cfg->timezone);
	hopts = (dg_http_opts){.token = dg_config_token(cfg), .token_name = cfg->token_env, .api_base = cfg->api_url,
			       .jobs = o.jobs > 0 ? o.jobs : cfg->concurrency, .verbose = o.verbose,
			       .max_wait = o.max_wait >= 0 ? o.max_wait : cfg->max_wait, .offline = o.offline,
			       .timeout = o.timeout >= 0 ? o.timeout : cfg->timeout};
	/* The DIGEST_* variables before the store's lock: a bad one is exit 2 at once. */
	if ((err = dg_env_http(&hopts)) < 0 || (err = dg_date_zone_load(cfg->timezone)) < 0 ||
	    (err = dg_store_open(o.state_dir ? o.state_dir : cfg->state_dir, 60, &store)) < 0)
		goto done;
	hopts.cache = store;
	/* Progress on a terminal only: not with -q or -v, nor when stdout is piped. */
	dg_progress_start(!o.quiet && !o.verbose && isatty(1));
	if ((err = dg_gh_http_new(&hopts, &http)) < 0)
		goto done;
	run = (dg_run){cfg, &win, http, store, o.out ? o.out : cfg->output_dir, o.format_mask, o.draft, o.publish,
		       dg_image_deadline(hopts.timeout), o.refresh, o.channels, o.resend};
	for (const dg_kind *const *k = dg_kinds; *k; k++)
		if (strcmp(o.kind, "all") ? !strcmp(o.kind, (*k)->name) : (!o.draft || (*k)->draft))
			kinds[n++] = *k;
	err = dg_pipeline_run(&run, kinds, &res);
	failed_sources = res.failed_sources;
done:
	dg_progress_stop();
	dg_outcome_print(&res, err, o.quiet, http, run.out_dir);
	rc = res.publish_failed ? EXIT_FAIL : exit_code(err, failed_sources);
	dg_issue_result_clear(&res);
	dg_http_free(http);
	dg_store_close(store);
	dg_config_free(cfg);
	return rc;
}
