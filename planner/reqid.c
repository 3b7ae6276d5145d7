/*
 * reqid.c - deterministic request ids.  See reqid.h.
 *
 * Owned by the migration work.
 */
#include <stdio.h>
#include <string.h>

#include "reqid.h"
#include "sha256.h"

static int
hexval(char c)
{
	return c >= 'a' ? c - 'a' + 10 : c - '0';
}

/* The request id of the step named by PARTS (see reqid.h). */
void
reqid_make(char out[REQID_LEN + 1], const char *const *parts, int nparts)
{
	static const char hex[] = "0123456789abcdef";
	struct sha256 h;
	char d[65];
	int i, o = 0;

	sha256_init(&h);
	for (i = 0; i < nparts; i++) {
		if (i > 0)
			sha256_update(&h, "|", 1);
		sha256_update(&h, parts[i], strlen(parts[i]));
	}
	sha256_final_hex(&h, d);
	d[12] = '8';				/* version 8 */
	d[16] = hex[(hexval(d[16]) & 0x3) | 0x8];	/* variant 10xx */
	for (i = 0; i < 32; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[o++] = '-';
		out[o++] = d[i];
	}
	out[o] = '\0';
}

/* Whether S looks like a lowercase UUID and is not the zero UUID. */
int
reqid_valid(const char *s)
{
	int i, nonzero = 0;

	if (s == NULL || strlen(s) != REQID_LEN)
		return 0;
	for (i = 0; i < REQID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!strchr("0123456789abcdef", s[i]) || s[i] == '\0')
			return 0;
		else if (s[i] != '0')
			nonzero = 1;
	}
	return nonzero;
}
