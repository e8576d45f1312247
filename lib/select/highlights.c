#include "select/highlights.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/jsonx.h"
#include "base/str.h"
#include "base/text.h"
#include "select/lineclass.h"
#include "select/releaserank.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "[release-3.2]", "[v1.2]", "[1.2]", "[backport]", "[cherry-pick]": a
 * branch or backport mark, not a subject like "[WIP]" or "[docs]". */
static int branch_mark(const char *s, size_t len)
{
	size_t i;

	if (dg_str_find_ci(s, len, "release") || dg_str_find_ci(s, len, "backport") ||
	    dg_str_find_ci(s, len, "cherry"))
		return 1;
	for (i = 0; i < len && (isdigit((unsigned char)s[i]) || strchr("vV.xX-", s[i])); i++)
		;
	return len && i == len && isdigit((unsigned char)s[len - 1 - (s[len - 1] == 'x' || s[len - 1] == 'X')]);
}

size_t dg_highlight_base_title(const char *title, const char **start, int *backport)
{
	const char *s = title ? title : "";
	size_t len = strlen(s);
	int again = 1;

	*backport = 0;
	while (again) {
		again = 0;
		while (len && dg_str_is_space((unsigned char)*s))
			s++, len--;
		if (len && *s == '[') {
			const char *close = memchr(s, ']', len);
			if (close && branch_mark(s + 1, (size_t)(close - s - 1))) {
				len -= (size_t)(close + 1 - s);
				s = close + 1;
				*backport = again = 1;
			}
		} else if (dg_str_starts_ci(s, len, "automated cherry pick of") || dg_str_starts_ci(s, len, "cherry-pick") ||
			   dg_str_starts_ci(s, len, "cherry pick") || dg_str_starts_ci(s, len, "backport")) {
			/* ... up to the colon that ends the mark, if there is one soon */
			const char *colon = memchr(s, ':', len < 200 ? len : 200);
			*backport = 1;
			if (colon) {
				len -= (size_t)(colon + 1 - s);
				s = colon + 1;
				again = 1;
			}
		}
	}
	while (len && dg_str_is_space((unsigned char)s[len - 1]))
		len--;
	*start = s;
	return len;
}

