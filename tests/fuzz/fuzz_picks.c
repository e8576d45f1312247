/* fuzz_picks - dg_picks_load on an arbitrary editor's file. The loader takes
 * a path, so each input is written to a private temporary file first. */
#include "fuzz.h"
#include "base/err.h"
#include "feeds/picks.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz_picks.XXXXXX";
	json_t *picks = NULL;
	int rc;

	fuzz_temp_file(data, size, path);
	rc = dg_picks_load(path, &picks);
	unlink(path);
	if (rc == 1) {
		if (!json_is_object(picks))
			fuzz_fail("loaded picks are not an object");
		if (!json_is_array(json_object_get(picks, "projects")) ||
		    !json_is_array(json_object_get(picks, "articles")) ||
		    !json_is_array(json_object_get(picks, "news")))
			fuzz_fail("loaded picks lack a projects/articles/news array");
	} else if (rc == 0) {
		fuzz_fail("dg_picks_load says an existing file does not exist");
	}
	json_decref(picks);
	return 0;
}
