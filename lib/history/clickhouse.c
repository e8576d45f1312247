/* clickhouse.c - the weeks' counts from a table of GitHub events in
 * ClickHouse (the columns of ClickHouse's public github_events dataset,
 * GH Archive loaded into ClickHouse): one query per run over its HTTP
 * interface, the rows as JSONEachRow, counted as the report counts.
 *
 * The query is plain SQL that ClickHouse 18.16 (Debian bookworm's) runs:
 * subqueries, ANY LEFT JOIN ... USING, min, any, toUInt32, toDateTime. A
 * merged pull request is a PullRequestEvent with action 'closed' and
 * merged = 1; GH Archive may hold such an event twice, so rows are one per
 * repository and number. The credentials go in X-ClickHouse-User and
 * X-ClickHouse-Key headers and the password is scrubbed from everything the
 * HTTP client logs or hands back. */
#include "history/history.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "github/collect.h"

#include <stdlib.h>
#include <string.h>

/* A repository name that can go between quotes as is (GitHub's own names:
 * letters, digits, '-', '_', '.' and one '/'). */
static int plain_name(const char *s)
{
	if (!*s)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("-_./", *p)))
			return 0;
	return 1;
}

static void put_where(dg_buf *q, const dg_history_opts *o, char *const *repos, size_t n_repos)
{
	dg_buf_puts(q, " FROM ");
	if (o->database)
		dg_buf_printf(q, "%s.", o->database);
	dg_buf_printf(q, "%s WHERE event_type = 'PullRequestEvent' AND action = 'closed' AND merged = 1"
		      " AND repo_name IN (", o->table);
	for (size_t i = 0, k = 0; i < n_repos; i++)
		if (plain_name(repos[i]))
			dg_buf_printf(q, "%s'%s'", k++ ? ", " : "", repos[i]);
	dg_buf_puts(q, ")");
}

char *dg_clickhouse_query(const dg_history_opts *o, char *const *repos, size_t n_repos, int64_t lo, int64_t hi)
{
	dg_buf q = DG_BUF_INIT;   /* no cap: cannot fail */

	dg_buf_puts(&q, "SELECT p.repo_name AS repo, p.number AS number, p.login AS login, p.t AS merged, first_merged"
		    " FROM (SELECT repo_name, number, any(creator_user_login) AS login, toUInt32(min(merged_at)) AS t");
	put_where(&q, o, repos, n_repos);
	dg_buf_printf(&q, " AND merged_at >= toDateTime(%lld) AND merged_at < toDateTime(%lld)"
		      " GROUP BY repo_name, number) AS p ANY LEFT JOIN (SELECT creator_user_login AS login,"
		      " toUInt32(min(merged_at)) AS first_merged", (long long)lo, (long long)hi);
	put_where(&q, o, repos, n_repos);
	dg_buf_puts(&q, " GROUP BY login) USING login ORDER BY merged, repo, number FORMAT JSONEachRow\n");
	return dg_buf_detach(&q);
}

/* A number of a row: JSON number, or text (ClickHouse may quote 64-bit
 * integers); -1 when neither. */
static int64_t row_int(json_t *row, const char *key)
{
	json_t *v = json_object_get(row, key);
	const char *s;
	char *end;
	long long n;

	if (json_is_integer(v))
		return json_integer_value(v);
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	n = strtoll(s, &end, 10);
	return *s && !*end && n >= 0 ? n : -1;
}

int dg_clickhouse_count(const dg_config *cfg, const char *rows, size_t len, dg_week *weeks, size_t n)
{
	json_t **pulls = dg_calloc(n + 1, sizeof(*pulls));
	int64_t *fresh = dg_calloc(n + 1, sizeof(*fresh));
	json_t **seen = dg_calloc(n + 1, sizeof(*seen));
	const char *p = rows, *end = rows + len;
	size_t line = 0, i;
	int err = 0;

	for (i = 0; i < n; i++) {
		pulls[i] = json_array();
		seen[i] = json_object();
	}
	while (p < end && !err) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_t *row;
		int64_t t, first;
		const char *login;

		line++;
		if (l == 0) {
			p += 1;
			continue;
		}
		row = json_loadb(p, l, 0, NULL);
		p += l + (nl != NULL);
		t = row_int(row, "merged");
		first = row_int(row, "first_merged");
		login = json_string_value(json_object_get(row, "login"));
		if (!json_is_object(row) || t < 0 || !login) {
			err = dg_err_set(DG_ERR_FAIL, "clickhouse: row %zu: expected {\"repo\",\"number\",\"login\","
					 "\"merged\",\"first_merged\"}", line);
		} else {
			for (i = 0; i < n; i++)
				if (t >= weeks[i].since && t < weeks[i].until) {
					json_array_append_new(pulls[i], json_pack("{s:s, s:s}", "author", login,
										  "author_type", "User"));
					/* New: the first merge falls in this week (0: no first known, a
					 * server's join default: not counted) */
					if (first > 0 && first >= weeks[i].since && first < weeks[i].until &&
					    !dg_collect_is_bot(cfg, login, NULL) && !json_object_get(seen[i], login)) {
						json_object_set_new(seen[i], login, json_true());
						fresh[i]++;
					}
				}
		}
		json_decref(row);
	}
	for (i = 0; i < n && !err; i++) {
		dg_weekly_count(cfg, pulls[i], &weeks[i].merged_prs, &weeks[i].contributors);
		weeks[i].new_contributors = fresh[i];
	}
	for (i = 0; i < n; i++) {
		json_decref(pulls[i]);
		json_decref(seen[i]);
	}
	free(pulls);
	free(seen);
	free(fresh);
	return err;
}

