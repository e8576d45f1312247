#include "net/collector.h"
#include "base/alloc.h"
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
	c->api = dg_strdup(cfg->api_url ? cfg->api_url : "");
	c->warnings = json_array();
	c->failures = json_array();
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

	dg_buf_puts(&b, c->api);
	va_start(ap, fmt);
	dg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return dg_buf_detach(&b);   /* uncapped: never NULL */
}

int dg_collector_get(dg_collector *c, const char *url, int raw, dg_http_cb cb, void *job,
		     void (*job_free)(void *))
{
	int err = raw ? dg_http_get_raw(c->http, url, cb, job) : dg_http_get(c->http, url, cb, job);
	if (err < 0) {
		dg_collector_failed(c, url, dg_err_last());
		job_free(job);
	}
	return err < 0 ? err : 0;
}
