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

/* Messages: what the library tells a person on the way, neither an error
 * nor part of the issue. The library never prints: every message goes to
 * the one handler the program installed (cmd/term.c), which decides where
 * it goes and escapes it there (a server's text cannot forge a line or move
 * the cursor); with no handler, messages are dropped. `text` is one line as
 * made (it may hold a server's bytes), without "digest: " or a level word. */
enum {
	DG_MSG_WARNING,          /* worth a look, not a failure ("no GitHub token ...") */
	DG_MSG_NOTICE,           /* what the run waits for ("waiting for another run using DIR") */
	DG_MSG_VERBOSE,          /* -v: a request and its answer */
	DG_MSG_PROGRESS,         /* the progress line's new text (base/progress.h); "" erases it */
};
typedef void (*dg_msg_fn)(int level, const char *text);

/* Install `fn` (NULL: drop every message); returns the one it replaces. */
dg_msg_fn dg_msg_handler(dg_msg_fn fn);

/* Send a message (printf style) to the handler; nothing when none. */
void dg_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
