#include "base/datadir.h"
#include "base/alloc.h"
#include "base/err.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The directory of the running binary, for a source tree or a relocated install. */
static int exe_dir(char *out, size_t size)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (!(slash = strrchr(buf, '/')))
		return -1;
	*slash = '\0';
	snprintf(out, size, "%s", buf);
	return 0;
}

int dg_datadir_find(const char *user_dir, const char *sub, const char *relative, char **path)
{
	char roots[6][PATH_MAX + 64];
	int n = 0;
	const char *env = getenv("DIGEST_DATADIR");
	char dir[PATH_MAX];

	*path = NULL;
	if (strstr(relative, ".."))
		return dg_err_set(DG_ERR_FAIL, "file name '%s': '..' is not allowed", relative);
	if (user_dir && *user_dir)
		snprintf(roots[n++], sizeof(roots[0]), "%s", user_dir);
	if (env && *env)
		snprintf(roots[n++], sizeof(roots[0]), "%s/%s", env, sub);
	if (exe_dir(dir, sizeof(dir)) == 0) {
		snprintf(roots[n++], sizeof(roots[0]), "%s/%s", dir, sub);
		snprintf(roots[n++], sizeof(roots[0]), "%s/../../%s", dir, sub); /* build/<variant>/ */
		snprintf(roots[n++], sizeof(roots[0]), "%s/../share/digest/%s", dir, sub);
	}
	snprintf(roots[n++], sizeof(roots[0]), "%s/%s", DG_DATADIR, sub);
	for (int i = 0; i < n; i++) {
		char candidate[2 * PATH_MAX];
		int len = snprintf(candidate, sizeof(candidate), "%s/%s", roots[i], relative);
		if (len < 0 || (size_t)len >= sizeof(candidate))
			continue; /* too long to be a real path */
		if (is_file(candidate)) {
			*path = dg_strdup(candidate);
			return 1;
		}
	}
	return 0;
}

