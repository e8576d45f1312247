#include "config/config.h"
#include "base/date.h"
#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum key_type { K_STRING, K_PATH, K_INT, K_BOOL, K_STRV, K_STRMAP };

typedef struct key_spec {
	const char *table;
	const char *key;
	enum key_type type;
	size_t offset;
	int min, max;            /* K_INT range */
} key_spec;

#define F(field) offsetof(dg_config, field)

/* The whole configuration surface. Keep config.example.toml in step. */
static const key_spec schema[] = {
	{"digest", "title", K_STRING, F(title), 0, 0},
	{"digest", "language", K_STRING, F(language), 0, 0},
	{"digest", "timezone", K_STRING, F(timezone), 0, 0},
	{"digest", "output_dir", K_PATH, F(output_dir), 0, 0},
	{"digest", "state_dir", K_PATH, F(state_dir), 0, 0},
	{"digest", "templates_dir", K_PATH, F(templates_dir), 0, 0},
	{"digest", "theme", K_STRING, F(theme), 0, 0},
	{"digest", "author", K_STRING, F(author), 0, 0},
	{"digest", "intro", K_STRING, F(intro), 0, 0},
	{"digest", "footer", K_STRING, F(footer), 0, 0},
	{"digest", "cover_image", K_STRING, F(cover_image), 0, 0},
	{"digest", "community", K_STRING, F(community), 0, 0},
	{"digest", "tag", K_STRING, F(tag), 0, 0},
	{"digest", "links", K_STRMAP, F(links), 0, 0},
	{"digest", "qr_image", K_STRING, F(qr_image), 0, 0},
	{"github", "api_url", K_STRING, F(api_url), 0, 0},
	{"github", "token_env", K_STRING, F(token_env), 0, 0},
	{"github", "orgs", K_STRV, F(orgs), 0, 0},
	{"github", "repos", K_STRV, F(repos), 0, 0},
	{"github", "exclude_repos", K_STRV, F(exclude_repos), 0, 0},
	{"github", "bots", K_STRV, F(bots), 0, 0},
	{"github", "include_archived", K_BOOL, F(include_archived), 0, 0},
	{"github", "include_forks", K_BOOL, F(include_forks), 0, 0},
	{"github", "concurrency", K_INT, F(concurrency), 1, 64},
	{"github", "max_wait", K_INT, F(max_wait), 0, 86400},
	{"digest", "timeout", K_INT, F(timeout), 0, 604800},
	{"events", "repos", K_STRV, F(event_repos), 0, 0},
	{"events", "label", K_STRING, F(event_label), 0, 0},
	{"events", "upcoming_days", K_INT, F(upcoming_days), 0, 366},
	{"report", "title", K_STRING, F(community_title), 0, 0},
	{"report", "highlight_labels", K_STRV, F(highlight_labels), 0, 0},
	{"report", "highlights_per_repo", K_INT, F(highlights_per_repo), 1, 1000},
	{"report", "release_note_lines", K_INT, F(release_note_lines), 0, 100},
	{"report", "reference_date", K_STRING, F(report_reference_date), 0, 0},
	{"report", "reference_number", K_INT, F(report_reference_number), 1, 1000000},
	{"cnweekly", "title", K_STRING, F(cn_title), 0, 0},
	{"cnweekly", "feeds", K_PATH, F(cn_feeds), 0, 0},
	{"cnweekly", "picks_dir", K_PATH, F(cn_picks_dir), 0, 0},
	{"cnweekly", "watch_repos", K_STRV, F(cn_watch_repos), 0, 0},
	{"cnweekly", "include_prereleases", K_BOOL, F(cn_include_prereleases), 0, 0},
	{"cnweekly", "topics", K_STRV, F(cn_topics), 0, 0},
	{"cnweekly", "min_stars", K_INT, F(cn_min_stars), 0, 10000000},
	{"cnweekly", "project_days", K_INT, F(cn_project_days), 1, 3650},
	{"cnweekly", "summary_length", K_INT, F(cn_summary_length), 20, 2000},
	{"cnweekly", "reference_date", K_STRING, F(cn_reference_date), 0, 0},
	{"cnweekly", "reference_number", K_INT, F(cn_reference_number), 1, 1000000},
	{"cnweekly", "period_weeks", K_INT, F(cn_period_weeks), 1, 52},
	{"cnweekly", "max_projects", K_INT, F(cn_max_projects), 0, 50},
	{"cnweekly", "max_articles", K_INT, F(cn_max_articles), 0, 50},
	{"cnweekly", "max_news", K_INT, F(cn_max_news), 0, 50},
	{"cnweekly", "intro", K_STRING, F(cn_intro), 0, 0},
	{"cnweekly", "footer", K_STRING, F(cn_footer), 0, 0},
	{"contributors", "certificate_url", K_STRING, F(certificate_url), 0, 0},
	{"contributors", "certificates", K_STRMAP, F(certificates), 0, 0},
};

