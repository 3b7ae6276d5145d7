/*
 * fuzz_text.c - libFuzzer target: the small text parsers every importer
 * leans on (decimals, instants, UTF-8) and the resolver, on arbitrary
 * bytes.  Besides not crashing, parsers must agree with themselves: a
 * value that parses must format and parse back to the same number.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "resolve.h"
#include "timeutil.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static void
check_decimal(const char *s, size_t n)
{
	char buf[40];
	const char *why;
	int64_t v, w;

	if (dec_parse(s, n, 6, DEC_THOUSANDS | DEC_CURRENCY, &v, &why) == 0) {
		dec_format(v, 6, buf, sizeof(buf));
		if (dec_parse(buf, strlen(buf), 6, DEC_STRICT, &w, &why) != 0 ||
		    w != v)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct resolver *r;
	struct resolution res;
	struct perr e;
	char *s = malloc(n + 1);
	int64_t t;

	if (s == NULL)
		return 0;
	memcpy(s, data, n);
	s[n] = '\0';
	check_decimal(s, n);
	time_parse(s, n, &t);
	utf8_invalid_at(s, n);
	if (r == NULL && resolver_open(&r, &e) != P_OK)
		abort();
	if (strlen(s) == n && utf8_invalid_at(s, n) == (size_t)-1)
		resolver_resolve(r, s, &res);
	free(s);
	return 0;
}
