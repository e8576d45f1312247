#include "issue/series.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/text.h"

#include <stdlib.h>
#include <string.h>

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "org:a,org:b,repo:x/y": each name lowercased, the list sorted. */
static void community_key(const dg_config *cfg, dg_buf *out)
{
	size_t n = cfg->orgs.n + cfg->repos.n;
	char **names = dg_calloc(n, sizeof(*names));

	for (size_t i = 0; i < n; i++) {
		int org = i < cfg->orgs.n;
		char *low = dg_text_lower(org ? cfg->orgs.v[i] : cfg->repos.v[i - cfg->orgs.n]);
		dg_buf b = DG_BUF_INIT;   /* no cap: cannot fail */
		dg_buf_printf(&b, "%s:%s", org ? "org" : "repo", low);
		names[i] = dg_buf_detach(&b);
		free(low);
	}
	qsort(names, n, sizeof(*names), by_string);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]))
			dg_buf_printf(out, "%s%s", i ? "," : "", names[i]);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

char *dg_series_name(const dg_config *cfg, const char *kind, int period_weeks)
{
	dg_buf b = DG_BUF_INIT;   /* no cap: never NULL */

	dg_buf_printf(&b, "%s/", kind);
	community_key(cfg, &b);
	dg_buf_printf(&b, "/w%d", period_weeks > 0 ? period_weeks : 1);
	return dg_buf_detach(&b);
}