/* The conventional-commit type of a title ("feat(x)!: ..."), weighted. */
static int type_score(const char *s, size_t len)
{
	static const struct {
		const char *word;
		int score;
	} types[] = {
		{"feat", 6}, {"feature", 6}, {"perf", 3}, {"fix", 3}, {"refactor", 1}, {"revert", -1},
		{"docs", -1}, {"doc", -1}, {"test", -2}, {"chore", -2}, {"ci", -2}, {"build", -2}, {"style", -2},
	};
	static const struct {
		const char *word;
		int score;
	} verbs[] = {
		{"add ", 4}, {"support ", 4}, {"implement", 4}, {"introduce", 4}, {"new ", 4},
		{"fix", 3}, {"bump ", -2}, {"update ", 0}, {"typo", -2},
	};
	size_t w = 0;

	while (w < len && isalpha((unsigned char)s[w]))
		w++;
	if (w < len && (s[w] == '(' || s[w] == '!' || s[w] == ':')) {
		size_t c = w;
		int breaking = 0;
		if (s[c] == '(')
			while (c < len && s[c] != ')')
				c++;
		if (c < len && s[c] == ')')
			c++;
		if (c < len && s[c] == '!')
			breaking = 1, c++;
		while (c < len && s[c] == ' ')
			c++;
		if (c < len && s[c] == ':')
			for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
				if (strlen(types[i].word) == w && dg_str_eq_ci(s, types[i].word, w))
					return types[i].score + 2 * breaking;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (dg_str_starts_ci(s, len, verbs[i].word))
			return verbs[i].score;
	return 0;
}

static int label_score(const char *l)
{
	size_t n = strlen(l);

	if (dg_str_find_ci(l, n, "feature") || dg_str_find_ci(l, n, "enhancement"))
		return 8;
	if (dg_str_find_ci(l, n, "api-change") || dg_str_find_ci(l, n, "breaking"))
		return 3;
	if (dg_str_find_ci(l, n, "bug") || dg_str_find_ci(l, n, "regression"))
		return 4;
	if (dg_str_find_ci(l, n, "doc"))
		return -1;
	if (dg_str_find_ci(l, n, "cleanup") || dg_str_find_ci(l, n, "chore") || dg_str_find_ci(l, n, "dependenc") ||
	    dg_str_find_ci(l, n, "test"))
		return -2;
	return 0;
}

int dg_highlight_score(json_t *pull)
{
	const char *start;
	int backport, score = 0, best = 0;
	size_t len = dg_highlight_base_title(dg_json_str(pull, "title"), &start, &backport), i;
	json_t *l;

	json_array_foreach(json_object_get(pull, "labels"), i, l) {
		int s = label_score(json_string_value(l) ? json_string_value(l) : "");
		if (i == 0 || s > best)
			best = s;
	}
	score += best;
	if (json_is_true(json_object_get(pull, "release_note")))
		score += 3;
	if (json_is_true(json_object_get(pull, "links_issue")))
		score += 2;
	return score + type_score(start, len);
}

static int labelled(const dg_select_opts *o, json_t *pull)
{
	size_t i;
	json_t *l;

	json_array_foreach(json_object_get(pull, "labels"), i, l)
		if (dg_strv_contains_ci(o->highlight_labels, json_string_value(l)))
			return 1;
	return 0;
}

/* The folding key: repository and lower-cased base title (caller frees). */
static char *title_key(const char *repo, const char *title)
{
	const char *s;
	int bp;
	size_t len = dg_highlight_base_title(title, &s, &bp);
	dg_buf b = DG_BUF_INIT;   /* no cap: cannot fail */
	char *k;

	while (len && (s[len - 1] == '.' || dg_str_is_space((unsigned char)s[len - 1])))
		len--;
	dg_buf_printf(&b, "%s\n%.*s", repo, (int)len, s);
	k = dg_buf_detach(&b);
	for (char *p = k; *p; p++)
		*p = (char)dg_str_lower((unsigned char)*p);
	return k;
}

static char *number_key(const char *repo, json_int_t n)
{
	dg_buf b = DG_BUF_INIT;

	dg_buf_printf(&b, "%s#%lld", repo, (long long)n);
	return dg_buf_detach(&b);
}

static int is_backport(json_t *p)
{
	const char *s;
	int bp;

	dg_highlight_base_title(dg_json_str(p, "title"), &s, &bp);
	return bp || json_integer_value(json_object_get(p, "cherry_of")) > 0;
}

/* The "X.Y" a branch mark opening the title names ("[release-1.2] ..." ->
 * "1.2"); "" when none. Caller frees. */
static char *branch_of(const char *title)
{
	const char *s = title;

	while (*s == ' ')
		s++;
	if (*s == '[')
		for (const char *p = s + 1; *p && *p != ']'; p++)
			if (isdigit((unsigned char)*p) && !isdigit((unsigned char)p[-1])) {
				size_t n = 0;
				while (isdigit((unsigned char)p[n]) || p[n] == '.')
					n++;
				while (n && p[n - 1] == '.')
					n--;
				if (memchr(p, '.', n))
					return dg_strndup(p, n);
			}
	return dg_strdup("");
}

/* A highlight: the pull request shown for its folded group. */
static json_t *new_item(json_t *p, int backport_only)
{
	const char *s;
	int bp;
	size_t len = dg_highlight_base_title(dg_json_str(p, "title"), &s, &bp);
	dg_buf title = DG_BUF_INIT, url = DG_BUF_INIT;
	json_t *item;
	char *t, *u, *branch = branch_of(dg_json_str(p, "title"));

	{
		/* "fix: Fix the x" reads "Fix the x" (dg_line_strip_prefix) */
		const char *k;
		int cap;
		size_t n = dg_line_strip_prefix(s, len, &k, &cap);
		dg_buf_put(&title, k, n);
		if (cap && title.len && title.ptr[0] >= 'a' && title.ptr[0] <= 'z')
			title.ptr[0] = (char)(title.ptr[0] - 'a' + 'A');
	}
	dg_buf_printf(&url, "https://github.com/%s", dg_json_str(p, "author"));
	t = dg_buf_detach(&title);   /* no cap: never NULL */
	u = dg_buf_detach(&url);
	/* Strings of the collected JSON, the title cut at ASCII marks: valid
	 * UTF-8, so json_pack cannot refuse them. */
	item = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:i, s:[], s:b, s:s, s:b, s:[{s:s, s:s}], s:[], s:b, s:s}",
			 "title", t, "number", json_integer_value(json_object_get(p, "number")),
			 "url", dg_json_str(p, "url"), "author", dg_json_str(p, "author"), "author_url", u,
			 "repo", dg_json_str(p, "repo"),
			 "score", dg_highlight_score(p) - 2 * backport_only, "backports", "has_backports", 0,
			 "merged_at", dg_json_str(p, "merged_at"), "backport_only", backport_only,
			 "authors", "login", dg_json_str(p, "author"), "url", u, "series", "has_series", 0,
			 "branch", branch);
	free(t);
	free(u);
	free(branch);
	return item;
}

