/* The kinds of issue digest builds: adding one is an entry here and a file
 * with its stages (lib/issue/<kind>.c). */
#include "issue/pipeline.h"
#include "base/alloc.h"
#include "base/err.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const dg_kind *const dg_kinds[] = {
	&dg_kind_community,
	&dg_kind_cnweekly,
	NULL,
};

const dg_kind *dg_kind_find(const char *name)
{
	for (const dg_kind *const *k = dg_kinds; *k; k++)
		if (!strcmp((*k)->name, name))
			return *k;
	return NULL;
}

int dg_editor_file_absent(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == 0) /* never overwrite the editor's work */
		return dg_err_set(DG_ERR_FAIL, "%s exists: not overwriting the editor's file (edit it, or remove it to "
				  "draft again)", path);
	return 0;
}

int dg_editor_file_add(dg_fileset *files, const char *path, char *text)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? dg_strndup(path, (size_t)(slash - path)) : dg_strdup(".");
	int err = dg_fileset_add(files, *dir ? dir : "/", slash ? slash + 1 : path, text, strlen(text), 1);

	free(dir);
	return err;
}
