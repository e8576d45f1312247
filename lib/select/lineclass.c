#include "select/lineclass.h"
#include "base/buf.h"
#include "base/str.h"

#include <ctype.h>
#include <string.h>

#define MAX_WORDS 48

/* The words of a line: runs of ASCII letters, digits and "-_.'" inside a
 * word, lower-cased into one buffer; non-ASCII bytes end a word. */
typedef struct {
	dg_buf b;
	size_t off[MAX_WORDS];
	const char *w[MAX_WORDS];
	size_t n;
} words;

static int word_byte(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '\'';
}

static void split(const char *s, size_t len, words *ws)
{
	size_t i = 0;

	ws->n = 0;
	dg_buf_init(&ws->b, 0);
	while (i < len && ws->n < MAX_WORDS) {
		size_t k;
		while (i < len && !isalnum((unsigned char)s[i]))
			i++;
		for (k = i; k < len && word_byte((unsigned char)s[k]); k++)
			;
		/* trailing marks are no part of the word ("x." "it's'") */
		while (k > i && !isalnum((unsigned char)s[k - 1]))
			k--;
		if (k == i)
			break;
		ws->off[ws->n++] = ws->b.len;
		for (size_t j = i; j < k; j++)
			dg_buf_putc(&ws->b, (char)dg_str_lower((unsigned char)s[j]));
		dg_buf_putc(&ws->b, '\0');
		i = k;
		while (i < len && word_byte((unsigned char)s[i]))
			i++;
	}
	/* the buffer has no cap: its appends cannot fail; pointers once it is whole */
	for (size_t k = 0; k < ws->n; k++)
		ws->w[k] = ws->b.ptr + ws->off[k];
}

static void words_free(words *ws)
{
	dg_buf_free(&ws->b);
}

static int in(const char *w, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(w, *set))
			return 1;
	return 0;
}

static int has_word(const words *ws, const char *const *set)
{
	for (size_t i = 0; i < ws->n; i++)
		if (in(ws->w[i], set))
			return 1;
	return 0;
}

/* The conventional-commit prefix "type(scope)!:" of s: the type's length
 * (0 when there is none), its scope and where the text after it starts. */
static size_t conventional(const char *s, size_t len, const char **scope, size_t *scope_len, size_t *rest)
{
	size_t w = 0, c;

	*scope = NULL;
	*scope_len = 0;
	while (w < len && isalpha((unsigned char)s[w]))
		w++;
	if (!w || w > 10)
		return 0;
	c = w;
	if (c < len && s[c] == '(') {
		const char *close = memchr(s + c, ')', len - c);
		if (!close || close - (s + c) > 40)
			return 0;
		*scope = s + c + 1;
		*scope_len = (size_t)(close - s - c - 1);
		c = (size_t)(close - s) + 1;
	}
	if (c < len && s[c] == '!')
		c++;
	while (c < len && s[c] == ' ')
		c++;
	if (c >= len || s[c] != ':')
		return 0;
	c++;
	while (c < len && dg_str_is_space((unsigned char)s[c]))
		c++;
	*rest = c;
	return w;
}

static const char *const chore_types[] = {"chore", "ci", "build", "test", "tests", "style", "docs", "doc",
					  "deps", "lint", "e2e", "release", "typo", NULL};
static const char *const feature_types[] = {"feat", "feature", "perf", NULL};
static const char *const fix_types[] = {"fix", "bugfix", "hotfix", "bug", NULL};

static int type_is(const char *s, size_t n, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == n && dg_str_eq_ci(s, *set, n))
			return 1;
	return 0;
}

static int chore_words(const words *ws)
{
	static const char *const first[] = {"bump", "bumps", "bumped", "typo", "typos", "lint", "cleanup",
					    "test", "tests", "ci", "e2e", "docs", "doc", "readme", "chore", "deps",
					    "refine-docs", NULL};
	static const char *const any[] = {"typo", "typos", "lint", "linter", "linters", "golangci", "golangci-lint",
					  "e2e", "flaky", "flake", "unittest", "unittests", "dependabot", "codecov",
					  "misspell", "misspelling", "misspellings", "spelling", "gofmt", "goimports",
					  "renovate", "changelog", "readme", "readme.md", "docs", "tests", "dependencies", "ci",
					  "dependency", NULL};
	static const char *const doers[] = {"add", "adds", "fix", "fixes", "update", "updates", "improve", "remove",
					    "refactor", "enhance", "upgrade", NULL};
	static const char *const movers[] = {"update", "upgrade", "bump", "updates", "upgrades", NULL};

	if (!ws->n)
		return 0;
	if (in(ws->w[0], first) || has_word(ws, any))
		return 1;
	for (size_t i = 0; i + 1 < ws->n; i++) {
		const char *a = ws->w[i], *b = ws->w[i + 1];
		if ((!strcmp(a, "unit") && (!strncmp(b, "test", 4))) || (!strcmp(a, "test") && !strncmp(b, "case", 4)) ||
		    (!strcmp(a, "github") && (!strcmp(b, "action") || !strcmp(b, "actions") || !strcmp(b, "workflow"))) ||
		    (!strcmp(a, "ci") && (!strcmp(b, "workflow") || !strcmp(b, "job") || !strcmp(b, "pipeline"))) ||
		    ((!strcmp(a, "publish") || !strcmp(a, "prepare") || !strcmp(a, "cut")) && !strcmp(b, "release")) ||
		    (!strcmp(a, "go") && (!strcmp(b, "mod") || !strcmp(b, "sum"))) ||
		    (!strcmp(a, "release") && b[0] == 'v' && isdigit((unsigned char)b[1]) && i == 0))
			return 1;
		/* "add test for x", "fix doc of y" */
		if (i == 0 && in(a, doers) && (!strcmp(b, "test") || !strcmp(b, "doc") || !strcmp(b, "documentation")))
			return 1;
	}
	/* "Update golang.org/x/net from 0.1.0 to 0.2.0" (a module, not "upgrade
	 * cc CRD version from v1beta1 to v1") */
	if (in(ws->w[0], movers) && ws->n > 1 && strchr(ws->w[1], '.'))
		for (size_t i = 1; i + 2 < ws->n; i++)
			if (!strcmp(ws->w[i], "from"))
				for (size_t k = i + 2; k < ws->n; k++)
					if (!strcmp(ws->w[k], "to"))
						return 1;
	return 0;
}

