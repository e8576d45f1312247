#include "base/jsonx.h"

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
	char msg[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(array, json_string(msg));
}

void dg_json_sort(json_t *array, int (*cmp)(const void *, const void *))
{
	size_t n = json_array_size(array);
	json_t **v;

	if (n < 2 || !(v = malloc(n * sizeof(*v))))
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(array, i));
	qsort(v, n, sizeof(*v), cmp);
	json_array_clear(array);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(array, v[i]);
	free(v);
}
