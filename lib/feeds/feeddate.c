/* feeddate.c - the dates feeds actually carry, into seconds since the epoch.
 *
 * Feeds promise RFC 822 or RFC 3339 and deliver anything: long month names,
 * 2-digit years, US zone abbreviations, asctime, MSSQL "2004-07-08 23:56:58",
 * localized month and day names. The test data is feedparser's date suite; what it
 * rejects (bad fields, trailing junk, 5-digit years) we reject too. */
#include "feeds/feed.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/err.h"
#include "base/str.h"

#include <stdlib.h>
#include <string.h>

/* Longer text (after trimming) is no date. */
#define DATE_TEXT_MAX 127

typedef struct dparts {
	int y, mo, d, h, mi, s;
	int tz;       /* minutes east of UTC */
} dparts;

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Read exactly n digits (n >= 1) at *p into *v. */
static int digits(const char **p, int n, int *v)
{
	int x = 0;

	for (int i = 0; i < n; i++) {
		if (!is_digit((unsigned char)(*p)[i]))
			return -1;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

static int digit_run(const char *p)
{
	int n = 0;

	while (is_digit((unsigned char)p[n]))
		n++;
	return n;
}

/* Validate the fields and turn them into an instant in years 1..9999. */
static int finish(const dparts *p, int64_t *out)
{
	int64_t t, y;
	int m, d;

	if (p->y < 1 || p->y > 9999 || p->mo < 1 || p->mo > 12 || p->d < 1 ||
	    p->d > dg_date_days_in_month(p->y, p->mo) || p->h < 0 || p->h > 24 ||
	    p->mi < 0 || p->mi > 59 || p->s < 0 || p->s > 60 ||
	    (p->h == 24 && (p->mi || p->s)) || p->tz < -24 * 60 || p->tz > 24 * 60)
		return DG_ERR_FAIL;
	t = dg_date_days_from_civil(p->y, p->mo, p->d) * 86400 + p->h * 3600 + p->mi * 60 + p->s -
	    (int64_t)p->tz * 60;
	dg_date_civil_from_days(t >= 0 ? t / 86400 : (t - 86399) / 86400, &y, &m, &d);
	if (y < 1 || y > 9999)
		return DG_ERR_FAIL;
	*out = t;
	return 0;
}

static int two_digit_year(int y) { return y < 90 ? 2000 + y : 1900 + y; }

/* "Z" | "+hh:mm" | "+hhmm" | "+hh" at *p; sets *tz (minutes east). */
static int iso_zone(const char **p, int *tz)
{
	const char *q = *p;
	int sign, hh = 0, mm = 0;

	if (*q == 'Z' || *q == 'z') {
		*tz = 0;
		*p = q + 1;
		return 0;
	}
	if (*q != '+' && *q != '-')
		return -1;
	sign = *q++ == '-' ? -1 : 1;
	if (digits(&q, 2, &hh) < 0)
		return -1;
	if (*q == ':') {
		q++;
		if (digits(&q, 2, &mm) < 0)
			return -1;
	} else if (is_digit((unsigned char)*q)) {
		if (digits(&q, 2, &mm) < 0)
			return -1;
	}
	if (hh > 23 || mm > 59)
		return -1;
	*tz = sign * (hh * 60 + mm);
	*p = q;
	return 0;
}

/* "hh:mm[:ss[.frac]]" or "hhmm[ss]" at *p. */
static int iso_time(const char **p, dparts *r)
{
	const char *q = *p;
	int n = digit_run(q);

	if (n == 2 && q[2] == ':') {
		digits(&q, 2, &r->h);
		q++;
		if (digits(&q, 2, &r->mi) < 0)
			return -1;
		if (*q == ':') {
			q++;
			if (digits(&q, 2, &r->s) < 0)
				return -1;
		}
	} else if (n == 4 || n == 6) {
		digits(&q, 2, &r->h);
		digits(&q, 2, &r->mi);
		if (n == 6)
			digits(&q, 2, &r->s);
	} else {
		return -1;
	}
	if ((*q == '.' || *q == ',') && is_digit((unsigned char)q[1])) {
		q++;
		q += digit_run(q);   /* fractions of a second are dropped */
	}
	*p = q;
	return 0;
}

/* Day of year -> month and day. */
static int from_ordinal(dparts *r, int yday)
{
	if (yday < 1 || yday > (dg_date_is_leap(r->y) ? 366 : 365))
		return -1;
	for (r->mo = 1; yday > dg_date_days_in_month(r->y, r->mo); r->mo++)
		yday -= dg_date_days_in_month(r->y, r->mo);
	r->d = yday;
	return 0;
}

/* W3CDTF / RFC 3339 / ISO 8601 (feedparser's templates minus the ones that
 * depend on today's date, and minus "YYOOO", which would take "22013"). */
static int parse_iso(const char *s, int64_t *out)
{
	dparts r = { 0, 1, 1, 0, 0, 0, 0 };
	const char *p = s;
	int n = digit_run(p), v = 0;

	if (*p == '-') {                    /* -YYMM, -YY-MM */
		p++;
		if (digits(&p, 2, &v) < 0)
			return -1;
		r.y = two_digit_year(v);
		if (*p == '-')
			p++;
		if (digits(&p, 2, &r.mo) < 0)
			return -1;
		goto date_done;
	}
	if (n == 4) {
		digits(&p, 4, &r.y);
		if (*p != '-')
			goto date_done;
		p++;
		n = digit_run(p);
		if (n == 2) {
			digits(&p, 2, &r.mo);
			if (*p == '-') {
				p++;
				if (digits(&p, 2, &r.d) < 0)
					return -1;
			}
		} else if (n == 3 && *p == '0' && p[3] == '-') {   /* Google's "2003-012-31" */
			p++;
			digits(&p, 2, &r.mo);
			p++;
			if (digits(&p, 2, &r.d) < 0)
				return -1;
		} else if (n == 3) {
			digits(&p, 3, &v);
			if (from_ordinal(&r, v) < 0)
				return -1;
		} else {
			return -1;
		}
	} else if (n == 8) {                /* YYYYMMDD */
		digits(&p, 4, &r.y);
		digits(&p, 2, &r.mo);
		digits(&p, 2, &r.d);
	} else if (n == 7) {                /* YYYYOOO */
		digits(&p, 4, &r.y);
		digits(&p, 3, &v);
		if (from_ordinal(&r, v) < 0)
			return -1;
	} else if (n == 6) {                /* YYMMDD */
		digits(&p, 2, &v);
		r.y = two_digit_year(v);
		digits(&p, 2, &r.mo);
		digits(&p, 2, &r.d);
	} else if (n == 2 && p[2] == '-') { /* YY-MM-DD */
		digits(&p, 2, &v);
		r.y = two_digit_year(v);
		p++;
		if (digits(&p, 2, &r.mo) < 0 || *p++ != '-' || digits(&p, 2, &r.d) < 0)
			return -1;
	} else {
		return -1;
	}
date_done:
	if ((*p == 'T' || *p == 't' || *p == ' ') && is_digit((unsigned char)p[1])) {
		p++;
		if (iso_time(&p, &r) < 0)
			return -1;
		if (*p == ' ' && (p[1] == '+' || p[1] == '-' || p[1] == 'Z'))
			p++;   /* MSSQL: "23:56:58 -00:20" */
		if (*p && iso_zone(&p, &r.tz) < 0)
			return -1;
	}
	if (*p)
		return -1;
	return finish(&r, out);
}

/* --- RFC 822 and friends: a token scanner that takes fields in any usual order --- */

static const char *const month_names[12] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};
static const char *const day_names[7] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
};

