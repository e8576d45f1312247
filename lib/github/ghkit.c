/* ghkit.c - what the community collector's stages share: paged listings,
 * searches, times, comparisons, bots, query encoding (collectint.h). The
 * lowest file of the collector: it calls none of the stage files. */
#include "github/collect.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/jsonx.h"
#include "base/str.h"
#include "github/collectint.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int dg_url_encode(const char *s, char **out)
{
	dg_buf b = DG_BUF_INIT;

	(void)dg_str_percent_encode(&b, s, strlen(s), DG_STR_PCT_UNRESERVED, NULL);
	return dg_buf_finish(&b, out);   /* uncapped: 0 */
}

int dg_collect_is_bot(const dg_config *cfg, const char *login, const char *type)
{
	size_t n = login ? strlen(login) : 0;

	if (!login || !*login)
		return 1; /* no author (a deleted account): nobody to credit */
	if (type && !strcmp(type, "Bot"))
		return 1;
	if (n > 5 && !strcmp(login + n - 5, "[bot]"))
		return 1;
	return dg_config_is_listed_bot(cfg, login);
}

/* ---- what the stages share ---- */

page_job *dg_collect_job_new(collect *c, const char *name)
{
	page_job *j = dg_calloc(1, sizeof(*j));

	j->name = dg_strdup(name ? name : "");
	j->c = c;
	j->first_page = 1;
	return j;
}

void dg_collect_job_free(void *job)
{
	page_job *j = job;

	if (j) {
		free(j->name);
		free(j);
	}
}

json_t *dg_collect_listing(page_job *j, const dg_http_response *resp, int err, const char *msg,
			   const char *not_found, const char *expected)
{
	collect *c = j->c;

	if (err)
		dg_collector_failed(&c->base, j->name, err == DG_HTTP_ERR_NOT_FOUND && not_found ? not_found : msg);
	else if (!json_is_array(resp->json))
		dg_collector_failed(&c->base, resp->url, expected);
	else
		return resp->json;
	dg_collect_job_free(j);
	return NULL;
}

void dg_collect_next(page_job *j, const char *next_url, dg_http_cb cb)
{
	if (next_url)
		dg_collector_get(&j->c->base, next_url, 0, cb, j, dg_collect_job_free);
	else
		dg_collect_job_free(j);
}

int64_t dg_collect_time_of(json_t *obj, const char *key, int *ok)
{
	int64_t t = 0;
	const char *v = json_string_value(json_object_get(obj, key));

	*ok = v && dg_date_parse_rfc3339(v, &t) == 0;
	return t;
}

int dg_collect_search(dg_collector *c, const char *query, dg_http_cb cb, void *job,
		      void (*job_free)(void *))
{
	dg_buf q = DG_BUF_INIT;
	char *url;
	int err;

	(void)dg_str_percent_encode(&q, query, strlen(query), DG_STR_PCT_UNRESERVED, NULL);
	url = dg_collector_api(c, "/search/issues?q=%s&sort=created&order=asc&per_page=100", dg_buf_cstr(&q));
	err = dg_collector_get(c, url, 0, cb, job, job_free);
	dg_buf_free(&q);
	free(url);
	return err;
}

int64_t dg_collect_total(json_t *result)
{
	json_t *t = json_object_get(result, "total_count");

	if (!json_is_integer(t) || json_integer_value(t) < 0)
		return -1;
	return (int64_t)json_integer_value(t);
}

int dg_collect_cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int dg_collect_cmp_login(const char *a, const char *b)
{
	int r = strcasecmp(a, b);
	return r ? r : strcmp(a, b);
}
