/* jsonx.h - the few jansson helpers every model-building module needs. */
#ifndef DG_JSONX_H
#define DG_JSONX_H

#include <jansson.h>

/* The string at obj[key], or "" when absent or not a string; borrowed. */
const char *dg_json_str(json_t *obj, const char *key);

/* Append a printf-formatted string to `array` (warnings lists): never
 * dropped; invalid UTF-8 from the parts is repaired and a text wider than
 * DG_JSON_WARNING_MAX columns is cut at a character boundary with "…". */
#define DG_JSON_WARNING_MAX 2000
void dg_json_appendf(json_t *array, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sort `array` in place with a qsort comparator over json_t * elements. */
void dg_json_sort(json_t *array, int (*cmp)(const void *, const void *));

#endif
