/* The wording of a language, read from templates/<lang>/strings.toml: each
 * value a small Mustache template, rendered without escaping. */
#include "model/lang.h"
#include "base/alloc.h"
#include "base/datadir.h"
#include "base/err.h"
#include "config/config.h"
#include "config/toml.h"
#include "base/mustache.h"

#include <stdlib.h>
#include <string.h>

/* Every string the code asks for, with the names its template may use. A
 * strings file must define each of them and nothing else. */
static const char *const known[] = {
	"common.list_sep",            /* between the items of an inline list */
	"common.date",                /* year, month, day, month2, day2: every date in an issue's text */
	"common.range",               /* first, last: a period's dates */
	"common.preview",             /* title: the title of an issue whose period is still in progress */
	"events.online",              /* the place of an online event */
	"events.time",                /* year, month, day, month2, day2, hour, minute */
	"community.title",            /* default title of the community report */
	"community.description",      /* contributors, pulls, releases, new_contributors, bot_pulls and
				       * has_releases, has_new_contributors, has_bot_pulls */
	"community.keywords",         /* community */
	"community.tag",              /* default front matter tag */
	"community.lead",             /* release (linked), product, items, has_items, more, prerelease: the lead
				       * release as news */
	"community.lead_change",      /* product, title (linked): the lead when no release was published */
	"community.weekly",           /* the word that names a weekly in a title ... */
	"community.biweekly",         /* ... and what a biweekly's says instead */
	"trends.title",               /* weeks: the trend chart's title */
	"trends.merged_prs",          /* the chart's series names */
	"trends.contributors",
	"trends.new_contributors",
	"trends.sentence",            /* merged_prs, has_change, change ("+21%"), weeks: the change against the
				       * previous period */
	"trends.alt",                 /* weeks: the chart's alternative text */
	"cnweekly.series",            /* default series name (cnweekly.title) */
	"cnweekly.headline",          /* the headline when nothing else gives one */
	"cnweekly.title",             /* series, headline, number, date */
	"cnweekly.front_title",       /* series, headline, number, date */
	"cnweekly.description",       /* series, headline, number, date */
	"cnweekly.tag",
	"cnweekly.keywords",
	"cnweekly.lead",              /* headline, has_headline, projects, articles, news (counts): the automatic lead */
	"fact.project",               /* name, stars, has_stars, language, has_language, license, has_license: an unwritten
				       * item in another language */
	"fact.article",               /* title, source, date */
	"fact.news",                  /* title, source, date */
	"fact.release",               /* repo_name, release, date */
	"fact.advisory",              /* repo_name, advisory, severity, date */
	"advisory.title",             /* repo, repo_name, advisory (CVE or GHSA id), severity: an advisory as news */
	"severity.critical",          /* an advisory's severity in words */
	"severity.high",
	"severity.medium",
	"severity.low",
	"severity.unknown",
	"release.title",              /* repo, repo_name, release, tag: a watched release as news */
	"release.summary_sep",        /* between the note lines of its summary */
	"wechat.title",               /* the draft's title: series, number, community, date */
	"wechat.references_heading",  /* heading of the link references */
	"wechat.references_sep",      /* between a reference's title and its URL */
	"wechat.copy_button",         /* the preview page's copy button */
	"wechat.copied",              /* its status after a copy */
	"wechat.copy_failed",         /* its status when copying failed */
	"deliver.read",               /* a chat card's link: title */
	"deliver.draft_note",         /* a chat card without a link: title (the WeChat draft's) */
	"writer.note",                /* under an issue whose text the writer drafted (writer.note unset) */
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))

#define STRINGS_MAX (1u << 20)

typedef struct entry {
	char *text;  /* NULL until defined */
	size_t len;
	int line;
} entry;

struct dg_lang {
	char *path;
	entry e[NKNOWN];
};

void dg_lang_free(dg_lang *lang)
{
	if (!lang)
		return;
	for (size_t i = 0; i < NKNOWN; i++)
		free(lang->e[i].text);
	free(lang->path);
	free(lang);
}

static int put_raw(dg_buf *out, const char *s, size_t len)
{
	return dg_buf_put(out, s, len);
}

/* Render entry `i`; a template error becomes "FILE:LINE: key 'k': what". */
static int render(const dg_lang *lang, size_t i, json_t *ctx, dg_buf *out)
{
	dg_mustache_opts opts = {put_raw, NULL, NULL, ""};
	const entry *e = &lang->e[i];
	int err = dg_mustache_render(e->text, e->len, ctx, &opts, out);
	char *msg, *rest;
	long line;

	if (err >= 0)
		return err;
	/* The engine says ":N: what" for the N-th line of the value (copied: the
	 * new message is written where the old one is). */
	msg = dg_strdup(dg_err_last());
	line = msg[0] == ':' ? strtol(msg + 1, &rest, 10) : 0;
	if (line > 0 && !strncmp(rest, ": ", 2))
		err = dg_err_set(err, "%s:%ld: key '%s': %s", lang->path, e->line + line - 1, known[i], rest + 2);
	else
		err = dg_err_wrap(err, "%s:%d: key '%s'", lang->path, e->line, known[i]);
	free(msg);
	return err;
}

static size_t find_key(const char *key, size_t len)
{
	for (size_t i = 0; i < NKNOWN; i++)
		if (strlen(known[i]) == len && !memcmp(known[i], key, len))
			return i;
	return NKNOWN;
}

