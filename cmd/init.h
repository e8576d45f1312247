/* init.h - `digest init`: a starting config for one GitHub organisation. */
#ifndef DG_INIT_H
#define DG_INIT_H

/* argv[0] is "init". Fetches the org's profile and repositories and writes
 * --config FILE (default ./digest.toml), never over an existing file without
 * --force. Prints the path and the next commands on stdout; errors on stderr.
 * 0 written, 1 failure (network, I/O), 2 usage, file exists, org not found. */
int dg_init(int argc, char **argv);

#endif
