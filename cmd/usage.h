/* usage.h - what `digest --help` and a usage error print. */
#ifndef DG_CMD_USAGE_H
#define DG_CMD_USAGE_H

extern const char dg_usage_text[];  /* the synopsis, printed after a usage error */
extern const char dg_help_text[];   /* the rest of --help */

#endif
