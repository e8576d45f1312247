/* body.h - a whole response body, kept past the callback.
 *
 * dg_http hands a callback a borrowed body; code that only wants the bytes
 * (an image, a WeChat answer) queues its request with dg_http_body_cb and
 * reads them once dg_http_run returns. */
#ifndef DG_HTTP_BODY_H
#define DG_HTTP_BODY_H

#include <stddef.h>
#include "net/http.h"

typedef struct dg_http_body {
	char *data;              /* malloc'ed and NUL-terminated, NULL on failure */
	size_t len;
	long status;             /* HTTP status, 0 on failure */
	char *error;             /* one line, malloc'ed, NULL on success */
} dg_http_body;

/* Fill `b` (cleared first) from one callback's arguments: the body copied,
 * or the error message. 0, or <0 when it failed (b->error set). */
int dg_http_body_take(dg_http_body *b, const dg_http_response *resp, int err, const char *message);

/* A dg_http_cb whose `ud` is a dg_http_body. */
void dg_http_body_cb(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *message);

/* Free what `b` holds and zero it; accepts NULL. */
void dg_http_body_clear(dg_http_body *b);

#endif
