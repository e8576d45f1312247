#include "base/err.h"
#include "base/progress.h"

#include <stdio.h>
#include <string.h>

static _Thread_local char last_message[1024];

/* One line, safe for a terminal: CR/LF/tab become spaces, other control
 * characters "\xNN" (a name from a server cannot forge a log line or move
 * the cursor); a message cut to the buffer ends on a character boundary. */
static void store_message(const char *s, int cut)
{
	size_t o = 0, cap = sizeof(last_message) - 1;

	for (; *s && o < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n' || c == '\r' || c == '\t') {
			last_message[o++] = ' ';
		} else if (c < 0x20 || c == 0x7f) {
			if (o + 4 > cap)
				break;
			snprintf(last_message + o, 5, "\\x%02x", c);
			o += 4;
		} else {
			last_message[o++] = (char)c;
		}
	}
	if (*s || cut) { /* cut: drop a partial UTF-8 sequence at the end */
		while (o > 0 && ((unsigned char)last_message[o - 1] & 0xC0) == 0x80)
			o--;
		if (o > 0 && ((unsigned char)last_message[o - 1] & 0xC0) == 0xC0)
			o--;
	}
	last_message[o] = '\0';
}

int dg_err_vset(int code, const char *fmt, va_list ap)
{
	char tmp[sizeof(last_message) + 1];

	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);

	store_message(tmp, n < 0 || (size_t)n >= sizeof(tmp));
	return code;
}

int dg_err_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dg_err_vset(code, fmt, ap);
	va_end(ap);
	return code;
}

int dg_err_wrap(int code, const char *fmt, ...)
{
	char prefix[256], old[sizeof(last_message)];
	va_list ap;

	memcpy(old, last_message, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	/* Truncation is acceptable: the message is for a person. */
	dg_err_set(code, "%s: %s", prefix, old);
	return code;
}

const char *dg_err_last(void)
{
	return last_message;
}

void dg_err_clear(void)
{
	last_message[0] = '\0';
}

void dg_err_print(const char *prefix, const char *text)
{
	dg_progress_clear();
	fputs("digest: ", stderr);
	fputs(prefix, stderr);
	for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			fputc(' ', stderr);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(stderr, "\\x%02x", *p);
		else
			fputc(*p, stderr);
	}
	fputc('\n', stderr);
}

static void notice_print(const char *text)
{
	dg_err_print("", text);
}

static dg_notice_fn notice_fn = notice_print;

void dg_notice_handler(dg_notice_fn fn)
{
	notice_fn = fn;
}

void dg_notice(const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	if (!notice_fn)
		return;
	va_start(ap, fmt);
	/* A notice is for a person: a long one is cut, never overrun. */
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	notice_fn(text);
}
