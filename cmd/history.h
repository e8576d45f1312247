/* history.h - `digest history`: the community's weeks, without an issue. */
#ifndef DG_CMD_HISTORY_H
#define DG_CMD_HISTORY_H

/* argv[0] is "history"; options --config, --weeks, --format, --api-url,
 * --state-dir, --offline, -q, -v, --help. Prints the series on stdout (CSV
 * or JSON) for the complete weeks ending with the last one before now; 0,
 * 1 failure, 2 usage or config, 3 printed but a source failed (its weeks
 * empty). */
int dg_history_main(int argc, char **argv);

#endif
