#include "check.h"
#include "base/buf.h"
#include "base/err.h"

#include <stdlib.h>

int main(void)
{
	dg_buf b = DG_BUF_INIT;
	char *owned;

	CHECK_STR(dg_buf_cstr(&b), "", "empty buffer reads as empty string");
	CHECK(dg_buf_puts(&b, "hello") == 0, "puts succeeds");
	CHECK(dg_buf_printf(&b, " %d-%s", 42, "x") == 0, "printf succeeds");
	CHECK_STR(dg_buf_cstr(&b), "hello 42-x", "appends concatenate");
	CHECK(b.len == 10, "len counts bytes without NUL");
	dg_buf_clear(&b);
	CHECK(b.len == 0 && dg_buf_cstr(&b)[0] == '\0', "clear empties");
	for (int i = 0; i < 10000; i++)
		dg_buf_putc(&b, 'a' + i % 26);
	CHECK(b.len == 10000 && b.ptr[9999] == 'a' + 9999 % 26, "grows over many appends");
	owned = dg_buf_detach(&b);
	CHECK(owned && b.ptr == NULL && b.len == 0, "detach hands over and empties");
	free(owned);

	dg_buf_init(&b, 8);
	CHECK(dg_buf_puts(&b, "12345678") == 0, "fits exactly at cap");
	CHECK(dg_buf_putc(&b, '9') == DG_ERR_FAIL, "append past cap fails");
	CHECK(strstr(dg_err_last(), "limit of 8 bytes") != NULL, "cap message names the limit");
	CHECK_STR(dg_buf_cstr(&b), "12345678", "failed append leaves contents intact");
	dg_buf_free(&b);
	dg_buf_free(NULL);

	/* Sticky error: the cap is hit mid-way through a series of appends. */
	{
		char *s = (char *)"unset";
		int err;

		dg_buf_init(&b, 8);
		CHECK(dg_buf_error(&b) == 0, "a fresh buffer has no error");
		CHECK(dg_buf_puts(&b, "12345") == 0, "first append fits");
		CHECK(dg_buf_puts(&b, "6789") == DG_ERR_FAIL, "append past cap fails");
		dg_err_set(DG_ERR_CONFIG, "something else");
		CHECK(dg_buf_putc(&b, 'x') == DG_ERR_FAIL && dg_buf_printf(&b, "%d", 1) == DG_ERR_FAIL &&
		      dg_buf_put_utf8(&b, 0x4E91) == DG_ERR_FAIL, "later appends return the same error");
		CHECK(strstr(dg_err_last(), "limit of 8 bytes") != NULL, "later appends set its message again");
		CHECK_STR(dg_buf_cstr(&b), "12345", "later appends are no-ops");
		CHECK(b.len == 5, "len unchanged after the error");
		dg_buf_clear(&b);
		CHECK(dg_buf_puts(&b, "a") == DG_ERR_FAIL && dg_buf_error(&b) == DG_ERR_FAIL,
		      "clear keeps the error: no failure is lost");
		dg_err_clear();
		CHECK(dg_buf_detach(&b) == NULL, "detach of a buffer in error is NULL");
		CHECK(strstr(dg_err_last(), "limit of 8 bytes") != NULL, "detach leaves the message");
		CHECK(b.ptr == NULL && b.len == 0 && b.max == 8 && dg_buf_error(&b) == 0,
		      "detach leaves the buffer empty, with its cap, without error");
		CHECK(dg_buf_puts(&b, "fresh") == 0, "the buffer is usable after detach");
		s = dg_buf_detach(&b);
		CHECK_STR(s, "fresh", "detach after reuse");
		free(s);

		CHECK(dg_buf_puts(&b, "123456789") == DG_ERR_FAIL, "a single append past the cap fails");
		err = dg_buf_finish(&b, &s);
		CHECK(err == DG_ERR_FAIL && s == NULL, "finish returns the buffer's error and NULL");
		CHECK(dg_buf_puts(&b, "ok") == 0 && dg_buf_finish(&b, &s) == 0, "finish succeeds");
		CHECK_STR(s, "ok", "finish hands over the contents");
		free(s);

		CHECK(dg_buf_puts(&b, "123456789") == DG_ERR_FAIL, "error again");
		dg_buf_free(&b);
		CHECK(dg_buf_error(&b) == 0 && dg_buf_puts(&b, "1234") == 0, "free resets the error");
		dg_buf_free(&b);
		/* A size overflow is out of memory: tests/unit/test_alloc.c. */
	}

	dg_buf_init(&b, 0);
	dg_buf_put_utf8(&b, 0x41);
	dg_buf_put_utf8(&b, 0xE9);
	dg_buf_put_utf8(&b, 0x4E91);
	dg_buf_put_utf8(&b, 0x1F680);
	CHECK_STR(dg_buf_cstr(&b), "A\xC3\xA9\xE4\xBA\x91\xF0\x9F\x9A\x80", "UTF-8 of 1 to 4 bytes");
	dg_buf_free(&b);

	dg_err_set(DG_ERR_FAIL, "line one\nline two");
	CHECK_STR(dg_err_last(), "line one line two", "error messages stay on one line");
	dg_err_wrap(DG_ERR_FAIL, "config.toml");
	CHECK_STR(dg_err_last(), "config.toml: line one line two", "wrap prefixes context");
	return check_done();
}