static void add_backport(json_t *item, json_t *p)
{
	json_array_append_new(json_object_get(item, "backports"),
			      json_pack("{s:I, s:s}", "number", json_integer_value(json_object_get(p, "number")),
					"url", dg_json_str(p, "url")));
	if (!json_is_true(json_object_get(item, "has_backports")))
		json_object_set_new(item, "score", json_integer(json_integer_value(json_object_get(item, "score")) + 1));
	json_object_set_new(item, "has_backports", json_true());
}

static int cmp_items(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	json_int_t sa = json_integer_value(json_object_get(a, "score"));
	json_int_t sb = json_integer_value(json_object_get(b, "score"));
	int c;

	if (sa != sb)
		return sa > sb ? -1 : 1;
	if ((c = strcmp(dg_json_str(a, "merged_at"), dg_json_str(b, "merged_at"))) != 0)
		return c;
	if ((c = strcmp(dg_json_str(a, "repo"), dg_json_str(b, "repo"))) != 0)
		return c;
	return json_integer_value(json_object_get(a, "number")) < json_integer_value(json_object_get(b, "number"))
		       ? -1 : 1;
}

static int cmp_news(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int c = strcmp(dg_json_str(a, "merged_at"), dg_json_str(b, "merged_at"));

	return c ? c : strcmp(dg_json_str(a, "url"), dg_json_str(b, "url"));
}

static int cmp_groups(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	json_int_t x = json_integer_value(json_object_get(a, "activity"));
	json_int_t y = json_integer_value(json_object_get(b, "activity"));

	if (x != y)
		return x > y ? -1 : 1;
	return strcmp(dg_json_str(a, "product"), dg_json_str(b, "product"));
}

/* Fold every people's pull request into one item per change: originals
 * first, then backports onto their original (by number, else by title). */
static void fold(json_t *pulls, json_t *items, size_t *bots)
{
	json_t *by_key = json_object(), *p;

	for (int pass = 0; pass < 2; pass++) {
		size_t i;
		json_array_foreach(pulls, i, p) {
			const char *repo = dg_json_str(p, "repo");
			int bot = json_is_true(json_object_get(p, "bot"));
			char *tk, *nk = NULL;
			json_t *item;

			if (pass == 0 && bot)
				(*bots)++;
			if (is_backport(p) != pass)
				continue;
			tk = title_key(repo, dg_json_str(p, "title"));
			if (pass == 1) {
				json_int_t of = json_integer_value(json_object_get(p, "cherry_of"));
				char *ok = of > 0 ? number_key(repo, of) : NULL;
				item = ok ? json_object_get(by_key, ok) : NULL;
				if (!item)
					item = json_object_get(by_key, tk);
				free(ok);
				if (item) {
					add_backport(item, p);
					free(tk);
					continue;
				}
			}
			if (bot || (pass == 0 && json_object_get(by_key, tk))) {
				/* a bot's change, or the same title twice: fold */
				if (!bot)
					add_backport(json_object_get(by_key, tk), p);
				free(tk);
				continue;
			}
			item = new_item(p, pass);
			json_array_append_new(items, item);
			json_object_set(by_key, tk, item);
			nk = number_key(repo, json_integer_value(json_object_get(p, "number")));
			json_object_set(by_key, nk, item);
			free(tk);
			free(nk);
		}
	}
	json_decref(by_key);
}

