/* goodfirst.c - issues a newcomer can start with: open issues of the
 * watched repositories labelled "good first issue" or "help wanted", opened
 * or updated (a label added) in the window. One search per scope group:
 * `is:issue is:open label:"good first issue","help wanted" <group>
 * updated:<since>..<until>` (a comma-separated label list is any of them).
 * Only the first page is read: an issue shows a handful. */
#include "github/collectint.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/jsonx.h"
#include "base/str.h"
#include "base/text.h"

#include <stdlib.h>
#include <string.h>

/* The summary: the body's first paragraph of prose (no heading, quote,
 * comment, code fence, table or list of check boxes), whitespace collapsed,
 * at most SUMMARY_MAX code points. */
#define SUMMARY_MAX 160

static int prose_line(const char *s, size_t n)
{
	static const char *const skip[] = {"#", ">", "<!--", "```", "~~~", "|", "- [", "* [", "---", "==="};

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (dg_str_starts_ci(s, n, skip[i]))
			return 0;
	return 1;
}

static json_t *summary_of(const char *body)
{
	dg_buf b = DG_BUF_INIT;
	const char *p = body ? body : "";
	int started = 0;
	json_t *out;

	while (*p) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *line = p;
		size_t len = dg_str_trim(&line, n);

		p = end ? end + 1 : p + n;
		if (!len) {
			if (started)
				break;   /* the paragraph ends */
			continue;
		}
		if (!prose_line(line, len)) {
			if (started)
				break;
			continue;
		}
		if (started)
			dg_buf_putc(&b, ' ');
		for (size_t i = 0; i < len; i++)
			dg_buf_putc(&b, (unsigned char)line[i] < 0x20 ? ' ' : line[i]);
		started = 1;
	}
	(void)dg_text_cut(&b, SUMMARY_MAX, DG_TEXT_CODE_POINTS, DG_TEXT_CUT_WORD);
	out = b.len ? json_string(dg_buf_cstr(&b)) : NULL;   /* NULL: not UTF-8 */
	dg_buf_free(&b);
	return out ? out : json_string("");
}

static void on_issues(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *msg)
{
	page_job *j = ud;
	collect *c = j->c;
	json_t *items = err ? NULL : json_object_get(resp->json, "items"), *it;
	size_t i;

	(void)h;
	if (err)
		dg_collector_failed(&c->base, "good first issues", msg);
	else if (!json_is_array(items))
		dg_collector_failed(&c->base, resp->url, "expected a search result with \"items\"");
	json_array_foreach(items, i, it) {
		const char *url = dg_json_str(it, "html_url"), *repo_url = dg_json_str(it, "repository_url");
		const char *slash = strstr(repo_url, "/repos/");
		json_t *entry;

		if (json_object_get(it, "pull_request") || !*url || !slash)
			continue;
		entry = json_pack("{s:s, s:s, s:s, s:I, s:o}", "title", dg_json_str(it, "title"), "url", url,
				  "repo", slash + 7, "number", json_integer_value(json_object_get(it, "number")),
				  "summary", summary_of(dg_json_str(it, "body")));
		json_object_set_new(entry, "created_at", json_string(dg_json_str(it, "created_at")));
		json_object_set_new(c->good_first, url, entry);   /* one per issue across groups */
	}
	dg_collect_job_free(j);
}

void dg_goodfirst_queue(collect *c)
{
	char a[DG_DATE_RFC3339_LEN], b[DG_DATE_RFC3339_LEN];

	if (!c->base.cfg->good_first_issues)
		return;
	dg_date_format_utc(c->base.since, a);
	dg_date_format_utc(c->base.until - 1, b);
	for (size_t g = 0; c->groups[g]; g++) {
		dg_buf q = DG_BUF_INIT;   /* uncapped: cannot fail */

		dg_buf_printf(&q, "is:issue is:open label:\"good first issue\",\"help wanted\" %s updated:%s..%s",
			      c->groups[g], a, b);
		(void)dg_collect_search(&c->base, dg_buf_cstr(&q), on_issues, dg_collect_job_new(c, c->groups[g]),
					dg_collect_job_free);
		dg_buf_free(&q);
	}
}

json_t *dg_goodfirst_model(collect *c)
{
	json_t *out = json_array(), *v;
	const char *key;

	json_object_foreach(c->good_first, key, v) {
		/* A repository the config leaves out (archived, excluded) is not shown. */
		if (dg_repos_watched(c, dg_json_str(v, "repo")))
			json_array_append(out, v);
	}
	return out;
}
