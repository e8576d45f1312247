/* base/str.h: whitespace, trimming, case-insensitive and byte search,
 * percent-encoding. */
#include "check.h"
#include "base/buf.h"
#include "base/str.h"

#include <stdlib.h>

static const char *encode(dg_buf *b, const char *s, enum dg_str_pct mode, const char *special)
{
	dg_buf_clear(b);
	return dg_str_percent_encode(b, s, strlen(s), mode, special) == 0 ? dg_buf_cstr(b) : NULL;
}

static void test_name_bits(void)
{
	static const char *const names[] = {"md", "html", "wechat-json"};
	const char *bad = NULL;
	unsigned mask = 0;
	int n = 0;

	CHECK(dg_str_name_bits("md,wechat-json", names, 3, &mask, &bad, &n) == 0 && mask == 5u, "two names: bits 0 and 2");
	CHECK(dg_str_name_bits("html,,", names, 3, &mask, &bad, &n) == 0 && mask == 2u, "empty items are skipped");
	CHECK(dg_str_name_bits("md,wechat", names, 3, &mask, &bad, &n) < 0 && n == 6 && !strncmp(bad, "wechat", 6),
	      "a prefix of a name is no name: the unknown item is named");
	CHECK(dg_str_name_bits("", names, 3, &mask, &bad, &n) == 0 && mask == 0, "an empty list: no bits");
}

int main(void)
{
	test_name_bits();
	const char *s = "  \t a b \r\n\v\f";
	dg_buf b = DG_BUF_INIT;
	size_t n;
	char *t;

	CHECK(dg_str_is_space(' ') && dg_str_is_space('\t') && dg_str_is_space('\n') && dg_str_is_space('\v') &&
	      dg_str_is_space('\f') && dg_str_is_space('\r'), "the six ASCII spaces");
	CHECK(!dg_str_is_space('a') && !dg_str_is_space(0) && !dg_str_is_space(0xa0) && !dg_str_is_space(0x85),
	      "nothing else, whatever the locale");
	CHECK(dg_str_lower('Q') == 'q' && dg_str_lower('q') == 'q' && dg_str_lower(0xC9) == 0xC9,
	      "ASCII lower case only");

	n = dg_str_trim(&s, strlen(s));
	CHECK(n == 3 && !strncmp(s, "a b", 3), "trim moves the start and cuts the end");
	s = " \n ";
	CHECK(dg_str_trim(&s, 3) == 0, "all blanks trim to nothing");
	t = dg_str_trim_dup("  x y\t", 6);
	CHECK_STR(t, "x y", "trimmed copy");
	free(t);
	t = dg_str_trim_dup("abc  ", 2);
	CHECK_STR(t, "ab", "trimmed copy of a slice");
	free(t);

	CHECK(dg_str_eq_ci("AbC/", "aBc", 3) && !dg_str_eq_ci("abd", "abc", 3), "eq_ci compares n bytes");
	CHECK(dg_str_starts_ci("HTTPS://x", 9, "https://"), "starts_ci ignores case");
	CHECK(!dg_str_starts_ci("http", 4, "https"), "starts_ci: shorter text");
	s = "Release Notes: BUG fixes";
	CHECK(dg_str_find_ci(s, strlen(s), "bug") == s + 15, "find_ci finds the first place");
	CHECK(dg_str_find_ci(s, 16, "bug") == NULL, "find_ci stays within the length");
	CHECK(dg_str_find_ci(s, strlen(s), "") == s, "an empty needle is at the start");
	CHECK(dg_str_find("a\0b<!ENTITY", 11, "<!ENTITY", 8) != NULL, "find crosses NUL bytes");
	CHECK(dg_str_find("abc", 3, "", 0) == NULL, "find: empty needle never found");
	CHECK(dg_str_find("abc", 3, "bcd", 3) == NULL, "find: no match past the end");

	CHECK_STR(encode(&b, "a b/ç~", DG_STR_PCT_UNRESERVED, NULL), "a%20b%2F%C3%A7~", "unreserved only");
	CHECK_STR(encode(&b, "a b<ç>\x7f", DG_STR_PCT_ASCII, "<>"), "a%20b%3C%C3%A7%3E%7F",
		  "ASCII: blanks, DEL, non-ASCII and the special bytes");
	CHECK_STR(encode(&b, "a b(ç)", DG_STR_PCT_KEEP_UTF8, "()"), "a%20b%28ç%29", "UTF-8 kept");
	dg_buf_free(&b);
	return check_done();
}
