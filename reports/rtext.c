/*
 * rtext.c - safe text and number formats for the report.  See rtext.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "rtext.h"
#include "utf8.h"

static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */
static const char ellipsis[] = "\xe2\x80\xa6";		/* U+2026 */

/* Append one valid piece S[0..N) to OUT at *O, replacing control
 * characters.  OUT has room (the caller sized it for the worst case). */
static void
put_valid(char *out, size_t *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\t' || c == '\n' || c == '\r')
			out[(*o)++] = ' ';
		else if (c < 0x20 || c == 0x7f) {
			memcpy(out + *o, replacement, 3);
			*o += 3;
		} else
			out[(*o)++] = (char)c;
	}
}

/* Cut OUT[0..*O) to at most RTEXT_MAX_LABEL bytes at a character
 * boundary, ending it with an ellipsis. */
static void
cut_label(char *out, size_t *o)
{
	size_t k = RTEXT_MAX_LABEL - sizeof(ellipsis) + 1;

	if (*o <= RTEXT_MAX_LABEL)
		return;
	while (k > 0 && ((unsigned char)out[k] & 0xc0) == 0x80)
		k--;
	memcpy(out + k, ellipsis, sizeof(ellipsis) - 1);
	*o = k + sizeof(ellipsis) - 1;
}

/* A valid UTF-8 copy of S[0..N) for display; see rtext.h. */
char *
rtext_dup(const char *s, size_t n, int *oom)
{
	char *out;
	size_t o = 0, bad;

	if (s == NULL)
		return NULL;
	out = malloc(n * 3 + 1);	/* each byte may become U+FFFD */
	if (out == NULL) {
		*oom = 1;
		return NULL;
	}
	while (n > 0) {
		bad = utf8_invalid_at(s, n);
		if (bad == (size_t)-1)
			bad = n;
		put_valid(out, &o, s, bad);
		if (bad == n)
			break;
		memcpy(out + o, replacement, 3);
		o += 3;
		s += bad + 1;
		n -= bad + 1;
	}
	cut_label(out, &o);
	out[o] = '\0';
	return out;
}


/* Micro-dollars as "$1,234.56", rounded to cents. */
char *
rtext_money(int64_t micro, char *buf)
{
	char raw[40];
	int64_t cents = dec_rescale(micro, 6, 2);
	size_t o = 0;

	dec_format(cents < 0 ? -cents : cents, 2, raw, sizeof(raw));
	if (cents < 0)
		buf[o++] = '-';
	buf[o++] = '$';
	dec_group(raw, buf + o, RTEXT_BUF - o);
	return buf;
}

/* Micro-dollars as plain "1234.56", for JSON. */
char *
rtext_usd(int64_t micro, char *buf)
{
	return dec_format(dec_rescale(micro, 6, 2), 2, buf, RTEXT_BUF);
}

/* A price with the decimals it has ("$0.0085"). */
char *
rtext_rate(int64_t micro, char *buf)
{
	char raw[40];

	dec_trim(dec_format(micro < 0 ? -micro : micro, 6, raw, sizeof(raw)));
	snprintf(buf, RTEXT_BUF, "%s$%s", micro < 0 ? "-" : "", raw);
	return buf;
}

/* Bytes as GiB with three decimals and separators. */
char *
rtext_gib(int64_t bytes, char *buf)
{
	char raw[40];

	dec_format(bytes_to_milli_gib(bytes), 3, raw, sizeof(raw));
	return dec_group(raw, buf, RTEXT_BUF);
}

/* An integer with thousands separators. */
char *
rtext_count(long long v, char *buf)
{
	char raw[40];

	snprintf(raw, sizeof(raw), "%lld", v);
	return dec_group(raw, buf, RTEXT_BUF);
}

/* Ten-thousandths as "23.33 %". */
char *
rtext_percent(long bp, char *buf)
{
	char raw[40];

	dec_format(bp, 2, raw, sizeof(raw));
	snprintf(buf, RTEXT_BUF, "%s %%", raw);
	return buf;
}

/* Milliseconds to one decimal, without the locale. */
char *
rtext_ms(double ms, char *buf)
{
	return dec_format((int64_t)llround(ms * 10), 1, buf, RTEXT_BUF);
}

static const char *const month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

/* The month number 1-12 of "YYYY-MM", or 0. */
static int
month_number(const char *m)
{
	int k;

	if (strlen(m) != 7 || m[4] != '-')
		return 0;
	for (k = 0; k < 7; k++)
		if (k != 4 && (m[k] < '0' || m[k] > '9'))
			return 0;
	k = (m[5] - '0') * 10 + (m[6] - '0');
	return k >= 1 && k <= 12 ? k : 0;
}

/* "2025-06" as "June 2025". */
char *
rtext_month_name(const char *month, char *buf)
{
	int k = month_number(month);

	if (k == 0)
		snprintf(buf, RTEXT_BUF, "%s", month);
	else
		snprintf(buf, RTEXT_BUF, "%s %.4s", month_names[k - 1], month);
	return buf;
}

/* "2025-06" as "Jun 2025". */
char *
rtext_month_short(const char *month, char *buf)
{
	int k = month_number(month);

	if (k == 0)
		snprintf(buf, RTEXT_BUF, "%s", month);
	else
		snprintf(buf, RTEXT_BUF, "%.3s %.4s", month_names[k - 1],
			 month);
	return buf;
}
