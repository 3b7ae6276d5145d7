/*
 * timeutil.c - UTC instants from text.  See timeutil.h.
 */
#include <stdio.h>
#include <string.h>

#include "timeutil.h"

int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Shift the year to start in March so leap days fall at the end. */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
num(const char *s, size_t n, size_t *i, int width, int *out)
{
	int v = 0, k;

	if (*i + (size_t)width > n)
		return -1;
	for (k = 0; k < width; k++) {
		char c = s[*i + k];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*i += width;
	*out = v;
	return 0;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

static int
lit(const char *s, size_t n, size_t *i, const char *w)
{
	size_t k = strlen(w);

	if (*i + k > n || memcmp(s + *i, w, k) != 0)
		return -1;
	*i += k;
	return 0;
}

/* The zone suffix at S+*I: nothing, Z, " UTC", or +HH:MM / -HH:MM. */
static int
zone(const char *s, size_t n, size_t *i, int64_t *offset)
{
	int hh, mm, sign;

	*offset = 0;
	if (*i == n)
		return 0;
	if (lit(s, n, i, "Z") == 0 || lit(s, n, i, " UTC") == 0)
		return *i == n ? 0 : -1;
	if (s[*i] != '+' && s[*i] != '-')
		return -1;
	sign = s[(*i)++] == '-' ? -1 : 1;
	if (num(s, n, i, 2, &hh) || lit(s, n, i, ":") ||
	    num(s, n, i, 2, &mm) || hh > 23 || mm > 59 || *i != n)
		return -1;
	*offset = sign * (hh * 3600 + mm * 60);
	return 0;
}

int
time_parse(const char *s, size_t n, int64_t *out)
{
	size_t i = 0;
	int y, mo, d, h = 0, mi = 0, se = 0;
	int64_t off;

	if (num(s, n, &i, 4, &y) || lit(s, n, &i, "-") ||
	    num(s, n, &i, 2, &mo) || lit(s, n, &i, "-") ||
	    num(s, n, &i, 2, &d))
		return -1;
	if (y < TIME_MIN_YEAR || y > TIME_MAX_YEAR || mo < 1 || mo > 12 ||
	    d < 1 || d > days_in_month(y, mo))
		return -1;
	if (i < n && (s[i] == 'T' || s[i] == ' ') && i + 1 < n &&
	    s[i + 1] >= '0' && s[i + 1] <= '9') {
		i++;
		if (num(s, n, &i, 2, &h) || lit(s, n, &i, ":") ||
		    num(s, n, &i, 2, &mi))
			return -1;
		if (lit(s, n, &i, ":") == 0) {
			if (num(s, n, &i, 2, &se))
				return -1;
			if (i < n && s[i] == '.') {
				for (i++; i < n && s[i] >= '0' && s[i] <= '9';)
					i++;
			}
		}
		if (h > 23 || mi > 59 || se > 60)
			return -1;
	}
	if (zone(s, n, &i, &off))
		return -1;
	*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + se - off;
	return 0;
}

int
month_parse(const char *s, int64_t *start, int64_t *end)
{
	size_t i = 0, n = strlen(s);
	int y, m;

	if (num(s, n, &i, 4, &y) || lit(s, n, &i, "-") ||
	    num(s, n, &i, 2, &m) || i != n || m < 1 || m > 12 || y < 1970)
		return -1;
	*start = days_from_civil(y, (unsigned)m, 1) * 86400;
	*end = *start + (int64_t)days_in_month(y, m) * 86400;
	return 0;
}

void
month_of(int64_t t, char *buf, size_t n)
{
	int64_t z = (t >= 0 ? t : t - 86399) / 86400 + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);

	snprintf(buf, n, "%04d-%02d", (int)y, (int)m);
}
