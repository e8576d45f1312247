#include "base/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
	const char *term = getenv("TERM");

	memset(&p, 0, sizeof(p));
	p.on = want && isatty(2) && !(term && !strcmp(term, "dumb"));
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
	fprintf(stderr, "\r\033[Kdigest: %s", *p.phase ? p.phase : "starting");
	if (secs > 0)
		fprintf(stderr, " \xc2\xb7 waiting %ld s: %s", secs, p.why);
	else
		fprintf(stderr, " \xc2\xb7 %ld request%s done, %d in flight", p.done, p.done == 1 ? "" : "s",
			p.in_flight);
	fflush(stderr);
	p.shown = 1;
	p.dirty = p.force = 0;
	p.drawn_ms = now;
	p.last_secs = secs;
}

void dg_progress_clear(void)
{
	if (p.on && p.shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p.shown = 0;
		p.dirty = 1;
	}
}

void dg_progress_stop(void)
{
	dg_progress_clear();
	p.on = 0;
}
