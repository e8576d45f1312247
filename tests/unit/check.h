/* check.h - the unit-test harness: TAP-style lines the runner counts.
 *
 * Each CHECK prints "ok - what" or "not ok - what (file:line)". A test
 * program ends with `return check_done();`, which exits 1 when any check
 * failed. tests/run-tests counts the lines of every program and script. */
#ifndef DG_CHECK_H
#define DG_CHECK_H

#include "base/alloc.h"

#include <stdio.h>
#include <string.h>

static int check_failed_count;

/* The allocation wrappers registered before main, as every program does first. */
__attribute__((constructor)) static void check_alloc_init(void)
{
	dg_alloc_init();
}

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (cond) {                                                \
			printf("ok - ");                                   \
			printf(__VA_ARGS__);                               \
			printf("\n");                                      \
		} else {                                                   \
			check_failed_count++;                              \
			printf("not ok - ");                               \
			printf(__VA_ARGS__);                               \
			printf(" (%s:%d)\n", __FILE__, __LINE__);          \
		}                                                          \
	} while (0)

/* String equality with both values shown on failure. */
#define CHECK_STR(got, want, ...)                                          \
	do {                                                               \
		const char *check_got_ = (got), *check_want_ = (want);     \
		int check_ok_ = check_got_ && check_want_ &&               \
				strcmp(check_got_, check_want_) == 0;      \
		CHECK(check_ok_, __VA_ARGS__);                             \
		if (!check_ok_)                                            \
			printf("#   got:  %s\n#   want: %s\n",             \
			       check_got_ ? check_got_ : "(null)",          \
			       check_want_ ? check_want_ : "(null)");       \
	} while (0)

static inline int check_done(void)
{
	fflush(stdout);
	return check_failed_count ? 1 : 0;
}

#endif
