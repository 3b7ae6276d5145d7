/*
 * utf8.c - strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing
 * above U+10FFFF.  See utf8.h.
 */
#include "utf8.h"

long
utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
	long cp;
	size_t k, need;

	*len = 1;
	if (s[0] < 0x80)
		return s[0];
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 2, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 3, cp = s[0] & 0x07;
	else
		return -1;
	if (n < need + 1)
		return -1;
	for (k = 1; k <= need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
		return -1;
	*len = need + 1;
	return cp;
}

size_t
utf8_invalid_at(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len;

	while (i < n) {
		if (u[i] >= 0x01 && u[i] < 0x80) {
			i++;
			continue;
		}
		if (u[i] == 0 || utf8_decode(u + i, n - i, &len) < 0)
			return i;
		i += len;
	}
	return (size_t)-1;
}