void dg_strv_free(dg_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

int dg_strv_push(dg_strv *v, const char *s)
{
	char **nv = realloc(v->v, (v->n + 1) * sizeof(*nv));
	char *copy = strdup(s);

	if (nv)
		v->v = nv;
	if (!nv || !copy) {
		free(copy);
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	}
	v->v[v->n++] = copy;
	return 0;
}

int dg_strv_contains_ci(const dg_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcasecmp(v->v[i], s))
			return 1;
	return 0;
}

static void strmap_free(dg_strmap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->keys[i]);
		free(m->values[i]);
	}
	free(m->keys);
	free(m->values);
	memset(m, 0, sizeof(*m));
}

static int set_string(char **slot, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	free(*slot);
	*slot = copy;
	return 0;
}

/* "~/x" -> $HOME/x; relative -> against `base_dir`. */
static int resolve_path(const char *value, const char *base_dir, char **out)
{
	const char *home = getenv("HOME");
	size_t n;

	if (value[0] == '~' && (value[1] == '/' || value[1] == '\0')) {
		if (!home)
			return dg_err_set(DG_ERR_CONFIG, "cannot expand '~': HOME is not set");
		n = strlen(home) + strlen(value) + 1;
		if (!(*out = malloc(n)))
			return dg_err_set(DG_ERR_NOMEM, "out of memory");
		snprintf(*out, n, "%s%s", home, value + 1);
		return 0;
	}
	if (value[0] == '/' || !base_dir || !*base_dir)
		return (*out = strdup(value)) ? 0 : dg_err_set(DG_ERR_NOMEM, "out of memory");
	n = strlen(base_dir) + strlen(value) + 2;
	if (!(*out = malloc(n)))
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	snprintf(*out, n, "%s/%s", base_dir, value);
	return 0;
}

static const char *type_name_of(const dg_toml *v)
{
	return dg_toml_type_name(dg_toml_type_of(v));
}

static int type_error(const char *file, const dg_toml *v, const char *table, const char *key,
		      const char *expected)
{
	return dg_err_set(DG_ERR_CONFIG, "%s:%d: key '%s.%s': expected %s, got %s", file,
			  dg_toml_line(v), table, key, expected, type_name_of(v));
}

