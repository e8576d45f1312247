#include "deliver/mime.h"
#include "base/alloc.h"
#include "base/text.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINE_MAX_COLS 78
/* Bytes of UTF-8 in one encoded-word: 39 bytes are 52 base64 characters,
 * a word of 64, so "Subject: " and one word stay under 78 columns. */
#define WORD_BYTES 39

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void dg_mime_base64_line(dg_buf *b, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < len ? p[i + 2] : 0);
		char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < len ? b64[v >> 6 & 63] : '=',
			     i + 2 < len ? b64[v & 63] : '='};
		(void)dg_buf_put(b, q, 4);
	}
}

void dg_mime_base64(dg_buf *b, const void *data, size_t len)
{
	const unsigned char *p = data;

	/* 57 bytes are one line of 76 characters */
	for (size_t i = 0; i < len; i += 57) {
		dg_mime_base64_line(b, p + i, len - i < 57 ? len - i : 57);
		(void)dg_buf_puts(b, "\r\n");
	}
}

static int needs_encoding(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80 || *p < 0x20 || *p == 0x7f)
			return 1;
	/* "=?" would be read as the start of an encoded-word */
	return strstr(s, "=?") != NULL;
}

/* Encoded-words of whole characters; `col` is the column the first starts
 * at. Control characters become spaces (a header holds one line). */
static void encoded_words(dg_buf *b, const char *s, size_t col)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;
	dg_buf word = DG_BUF_INIT;

	(void)col;
	while (i < len) {
		dg_buf_clear(&word);
		while (i < len) {
			uint32_t cp;
			size_t n = dg_text_utf8_next(p + i, len - i, &cp);
			if (!n)
				n = 1;
			if (word.len + n > WORD_BYTES && word.len)
				break;
			if (n == 1 && (p[i] < 0x20 || p[i] == 0x7f))
				(void)dg_buf_putc(&word, ' ');
			else
				(void)dg_buf_put(&word, p + i, n);
			i += n;
		}
		if (b->len && b->ptr[b->len - 1] != ' ')
			(void)dg_buf_puts(b, "\r\n ");
		(void)dg_buf_puts(b, "=?UTF-8?B?");
		dg_mime_base64_line(b, word.ptr, word.len);
		(void)dg_buf_puts(b, "?=");
	}
	dg_buf_free(&word);
}

/* Plain ASCII words, folded before a word that would pass 78 columns. */
static void folded_words(dg_buf *b, const char *s, size_t col)
{
	const char *p = s;

	while (*p) {
		size_t n = strcspn(p, " ");
		if (n) {
			if (col > 1 && col + 1 + n > LINE_MAX_COLS && b->ptr[b->len - 1] == ' ') {
				b->len--;  /* the space becomes the fold's */
				(void)dg_buf_puts(b, "\r\n ");
				col = 1;
			}
			(void)dg_buf_put(b, p, n);
			col += n;
		}
		p += n;
		if (*p == ' ') {
			(void)dg_buf_putc(b, ' ');
			col++;
			p++;
		}
	}
}

void dg_mime_text_header(dg_buf *b, const char *name, const char *value)
{
	size_t start = b->len, longest = 0;

	(void)dg_buf_printf(b, "%s: ", name);
	for (const char *p = value; *p;) {
		size_t n = strcspn(p, " ");
		longest = n > longest ? n : longest;
		p += n + (p[n] == ' ');
	}
	if (needs_encoding(value) || longest + strlen(name) + 2 > LINE_MAX_COLS)
		encoded_words(b, value, b->len - start);
	else
		folded_words(b, value, b->len - start);
	(void)dg_buf_puts(b, "\r\n");
}

