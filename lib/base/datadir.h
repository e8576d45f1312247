/* datadir.h - where digest's shipped data files are found.
 *
 * Shipped files (templates/..., feeds/...) are looked up, in order, in: the
 * user's own directory (digest.templates_dir, for templates), then
 * $DIGEST_DATADIR/<sub>, <sub>/ beside the running binary (a source tree or
 * a relocated install; also two levels up, for build/<variant>/),
 * ../share/digest/<sub> beside it, and the install prefix. */
#ifndef DG_DATADIR_H
#define DG_DATADIR_H

/* Find `relative` under the roots of `sub` ("templates", "feeds"), trying
 * `user_dir` first when not NULL. *path caller-frees; 1 found, 0 not found,
 * <0 error ('..' is refused). */
int dg_datadir_find(const char *user_dir, const char *sub, const char *relative, char **path);

#endif