enum dg_line_kind dg_line_kind_of(const char *s, size_t len)
{
	static const char *const feature_first[] = {"add", "adds", "added", "adding", "support", "supports",
						    "supported", "implement", "implements", "introduce", "introduces",
						    "new", "enable", "enables", "allow", "allows", "provide", "provides",
						    "feature", "features", NULL};
	static const char *const fix_first[] = {"fix", "fixes", "fixed", "fixing", "resolve", "resolves", "resolved",
						"correct", "corrects", "avoid", "prevent", "bugfix", "hotfix", NULL};
	static const char *const fix_any[] = {"bug", "bugs", "panic", "panics", "crash", "crashes", "leak", "leaks",
					      "regression", "vulnerability", "cve", NULL};
	const char *scope;
	size_t scope_len, rest = 0, type;
	words ws;
	enum dg_line_kind by_type = DG_LINE_OTHER, kind = DG_LINE_OTHER;

	while (len && dg_str_is_space((unsigned char)*s))
		s++, len--;
	type = conventional(s, len, &scope, &scope_len, &rest);
	if (type) {
		static const char *const chore_scopes[] = {"dependabot", "deps", "dependencies", "ci", "e2e", "test",
							   "tests", "lint", "docs", NULL};
		words sc;
		int chore;
		split(scope ? scope : "", scope_len, &sc);
		chore = type_is(s, type, chore_types) || has_word(&sc, chore_types) || has_word(&sc, chore_scopes);
		words_free(&sc);
		if (chore)
			return DG_LINE_CHORE;
		if (type_is(s, type, feature_types))
			by_type = DG_LINE_FEATURE;
		else if (type_is(s, type, fix_types))
			by_type = DG_LINE_FIX;
		else if (dg_str_starts_ci(s, type, "build") || dg_str_starts_ci(s, type, "deps"))
			return DG_LINE_CHORE;
		s += rest;
		len -= rest;
	}
	split(s, len, &ws);
	if (chore_words(&ws))
		kind = DG_LINE_CHORE;
	else if (by_type != DG_LINE_OTHER)
		kind = by_type;
	else if (dg_str_find(s, len, "\xe4\xbf\xae\xe5\xa4\x8d", 6))   /* 修复 */
		kind = DG_LINE_FIX;
	else if (ws.n && in(ws.w[0], feature_first))
		kind = DG_LINE_FEATURE;
	else if ((ws.n && in(ws.w[0], fix_first)) || has_word(&ws, fix_any))
		kind = DG_LINE_FIX;
	words_free(&ws);
	return kind;
}