static int apply_key(dg_config *c, const key_spec *spec, const dg_toml *v, const char *file,
		     const char *base_dir)
{
	void *slot = (char *)c + spec->offset;
	const char *s;
	size_t len;
	int err = 0;

	switch (spec->type) {
	case K_STRING:
	case K_PATH:
		if (dg_toml_type_of(v) != DG_TOML_STRING)
			return type_error(file, v, spec->table, spec->key, "string");
		s = dg_toml_string(v, &len);
		if (strlen(s) != len)
			return dg_err_set(DG_ERR_CONFIG, "%s:%d: key '%s.%s': string contains NUL", file,
					  dg_toml_line(v), spec->table, spec->key);
		if (spec->type == K_STRING)
			return set_string(slot, s);
		{
			char *resolved = NULL;
			if ((err = resolve_path(s, base_dir, &resolved)) < 0)
				return err;
			free(*(char **)slot);
			*(char **)slot = resolved;
		}
		return 0;
	case K_INT: {
		int64_t n;
		if (dg_toml_type_of(v) != DG_TOML_INTEGER)
			return type_error(file, v, spec->table, spec->key, "integer");
		n = dg_toml_int(v);
		if (n < spec->min || n > spec->max)
			return dg_err_set(DG_ERR_CONFIG,
					  "%s:%d: key '%s.%s': expected an integer from %d to %d, got %lld",
					  file, dg_toml_line(v), spec->table, spec->key, spec->min,
					  spec->max, (long long)n);
		*(int *)slot = (int)n;
		return 0;
	}
	case K_BOOL:
		if (dg_toml_type_of(v) != DG_TOML_BOOL)
			return type_error(file, v, spec->table, spec->key, "boolean");
		*(int *)slot = dg_toml_bool(v);
		return 0;
	case K_STRV: {
		dg_strv *sv = slot;
		if (dg_toml_type_of(v) != DG_TOML_ARRAY)
			return type_error(file, v, spec->table, spec->key, "array of strings");
		for (size_t i = 0; i < dg_toml_count(v); i++) {
			const dg_toml *item = dg_toml_at(v, i);
			if (dg_toml_type_of(item) != DG_TOML_STRING)
				return dg_err_set(DG_ERR_CONFIG,
						  "%s:%d: key '%s.%s': expected array of strings, got %s at index %zu",
						  file, dg_toml_line(item), spec->table, spec->key,
						  type_name_of(item), i);
		}
		dg_strv_free(sv);
		for (size_t i = 0; i < dg_toml_count(v); i++)
			if ((err = dg_strv_push(sv, dg_toml_string(dg_toml_at(v, i), &len))) < 0)
				return err;
		return 0;
	}
	case K_STRMAP: {
		dg_strmap *m = slot;
		size_t n = dg_toml_count(v);
		if (dg_toml_type_of(v) != DG_TOML_TABLE)
			return type_error(file, v, spec->table, spec->key, "table of strings");
		strmap_free(m);
		m->keys = calloc(n + 1, sizeof(char *));
		m->values = calloc(n + 1, sizeof(char *));
		if (!m->keys || !m->values)
			return dg_err_set(DG_ERR_NOMEM, "out of memory");
		for (size_t i = 0; i < n; i++) {
			const dg_toml *item = dg_toml_at(v, i);
			if (dg_toml_type_of(item) != DG_TOML_STRING)
				return dg_err_set(DG_ERR_CONFIG,
						  "%s:%d: key '%s.%s.%s': expected string, got %s", file,
						  dg_toml_line(item), spec->table, spec->key,
						  dg_toml_key_at(v, i), type_name_of(item));
			m->keys[i] = strdup(dg_toml_key_at(v, i));
			m->values[i] = strdup(dg_toml_string(item, &len));
			m->n = i + 1;
			if (!m->keys[i] || !m->values[i])
				return dg_err_set(DG_ERR_NOMEM, "out of memory");
		}
		return 0;
	}
	}
	return 0;
}

static const key_spec *find_spec(const char *table, const char *key)
{
	for (size_t i = 0; i < sizeof(schema) / sizeof(schema[0]); i++)
		if (!strcmp(schema[i].table, table) && !strcmp(schema[i].key, key))
			return &schema[i];
	return NULL;
}

static int table_known(const char *table)
{
	for (size_t i = 0; i < sizeof(schema) / sizeof(schema[0]); i++)
		if (!strcmp(schema[i].table, table))
			return 1;
	return 0;
}

