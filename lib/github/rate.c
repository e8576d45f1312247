/* rate.c - what the client knows of one GitHub rate bucket (core, search)
 * and when a request of it may start: the rule behind "never knock on an
 * empty bucket" (api.h). */
#include "github/api.h"

void dg_rate_note(dg_rate *b, long remaining, long limit, long long reset, int success)
{
	if (remaining < 0 || reset <= 0) {
		if (b->known == DG_RATE_UNKNOWN && !b->reset && success)
			b->known = DG_RATE_NONE;  /* this server does not say: no accounting */
		return;
	}
	/* An answer from a window already over says nothing; within one window
	 * answers arrive out of order and the lowest `remaining` is the truth. */
	if (reset < b->reset || (reset == b->reset && b->known != DG_RATE_KNOWN))
		return;
	if (reset == b->reset && remaining > b->remaining)
		return;
	b->known = DG_RATE_KNOWN;
	b->remaining = remaining;
	b->limit = limit;
	b->reset = reset;
}

long long dg_rate_wait(dg_rate *b, int in_flight, long long now_epoch_ms)
{
	long long reset_ms = b->reset * 1000 + DG_RATE_RESET_MARGIN_MS;

	if (b->known == DG_RATE_NONE)
		return 0;
	if (b->known == DG_RATE_KNOWN) {
		if (now_epoch_ms >= reset_ms)
			b->known = DG_RATE_UNKNOWN;  /* a new window: ask once to learn it */
		else if (b->remaining - in_flight > 0)
			return 0;
		else
			return in_flight ? -1 : reset_ms;
	}
	return in_flight ? -1 : 0;
}