/* One "table.key = string" entry: known, a string, a well-formed template. */
static int add_entry(dg_lang *lang, const char *key, size_t key_len, const dg_toml *v)
{
	size_t i = find_key(key, key_len), len;
	const char *s = dg_toml_string(v, &len);
	json_t *empty;
	dg_buf scratch = DG_BUF_INIT;
	int err;

	if (i == NKNOWN)
		return dg_err_set(DG_ERR_CONFIG, "%s:%d: unknown key '%.*s'", lang->path, dg_toml_line(v),
				  (int)key_len, key);
	if (!s || memchr(s, '\0', len))
		return dg_err_set(DG_ERR_CONFIG, "%s:%d: key '%s': expected a string without NUL, got %s",
				  lang->path, dg_toml_line(v), known[i], dg_toml_type_name(dg_toml_type_of(v)));
	lang->e[i].text = dg_strndup(s, len);
	lang->e[i].len = len;
	lang->e[i].line = dg_toml_line(v);
	/* Parse now, so a malformed template stops the run before any request. */
	empty = json_object();
	err = render(lang, i, empty, &scratch);
	json_decref(empty);
	dg_buf_free(&scratch);
	return err < 0 ? DG_ERR_CONFIG : 0;
}

static int load_tables(dg_lang *lang, const dg_toml *root)
{
	dg_buf key = DG_BUF_INIT;
	int err = 0;

	for (size_t t = 0; t < dg_toml_count(root) && !err; t++) {
		const dg_toml *table = dg_toml_at(root, t);
		if (dg_toml_type_of(table) != DG_TOML_TABLE) {
			err = dg_err_set(DG_ERR_CONFIG, "%s:%d: unknown key '%.*s' (strings live in tables: "
					 "[common], [events], [community], [cnweekly], [release], [wechat])", lang->path,
					 dg_toml_line(table), (int)dg_toml_key_len_at(root, t), dg_toml_key_at(root, t));
			break;
		}
		for (size_t k = 0; k < dg_toml_count(table) && !err; k++) {
			dg_buf_clear(&key);
			dg_buf_put(&key, dg_toml_key_at(root, t), dg_toml_key_len_at(root, t));
			dg_buf_putc(&key, '.');
			dg_buf_put(&key, dg_toml_key_at(table, k), dg_toml_key_len_at(table, k));   /* no cap */
			err = add_entry(lang, dg_buf_cstr(&key), key.len, dg_toml_at(table, k));
		}
	}
	dg_buf_free(&key);
	for (size_t i = 0; i < NKNOWN && !err; i++)
		if (!lang->e[i].text)
			err = dg_err_set(DG_ERR_CONFIG, "%s: key '%s' is missing (an overriding strings.toml must "
					 "define every string of the shipped one)", lang->path, known[i]);
	return err;
}

int dg_lang_load_file(const char *path, dg_lang **out)
{
	dg_lang *lang = dg_calloc(1, sizeof(*lang));
	dg_toml *root = NULL;
	int err;

	*out = NULL;
	lang->path = dg_strdup(path);
	if ((err = dg_toml_parse_file(path, &root)) >= 0)
		err = load_tables(lang, root);
	dg_toml_free(root);
	if (err < 0) {
		dg_lang_free(lang);
		return err;
	}
	*out = lang;
	return 0;
}

int dg_lang_load(const dg_config *cfg, dg_lang **out)
{
	dg_buf rel = DG_BUF_INIT;
	char *path = NULL;
	int err;

	*out = NULL;
	dg_buf_printf(&rel, "%s/strings.toml", cfg->language);   /* no cap: cannot fail */
	if ((err = dg_datadir_find(cfg->templates_dir, "templates", dg_buf_cstr(&rel), &path)) == 0)
		err = dg_err_set(DG_ERR_CONFIG, "strings file '%s' not found (looked in digest.templates_dir, "
				 "$DIGEST_DATADIR/templates, beside the binary and in %s/templates)",
				 dg_buf_cstr(&rel), DG_DATADIR);
	if (err > 0)
		err = dg_lang_load_file(path, out);
	free(path);
	dg_buf_free(&rel);
	return err;
}

int dg_lang_format(const dg_lang *lang, const char *key, json_t *ctx, char **out)
{
	size_t i = find_key(key, strlen(key));
	dg_buf b = DG_BUF_INIT;
	json_t *none = NULL;
	int err;

	*out = NULL;
	if (i == NKNOWN)
		return dg_err_set(DG_ERR_FAIL, "%s: no string '%s' (not a known key)", lang->path, key);
	if (!ctx)
		ctx = none = json_object();
	err = render(lang, i, ctx, &b);
	json_decref(none);
	if (err < 0) {
		dg_buf_free(&b);
		return err;
	}
	return dg_buf_finish(&b, out);
}

char *dg_lang_say(const dg_lang *lang, const char *key, json_t *ctx, int *err)
{
	char *s = NULL;

	if (*err >= 0 && !ctx)
		*err = dg_err_set(DG_ERR_FAIL, "%s: key '%s': cannot build its names (a value that is not UTF-8)",
				  lang->path, key);
	if (*err >= 0)
		*err = dg_lang_format(lang, key, ctx, &s);
	json_decref(ctx);
	return s;
}
