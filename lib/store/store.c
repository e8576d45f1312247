#include "store/store.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/output.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct dg_store {
	sqlite3 *db;
	char *path;
	int lock_fd;
};

/* Each entry moves the schema one version up; never edit a shipped one. */
static const char *const migrations[] = {
	/* 1 */
	"CREATE TABLE http_cache (url TEXT PRIMARY KEY, etag TEXT NOT NULL, link_next TEXT,"
	" body BLOB NOT NULL, fetched_at INTEGER NOT NULL);"
	"CREATE TABLE contributors (scope TEXT NOT NULL, login TEXT NOT NULL COLLATE NOCASE,"
	" user_id INTEGER, first_repo TEXT, first_number INTEGER, first_url TEXT,"
	" first_merged_at INTEGER, exact INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (scope, login));"
	"CREATE TABLE published (kind TEXT NOT NULL, issue TEXT NOT NULL, item TEXT NOT NULL,"
	" PRIMARY KEY (kind, issue, item));"
	"CREATE INDEX published_item ON published (kind, item);"
	"CREATE TABLE issues (kind TEXT NOT NULL, period TEXT NOT NULL, number INTEGER NOT NULL,"
	" PRIMARY KEY (kind, period));",
	/* 2: what a probe proved of an API base's search syntax */
	"CREATE TABLE search_semantics (api TEXT PRIMARY KEY, or_terms INTEGER NOT NULL,"
	" proven_at INTEGER NOT NULL);",
	/* 3: things kept by name: fetched avatars, the WeChat draft of an issue */
	"CREATE TABLE kept (ns TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,"
	" kept_at INTEGER NOT NULL, PRIMARY KEY (ns, key));",
	/* 4: the period numbered first, when the config gives no reference */
	"CREATE TABLE issue_reference (kind TEXT PRIMARY KEY, since INTEGER NOT NULL,"
	" number INTEGER NOT NULL);",
	/* 5: a cached list page's Link rel="last" (its pages asked for at once) */
	"ALTER TABLE http_cache ADD COLUMN link_last TEXT;",
	/* 6: deliveries per issue and channel; what a feed entry of a recorded issue needs */
	"CREATE TABLE deliveries (series TEXT NOT NULL, period TEXT NOT NULL, channel TEXT NOT NULL,"
	" detail TEXT NOT NULL, delivered_at INTEGER NOT NULL, PRIMARY KEY (series, period, channel));"
	"CREATE TABLE feed_entries (kind TEXT NOT NULL, series TEXT NOT NULL, period TEXT NOT NULL,"
	" since INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (series, period));"
	"CREATE INDEX feed_entries_kind ON feed_entries (kind, since);",
	/* 7: the editor's texts by item URL, reused by every later issue that shows the item */
	"CREATE TABLE edits (url TEXT PRIMARY KEY, text TEXT NOT NULL, edited_at INTEGER NOT NULL);",
	/* 8: a week's counts for the trends (lib/history/): from a run, REST or ClickHouse */
	"CREATE TABLE trend_weeks (scope TEXT NOT NULL, source TEXT NOT NULL, since INTEGER NOT NULL,"
	" until INTEGER NOT NULL, merged_prs INTEGER NOT NULL, contributors INTEGER NOT NULL,"
	" new_contributors INTEGER, kept_at INTEGER NOT NULL, PRIMARY KEY (scope, source, since, until));",
};

#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

static int db_error(dg_store *s, const char *what)
{
	return dg_err_set(DG_ERR_FAIL, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int exec(dg_store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int err = dg_err_set(DG_ERR_FAIL, "%s: %s", s->path, msg ? msg : "sqlite error");
		sqlite3_free(msg);
		return err;
	}
	return 0;
}

static int take_lock(dg_store *s, const char *dir, int lock_wait)
{
	char path[4096];
	int waited = 0;

	snprintf(path, sizeof(path), "%s/digest.lock", dir);
	s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (s->lock_fd < 0)
		return dg_err_set(DG_ERR_FAIL, "%s: cannot open lock file: %s", path, strerror(errno));
	while (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK)
			return dg_err_set(DG_ERR_FAIL, "%s: cannot lock: %s", path, strerror(errno));
		if (waited >= lock_wait * 10)
			return dg_err_set(DG_ERR_FAIL,
					  "%s: another digest run is using this state store (waited %d s)",
					  dir, lock_wait);
		if (waited == 0 && lock_wait > 0)
			dg_msg(DG_MSG_NOTICE, "waiting for another run using %s", dir);
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
		waited++;
	}
	return 0;
}