/* GitHub's web search of the group's merged pull requests in the window. */
static char *rest_url(json_t *repos, int64_t since, int64_t until)
{
	char a[DG_DATE_RFC3339_LEN], b[DG_DATE_RFC3339_LEN];
	dg_buf q = DG_BUF_INIT, u = DG_BUF_INIT;   /* no cap: cannot fail */
	const char *key;
	json_t *v;

	dg_date_format_utc(since, a);
	dg_date_format_utc(until - 1, b);
	dg_buf_puts(&q, "is:pr is:merged");
	json_object_foreach(repos, key, v)
		dg_buf_printf(&q, " repo:%s", key);
	dg_buf_printf(&q, " merged:%s..%s", a, b);
	dg_buf_puts(&u, "https://github.com/search?q=");
	(void)dg_str_percent_encode(&u, dg_buf_cstr(&q), q.len, DG_STR_PCT_UNRESERVED, NULL);
	dg_buf_puts(&u, "&type=pullrequests");
	dg_buf_free(&q);
	return dg_buf_detach(&u);
}

int dg_highlight_is_news(const dg_select_opts *o, json_t *pull)
{
	const char *repo = dg_json_str(pull, "repo"), *slash = strchr(repo, '/'), *title = dg_json_str(pull, "title");
	size_t i;
	json_t *l;

	if (!strcasecmp(slash ? slash + 1 : repo, "community") || dg_strv_contains_ci(o->community_repos, repo))
		return 1;
	json_array_foreach(json_object_get(pull, "labels"), i, l) {
		const char *s = json_string_value(l) ? json_string_value(l) : "";
		if (dg_str_find_ci(s, strlen(s), "governance") || dg_str_find_ci(s, strlen(s), "membership"))
			return 1;
	}
	return dg_line_governance(title, strlen(title));
}

static int is_chore(json_t *item)
{
	const char *t = dg_json_str(item, "title");

	return dg_line_kind_of(t, strlen(t)) == DG_LINE_CHORE;
}

/* The series key of an item: repository, week of the window, and the
 * title without its last word ("Add resource interpreter for"), when at
 * least three words are left; else NULL. Caller frees. */
static char *series_key(json_t *item, int64_t since)
{
	const char *t = dg_json_str(item, "title"), *last = strrchr(t, ' ');
	int64_t at = 0;
	size_t words = 0;
	dg_buf b = DG_BUF_INIT;   /* no cap: cannot fail */
	char *k;

	for (const char *p = t; last && p < last; p++)
		words += *p == ' ' && p[1] != ' ';
	if (!last || words + 1 < 3)
		return NULL;
	dg_date_parse_rfc3339(dg_json_str(item, "merged_at"), &at);
	dg_buf_printf(&b, "%s\n%lld\n%.*s", dg_json_str(item, "repo"), (long long)((at - since) / (7 * 86400)),
		      (int)(last - t), t);
	k = dg_buf_detach(&b);
	for (char *p = k; *p; p++)
		*p = (char)dg_str_lower((unsigned char)*p);
	return k;
}

/* Fold a series ("Add resource interpreter for TFJob" / "... PyTorchJob")
 * into its first item: one title naming every last word, every PR linked
 * ("series"), every author credited ("authors"). */
