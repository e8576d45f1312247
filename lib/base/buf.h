/* buf.h - one growable byte buffer, always NUL-terminated, with an optional cap.
 *
 * The buffer owns `ptr`; dg_buf_free releases it, dg_buf_detach hands it to
 * the caller (who then frees it with free()). A zeroed dg_buf is valid and
 * empty. A cap (max > 0) makes appends past `max` bytes fail, so no response
 * or file can grow without bound.
 *
 * Out of memory aborts (base/alloc.h). So an append fails only past the cap
 * (or printf with a bad format or over INT_MAX bytes): an uncapped buffer
 * needs no check. Errors are sticky: the first failed append is remembered with its message, the contents stay as they were, and every
 * later append is a no-op returning the same error. So a series of appends
 * may ignore their results as long as the end is checked once: dg_buf_detach
 * returns NULL (and frees the contents) or dg_buf_error returns < 0. Both
 * leave the remembered message in dg_err_last. Only dg_buf_init and
 * dg_buf_free reset the error; dg_buf_clear keeps it, so no error is lost. */
#ifndef DG_BUF_H
#define DG_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* On results that must not be ignored (a finishing check, a commit, a write). */
#if defined(__GNUC__) || defined(__clang__)
#define DG_MUST_CHECK __attribute__((warn_unused_result))
#else
#define DG_MUST_CHECK
#endif

#define DG_BUF_WHY_LEN 80

typedef struct dg_buf {
	char *ptr;   /* NULL until the first append; NUL-terminated after */
	size_t len;  /* bytes used, not counting the NUL */
	size_t cap;  /* bytes allocated */
	size_t max;  /* 0 = no cap */
	int err;     /* 0, or the code of the first failed append (sticky) */
	char why[DG_BUF_WHY_LEN]; /* its message */
} dg_buf;

#define DG_BUF_INIT { NULL, 0, 0, 0, 0, "" }

void dg_buf_init(dg_buf *b, size_t max);      /* also resets the error */
void dg_buf_free(dg_buf *b);                  /* accepts NULL; keeps max, resets the error */
void dg_buf_clear(dg_buf *b);                 /* len = 0, keeps memory, max and the error */

/* Appends return 0, or DG_ERR_FAIL (cap exceeded) with a message; after a
 * failure the buffer is in error (see above). */
int dg_buf_grow(dg_buf *b, size_t extra);
int dg_buf_put(dg_buf *b, const void *data, size_t len);
int dg_buf_puts(dg_buf *b, const char *s);
int dg_buf_putc(dg_buf *b, char c);
int dg_buf_printf(dg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int dg_buf_vprintf(dg_buf *b, const char *fmt, va_list ap);
/* Append code point `cp` (<= 0x10FFFF; callers reject surrogates) as UTF-8. */
int dg_buf_put_utf8(dg_buf *b, unsigned long cp);

/* 0, or the negative code of the first failed append (its message is set
 * again as dg_err_last). */
DG_MUST_CHECK int dg_buf_error(const dg_buf *b);

/* The contents as a C string ("" for an empty buffer); borrowed. After an
 * error these are the contents before the failed append: check first. */
const char *dg_buf_cstr(const dg_buf *b);

/* Take ownership of the contents (never NULL on success: "" is allocated for
 * an empty buffer). Returns NULL only when the buffer is in error, with the
 * message in dg_err_last; the contents are then freed. Either way the
 * buffer is left empty, without error, with its max. */
DG_MUST_CHECK char *dg_buf_detach(dg_buf *b);

/* dg_buf_detach for functions that return an error code: 0 with *out set
 * (caller frees), or the buffer's error with *out NULL. */
DG_MUST_CHECK int dg_buf_finish(dg_buf *b, char **out);

#endif