static int migrate(dg_store *s)
{
	sqlite3_stmt *st = NULL;
	int version = 0, err = 0;

	if ((err = exec(s, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")) < 0)
		return err;
	if (sqlite3_prepare_v2(s->db, "SELECT max(version) FROM schema_version", -1, &st, NULL) != SQLITE_OK)
		return db_error(s, "reading schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > SCHEMA_VERSION)
		return dg_err_set(DG_ERR_FAIL,
				  "%s: schema version %d is newer than this digest understands (%d)",
				  s->path, version, SCHEMA_VERSION);
	for (int v = version; v < SCHEMA_VERSION; v++) {
		char bump[96];
		if ((err = exec(s, "BEGIN IMMEDIATE")) < 0)
			return err;
		snprintf(bump, sizeof(bump), "INSERT INTO schema_version VALUES (%d)", v + 1);
		if ((err = exec(s, migrations[v])) < 0 || (err = exec(s, bump)) < 0) {
			exec(s, "ROLLBACK");
			return err;
		}
		if ((err = exec(s, "COMMIT")) < 0)
			return err;
	}
	return 0;
}

int dg_store_open(const char *dir, int lock_wait, dg_store **out)
{
	dg_store *s = dg_calloc(1, sizeof(*s));
	size_t n = strlen(dir) + sizeof(DG_STORE_FILE) + 2;
	int err = 0;

	*out = NULL;
	s->lock_fd = -1;
	s->path = dg_malloc(n);
	snprintf(s->path, n, "%s/%s", dir, DG_STORE_FILE);
	if ((err = dg_output_mkdirs(dir)) < 0 || (err = take_lock(s, dir, lock_wait)) < 0)
		goto done;
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		err = db_error(s, "cannot open");
		goto done;
	}
	sqlite3_busy_timeout(s->db, 30000);
	if ((err = exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON")) < 0)
		goto done;
	err = migrate(s);
done:
	if (err < 0)
		dg_store_close(s);
	else
		*out = s;
	return err;
}

void dg_store_close(dg_store *s)
{
	if (!s)
		return;
	if (s->db)
		sqlite3_close(s->db);
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* releases the flock */
	free(s->path);
	free(s);
}

int dg_store_schema_version(dg_store *s)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "SELECT max(version) FROM schema_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

int dg_store_begin(dg_store *s) { return exec(s, "BEGIN IMMEDIATE"); }
int dg_store_commit(dg_store *s) { return exec(s, "COMMIT"); }
int dg_store_rollback(dg_store *s) { return exec(s, "ROLLBACK"); }

/* Prepare, bind text/int arguments by a tiny format ("s" text, "i" int64,
 * "b" blob+len, "n" null), so each query below stays one readable call. */
static int prepare(dg_store *s, sqlite3_stmt **st, const char *sql, const char *fmt, ...)
{
	va_list ap;
	int i = 1;

	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_error(s, "preparing a query");
	va_start(ap, fmt);
	for (const char *f = fmt; *f; f++, i++) {
		switch (*f) {
		case 's': {
			const char *v = va_arg(ap, const char *);
			if (v)
				sqlite3_bind_text(*st, i, v, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(*st, i);
			break;
		}
		case 'i':
			sqlite3_bind_int64(*st, i, va_arg(ap, int64_t));
			break;
		case 'b': {
			const void *v = va_arg(ap, const void *);
			size_t len = va_arg(ap, size_t);
			sqlite3_bind_blob64(*st, i, v ? v : "", len, SQLITE_TRANSIENT);
			break;
		}
		}
	}
	va_end(ap);
	return 0;
}

static int step_done(dg_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(s, what);
}

static char *column_strdup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? dg_strdup((const char *)t) : NULL;
}

int dg_store_cache_get(dg_store *s, const char *url, char **etag, char **link_next, char **link_last,
		       char **body, size_t *len)
{
	sqlite3_stmt *st;
	int err, rc;

	*etag = *body = *link_next = *link_last = NULL;
	*len = 0;
	if ((err = prepare(s, &st, "SELECT etag, body, link_next, link_last FROM http_cache WHERE url = ?", "s",
			   url)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int n = sqlite3_column_bytes(st, 1);
		const void *b = sqlite3_column_blob(st, 1);
		*etag = column_strdup(st, 0);
		*link_next = column_strdup(st, 2);
		*link_last = column_strdup(st, 3);
		*body = dg_malloc((size_t)n + 1);
		if (n)
			memcpy(*body, b, (size_t)n);
		(*body)[n] = '\0';
		*len = (size_t)n;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db_error(s, "reading the HTTP cache");
}

int dg_store_cache_put(dg_store *s, const char *url, const char *etag, const char *link_next,
		       const char *link_last, const char *body, size_t len)
{
	sqlite3_stmt *st;
	int err;

	if ((err = prepare(s, &st,
			   "INSERT INTO http_cache (url, etag, link_next, link_last, body, fetched_at)"
			   " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,"
			   " link_next = excluded.link_next, link_last = excluded.link_last,"
			   " body = excluded.body, fetched_at = excluded.fetched_at",
			   "ssssbi", url, etag, link_next, link_last, body, len, (int64_t)time(NULL))) < 0)
		return err;
	return step_done(s, st, "writing the HTTP cache");
}

void dg_contributor_clear(dg_contributor *c)
{
	if (!c)
		return;
	free(c->login);
	free(c->first_repo);
	free(c->first_url);
	memset(c, 0, sizeof(*c));
}

int dg_store_contributor_get(dg_store *s, const char *scope, const char *login, dg_contributor *out)
{
	sqlite3_stmt *st;
	int err, rc;

	memset(out, 0, sizeof(*out));
	if ((err = prepare(s, &st,
			   "SELECT login, user_id, first_repo, first_number, first_url, first_merged_at, exact"
			   " FROM contributors WHERE scope = ? AND login = ?",
			   "ss", scope, login)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->login = column_strdup(st, 0);
		out->user_id = sqlite3_column_int64(st, 1);
		out->first_repo = column_strdup(st, 2);
		out->first_number = sqlite3_column_int64(st, 3);
		out->first_url = column_strdup(st, 4);
		out->first_merged_at = sqlite3_column_int64(st, 5);
		out->exact = sqlite3_column_int(st, 6);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db_error(s, "reading contributors");
}

int dg_store_contributor_put(dg_store *s, const char *scope, const dg_contributor *c)
{
	sqlite3_stmt *st;
	int err;

	if ((err = prepare(s, &st,
			   "INSERT OR REPLACE INTO contributors (scope, login, user_id, first_repo,"
			   " first_number, first_url, first_merged_at, exact) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			   "ssisisii", scope, c->login, c->user_id, c->first_repo, c->first_number,
			   c->first_url, c->first_merged_at, (int64_t)c->exact)) < 0)
		return err;
	return step_done(s, st, "writing contributors");
}

int dg_store_published_add(dg_store *s, const char *kind, const char *issue, const char *item)
{
	sqlite3_stmt *st;
	int err;

	if ((err = prepare(s, &st, "INSERT OR IGNORE INTO published (kind, issue, item) VALUES (?, ?, ?)",
			   "sss", kind, issue, item)) < 0)
		return err;
	return step_done(s, st, "recording a published item");
}

int dg_store_published_elsewhere(dg_store *s, const char *kind, const char *issue, const char *item)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = prepare(s, &st,
			   "SELECT 1 FROM published WHERE kind = ? AND item = ? AND issue <> ? LIMIT 1",
			   "sss", kind, item, issue)) < 0)
		return err;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db_error(s, "reading published items");
}

int dg_store_published_clear(dg_store *s, const char *kind, const char *issue)
{
	sqlite3_stmt *st;
	int err;

	if ((err = prepare(s, &st, "DELETE FROM published WHERE kind = ? AND issue = ?", "ss", kind, issue)) < 0)
		return err;
	return step_done(s, st, "clearing published items");
}

int dg_store_issue_get(dg_store *s, const char *kind, const char *period, int *number)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = prepare(s, &st, "SELECT number FROM issues WHERE kind = ? AND period = ?", "ss",
			   kind, period)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*number = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db_error(s, "reading issue numbers");
}

int dg_store_issue_put(dg_store *s, const char *kind, const char *period, int number)
{
	sqlite3_stmt *st;
	int err;

	if ((err = prepare(s, &st, "INSERT OR REPLACE INTO issues (kind, period, number) VALUES (?, ?, ?)",
			   "ssi", kind, period, (int64_t)number)) < 0)
		return err;
	return step_done(s, st, "writing issue numbers");
}

int dg_store_issue_max(dg_store *s, const char *kind, int *number)
{
	sqlite3_stmt *st;
	int err, rc;

	*number = 0;
	if ((err = prepare(s, &st, "SELECT coalesce(max(number), 0) FROM issues WHERE kind = ?", "s", kind)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*number = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_error(s, "reading issue numbers");
}

/* One row of two integers for a text key: 1 found, 0 not, <0 failed. */
static int get_pair(dg_store *s, const char *sql, const char *key, int64_t *a, int64_t *b, const char *what)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = prepare(s, &st, sql, "s", key)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*a = sqlite3_column_int64(st, 0);
		*b = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db_error(s, what);
}

int dg_store_reference_get(dg_store *s, const char *kind, int64_t *since, int *number)
{
	int64_t n = 0;
	int found = get_pair(s, "SELECT since, number FROM issue_reference WHERE kind = ?", kind, since, &n,
			     "reading the issue reference");

	*number = (int)n;
	return found;
}

int dg_store_reference_put(dg_store *s, const char *kind, int64_t since, int number)
{
	sqlite3_stmt *st;
	int err;

	if ((err = prepare(s, &st, "INSERT OR REPLACE INTO issue_reference (kind, since, number) VALUES (?, ?, ?)",
			   "sii", kind, since, (int64_t)number)) < 0)
		return err;
	return step_done(s, st, "writing the issue reference");
}

/* The label in `col` is of a two-week period: "2024-W21-W22",
 * "2024-W52-2025-W01". Every other label (weeks, ranges) is the weekly's. */
#define BIWEEKLY(col) "(" col " GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]-W[0-9][0-9]' OR " \
		      col " GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]-[0-9][0-9][0-9][0-9]-W[0-9][0-9]')"
/* The label of a kept draft's key. */
#define DRAFT_LABEL "substr(key, length(?1) + 2)"
/* A draft of the bare kind: "<kind>/<label>", the label without a '/' (a
 * series' own key, "<kind>/<community>/w1/<label>", has more). */
#define ADOPT_DRAFTS "UPDATE OR IGNORE kept SET key = ?2 || substr(key, length(?1) + 1) WHERE ns = 'wechat_draft' " \
		     "AND substr(key, 1, length(?1) + 1) = ?1 || '/' AND instr(" DRAFT_LABEL ", '/') = 0 AND "

int dg_store_series_adopt(dg_store *s, const char *kind, const char *series, int biweekly)
{
	static const char *const sql[2][3] = {
		{"UPDATE OR IGNORE issues SET kind = ?2 WHERE kind = ?1 AND NOT " BIWEEKLY("period"),
		 "UPDATE OR IGNORE published SET kind = ?2 WHERE kind = ?1 AND NOT " BIWEEKLY("issue"),
		 ADOPT_DRAFTS "NOT " BIWEEKLY(DRAFT_LABEL)},
		{"UPDATE OR IGNORE issues SET kind = ?2 WHERE kind = ?1 AND " BIWEEKLY("period"),
		 "UPDATE OR IGNORE published SET kind = ?2 WHERE kind = ?1 AND " BIWEEKLY("issue"),
		 ADOPT_DRAFTS BIWEEKLY(DRAFT_LABEL)},
	};
	sqlite3_stmt *st;
	int err, adopted = 0;

	/* The common case, a store with nothing from before series: one read. */
	if ((err = prepare(s, &st, "SELECT 1 FROM issues WHERE kind = ?1 UNION ALL SELECT 1 FROM issue_reference "
			   "WHERE kind = ?1 UNION ALL SELECT 1 FROM published WHERE kind = ?1 LIMIT 1", "s", kind)) < 0)
		return err;
	err = sqlite3_step(st);
	sqlite3_finalize(st);
	if (err == SQLITE_DONE)
		return 0;
	if (err != SQLITE_ROW)
		return db_error(s, "reading issue numbers");
	if ((err = dg_store_begin(s)) < 0)
		return err;
	for (int i = 0; i < 3 && !err; i++)
		if (!(err = prepare(s, &st, sql[biweekly != 0][i], "ss", kind, series)) &&
		    !(err = step_done(s, st, "adopting the numbers of an older store")))
			adopted += sqlite3_changes(s->db);
	/* The reference goes with the numbers it numbered. */
	if (!err && (err = prepare(s, &st, "UPDATE issue_reference SET kind = ?2 WHERE kind = ?1 AND "
				   "EXISTS (SELECT 1 FROM issues WHERE kind = ?2) AND "
				   "NOT EXISTS (SELECT 1 FROM issue_reference WHERE kind = ?2)", "ss", kind, series)) == 0)
		err = step_done(s, st, "adopting the numbers of an older store");
	if (!err)
		err = dg_store_commit(s);
	if (err < 0) {
		dg_store_rollback(s);
		return err;
	}
	return adopted;
}

int dg_store_search_or_get(dg_store *s, const char *api, int *terms, int64_t *proven_at)
{
	int64_t t = 0;
	int found;

	*proven_at = 0;
	found = get_pair(s, "SELECT or_terms, proven_at FROM search_semantics WHERE api = ?", api, &t, proven_at,
			 "reading search semantics");
	*terms = found == 1 ? (int)t : 0;
	return found;
}

int dg_store_search_or_put(dg_store *s, const char *api, int terms, int64_t proven_at)
{
	sqlite3_stmt *st;
	int err;

	if (terms < 2)
		err = prepare(s, &st, "DELETE FROM search_semantics WHERE api = ?", "s", api);
	else
		err = prepare(s, &st, "INSERT OR REPLACE INTO search_semantics (api, or_terms, proven_at)"
			      " VALUES (?, ?, ?)", "sii", api, (int64_t)terms, proven_at);
	if (err < 0)
		return err;
	return step_done(s, st, "writing search semantics");
}

int dg_store_kept_get(dg_store *s, const char *ns, const char *key, char **value, size_t *len)
{
	sqlite3_stmt *st;
	int err, rc;

	*value = NULL;
	*len = 0;
	if ((err = prepare(s, &st, "SELECT value FROM kept WHERE ns = ? AND key = ?", "ss", ns, key)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int n = sqlite3_column_bytes(st, 0);
		const void *b = sqlite3_column_blob(st, 0);
		*value = dg_malloc((size_t)n + 1);
		if (n)
			memcpy(*value, b, (size_t)n);
		(*value)[n] = '\0';
		*len = (size_t)n;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db_error(s, "reading kept values");
}

int dg_store_kept_put(dg_store *s, const char *ns, const char *key, const void *value, size_t len)
{
	sqlite3_stmt *st;
	int err;

	if ((err = prepare(s, &st, "INSERT OR REPLACE INTO kept (ns, key, value, kept_at) VALUES (?, ?, ?, ?)",
			   "ssbi", ns, key, value, len, (int64_t)time(NULL))) < 0)
		return err;
	return step_done(s, st, "writing kept values");
}

int dg_store_delivery_get(dg_store *s, const char *series, const char *period, const char *channel)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = prepare(s, &st, "SELECT 1 FROM deliveries WHERE series = ? AND period = ? AND channel = ?", "sss",
			   series, period, channel)) < 0)
		return err;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db_error(s, "reading deliveries");
}

int dg_store_delivery_put(dg_store *s, const char *series, const char *period, const char *channel,
			  const char *detail)
{
	sqlite3_stmt *st;
	int err;

	if ((err = prepare(s, &st, "INSERT OR REPLACE INTO deliveries (series, period, channel, detail, delivered_at)"
			   " VALUES (?, ?, ?, ?, ?)", "ssssi", series, period, channel, detail,
			   (int64_t)time(NULL))) < 0)
		return err;
	return step_done(s, st, "writing deliveries");
}

int dg_store_feed_put(dg_store *s, const char *kind, const char *series, const char *period, int64_t since,
		      const char *entry)
{
	sqlite3_stmt *st;
	int err;

	if ((err = prepare(s, &st, "INSERT OR REPLACE INTO feed_entries (kind, series, period, since, entry)"
			   " VALUES (?, ?, ?, ?, ?)", "sssis", kind, series, period, since, entry)) < 0)
		return err;
	return step_done(s, st, "writing feed entries");
}

int dg_store_feed_list(dg_store *s, const char *kind, const char *skip_series, const char *skip_period,
		       size_t limit, char ***entries, size_t *n)
{
	sqlite3_stmt *st;
	int err, rc;

	*entries = NULL;
	*n = 0;
	if ((err = prepare(s, &st, "SELECT entry FROM feed_entries WHERE kind = ? AND NOT (series = ? AND period = ?)"
			   " ORDER BY since DESC, series LIMIT ?", "sssi", kind, skip_series ? skip_series : "",
			   skip_period ? skip_period : "", (int64_t)limit)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*entries = dg_realloc(*entries, (*n + 1) * sizeof(**entries));
		(*entries)[(*n)++] = column_strdup(st, 0);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	for (size_t i = 0; i < *n; i++)
		free((*entries)[i]);
	free(*entries);
	*entries = NULL;
	*n = 0;
	return db_error(s, "reading feed entries");
}

int dg_store_edit_get(dg_store *s, const char *url, char **text)
{
	sqlite3_stmt *st;
	int err, rc;

	*text = NULL;
	if ((err = prepare(s, &st, "SELECT text FROM edits WHERE url = ?", "s", url)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*text = column_strdup(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return *text ? 1 : 0;
	return rc == SQLITE_DONE ? 0 : db_error(s, "reading the editor's texts");
}

int dg_store_edit_put(dg_store *s, const char *url, const char *text)
{
	sqlite3_stmt *st;
	int err;

	if ((err = prepare(s, &st, "INSERT OR REPLACE INTO edits (url, text, edited_at) VALUES (?, ?, ?)", "ssi", url,
			   text, (int64_t)time(NULL))) < 0)
		return err;
	return step_done(s, st, "writing the editor's texts");
}

int dg_store_week_get(dg_store *s, const char *scope, const char *source, int64_t since, int64_t until,
		      dg_store_week *out)
{
	sqlite3_stmt *st;
	int err, rc;

	memset(out, 0, sizeof(*out));
	/* A run's own count first: it is the report's. */
	if ((err = prepare(s, &st, "SELECT merged_prs, contributors, new_contributors FROM trend_weeks"
			   " WHERE scope = ? AND since = ? AND until = ? AND source IN ('run', ?)"
			   " ORDER BY source = 'run' DESC LIMIT 1", "siis", scope, since, until, source)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->merged_prs = sqlite3_column_int64(st, 0);
		out->contributors = sqlite3_column_int64(st, 1);
		out->new_contributors = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db_error(s, "reading trend weeks");
}

int dg_store_week_put(dg_store *s, const char *scope, const char *source, int64_t since, int64_t until,
		      const dg_store_week *w)
{
	sqlite3_stmt *st;
	int err;

	if ((err = prepare(s, &st, "INSERT OR REPLACE INTO trend_weeks (scope, source, since, until, merged_prs,"
			   " contributors, new_contributors, kept_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ssiiiiii",
			   scope, source, since, until, w->merged_prs, w->contributors, w->new_contributors,
			   (int64_t)time(NULL))) < 0)
		return err;
	if (w->new_contributors < 0)
		sqlite3_bind_null(st, 7);
	return step_done(s, st, "writing trend weeks");
}