typedef struct answer {
	char *body;
	size_t len;
	char *error;
} answer;

static void on_rows(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	answer *a = ud;

	(void)h;
	if (err < 0) {
		a->error = dg_strdup(msg ? msg : "no answer");
		return;
	}
	a->body = dg_malloc(resp->len + 1);
	memcpy(a->body, resp->body, resp->len);
	a->body[resp->len] = '\0';
	a->len = resp->len;
}

int dg_clickhouse_weeks(const dg_config *cfg, const dg_history_opts *o, dg_http *http, json_t *repos, dg_week *weeks,
			size_t n, json_t *warnings, json_t *failures)
{
	size_t nr = json_array_size(repos), i;
	char **names = dg_calloc(nr + 1, sizeof(*names));
	const char *user = o->user_env && *o->user_env ? getenv(o->user_env) : NULL;
	const char *password = o->password_env && *o->password_env ? getenv(o->password_env) : NULL;
	dg_buf url = DG_BUF_INIT, h_user = DG_BUF_INIT, h_key = DG_BUF_INIT;
	const char *headers[3] = {NULL, NULL, NULL};
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	answer a = {0};
	char *q = NULL;
	json_t *r;
	int err = 0;

	if (!n)
		goto done;
	size_t plain = 0;
	json_array_foreach(repos, i, r) {
		names[i] = dg_strdup(dg_json_str(r, "full_name"));
		plain += plain_name(names[i]);
	}
	if (!plain) {
		/* Nothing watched: nothing merged (and "IN ()" is no SQL). */
		for (i = 0; i < n; i++)
			weeks[i].merged_prs = weeks[i].contributors = weeks[i].new_contributors = 0;
		goto done;
	}
	for (i = 0; i < n; i++) {
		lo = weeks[i].since < lo ? weeks[i].since : lo;
		hi = weeks[i].until > hi ? weeks[i].until : hi;
	}
	q = dg_clickhouse_query(o, names, nr, lo, hi);
	dg_buf_printf(&url, "%s%s", o->url, o->url[strlen(o->url) - 1] == '/' ? "" : "/");
	if ((user && strpbrk(user, "\r\n")) || (password && strpbrk(password, "\r\n"))) {
		/* a header line each: a line break would make another header */
		a.error = dg_strdup("the user or password variable holds a line break (history.user_env, "
				    "history.password_env)");
	} else if (user && *user) {
		dg_buf_printf(&h_user, "X-ClickHouse-User: %s", user);
		headers[0] = dg_buf_cstr(&h_user);
		if (password && *password) {
			dg_http_add_secret(http, password);
			dg_buf_printf(&h_key, "X-ClickHouse-Key: %s", password);
			headers[1] = dg_buf_cstr(&h_key);
		}
	}
	if (a.error) {
		;   /* not sent */
	} else if (dg_http_post_query(http, dg_buf_cstr(&url), "text/plain; charset=utf-8", headers, q, strlen(q),
				      on_rows, &a) < 0) {
		a.error = dg_strdup(dg_err_last());
		dg_err_clear();
	} else if ((err = dg_http_run(http)) < 0) {
		goto done;
	}
	if (!a.error && dg_clickhouse_count(cfg, a.body, a.len, weeks, n) < 0) {
		a.error = dg_strdup(dg_err_last());
		dg_err_clear();
	}
	if (a.error) {
		for (i = 0; i < n; i++)
			weeks[i].merged_prs = weeks[i].contributors = weeks[i].new_contributors = -1;
		dg_json_appendf(failures, "clickhouse (history.url): %s", a.error);
		dg_json_appendf(warnings, "clickhouse (history.url): %s", a.error);
	}
done:
	for (i = 0; i < nr; i++)
		free(names[i]);
	free(names);
	free(q);
	free(a.body);
	free(a.error);
	dg_buf_free(&url);
	if (h_key.ptr)
		memset(h_key.ptr, 0, h_key.len);
	dg_buf_free(&h_user);
	dg_buf_free(&h_key);
	return err;
}
