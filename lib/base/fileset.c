/* fileset.c - all-or-nothing file sets (fileset.h), and dg_output_write, a
 * set of one. Above output.c (directories, reading files), which calls
 * nothing here. */
#include "base/fileset.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/output.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* dir/<prefix>name<suffix>, malloc'ed (an uncapped buffer cannot fail). */
static char *path_of(const dg_file *f, const char *prefix, const char *suffix)
{
	dg_buf b = DG_BUF_INIT;

	dg_buf_printf(&b, "%s/%s%s%s", f->dir, prefix, f->name, suffix);
	return dg_buf_detach(&b);
}

int dg_fileset_read(const dg_fileset *fs, const char *dir, const char *name, size_t max, char **data,
		    size_t *len)
{
	*data = NULL;
	*len = 0;
	for (size_t i = fs->n; i-- > 0;) {
		const dg_file *f = &fs->v[i];
		char *path;
		int err;

		if (strcmp(f->dir, dir) || strcmp(f->name, name))
			continue;
		path = f->tmp ? dg_strdup(f->tmp) : path_of(f, "", "");
		err = dg_output_read_file(path, max, data, len);
		free(path);
		return err < 0 ? err : 1;
	}
	return 0;
}

char *dg_fileset_path(const dg_fileset *fs, size_t i)
{
	return path_of(&fs->v[i], "", "");
}

static int write_all(int fd, const char *data, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

/* Temporaries and backups of `name` left in `dir` by a run that was killed:
 * a run holds the store's lock, so no other run is writing them. */
static void remove_stale(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = strlen(name);

	while (d && (e = readdir(d))) {
		dg_buf path = DG_BUF_INIT;
		if (e->d_name[0] != '.' || strncmp(e->d_name + 1, name, n) ||
		    (strncmp(e->d_name + 1 + n, ".tmp.", 5) && strncmp(e->d_name + 1 + n, ".bak.", 5)))
			continue;
		dg_buf_printf(&path, "%s/%s", dir, e->d_name);
		unlink(dg_buf_cstr(&path));
		dg_buf_free(&path);
	}
	if (d)
		closedir(d);
}

/* The outermost folder of `dir` that does not exist yet (malloc'ed), or
 * NULL when `dir` exists: what creating it makes, and what a set that is
 * not committed removes again. */
static char *first_missing(const char *dir)
{
	char *path = dg_strdup(dir), *made = NULL;
	size_t n = strlen(path);

	if (access(path, F_OK) == 0) {
		free(path);
		return NULL;
	}
	for (size_t i = 1; i <= n; i++) {
		char saved = path[i];
		if (saved != '/' && saved != '\0')
			continue;
		path[i] = '\0';
		if (access(path, F_OK) != 0)
			made = dg_strdup(path);
		path[i] = saved;
		if (made)
			break;
	}
	free(path);
	return made;
}

/* dir/.name.tmp.XXXXXX, created exclusively, filled with `data` and fsynced. */
static int write_temp(dg_file *f, const char *data, mode_t mode)
{
	int fd, err = 0;

	f->made = first_missing(f->dir);
	if ((err = dg_output_mkdirs(f->dir)) < 0)
		return err;
	remove_stale(f->dir, f->name);
	f->tmp = path_of(f, ".", ".tmp.XXXXXX");
	if ((fd = mkstemp(f->tmp)) < 0) {
		err = dg_err_set(DG_ERR_FAIL, "%s/%s: cannot create: %s", f->dir, f->name, strerror(errno));
		free(f->tmp);
		f->tmp = NULL;
		return err;
	}
	if (fchmod(fd, mode) < 0 || write_all(fd, data, f->len) < 0 || fsync(fd) < 0)
		err = dg_err_set(DG_ERR_FAIL, "%s/%s: write failed: %s", f->dir, f->name, strerror(errno));
	if (close(fd) < 0 && !err)
		err = dg_err_set(DG_ERR_FAIL, "%s/%s: close failed: %s", f->dir, f->name, strerror(errno));
	return err;
}

/* 1 when dir/name already holds exactly these bytes: nothing to write (a
 * re-render then costs no temporary, fsync or rename). */
static int same_as_target(const dg_file *f, const char *data)
{
	char *target = path_of(f, "", ""), *old = NULL;
	size_t len = 0;
	int same;

	same = dg_output_read_file(target, f->len + 1, &old, &len) == 0 && len == f->len &&
	       !memcmp(old, data, len);
	dg_err_clear();
	free(old);
	free(target);
	return same;
}

int dg_fileset_add(dg_fileset *fs, const char *dir, const char *name, char *data, size_t len,
		   int listed)
{
	dg_file *f;
	int err;

	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? 2 * fs->cap : 8;
		fs->v = dg_realloc(fs->v, fs->cap * sizeof(*fs->v));
	}
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->dir = dg_strdup(dir);
	f->name = dg_strdup(name);
	f->len = len;
	f->listed = listed;
	if (!fs->err && !(f->same = same_as_target(f, data))) {
		mode_t mask = umask(022);
		umask(mask);
		if ((err = write_temp(f, data, 0644 & ~mask)) < 0) {
			fs->err = err;
			fs->error = dg_strdup(dg_err_last());
		}
	}
	free(data);
	return 0;
}

