#include "base/jsonx.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

const char *dg_json_str(json_t *obj, const char *key)
{
	const char *v = json_string_value(json_object_get(obj, key));

	return v ? v : "";
}

void dg_json_appendf(json_t *array, const char *fmt, ...)
{
	dg_buf raw = DG_BUF_INIT, msg = DG_BUF_INIT;
	va_list ap;

	/* Uncapped buffers: nothing here can fail (out of memory aborts). */
	va_start(ap, fmt);
	dg_buf_vprintf(&raw, fmt, ap);
	va_end(ap);
	/* Whatever the parts held, the warning is valid UTF-8 (no NUL) and of a size a person reads. */
	dg_text_utf8_repair(dg_buf_cstr(&raw), raw.len, &msg);
	dg_text_cut(&msg, DG_JSON_WARNING_MAX, DG_TEXT_WIDTH, 0);
	json_array_append_new(array, json_stringn_nocheck(dg_buf_cstr(&msg), msg.len));
	dg_buf_free(&raw);
	dg_buf_free(&msg);
}

void dg_json_sort(json_t *array, int (*cmp)(const void *, const void *))
{
	size_t n = json_array_size(array);
	json_t **v;

	if (n < 2)
		return;
	v = dg_calloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(array, i));
	qsort(v, n, sizeof(*v), cmp);
	json_array_clear(array);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(array, v[i]);
	free(v);
}
