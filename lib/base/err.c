#include "base/err.h"

#include <stdio.h>
#include <string.h>

static _Thread_local char last_message[1024];

static void flatten_newlines(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

int dg_err_vset(int code, const char *fmt, va_list ap)
{
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	flatten_newlines(last_message);
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
	if (snprintf(last_message, sizeof(last_message), "%s: %s", prefix, old) < 0)
		last_message[0] = '\0';
	flatten_newlines(last_message);
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
