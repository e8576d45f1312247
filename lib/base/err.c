#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
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

static dg_msg_fn msg_fn;

dg_msg_fn dg_msg_handler(dg_msg_fn fn)
{
	dg_msg_fn old = msg_fn;

	msg_fn = fn;
	return old;
}

void dg_msg(int level, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	if (!msg_fn)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	/* Sized to the text (a URL a server sent can be long): never cut. A
	 * message that cannot be made is dropped, like one nobody listens to. */
	if (n < 0 || !(text = malloc((size_t)n + 1)))
		return;
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	msg_fn(level, text);
	free(text);
}
