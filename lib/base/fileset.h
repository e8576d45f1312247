/* fileset.h - the files one issue writes, put in place all together.
 *
 * Each file is written as it is added, to a temporary file of its own beside
 * the target (created exclusively, fsynced), and its contents are freed
 * then: a run holds one file's bytes at a time, not the whole issue's.
 * dg_fileset_commit renames them all into place, keeping each old file (a
 * hard link) until every rename has succeeded. Any failure (of an add or of
 * the commit), or a set cleared without a commit, leaves every target as it
 * was and removes the temporaries and the folders the set made; those a
 * killed run left are removed by the next write of the same file. A target
 * that holds exactly the new contents already is left alone (no write, no
 * fsync, no rename). */
#ifndef DG_FILESET_H
#define DG_FILESET_H

#include <stddef.h>

typedef struct dg_file {
	char *dir, *name;        /* target: dir/name */
	size_t len;              /* the contents' size */
	int listed;              /* printed in the list of written files */
	char *tmp;               /* the temporary holding the contents; NULL once renamed */
	char *made;              /* the outermost folder of dir that adding it created; NULL: none */
	char *bak;               /* during commit: the old contents, kept until all are in place */
	int existed;             /* during commit: the target existed before */
	int same;                /* the target holds these bytes already (left alone) */
} dg_file;

typedef struct dg_fileset {
	dg_file *v;
	size_t n, cap;
	int err;                 /* the first add that failed: its class; 0: none */
	char *error;             /* and its message */
	int committed;           /* the files are in place: clearing keeps the folders */
} dg_fileset;

#define DG_FILESET_INIT { NULL, 0, 0, 0, NULL, 0 }

/* Add dir/name with `data` (taken over and freed once written). Returns 0:
 * a failure to write is kept (sticky) and returned by dg_fileset_commit,
 * naming the file; later adds are not written then. */
int dg_fileset_add(dg_fileset *fs, const char *dir, const char *name, char *data, size_t len,
		   int listed);
/* Write everything (see above). 0, or <0 with a message naming the file. */
int dg_fileset_commit(dg_fileset *fs);
/* The bytes of the file added last as dir/name (at most `max`; *data caller
 * frees): read back from its temporary, or from the target when it held
 * them already. 1 when read, 0 when the set has no such file, <0 with a
 * message when it cannot be read. */
int dg_fileset_read(const dg_fileset *fs, const char *dir, const char *name, size_t max, char **data,
		    size_t *len);
/* The path of file i ("dir/name"); caller frees. */
char *dg_fileset_path(const dg_fileset *fs, size_t i);
void dg_fileset_clear(dg_fileset *fs);

#endif
