/* feed-decoder - print the entries dg_feed_parse reads from a file, as JSON.
 *
 *   feed-decoder FILE [--base URL] [--charset CS] [--max N] [--all]
 *   feed-decoder --date STRING
 *
 * Prints a JSON array of {"title","link","published","summary"} in document
 * order (--all adds "updated", "id", "author"). A warning about a malformed
 * document goes to stderr as one line starting "feed-decoder: warning:". Exits
 * 1 (one line on stderr naming the file) when nothing could be read, 2 on
 * usage errors. --date prints the RFC 3339 UTC form of STRING, or "null".
 * Fault injection (tests/t-oom.py): DIGEST_FAIL_ALLOC_AT=N fails the N-th
 * allocation; DIGEST_ALLOC_COUNT set prints "allocations: N" on stderr at the
 * end of a decode. */
#include "feeds/feed.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
	fprintf(stderr, "usage: feed-decoder FILE [--base URL] [--charset CS] [--max N] [--all]\n"
			"       feed-decoder --date STRING\n");
	return 2;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = dg_realloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf ? buf : dg_calloc(1, 1);
}

int main(int argc, char **argv)
{
	const char *file = NULL;
	dg_feed_opts opts = { 0 };
	json_t *entries = NULL, *out = NULL;
	char *data = NULL, *warning = NULL, *dump = NULL;
	size_t len = 0, i;
	int all = 0, rc = 1;
	json_t *e;
	const char *fail_at = getenv("DIGEST_FAIL_ALLOC_AT");

	dg_alloc_init();
	if (fail_at)
		dg_alloc_fail_at(strtoul(fail_at, NULL, 10));
	for (int a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--date") == 0 && a + 1 < argc) {
			int64_t t;
			char d[DG_DATE_RFC3339_LEN];

			if (dg_feed_parse_date(argv[a + 1], &t) < 0) {
				puts("null");
			} else {
				dg_date_format_utc(t, d);
				puts(d);
			}
			return 0;
		} else if (strcmp(argv[a], "--base") == 0 && a + 1 < argc) {
			opts.base_url = argv[++a];
		} else if (strcmp(argv[a], "--charset") == 0 && a + 1 < argc) {
			opts.http_charset = argv[++a];
		} else if (strcmp(argv[a], "--max") == 0 && a + 1 < argc) {
			opts.summary_max = (size_t)strtoul(argv[++a], NULL, 10);
		} else if (strcmp(argv[a], "--all") == 0) {
			all = 1;
		} else if (argv[a][0] == '-' && argv[a][1]) {
			return usage();
		} else if (!file) {
			file = argv[a];
		} else {
			return usage();
		}
	}
	if (!file)
		return usage();
	opts.name = file;
	if (!(data = slurp(file, &len))) {
		fprintf(stderr, "feed-decoder: %s: cannot read the file\n", file);
		return 1;
	}
	if (dg_feed_parse(data, len, &opts, &entries, &warning) < 0) {
		fprintf(stderr, "feed-decoder: %s\n", dg_err_last());
		goto done;
	}
	if (warning)
		fprintf(stderr, "feed-decoder: warning: %s\n", warning);
	if (all) {
		out = json_incref(entries);
	} else {
		out = json_array();
		json_array_foreach(entries, i, e) {
			json_t *o = json_object();

			json_object_set(o, "title", json_object_get(e, "title"));
			json_object_set(o, "link", json_object_get(e, "link"));
			json_object_set(o, "published", json_object_get(e, "published"));
			json_object_set(o, "summary", json_object_get(e, "summary"));
			json_array_append_new(out, o);
		}
	}
	dump = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(dump);
	rc = 0;
done:
	free(dump);
	json_decref(out);
	json_decref(entries);
	free(warning);
	free(data);
	if (getenv("DIGEST_ALLOC_COUNT"))
		fprintf(stderr, "allocations: %lu\n", dg_alloc_count());
	return rc;
}
