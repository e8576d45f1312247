/* term.h - the one place digest writes messages on stderr.
 *
 * Everything bound for the terminal passes one escaper: CR, LF and tab
 * become spaces, other control characters "\xNN", so text a server sent
 * cannot forge a line or move the cursor. The library's messages
 * (base/err.h: dg_msg) come here through the handler dg_term_start
 * installs; the progress line (base/progress.h) is drawn here, on a
 * terminal only, and erased before any other line. */
#ifndef DG_TERM_H
#define DG_TERM_H

#include <stdio.h>

/* Install the message handler: "digest: warning: TEXT", "digest: TEXT"
 * (notices, -v lines), the progress line when stderr is a terminal (TERM
 * not dumb). `quiet` (-q): warnings and notices are dropped. */
void dg_term_start(int quiet);

/* "digest: PREFIX TEXT" and a newline on stderr, the progress line erased
 * first and drawn again after. */
void dg_term_print(const char *prefix, const char *text);

/* Write `text` to `f` escaped (see above). */
void dg_term_put(FILE *f, const char *text);

#endif
