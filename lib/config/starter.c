#include "config/starter.h"
#include "base/alloc.h"
#include "base/str.h"
#include "base/text.h"
#include "config/tomlwrite.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One repository with releases, placed in its group. */
typedef struct item {
	char *key;          /* the group: the lower-case stem, or the lower-case name when alone */
	const char *name;   /* borrowed from s->released */
	int org;            /* the group of the org's own stem */
	int head;           /* named exactly the stem */
	int grouped;
} item;

static int cmp_items(const void *pa, const void *pb)
{
	const item *a = pa, *b = pb;
	int c;

	if (a->org != b->org)
		return b->org - a->org;
	if ((c = strcmp(a->key, b->key)) != 0)
		return c;
	if (a->head != b->head)
		return b->head - a->head;
	if ((c = strcasecmp(a->name, b->name)) != 0)
		return c;
	return strcmp(a->name, b->name);
}

void dg_starter_products_free(dg_product *p, size_t n)
{
	if (!p)
		return;
	for (size_t i = 0; i < n; i++) {
		free(p[i].name);
		dg_strv_free(&p[i].repos);
	}
	free(p);
}

/* The listed name equal to `stem` (ignoring case), with its own case; NULL when none. */
static const char *listed_as(const dg_strv *listed, const char *stem)
{
	for (size_t i = 0; listed && i < listed->n; i++)
		if (!strcasecmp(listed->v[i], stem))
			return listed->v[i];
	return NULL;
}

/* Fill the product of items[0..n) (one group) into *p. */
static void make_product(const dg_starter *s, const item *it, size_t n, dg_product *p,
			const dg_product *done, size_t n_done)
{
	const char *head = it[0].grouped ? listed_as(s->listed, it[0].key) : NULL;
	const char *name = it[0].org ? s->name : head ? head : it[0].name;
	dg_buf b = DG_BUF_INIT;

	/* Names are the report's headings: a display name that is also a
	 * repository's name must not merge two products. */
	for (size_t i = 0; i < n_done; i++)
		if (!strcasecmp(done[i].name, name)) {
			dg_buf_printf(&b, "%s/%s", s->org, it[0].name);
			break;
		}
	if (!b.len)
		dg_buf_puts(&b, name);
	p->name = dg_strdup(dg_buf_cstr(&b));
	for (size_t i = 0; i < n; i++) {
		dg_buf_clear(&b);
		dg_buf_printf(&b, "%s/%s", s->org, it[i].name);
		dg_strv_push(&p->repos, dg_buf_cstr(&b));
	}
	dg_buf_free(&b);
}

int dg_starter_products(const dg_starter *s, dg_product **out, size_t *n_out)
{
	size_t n = s->released ? s->released->n : 0, np = 0, olen = strlen(s->org);
	item *items = dg_calloc(n + 1, sizeof(*items));
	dg_product *p = dg_calloc(n + 1, sizeof(*p));

	for (size_t i = 0; i < n; i++) {
		const char *name = s->released->v[i];
		char *stem = dg_strndup(name, strcspn(name, "-"));
		char *lower = dg_text_lower(stem);

		free(stem);
		items[i].name = name;
		/* ORG and ORG-x by prefix: an org's login may hold a '-' itself. */
		items[i].org = dg_str_starts_ci(name, strlen(name), s->org) && (!name[olen] || name[olen] == '-');
		if (items[i].org) {
			free(lower);
			lower = dg_text_lower(s->org);
		}
		items[i].grouped = *lower && (items[i].org || listed_as(s->listed, lower));
		items[i].head = items[i].grouped && !strcasecmp(name, lower);
		if (items[i].grouped) {
			items[i].key = lower;
		} else {
			free(lower);
			items[i].key = dg_text_lower(name);
		}
	}
	qsort(items, n, sizeof(*items), cmp_items);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && !strcmp(items[j].key, items[i].key); j++)
			;
		make_product(s, items + i, j - i, &p[np], p, np);
		np++;
	}
	for (size_t i = 0; i < n; i++)
		free(items[i].key);
	free(items);
	*out = p;
	*n_out = np;
	return 0;
}

/* Pad the line begun at `start` to column 39 (display columns) and add "# comment". */
static void comment(dg_buf *b, size_t start, const char *text)
{
	size_t cols = 0;
	const unsigned char *p;
	size_t left;

	if (b->err || !b->ptr)
		return;
	p = (const unsigned char *)b->ptr + start;
	left = b->len - start;
	while (left) {
		uint32_t cp;
		size_t k = dg_text_utf8_next(p, left, &cp);
		cols += (size_t)dg_text_width(cp);
		p += k;
		left -= k;
	}
	do
		dg_buf_putc(b, ' ');
	while (++cols < 39);
	dg_buf_printf(b, "# %s\n", text);
}

static void key_string(dg_buf *b, const char *key, const char *value, const char *text)
{
	size_t start = b->len;

	dg_buf_printf(b, "%s = ", key);
	dg_toml_write_string(b, value);
	comment(b, start, text);
}

