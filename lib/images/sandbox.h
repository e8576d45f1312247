/* sandbox.h - work on pictures from outside, done in a child process with
 * bounded memory and time (lib/images/sandbox.c says why a child).
 *
 * Used by lib/images/image.c only: a decoder that meets a bomb (a picture
 * that passed the header checks and still takes gigabytes or minutes, or
 * crashes) fails that picture alone; the run goes on. */
#ifndef DG_SANDBOX_H
#define DG_SANDBOX_H

#include <stddef.h>

/* The memory a child may map when the process is small: ~1 GiB. */
#define DG_SANDBOX_MEMORY (1024ul * 1024ul * 1024ul)

/* CLOCK_MONOTONIC, in milliseconds. */
long long dg_sandbox_now_ms(void);

/* What one item gave: the bytes (malloc'ed, NUL-terminated past len) and
 * the tag the work function set, or why not (malloc'ed, one line). */
typedef struct dg_sandbox_result {
	char *data;
	size_t len;
	int tag;
	char *error;
} dg_sandbox_result;

/* The work on item i, called in the child: 0 with *out malloc'ed (or NULL
 * for nothing), *out_len and *tag; or <0 with the message in dg_err_last(). */
typedef int (*dg_sandbox_fn)(void *ctx, size_t i, char **out, size_t *out_len, int *tag);

/* fn(ctx, i) for i in [0, n), in order, in a child process: RLIMIT_AS
 * (DG_SANDBOX_MEMORY, or what the process maps already plus 256 MiB; not
 * under AddressSanitizer, whose shadow memory is terabytes of address
 * space), RLIMIT_CPU and alarm() for its time, stdin/stdout/stderr on
 * /dev/null, killed when this process dies. An item not done within
 * `item_seconds` (or its share of the batch's time, at least 2 s), or in
 * half of the time left to `deadline_ms` (the run's deadline,
 * CLOCK_MONOTONIC ms; 0: none: the rest of the run needs the other half),
 * or that ends the child fails alone: the child is killed
 * and a new one goes on with the next item; out of time the rest fail at
 * once. An
 * answer over `out_max` bytes fails the item. Fills every res[i] (zeroed
 * first; the caller frees data and error). Messages name what[i] (NULL:
 * "picture"). */
void dg_sandbox_run(dg_sandbox_fn fn, void *ctx, size_t n, const char *const *what, long long deadline_ms,
		    int item_seconds, size_t out_max, dg_sandbox_result *res);

#endif
