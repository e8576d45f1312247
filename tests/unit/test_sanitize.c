/* test_sanitize.c - dg_model_sanitize_urls: every link in the model is a safe
 * http(s) URL or "", whatever its length, bytes or place in the model. */
#include "check.h"
#include "model/model.h"
#include "base/buf.h"

#include <stdlib.h>
#include <string.h>

/* An http(s) link in which nothing ends the Markdown destination or opens
 * another link or an element (a "javascript:" left inside is path text). */
static int harmless(const char *s)
{
	return !strncmp(s, "https://", 8) && !strpbrk(s, "<>()\"'` []|\\");
}

/* Sanitise {"key": value} (value owned by the call); returns the new value
 * of obj[key], borrowed from the kept object, and the number of warnings. */
static json_t *obj;
static json_t *warnings;

static const char *one(const char *key, json_t *value, int *nwarn)
{
	json_decref(obj);
	json_decref(warnings);
	obj = json_object();
	warnings = json_array();
	json_object_set_new(obj, key, value);
	*nwarn = dg_model_sanitize_urls(obj, warnings);
	value = json_object_get(obj, key);
	return json_is_string(value) ? json_string_value(value) : "(missing)";
}

static void test_plain(void)
{
	int w;

	CHECK_STR(one("url", json_string("https://e.test/a?b=1"), &w), "https://e.test/a?b=1", "https kept");
	CHECK_STR(one("link", json_string("javascript:alert(1)"), &w), "", "javascript: emptied");
	CHECK(w == 0, "a rejected scheme is no warning");
	/* avatar_small goes into ![](…) as it is: a link like the others. */
	CHECK_STR(one("avatar_small", json_string("x\" onerror=\"alert(1)"), &w), "", "avatar_small: no scheme, emptied");
	CHECK(harmless(one("avatar_small", json_string("https://a.test/u?s=64\"><img src=x onerror=alert(1)>"), &w)),
	      "avatar_small: what would open raw HTML is encoded");
	CHECK_STR(one("qr_image", json_string("javascript:alert(2)"), &w), "", "*_image keys too");
	CHECK_STR(one("avatar_url", json_string(" https://e.test/"), &w), "", "a leading blank: emptied");
	CHECK_STR(one("certificate_url", json_string("certificates/contributor-x.svg"), &w),
		  "certificates/contributor-x.svg", "digest's own certificate path kept");
	CHECK_STR(one("link", json_string("https://e.test/a b)<img src=x onerror=alert(1)>[x](javascript:y)"), &w),
		  "https://e.test/a%20b%29%3Cimg%20src=x%20onerror=alert%281%29%3E%5Bx%5D%28javascript:y%29",
		  "')' '<' '>' '[' ']' and blanks percent-encoded");
	CHECK_STR(one("link", json_stringn("https://e.test/\0javascript:x", 28), &w),
		  "https://e.test/%00javascript:x", "an embedded NUL is encoded, not a cut");
	CHECK_STR(one("title", json_string("javascript:x"), &w), "javascript:x", "other keys untouched");
	CHECK_STR(one("url", json_string("https://e.test/\xe4\xb8\xad\xe6\x96\x87"), &w),
		  "https://e.test/\xe4\xb8\xad\xe6\x96\x87", "CJK kept as UTF-8");
}

/* 5000 characters with CJK across every old cut point (2048 bytes). */
static void test_long(void)
{
	dg_buf b = DG_BUF_INIT;
	const char *v;
	int w, ok = 1;

	dg_buf_puts(&b, "https://e.test/");
	for (int i = 0; i < 1500; i++)
		dg_buf_puts(&b, i % 3 ? "\xe4\xb8\xad" : "a");
	dg_buf_puts(&b, ")[x](javascript:alert(1))<script>alert(2)</script>");
	while (b.len < 5000)
		dg_buf_puts(&b, "\xe6\x96\x87)");
	v = one("link", json_stringn(b.ptr, b.len), &w);
	CHECK(*v && harmless(v) && strlen(v) > b.len, "5000 bytes with CJK at the cut: all of it, encoded");
	CHECK(w == 0, "no warning for a long valid link");
	for (size_t cut = 2040; cut < 2060 && ok; cut++) {
		dg_buf_clear(&b);
		dg_buf_puts(&b, "https://e.test/");
		while (b.len < cut)
			dg_buf_putc(&b, 'a');
		dg_buf_puts(&b, "\xe4\xb8\xad\xe4\xb8\xad)<b>javascript:alert(1)</b>");
		v = one("url", json_stringn(b.ptr, b.len), &w);
		ok = *v && harmless(v) && strstr(v, "%29%3Cb%3Ejavascript:alert%281%29");
	}
	CHECK(ok, "CJK at each byte around 2048: the whole link is kept and encoded");
	dg_buf_free(&b);
}

static void test_fail_closed(void)
{
	json_t *m;
	int w;
	const char *v;

	/* jansson checks UTF-8 only when asked: a value made without the check. */
	v = one("link", json_stringn_nocheck("https://e.test/\xff)<script>", 26), &w);
	CHECK_STR(v, "", "invalid UTF-8: emptied");
	CHECK(w == 1 && strstr(json_string_value(json_array_get(warnings, 0)), "link") &&
	      strstr(json_string_value(json_array_get(warnings, 0)), "UTF-8"),
	      "invalid UTF-8: a warning names the field (%s)", json_string_value(json_array_get(warnings, 0)));

	m = json_pack("{s:[{s:s}, {s:{s:s}}]}", "news", "title", "t", "repo", "latest_url", "x");
	json_object_set_new(json_object_get(json_array_get(json_object_get(m, "news"), 1), "repo"), "latest_url",
			    json_stringn_nocheck("https://\xe4\xb8", 10));
	json_decref(warnings);
	warnings = json_array();
	w = dg_model_sanitize_urls(m, warnings);
	CHECK(w == 1 && strstr(json_string_value(json_array_get(warnings, 0)), "news[1].repo.latest_url"),
	      "a nested field is named by its path (%s)", json_string_value(json_array_get(warnings, 0)));
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(json_object_get(m, "news"), 1),
								   "repo"), "latest_url")), "",
		  "a truncated character at the end: emptied");
	CHECK(dg_model_sanitize_urls(m, NULL) == 0, "no warnings array: still safe");
	json_decref(m);
}

int main(void)
{
	test_plain();
	test_long();
	test_fail_closed();
	json_decref(obj);
	json_decref(warnings);
	return check_done();
}