int dg_line_headline_heading(const char *s, size_t len)
{
	static const char *const starts[] = {"highlight", "what's new", "whats new", "what is new", "new feature",
					     "feature", "key feature", "major feature", "major change", "breaking",
					     "urgent", "security", "notable", "top feature", NULL};
	/* zh: 亮点, 新功能, 新特性, 重要更新 (UTF-8) */
	static const char *const zh[] = {"\xe4\xba\xae\xe7\x82\xb9", "\xe6\x96\xb0\xe5\x8a\x9f\xe8\x83\xbd",
					 "\xe6\x96\xb0\xe7\x89\xb9\xe6\x80\xa7",
					 "\xe9\x87\x8d\xe8\xa6\x81\xe6\x9b\xb4\xe6\x96\xb0", NULL};
	dg_buf b = DG_BUF_INIT;
	int yes = 0;

	/* Past emoji, marks and ":shortcode:" openings, to the first letter. */
	for (;;) {
		while (len && !isalpha((unsigned char)*s) && !((unsigned char)*s >= 0xe4 && (unsigned char)*s <= 0xe9)) {
			if (*s == ':') {
				const char *close = memchr(s + 1, ':', len - 1);
				if (close && close - s < 40) {
					len -= (size_t)(close + 1 - s);
					s = close + 1;
					continue;
				}
			}
			s++, len--;
		}
		break;
	}
	for (size_t i = 0; i < len && b.len < 64; i++) {
		if (i + 2 < len && !memcmp(s + i, "\xe2\x80\x99", 3)) {   /* U+2019, a typographic apostrophe */
			dg_buf_putc(&b, '\'');
			i += 2;
			continue;
		}
		dg_buf_putc(&b, (char)dg_str_lower((unsigned char)s[i]));
	}
	for (const char *const *p = starts; *p && !yes; p++)
		yes = dg_str_starts_ci(dg_buf_cstr(&b), b.len, *p);
	for (const char *const *p = zh; *p && !yes; p++)
		yes = len >= strlen(*p) && !memcmp(s, *p, strlen(*p));
	dg_buf_free(&b);
	return yes;
}

int dg_line_governance(const char *s, size_t len)
{
	static const char *const any[] = {"nominate", "nominates", "nominating", "nomination", "owners",
					  "owners_aliases", "maintainers", "maintainers.md", "adopters", "adopters.md",
					  "adopter", "membership", "emeritus", NULL};
	static const char *const roles[] = {"maintainer", "maintainers", "reviewer", "reviewers", "approver",
					    "approvers", "committer", "member", "members", NULL};
	words ws;
	int sig = 0, member = 0;

	split(s, len, &ws);
	if (has_word(&ws, any))
		sig = member = 1;
	for (size_t i = 0; i < ws.n && !(sig && member); i++) {
		if (!strncmp(ws.w[i], "sig-", 4))
			sig = 1;
		if (!strcmp(ws.w[i], "member") || !strcmp(ws.w[i], "members"))
			member = 1;
		/* "as (a|an) maintainer" */
		if (!strcmp(ws.w[i], "as")) {
			size_t k = i + 1;
			if (k < ws.n && (!strcmp(ws.w[k], "a") || !strcmp(ws.w[k], "an") || !strcmp(ws.w[k], "new")))
				k++;
			if (k < ws.n && in(ws.w[k], roles))
				sig = member = 1;
		}
	}
	words_free(&ws);
	return sig && member;
}

size_t dg_line_strip_prefix(const char *s, size_t len, const char **start, int *capitalise)
{
	static const char *const verbs[] = {"fix", "fixes", "fixed", "correct", "resolve", "remove", "update", "add",
					    "avoid", "prevent", "handle", "make", "use", "improve", "support", "change",
					    "set", "allow", "ensure", "return", "skip", "check", "delete", "replace",
					    "refactor", "optimize", "enable", "disable", "adjust", "modify", NULL};
	const char *scope;
	size_t scope_len, rest = 0, type = conventional(s, len, &scope, &scope_len, &rest);
	words ws;

	*start = s;
	*capitalise = 0;
	if (!type || scope || rest >= len)
		return len;
	if (type_is(s, type, feature_types) && !dg_str_starts_ci(s, type, "perf")) {
		*start = s + rest;
		*capitalise = 1;
		return len - rest;
	}
	split(s + rest, len - rest, &ws);
	if (type_is(s, type, fix_types) && ws.n && in(ws.w[0], verbs)) {
		*start = s + rest;
		*capitalise = 1;
	}
	words_free(&ws);
	return len - (size_t)(*start - s);
}

char *dg_line_key(const char *s, size_t len)
{
	const char *t;
	int cap;
	size_t n = dg_line_strip_prefix(s, len, &t, &cap), i = 0;
	dg_buf b = DG_BUF_INIT;   /* no cap: cannot fail */

	while (i < n) {
		size_t k;
		if (i + 4 <= n && dg_str_eq_ci(t + i, "http", 4))
			break;   /* "in https://..." and what follows */
		if (t[i] == '#' || t[i] == '@') {
			/* references and handles say who and where, not what */
			for (i++; i < n && (isalnum((unsigned char)t[i]) || t[i] == '-' || t[i] == '_'); i++)
				;
			continue;
		}
		if (!isalnum((unsigned char)t[i]) && !((unsigned char)t[i] & 0x80)) {
			i++;
			continue;
		}
		if (b.len)
			dg_buf_putc(&b, ' ');
		for (k = i; k < n && (isalnum((unsigned char)t[k]) || ((unsigned char)t[k] & 0x80)); k++)
			dg_buf_putc(&b, (char)dg_str_lower((unsigned char)t[k]));
		i = k;
	}
	/* "... by" and "... in" left by a credit */
	while (b.len >= 3 && (!strcmp(b.ptr + b.len - 3, " by") || !strcmp(b.ptr + b.len - 3, " in")))
		b.ptr[b.len -= 3] = '\0';
	return dg_buf_detach(&b);
}
