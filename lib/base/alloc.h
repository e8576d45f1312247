/* alloc.h - the one out-of-memory policy: allocation failure prints one line
 * and aborts (cmark's xcalloc, jq's jv_mem_alloc).
 *
 * Every allocation of digest goes through these wrappers, which never return
 * NULL: when the system refuses, they write "digest: out of memory (N bytes)"
 * on stderr (with write(2), allocating nothing; the one message lib/ prints
 * itself) and abort(). So no caller checks for NULL, no function reports
 * "out of memory", and no half-built value travels on. Sizes of 0 allocate
 * one byte, so a result is never NULL either.
 *
 * dg_alloc_init() registers the wrappers, once, at the start of a program
 * (cmd/main.c, cmd/doctor.c, cmd/init.c, the test programs), before any
 * other call into these libraries:
 *  - jansson: json_set_alloc_funcs;
 *  - libxml2: xmlMemSetup (2.9: "before any other libxml routines");
 *  - libcurl: curl_global_init_mem, which also does libcurl's global init
 *    here, while no other thread runs (a later curl_global_init, as in
 *    lib/net/http.c, only counts one more user); when it fails, libcurl is
 *    left alone and that later call reports the failure;
 *  - SQLite: sqlite3_config(SQLITE_CONFIG_MALLOC), before sqlite3_initialize.
 * Not through here:
 *  - cmark-gfm takes an allocator per parser (cmark_parser_new_with_mem):
 *    lib/render/markdown.c passes dg_alloc_cmark(); a tree built with the
 *    default allocator (cmark_parser_new) uses cmark's own, which also aborts
 *    ("[cmark] calloc returned null pointer, aborting");
 *  - glib (librsvg, gdk-pixbuf): g_malloc aborts by itself ("GLib: failed to
 *    allocate N bytes"); g_mem_set_vtable is a no-op since GLib 2.46, so it
 *    cannot be redirected; cairo returns CAIRO_STATUS_NO_MEMORY instead;
 *  - OpenSSL (under libcurl) keeps the C library's allocator.
 * The wrappers sit on malloc/free, so memory a library allocated before the
 * registration (or with its own default) may be freed through them and the
 * other way round.
 *
 * Thread-safe: libcurl's resolver threads allocate through these too. */
#ifndef DG_ALLOC_H
#define DG_ALLOC_H

#include <stddef.h>

/* Register the wrappers with every library above; idempotent. */
void dg_alloc_init(void);

/* Never NULL; free with free() or dg_free(). */
void *dg_malloc(size_t n);
void *dg_calloc(size_t n, size_t size);   /* n * size overflowing is out of memory */
void *dg_realloc(void *p, size_t n);      /* n == 0 keeps one byte: never frees */
char *dg_strdup(const char *s);
char *dg_strndup(const char *s, size_t n); /* at most n bytes, NUL-terminated */
void dg_free(void *p);                    /* free(); for tables of function pointers */

/* Print "digest: out of memory (N bytes)" and abort. */
_Noreturn void dg_oom(size_t n);

/* The allocator for cmark-gfm parsers (cmark_parser_new_with_mem). */
struct cmark_mem;
struct cmark_mem *dg_alloc_cmark(void);

/* Tests only: the n-th allocation from now on through these wrappers
 * (counting every malloc, calloc, realloc, strdup and strndup, the libraries'
 * included) fails as if the system refused it; 0 disarms. The test tools set
 * it from DIGEST_FAIL_ALLOC_AT (tests/t-oom.py). */
void dg_alloc_fail_at(unsigned long n);
/* Allocations through the wrappers since the start or the last
 * dg_alloc_fail_at (tests: the count of one run). */
unsigned long dg_alloc_count(void);

#endif
