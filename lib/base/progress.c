/* progress.c - what the progress line reads and when it changes; the
 * program draws it (DG_MSG_PROGRESS). */
#include "base/progress.h"
#include "base/err.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static struct {
	int on, shown, dirty, force;
	char phase[64];
	char why[160];
	long done;
	int in_flight;
	long long until_ms;
	long long drawn_ms;
	long last_secs;
} p;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void dg_progress_start(int want)
{
	memset(&p, 0, sizeof(p));
	p.on = want;
}

int dg_progress_on(void)
{
	return p.on;
}

void dg_progress_phase(const char *phase)
{
	if (!p.on)
		return;
	snprintf(p.phase, sizeof(p.phase), "%s", phase);
	p.dirty = p.force = 1;  /* a new phase is drawn at once */
	dg_progress_tick();
}

void dg_progress_requests(long done, int in_flight)
{
	if (!p.on || (done == p.done && in_flight == p.in_flight))
		return;
	p.done = done;
	p.in_flight = in_flight;
	p.dirty = 1;
}

void dg_progress_wait(long long until_ms, const char *why)
{
	if (!p.on)
		return;
	if (until_ms != p.until_ms || (why && strcmp(why, p.why)))
		p.dirty = 1;
	p.until_ms = until_ms;
	snprintf(p.why, sizeof(p.why), "%s", why ? why : "");
}

void dg_progress_tick(void)
{
	long long now;
	long secs = 0;

	if (!p.on)
		return;
	now = now_ms();
	if (p.until_ms > now)
		secs = (long)((p.until_ms - now + 999) / 1000);
	if (!p.dirty && secs == p.last_secs)
		return;
	if (p.shown && !p.force && now - p.drawn_ms < 100 && secs == p.last_secs)
		return;  /* at most ten redraws a second */
	if (secs > 0)
		dg_msg(DG_MSG_PROGRESS, "%s \xc2\xb7 waiting %ld s: %s", *p.phase ? p.phase : "starting", secs, p.why);
	else
		dg_msg(DG_MSG_PROGRESS, "%s \xc2\xb7 %ld request%s done, %d in flight", *p.phase ? p.phase : "starting",
		       p.done, p.done == 1 ? "" : "s", p.in_flight);
	p.shown = 1;
	p.dirty = p.force = 0;
	p.drawn_ms = now;
	p.last_secs = secs;
}

void dg_progress_stop(void)
{
	if (p.on && p.shown)
		dg_msg(DG_MSG_PROGRESS, "%s", "");
	p.on = p.shown = 0;
}