/* Greek (feedparser's table, including its variant spellings) and Hungarian
 * month names, UTF-8. */
static const struct { const char *name; int month; } foreign_months[] = {
	{ "\xce\x99\xce\xb1\xce\xbd", 1 }, { "\xce\xa6\xce\xb5\xce\xb2", 2 },
	{ "\xce\x9c\xce\xac\xcf\x8e", 3 }, { "\xce\x9c\xce\xb1\xcf\x8e", 3 },
	{ "\xce\x91\xcf\x80\xcf\x81", 4 }, { "\xce\x9c\xce\xac\xce\xb9", 5 },
	{ "\xce\x9c\xce\xb1\xcf\x8a", 5 }, { "\xce\x9c\xce\xb1\xce\xb9", 5 },
	{ "\xce\x99\xce\xbf\xcf\x8d\xce\xbd", 6 }, { "\xce\x99\xce\xbf\xce\xbd", 6 },
	{ "\xce\x99\xce\xbf\xcf\x8d\xce\xbb", 7 }, { "\xce\x99\xce\xbf\xce\xbb", 7 },
	{ "\xce\x91\xcf\x8d\xce\xb3", 8 }, { "\xce\x91\xcf\x85\xce\xb3", 8 },
	{ "\xce\xa3\xce\xb5\xcf\x80", 9 }, { "\xce\x9f\xce\xba\xcf\x84", 10 },
	{ "\xce\x9d\xce\xbf\xce\xad", 11 }, { "\xce\x9d\xce\xbf\xce\xb5", 11 },
	{ "\xce\x94\xce\xb5\xce\xba", 12 },
	{ "janu\xc3\xa1r", 1 }, { "febru\xc3\xa1r", 2 }, { "febru\xc3\xa1ri", 2 },
	{ "m\xc3\xa1rcius", 3 }, { "\xc3\xa1prilis", 4 }, { "m\xc3\xa1jus", 5 },
	{ "m\xc3\xa1ujus", 5 }, { "j\xc3\xbanius", 6 }, { "j\xc3\xbalius", 7 },
	{ "augusztus", 8 }, { "szeptember", 9 }, { "okt\xc3\xb3" "ber", 10 },
	{ "november", 11 }, { "december", 12 },
};

