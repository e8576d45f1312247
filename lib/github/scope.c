/* scope.c - the watched set as search qualifiers: the groups every search
 * runs in, and the key the contributor table knows the set by. */
#include "github/collectint.h"
#include "base/alloc.h"
#include "base/text.h"
#include "base/buf.h"
#include "base/str.h"

#include <stdlib.h>
#include <string.h>

/* 1 when owner/name `repo` lies in one of `orgs` (any case). */
static int in_orgs(const dg_strv *orgs, const char *repo)
{
	for (size_t o = 0; o < orgs->n; o++) {
		size_t ol = strlen(orgs->v[o]);
		if (dg_str_starts_ci(repo, strlen(repo), orgs->v[o]) && repo[ol] == '/')
			return 1;
	}
	return 0;
}

void dg_scope_groups_free(char **groups)
{
	for (size_t i = 0; groups && groups[i]; i++)
		free(groups[i]);
	free(groups);
}

char **dg_scope_groups(const dg_strv *orgs, const dg_strv *repos)
{
	size_t k = 0;
	char **groups = dg_calloc(orgs->n + repos->n + 1, sizeof(char *));
	dg_buf b = DG_BUF_INIT;

	/* The buffer is uncapped: dg_buf_detach never returns NULL, which would
	 * end the array early. */
	for (size_t i = 0; i < orgs->n; i++) {
		dg_buf_printf(&b, "org:%s", orgs->v[i]);
		groups[k++] = dg_buf_detach(&b);
	}
	for (size_t i = 0; i < repos->n; i++) {
		const char *r = repos->v[i];

		if (in_orgs(orgs, r))
			continue;
		if (b.len && b.len + strlen(r) + 6 > SEARCH_QUERY_MAX - 90)
			groups[k++] = dg_buf_detach(&b);
		dg_buf_printf(&b, "%srepo:%s", b.len ? " " : "", r);
	}
	if (b.len)
		groups[k++] = dg_buf_detach(&b);
	dg_buf_free(&b);
	return groups;
}

/* Append "PREFIX:name" in lower case for each of `names` to parts[*k...]. */
static void add_parts(char **parts, size_t *k, const char *prefix, const dg_strv *names)
{
	for (size_t i = 0; i < names->n; i++) {
		dg_buf b = DG_BUF_INIT;
		char *low = dg_text_lower(names->v[i]);

		dg_buf_printf(&b, "%s:%s", prefix, low);
		free(low);
		parts[(*k)++] = dg_buf_detach(&b);   /* uncapped: never NULL */
	}
}

char *dg_scope_key(const dg_strv *orgs, const dg_strv *repos)
{
	size_t n = orgs->n + repos->n, k = 0;
	char **parts = dg_calloc(n + 1, sizeof(*parts));
	dg_buf b = DG_BUF_INIT;
	char *key;

	add_parts(parts, &k, "org", orgs);
	add_parts(parts, &k, "repo", repos);
	qsort(parts, n, sizeof(*parts), dg_collect_cmp_cstr);
	for (size_t i = 0; i < n; i++)
		dg_buf_printf(&b, "%s%s", i ? " " : "", parts[i]);
	key = dg_buf_detach(&b);   /* uncapped: never NULL */
	dg_scope_groups_free(parts);
	return key;
}

int dg_scope_group_has(const char *group, const char *repo)
{
	const char *slash = strchr(repo, '/');
	size_t owner = slash ? (size_t)(slash - repo) : 0, full = strlen(repo);

	for (const char *p = group; *p;) {
		size_t len = strcspn(p, " ");

		if (owner && len == 4 + owner && !strncmp(p, "org:", 4) && dg_str_eq_ci(p + 4, repo, owner))
			return 1;
		if (len == 5 + full && !strncmp(p, "repo:", 5) && dg_str_eq_ci(p + 5, repo, full))
			return 1;
		p += len;
		p += strspn(p, " ");
	}
	return 0;
}
