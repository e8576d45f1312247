/* toml-decoder - toml-test's decoder interface for lib/toml.c.
 *
 * Reads TOML on stdin and writes toml-test's "tagged JSON" on stdout: tables
 * as objects, arrays as arrays, every scalar as {"type": T, "value": "..."}.
 * Exits 0 on success, 1 with a one-line message on stderr when the input is
 * not valid TOML, 2 on an internal failure (I/O); out of memory aborts
 * (base/alloc.h). Fault injection (tests/t-oom.py): DIGEST_FAIL_ALLOC_AT=N
 * fails the N-th allocation; DIGEST_ALLOC_COUNT set prints "allocations: N"
 * on stderr at the end.
 *
 * `toml-decoder --batch` decodes many documents in one process (a sanitized
 * process costs more to start than a case to decode): stdin holds records
 * "LENGTH\n" followed by LENGTH bytes of TOML; stdout gets one JSON line per
 * record, {"status": 0, "value": TAGGED} or {"status": 1, "error": MESSAGE}.
 * Exits 0 once every record is answered, 2 on a malformed record or I/O. */
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "config/toml.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* One message as a JSON string: bytes that are not ASCII become '?' when
 * the message is not UTF-8 (the line count stays what it was). */
static json_t *message(const char *msg)
{
	json_t *j = json_string(msg);
	char *copy;

	if (j)
		return j;
	copy = dg_strdup(msg);
	for (char *c = copy; *c; c++)
		if ((unsigned char)*c >= 0x80)
			*c = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

/* Reads "LENGTH\n" then LENGTH bytes into `doc`: 1 read, 0 at the end of
 * input, -1 when the record is malformed or cut short. */
static int read_record(dg_buf *doc)
{
	char chunk[16384];
	size_t len = 0, want, n;
	int c, digits = 0;

	while ((c = getchar()) != EOF && c != '\n') {
		if (c < '0' || c > '9' || ++digits > 9)
			return -1;
		len = len * 10 + (size_t)(c - '0');
	}
	if (c == EOF)
		return digits ? -1 : 0;
	if (!digits)
		return -1;
	dg_buf_free(doc);   /* a fresh allocation per document: no bytes of the one before */
	while (len > 0) {
		want = len < sizeof(chunk) ? len : sizeof(chunk);
		if ((n = fread(chunk, 1, want, stdin)) == 0 || dg_buf_put(doc, chunk, n) < 0)
			return -1;
		len -= n;
	}
	return 1;
}

static int batch(void)
{
	dg_buf doc = DG_BUF_INIT;
	int got, rc = 0;

	while ((got = read_record(&doc)) == 1) {
		dg_toml *root = NULL;
		json_t *out;

		if (dg_toml_parse(dg_buf_cstr(&doc), doc.len, "stdin", &root) < 0)
			out = json_pack("{s:i, s:o}", "status", 1, "error", message(dg_err_last()));
		else
			out = json_pack("{s:i, s:o}", "status", 0, "value", to_json(root));
		dg_toml_free(root);
		dg_err_clear();
		if (!out || json_dumpf(out, stdout, JSON_COMPACT) < 0 || fputc('\n', stdout) == EOF) {
			json_decref(out);
			rc = 2;
			break;
		}
		json_decref(out);
	}
	if (got < 0 || fflush(stdout) == EOF) {
		fprintf(stderr, "toml-decoder: --batch: %s\n", got < 0 ? "malformed record on standard input"
								     : "cannot write standard output");
		rc = 2;
	}
	dg_buf_free(&doc);
	return rc;
}

int main(int argc, char **argv)
{
	dg_buf in = DG_BUF_INIT;
	dg_toml *root = NULL;
	json_t *j = NULL;
	char chunk[16384];
	size_t n;
	int rc = 2;
	const char *fail_at = getenv("DIGEST_FAIL_ALLOC_AT");

	dg_alloc_init();
	if (argc == 2 && !strcmp(argv[1], "--batch"))
		return batch();
	if (argc > 1) {
		fprintf(stderr, "usage: toml-decoder [--batch] < INPUT\n");
		return 2;
	}
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
