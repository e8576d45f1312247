/* progress.h - one line of progress on a terminal, redrawn in place.
 *
 * On when stderr is a terminal and the run is neither quiet nor verbose
 * (dg_progress_start decides); off, every call does nothing. The line
 * names the phase, the requests done and in flight, and while the run
 * waits for a rate limit or a Retry-After, a countdown naming the limit:
 *
 *   digest: releases, pulls, events · 45 requests done, 4 in flight
 *   digest: contributors · waiting 17 s: search rate limit (resets 12:00:03 UTC)
 *
 * Anything else printed on stderr while it is shown calls dg_progress_clear
 * first (lib/base/err.c does). */
#ifndef DG_PROGRESS_H
#define DG_PROGRESS_H

/* Start (when `want` and stderr is a terminal; TERM=dumb counts as not). */
void dg_progress_start(int want);
int dg_progress_on(void);
void dg_progress_phase(const char *phase);
void dg_progress_requests(long done, int in_flight);
/* Waiting until `until_ms` (CLOCK_MONOTONIC milliseconds) for `why`; 0 ends the wait. */
void dg_progress_wait(long long until_ms, const char *why);
/* Redraw when something changed or a second of the countdown passed. */
void dg_progress_tick(void);
/* Erase the line (before printing something else). */
void dg_progress_clear(void);
/* Erase it for good. */
void dg_progress_stop(void);

#endif
