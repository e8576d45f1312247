/* fuzz.h - shared helpers for the fuzz targets in tests/fuzz/.
 *
 * Each fuzz_X.c defines LLVMFuzzerTestOneInput. Built with clang
 * -fsanitize=fuzzer (`make fuzz`) libFuzzer drives it; built with replay.c
 * (`make check`) it is fed every file of a corpus once. A target that finds
 * an output breaking a documented invariant calls fuzz_fail, which aborts so
 * that both drivers report the input. */
#ifndef DG_FUZZ_H
#define DG_FUZZ_H

#include "base/alloc.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The allocation wrappers registered before the first input, under either
 * driver (dg_alloc_init is idempotent). */
__attribute__((constructor)) static void fuzz_alloc_init(void)
{
	dg_alloc_init();
}

/* A NUL-terminated copy of data[0..size) (the C-string APIs stop at an
 * embedded NUL, as they would on real input). Caller frees; aborts on OOM,
 * which the fuzzer reports like any other crash. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = dg_malloc(size + 1);

	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* data[0..size) written to a new private file from the template `path`
 * ("/tmp/fuzz_X.XXXXXX", filled in), for loaders that take a path; the
 * caller unlinks it. Aborts when it cannot be written. */
static inline void fuzz_temp_file(const uint8_t *data, size_t size, char *path)
{
	int fd = mkstemp(path);
	size_t off = 0;

	if (fd < 0)
		abort();
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	close(fd);
}

/* Report a broken invariant and abort. */
#define fuzz_fail(...) do { \
	fprintf(stderr, "fuzz invariant violated: " __VA_ARGS__); \
	fputc('\n', stderr); \
	abort(); \
} while (0)

#endif
