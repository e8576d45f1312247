/* output.h - writing result files atomically.
 *
 * Data goes to a temporary file in the target directory, is flushed to disk,
 * then renamed over the target: a crash or a failed run never leaves a
 * half-written digest and never clobbers the last good one. */
#ifndef DG_OUTPUT_H
#define DG_OUTPUT_H

#include <stddef.h>
#include "base/buf.h"  /* DG_MUST_CHECK */

/* Create `dir` (and parents) when missing. */
int dg_output_mkdirs(const char *dir);

/* Write `len` bytes to dir/name atomically: a file set of one (lib/base/fileset.h;
 * defined in fileset.c, above output.c). */
DG_MUST_CHECK int dg_output_write(const char *dir, const char *name, const char *data, size_t len);

/* Read a whole file (caller frees *data, NUL-terminated); `max` caps the size. */
int dg_output_read_file(const char *path, size_t max, char **data, size_t *len);

#endif
