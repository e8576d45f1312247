/* svg-png - digest's certificate drawing on SVG files, for `make bench`.
 *
 * svg-png [-n ROUNDS] [-j THREADS] [-o OUT.png] SCALE FILE.svg...
 *
 * Draws every file ROUNDS times (default 1) at SCALE the way the
 * certificates stage does (lib/images/image.h: dg_image_svgs_to_png, on up
 * to THREADS threads; 0, the default: as the stage does), then prints
 * "drawn N bytes B" (B: the PNG bytes of one round) and writes the first
 * file's PNG to OUT.png. Exits 0, 1 when a file fails (its message on
 * stderr), 2 on a usage error. The caller measures the process's CPU. */
#include "base/alloc.h"
#include "base/err.h"
#include "base/output.h"
#include "images/image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long rounds = 1, threads = 0;
	const char *out = NULL;
	dg_image_svg *items;
	char **docs;
	size_t *lens, nfiles, n, bytes = 0;
	int opt, rc = 0;
	double scale;

	dg_alloc_init();
	while ((opt = getopt(argc, argv, "n:j:o:")) != -1) {
		if (opt == 'n')
			rounds = strtoul(optarg, NULL, 10);
		else if (opt == 'j')
			threads = strtoul(optarg, NULL, 10);
		else if (opt == 'o')
			out = optarg;
		else
			goto usage;
	}
	if (argc - optind < 2 || rounds < 1 || rounds > 100000 || (scale = strtod(argv[optind], NULL)) <= 0)
		goto usage;
	nfiles = (size_t)(argc - optind - 1);
	docs = dg_calloc(nfiles, sizeof(*docs));
	lens = dg_calloc(nfiles, sizeof(*lens));
	for (size_t f = 0; f < nfiles; f++)
		if (dg_output_read_file(argv[optind + 1 + f], DG_IMAGE_SVG_MAX_BYTES * 16, &docs[f], &lens[f]) < 0) {
			fprintf(stderr, "svg-png: %s\n", dg_err_last());
			return 1;
		}
	n = nfiles * rounds;
	items = dg_calloc(n, sizeof(*items));
	for (size_t i = 0; i < n; i++)
		items[i] = (dg_image_svg){docs[i % nfiles], lens[i % nfiles], argv[optind + 1 + i % nfiles], NULL, 0,
					  NULL};
	dg_image_svgs_to_png(items, n, scale, (unsigned)threads);
	for (size_t i = 0; i < n; i++) {
		if (items[i].error) {
			fprintf(stderr, "svg-png: %s\n", items[i].error);
			rc = 1;
		} else if (i < nfiles) {
			bytes += items[i].png_len;
		}
	}
	if (rc == 0 && out) {
		FILE *f = fopen(out, "wb");
		if (!f || fwrite(items[0].png, 1, items[0].png_len, f) != items[0].png_len || fclose(f) != 0) {
			fprintf(stderr, "svg-png: cannot write %s\n", out);
			rc = 1;
		}
	}
	if (rc == 0)
		printf("drawn %zu bytes %zu\n", n, bytes);
	for (size_t i = 0; i < n; i++) {
		free(items[i].png);
		free(items[i].error);
	}
	for (size_t f = 0; f < nfiles; f++)
		free(docs[f]);
	free(items);
	free(docs);
	free(lens);
	return rc;
usage:
	fprintf(stderr, "usage: svg-png [-n ROUNDS] [-j THREADS] [-o OUT.png] SCALE FILE.svg...\n");
	return 2;
}
