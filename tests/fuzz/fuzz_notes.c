/* fuzz_notes - dg_notes_extract on an arbitrary release-notes body (a C
 * string: bodies come from JSON), and dg_notes_cut on it. Checks the limits
 * the header promises: at most max_lines strings, each at most max_width
 * display columns, the "…" that marks a cut included. */
#include "fuzz.h"
#include "base/text.h"
#include "model/notes.h"

#define MAX_LINES 5
#define MAX_WIDTH 60

static size_t width(const char *s)
{
	size_t n = strlen(s), i = 0, w = 0, k;
	uint32_t cp;

	while (i < n && (k = dg_text_utf8_next((const unsigned char *)s + i, n - i, &cp)) > 0) {
		int cw = dg_text_width(cp);
		w += cw > 0 ? (size_t)cw : 0;
		i += k;
	}
	return w;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = fuzz_cstr(data, size), *cut;
	int truncated = 0;
	json_t *lines = dg_notes_extract(body, MAX_LINES, MAX_WIDTH, &truncated);
	size_t i;
	json_t *v;

	if (!lines)
		fuzz_fail("dg_notes_extract returned NULL (out of memory aborts instead)");
	if (json_array_size(lines) > MAX_LINES)
		fuzz_fail("%zu lines, max %d", json_array_size(lines), MAX_LINES);
	json_array_foreach(lines, i, v) {
		if (!json_is_string(v))
			fuzz_fail("line %zu is not a string", i);
		if (width(json_string_value(v)) > MAX_WIDTH)
			fuzz_fail("line %zu: %zu columns, max %d", i, width(json_string_value(v)), MAX_WIDTH);
	}
	json_decref(lines);
	cut = dg_notes_cut(body, 10);
	if (!cut)
		fuzz_fail("dg_notes_cut returned NULL");
	if (width(cut) > 10)
		fuzz_fail("dg_notes_cut: %zu columns, max 10", width(cut));
	free(cut);
	free(body);
	return 0;
}
