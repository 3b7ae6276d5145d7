/*
 * utf8.c - strict UTF-8 validation (RFC 3629).  See utf8.h.
 */
#include "utf8.h"

/* Length of the sequence starting at S[I] if valid, else 0. */
static size_t
seq_len(const unsigned char *s, size_t n, size_t i)
{
	unsigned c = s[i], lo = 0x80, hi = 0xBF;
	size_t len, k;

	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;	/* no overlongs */
		if (c == 0xED)
			hi = 0x9F;	/* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;	/* nothing above U+10FFFF */
	} else
		return 0;
	if (i + len > n)
		return 0;
	for (k = 1; k < len; k++) {
		unsigned b = s[i + k];

		if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
			return 0;
	}
	return len;
}

size_t
utf8_invalid_at(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, l;

	while (i < n) {
		if (u[i] >= 0x01 && u[i] < 0x80) {
			i++;
			continue;
		}
		if ((l = seq_len(u, n, i)) == 0)
			return i;
		i += l;
	}
	return (size_t)-1;
}
