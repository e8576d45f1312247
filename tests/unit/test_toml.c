/* Unit tests of lib/toml.c: the tree API (lines, order, lookup, lengths),
 * error messages, and parsing files. The full TOML grammar is exercised
 * by tests/t-toml-test.py against toml-test. */
#include "check.h"
#include "base/err.h"
#include "config/toml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static dg_toml *parse(const char *src)
{
	dg_toml *root = NULL;

	if (dg_toml_parse(src, strlen(src), "test.toml", &root) < 0)
		printf("# unexpected parse error: %s\n", dg_err_last());
	return root;
}

/* Parse an invalid document; 1 if it failed with DG_ERR_CONFIG and a
 * message that contains `want`. */
static int fails_with(const char *src, size_t len, const char *want)
{
	dg_toml *root = (dg_toml *)1;
	int rc = dg_toml_parse(src, len, "bad.toml", &root);

	if (rc != DG_ERR_CONFIG || root != NULL || !strstr(dg_err_last(), want)) {
		printf("# rc %d, message: %s\n# wanted: %s\n", rc, dg_err_last(), want);
		dg_toml_free(root == (dg_toml *)1 ? NULL : root);
		return 0;
	}
	return 1;
}

#define FAILS(lit, want) fails_with(lit, sizeof(lit) - 1, want)

static const dg_toml *path3(const dg_toml *t, const char *a, const char *b, const char *c)
{
	return dg_toml_get(dg_toml_get(dg_toml_get(t, a), b), c);
}

static void test_lines_and_order(void)
{
	static const char doc[] =
		"# line 1\n"
		"zeta = 1\n"                         /* 2 */
		"alpha = \"\"\"two\n"                /* 3 */
		"lines\"\"\"\n"                      /* 4 */
		"mid.dotted.key = true\n"            /* 5 */
		"\n"
		"[server]\n"                         /* 7 */
		"port = 8080\n"                      /* 8 */
		"inline = { a = 1, b = [ 1,\n"       /* 9 */
		"  2 ] }\n"                          /* 10 */
		"[a.b.c]\n"                          /* 11 */
		"x = 1\n"                            /* 12 */
		"[a]\n"                              /* 13 */
		"[[feed]]\n"                         /* 14 */
		"name = \"one\"\n"                   /* 15 */
		"[[feed]]\n"                         /* 16 */
		"name = \"two\"\n";                  /* 17 */
	dg_toml *root = parse(doc);
	const dg_toml *v, *feeds;

	CHECK(root != NULL, "a document with every construct parses");
	if (!root)
		return;
	CHECK(dg_toml_line(dg_toml_get(root, "zeta")) == 2, "value on line 2 reports line 2");
	CHECK(dg_toml_line(dg_toml_get(root, "alpha")) == 3, "multi-line string reports its first line");
	v = dg_toml_get(root, "mid");
	CHECK(dg_toml_line(v) == 5 && dg_toml_type_of(v) == DG_TOML_TABLE,
	      "table made by a dotted key reports the key's line");
	CHECK(dg_toml_bool(path3(root, "mid", "dotted", "key")) == 1, "dotted key value reachable by dg_toml_get");
	v = dg_toml_get(root, "server");
	CHECK(dg_toml_line(v) == 7, "table reports its header line");
	CHECK(dg_toml_line(dg_toml_get(v, "port")) == 8, "value under a header reports its own line");
	CHECK(dg_toml_int(dg_toml_get(v, "port")) == 8080, "integer value");
	CHECK(dg_toml_line(dg_toml_get(v, "inline")) == 9, "inline table reports the line of '{'");
	v = dg_toml_get(dg_toml_get(v, "inline"), "b");
	CHECK(dg_toml_count(v) == 2 && dg_toml_line(dg_toml_at(v, 1)) == 10,
	      "array element on the next line reports that line");
	CHECK(dg_toml_line(dg_toml_get(root, "a")) == 13,
	      "implicit table later defined by [a] reports the [a] line");
	CHECK(dg_toml_line(dg_toml_get(dg_toml_get(root, "a"), "b")) == 11,
	      "implicit parent table reports the header that created it");
	CHECK(dg_toml_int(dg_toml_get(path3(root, "a", "b", "c"), "x")) == 1,
	      "dg_toml_get walks nested header tables");
	feeds = dg_toml_get(root, "feed");
	CHECK(dg_toml_type_of(feeds) == DG_TOML_ARRAY && dg_toml_count(feeds) == 2,
	      "[[feed]] twice makes an array of two tables");
	CHECK(dg_toml_line(feeds) == 14 && dg_toml_line(dg_toml_at(feeds, 1)) == 16,
	      "array of tables and its elements report their header lines");
	CHECK_STR(dg_toml_string(dg_toml_get(dg_toml_at(feeds, 1), "name"), NULL), "two",
		  "second [[feed]] holds its own keys");

	CHECK(dg_toml_count(root) == 6, "root has six keys");
	CHECK_STR(dg_toml_key_at(root, 0), "zeta", "keys in document order (0)");
	CHECK_STR(dg_toml_key_at(root, 1), "alpha", "keys in document order (1)");
	CHECK_STR(dg_toml_key_at(root, 2), "mid", "keys in document order (2)");
	CHECK_STR(dg_toml_key_at(root, 3), "server", "keys in document order (3)");
	CHECK_STR(dg_toml_key_at(root, 4), "a", "keys in document order (4)");
	CHECK_STR(dg_toml_key_at(root, 5), "feed", "keys in document order (5)");
	CHECK(dg_toml_key_at(root, 6) == NULL && dg_toml_at(root, 6) == NULL, "index past the end is NULL");
	CHECK(dg_toml_at(root, 0) == dg_toml_get(root, "zeta"), "dg_toml_at matches dg_toml_get");
	CHECK(dg_toml_get(root, "missing") == NULL, "absent key is NULL");
	CHECK(dg_toml_get(dg_toml_get(root, "zeta"), "x") == NULL, "dg_toml_get on a scalar is NULL");
	CHECK(dg_toml_get(root, "mid.dotted") == NULL, "dg_toml_get takes one key, not a path");
	dg_toml_free(root);
}

