/* digest history [--config FILE] [--weeks N] [--format csv|json]: the
 * community's weeks (merged pull requests, active and new contributors),
 * from the same sources as an issue's trends (lib/history/history.h): the
 * state store, then REST or ClickHouse for the weeks it lacks, kept there.
 * Nothing is rendered; stdout holds the series only, messages go to
 * stderr. */
#include "history.h"
#include "env.h"
#include "term.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/err.h"
#include "base/window.h"
#include "config/config.h"
#include "github/api.h"
#include "history/history.h"
#include "issue/stageopts.h"
#include "net/http.h"
#include "store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage_text[] =
"usage: digest history [--config FILE] [--weeks N] [--format csv|json] [--api-url URL]\n"
"                      [--state-dir DIR] [--offline] [-q] [-v]\n";

static const char help_text[] =
"\n"
"Prints the community's weeks, oldest first, ending with the last complete\n"
"week: merged pull requests, active contributors and new contributors (empty\n"
"or null when not known). Weeks come from the state store, else from\n"
"history.engine (GitHub's search, or ClickHouse), and are kept there.\n"
"\n"
"  --weeks N         how many weeks (default trends.weeks, else 12; 1..520)\n"
"  --format F        csv (default) or json\n"
"  --offline         the state store only: send nothing\n";

enum { OPT_CONFIG = 256, OPT_WEEKS, OPT_FORMAT, OPT_API_URL, OPT_STATE_DIR, OPT_OFFLINE, OPT_HELP };

static int usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "digest: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", usage_text);
	return 2;
}

static void print_csv(const json_t *series)
{
	size_t i;
	json_t *w;

	printf("week,merged_prs,contributors,new_contributors\n");
	json_array_foreach(series, i, w) {
		const char *keys[] = {"merged_prs", "contributors", "new_contributors"};
		printf("%s", json_string_value(json_object_get(w, "week")));
		for (size_t k = 0; k < 3; k++) {
			json_t *v = json_object_get(w, keys[k]);
			if (json_is_integer(v))
				printf(",%lld", (long long)json_integer_value(v));
			else
				printf(",");
		}
		printf("\n");
	}
}

int dg_history_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, OPT_CONFIG}, {"weeks", required_argument, NULL, OPT_WEEKS},
		{"format", required_argument, NULL, OPT_FORMAT}, {"api-url", required_argument, NULL, OPT_API_URL},
		{"state-dir", required_argument, NULL, OPT_STATE_DIR}, {"offline", no_argument, NULL, OPT_OFFLINE},
		{"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, OPT_HELP}, {NULL, 0, NULL, 0},
	};
	const char *config = NULL, *format = "csv", *api_url = NULL, *state_dir = NULL;
	int weeks = 0, offline = 0, quiet = 0, verbose = 0, c, err = 0, rc;
	char *path = NULL, *end;
	dg_config *cfg = NULL;
	dg_store *store = NULL;
	dg_http *http = NULL;
	dg_http_opts hopts = {0};
	dg_window last;
	dg_week *series = NULL;
	json_t *warnings = NULL, *failures = NULL, *out = NULL, *msg;
	const char *fixed = getenv("DIGEST_NOW");
	int64_t now = (int64_t)time(NULL);
	size_t i;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":qvh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG: config = optarg; break;
		case OPT_WEEKS: {
			long v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v < 1 || v > 520)
				return usage("--weeks '%s': expected a number of weeks from 1 to 520", optarg);
			weeks = (int)v;
			break;
		}
		case OPT_FORMAT:
			if (strcmp(optarg, "csv") && strcmp(optarg, "json"))
				return usage("--format '%s': expected csv or json", optarg);
			format = optarg;
			break;
		case OPT_API_URL: api_url = optarg; break;
		case OPT_STATE_DIR: state_dir = optarg; break;
		case OPT_OFFLINE: offline = 1; break;
		case 'q': quiet = 1; break;
		case 'v': verbose = 1; break;
		case 'h':
		case OPT_HELP:
			printf("%s%s", usage_text, help_text);
			return 0;
		case ':': return usage("option '%s' needs a value", argv[optind - 1]);
		default: return usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage("unexpected argument '%s'", argv[optind]);
	/* DIGEST_NOW pins "now" (tests, reproducing an old run). */
	if (fixed && *fixed && dg_date_parse_rfc3339(fixed, &now) < 0)
		now = (int64_t)time(NULL);
	if (dg_config_find(config, &path) < 0 || !path || dg_config_load(path, &cfg) < 0) {
		fprintf(stderr, "digest: %s\n", path ? dg_err_last() : "history: no config file (see digest init)");
		free(path);
		return 2;
	}
	free(path);
	if (cfg->orgs.n == 0 && cfg->repos.n == 0) {
		fprintf(stderr, "digest: %s: key 'github.orgs': expected at least one organisation (or github.repos)\n",
			cfg->path ? cfg->path : "config");
		dg_config_free(cfg);
		return 2;
	}
	if (api_url) {
		free(cfg->api_url);
		cfg->api_url = dg_strdup(api_url);
	}
	dg_history_opts o = dg_stage_history_opts(cfg);
	if (!weeks)
		weeks = o.weeks > 0 ? o.weeks : 12;
	dg_term_start(quiet);
	warnings = json_array();
	failures = json_array();
	hopts = (dg_http_opts){.token = dg_config_token(cfg), .token_name = cfg->token_env, .api_base = cfg->api_url,
			       .jobs = cfg->concurrency, .verbose = verbose, .max_wait = cfg->max_wait,
			       .offline = offline, .timeout = cfg->timeout};
	series = dg_calloc((size_t)weeks, sizeof(*series));
	if ((err = dg_env_http(&hopts)) < 0 || (err = dg_date_zone_load(cfg->timezone)) < 0 ||
	    (err = dg_window_weeks(NULL, 1, cfg->timezone, now, &last)) < 0 ||
	    (err = dg_store_open(state_dir ? state_dir : cfg->state_dir, 60, &store)) < 0)
		goto done;
	hopts.cache = store;
	if ((err = dg_gh_http_new(&hopts, &http)) < 0 ||
	    (err = dg_history_weeks(&o, last.since, (size_t)weeks, series)) < 0 ||
	    (err = dg_history_fill(cfg, &o, http, store, NULL, now, series, (size_t)weeks, warnings, failures)) < 0)
		goto done;
	out = dg_history_json(&o, series, (size_t)weeks);
	if (!strcmp(format, "json")) {
		char *text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", text);
		free(text);
	} else {
		print_csv(out);
	}
done:
	json_array_foreach(quiet ? failures : warnings, i, msg)
		dg_term_print(quiet ? "failed: " : "warning: ", json_string_value(msg));
	if (err < 0)
		fprintf(stderr, "digest: %s\n", dg_err_last());
	rc = err < 0 ? (err == DG_ERR_CONFIG ? 2 : 1) : json_array_size(failures) ? 3 : 0;
	json_decref(out);
	json_decref(warnings);
	json_decref(failures);
	free(series);
	dg_http_free(http);
	dg_store_close(store);
	dg_config_free(cfg);
	return rc;
}
