#include "issue/series.h"
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
static int community_key(const dg_config *cfg, dg_buf *out)
{
	size_t n = cfg->orgs.n + cfg->repos.n, k = 0;
	char **names = calloc(n ? n : 1, sizeof(*names));
	int err = 0;

	if (!names)
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < cfg->orgs.n + cfg->repos.n && !err; i++) {
		int org = i < cfg->orgs.n;
		char *low = dg_text_lower(org ? cfg->orgs.v[i] : cfg->repos.v[i - cfg->orgs.n]);
		dg_buf b = DG_BUF_INIT;
		if (!low)
			err = dg_err_set(DG_ERR_NOMEM, "out of memory");
		else if (dg_buf_printf(&b, "%s:%s", org ? "org" : "repo", low) < 0 || !(names[k++] = dg_buf_detach(&b)))
			err = dg_err_set(DG_ERR_NOMEM, "out of memory");
		free(low);
	}
	if (!err) {
		qsort(names, k, sizeof(*names), by_string);
		for (size_t i = 0; i < k; i++)
			if (i == 0 || strcmp(names[i], names[i - 1]))
				dg_buf_printf(out, "%s%s", i ? "," : "", names[i]);
	}
	for (size_t i = 0; i < k; i++)
		free(names[i]);
	free(names);
	return err;
}

char *dg_series_name(const dg_config *cfg, const char *kind, int period_weeks)
{
	dg_buf b = DG_BUF_INIT;

	dg_buf_printf(&b, "%s/", kind);
	if (community_key(cfg, &b) < 0) {
		dg_buf_free(&b);
		return NULL;
	}
	dg_buf_printf(&b, "/w%d", period_weeks > 0 ? period_weeks : 1);
	return dg_buf_detach(&b);
}
