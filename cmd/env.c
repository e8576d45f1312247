/* env.c - the DIGEST_* variables of the HTTP engine, range-checked (env.h). */
#include "env.h"
#include "base/err.h"

#include <errno.h>
#include <stdlib.h>

int dg_env_http(dg_http_opts *o)
{
	const struct {
		const char *name, *unit;
		long lo, hi;
		int *slot;
	} vars[] = {
		{"DIGEST_RETRY_BASE_MS", "milliseconds", 1, 60000, &o->retry_base_ms},
		{"DIGEST_STALL_SECONDS", "seconds", 1, 3600, &o->stall_seconds},
		{"DIGEST_MAX_PAGES", "a number", 1, 100000, &o->max_pages},
	};

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *s = getenv(vars[i].name);
		char *end;
		long v;

		if (!s || !*s)
			continue;
		errno = 0;
		v = strtol(s, &end, 10);
		if (end == s || *end || errno || v < vars[i].lo || v > vars[i].hi)
			return dg_err_set(DG_ERR_CONFIG, "%s '%s': expected %s from %ld to %ld", vars[i].name, s,
					  vars[i].unit, vars[i].lo, vars[i].hi);
		*vars[i].slot = (int)v;
	}
	return 0;
}
