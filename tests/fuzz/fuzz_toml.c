/* fuzz_toml - dg_toml_parse on arbitrary bytes, then a walk of the tree
 * through every accessor (the config loader reads the tree the same way). */
#include "fuzz.h"
#include "config/toml.h"

static void walk(const dg_toml *v)
{
	size_t i, n, len;
	const char *s;

	(void)dg_toml_type_name(dg_toml_type_of(v));
	(void)dg_toml_line(v);
	switch (dg_toml_type_of(v)) {
	case DG_TOML_TABLE:
		n = dg_toml_count(v);
		for (i = 0; i < n; i++) {
			const char *key = dg_toml_key_at(v, i);

			len = dg_toml_key_len_at(v, i);
			if (!key || strlen(key) > len)
				fuzz_fail("table key %zu: NULL or longer than its length %zu", i, len);
			/* The first of duplicate-free keys must be found again by name
			 * (keys holding a NUL cannot be looked up by C string). */
			if (strlen(key) == len && dg_toml_get(v, key) != dg_toml_at(v, i))
				fuzz_fail("dg_toml_get(\"%s\") differs from entry %zu", key, i);
			walk(dg_toml_at(v, i));
		}
		break;
	case DG_TOML_ARRAY:
		n = dg_toml_count(v);
		for (i = 0; i < n; i++)
			walk(dg_toml_at(v, i));
		break;
	case DG_TOML_STRING:
		s = dg_toml_string(v, &len);
		if (!s || s[len] != '\0')
			fuzz_fail("string value not NUL-terminated at its length");
		break;
	case DG_TOML_INTEGER:
		(void)dg_toml_int(v);
		break;
	case DG_TOML_FLOAT:
		(void)dg_toml_float(v);
		break;
	case DG_TOML_BOOL:
		(void)dg_toml_bool(v);
		break;
	default:
		s = dg_toml_datetime(v);
		if (!s)
			fuzz_fail("date-time value without text");
		(void)strlen(s);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dg_toml *root = NULL;

	/* The parser takes a length: no copy, so any over-read shows. */
	if (dg_toml_parse((const char *)data, size, "fuzz.toml", &root) == 0) {
		if (!root || dg_toml_type_of(root) != DG_TOML_TABLE)
			fuzz_fail("root is not a table");
		walk(root);
	} else if (root) {
		fuzz_fail("failed parse left *out set");
	}
	dg_toml_free(root);
	return 0;
}
