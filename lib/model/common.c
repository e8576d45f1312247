/* What every kind's model shares: dates and periods in the language's
 * words, YAML front-matter values, the preview title, footer links, safe
 * links, the certificate file names, the keys every model ends with, and
 * the JSON dump. Lowest file of lib/model/: the others call into it, never
 * the other way round. */
#include "model/model.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/str.h"
#include "base/text.h"
#include "model/lang.h"
#include "model/modelint.h"

#include <stdint.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Local calendar date of an RFC 3339 time, "YYYY-MM-DD". */
void dg_model_local_date(const dg_model_opts *o, int64_t t, char out[16])
{
	int y, m, d;

	if (dg_date_local_ymd(t, o->timezone, &y, &m, &d) < 0)
		y = 1970, m = d = 1;
	snprintf(out, 16, "%04d-%02d-%02d", y, m % 100, d % 100);
}

char *dg_model_say_date(const dg_model_opts *o, const dg_lang *lang, int64_t t, int *err)
{
	int y, mo, d;
	char year[16], month2[8], day2[8];

	if (dg_date_local_ymd(t, o->timezone, &y, &mo, &d) < 0)
		y = 1970, mo = d = 1;
	snprintf(year, sizeof(year), "%04d", y);
	snprintf(month2, sizeof(month2), "%02d", mo % 100);
	snprintf(day2, sizeof(day2), "%02d", d % 100);
	return dg_lang_say(lang, "common.date", json_pack("{s:s, s:i, s:i, s:s, s:s}", "year", year, "month", mo,
							  "day", d, "month2", month2, "day2", day2), err);
}

int dg_model_period_text(const dg_model_opts *o, const dg_lang *lang, const dg_window *w, json_t *period)
{
	int err = 0;
	char *first = dg_model_say_date(o, lang, w->since, &err);
	char *last = dg_model_say_date(o, lang, w->until - 1, &err);
	char *range = dg_lang_say(lang, "common.range", json_pack("{s:s?, s:s?}", "first", first, "last", last), &err);

	if (err >= 0) {
		json_object_set_new(period, "first_text", json_string(first));
		json_object_set_new(period, "last_text", json_string(last));
		json_object_set_new(period, "range_text", json_string(range));
	}
	free(first);
	free(last);
	free(range);
	return err;
}

json_t *dg_model_window(const dg_model_opts *o, const dg_window *w)
{
	char since[DG_DATE_RFC3339_LEN], until[DG_DATE_RFC3339_LEN];

	dg_date_format_utc(w->since, since);
	dg_date_format_utc(w->until, until);
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "since", since, "until", until,
			 "week", w->week_label, "label", w->label, "weeks", w->weeks,
			 "timezone", o->timezone);
}

/* "2021.12.06-2021.12.12" style dates of the period (last day inclusive). */
json_t *dg_model_period(const dg_model_opts *o, const dg_window *w)
{
	char first[16], last[16], created[16], dots[48], issue_date[24];

	dg_model_local_date(o, w->since, first);
	dg_model_local_date(o, w->until - 1, last);
	dg_model_local_date(o, w->until, created);
	snprintf(dots, sizeof(dots), "%.4s.%.2s.%.2s-%.4s.%.2s.%.2s", first, first + 5, first + 8,
		 last, last + 5, last + 8);
	/* The issue's date as titles write it: "2021.10.18", no zero padding. */
	snprintf(issue_date, sizeof(issue_date), "%d.%d.%d", atoi(created), atoi(created + 5), atoi(created + 8));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "first_day", first, "last_day", last,
			 "created", created, "range", dots, "date", issue_date, "biweekly", w->weeks == 2);
}

/* YAML single-quoted scalar body: ' doubles, newlines become spaces. */
static char *yaml_quote(const char *s)
{
	size_t n = 0;
	char *out, *o;

	for (const char *p = s; *p; p++)
		n += *p == '\'' ? 2 : 1;
	out = dg_malloc(n + 1);
	for (o = out; *s; s++) {
		if (*s == '\'')
			*o++ = '\'';
		*o++ = (*s == '\n' || *s == '\r') ? ' ' : *s;
	}
	*o = '\0';
	return out;
}

void dg_model_set_yaml(json_t *obj, const char *key, const char *value)
{
	char *q = yaml_quote(value ? value : "");

	json_object_set_new(obj, key, json_string(q));
	free(q);
}

/* A new string holding b's text, "" when b is in error or the text is not
 * valid UTF-8 (a value built from outside text never goes missing). */
json_t *dg_model_buf_string(const dg_buf *b)
{
	json_t *s = dg_buf_error(b) < 0 ? NULL : json_stringn(dg_buf_cstr(b), b->len);

	return s ? s : json_string("");
}

char *dg_model_preview_title(const dg_lang *lang, const dg_window *w, char *title, int *err)
{
	char *marked;

	if (!title || !w->in_progress || *err < 0)
		return title;
	marked = dg_lang_say(lang, "common.preview", json_pack("{s:s}", "title", title), err);
	free(title);
	return marked;
}

