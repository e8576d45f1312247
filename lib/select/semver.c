#include "select/semver.h"
#include "base/str.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Skip a product prefix: "v1.2", "release-1.2", "helm-chart-v1.2.0", "api/v1.2". */
static const char *version_start(const char *tag)
{
	const char *best = NULL;

	for (const char *p = tag; *p; p++) {
		int at_start = p == tag || p[-1] == '-' || p[-1] == '/' || p[-1] == '_';
		if (!at_start)
			continue;
		if ((*p == 'v' || *p == 'V') && isdigit((unsigned char)p[1]))
			return p + 1;
		if (isdigit((unsigned char)*p) && !best)
			best = p;
	}
	return best;
}

static const char *number(const char *p, long long *out)
{
	long long n = 0;

	if (!isdigit((unsigned char)*p))
		return NULL;
	for (; isdigit((unsigned char)*p); p++)
		n = n > 99999999999LL ? n : n * 10 + (*p - '0');
	*out = n;
	return p;
}

void dg_semver_parse(const char *tag, dg_semver *out)
{
	const char *p = tag ? version_start(tag) : NULL;
	long long *parts[3];
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (!p)
		return;
	parts[0] = &out->major;
	parts[1] = &out->minor;
	parts[2] = &out->patch;
	for (int i = 0; i < 3; i++) {
		const char *q = number(p, parts[i]);
		if (!q)
			return;
		p = q;
		if (i < 2 && *p == '.' && isdigit((unsigned char)p[1]))
			p++;
		else
			break;
	}
	if (*p == '-' || *p == '.' || (isalpha((unsigned char)*p) && *p != '+')) {
		/* "-rc.1", ".rc1", "rc1", "beta" */
		if (*p == '-' || *p == '.')
			p++;
		while (p[n] && p[n] != '+' && n + 1 < sizeof(out->pre))
			n++;
		memcpy(out->pre, p, n);
		out->pre[n] = '\0';
		for (char *c = out->pre; *c; c++)
			*c = (char)dg_str_lower((unsigned char)*c);
		if (!n)
			return;
	} else if (*p && *p != '+') {
		return;
	}
	out->ok = 1;
}

/* SemVer 2.0 section 11, dot-separated identifiers; identifiers with a
 * trailing number ("rc2", "beta10") compare by their letters, then numerically. */
static int cmp_pre(const char *a, const char *b)
{
	while (*a || *b) {
		size_t la = strcspn(a, "."), lb = strcspn(b, "."), ka = 0, kb = 0;
		int r;
		if (!la || !lb)
			return la ? 1 : lb ? -1 : 0;
		while (ka < la && !isdigit((unsigned char)a[ka]))
			ka++;
		while (kb < lb && !isdigit((unsigned char)b[kb]))
			kb++;
		if (ka != kb || strncmp(a, b, ka)) {
			r = strncmp(a, b, ka < kb ? ka : kb);
			return r ? r : ka < kb ? -1 : 1;
		}
		if (ka < la || kb < lb) {
			long long x = ka < la ? strtoll(a + ka, NULL, 10) : -1, y = kb < lb ? strtoll(b + kb, NULL, 10) : -1;
			if (x != y)
				return x < y ? -1 : 1;
		}
		a += la + (a[la] == '.');
		b += lb + (b[lb] == '.');
	}
	return 0;
}

int dg_semver_cmp(const dg_semver *a, const dg_semver *b)
{
	if (a->ok != b->ok)
		return a->ok - b->ok;
	if (!a->ok)
		return 0;
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	if (!*a->pre != !*b->pre)
		return *a->pre ? -1 : 1;  /* a pre-release comes before its final */
	return cmp_pre(a->pre, b->pre);
}

enum dg_semver_kind dg_semver_kind_of(const dg_semver *v)
{
	if (!v->ok)
		return DG_SEMVER_OTHER;
	if (*v->pre)
		return DG_SEMVER_PRE;
	if (v->patch > 0)
		return DG_SEMVER_PATCH;
	return v->minor > 0 || v->major == 0 ? DG_SEMVER_MINOR : DG_SEMVER_MAJOR;
}

int dg_semver_same_release(const dg_semver *a, const dg_semver *b)
{
	return a->ok && b->ok && a->major == b->major && a->minor == b->minor && a->patch == b->patch;
}
