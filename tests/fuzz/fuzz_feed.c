/* fuzz_feed - dg_feed_parse (RSS, Atom, JSON Feed through libxml2 and
 * jansson) on arbitrary bytes, with a base URL so relative links resolve;
 * dg_feed_parse_date on the first line; dg_feed_text on the input in every
 * mode when it is short (a title or a summary, not a whole feed: that would
 * only slow the fuzzer). Checks the entry shape the header promises. */
#include "fuzz.h"
#include "feeds/feed.h"
#include "base/date.h"

#define DATE_MAX 256   /* a date string longer than this is not a date */
#define TEXT_MAX 4096  /* inputs up to this size also go through dg_feed_text */

static void check_entries(json_t *entries, size_t summary_max)
{
	static const char *const keys[] = { "title", "link", "published", "updated", "summary", "id", "author" };
	size_t i, k;
	json_t *e;

	if (!json_is_array(entries))
		fuzz_fail("entries is not an array");
	json_array_foreach(entries, i, e) {
		if (!json_is_object(e))
			fuzz_fail("entry %zu is not an object", i);
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			json_t *v = json_object_get(e, keys[k]);

			if (!v || !(json_is_string(v) || json_is_null(v)))
				fuzz_fail("entry %zu: \"%s\" is neither a string nor null", i, keys[k]);
		}
		{
			const char *p = json_string_value(json_object_get(e, "published"));

			if (p && strlen(p) != DG_DATE_RFC3339_LEN - 1)
				fuzz_fail("entry %zu: published \"%s\" is not YYYY-MM-DDTHH:MM:SSZ", i, p);
		}
		{
			const char *s = json_string_value(json_object_get(e, "summary"));
			size_t cps = 0;

			/* Code points: count bytes that do not continue a sequence. */
			for (; s && *s; s++)
				cps += ((unsigned char)*s & 0xc0) != 0x80;
			if (cps > summary_max)
				fuzz_fail("entry %zu: summary of %zu code points, max %zu", i, cps, summary_max);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dg_feed_opts opts = { "fuzz.xml", "https://example.org/blog/feed.xml", NULL, 40 };
	json_t *entries = NULL;
	char *warning = NULL, *line, *text = NULL;
	size_t n;
	int64_t t;
	int kind;

	if (dg_feed_parse((const char *)data, size, &opts, &entries, &warning) == 0)
		check_entries(entries, opts.summary_max);
	else if (entries || warning)
		fuzz_fail("failed parse left entries or warning set");
	json_decref(entries);
	free(warning);

	for (n = 0; n < size && n < DATE_MAX && data[n] != '\n'; n++)
		;
	line = fuzz_cstr(data, n);
	if (dg_feed_parse_date(line, &t) == 0) {
		char out[DG_DATE_RFC3339_LEN];

		dg_date_format_utc(t, out);
		if (strlen(out) != DG_DATE_RFC3339_LEN - 1)
			fuzz_fail("date \"%s\" formats as \"%s\"", line, out);
	}
	free(line);

	for (kind = DG_FEED_TEXT_PLAIN; size <= TEXT_MAX && kind <= DG_FEED_TEXT_AUTO_STRICT; kind++) {
		size_t cps = 0;

		text = dg_feed_text((const char *)data, size, (enum dg_feed_text_kind)kind, 20);
		for (const char *s = text; *s; s++)
			cps += ((unsigned char)*s & 0xc0) != 0x80;
		if (cps > 20)
			fuzz_fail("dg_feed_text kind %d: %zu code points, max 20", kind, cps);
		free(text);
		text = NULL;
	}
	return 0;
}