static void remove_temps(dg_fileset *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		if (fs->v[i].tmp) {
			unlink(fs->v[i].tmp);
			free(fs->v[i].tmp);
			fs->v[i].tmp = NULL;
		}
	}
}

/* Keep the target's current contents under dir/.name.bak.XXXXXX (a hard
 * link) so that a later failure can put it back; no target, no backup. */
static int keep_old(dg_file *f, const char *target)
{
	int fd;

	if (access(target, F_OK) != 0)
		return 0;
	f->existed = 1;
	f->bak = path_of(f, ".", ".bak.XXXXXX");
	/* mkstemp gives a unique name; link() needs it free again. A file system
	 * without hard links (vfat, some network mounts) gets no backup: its
	 * renames still happen one by one, as on any system. */
	if ((fd = mkstemp(f->bak)) < 0 || close(fd) < 0 || unlink(f->bak) < 0 || link(target, f->bak) < 0) {
		int e = errno;
		free(f->bak);
		f->bak = NULL;
		if (e == EPERM || e == EXDEV || e == ENOTSUP || e == EOPNOTSUPP || e == EMLINK)
			return 0;
		return dg_err_set(DG_ERR_FAIL, "%s: cannot keep the current file while replacing it: %s", target,
				  strerror(e));
	}
	return 0;
}

/* Undo the renames of files [0, n): the old contents back, or no file. */
static void roll_back(dg_fileset *fs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *target;

		if (fs->v[i].same)
			continue;
		target = dg_fileset_path(fs, i);
		if (fs->v[i].bak)
			rename(fs->v[i].bak, target);
		else if (!fs->v[i].existed)
			unlink(target);
		free(target);
	}
}

/* Folders the set made for files that are not in place: removed when empty,
 * from the file's own up to the outermost one it made. */
static void remove_made(dg_fileset *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		char *dir;
		size_t top;

		if (!fs->v[i].made)
			continue;
		dir = dg_strdup(fs->v[i].dir);
		top = strlen(fs->v[i].made);
		while (strlen(dir) >= top && rmdir(dir) == 0) {
			char *slash = strrchr(dir, '/');
			if (!slash || slash == dir)
				break;
			*slash = '\0';
		}
		free(dir);
	}
}

int dg_fileset_commit(dg_fileset *fs)
{
	size_t done = 0;
	int err = 0;

	if (fs->err)
		err = dg_err_set(fs->err, "%s", fs->error);
	for (; done < fs->n && !err; done++) {
		char *target;
		if (fs->v[done].same)
			continue;
		target = dg_fileset_path(fs, done);
		if ((err = keep_old(&fs->v[done], target)) == 0 && rename(fs->v[done].tmp, target) < 0)
			err = dg_err_set(DG_ERR_FAIL, "%s: cannot rename into place: %s", target, strerror(errno));
		free(target);
		if (err)
			break;
		free(fs->v[done].tmp);
		fs->v[done].tmp = NULL;
	}
	if (err)
		roll_back(fs, done);
	for (size_t i = 0; i < fs->n; i++) {
		if (fs->v[i].bak) {
			unlink(fs->v[i].bak);
			free(fs->v[i].bak);
			fs->v[i].bak = NULL;
		}
	}
	remove_temps(fs);
	if (err)
		remove_made(fs);
	else
		fs->committed = 1;
	return err;
}

void dg_fileset_clear(dg_fileset *fs)
{
	remove_temps(fs);
	if (!fs->committed)
		remove_made(fs);
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].dir);
		free(fs->v[i].name);
		free(fs->v[i].made);
	}
	free(fs->v);
	free(fs->error);
	memset(fs, 0, sizeof(*fs));
}

int dg_output_write(const char *dir, const char *name, const char *data, size_t len)
{
	dg_fileset fs = DG_FILESET_INIT;
	char *copy = dg_malloc(len + 1);
	int err;

	memcpy(copy, data, len);
	copy[len] = '\0';
	(void)dg_fileset_add(&fs, dir, name, copy, len, 0);
	err = dg_fileset_commit(&fs);
	dg_fileset_clear(&fs);
	return err;
}
