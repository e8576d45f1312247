/* tomlwrite.h - writing TOML values: the counterpart of toml.h's reader. */
#ifndef DG_TOMLWRITE_H
#define DG_TOMLWRITE_H

#include "base/buf.h"

/* Append `s` as a TOML basic string ("..."), so that reading it back gives
 * `s` again: '"' and '\\' escaped, the control characters TOML forbids raw
 * (U+0000..U+001F, U+007F; tab too, for the eye) written as \b \t \n \f \r or \uXXXX,
 * every other character as it is. A byte that is not valid UTF-8 becomes
 * U+FFFD (a TOML file must be UTF-8). Errors are the buffer's (sticky). */
void dg_toml_write_string(dg_buf *b, const char *s);

/* Append "# LABEL: VALUE\n", line breaks in `value` as spaces; nothing when
 * `value` is NULL or empty. */
void dg_toml_write_comment(dg_buf *b, const char *label, const char *value);

#endif
