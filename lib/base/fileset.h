/* fileset.h - the files one issue writes, put in place all together.
 *
 * Files are added with their contents; dg_fileset_commit writes every one
 * to a temporary file of its own beside the target (created exclusively),
 * fsyncs them all, and only then renames them into place, keeping each old
 * file (a hard link) until every rename has succeeded. Any failure leaves
 * every target as it was and removes the temporaries; those a killed run
 * left are removed by the next write of the same file. A target that holds
 * exactly the new contents already is left alone (no write, no fsync). */
#ifndef DG_FILESET_H
#define DG_FILESET_H

#include <stddef.h>

typedef struct dg_file {
	char *dir, *name;        /* target: dir/name */
	char *data;              /* contents (owned) */
	size_t len;
	int listed;              /* printed in the list of written files */
	char *tmp;               /* during commit: the temporary path */
	char *bak;               /* during commit: the old contents, kept until all are in place */
	int existed;             /* during commit: the target existed before */
	int same;                /* during commit: the target holds these bytes already (left alone) */
} dg_file;

typedef struct dg_fileset {
	dg_file *v;
	size_t n, cap;
} dg_fileset;

#define DG_FILESET_INIT { NULL, 0, 0 }

/* Add dir/name with `data` (taken over). Returns 0: it cannot fail (out of
 * memory aborts, base/alloc.h). */
int dg_fileset_add(dg_fileset *fs, const char *dir, const char *name, char *data, size_t len,
		   int listed);
/* Write everything (see above). 0, or <0 with a message naming the file. */
int dg_fileset_commit(dg_fileset *fs);
/* The path of file i ("dir/name"); caller frees. */
char *dg_fileset_path(const dg_fileset *fs, size_t i);
void dg_fileset_clear(dg_fileset *fs);

#endif
