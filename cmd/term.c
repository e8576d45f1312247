/* term.c - messages on stderr, escaped in one place (term.h). */
#include "term.h"
#include "base/alloc.h"
#include "base/err.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
	int quiet;
	int tty;                 /* stderr is a terminal that redraws a line in place */
	int shown;               /* the progress line is on the screen */
	char *progress;          /* its text, to draw again after a message */
} t;

void dg_term_put(FILE *f, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			fputc(' ', f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

static void draw_progress(void)
{
	fputs("\r\033[Kdigest: ", stderr);
	dg_term_put(stderr, t.progress);
	fflush(stderr);
	t.shown = 1;
}

static void erase_progress(void)
{
	if (t.shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		t.shown = 0;
	}
}

void dg_term_print(const char *prefix, const char *text)
{
	int redraw = t.shown;

	erase_progress();
	fputs("digest: ", stderr);
	fputs(prefix, stderr);
	dg_term_put(stderr, text);
	fputc('\n', stderr);
	if (redraw)
		draw_progress();
}

static void on_message(int level, const char *text)
{
	switch (level) {
	case DG_MSG_PROGRESS:
		if (!t.tty)
			return;
		free(t.progress);
		t.progress = *text ? dg_strdup(text) : NULL;
		if (t.progress)
			draw_progress();
		else
			erase_progress();
		return;
	case DG_MSG_WARNING:
	case DG_MSG_NOTICE:
		if (t.quiet)
			return;
		dg_term_print(level == DG_MSG_WARNING ? "warning: " : "", text);
		return;
	default:
		dg_term_print("", text);
	}
}

void dg_term_start(int quiet)
{
	const char *term = getenv("TERM");

	t.quiet = quiet;
	t.tty = isatty(2) && !(term && !strcmp(term, "dumb"));
	dg_msg_handler(on_message);
}
