/* eventlist.c - event issues (meetups, live streams) of the events repos:
 * those dated in the window, and those coming within events.upcoming_days.
 * Their facts are read from the issue bodies (lib/github/events.h). */
#include "github/collectint.h"
#include "base/date.h"
#include "base/jsonx.h"
#include "github/collect.h"
#include "github/events.h"

#include <stdlib.h>

/* Add the event of `issue` to the past or upcoming list; one without a
 * parseable date is named in a warning. */
static void add_event(collect *c, const char *repo, json_t *issue)
{
	const dg_config *cfg = c->base.cfg;
	int64_t horizon = c->base.until + (int64_t)cfg->upcoming_days * 86400;
	long long number = json_integer_value(json_object_get(issue, "number"));
	char utc[DG_DATE_RFC3339_LEN];
	dg_event_fields f;
	json_t *list;
	int64_t parsed;

	(void)dg_event_parse(dg_json_str(issue, "body"), cfg->timezone, &f);   /* 0 */
	if (!f.has_when) {
		dg_json_appendf(c->base.warnings, "%s#%lld: event \"%s\" has no parseable date%s%s%s", repo, number,
				dg_json_str(issue, "title"), f.date ? " (date: '" : "", f.date ? f.date : "",
				f.date ? "')" : "");
		dg_event_fields_clear(&f);
		return;
	}
	list = f.when >= c->base.since && f.when < c->base.until ? c->events_past :
	       f.when >= c->base.until && f.when < horizon ? c->events_upcoming : NULL;
	if (list) {
		dg_date_format_utc(f.when, utc);
		/* Keep an RFC 3339 date as written (its offset is the local time
		 * readers expect); naive forms become UTC. */
		json_array_append_new(list,
			json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "repo", repo,
				  "number", (json_int_t)number, "title", dg_json_str(issue, "title"),
				  "url", dg_json_str(issue, "html_url"),
				  "date", dg_date_parse_rfc3339(f.date, &parsed) == 0 ? f.date : utc,
				  "date_utc", utc, "location", f.location ? f.location : "",
				  "link", f.link ? f.link : ""));
	}
	dg_event_fields_clear(&f);
}

static void on_events(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	page_job *j = ud;
	json_t *list = dg_collect_listing(j, resp, err, msg, "events repository not found (events.repos)",
					  "expected a JSON array of issues");
	size_t i;
	json_t *issue;

	(void)h;
	if (!list)
		return;
	json_array_foreach(list, i, issue)
		if (!json_object_get(issue, "pull_request"))
			add_event(j->c, j->name, issue);
	dg_collect_next(j, resp->next_url, on_events);
}

void dg_eventlist_queue(collect *c)
{
	const dg_config *cfg = c->base.cfg;

	for (size_t i = 0; i < cfg->event_repos.n; i++) {
		const char *repo = cfg->event_repos.v[i];
		char *label, *url;

		(void)dg_url_encode(cfg->event_label, &label);   /* 0 */
		url = dg_collector_api(&c->base, "/repos/%s/issues?labels=%s&state=all&per_page=100", repo, label);
		dg_collector_get(&c->base, url, 0, on_events, dg_collect_job_new(c, repo), dg_collect_job_free);
		free(label);
		free(url);
	}
}