static int set_defaults(dg_config *c)
{
	const char *xdg_state = getenv("XDG_STATE_HOME");
	int err = 0;
	char *state = NULL;

	if (xdg_state && *xdg_state) {
		size_t n = strlen(xdg_state) + 8;
		if ((state = malloc(n)))
			snprintf(state, n, "%s/digest", xdg_state);
	} else if ((err = resolve_path("~/.local/state/digest", NULL, &state)) < 0) {
		/* No HOME: fall back to a directory beside the outputs. */
		state = strdup(".digest-state");
		err = 0;
	}
	if (!state)
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	c->state_dir = state;
	if ((err = set_string(&c->language, "zh")) < 0 ||
	    (err = set_string(&c->timezone, "UTC")) < 0 ||
	    (err = set_string(&c->output_dir, "out")) < 0 ||
	    (err = set_string(&c->api_url, "https://api.github.com")) < 0 ||
	    (err = set_string(&c->token_env, "GITHUB_TOKEN")) < 0 ||
	    (err = set_string(&c->event_label, "event")) < 0 ||
	    (err = set_string(&c->author, "digest")) < 0)
		return err;
	c->concurrency = 4;
	c->max_wait = 900;
	c->timeout = 1800;
	c->upcoming_days = 14;
	c->highlights_per_repo = 10;
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
	if ((err = dg_strv_push(&c->cn_topics, "cloud-native")) < 0 ||
	    (err = dg_strv_push(&c->cn_topics, "kubernetes")) < 0)
		return err;
	return 0;
}

static int valid_repo_name(const char *s)
{
	const char *slash = strchr(s, '/');

	return slash && slash != s && slash[1] && !strchr(slash + 1, '/') && !strchr(s, ' ');
}

