/* notes.h - a short extract of a release's notes for the digest.
 *
 * Release notes are long and written many ways. The extract takes the first
 * items of the feature sections, then of the fix sections (headings such as
 * "Features", "Enhancements", "Bug Fixes", "新功能", "修复"); without such
 * sections, the first top-level list items; without a list, the first
 * paragraph. Items become plain text: links keep their text, images, HTML
 * tags, emphasis marks and trailing "by @x in URL" credits go. */
#ifndef DG_NOTES_H
#define DG_NOTES_H

#include <jansson.h>
#include <stddef.h>

/* Returns a new array of at most `max_lines` strings (caller decrefs), and
 * sets *truncated when the notes hold more than was kept. NULL on OOM. */
json_t *dg_notes_extract(const char *body, size_t max_lines, size_t max_chars, int *truncated);

/* Cut UTF-8 text to at most `max_chars` code points (0 = no limit) at a
 * character boundary, backing up to a nearby space, adding "…" when cut.
 * Returns a new string (caller frees), NULL on OOM. */
char *dg_notes_cut(const char *s, size_t max_chars);

#endif
