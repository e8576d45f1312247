/* err.h - the last error message, one line, per thread.
 *
 * Every dg_* function that returns a negative int leaves a message here
 * naming the file or URL, the field and what was expected. The CLI prints it
 * as "digest: <message>". */
#ifndef DG_ERR_H
#define DG_ERR_H

#include <stdarg.h>

/* Error classes: the CLI maps them to exit codes. */
#define DG_ERR_FAIL   -1   /* runtime failure (I/O, network, parse of a response) */
#define DG_ERR_CONFIG -2   /* usage or configuration error: exit code 2 */
#define DG_ERR_NOMEM  -3

/* Set the message (printf style); returns `code` so callers can write
 * `return dg_err_set(DG_ERR_FAIL, "...")`. Newlines in the result are
 * replaced with spaces so the message stays one line. */
int dg_err_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int dg_err_vset(int code, const char *fmt, va_list ap);

/* Prefix the current message with "prefix: " (adds context on the way up). */
int dg_err_wrap(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The last message, or "" when none; borrowed, valid until the next set. */
const char *dg_err_last(void);
void dg_err_clear(void);

/* Print "digest: <prefix><text>" and a newline on stderr, with control
 * characters escaped ("\xNN"; CR, LF and tab as spaces): text that came
 * from a server cannot forge a line or move the cursor. */
void dg_err_print(const char *prefix, const char *text);

/* Notices: what the library tells a person on the way ("waiting for
 * another run ..."), neither an error nor a warning about the issue. The
 * program decides where they go (NULL: dropped, as under -q); by default
 * they are printed with dg_err_print. */
typedef void (*dg_notice_fn)(const char *text);
void dg_notice_handler(dg_notice_fn fn);
void dg_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
