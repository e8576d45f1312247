/* doctor.h - `digest doctor`: is this setup ready to run? */
#ifndef DG_DOCTOR_H
#define DG_DOCTOR_H

/* argv[0] is "doctor". Prints one line per check; 0 all passed, 1 some
 * failed, 2 usage. */
int dg_doctor(int argc, char **argv);

#endif
