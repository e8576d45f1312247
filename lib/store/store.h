/* store.h - the state store: one SQLite file in state_dir.
 *
 * Holds the HTTP ETag cache, known contributors (first merged PR), items
 * published per kind of issue (dedupe), issue numbers, what was proven of
 * an API base's search syntax, values kept by name (avatars, drafts, the
 * writer's answers) and the editor's texts by item URL. WAL mode with a busy timeout; a lock file
 * makes a second concurrent run wait (up to
 * `lock_wait` seconds) and then fail with a clear message instead of
 * interleaving writes. Schema changes go through numbered migrations. */
#ifndef DG_STORE_H
#define DG_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "base/buf.h"  /* DG_MUST_CHECK */

typedef struct dg_store dg_store;

#define DG_STORE_FILE "digest.sqlite3"

/* Open (creating the directory and the database as needed). Caller closes. */
int dg_store_open(const char *dir, int lock_wait, dg_store **out);
void dg_store_close(dg_store *s);          /* accepts NULL */
int dg_store_schema_version(dg_store *s);

/* Group writes: one transaction per run phase keeps runs fast and atomic.
 * begin and commit must be checked; rollback is the cleanup of a failure
 * already being reported, so its result may be ignored. */
DG_MUST_CHECK int dg_store_begin(dg_store *s);
DG_MUST_CHECK int dg_store_commit(dg_store *s);
int dg_store_rollback(dg_store *s);

/* HTTP cache: a response body with its ETag and Link rel="next" and
 * rel="last" (so a cached list can be paged without the network, and its
 * pages asked for at once). get: 1 found (*etag, *link_next and *link_last
 * (NULL when none) and *body malloc'ed, caller frees), 0 not found. */
int dg_store_cache_get(dg_store *s, const char *url, char **etag, char **link_next, char **link_last,
		       char **body, size_t *len);
int dg_store_cache_put(dg_store *s, const char *url, const char *etag, const char *link_next,
		       const char *link_last, const char *body, size_t len);

/* What is known of a person's first merged pull request within a scope (the
 * set of watched repos). `first_*` is the earliest merged PR seen so far;
 * `exact` = 1 once it is known that nothing was merged before it. */
typedef struct dg_contributor {
	char *login;
	int64_t user_id;
	char *first_repo;
	int64_t first_number;
	char *first_url;
	int64_t first_merged_at;
	int exact;
} dg_contributor;

void dg_contributor_clear(dg_contributor *c);
/* 1 found (fields malloc'ed into *out; clear with dg_contributor_clear), 0 not found. */
int dg_store_contributor_get(dg_store *s, const char *scope, const char *login,
			     dg_contributor *out);
int dg_store_contributor_put(dg_store *s, const char *scope, const dg_contributor *c);

/* What a probe proved of the search syntax at API base `api`: a query
 * "(author:a OR author:b ...)" of up to `terms` authors finds the merged pull
 * requests of every one of them; `proven_at` is when (seconds UTC). get: 1
 * found, 0 not found. put with terms < 2 forgets the proof. */
int dg_store_search_or_get(dg_store *s, const char *api, int *terms, int64_t *proven_at);
int dg_store_search_or_put(dg_store *s, const char *api, int terms, int64_t proven_at);

/* `series` below names one kind of issue of one community at one cadence
 * (lib/issue/series.h), e.g. "community/org:acme/w1". */

/* A store written before series keyed numbers, published items and WeChat
 * drafts by the bare kind ("community"): it belonged to one community. The
 * first series of that kind to run takes over what has its cadence
 * (`biweekly`: two-week labels, else the others), and the numbering
 * reference with them. Returns how many rows it took (0: nothing left). */
int dg_store_series_adopt(dg_store *s, const char *kind, const char *series, int biweekly);

/* Items published per series and issue (canonical item keys). */
int dg_store_published_add(dg_store *s, const char *series, const char *issue, const char *item);
/* 1 when `item` was published by an issue of `series` other than `issue`. */
int dg_store_published_elsewhere(dg_store *s, const char *series, const char *issue,
				 const char *item);
/* Forget what `issue` published (before re-recording a re-render). */
int dg_store_published_clear(dg_store *s, const char *series, const char *issue);

/* Issue numbers per series: 1 found, 0 not found. */
int dg_store_issue_get(dg_store *s, const char *series, const char *period, int *number);
int dg_store_issue_put(dg_store *s, const char *series, const char *period, int number);
/* Highest number recorded for the series (0 when none). */
int dg_store_issue_max(dg_store *s, const char *series, int *number);
/* The numbering's reference of a series without a configured one: the start
 * of the first period recorded and its number. get: 1 found, 0 not found. */
int dg_store_reference_get(dg_store *s, const char *series, int64_t *since, int *number);
int dg_store_reference_put(dg_store *s, const char *series, int64_t since, int number);

/* Values kept by namespace and key: "avatar" (image bytes by URL),
 * "wechat_draft" (a draft's media_id by series/period), "wechat_cover" (the
 * cover's media_id and its bytes' hash by series/period). Never a secret.
 * get: 1 found (*value malloc'ed, NUL-terminated, caller frees), 0 not found. */
int dg_store_kept_get(dg_store *s, const char *ns, const char *key, char **value, size_t *len);
int dg_store_kept_put(dg_store *s, const char *ns, const char *key, const void *value, size_t len);

/* Deliveries (lib/issue/delivery.c): one row per issue (series, period) and
 * channel ("email", "notify:slack:SLACK_URL"), with a few words of what was
 * done (never a secret). get: 1 delivered, 0 not. */
int dg_store_delivery_get(dg_store *s, const char *series, const char *period, const char *channel);
int dg_store_delivery_put(dg_store *s, const char *series, const char *period, const char *channel,
			  const char *detail);

/* The Atom feed's entries of recorded issues, by kind: `entry` is a JSON
 * text the feed's builder reads (lib/deliver/atom.h); put replaces the
 * entry of the same series and period. list: the newest `limit` entries of
 * `kind` by the period's start, leaving out (skip_series, skip_period);
 * *entries (caller frees each and the array) and *n. */
int dg_store_feed_put(dg_store *s, const char *kind, const char *series, const char *period, int64_t since,
		      const char *entry);
int dg_store_feed_list(dg_store *s, const char *kind, const char *skip_series, const char *skip_period,
		       size_t limit, char ***entries, size_t *n);

/* A week's counts for the trends (lib/history/history.h), by the scope of
 * what is counted, where they come from ("run": an issue's own collection;
 * "rest", "clickhouse") and the week [since, until). new_contributors -1:
 * not known. get: the run's row, else the `source` one; 1 found, 0 not. */
typedef struct dg_store_week {
	int64_t merged_prs, contributors, new_contributors;
} dg_store_week;
int dg_store_week_get(dg_store *s, const char *scope, const char *source, int64_t since, int64_t until,
		      dg_store_week *out);
int dg_store_week_put(dg_store *s, const char *scope, const char *source, int64_t since, int64_t until,
		      const dg_store_week *w);
/* The editor's own text of an item, by the item's URL (the community
 * report's editor's file): every later issue that shows the item (the
 * biweekly, the Cloud Native Weekly) reuses it. get: 1 found (*text
 * malloc'ed, caller frees), 0 not found. */
int dg_store_edit_get(dg_store *s, const char *url, char **text);
int dg_store_edit_put(dg_store *s, const char *url, const char *text);

#endif
