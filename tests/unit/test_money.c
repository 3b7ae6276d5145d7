/*
 * test_money.c - exact decimal parsing and formatting (money.h).
 */
#include <locale.h>
#include <stdint.h>

#include "money.h"
#include "t.h"

static int64_t
parse(const char *s, int scale, unsigned flags, int *ok)
{
	int64_t v = -777;
	const char *why;

	*ok = dec_parse(s, strlen(s), scale, flags, &v, &why) == 0;
	return v;
}

#define OK_EQ(s, scale, flags, want) do {				\
	int t_ok; int64_t t_v = parse(s, scale, flags, &t_ok);		\
	CHECK(t_ok); CHECK_INT(t_v, want);				\
} while (0)

#define REJECT(s, flags) do {						\
	int t_ok; parse(s, 6, flags, &t_ok); CHECK(!t_ok);		\
} while (0)

static void
test_plain(void)
{
	OK_EQ("0", 6, DEC_STRICT, 0);
	OK_EQ("10.096664", 6, DEC_STRICT, 10096664);
	OK_EQ("-6.25", 6, DEC_STRICT, -6250000);
	OK_EQ("+1.5", 6, DEC_STRICT, 1500000);
	OK_EQ(".5", 6, DEC_STRICT, 500000);
	OK_EQ("5.", 6, DEC_STRICT, 5000000);
	OK_EQ("0.0000005", 6, DEC_STRICT, 1);	/* half away from zero */
	OK_EQ("0.0000004", 6, DEC_STRICT, 0);
	OK_EQ("-0.0000005", 6, DEC_STRICT, -1);
	OK_EQ("6.2499999436", 6, DEC_STRICT, 6250000);
	OK_EQ("000123", 0, DEC_STRICT, 123);
}

static void
test_exponent(void)
{
	OK_EQ("4.4928E17", 0, DEC_STRICT, 449280000000000000LL);
	OK_EQ("1.85E16", 0, DEC_STRICT, 18500000000000000LL);
	OK_EQ("35.2E-7", 9, DEC_STRICT, 3520);
	OK_EQ("1e3", 0, DEC_STRICT, 1000);
	OK_EQ("1E+3", 0, DEC_STRICT, 1000);
	REJECT("1E+3", DEC_NO_EXP_PLUS);	/* FOCUS NumericFormat */
	REJECT("1e", DEC_STRICT);
	REJECT("e5", DEC_STRICT);
	REJECT("1e99", DEC_STRICT);		/* out of range */
	OK_EQ("1e-99", 6, DEC_STRICT, 0);
}

static void
test_rejects(void)
{
	REJECT("", DEC_STRICT);
	REJECT("-", DEC_STRICT);
	REJECT(".", DEC_STRICT);
	REJECT(" 1", DEC_STRICT);
	REJECT("1 ", DEC_STRICT);
	REJECT("1.2.3", DEC_STRICT);
	REJECT("1,234.56", DEC_STRICT);		/* B16: never 1.0 */
	REJECT("1.234,56", DEC_STRICT);		/* decimal comma */
	REJECT("1,5", DEC_STRICT);
	REJECT("$5", DEC_STRICT);
	REJECT("NaN", DEC_STRICT);
	REJECT("inf", DEC_STRICT);
	REJECT("0x10", DEC_STRICT);
	REJECT("99999999999999999999", DEC_STRICT);
}

static void
test_thousands(void)
{
	OK_EQ("1,234.56", 2, DEC_THOUSANDS, 123456);
	OK_EQ("163,673.91", 2, DEC_THOUSANDS, 16367391);
	OK_EQ("$8,754.899", 3, DEC_THOUSANDS | DEC_CURRENCY, 8754899);
	OK_EQ("-$1,000", 0, DEC_THOUSANDS | DEC_CURRENCY, -1000);
	REJECT("1,23", DEC_THOUSANDS);
	REJECT("1234,567", DEC_THOUSANDS);
	REJECT(",123", DEC_THOUSANDS);
	REJECT("1,234,56", DEC_THOUSANDS);
	REJECT("1.234,56", DEC_THOUSANDS);
}

/* B16: the result must not depend on the C locale. */
static void
test_locale(void)
{
	if (setlocale(LC_ALL, "de_DE.UTF-8") == NULL)
		setlocale(LC_ALL, "C.UTF-8");
	OK_EQ("1234.56", 2, DEC_STRICT, 123456);
	REJECT("1234,56", DEC_STRICT);
	setlocale(LC_ALL, "C");
}

static void
test_format(void)
{
	char b[32];

	CHECK_STR(dec_format(0, 2, b, sizeof(b)), "0.00");
	CHECK_STR(dec_format(5, 2, b, sizeof(b)), "0.05");
	CHECK_STR(dec_format(-12300, 3, b, sizeof(b)), "-12.300");
	CHECK_STR(dec_format(15628399, 3, b, sizeof(b)), "15628.399");
	CHECK_STR(dec_format(42, 0, b, sizeof(b)), "42");
	CHECK_STR(dec_format(INT64_MIN, 0, b, sizeof(b)),
		  "-9223372036854775808");
	CHECK_STR(dec_trim(dec_format(10000, 6, b, sizeof(b))), "0.01");
	CHECK_STR(dec_trim(dec_format(0, 6, b, sizeof(b))), "0");
	CHECK_STR(dec_trim(dec_format(2000000, 6, b, sizeof(b))), "2");
	CHECK_STR(dec_trim(strcpy(b, "100")), "100");
	CHECK_INT(dec_rescale(15, 1, 0), 2);
	CHECK_INT(dec_rescale(-15, 1, 0), -2);
	CHECK_INT(dec_rescale(14, 1, 0), 1);
	CHECK_INT(dec_rescale(1234565, 6, 2), 123);
	CHECK_INT(dec_rescale(1235000, 6, 2), 124);
}

/* Data volumes and their price at the default rate ($0.01/GiB). */
static void
test_bytes(void)
{
	int64_t gib = BYTES_PER_GIB;

	CHECK_INT(money_for_bytes(gib, 10000), 10000);
	CHECK_INT(money_for_bytes(3000 * gib, 10000), 30000000);
	CHECK_INT(money_for_bytes(0, 10000), 0);
	CHECK_INT(money_for_bytes(gib / 2, 1), 1);	/* half rounds up */
	CHECK_INT(money_for_bytes(INT64_MAX, 10000),
		  (int64_t)(((__int128)INT64_MAX * 10000 + gib / 2) / gib));
	CHECK_INT(bytes_to_milli_gib(16780865394302LL), 15628399);
	CHECK_INT(bytes_to_milli_gib(gib), 1000);
	CHECK_INT(bytes_to_milli_gib(gib / 2000), 0);	/* 0.4995... */
}

int
main(void)
{
	T_RUN(test_plain);
	T_RUN(test_exponent);
	T_RUN(test_rejects);
	T_RUN(test_thousands);
	T_RUN(test_locale);
	T_RUN(test_format);
	T_RUN(test_bytes);
	return T_DONE();
}
