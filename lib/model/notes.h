/* notes.h - a short extract of a release's notes for the digest.
 *
 * Release notes are long and written many ways. The extract takes the first
 * items of the feature sections, then of the fix sections (headings such as
 * "Features", "Enhancements", "Bug Fixes", "新功能", "修复"); without such
 * sections, the first top-level list items; without a list, the first
 * paragraph. The notes are read as cmark-gfm's tree: items become plain
 * text (links keep their text; images, HTML, emphasis and code marks go),
 * and trailing "by @x in URL" credits, bots' attributions ("@ks-ci-bot")
 * and branch prefixes ("[release-3.2] ") go too. */
#ifndef DG_NOTES_H
#define DG_NOTES_H

#include <jansson.h>
#include <stddef.h>

/* Returns a new array of at most `max_lines` strings, each at most
 * `max_width` display columns (dg_notes_cut), caller decrefs; sets
 * *truncated when the notes hold more than was kept. Never NULL. */
json_t *dg_notes_extract(const char *body, size_t max_lines, size_t max_width, int *truncated);

/* Cut UTF-8 text to at most `max_width` display columns (0 = no limit):
 * after the last sentence that fits when it keeps half, else at a word
 * boundary (dg_text_cut) with "…"; a reference cut in its parentheses
 * ("(#6693, #66") goes whole. Returns a new string (caller frees), never
 * NULL. */
char *dg_notes_cut(const char *s, size_t max_width);

#endif