char *dg_mime_addr_spec(const char *mailbox)
{
	const char *lt = strrchr(mailbox, '<'), *s = mailbox, *e;
	char *out;

	if (lt) {
		s = lt + 1;
		if (!(e = strchr(s, '>')) || e[1])
			return NULL;
	} else {
		while (*s == ' ')
			s++;
		e = s + strlen(s);
		while (e > s && e[-1] == ' ')
			e--;
	}
	out = dg_strndup(s, (size_t)(e - s));
	if (!strchr(out, '@') || strcspn(out, " <>\",;\r\n\t") != strlen(out) || out[0] == '@' ||
	    !out[strcspn(out, "@") + 1]) {
		free(out);
		return NULL;
	}
	for (const unsigned char *p = (const unsigned char *)out; *p; p++)
		if (*p < 0x21 || *p == 0x7f) {
			free(out);
			return NULL;
		}
	return out;
}

/* RFC 5322 atext and spaces only: the display name may stand as it is. */
static int plain_phrase(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("!#$%&'*+-/=?^_`{|}~ ", *p)))
			return 0;
	return 1;
}

void dg_mime_address_header(dg_buf *b, const char *name, const char *const *mailboxes, size_t n)
{
	size_t col;

	(void)dg_buf_printf(b, "%s: ", name);
	col = strlen(name) + 2;
	for (size_t i = 0; i < n; i++) {
		const char *m = mailboxes[i], *lt = strrchr(m, '<');
		char *addr = dg_mime_addr_spec(m);
		dg_buf one = DG_BUF_INIT;
		if (!addr)
			continue;  /* the config check refused it already */
		if (lt && lt > m) {
			const char *s = m, *e = lt;
			char *display;
			while (*s == ' ')
				s++;
			while (e > s && e[-1] == ' ')
				e--;
			if (e - s >= 2 && *s == '"' && e[-1] == '"')
				s++, e--;
			display = dg_strndup(s, (size_t)(e - s));
			if (!*display)
				;
			else if (needs_encoding(display))
				encoded_words(&one, display, 0);
			else if (plain_phrase(display) && strstr(display, "=?") == NULL)
				(void)dg_buf_puts(&one, display);
			else {
				(void)dg_buf_putc(&one, '"');
				for (const char *p = display; *p; p++) {
					if (*p == '"' || *p == '\\')
						(void)dg_buf_putc(&one, '\\');
					(void)dg_buf_putc(&one, *p);
				}
				(void)dg_buf_putc(&one, '"');
			}
			if (*display)
				(void)dg_buf_putc(&one, ' ');
			free(display);
		}
		(void)dg_buf_printf(&one, "<%s>", addr);
		free(addr);
		if (i && col + one.len + 2 > LINE_MAX_COLS) {
			(void)dg_buf_puts(b, ",\r\n ");
			col = 1;
		} else if (i) {
			(void)dg_buf_puts(b, ", ");
			col += 2;
		}
		(void)dg_buf_put(b, one.ptr, one.len);
		/* an encoded display name folds inside: count from its last line */
		{
			const char *last = NULL;
			for (size_t k = 0; k + 1 < one.len; k++)
				if (one.ptr[k] == '\r' && one.ptr[k + 1] == '\n')
					last = one.ptr + k + 2;
			col = last ? (size_t)(one.ptr + one.len - last) : col + one.len;
		}
		dg_buf_free(&one);
	}
	(void)dg_buf_puts(b, "\r\n");
}

void dg_mime_qp(dg_buf *b, const char *text, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		int at_break = i + 1 == len || text[i + 1] == '\n' || (text[i + 1] == '\r' && i + 2 < len &&
									 text[i + 2] == '\n');
		char enc[3];
		size_t n;
		if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
			continue;
		if (c == '\n') {
			(void)dg_buf_puts(b, "\r\n");
			col = 0;
			continue;
		}
		if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_break)) {
			enc[0] = (char)c;
			n = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			n = 3;
		}
		/* 75 and the soft break's '=' make 76 */
		if (col + n > 75) {
			(void)dg_buf_puts(b, "=\r\n");
			col = 0;
		}
		(void)dg_buf_put(b, enc, n);
		col += n;
	}
	(void)dg_buf_puts(b, "\r\n");
}

void dg_mime_date(dg_buf *b, int64_t t)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	(void)dg_buf_printf(b, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
			    months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