char *dg_model_biweekly(const dg_lang *lang, char *text, int *err)
{
	char *wk = dg_lang_say(lang, "community.weekly", json_object(), err);
	char *bi = dg_lang_say(lang, "community.biweekly", json_object(), err);
	size_t wn = wk ? strlen(wk) : 0, bn = bi ? strlen(bi) : 0;
	dg_buf b = DG_BUF_INIT;   /* uncapped: the appends cannot fail */

	if (!text || !wn || !bi) {
		free(wk);
		free(bi);
		return text;
	}
	for (const char *p = text; *p;) {
		int at = strnlen(p, wn) == wn && dg_str_eq_ci(p, wk, wn);
		/* Says so already: the text before it and the word make the biweekly's. */
		int already = at && bn > wn && (size_t)(p - text) >= bn - wn &&
			      dg_str_eq_ci(p - (bn - wn), bi, bn - wn) && dg_str_eq_ci(bi + (bn - wn), wk, wn);

		if (!at || already) {
			dg_buf_putc(&b, *p++);
			continue;
		}
		if ((unsigned char)bi[0] < 0x80 && isalpha((unsigned char)bi[0]) && islower((unsigned char)p[0])) {
			dg_buf_putc(&b, (char)tolower((unsigned char)bi[0]));
			dg_buf_puts(&b, bi + 1);
		} else {
			dg_buf_puts(&b, bi);
		}
		p += wn;
	}
	free(wk);
	free(bi);
	free(text);
	return dg_buf_detach(&b);
}

/* Keys whose value is a link or an image source: "url", "link", "*_url",
 * "*_image" and every "avatar*" (avatar_small goes into an image in the
 * Markdown as it is). */
static int is_url_key(const char *k)
{
	size_t n = strlen(k);

	return !strcmp(k, "url") || !strcmp(k, "link") || (n > 4 && !strcmp(k + n - 4, "_url")) ||
	       (n > 6 && !strcmp(k + n - 6, "_image")) || !strncmp(k, "avatar", 6);
}

/* The safe form of link u[0..n) in out (uncapped): 0, 1 when it is no
 * http(s) link (nor a certificates/ path) and becomes "", DG_ERR_FAIL on
 * invalid UTF-8. Bytes that would end a Markdown link destination early or
 * open raw HTML are percent-encoded; valid UTF-8 is kept as it is. */
static int safe_url(const char *u, size_t n, dg_buf *out)
{
	const unsigned char *s = (const unsigned char *)u;
	size_t i = 0;

	if (!dg_str_starts_ci(u, n, "https://") && !dg_str_starts_ci(u, n, "http://") &&
	    (n < 13 || strncmp(u, "certificates/", 13)))
		return 1;
	while (i < n) {
		uint32_t cp;
		size_t k = s[i] < 0x80 ? 1 : dg_text_utf8_decode(s + i, n - i, &cp);

		if (!k)
			return DG_ERR_FAIL;
		i += k;
	}
	return dg_str_percent_encode(out, u, n, DG_STR_PCT_KEEP_UTF8, "<>()\"'`\\[]|");
}

/* Make obj[k] (a string) a safe link or "". Fails closed: when the safe
 * form cannot be built (invalid UTF-8), the value becomes "", with a
 * warning naming the field. */
static void sanitize_value(json_t *obj, const char *k, json_t *val, const char *field, json_t *warnings)
{
	dg_buf b = DG_BUF_INIT;
	int r = safe_url(json_string_value(val), json_string_length(val), &b);

	/* Valid UTF-8 without NUL (encoded): json_stringn cannot refuse it. */
	json_object_set_new(obj, k, r == 0 ? json_stringn(dg_buf_cstr(&b), b.len) : json_string(""));
	dg_buf_free(&b);
	if (r < 0 && warnings)
		dg_json_appendf(warnings, "%s: not valid UTF-8: the link is left empty", field);
}

/* Walk v; `path` names the value ("news[2].link") for warnings. */
static void sanitize(json_t *v, dg_buf *path, json_t *warnings)
{
	size_t len = path->len, i;
	const char *k;
	json_t *child;
	void *it;

	if (json_is_array(v)) {
		json_array_foreach(v, i, child) {
			dg_buf_printf(path, "[%zu]", i);
			sanitize(child, path, warnings);
			path->len = len;
			if (path->ptr)
				path->ptr[len] = '\0';
		}
		return;
	}
	if (!json_is_object(v))
		return;
	json_object_foreach_safe(v, it, k, child) {
		dg_buf_printf(path, "%s%s", len ? "." : "", k);
		if (json_is_string(child) && is_url_key(k))
			sanitize_value(v, k, child, dg_buf_cstr(path), warnings);   /* `path` has no cap */
		else
			sanitize(child, path, warnings);
		path->len = len;
		if (path->ptr)
			path->ptr[len] = '\0';
	}
}

int dg_model_sanitize_urls(json_t *model, json_t *warnings)
{
	dg_buf path = DG_BUF_INIT;
	size_t before = json_array_size(warnings);

	sanitize(model, &path, warnings);
	dg_buf_free(&path);
	return (int)(json_array_size(warnings) - before);
}

