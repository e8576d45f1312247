/* fuzz_edits - dg_edits_load on an arbitrary community editor's file. */
#include "fuzz.h"
#include "base/jsonx.h"
#include "feeds/edits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz_edits.XXXXXX";
	json_t *e = NULL, *it;
	size_t i;
	int rc;

	fuzz_temp_file(data, size, path);
	rc = dg_edits_load(path, &e);
	unlink(path);
	if (rc == 0)
		fuzz_fail("dg_edits_load says an existing file does not exist");
	if (rc == 1) {
		if (!json_is_array(json_object_get(e, "items")) || !json_is_array(json_object_get(e, "news")))
			fuzz_fail("a loaded editor's file lacks its items/news arrays");
		json_array_foreach(json_object_get(e, "items"), i, it)
			if (!json_is_string(json_object_get(it, "url")))
				fuzz_fail("an [[item]] without a url string was loaded");
		json_array_foreach(json_object_get(e, "news"), i, it)
			if (strncmp(dg_json_str(it, "url"), "http", 4))
				fuzz_fail("a [[news]] whose url is no http(s) URL was loaded");
	}
	json_decref(e);
	return 0;
}