static void test_scalars(void)
{
	static const char doc[] =
		"s = \"a\\u0000b\\tc\"\n"
		"\"k\\u0000ey\" = 1\n"
		"lit = 'C:\\path'\n"
		"big = 9_223_372_036_854_775_807\n"
		"neg = -9223372036854775808\n"
		"hex = 0xdead_BEEF\n"
		"f = 6.626e-34\n"
		"ninf = -inf\n"
		"nan = nan\n"
		"odt = 1979-05-27 07:32:00.5z\n"
		"ldt = 1979-05-27t07:32:00\n"
		"ld = 2024-02-29\n"
		"lt = 23:59:60.123\n"
		"off = 2000-01-01T00:00:00-08:30\n";
	dg_toml *root = parse(doc);
	const dg_toml *v;
	const char *s;
	size_t len = 0;

	CHECK(root != NULL, "scalar document parses");
	if (!root)
		return;
	s = dg_toml_string(dg_toml_get(root, "s"), &len);
	CHECK(s && len == 5 && memcmp(s, "a\0b\tc", 5) == 0 && s[5] == '\0',
	      "string with an escaped NUL keeps its length (5) and is NUL-terminated");
	CHECK(dg_toml_key_len_at(root, 1) == 4 && memcmp(dg_toml_key_at(root, 1), "k\0ey", 4) == 0,
	      "key with an escaped NUL keeps its length");
	CHECK_STR(dg_toml_string(dg_toml_get(root, "lit"), NULL), "C:\\path", "literal string keeps backslashes");
	CHECK(dg_toml_int(dg_toml_get(root, "big")) == INT64_MAX, "INT64_MAX with underscores");
	CHECK(dg_toml_int(dg_toml_get(root, "neg")) == INT64_MIN, "INT64_MIN");
	CHECK(dg_toml_int(dg_toml_get(root, "hex")) == 0xdeadbeef, "hexadecimal with underscores");
	CHECK(dg_toml_float(dg_toml_get(root, "f")) == 6.626e-34, "float with exponent");
	CHECK(isinf(dg_toml_float(dg_toml_get(root, "ninf"))) && dg_toml_float(dg_toml_get(root, "ninf")) < 0,
	      "-inf");
	CHECK(isnan(dg_toml_float(dg_toml_get(root, "nan"))), "nan");
	v = dg_toml_get(root, "odt");
	CHECK(dg_toml_type_of(v) == DG_TOML_DATETIME, "offset date-time type");
	CHECK_STR(dg_toml_datetime(v), "1979-05-27T07:32:00.5Z", "space separator and 'z' normalised");
	v = dg_toml_get(root, "ldt");
	CHECK(dg_toml_type_of(v) == DG_TOML_DATETIME_LOCAL, "local date-time type");
	CHECK_STR(dg_toml_datetime(v), "1979-05-27T07:32:00", "lower-case 't' normalised");
	CHECK(dg_toml_type_of(dg_toml_get(root, "ld")) == DG_TOML_DATE_LOCAL, "local date type");
	CHECK_STR(dg_toml_datetime(dg_toml_get(root, "ld")), "2024-02-29", "leap day in a leap year");
	CHECK_STR(dg_toml_datetime(dg_toml_get(root, "lt")), "23:59:60.123", "local time, leap second, fraction as written");
	CHECK_STR(dg_toml_datetime(dg_toml_get(root, "off")), "2000-01-01T00:00:00-08:30", "numeric offset kept");
	CHECK_STR(dg_toml_type_name(dg_toml_type_of(dg_toml_get(root, "lt"))), "time-local", "type name of a local time");
	CHECK_STR(dg_toml_type_name(DG_TOML_INTEGER), "integer", "type name of an integer");
	v = dg_toml_get(root, "s");
	CHECK(dg_toml_int(v) == 0 && dg_toml_datetime(v) == NULL && dg_toml_count(v) == 0,
	      "accessors of another type return neutral values");
	CHECK(dg_toml_string(dg_toml_get(root, "big"), NULL) == NULL, "dg_toml_string of an integer is NULL");
	dg_toml_free(root);
}