static void fold_series(json_t *items, int64_t since)
{
	json_t *by_key = json_object(), *firsts = json_object();
	size_t i = 0;

	while (i < json_array_size(items)) {
		json_t *it = json_array_get(items, i), *first, *a, *authors;
		char *k = series_key(it, since);
		const char *login = dg_json_str(it, "author"), *t = dg_json_str(it, "title");
		size_t n;
		int known = 0;

		if (!k || !(first = json_object_get(by_key, k))) {
			if (k)
				json_object_set(by_key, k, it);
			free(k);
			i++;
			continue;
		}
		free(k);
		/* "Add resource interpreter for TFJob, PyTorchJob" (ASCII marks: valid UTF-8) */
		{
			dg_buf title = DG_BUF_INIT;
			const char *last = strrchr(t, ' ');
			char *nt;
			dg_buf_printf(&title, "%s, %s", dg_json_str(first, "title"), last + 1);
			nt = dg_buf_detach(&title);
			json_object_set_new(first, "title", json_string(nt));
			free(nt);
		}
		json_array_append_new(json_object_get(first, "series"),
				      json_pack("{s:I, s:s}", "number", json_integer_value(json_object_get(it, "number")),
						"url", dg_json_str(it, "url")));
		json_object_set_new(first, "has_series", json_true());
		authors = json_object_get(first, "authors");
		json_array_foreach(authors, n, a)
			known |= !strcmp(dg_json_str(a, "login"), login);
		if (!known)
			json_array_append_new(authors, json_pack("{s:s, s:s}", "login", login,
								 "url", dg_json_str(it, "author_url")));
		if (json_integer_value(json_object_get(it, "score")) > json_integer_value(json_object_get(first, "score")))
			json_object_set(first, "score", json_object_get(it, "score"));
		json_array_extend(json_object_get(first, "backports"), json_object_get(it, "backports"));
		json_array_remove(items, i);
	}
	json_decref(by_key);
	json_decref(firsts);
}

/* What the report does not highlight: community news (dg_select_news), a
 * backport whose original is not in the period, and chores while any
 * other change is there. Marked "drop" (counted in the rest) or removed. */
static void curate(const dg_select_opts *o, json_t *pulls, json_t *items)
{
	json_t *news = json_object(), *p, *it;
	size_t i, others = 0;

	json_array_foreach(pulls, i, p)
		if (dg_highlight_is_news(o, p))
			json_object_set_new(news, dg_json_str(p, "url"), json_true());
	for (i = json_array_size(items); i-- > 0;) {
		it = json_array_get(items, i);
		if (json_object_get(news, dg_json_str(it, "url")))
			json_array_remove(items, i);
	}
	json_array_foreach(items, i, it) {
		if (json_is_true(json_object_get(it, "backport_only")))
			json_object_set_new(it, "drop", json_true());
		else
			others += !is_chore(it);
	}
	json_array_foreach(items, i, it)
		if (others && is_chore(it))
			json_object_set_new(it, "drop", json_true());
	json_decref(news);
}

json_t *dg_select_lone_backports(json_t *pulls)
{
	json_t *items = json_array(), *out = json_array(), *it;
	size_t bots = 0, i;

	fold(pulls, items, &bots);
	json_array_foreach(items, i, it) {
		const char *t = dg_json_str(it, "title");
		if (!json_is_true(json_object_get(it, "backport_only")) || dg_line_kind_of(t, strlen(t)) == DG_LINE_CHORE)
			continue;
		/* strings of the collected JSON: valid UTF-8 */
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s, s:s}", "title", t, "url", dg_json_str(it, "url"),
						     "repo", dg_json_str(it, "repo"), "merged_at", dg_json_str(it, "merged_at"),
						     "branch", dg_json_str(it, "branch")));
	}
	json_decref(items);
	return out;
}