static void string_array(dg_buf *b, const dg_strv *v)
{
	int tall = v->n > 4;

	dg_buf_putc(b, '[');
	for (size_t i = 0; i < v->n; i++) {
		dg_buf_puts(b, tall ? "\n    " : i ? ", " : "");
		dg_toml_write_string(b, v->v[i]);
		if (tall)
			dg_buf_putc(b, ',');
	}
	dg_buf_puts(b, tall ? "\n]" : "]");
}

static void write_events(dg_buf *b, const dg_starter *s)
{
	size_t start;

	if (!s->event_repos || !s->event_repos->n) {
		dg_buf_printf(b, "# No [events]: no repository named community or .github has an issue labelled\n"
				 "# `event`. To list the community's events, record them as such issues and add:\n"
				 "# [events]\n# repos = [\"%s/community\"]\n# label = \"event\"\n\n", s->org);
		return;
	}
	dg_buf_puts(b, "[events]\n");
	start = b->len;
	dg_buf_puts(b, "repos = ");
	string_array(b, s->event_repos);
	comment(b, start, "repositories whose issues record events");
	key_string(b, "label", "event", "the label marking an event issue");
	start = b->len;
	dg_buf_puts(b, "upcoming_days = 14");
	comment(b, start, "events this many days after the period are \"upcoming\"");
	dg_buf_putc(b, '\n');
}

static void write_products(dg_buf *b, const dg_product *p, size_t n)
{
	dg_buf_puts(b, "[report]\n"
		       "# Products: repositories whose releases are one product's. Written by `digest init`:\n"
		       "# the repositories with releases; those named after the organisation (ORG, ORG-x)\n"
		       "# or after another repository (x, x-y) are one product, the others one each.\n"
		       "# A repository that releases later and is in no product is a product of its own.\n");
	if (!n)
		dg_buf_puts(b, "# (No repository had a release when this file was written.)\n");
	for (size_t i = 0; i < n; i++) {
		dg_buf_puts(b, "\n[[report.products]]\nname = ");
		dg_toml_write_string(b, p[i].name);
		dg_buf_puts(b, "\nrepos = ");
		string_array(b, &p[i].repos);
		dg_buf_putc(b, '\n');
	}
}

int dg_starter_write(const dg_starter *s, char **out)
{
	int zh = !strcmp(s->language, "zh");
	dg_product *p = NULL;
	size_t np = 0, start;
	dg_buf b = DG_BUF_INIT;
	dg_strv orgs = {NULL, 0};
	int err;

	dg_starter_products(s, &p, &np);
	dg_strv_push(&orgs, s->org);
	dg_buf_printf(&b, "# digest configuration for the GitHub organisation %s, written by `digest init`.\n"
			  "# config.example.toml documents every key; an unknown key is an error, so a typo\n"
			  "# is reported with its line. Relative paths are taken from this file's directory.\n\n",
		      s->org);
	dg_buf_puts(&b, "[digest]\n");
	key_string(&b, "language", s->language, "zh | en: the templates and their wording (templates/<lang>/strings.toml)");
	key_string(&b, "timezone", zh ? "Asia/Shanghai" : "UTC", "IANA zone; weeks run from local Monday 00:00");
	key_string(&b, "community", s->name, "the community's name in texts and certificates");
	key_string(&b, "author", s->name, "front matter `author`");
	start = b.len;
	dg_buf_puts(&b, "links = { ");
	if (s->website) {
		dg_toml_write_string(&b, "Website");
		dg_buf_puts(&b, " = ");
		dg_toml_write_string(&b, s->website);
		dg_buf_puts(&b, ", ");
	}
	dg_toml_write_string(&b, "GitHub");
	dg_buf_puts(&b, " = ");
	dg_toml_write_string(&b, s->github_url);
	dg_buf_puts(&b, " }");
	comment(&b, start, "footer links, in this order (label = URL)");
	key_string(&b, "output_dir", "out", "where digests are written (--out overrides)");
	key_string(&b, "state_dir", "state", "this community's own state store: numbering, contributors seen, cache");
	dg_buf_printf(&b, "# title = \"...\"                        # unset: community.title of templates/%s/strings.toml\n"
			  "# intro = \"...\"                        # the intro paragraph, before the stats line (Markdown)\n"
			  "# footer = \"...\"                       # the closing paragraph (Markdown)\n\n",
		      s->language);
	dg_buf_puts(&b, "[github]\n");
	key_string(&b, "api_url", s->api_url, "the REST API; GitHub Enterprise: https://HOST/api/v3");
	key_string(&b, "token_env", "GITHUB_TOKEN", "the variable holding the token (GH_TOKEN is tried too)");
	start = b.len;
	dg_buf_puts(&b, "orgs = ");
	string_array(&b, &orgs);
	comment(&b, start, "its repositories are watched: merged PRs, releases, new contributors");
	dg_buf_puts(&b, "# bots = []                            # bot accounts, besides type=Bot and logins ending in [bot]\n"
			"# exclude_repos = []                   # \"owner/name\" repositories to leave out\n\n");
	write_events(&b, s);
	write_products(&b, p, np);
	err = dg_buf_finish(&b, out);   /* uncapped: 0 */
	dg_buf_free(&b);
	dg_strv_free(&orgs);
	dg_starter_products_free(p, np);
	return err;
}
