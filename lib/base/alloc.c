/* alloc.c - the allocation wrappers and their registration (alloc.h). */
#include "base/alloc.h"

#include <cmark-gfm.h>
#include <curl/curl.h>
#include <jansson.h>
#include <libxml/xmlmemory.h>
#include <sqlite3.h>

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_ulong alloc_count;
static atomic_ulong fail_at;   /* 0: never */

_Noreturn void dg_oom(size_t n)
{
	char msg[64] = "digest: out of memory (", num[24];
	size_t len = strlen(msg), k = 0;

	do
		num[k++] = (char)('0' + n % 10);
	while ((n /= 10) && k < sizeof(num));
	while (k)
		msg[len++] = num[--k];
	memcpy(msg + len, " bytes)\n", 8);
	len += 8;
	/* Nothing more can be done when stderr is gone: the abort says the rest. */
	if (write(STDERR_FILENO, msg, len) < 0)
		len = 0;
	abort();
}

/* Count one allocation; 1 when the test switch says this one fails. */
static int failing(void)
{
	unsigned long n = atomic_fetch_add_explicit(&alloc_count, 1, memory_order_relaxed) + 1;
	unsigned long at = atomic_load_explicit(&fail_at, memory_order_relaxed);

	return at && n == at;
}

void *dg_malloc(size_t n)
{
	void *p = failing() ? NULL : malloc(n ? n : 1);

	if (!p)
		dg_oom(n);
	return p;
}

void *dg_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		dg_oom(SIZE_MAX);
	if (!n || !size)
		n = size = 1;
	if (failing() || !(p = calloc(n, size)))
		dg_oom(n * size);
	return p;
}

void *dg_realloc(void *p, size_t n)
{
	void *q = failing() ? NULL : realloc(p, n ? n : 1);

	if (!q)
		dg_oom(n);
	return q;
}

char *dg_strdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(dg_malloc(n), s, n);
}

char *dg_strndup(const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);
	char *r;

	if (nul)
		n = (size_t)(nul - s);
	r = dg_malloc(n + 1);
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

void dg_free(void *p)
{
	free(p);
}

/* SQLite wants the size of a block back (xSize): keep it in front. 16
 * bytes keep the alignment malloc gives. */
#define SQ_HEAD 16

static void *sq_malloc(int n)
{
	unsigned char *p;

	if (n <= 0)
		return NULL;
	p = dg_malloc((size_t)n + SQ_HEAD);
	memcpy(p, &n, sizeof(n));
	return p + SQ_HEAD;
}

static void sq_free(void *p)
{
	if (p)
		free((unsigned char *)p - SQ_HEAD);
}

static int sq_size(void *p)
{
	int n = 0;

	if (p)
		memcpy(&n, (unsigned char *)p - SQ_HEAD, sizeof(n));
	return n;
}

static void *sq_realloc(void *p, int n)
{
	unsigned char *q;

	if (!p)
		return sq_malloc(n);
	if (n <= 0)
		return NULL;
	q = dg_realloc((unsigned char *)p - SQ_HEAD, (size_t)n + SQ_HEAD);
	memcpy(q, &n, sizeof(n));
	return q + SQ_HEAD;
}

static int sq_roundup(int n)
{
	return (n + 7) & ~7;
}

static int sq_init(void *unused)
{
	(void)unused;
	return SQLITE_OK;
}

static void sq_shutdown(void *unused)
{
	(void)unused;
}

static sqlite3_mem_methods sq_methods = {
	sq_malloc, sq_free, sq_realloc, sq_size, sq_roundup, sq_init, sq_shutdown, NULL
};

static cmark_mem cmark_alloc = { dg_calloc, dg_realloc, dg_free };

struct cmark_mem *dg_alloc_cmark(void)
{
	return &cmark_alloc;
}

void dg_alloc_init(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	json_set_alloc_funcs(dg_malloc, dg_free);
	xmlMemSetup(dg_free, dg_malloc, dg_realloc, dg_strdup);
	/* SQLITE_MISUSE when SQLite is already initialised: it keeps its own. */
	sqlite3_config(SQLITE_CONFIG_MALLOC, &sq_methods);
	/* On failure libcurl stays uninitialised; dg_http_new's own init then reports it. */
	curl_global_init_mem(CURL_GLOBAL_DEFAULT, dg_malloc, dg_free, dg_realloc, dg_strdup, dg_calloc);
}

void dg_alloc_fail_at(unsigned long n)
{
	atomic_store(&alloc_count, 0);
	atomic_store(&fail_at, n);
}

unsigned long dg_alloc_count(void)
{
	return atomic_load(&alloc_count);
}
