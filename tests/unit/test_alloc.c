/* The one out-of-memory policy (base/alloc.h): the wrappers, their
 * registration with the libraries, and the line and abort when an
 * allocation fails (each failing case runs in a child process). */
#include "check.h"
#include "base/alloc.h"
#include "base/buf.h"

#include <cmark-gfm.h>
#include <curl/curl.h>
#include <jansson.h>
#include <libxml/tree.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

enum { C_MALLOC, C_CALLOC_OVERFLOW, C_BUF_OVERFLOW, C_JANSSON, C_LIBXML2, C_SQLITE, C_CMARK, C_CURL, C_STRDUP };

/* Run case `what` in a child with the next allocation failing; its stderr
 * in err[], the wait status in *status. */
static void run_child(int what, char *err, size_t size, int *status)
{
	int fd[2];
	pid_t pid;
	size_t n = 0;
	ssize_t r;

	err[0] = '\0';
	*status = -1;
	if (pipe(fd) < 0)
		return;
	fflush(stdout);
	if ((pid = fork()) == 0) {
		void *keep = NULL;

		close(fd[0]);
		dup2(fd[1], 2);
		dg_alloc_fail_at(1);
		switch (what) {
		case C_MALLOC: keep = dg_malloc(123); break;
		case C_CALLOC_OVERFLOW: dg_alloc_fail_at(0); keep = dg_calloc(SIZE_MAX / 2, 4); break;
		case C_BUF_OVERFLOW: {
			dg_buf b = DG_BUF_INIT;
			dg_alloc_fail_at(0);
			dg_buf_putc(&b, 'x');
			dg_buf_grow(&b, (size_t)-1);
			break;
		}
		case C_JANSSON: keep = json_object(); break;
		case C_LIBXML2: keep = xmlNewNode(NULL, BAD_CAST "p"); break;
		case C_SQLITE: keep = sqlite3_malloc(64); break;
		case C_CMARK: keep = cmark_parser_new_with_mem(0, dg_alloc_cmark()); break;
		case C_CURL: keep = curl_easy_init(); break;   /* a later curl_global_init keeps ours */
		case C_STRDUP: keep = dg_strdup("abc"); break;
		}
		_exit(keep ? 0 : 9);
	}
	close(fd[1]);
	while (n + 1 < size && (r = read(fd[0], err + n, size - 1 - n)) > 0)
		n += (size_t)r;
	err[n] = '\0';
	close(fd[0]);
	waitpid(pid, status, 0);
}

static int aborted(int status)
{
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

int main(void)
{
	static const char *const names[] = { "dg_malloc", "dg_calloc (size overflow)", "dg_buf (size overflow)",
					     "jansson", "libxml2", "SQLite", "cmark-gfm", "libcurl", "dg_strdup" };
	char err[256], *s, *p;
	unsigned long before;
	int status;

	s = dg_malloc(0);
	CHECK(s != NULL, "dg_malloc(0) gives a block");
	free(s);
	p = dg_calloc(4, 8);
	CHECK(p && !memcmp(p, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 32),
	      "dg_calloc zeroes");
	memcpy(p, "grow", 5);
	p = dg_realloc(p, 4096);
	CHECK_STR(p, "grow", "dg_realloc keeps the contents");
	p = dg_realloc(p, 0);
	CHECK(p != NULL, "dg_realloc to 0 keeps a block");
	free(p);
	s = dg_strdup("hello");
	CHECK_STR(s, "hello", "dg_strdup");
	free(s);
	s = dg_strndup("hello", 3);
	CHECK_STR(s, "hel", "dg_strndup cuts");
	free(s);
	s = dg_strndup("hi", 10);
	CHECK_STR(s, "hi", "dg_strndup stops at the NUL");
	dg_free(s);
	dg_free(NULL);

	CHECK(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK, "curl_global_init after dg_alloc_init succeeds");
	before = dg_alloc_count();
	json_decref(json_string("counted"));
	xmlFree(xmlStrdup(BAD_CAST "counted"));
	sqlite3_free(sqlite3_malloc(16));
	CHECK(dg_alloc_count() >= before + 3, "jansson, libxml2 and SQLite allocate through the wrappers (%lu)",
	      dg_alloc_count() - before);

	run_child(C_MALLOC, err, sizeof(err), &status);
	CHECK(aborted(status), "a failed allocation aborts");
	CHECK_STR(err, "digest: out of memory (123 bytes)\n", "with one line naming the size");
	for (int what = C_CALLOC_OVERFLOW; what <= C_STRDUP; what++) {
		run_child(what, err, sizeof(err), &status);
		CHECK(aborted(status) && !strncmp(err, "digest: out of memory (", 23) &&
		      strchr(err, '\n') == err + strlen(err) - 1,
		      "%s: out of memory is the one line and an abort", names[what]);
		if (!aborted(status))
			printf("#   status %d, stderr: %s\n", status, err);
	}
	dg_alloc_fail_at(0);
	return check_done();
}