/* Greek day abbreviations: skipped like English day names. */
static const char *const greek_days[] = {
	"\xce\x9a\xcf\x85\xcf\x81", "\xce\x94\xce\xb5\xcf\x85", "\xce\xa4\xcf\x81\xce\xb9",
	"\xce\xa4\xce\xb5\xcf\x84", "\xce\xa0\xce\xb5\xce\xbc", "\xce\xa0\xce\xb1\xcf\x81",
	"\xce\xa3\xce\xb1\xce\xb2",
};

/* Zone names, minutes east. feedparser's list plus common European and
 * Asia-Pacific ones; "CST" stays US Central as RFC 822 has it. */
static const struct { const char *name; int tz; } zone_names[] = {
	{ "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 }, { "etc/gmt", 0 }, { "etc/utc", 0 },
	{ "wet", 0 }, { "west", 60 }, { "bst", 60 }, { "cet", 60 }, { "cest", 120 },
	{ "met", 60 }, { "mest", 120 }, { "eet", 120 }, { "eest", 180 }, { "msk", 180 },
	{ "adt", -180 }, { "ast", -240 }, { "at", -240 }, { "edt", -240 }, { "est", -300 },
	{ "et", -300 }, { "cdt", -300 }, { "cst", -360 }, { "ct", -360 }, { "mdt", -360 },
	{ "mst", -420 }, { "mt", -420 }, { "pdt", -420 }, { "pst", -480 }, { "pt", -480 },
	{ "akdt", -480 }, { "akst", -540 }, { "hst", -600 },
	{ "jst", 540 }, { "kst", 540 }, { "hkt", 480 }, { "sgt", 480 }, { "awst", 480 },
	{ "acst", 570 }, { "aest", 600 }, { "aedt", 660 }, { "nzst", 720 }, { "nzdt", 780 },
};

/* Month and day names of the common European languages (French, German,
 * Spanish, Italian, Portuguese, Dutch, Danish/Norwegian/Swedish, Polish),
 * lower case, UTF-8: a token matches a name it begins with (3+ bytes for
 * months, "mär", "févr.", "ott"), plus the few abbreviations that are no
 * prefix. European feeds write "mer, 16 nov 2022 00:38:15 +0100". */
static const struct { const char *name; int month; } local_months[] = {
	{ "janvier", 1 }, { "f\xc3\xa9vrier", 2 }, { "mars", 3 }, { "avril", 4 }, { "mai", 5 }, { "juin", 6 },
	{ "juillet", 7 }, { "ao\xc3\xbbt", 8 }, { "septembre", 9 }, { "octobre", 10 }, { "novembre", 11 },
	{ "d\xc3\xa9" "cembre", 12 },
	{ "januar", 1 }, { "februar", 2 }, { "m\xc3\xa4rz", 3 }, { "juni", 6 }, { "juli", 7 },
	{ "oktober", 10 }, { "dezember", 12 }, { "mrz", 3 },
	{ "enero", 1 }, { "febrero", 2 }, { "marzo", 3 }, { "abril", 4 }, { "mayo", 5 }, { "junio", 6 },
	{ "julio", 7 }, { "agosto", 8 }, { "septiembre", 9 }, { "setiembre", 9 }, { "octubre", 10 },
	{ "noviembre", 11 }, { "diciembre", 12 },
	{ "gennaio", 1 }, { "febbraio", 2 }, { "aprile", 4 }, { "maggio", 5 }, { "giugno", 6 }, { "luglio", 7 },
	{ "settembre", 9 }, { "ottobre", 10 },
	{ "janeiro", 1 }, { "fevereiro", 2 }, { "mar\xc3\xa7o", 3 }, { "maio", 5 }, { "junho", 6 }, { "julho", 7 },
	{ "setembro", 9 }, { "outubro", 10 }, { "dezembro", 12 },
	{ "januari", 1 }, { "februari", 2 }, { "maart", 3 }, { "mei", 5 }, { "augustus", 8 }, { "mrt", 3 },
	{ "marts", 3 }, { "maj", 5 }, { "okt", 10 },
	{ "stycze\xc5\x84", 1 }, { "luty", 2 }, { "marzec", 3 }, { "kwiecie\xc5\x84", 4 }, { "czerwiec", 6 },
	{ "lipiec", 7 }, { "sierpie\xc5\x84", 8 }, { "wrzesie\xc5\x84", 9 }, { "pa\xc5\xba" "dziernik", 10 },
	{ "listopad", 11 }, { "grudzie\xc5\x84", 12 },
};

/* Day names in the same languages: skipped in first place when a comma
 * follows ("mer,", "Mi.,", "di,"), so "Mar 15 2022" keeps its month. */
static const char *const local_days[] = {
	"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
	"montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag",
	"lunes", "martes", "mi\xc3\xa9rcoles", "miercoles", "jueves", "viernes", "s\xc3\xa1" "bado", "sabado",
	"domingo",
	"luned\xc3\xac", "marted\xc3\xac", "mercoled\xc3\xac", "gioved\xc3\xac", "venerd\xc3\xac", "sabato",
	"domenica",
	"segunda-feira", "ter\xc3\xa7" "a-feira", "terca-feira", "quarta-feira", "quinta-feira", "sexta-feira",
	"maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
	"mandag", "tirsdag", "onsdag", "torsdag", "fredag", "l\xc3\xb8rdag", "s\xc3\xb8ndag", "l\xc3\xb6rdag",
	"s\xc3\xb6ndag", "m\xc3\xa5ndag",
	"poniedzia\xc5\x82" "ek", "wtorek", "\xc5\x9broda", "czwartek", "pi\xc4\x85tek", "sobota", "niedziela",
};

typedef struct tok {
	const char *p;
	size_t n;
} tok;

static int tok_eq(tok t, const char *s)
{
	size_t n = strlen(s);

	if (t.n != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (dg_str_lower((unsigned char)t.p[i]) != (unsigned char)s[i])
			return 0;
	return 1;
}

/* "Thu", "Thurs", "Thursday" -> 1 for a day name (prefix of min+ bytes). */
static int is_prefix_of(tok t, const char *full, size_t min)
{
	size_t n = t.n;

	if (n && t.p[n - 1] == '.')
		n--;
	if (n < min || n > strlen(full))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (dg_str_lower((unsigned char)t.p[i]) != (unsigned char)full[i])
			return 0;
	return 1;
}

static int is_name_prefix(tok t, const char *full)
{
	return is_prefix_of(t, full, 3);
}

static int month_of(tok t)
{
	for (int i = 0; i < 12; i++)
		if (is_name_prefix(t, month_names[i]))
			return i + 1;
	if (tok_eq(t, "sept") || tok_eq(t, "sept."))
		return 9;
	for (size_t i = 0; i < sizeof(foreign_months) / sizeof(foreign_months[0]); i++)
		if (t.n == strlen(foreign_months[i].name) &&
		    memcmp(t.p, foreign_months[i].name, t.n) == 0)
			return foreign_months[i].month;
	for (size_t i = 0; i < sizeof(local_months) / sizeof(local_months[0]); i++)
		if (is_name_prefix(t, local_months[i].name))
			return local_months[i].month;
	return 0;
}

/* German and Dutch abbreviate days to two letters ("Mi", "wo"). */
static int is_local_day_name(tok t)
{
	for (size_t i = 0; i < sizeof(local_days) / sizeof(local_days[0]); i++)
		if (is_prefix_of(t, local_days[i], 2))
			return 1;
	return 0;
}

static int is_day_name(tok t)
{
	for (int i = 0; i < 7; i++)
		if (is_name_prefix(t, day_names[i]))
			return 1;
	for (size_t i = 0; i < sizeof(greek_days) / sizeof(greek_days[0]); i++)
		if (t.n == strlen(greek_days[i]) && memcmp(t.p, greek_days[i], t.n) == 0)
			return 1;
	return 0;
}

static int all_digits(tok t)
{
	if (!t.n)
		return 0;
	for (size_t i = 0; i < t.n; i++)
		if (!is_digit((unsigned char)t.p[i]))
			return 0;
	return 1;
}

static int tok_num(tok t)
{
	int v = 0;

	for (size_t i = 0; i < t.n && i < 9; i++)
		v = v * 10 + (t.p[i] - '0');
	return v;
}

/* "+hhmm", "-hh:mm", "+hh" (the whole token p[0..n), inside a NUL-terminated
 * string). */
static int numeric_zone(const char *p, size_t n, int *tz)
{
	const char *q = p + 1;

	if (n < 3 || n > 15 || (p[0] != '+' && p[0] != '-'))
		return -1;
	if (n == 3) {
		int sign = p[0] == '-' ? -1 : 1, hh = 0;

		if (digits(&q, 2, &hh) < 0 || hh > 23)
			return -1;
		*tz = sign * hh * 60;
		return 0;
	}
	q = p;
	if (iso_zone(&q, tz) < 0 || q != p + n)
		return -1;
	return 0;
}

/* A zone token: numeric, "GMT-01:01", "UTC+8", or a known name. 0 when it
 * is one, 1 when it is some other word, -1 when malformed. */
static int zone_token(tok t, int *tz)
{
	if (t.p[0] == '+' || t.p[0] == '-')
		return numeric_zone(t.p, t.n, tz) < 0 ? -1 : 0;
	for (size_t i = 0; i < sizeof(zone_names) / sizeof(zone_names[0]); i++)
		if (tok_eq(t, zone_names[i].name)) {
			*tz = zone_names[i].tz;
			return 0;
		}
	if (t.n > 3 && (t.p[3] == '+' || t.p[3] == '-') &&
	    (tok_eq((tok){ t.p, 3 }, "gmt") || tok_eq((tok){ t.p, 3 }, "utc"))) {
		const char *q = t.p + 3;
		size_t n = t.n - 3;

		if (n == 2 || n == 3) {   /* "UTC+8", "GMT-10" */
			const char *h = q + 1;
			int hh = 0;

			if (digits(&h, (int)n - 1, &hh) < 0 || hh > 23)
				return -1;
			*tz = (q[0] == '-' ? -1 : 1) * hh * 60;
			return 0;
		}
		return numeric_zone(q, n, tz) < 0 ? -1 : 0;
	}
	for (size_t i = 0; i < t.n; i++)
		if (!is_alpha((unsigned char)t.p[i]))
			return -1;
	return 1;
}

/* "h:m[:s]" with 1-2 digit fields. */
static int clock_token(tok t, dparts *r)
{
	int f[3] = { 0, 0, 0 }, nf = 0, nd = 0;

	for (size_t i = 0; i <= t.n; i++) {
		if (i == t.n || t.p[i] == ':') {
			if (nd < 1 || nd > 2 || nf >= 3)
				return -1;
			nf++;
			nd = 0;
			continue;
		}
		if (t.p[i] == '.' && nf == 2 && nd > 0) {   /* fractional seconds */
			for (i++; i < t.n; i++)
				if (!is_digit((unsigned char)t.p[i]))
					return -1;
			nf++;
			break;
		}
		if (!is_digit((unsigned char)t.p[i]) || nf >= 3 || nd >= 2)
			return -1;
		f[nf] = f[nf] * 10 + (t.p[i] - '0');
		nd++;
	}
	if (nf < 2)
		return -1;
	r->h = f[0];
	r->mi = f[1];
	r->s = f[2];
	return 0;
}

/* "2006/09/15" (Perforce). */
static int slash_date(tok t, dparts *r)
{
	const char *p = t.p;

	if (t.n != 10 || digits(&p, 4, &r->y) < 0 || *p++ != '/' || digits(&p, 2, &r->mo) < 0 ||
	    *p++ != '/' || digits(&p, 2, &r->d) < 0)
		return -1;
	return 0;
}

static int parse_rfc822(const char *s, int64_t *out)
{
	dparts r = { 0, 0, 0, 0, 0, 0, 0 };
	int have_d = 0, have_y = 0, have_time = 0, have_zone = 0, first = 1, pm = -1;
	const char *p = s;

	while (*p) {
		tok t;

		while (*p && (dg_str_is_space((unsigned char)*p) || *p == ','))
			p++;
		if (!*p)
			break;
		if (*p == '(') {   /* "(PDT)" comments */
			while (*p && *p != ')')
				p++;
			if (*p)
				p++;
			continue;
		}
		t.p = p;
		while (*p && !dg_str_is_space((unsigned char)*p) && *p != ',')
			p++;
		t.n = (size_t)(p - t.p);
		if (first && (is_day_name(t) || (*p == ',' && is_local_day_name(t)))) {
			first = 0;
			continue;
		}
		first = 0;
		if (memchr(t.p, ':', t.n) && is_digit((unsigned char)t.p[0]) &&
		    !(t.p[t.n - 1] == ':')) {
			if (have_time || clock_token(t, &r) < 0)
				return -1;
			have_time = 1;
		} else if (memchr(t.p, '/', t.n) && is_digit((unsigned char)t.p[0])) {
			if (r.mo || slash_date(t, &r) < 0)
				return -1;
			have_d = have_y = 1;
		} else if (all_digits(t)) {
			if (t.n <= 2 && !have_d) {
				r.d = tok_num(t);
				have_d = 1;
			} else if ((t.n == 4 || t.n == 2) && !have_y) {
				r.y = t.n == 2 ? two_digit_year(tok_num(t)) : tok_num(t);
				have_y = 1;
			} else {
				return -1;
			}
		} else if (!r.mo && month_of(t)) {
			r.mo = month_of(t);
		} else if (have_time && (tok_eq(t, "am") || tok_eq(t, "pm"))) {
			pm = tok_eq(t, "pm");
		} else {
			int z = zone_token(t, &r.tz);

			/* An unknown word in the zone's place counts as UTC (as in
			 * feedparser); anywhere else it makes the date unreadable. */
			if (z < 0 || have_zone || (z == 1 && !have_time))
				return -1;
			if (z == 1)
				r.tz = 0;
			have_zone = 1;
		}
	}
	if (!have_d || !have_y || !r.mo)
		return -1;
	if (pm >= 0) {
		if (r.h < 1 || r.h > 12)
			return -1;
		r.h = pm ? (r.h % 12) + 12 : r.h % 12;
	}
	return finish(&r, out);
}

/* Korean blogs: Nate "2004-05-25 오후 11:23:17" and OnBlog
 * "2004년 05월 28일  01:31:15", both in KST. */
static int parse_korean(const char *s, int64_t *out)
{
	static const char am[] = "\xec\x98\xa4\xec\xa0\x84", pm[] = "\xec\x98\xa4\xed\x9b\x84";
	static const char year[] = "\xeb\x85\x84", month[] = "\xec\x9b\x94", day[] = "\xec\x9d\xbc";
	dparts r = { 0, 0, 0, 0, 0, 0, 9 * 60 };
	const char *p = s;
	int is_pm = -1;

	if (digits(&p, 4, &r.y) < 0)
		return -1;
	if (*p == '-') {
		p++;
		if (digits(&p, 2, &r.mo) < 0 || *p++ != '-' || digits(&p, 2, &r.d) < 0 || *p++ != ' ')
			return -1;
		if (strncmp(p, am, 6) == 0)
			is_pm = 0;
		else if (strncmp(p, pm, 6) == 0)
			is_pm = 1;
		else
			return -1;
		p += 6;
	} else if (strncmp(p, year, 3) == 0) {
		p += 3;
		while (*p == ' ')
			p++;
		if (digits(&p, 2, &r.mo) < 0 || strncmp(p, month, 3) != 0)
			return -1;
		p += 3;
		while (*p == ' ')
			p++;
		if (digits(&p, 2, &r.d) < 0 || strncmp(p, day, 3) != 0)
			return -1;
		p += 3;
	} else {
		return -1;
	}
	while (*p == ' ')
		p++;
	{
		tok t = { p, strlen(p) };

		if (clock_token(t, &r) < 0)
			return -1;
	}
	if (is_pm == 1 && r.h < 12)
		r.h += 12;
	return finish(&r, out);
}

/* Hungarian: "2004-július-13T9:15-05:00". */
static int parse_hungarian(const char *s, int64_t *out)
{
	dparts r = { 0, 0, 0, 0, 0, 0, 0 };
	const char *p = s, *name;
	tok t;
	int nd;

	if (digits(&p, 4, &r.y) < 0 || *p++ != '-')
		return -1;
	name = p;
	while (*p && *p != '-')
		p++;
	if (*p != '-' || is_digit((unsigned char)*name))
		return -1;
	r.mo = month_of((tok){ name, (size_t)(p - name) });
	if (!r.mo)
		return -1;
	p++;
	nd = digit_run(p);
	if (nd < 1 || nd > 2 || digits(&p, nd, &r.d) < 0)
		return -1;
	if (*p == 'T') {
		p++;
		t.p = p;
		while (*p && *p != '+' && *p != '-' && *p != 'Z')
			p++;
		t.n = (size_t)(p - t.p);
		if (clock_token(t, &r) < 0)
			return -1;
		if (*p && iso_zone(&p, &r.tz) < 0)
			return -1;
	}
	if (*p)
		return -1;
	return finish(&r, out);
}

int dg_feed_parse_date(const char *s, int64_t *out)
{
	char *text;
	size_t n;
	int ok;

	if (!s)
		return DG_ERR_FAIL;
	n = dg_str_trim(&s, strlen(s));
	if (!n || n > DATE_TEXT_MAX)
		return DG_ERR_FAIL;
	text = dg_strndup(s, n);
	ok = parse_iso(text, out) == 0 || parse_korean(text, out) == 0 ||
	     parse_hungarian(text, out) == 0 || parse_rfc822(text, out) == 0;
	free(text);
	return ok ? 0 : DG_ERR_FAIL;
}
