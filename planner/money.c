/*
 * money.c - exact decimal parsing and formatting.  See money.h.
 *
 * The parser collects the significant digits as text, works out the
 * power of ten they stand for, and only then builds the integer, so a
 * value such as "4.4928E17" or "0.0000001" never passes through a double.
 */
#include <string.h>

#include "money.h"

#define DEC_MAX_DIGITS	40	/* significant digits kept before rounding */

struct digits {
	char d[DEC_MAX_DIGITS + 1];
	int n;		/* significant digits stored */
	int shift;	/* extra powers of ten from digits not stored */
	int sticky;	/* a nonzero digit was dropped (for rounding) */
	int nfrac;	/* stored digits that came after the point */
};

static void
push_digit(struct digits *g, char c, int after_point)
{
	if (g->n == 0 && c == '0') {	/* leading zeros carry no value */
		if (after_point)
			g->nfrac++;
		return;
	}
	if (g->n < DEC_MAX_DIGITS) {
		g->d[g->n++] = c;
		if (after_point)
			g->nfrac++;
	} else {
		if (!after_point)
			g->shift++;
		if (c != '0')
			g->sticky = 1;
	}
}

/* What a ',' followed by S[0..N) most likely is: exactly three digits
 * and then the end, a point or another comma make it a thousands
 * separator ("1,234.56"); other digits a decimal comma ("1,5"). */
static const char *
comma_kind(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && s[k] >= '0' && s[k] <= '9')
		k++;
	if (k == 3 && (k == n || s[k] == '.' || s[k] == ','))
		return "thousands separator";
	return k > 0 ? "decimal comma" : "not a number";
}

/* Integer part: digits, or with DEC_THOUSANDS groups "1,234,567". */
static size_t
scan_int(const char *s, size_t n, unsigned flags, struct digits *g,
	 const char **why)
{
	size_t i = 0, run = 0, groups = 0;

	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			push_digit(g, s[i], 0);
			run++;
		} else if (s[i] == ',') {
			if (!(flags & DEC_THOUSANDS)) {
				*why = comma_kind(s + i + 1, n - i - 1);
				return (size_t)-1;
			}
			if (run == 0 || run > 3 || (groups && run != 3)) {
				*why = "misplaced thousands separator";
				return (size_t)-1;
			}
			groups++;
			run = 0;
		} else
			break;
	}
	if (groups && run != 3) {
		*why = "misplaced thousands separator";
		return (size_t)-1;
	}
	return i;
}

static int
scan_exponent(const char *s, size_t n, unsigned flags, long *exp,
	      const char **why)
{
	size_t i = 0;
	int neg = 0;
	long v = 0;

	if (i < n && (s[i] == '+' || s[i] == '-')) {
		if (s[i] == '+' && (flags & DEC_NO_EXP_PLUS)) {
			*why = "'+' in exponent";
			return -1;
		}
		neg = s[i++] == '-';
	}
	if (i == n) {
		*why = "not a number";
		return -1;
	}
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			*why = "not a number";
			return -1;
		}
		if (v < 100000)
			v = v * 10 + (s[i] - '0');
	}
	*exp = neg ? -v : v;
	return 0;
}

/* Build sign * digits * 10^pow10 as int64, rounding dropped digits. */
static int
build(const struct digits *g, int neg, long pow10, int64_t *out,
      const char **why)
{
	__int128 v = 0;
	int keep = g->n, i, round_up = 0;
	const __int128 lim = (__int128)INT64_MAX;

	if (pow10 < 0) {
		keep = g->n + (int)(pow10 < -1000 ? -1000 : pow10);
		if (keep < 0)
			keep = -1;
		if (keep >= 0 && keep < g->n)
			round_up = g->d[keep] >= '5';
		if (keep < 0)
			keep = 0;
		pow10 = 0;
	}
	for (i = 0; i < keep; i++) {
		v = v * 10 + (g->d[i] - '0');
		if (v > lim)
			goto range;
	}
	for (; pow10 > 0; pow10--) {
		if (v == 0)
			break;
		v *= 10;
		if (v > lim)
			goto range;
	}
	v += round_up;
	if (v > lim)
		goto range;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
range:
	*why = "out of range";
	return -1;
}

int
dec_parse(const char *s, size_t n, int scale, unsigned flags, int64_t *out,
	  const char **why)
{
	struct digits g;
	size_t i = 0, k, ndig;
	int neg = 0;
	long exp = 0;

	memset(&g, 0, sizeof(g));
	*why = "not a number";
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i < n && s[i] == '$') {
		if (!(flags & DEC_CURRENCY)) {
			*why = "currency symbol";
			return -1;
		}
		i++;
	}
	k = scan_int(s + i, n - i, flags, &g, why);
	if (k == (size_t)-1)
		return -1;
	ndig = k;
	i += k;
	if (i < n && s[i] == '.') {
		size_t j = ++i;

		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			push_digit(&g, s[i], 1);
		ndig += i - j;
		if (i < n && s[i] == ',') {
			*why = "decimal comma";	/* "1.234,56" */
			return -1;
		}
	}
	if (ndig == 0)
		return -1;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (scan_exponent(s + i + 1, n - i - 1, flags, &exp, why))
			return -1;
		i = n;
	}
	if (i != n)
		return -1;
	return build(&g, neg, exp + g.shift - g.nfrac + scale, out, why);
}

int64_t
dec_rescale(int64_t v, int from, int to)
{
	int64_t div = 1, q, r;

	for (; from > to; from--)
		div *= 10;
	q = v / div;
	r = v % div;
	if (r < 0)
		r = -r;
	if (2 * r >= div)
		q += v < 0 ? -1 : 1;
	return q;
}

char *
dec_format(int64_t v, int scale, char *buf, size_t n)
{
	char tmp[32];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int len = 0, i;
	size_t o = 0;

	do {
		tmp[len++] = (char)('0' + u % 10);
		u /= 10;
	} while (u || len <= scale);
	if (v < 0 && o + 1 < n)
		buf[o++] = '-';
	for (i = len - 1; i >= 0 && o + 1 < n; i--) {
		buf[o++] = tmp[i];
		if (i == scale && scale > 0 && o + 1 < n)
			buf[o++] = '.';
	}
	buf[o] = '\0';
	return buf;
}

char *
dec_group(const char *raw, char *buf, size_t n)
{
	const char *dot = strchr(raw, '.');
	size_t len = dot ? (size_t)(dot - raw) : strlen(raw);
	size_t head = raw[0] == '-', i, o = 0;

	for (i = 0; raw[i] && o + 2 < n; i++) {
		buf[o++] = raw[i];
		if (i >= head && i + 1 < len && (len - i - 1) % 3 == 0)
			buf[o++] = ',';
	}
	buf[o] = '\0';
	return buf;
}

char *
dec_trim(char *buf)
{
	char *end = buf + strlen(buf);

	if (strchr(buf, '.') == NULL)
		return buf;
	while (end > buf && end[-1] == '0')
		*--end = '\0';
	if (end > buf && end[-1] == '.')
		*--end = '\0';
	return buf;
}

int64_t
money_for_bytes(int64_t bytes, int64_t rate_micro_per_gib)
{
	__int128 p = (__int128)bytes * rate_micro_per_gib;

	return (int64_t)((p + BYTES_PER_GIB / 2) / BYTES_PER_GIB);
}

int64_t
bytes_to_milli_gib(int64_t bytes)
{
	__int128 p = (__int128)bytes * 1000;

	return (int64_t)((p + BYTES_PER_GIB / 2) / BYTES_PER_GIB);
}
