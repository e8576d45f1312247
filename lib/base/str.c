/* str.c - byte-string helpers (str.h). */
#include "base/str.h"
#include "base/alloc.h"

#include <string.h>

size_t dg_str_trim(const char **s, size_t n)
{
	const char *p = *s;

	while (n && dg_str_is_space((unsigned char)*p))
		p++, n--;
	while (n && dg_str_is_space((unsigned char)p[n - 1]))
		n--;
	*s = p;
	return n;
}

char *dg_str_trim_dup(const char *s, size_t n)
{
	char *r;

	n = dg_str_trim(&s, n);
	r = dg_malloc(n + 1);
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

int dg_str_eq_ci(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (dg_str_lower((unsigned char)a[i]) != dg_str_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

int dg_str_starts_ci(const char *s, size_t n, const char *prefix)
{
	size_t m = strlen(prefix);

	return n >= m && dg_str_eq_ci(s, prefix, m);
}

const char *dg_str_find_ci(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (dg_str_eq_ci(hay + i, needle, m))
			return hay + i;
	return NULL;
}

const char *dg_str_find(const char *hay, size_t n, const char *needle, size_t m)
{
	for (size_t i = 0; m && i + m <= n; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
}

static int keep_byte(unsigned char c, enum dg_str_pct mode, const char *special)
{
	if (special && c && strchr(special, c))
		return 0;
	switch (mode) {
	case DG_STR_PCT_UNRESERVED:
		return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		       c == '-' || c == '.' || c == '_' || c == '~';
	case DG_STR_PCT_ASCII:
		return c > ' ' && c < 0x7f;
	case DG_STR_PCT_KEEP_UTF8:
		return c > ' ' && c != 0x7f;
	}
	return 0;
}

int dg_str_percent_encode(dg_buf *out, const char *s, size_t n, enum dg_str_pct mode, const char *special)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (keep_byte(c, mode, special)) {
			dg_buf_putc(out, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			dg_buf_put(out, e, 3);
		}
	}
	return dg_buf_error(out);
}

int dg_str_name_bits(const char *list, const char *const *names, size_t count, unsigned *mask,
		     const char **unknown, int *unknown_len)
{
	*mask = 0;
	for (const char *p = list; *p; p += strcspn(p, ",") + 1) {
		size_t n = strcspn(p, ","), i = 0;
		while (i < count && (strlen(names[i]) != n || strncmp(p, names[i], n)))
			i++;
		if (i == count && n) {
			*unknown = p;
			*unknown_len = n > 200 ? 200 : (int)n;
			return -1;
		}
		*mask |= i < count ? 1u << i : 0;
		if (!p[n])
			break;
	}
	return 0;
}
