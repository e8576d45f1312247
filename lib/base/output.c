/* output.c - directories and whole files read (output.h); dg_output_write
 * is a file set of one, in fileset.c, which sits above this file. */
#include "base/output.h"
#include "base/alloc.h"
#include "base/err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int dg_output_mkdirs(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(path))
		return dg_err_set(DG_ERR_FAIL, "output directory '%s': bad path", dir);
	memcpy(path, dir, n + 1);
	for (char *p = path + 1;; p++) {
		if (*p == '/' || !*p) {
			char saved = *p;
			*p = '\0';
			if (mkdir(path, 0755) < 0 && errno != EEXIST)
				return dg_err_set(DG_ERR_FAIL, "%s: cannot create directory: %s", path,
						  strerror(errno));
			*p = saved;
			if (!saved)
				break;
		}
	}
	return 0;
}

int dg_output_read_file(const char *path, size_t max, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	*data = NULL;
	*len = 0;
	if (!f)
		return dg_err_set(DG_ERR_FAIL, "%s: cannot open: %s", path, strerror(errno));
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = dg_realloc(buf, cap);
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (max && n > max) {
			free(buf);
			fclose(f);
			return dg_err_set(DG_ERR_FAIL, "%s: larger than %zu bytes", path, max);
		}
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;

		free(buf);
		fclose(f);
		return dg_err_set(DG_ERR_FAIL, "%s: cannot read: %s", path, strerror(e));
	}
	fclose(f);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}
