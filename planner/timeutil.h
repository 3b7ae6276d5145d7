/*
 * timeutil.h - instants and months, in UTC, without the C library's
 * time zone machinery (TZ and mktime depend on the host's settings).
 */
#ifndef PLANNER_TIMEUTIL_H
#define PLANNER_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Years an instant may fall in.  Billing and inventories are recent;
 * a stray "9999-12-31" (a spreadsheet's "never") or "1969-12-31" would
 * otherwise become the latest or an impossible month. */
#define TIME_MIN_YEAR	1970
#define TIME_MAX_YEAR	2199

/*
 * Parse the N bytes at S as an instant and store unix seconds in *OUT.
 * Accepted: "YYYY-MM-DD", then optionally "T" or " " and "HH:MM[:SS[.f]]",
 * then optionally "Z", " UTC", or an offset "+HH:MM" / "-HH:MM" (no zone
 * means UTC).  Fractions of a second are dropped.  The year must lie in
 * TIME_MIN_YEAR..TIME_MAX_YEAR.  Returns 0, or -1.
 */
int time_parse(const char *s, size_t n, int64_t *out);

/* Parse "YYYY-MM" into the half-open interval [*START, *END) of unix
 * seconds.  Returns 0, or -1 if S is not a valid month. */
int month_parse(const char *s, int64_t *start, int64_t *end);

/* Write the month holding unix time T as "YYYY-MM" into BUF (>= 8). */
void month_of(int64_t t, char *buf, size_t n);

/* Days since 1970-01-01 of the civil date Y-M-D (proleptic Gregorian). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
