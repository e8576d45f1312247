#include "config/tomlwrite.h"
#include "base/text.h"

#include <string.h>

/* The short escape of a control character, or 0. */
static char short_escape(uint32_t cp)
{
	switch (cp) {
	case '\b': return 'b';
	case '\t': return 't';
	case '\n': return 'n';
	case '\f': return 'f';
	case '\r': return 'r';
	default: return 0;
	}
}

void dg_toml_write_string(dg_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);

	dg_buf_putc(b, '"');
	while (left) {
		uint32_t cp;
		size_t n = dg_text_utf8_decode(p, left, &cp);

		if (n == 0) {
			dg_buf_puts(b, "\\uFFFD");
			n = 1;
		} else if (cp == '"' || cp == '\\') {
			dg_buf_putc(b, '\\');
			dg_buf_putc(b, (char)cp);
		} else if (short_escape(cp)) {
			dg_buf_putc(b, '\\');
			dg_buf_putc(b, short_escape(cp));
		} else if (cp < 0x20 || cp == 0x7f) {
			dg_buf_printf(b, "\\u%04X", (unsigned)cp);
		} else {
			dg_buf_put(b, p, n);
		}
		p += n;
		left -= n;
	}
	dg_buf_putc(b, '"');
}

void dg_toml_write_comment(dg_buf *b, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	dg_buf_printf(b, "# %s: ", label);
	for (const char *p = value; *p; p++)
		dg_buf_putc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
	dg_buf_putc(b, '\n');
}
