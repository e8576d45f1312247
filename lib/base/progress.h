/* progress.h - one line of progress, redrawn in place.
 *
 * On when the program asks for it (dg_progress_start: not with -q or -v);
 * off, every call does nothing. The line names the phase, the requests done
 * and in flight, and while the run waits for a rate limit or a Retry-After,
 * a countdown naming the limit:
 *
 *   releases, pulls, events · 45 requests done, 4 in flight
 *   contributors · waiting 17 s: search rate limit (resets 12:00:03 UTC)
 *
 * The library only says what the line reads: each new text is a
 * DG_MSG_PROGRESS message (base/err.h), "" when it goes away; drawing it
 * (on a terminal only, erased before any other message) is the program's
 * (cmd/term.c). */
#ifndef DG_PROGRESS_H
#define DG_PROGRESS_H

/* Start (when `want`) or not. */
void dg_progress_start(int want);
int dg_progress_on(void);
void dg_progress_phase(const char *phase);
void dg_progress_requests(long done, int in_flight);
/* Waiting until `until_ms` (CLOCK_MONOTONIC milliseconds) for `why`; 0 ends the wait. */
void dg_progress_wait(long long until_ms, const char *why);
/* A new text when something changed or a second of the countdown passed
 * (at most ten a second). */
void dg_progress_tick(void);
/* The line goes away for good. */
void dg_progress_stop(void);

#endif
