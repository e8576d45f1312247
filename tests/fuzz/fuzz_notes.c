/* fuzz_notes - dg_notes_extract on an arbitrary release-notes body (a C
 * string: bodies come from JSON), and dg_notes_cut on it. Checks the limits
 * the header promises: at most max_lines strings, each at most max_chars
 * code points plus the "…" that marks a cut. */
#include "fuzz.h"
#include "model/notes.h"

#define MAX_LINES 5
#define MAX_CHARS 60

static size_t code_points(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = fuzz_cstr(data, size), *cut;
	int truncated = 0;
	json_t *lines = dg_notes_extract(body, MAX_LINES, MAX_CHARS, &truncated);
	size_t i;
	json_t *v;

	if (!lines)
		fuzz_fail("dg_notes_extract returned NULL (only out of memory may)");
	if (json_array_size(lines) > MAX_LINES)
		fuzz_fail("%zu lines, max %d", json_array_size(lines), MAX_LINES);
	json_array_foreach(lines, i, v) {
		if (!json_is_string(v))
			fuzz_fail("line %zu is not a string", i);
		if (code_points(json_string_value(v)) > MAX_CHARS + 1)
			fuzz_fail("line %zu: %zu code points, max %d + 1", i, code_points(json_string_value(v)),
				  MAX_CHARS);
	}
	json_decref(lines);
	cut = dg_notes_cut(body, 10);
	if (!cut)
		fuzz_fail("dg_notes_cut returned NULL");
	if (code_points(cut) > 10 + 1)
		fuzz_fail("dg_notes_cut: %zu code points, max 10 + 1", code_points(cut));
	free(cut);
	free(body);
	return 0;
}