/* Checks across keys, after the whole file is read. */
static int validate(const dg_config *c, const dg_toml *root, const char *file)
{
	const dg_toml *t;
	int line = 0;

#define LINE_OF(table, key)                                                        \
	(line = ((t = dg_toml_get(root, table)) && (t = dg_toml_get(t, key))) ? dg_toml_line(t) : 0)

	if (strcmp(c->language, "zh") && strcmp(c->language, "en")) {
		LINE_OF("digest", "language");
		return dg_err_set(DG_ERR_CONFIG, "%s:%d: key 'digest.language': expected \"zh\" or \"en\", got \"%s\"",
				  file, line, c->language);
	}
	if (!dg_date_zone_exists(c->timezone)) {
		LINE_OF("digest", "timezone");
		return dg_err_set(DG_ERR_CONFIG,
				  "%s:%d: key 'digest.timezone': expected an IANA zone name such as \"Asia/Shanghai\", got \"%s\"",
				  file, line, c->timezone);
	}
	if (strncmp(c->api_url, "https://", 8) && strncmp(c->api_url, "http://", 7)) {
		LINE_OF("github", "api_url");
		return dg_err_set(DG_ERR_CONFIG, "%s:%d: key 'github.api_url': expected an http(s) URL, got \"%s\"",
				  file, line, c->api_url);
	}
	const struct { const dg_strv *v; const char *table, *key; } repo_lists[] = {
		{&c->repos, "github", "repos"},
		{&c->exclude_repos, "github", "exclude_repos"},
		{&c->event_repos, "events", "repos"},
	};
	for (size_t i = 0; i < sizeof(repo_lists) / sizeof(repo_lists[0]); i++)
		for (size_t j = 0; j < repo_lists[i].v->n; j++)
			if (!valid_repo_name(repo_lists[i].v->v[j])) {
				LINE_OF(repo_lists[i].table, repo_lists[i].key);
				return dg_err_set(DG_ERR_CONFIG,
						  "%s:%d: key '%s.%s': expected \"owner/name\", got \"%s\"", file,
						  line, repo_lists[i].table, repo_lists[i].key,
						  repo_lists[i].v->v[j]);
			}
	for (size_t j = 0; j < c->cn_watch_repos.n; j++)
		if (!valid_repo_name(c->cn_watch_repos.v[j])) {
			LINE_OF("cnweekly", "watch_repos");
			return dg_err_set(DG_ERR_CONFIG, "%s:%d: key 'cnweekly.watch_repos': expected \"owner/name\", got \"%s\"",
					  file, line, c->cn_watch_repos.v[j]);
		}
	if (c->report_reference_date) {
		int64_t ref;
		if (dg_date_parse_day(c->report_reference_date, "UTC", &ref) < 0) {
			LINE_OF("report", "reference_date");
			return dg_err_set(DG_ERR_CONFIG, "%s:%d: key 'report.reference_date': expected YYYY-MM-DD, got \"%s\"",
					  file, line, c->report_reference_date);
		}
	}
	if (c->cn_reference_date) {
		int64_t ref;
		if (dg_date_parse_day(c->cn_reference_date, "UTC", &ref) < 0) {
			LINE_OF("cnweekly", "reference_date");
			return dg_err_set(DG_ERR_CONFIG, "%s:%d: key 'cnweekly.reference_date': expected YYYY-MM-DD, got \"%s\"",
					  file, line, c->cn_reference_date);
		}
	}
	for (size_t j = 0; j < c->orgs.n; j++)
		if (!*c->orgs.v[j] || strchr(c->orgs.v[j], '/')) {
			LINE_OF("github", "orgs");
			return dg_err_set(DG_ERR_CONFIG, "%s:%d: key 'github.orgs': expected organisation logins, got \"%s\"",
					  file, line, c->orgs.v[j]);
		}
#undef LINE_OF
	return 0;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int dg_config_load(const char *path, dg_config **out)
{
	dg_config *c = calloc(1, sizeof(*c));
	dg_toml *root = NULL;
	char *base_dir = NULL;
	int err = 0;

	*out = NULL;
	if (!c)
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	if ((err = set_defaults(c)) < 0)
		goto done;
	if (!path) {
		if (!(c->cn_picks_dir = strdup("feeds/picks"))) {
			dg_config_free(c);
			return dg_err_set(DG_ERR_NOMEM, "out of memory");
		}
		*out = c;
		return 0;
	}
	if ((err = dg_toml_parse_file(path, &root)) < 0) {
		err = DG_ERR_CONFIG;
		goto done;
	}
	if (!(c->path = strdup(path)) || !(base_dir = dir_of(path))) {
		err = dg_err_set(DG_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < dg_toml_count(root); i++) {
		const char *table = dg_toml_key_at(root, i);
		const dg_toml *tv = dg_toml_at(root, i);

		if (!table_known(table)) {
			err = dg_err_set(DG_ERR_CONFIG, "%s:%d: unknown table '%s'", path,
					 dg_toml_line(tv), table);
			goto done;
		}
		if (dg_toml_type_of(tv) != DG_TOML_TABLE) {
			err = dg_err_set(DG_ERR_CONFIG, "%s:%d: '%s': expected a table, got %s", path,
					 dg_toml_line(tv), table, type_name_of(tv));
			goto done;
		}
		for (size_t j = 0; j < dg_toml_count(tv); j++) {
			const char *key = dg_toml_key_at(tv, j);
			const key_spec *spec = find_spec(table, key);

			if (!spec) {
				err = dg_err_set(DG_ERR_CONFIG, "%s:%d: unknown key '%s.%s'", path,
						 dg_toml_line(dg_toml_at(tv, j)), table, key);
				goto done;
			}
			if ((err = apply_key(c, spec, dg_toml_at(tv, j), path, base_dir)) < 0)
				goto done;
		}
	}
	if (!(err = validate(c, root, path)) && !c->cn_picks_dir)
		err = resolve_path("feeds/picks", base_dir, &c->cn_picks_dir);
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
	for (size_t i = 0; i < sizeof(schema) / sizeof(schema[0]); i++) {
		void *slot = (char *)c + schema[i].offset;
		switch (schema[i].type) {
		case K_STRING:
		case K_PATH:
			free(*(char **)slot);
			break;
		case K_STRV:
			dg_strv_free(slot);
			break;
		case K_STRMAP:
			strmap_free(slot);
			break;
		default:
			break;
		}
	}
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
		return (*path = strdup(p)) ? 0 : dg_err_set(DG_ERR_NOMEM, "out of memory");
	}
	if (file_exists("digest.toml"))
		return (*path = strdup("digest.toml")) ? 0 : dg_err_set(DG_ERR_NOMEM, "out of memory");
	if (xdg && *xdg)
		snprintf(candidate, sizeof(candidate), "%s/digest/config.toml", xdg);
	else if (home)
		snprintf(candidate, sizeof(candidate), "%s/.config/digest/config.toml", home);
	else
		return 0;
	if (file_exists(candidate))
		return (*path = strdup(candidate)) ? 0 : dg_err_set(DG_ERR_NOMEM, "out of memory");
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
