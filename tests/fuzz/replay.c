/* replay - the driver for fuzz targets built without libFuzzer (`make check`).
 *
 * Usage: fuzz_X PATH...   (files, or directories read recursively in name
 * order). Every file is passed once to LLVMFuzzerTestOneInput, in a buffer
 * of exactly its size, so the sanitizers see any read past the end. Prints
 * "ok - fuzz_X replayed N inputs" and exits 0; a crash, a sanitizer report
 * or a broken invariant (abort) first prints "not ok - fuzz_X: crashed on
 * FILE" and kills the process (UBSan's reports have no such hook: with
 * DG_FUZZ_TRACE set in the environment every input's path goes to stderr
 * first, as "# replay: PATH"). Exit 1 when a path cannot be read or no input
 * was found, 2 on usage. */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

/* Set when built with a sanitizer: called before the process dies. */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static const char *prog = "fuzz";
static const char *current;  /* the input being run, for the death message */
static size_t count;
static int trace;

static void say_crash(void)
{
	/* Async-signal-safe: write(2) only. */
	static const char a[] = "not ok - ", b[] = ": crashed on ";
	size_t n;

	if (!current)
		return;
	n = write(1, a, sizeof(a) - 1);
	n += write(1, prog, strlen(prog));
	n += write(1, b, sizeof(b) - 1);
	n += write(1, current, strlen(current));
	n += write(1, "\n", 1);
	(void)n;
	current = NULL;
}

static void on_abort(int sig)
{
	say_crash();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *p;
	uint8_t *exact = NULL;
	size_t cap = 0, n = 0, got;
	int err = 0;

	if (!f) {
		printf("not ok - %s: cannot open %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (!(p = realloc(buf, cap))) {
				err = -1;
				goto done;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f) || !(exact = malloc(n ? n : 1))) {
		printf("not ok - %s: cannot read %s\n", prog, path);
		err = -1;
		goto done;
	}
	if (n)
		memcpy(exact, buf, n);
	free(buf);
	buf = NULL;
	current = path;
	if (trace)
		fprintf(stderr, "# replay: %s\n", path);
	LLVMFuzzerTestOneInput(exact, n);
	current = NULL;
	count++;
done:
	free(exact);
	free(buf);
	fclose(f);
	return err;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
	struct stat st;
	DIR *d = NULL;
	struct dirent *e;
	char **names = NULL, **grown, *sub = NULL;
	size_t n = 0, cap = 0, i;
	int err = 0;

	if (stat(path, &st) < 0) {
		printf("not ok - %s: %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return S_ISREG(st.st_mode) ? run_file(path) : 0;
	if (!(d = opendir(path))) {
		printf("not ok - %s: cannot open directory %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if (!(grown = realloc(names, cap * sizeof(*names)))) {
				err = -1;
				goto done;
			}
			names = grown;
		}
		if (!(names[n] = strdup(e->d_name))) {
			err = -1;
			goto done;
		}
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && !err; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;

		if (!(sub = malloc(len))) {
			err = -1;
			break;
		}
		snprintf(sub, len, "%s/%s", path, names[i]);
		err = run_path(sub);
		free(sub);
		sub = NULL;
	}
done:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return err;
}

int main(int argc, char **argv)
{
	int i, err = 0;

	prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE-OR-DIR...\n", prog);
		return 2;
	}
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(say_crash);
	signal(SIGABRT, on_abort);
	trace = getenv("DG_FUZZ_TRACE") && *getenv("DG_FUZZ_TRACE");
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc && !err; i++)
		err = run_path(argv[i]);
	if (err)
		return 1;
	if (!count) {
		printf("not ok - %s: no input found\n", prog);
		return 1;
	}
	printf("ok - %s replayed %zu inputs\n", prog, count);
	return 0;
}
