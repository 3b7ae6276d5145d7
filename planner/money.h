/*
 * money.h - exact decimal numbers without floating point or the locale.
 *
 * Every amount the program adds up is an int64_t in a fixed unit:
 * micro-dollars for money, bytes for data.  Text is turned into those
 * units here and nowhere else, by a parser that does not consult the C
 * locale (strtod would read "1,5" as 1.5 under de_DE) and that rejects
 * what it does not understand instead of reading a prefix of it.
 */
#ifndef PLANNER_MONEY_H
#define PLANNER_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define MICRO_PER_UNIT	1000000LL
#define BYTES_PER_GIB	1073741824LL

/* What dec_parse accepts besides [-+]digits[.digits][(e|E)[-+]digits]. */
enum dec_flags {
	DEC_STRICT = 0,
	DEC_THOUSANDS = 1 << 0,	/* "1,234.5": groups of exactly three */
	DEC_CURRENCY = 1 << 1,	/* a leading "$" (after any sign) */
	DEC_NO_EXP_PLUS = 1 << 2 /* FOCUS: "1E+5" is not a valid number */
};

/*
 * Parse the N bytes at S as a decimal number and store it, multiplied by
 * 10^SCALE and rounded half away from zero, in *OUT.  Leading and trailing
 * blanks are not accepted.  Returns 0, or -1 with *WHY set to a static
 * phrase ("not a number", "thousands separator", "decimal comma",
 * "out of range") for the caller's error message.
 */
int dec_parse(const char *s, size_t n, int scale, unsigned flags,
	      int64_t *out, const char **why);

/* Round V (in units of 10^-FROM) to units of 10^-TO, half away from zero;
 * FROM >= TO. */
int64_t dec_rescale(int64_t v, int from, int to);

/* Write V, a count of 10^-SCALE units, as plain decimal text with exactly
 * SCALE digits after the point ("-12.300" for -12300 at scale 3) into BUF
 * of size N (32 is always enough).  Returns BUF. */
char *dec_format(int64_t v, int scale, char *buf, size_t n);

/* Copy decimal text RAW into BUF (size N) with a comma between groups
 * of three integer digits ("1234567.5" -> "1,234,567.5"), for people to
 * read; never for data.  Returns BUF. */
char *dec_group(const char *raw, char *buf, size_t n);

/* Drop trailing zeros after the point of decimal text in BUF, and the
 * point itself if nothing follows ("0.010000" -> "0.01", "2.0" -> "2").
 * Returns BUF. */
char *dec_trim(char *buf);

/* Cost in micro-dollars of BYTES at RATE micro-dollars per GiB, rounded
 * half up.  Exact for any byte count below 2^63. */
int64_t money_for_bytes(int64_t bytes, int64_t rate_micro_per_gib);

/* BYTES expressed in thousandths of a GiB, rounded half up. */
int64_t bytes_to_milli_gib(int64_t bytes);

#endif
