/* fetch.h - reading the feeds of the feed list for a window.
 *
 * Every feed is fetched concurrently through the run's HTTP client (raw: no
 * token, cached with its ETag), parsed (lib/feeds/feed.h) and its entries
 * published in [since, until) become candidates. A feed that cannot be read
 * counts as a failed source; a malformed one is read as far as possible,
 * with a warning. */
#ifndef DG_FETCH_H
#define DG_FETCH_H

#include <jansson.h>
#include "net/collector.h"

typedef struct dg_feed_items {
	json_t *articles, *news; /* candidates {"title","url","source","published","summary",
				    "language","kind":"feed"}; arrays the caller owns */
	int read, total;         /* feeds read / in the list */
} dg_feed_items;

/* Queue every feed of `list` (lib/feeds/feedlist.h); the candidates are in
 * `items` once dg_http_run has returned. */
void dg_feeds_fetch(dg_collector *c, json_t *list, dg_feed_items *items);

#endif
