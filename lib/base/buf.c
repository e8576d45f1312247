#include "base/buf.h"
#include "base/alloc.h"
#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dg_buf_init(dg_buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->max = max;
	b->err = 0;
	b->why[0] = '\0';
}

void dg_buf_free(dg_buf *b)
{
	if (!b)
		return;
	free(b->ptr);
	dg_buf_init(b, b->max);
}

void dg_buf_clear(dg_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

/* Put the buffer in error: the first failure is the one remembered. */
static int buf_fail(dg_buf *b, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int buf_fail(dg_buf *b, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dg_err_vset(code, fmt, ap);
	va_end(ap);
	b->err = code;
	snprintf(b->why, sizeof(b->why), "%s", dg_err_last());
	return code;
}

/* The remembered failure, its message set again. */
static int buf_again(const dg_buf *b)
{
	return dg_err_set(b->err, "%s", b->why);
}

int dg_buf_error(const dg_buf *b)
{
	return b->err ? buf_again(b) : 0;
}

int dg_buf_grow(dg_buf *b, size_t extra)
{
	size_t need, cap;

	if (b->err)
		return buf_again(b);
	if (extra > (size_t)-1 / 2 - b->len)
		dg_oom(extra);   /* more than memory can hold */
	need = b->len + extra + 1;
	if (b->max && b->len + extra > b->max)
		return buf_fail(b, DG_ERR_FAIL, "data exceeds the limit of %zu bytes", b->max);
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap += cap / 2 + 64;
	b->ptr = dg_realloc(b->ptr, cap);
	b->cap = cap;
	return 0;
}

int dg_buf_put(dg_buf *b, const void *data, size_t len)
{
	int err;

	if ((err = dg_buf_grow(b, len)) < 0)
		return err;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int dg_buf_puts(dg_buf *b, const char *s)
{
	return dg_buf_put(b, s, strlen(s));
}

int dg_buf_putc(dg_buf *b, char c)
{
	return dg_buf_put(b, &c, 1);
}

int dg_buf_vprintf(dg_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n, err;

	if (b->err)
		return buf_again(b);
	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return buf_fail(b, DG_ERR_FAIL, "bad format string");
	if ((err = dg_buf_grow(b, (size_t)n)) < 0)
		return err;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int dg_buf_printf(dg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = dg_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return err;
}

int dg_buf_put_utf8(dg_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return dg_buf_put(b, u, n);
}

const char *dg_buf_cstr(const dg_buf *b)
{
	return b->ptr ? b->ptr : "";
}

char *dg_buf_detach(dg_buf *b)
{
	char *p = b->ptr;

	if (b->err) {
		buf_again(b);
		dg_buf_free(b);
		return NULL;
	}
	if (!p)
		p = dg_calloc(1, 1);
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

int dg_buf_finish(dg_buf *b, char **out)
{
	int err = b->err;

	if ((*out = dg_buf_detach(b)))
		return 0;
	return err;
}
