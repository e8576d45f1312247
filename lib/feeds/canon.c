#include "feeds/canon.h"
#include "base/buf.h"
#include "base/str.h"

#include <stdlib.h>
#include <string.h>

static int tracking_param(const char *p, size_t len)
{
	static const char *const names[] = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid",
					    "_hsenc", "_hsmi", "ref", "ref_src", "spm", "from",
					    "igshid", "yclid", "wt.mc_id", "cmpid", "s_cid", "share_source",
					    "scene", "sessionid", "chksm", "mpshare"};
	if (dg_str_starts_ci(p, len, "utm_"))
		return 1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && dg_str_eq_ci(p, names[i], len))
			return 1;
	return 0;
}

char *dg_canon_url(const char *url)
{
	dg_buf b = DG_BUF_INIT;
	const char *p, *host, *host_end, *path, *query = NULL, *end;
	int first_param = 1;

	if (!url)
		return NULL;
	while (dg_str_is_space((unsigned char)*url))
		url++;
	if (dg_str_starts_ci(url, strlen(url), "https://"))
		host = url + 8;
	else if (dg_str_starts_ci(url, strlen(url), "http://"))
		host = url + 7;
	else
		return NULL;
	end = url + strlen(url);
	while (end > host && dg_str_is_space((unsigned char)end[-1]))
		end--;
	if ((p = memchr(host, '#', (size_t)(end - host))))
		end = p;
	host_end = host;
	while (host_end < end && !strchr("/?", *host_end))
		host_end++;
	/* userinfo is dropped; ports 80 and 443 are defaults */
	if ((p = memchr(host, '@', (size_t)(host_end - host))))
		host = p + 1;
	{
		const char *h = host, *colon;
		const char *he;
		/* "[::1]:8080": the port's colon comes after the bracket */
		const char *bracket = *host == '[' ? memchr(host, ']', (size_t)(host_end - host)) : NULL;
		colon = memchr(bracket ? bracket : host, ':', (size_t)(host_end - (bracket ? bracket : host)));
		he = colon ? colon : host_end;
		while (he - h > 4 && dg_str_starts_ci(h, (size_t)(he - h), "www."))
			h += 4;
		if (h == he)
			return NULL;
		dg_buf_puts(&b, "https://");
		for (; h < he; h++)
			dg_buf_putc(&b, (char)dg_str_lower((unsigned char)*h));
		size_t plen = colon ? (size_t)(host_end - colon) : 0;
		if (colon && !(plen == 3 && !strncmp(colon, ":80", 3)) &&
		    !(plen == 4 && !strncmp(colon, ":443", 4)))
			dg_buf_put(&b, colon, plen);
	}
	path = host_end;
	if ((p = memchr(path, '?', (size_t)(end - path))))
		query = p + 1;
	{
		const char *pe = query ? query - 1 : end;
		while (pe > path && (pe[-1] == '/' || dg_str_is_space((unsigned char)pe[-1])))
			pe--;
		dg_buf_put(&b, path, (size_t)(pe - path));
	}
	for (p = query; p && p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *pend = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(pend - p));
		size_t name_len = (size_t)((eq ? eq : pend) - p);

		if (name_len && !tracking_param(p, name_len)) {
			dg_buf_putc(&b, first_param ? '?' : '&');
			dg_buf_put(&b, p, (size_t)(pend - p));
			first_param = 0;
		}
		p = amp ? amp + 1 : end;
	}
	return dg_buf_detach(&b);
}
