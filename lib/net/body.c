/* A whole response body, copied out of the callback. */
#include "net/body.h"
#include "base/alloc.h"

#include <stdlib.h>
#include <string.h>

void dg_http_body_clear(dg_http_body *b)
{
	if (!b)
		return;
	free(b->data);
	free(b->error);
	memset(b, 0, sizeof(*b));
}

int dg_http_body_take(dg_http_body *b, const dg_http_response *resp, int err, const char *message)
{
	dg_http_body_clear(b);
	if (err || !resp) {
		b->error = dg_strdup(message ? message : "failed");
		return -1;
	}
	b->data = dg_malloc(resp->len + 1);
	memcpy(b->data, resp->body, resp->len);
	b->data[resp->len] = '\0';
	b->len = resp->len;
	b->status = resp->status;
	return 0;
}

void dg_http_body_cb(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *message)
{
	(void)h;
	(void)dg_http_body_take(ud, resp, err, message);
}
