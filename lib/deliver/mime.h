/* mime.h - the pieces of an Internet message (RFC 5322, RFC 2045-2047):
 * header fields folded to 78 columns with encoded-words for text that is
 * not plain ASCII, base64 and quoted-printable bodies with CRLF lines.
 * Appends go to an uncapped dg_buf: they cannot fail. */
#ifndef DG_MIME_H
#define DG_MIME_H

#include <stddef.h>
#include <stdint.h>
#include "base/buf.h"

/* "Name: value\r\n", unstructured text (Subject): plain ASCII folded at
 * spaces, anything else (or a control character, or a word that would
 * pass 78 columns) as RFC 2047 "=?UTF-8?B?...?=" words of whole
 * characters, one per folded line. Control characters become spaces. */
void dg_mime_text_header(dg_buf *b, const char *name, const char *value);

/* "Name: display <addr>, ...\r\n" for `n` mailboxes written as
 * "Display Name <addr@host>" or "addr@host": a display name that is not
 * plain atoms is an encoded-word (non-ASCII) or a quoted string. */
void dg_mime_address_header(dg_buf *b, const char *name, const char *const *mailboxes, size_t n);

/* The addr-spec of a mailbox ("a@b" of "Name <a@b>"); caller frees. NULL
 * when there is none (no '@', a space, a control or '<' '>' inside). */
char *dg_mime_addr_spec(const char *mailbox);

/* `len` bytes as base64 in lines of 76 characters, each ending in CRLF. */
void dg_mime_base64(dg_buf *b, const void *data, size_t len);
/* base64 on one line, no CRLF (a signature, an encoded-word). */
void dg_mime_base64_line(dg_buf *b, const void *data, size_t len);

/* Text as quoted-printable (RFC 2045 6.7): lines of at most 76 characters
 * with soft breaks, every line break as CRLF, bytes >= 0x80, '=' and
 * spaces before a break encoded. */
void dg_mime_qp(dg_buf *b, const char *text, size_t len);

/* RFC 5322 date-time of `t` (seconds UTC): "Mon, 07 Dec 2026 11:29:43 +0000". */
void dg_mime_date(dg_buf *b, int64_t t);

#endif
