/* buf.h - one growable byte buffer, always NUL-terminated, with an optional cap.
 *
 * The buffer owns `ptr`; dg_buf_free releases it, dg_buf_detach hands it to
 * the caller (who then frees it with free()). A zeroed dg_buf is valid and
 * empty. A cap (max > 0) makes appends past `max` bytes fail, so no response
 * or file can grow without bound. */
#ifndef DG_BUF_H
#define DG_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct dg_buf {
	char *ptr;   /* NULL until the first append; NUL-terminated after */
	size_t len;  /* bytes used, not counting the NUL */
	size_t cap;  /* bytes allocated */
	size_t max;  /* 0 = no cap */
} dg_buf;

#define DG_BUF_INIT { NULL, 0, 0, 0 }

void dg_buf_init(dg_buf *b, size_t max);
void dg_buf_free(dg_buf *b);
void dg_buf_clear(dg_buf *b);                 /* len = 0, keeps memory */

/* Appends return 0, or DG_ERR_NOMEM / DG_ERR_FAIL (cap exceeded) with a message. */
int dg_buf_grow(dg_buf *b, size_t extra);
int dg_buf_put(dg_buf *b, const void *data, size_t len);
int dg_buf_puts(dg_buf *b, const char *s);
int dg_buf_putc(dg_buf *b, char c);
int dg_buf_printf(dg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int dg_buf_vprintf(dg_buf *b, const char *fmt, va_list ap);
/* Append code point `cp` (<= 0x10FFFF; callers reject surrogates) as UTF-8. */
int dg_buf_put_utf8(dg_buf *b, unsigned long cp);

/* The contents as a C string ("" for an empty buffer); borrowed. */
const char *dg_buf_cstr(const dg_buf *b);

/* Take ownership of the contents (never NULL on success: "" is allocated for
 * an empty buffer); the buffer is left empty. Returns NULL on OOM. */
char *dg_buf_detach(dg_buf *b);

#endif
