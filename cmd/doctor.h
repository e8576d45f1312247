/* doctor.h - `digest doctor`: is this setup ready to run? */
#ifndef DG_DOCTOR_H
#define DG_DOCTOR_H

/* argv[0] is "doctor"; options --config, --out, --api-url, --state-dir,
 * --help. Prints one line per check on stdout (control characters escaped)
 * and a summary; 0 all passed, 1 some failed or were skipped, 2 usage or
 * the config failed. */
int dg_doctor(int argc, char **argv);

#endif
