/* toml-decoder - toml-test's decoder interface for lib/toml.c.
 *
 * Reads TOML on stdin and writes toml-test's "tagged JSON" on stdout: tables
 * as objects, arrays as arrays, every scalar as {"type": T, "value": "..."}.
 * Exits 0 on success, 1 with a one-line message on stderr when the input is
 * not valid TOML, 2 on an internal failure (I/O); out of memory aborts
 * (base/alloc.h). Fault injection (tests/t-oom.py): DIGEST_FAIL_ALLOC_AT=N
 * fails the N-th allocation; DIGEST_ALLOC_COUNT set prints "allocations: N"
 * on stderr at the end. */
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "config/toml.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The shortest %g spelling that reads back as the same double. */
static void format_float(double d, char *out, size_t n)
{
	int prec;

	if (isnan(d)) {
		snprintf(out, n, "nan");
		return;
	}
	if (isinf(d)) {
		snprintf(out, n, "%s", d < 0 ? "-inf" : "inf");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(out, n, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			return;
	}
}

static json_t *tagged(const char *type, json_t *value)
{
	json_t *o = json_object();

	if (!o || !value || json_object_set_new(o, "type", json_string(type)) < 0 ||
	    json_object_set_new(o, "value", value) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *to_json(const dg_toml *v)
{
	char num[64];
	json_t *j;
	size_t i, len;
	const char *s;

	switch (dg_toml_type_of(v)) {
	case DG_TOML_TABLE:
		if (!(j = json_object()))
			return NULL;
		for (i = 0; i < dg_toml_count(v); i++)
			if (json_object_setn_new(j, dg_toml_key_at(v, i), dg_toml_key_len_at(v, i),
						 to_json(dg_toml_at(v, i))) < 0) {
				json_decref(j);
				return NULL;
			}
		return j;
	case DG_TOML_ARRAY:
		if (!(j = json_array()))
			return NULL;
		for (i = 0; i < dg_toml_count(v); i++)
			if (json_array_append_new(j, to_json(dg_toml_at(v, i))) < 0) {
				json_decref(j);
				return NULL;
			}
		return j;
	case DG_TOML_STRING:
		s = dg_toml_string(v, &len);
		return tagged("string", json_stringn(s, len));
	case DG_TOML_INTEGER:
		snprintf(num, sizeof(num), "%" PRId64, dg_toml_int(v));
		return tagged("integer", json_string(num));
	case DG_TOML_FLOAT:
		format_float(dg_toml_float(v), num, sizeof(num));
		return tagged("float", json_string(num));
	case DG_TOML_BOOL:
		return tagged("bool", json_string(dg_toml_bool(v) ? "true" : "false"));
	default:
		return tagged(dg_toml_type_name(dg_toml_type_of(v)), json_string(dg_toml_datetime(v)));
	}
}

int main(void)
{
	dg_buf in = DG_BUF_INIT;
	dg_toml *root = NULL;
	json_t *j = NULL;
	char chunk[16384];
	size_t n;
	int rc = 2;
	const char *fail_at = getenv("DIGEST_FAIL_ALLOC_AT");

	dg_alloc_init();
	if (fail_at)
		dg_alloc_fail_at(strtoul(fail_at, NULL, 10));
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (dg_buf_put(&in, chunk, n) < 0)
			goto done;
	if (ferror(stdin)) {
		dg_err_set(DG_ERR_FAIL, "cannot read standard input");
		goto done;
	}
	if (dg_toml_parse(dg_buf_cstr(&in), in.len, "stdin", &root) < 0) {
		rc = 1;
		goto done;
	}
	if (!(j = to_json(root))) {
		dg_err_set(DG_ERR_FAIL, "cannot build JSON");
		goto done;
	}
	if (json_dumpf(j, stdout, JSON_INDENT(2)) < 0 || fputc('\n', stdout) == EOF ||
	    fflush(stdout) == EOF) {
		dg_err_set(DG_ERR_FAIL, "cannot write standard output");
		goto done;
	}
	rc = 0;
done:
	if (rc)
		fprintf(stderr, "toml-decoder: %s\n", dg_err_last());
	json_decref(j);
	dg_toml_free(root);
	dg_buf_free(&in);
	if (getenv("DIGEST_ALLOC_COUNT"))
		fprintf(stderr, "allocations: %lu\n", dg_alloc_count());
	return rc;
}
