/* fuzz_canon - dg_canon_url on an arbitrary URL (a C string), checking what
 * canon.h promises of a canonical URL: https scheme, lower-case host, no
 * fragment, no utm_* parameter, no trailing slash on the path. */
#include "fuzz.h"
#include "feeds/canon.h"

#include <strings.h>

static void check(const char *url, const char *c)
{
	const char *host = c + 8, *host_end, *path_end, *p;

	if (strncmp(c, "https://", 8) != 0)
		fuzz_fail("\"%s\" -> \"%s\": not https://", url, c);
	if (strchr(c, '#'))
		fuzz_fail("\"%s\" -> \"%s\": fragment kept", url, c);
	/* The port, if any, is kept as written. */
	host_end = host + strcspn(host, "/?:");
	for (p = host; p < host_end; p++)
		if (*p >= 'A' && *p <= 'Z')
			fuzz_fail("\"%s\" -> \"%s\": host not lower-case", url, c);
	host_end = host + strcspn(host, "/?");
	path_end = host_end + strcspn(host_end, "?");
	if (path_end > host_end && path_end[-1] == '/')
		fuzz_fail("\"%s\" -> \"%s\": trailing slash kept", url, c);
	/* Parameters are what lies between '&'s after the first '?'. */
	for (p = path_end; *p; p += 1 + strcspn(p + 1, "&"))
		if (strncasecmp(p + 1, "utm_", 4) == 0)
			fuzz_fail("\"%s\" -> \"%s\": utm_ parameter kept", url, c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url = fuzz_cstr(data, size);
	char *c = dg_canon_url(url);

	if (c)
		check(url, c);
	free(c);
	free(url);
	return 0;
}
