#include "net/collector.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonx.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int dg_collector_init(dg_collector *c, const dg_config *cfg, dg_http *http, dg_store *store,
		      int64_t since, int64_t until)
{
	size_t len;

	memset(c, 0, sizeof(*c));
	c->cfg = cfg;
	c->http = http;
	c->store = store;
	c->since = since;
	c->until = until;
	c->api = strdup(cfg->api_url ? cfg->api_url : "");
	c->warnings = json_array();
	c->failures = json_array();
	if (!c->api || !c->warnings || !c->failures) {
		dg_collector_clear(c);
		return dg_err_set(DG_ERR_NOMEM, "out of memory");
	}
	len = strlen(c->api);
	while (len && c->api[len - 1] == '/')
		c->api[--len] = '\0';
	return 0;
}

void dg_collector_clear(dg_collector *c)
{
	free(c->api);
	json_decref(c->warnings);
	json_decref(c->failures);
	memset(c, 0, sizeof(*c));
}

void dg_collector_failed(dg_collector *c, const char *what, const char *message)
{
	dg_json_appendf(c->warnings, "%s: %s", what, message);
	json_array_append(c->failures, json_array_get(c->warnings, json_array_size(c->warnings) - 1));
}

char *dg_collector_api(const dg_collector *c, const char *fmt, ...)
{
	dg_buf b = DG_BUF_INIT;
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = dg_buf_puts(&b, c->api);
	if (!err)
		err = dg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (err < 0) {
		dg_buf_free(&b);
		return NULL;
	}
	return dg_buf_detach(&b);
}

int dg_collector_get(dg_collector *c, const char *url, int raw, dg_http_cb cb, void *job,
		     void (*job_free)(void *))
{
	int err;

	if (!url || !job) {
		dg_collector_failed(c, url ? url : "request", "out of memory");
		if (job)
			job_free(job);
		return DG_ERR_NOMEM;
	}
	err = raw ? dg_http_get_raw(c->http, url, cb, job) : dg_http_get(c->http, url, cb, job);
	if (err < 0) {
		dg_collector_failed(c, url, dg_err_last());
		job_free(job);
	}
	return err < 0 ? err : 0;
}