static void test_many_keys(void)
{
	char *doc = malloc(20000 * 24), *p = doc, key[32];
	dg_toml *root;
	int i, ok = 1;

	for (i = 0; i < 20000; i++)
		p += sprintf(p, "k%d = %d\n", (i * 7919) % 20000, i);
	root = parse(doc);
	CHECK(root && dg_toml_count(root) == 20000, "20000 keys parse");
	for (i = 0; root && i < 20000; i++) {
		snprintf(key, sizeof(key), "k%d", (i * 7919) % 20000);
		if (dg_toml_int(dg_toml_get(root, key)) != i || strcmp(dg_toml_key_at(root, (size_t)i), key))
			ok = 0;
	}
	CHECK(ok, "every key found by dg_toml_get, in document order");
	dg_toml_free(root);
	strcat(doc, "k5 = 1\n");
	CHECK(fails_with(doc, strlen(doc), "bad.toml:20001: duplicate key 'k5'"),
	      "duplicate found in a large table, with its line");
	free(doc);
}

static void test_errors(void)
{
	static const char nul_doc[] = "a = 1\nb = \"x\0y\"\n";

	CHECK(FAILS("a = 1\nb = 2\n\n# c\na = 3\n", "bad.toml:5: duplicate key 'a'"),
	      "duplicate key names the file and line 5: %s", dg_err_last());
	CHECK(FAILS("[t]\nx = 1\n[t]\n", "bad.toml:3: table [t] is already defined"),
	      "duplicate table names line 3: %s", dg_err_last());
	CHECK(FAILS("a = 1\n\nb = \"open\n", "bad.toml:3: unterminated string"),
	      "unterminated string on line 3: %s", dg_err_last());
	CHECK(FAILS("a = 1\nb = \"\"\"\nnever\nclosed\n", "bad.toml:2: unterminated multi-line string"),
	      "unterminated multi-line string names its first line: %s", dg_err_last());
	CHECK(FAILS("a = 1\nb = 2\nc = \"bad \\q escape\"\n", "bad.toml:3: invalid escape sequence '\\q'"),
	      "bad escape on line 3: %s", dg_err_last());
	CHECK(FAILS("a = \"\\uD800\"\n", "bad.toml:1: escape \\uD800 is not a Unicode scalar value"),
	      "surrogate escape rejected: %s", dg_err_last());
	CHECK(fails_with(nul_doc, sizeof(nul_doc) - 1, "bad.toml:2: control character U+0000"),
	      "raw NUL rejected with its line: %s", dg_err_last());
	CHECK(FAILS("a = 1\nb = \"\xff\"\n", "bad.toml:2: invalid UTF-8"),
	      "invalid UTF-8 rejected with its line: %s", dg_err_last());
	CHECK(FAILS("a = 1\rb = 2\n", "bad.toml:1: carriage return"),
	      "bare CR rejected: %s", dg_err_last());
	CHECK(FAILS("x = 99999999999999999999\n", "bad.toml:1: '99999999999999999999': integer does not fit"),
	      "int64 overflow rejected: %s", dg_err_last());
	CHECK(FAILS("d = 2023-02-29\n", "bad.toml:1: invalid date"),
	      "29 February of a common year rejected: %s", dg_err_last());
	CHECK(FAILS("[fruit]\napple.color = 1\n[fruit.apple]\n", "bad.toml:3: table [fruit.apple] is already defined"),
	      "header cannot define a table made by dotted keys: %s", dg_err_last());
	CHECK(FAILS("a = {b = 1}\na.c = 2\n", "bad.toml:2: key 'a.c': cannot add to 'a', which is an inline table"),
	      "inline tables are sealed: %s", dg_err_last());
	CHECK(FAILS("a = [1]\n[[a]]\n", "bad.toml:2: [[a]]: cannot append"),
	      "array value cannot be extended by [[a]]: %s", dg_err_last());
	CHECK(FAILS("a = {b = 1,}\n", "bad.toml:1: trailing comma in inline table"),
	      "trailing comma in inline table: %s", dg_err_last());
	CHECK(FAILS("a = 1 b = 2\n", "bad.toml:1: expected end of line after the value, found 'b'"),
	      "two key/values on one line: %s", dg_err_last());
}