/* digest.community, else the org's display name from its profile (in the
 * collected data), else the first org's login. */
const char *dg_model_community_name(const dg_model_opts *o, json_t *data)
{
	const char *profile = dg_json_str(json_object_get(data, "org"), "name");

	if (o->community && *o->community)
		return o->community;
	if (*profile)
		return profile;
	if (o->orgs->n)
		return o->orgs->v[0];
	return o->repos->n ? o->repos->v[0] : "digest";
}

void dg_model_add_links(const dg_model_opts *o, json_t *model)
{
	json_t *links = json_array(), *has = json_object_get(model, "has");

	for (size_t i = 0; i < o->links->n; i++)
		json_array_append_new(links, json_pack("{s:s, s:s, s:s}", "label", o->links->keys[i],
						       "url", o->links->values[i],
						       "sep", i + 1 < o->links->n ? " · " : ""));
	json_object_set_new(model, "links", links);
	json_object_set_new(model, "qr_image", json_string(o->qr_image ? o->qr_image : ""));
	json_object_set_new(model, "qr_alt", json_string(json_is_string(json_object_get(model, "community")) ?
							dg_json_str(model, "community") : dg_model_community_name(o, NULL)));
	json_object_set_new(has, "links", json_boolean(o->links->n > 0));
	json_object_set_new(has, "qr_image", json_boolean(o->qr_image && *o->qr_image));
}

/* The community report's front matter (kubesphere.io conventions), YAML-quoted. */
char *dg_model_dump(json_t *model)
{
	char *s = json_dumps(model, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	char *out;
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	out = dg_realloc(s, n + 2);
	out[n] = '\n';
	out[n + 1] = '\0';
	return out;
}

int dg_model_certificate_name(const char *login, dg_buf *out)
{
	size_t k = 0, n = strlen(login);

	dg_buf_puts(out, "contributor-");
	for (const char *p = login; *p && k < 200; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_') {
			dg_buf_putc(out, *p);
			k++;
		}
	/* Reduced or cut: two logins must still name two files. */
	if (k != n)
		dg_buf_printf(out, "%s%08llx", k ? "-" : "", (unsigned long long)(dg_text_hash(login, n) & 0xffffffffu));
	return dg_buf_error(out);
}

/* C0 control characters other than tab and newline (and DEL) out of every
 * string of `v`: text from outside is shown in SVG, Markdown, HTML and on a
 * terminal, where an ESC or a NUL-class byte breaks the output or forges it. */
static void strip_controls(json_t *v)
{
	size_t i;
	const char *k;
	json_t *child;

	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v), o = 0;
		char *clean;

		for (i = 0; i < n && ((unsigned char)s[i] >= 0x20 || s[i] == '\t' || s[i] == '\n') && s[i] != 0x7f; i++)
			;
		if (i == n)
			return;
		clean = dg_malloc(n + 1);
		for (i = 0; i < n; i++)
			if (((unsigned char)s[i] >= 0x20 && s[i] != 0x7f) || s[i] == '\t' || s[i] == '\n')
				clean[o++] = s[i];
		json_string_setn_nocheck(v, clean, o);
		free(clean);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			strip_controls(child);
	} else if (json_is_object(v)) {
		json_object_foreach(v, k, child)
			strip_controls(child);
	}
}

static int cmp_text(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

void dg_model_finish(const dg_model_opts *o, json_t *m, const dg_model_meta *meta, json_t *own)
{
	size_t failed = json_array_size(meta->failures);
	json_t *warnings = json_array();

	json_object_set_new(m, "number", meta->number > 0 ? json_integer(meta->number) : json_null());
	json_object_set_new(m, "partial", json_boolean(failed > 0));
	json_t *failures = meta->failures ? json_copy(meta->failures) : json_array();

	/* Sources fail and warn in the order their answers come: sorted, the
	 * model is the same from run to run. */
	dg_json_sort(failures, cmp_text);
	json_object_set_new(m, "failed_sources", failures);
	json_object_set_new(m, "failed_count", json_integer((json_int_t)failed));
	json_object_set_new(m, "show_partial_note", json_boolean(failed > 0 && o->partial_note));
	json_array_extend(warnings, meta->warnings);
	json_array_extend(warnings, own);
	dg_json_sort(warnings, cmp_text);
	/* warnings last: easiest to find at the end of the JSON */
	json_object_del(m, "warnings");
	json_object_set_new(m, "warnings", warnings);
	strip_controls(m);
}

int dg_model_writer_note(const dg_lang *lang, json_t *m, const dg_model_meta *meta)
{
	int err = 0;

	if (meta->note) {
		char *note = *meta->note ? dg_strdup(meta->note) : dg_lang_say(lang, "writer.note", json_object(), &err);
		json_object_set_new(m, "writer_note", json_string(note ? note : ""));
		free(note);
	}
	json_object_set_new(json_object_get(m, "has"), "writer_note", json_boolean(meta->note != NULL));
	return err;
}
