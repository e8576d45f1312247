/* contributors.c - the window's authors: who merged how many pull requests,
 * and the first of each, from the model's merged pulls. */
#include "github/collectint.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/jsonx.h"
#include "github/collect.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void dg_pull_ref_clear(dg_pull_ref *p)
{
	free(p->repo);
	free(p->url);
	free(p->title);
	free(p->merged_at);
	memset(p, 0, sizeof(*p));
}

void dg_authors_clear(dg_authors *a)
{
	for (size_t i = 0; i < a->n; i++) {
		dg_author *x = &a->v[i];
		free(x->login);
		free(x->url);
		free(x->avatar_url);
		dg_pull_ref_clear(&x->first);
		dg_pull_ref_clear(&x->earlier);
	}
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

/* A pull of the window by its author: sorted by login, then merge order. */
typedef struct by_author {
	const char *login;
	size_t order;
	json_t *pull;
} by_author;

static int cmp_by_author(const void *pa, const void *pb)
{
	const by_author *a = pa, *b = pb;
	int r = dg_collect_cmp_login(a->login, b->login);

	return r ? r : a->order < b->order ? -1 : a->order > b->order;
}

/* An author from the first of their pulls. */
static void author_from(dg_author *a, const by_author *first, int pulls)
{
	json_t *p = first->pull;
	const char *url = dg_json_str(p, "author_url");
	dg_buf profile = DG_BUF_INIT;

	memset(a, 0, sizeof(*a));
	if (!*url)
		dg_buf_printf(&profile, "https://github.com/%s", first->login);
	a->login = dg_strdup(first->login);
	a->url = *url ? dg_strdup(url) : dg_buf_detach(&profile);   /* uncapped: never NULL */
	a->avatar_url = dg_strdup(dg_json_str(p, "author_avatar"));
	a->id = json_integer_value(json_object_get(p, "author_id"));
	a->pulls = pulls;
	a->order = first->order;
	a->first.repo = dg_strdup(dg_json_str(p, "repo"));
	a->first.number = json_integer_value(json_object_get(p, "number"));
	a->first.url = dg_strdup(dg_json_str(p, "url"));
	a->first.title = dg_strdup(dg_json_str(p, "title"));
	a->first.merged_at = dg_strdup(dg_json_str(p, "merged_at"));
	a->first.merged = dg_collect_time_of(p, "merged_at", &(int){0});
}

void dg_authors_build(dg_authors *out, const dg_config *cfg, json_t *pulls)
{
	size_t n = json_array_size(pulls), k = 0, i;
	by_author *all = dg_calloc(n + 1, sizeof(*all));
	json_t *p;

	memset(out, 0, sizeof(*out));
	out->v = dg_calloc(n + 1, sizeof(*out->v));
	json_array_foreach(pulls, i, p) {
		const char *login = dg_json_str(p, "author");

		if (!dg_collect_is_bot(cfg, login, dg_json_str(p, "author_type")))
			all[k++] = (by_author){login, i, p};
	}
	qsort(all, k, sizeof(*all), cmp_by_author);
	for (i = 0; i < k;) {
		size_t g = i;

		while (g < k && !strcmp(all[g].login, all[i].login))
			g++;
		author_from(&out->v[out->n++], &all[i], (int)(g - i));
		i = g;
	}
	free(all);
}

static int cmp_key_author(const void *key, const void *elt)
{
	return dg_collect_cmp_login(key, ((const dg_author *)elt)->login);
}

dg_author *dg_authors_find(const dg_authors *a, const char *login)
{
	return a->n ? bsearch(login, a->v, a->n, sizeof(*a->v), cmp_key_author) : NULL;
}

dg_author *dg_authors_find_ci(const dg_authors *a, const char *login)
{
	dg_author *found = NULL;
	size_t lo = 0, hi = a->n;

	/* Sorted case-insensitively first: the matches are side by side. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcasecmp(a->v[mid].login, login) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < a->n && !strcasecmp(a->v[lo].login, login); lo++)
		if (!found || a->v[lo].order > found->order)
			found = &a->v[lo];
	return found;
}

json_t *dg_authors_model(const dg_authors *a)
{
	json_t *arr = json_array();

	/* The strings came out of jansson (valid UTF-8): json_pack cannot refuse them. */
	for (size_t i = 0; i < a->n; i++) {
		const dg_author *x = &a->v[i];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i}", "login", x->login, "url", x->url,
						     "avatar_url", x->avatar_url, "pulls", x->pulls));
	}
	return arr;
}