json_t *dg_select_news(const dg_select_opts *o, json_t *pulls)
{
	json_t *out = json_array(), *p;
	size_t i;

	json_array_foreach(pulls, i, p) {
		dg_buf url = DG_BUF_INIT;
		const char *s;
		int bp;
		size_t len = dg_highlight_base_title(dg_json_str(p, "title"), &s, &bp);
		char *u, *t;
		if (json_is_true(json_object_get(p, "bot")) || bp || !dg_highlight_is_news(o, p))
			continue;
		dg_buf_printf(&url, "https://github.com/%s", dg_json_str(p, "author"));
		u = dg_buf_detach(&url);   /* no cap: never NULL */
		t = dg_strndup(s, len);
		/* strings of the collected JSON cut at ASCII marks: valid UTF-8 */
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s}]}", "title", t,
						     "url", dg_json_str(p, "url"), "repo", dg_json_str(p, "repo"),
						     "merged_at", dg_json_str(p, "merged_at"), "authors",
						     "login", dg_json_str(p, "author"), "url", u));
		free(u);
		free(t);
	}
	dg_json_sort(out, cmp_news);
	return out;
}

json_t *dg_select_highlights(const dg_select_opts *o, json_t *pulls, int64_t since, int64_t until,
			     json_t *warnings, size_t *bots)
{
	json_t *items = json_array(), *groups = json_array(), *by_product = json_object(), *item, *g;
	size_t i, shown = 0, matching = 0;
	int filter = o->highlight_labels && o->highlight_labels->n > 0;

	*bots = 0;
	fold(pulls, items, bots);
	curate(o, pulls, items);
	fold_series(items, since);
	if (filter) {
		json_array_foreach(pulls, i, item)
			matching += labelled(o, item);
		if (!matching && json_array_size(items)) {
			dg_json_appendf(warnings, "highlights: no merged pull request of the period has one of "
					"report.highlight_labels; the highlights are the best ranked pull requests");
			filter = 0;
		}
	}
	/* Products, with the activity of people's changes and the repos searched. */
	json_array_foreach(items, i, item) {
		const char *key;
		dg_product_of(o, dg_json_str(item, "repo"), &key);
		if (!(g = json_object_get(by_product, key))) {
			char *name = dg_product_name(o, dg_json_str(item, "repo"));
			/* names of the config and the collected JSON: valid UTF-8 */
			g = json_pack("{s:s, s:s, s:I, s:[], s:I, s:{}}", "product", name, "repo", name,
				      "activity", (json_int_t)0, "pulls", "rest", (json_int_t)0, "repos");
			json_object_set_new(by_product, key, g);
			json_array_append(groups, g);
			free(name);
		}
		json_object_set_new(g, "activity", json_integer(json_integer_value(json_object_get(g, "activity")) + 1 +
								(json_int_t)json_array_size(json_object_get(item, "backports"))));
		json_object_set_new(json_object_get(g, "repos"), dg_json_str(item, "repo"), json_true());
	}
	dg_json_sort(groups, cmp_groups);
	dg_json_sort(items, cmp_items);
	json_array_foreach(items, i, item) {
		const char *key;
		json_t *list;
		dg_product_of(o, dg_json_str(item, "repo"), &key);
		g = json_object_get(by_product, key);
		list = json_object_get(g, "pulls");
		if (!json_is_true(json_object_get(item, "drop")) && (!filter || labelled(o, item)) &&
		    (int)json_array_size(list) < o->highlights_per_product &&
		    (int)shown < o->highlights_max) {
			json_array_append(list, item);
			shown++;
		} else {
			json_object_set_new(g, "rest", json_integer(json_integer_value(json_object_get(g, "rest")) + 1));
		}
	}
	/* Groups left empty by the caps or labels go; the others link their rest. */
	for (i = json_array_size(groups); i-- > 0;) {
		char *url;
		g = json_array_get(groups, i);
		if (!json_array_size(json_object_get(g, "pulls"))) {
			json_array_remove(groups, i);
			continue;
		}
		dg_json_sort(json_object_get(g, "pulls"), cmp_items);
		url = rest_url(json_object_get(g, "repos"), since, until);
		json_object_set_new(g, "rest_url", json_string(url));
		json_object_set_new(g, "has_rest", json_boolean(json_integer_value(json_object_get(g, "rest")) > 0));
		json_object_del(g, "repos");
		free(url);
	}
	json_decref(items);
	json_decref(by_product);
	return groups;
}