static void test_hostile(void)
{
	char *deep = malloc(200001);
	dg_toml *root = NULL;

	memset(deep, '[', 200000);
	memcpy(deep, "a = ", 4);
	deep[200000] = '\0';
	CHECK(fails_with(deep, 200000, "nested more than 128 levels"),
	      "200000 open brackets fail cleanly: %s", dg_err_last());
	free(deep);
	CHECK(dg_toml_parse("", 0, NULL, &root) == 0 && root && dg_toml_count(root) == 0,
	      "empty input is an empty table");
	dg_toml_free(root);
	dg_toml_free(NULL);
	CHECK(dg_toml_get(NULL, "x") == NULL && dg_toml_count(NULL) == 0 && dg_toml_line(NULL) == 0,
	      "accessors accept NULL");
}

static void test_file(void)
{
	char path[] = "/tmp/test_toml_XXXXXX";
	dg_toml *root = NULL;
	FILE *f;
	int fd = mkstemp(path);

	CHECK(fd >= 0, "temporary file created");
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	fputs("\xef\xbb\xbf# config\r\ntitle = \"Digest\"\r\n", f);
	fclose(f);
	CHECK(dg_toml_parse_file(path, &root) == 0, "file with BOM and CRLF parses");
	CHECK_STR(dg_toml_string(dg_toml_get(root, "title"), NULL), "Digest", "value read from the file");
	CHECK(dg_toml_line(dg_toml_get(root, "title")) == 2, "CRLF counts lines");
	dg_toml_free(root);

	f = fopen(path, "w");
	fputs("title = \"Digest\"\ntitle = \"again\"\n", f);
	fclose(f);
	root = (dg_toml *)1;
	CHECK(dg_toml_parse_file(path, &root) == DG_ERR_CONFIG && root == NULL, "invalid file fails");
	CHECK(strncmp(dg_err_last(), path, strlen(path)) == 0 && strstr(dg_err_last(), ":2: duplicate key"),
	      "file error names path and line: %s", dg_err_last());
	unlink(path);
	CHECK(dg_toml_parse_file(path, &root) < 0 && strstr(dg_err_last(), path) &&
	      strstr(dg_err_last(), "cannot open"), "missing file names the path: %s", dg_err_last());
}

int main(void)
{
	test_lines_and_order();
	test_scalars();
	test_many_keys();
	test_errors();
	test_hostile();
	test_file();
	return check_done();
}
