/*
 * rtext.h - text for the report: input strings made safe to show, and
 * numbers formatted for people.
 *
 * Owned by the report work.  Every string that comes from an input (a
 * VM name, a location, an alert message) passes through rtext_dup()
 * when it is read from the database, so the HTML writer, the JSON and
 * cairo/pango only ever see valid UTF-8 without control characters.
 * Escaping for HTML is the HTML writer's job (html.c), not this one's.
 *
 * The formatters write into a caller's buffer (RTEXT_BUF bytes are
 * always enough) and return it; money is exact (integer micro-dollars
 * rounded half away from zero to cents, as the plan does).
 */
#ifndef PLANNER_RTEXT_H
#define PLANNER_RTEXT_H

#include <stddef.h>
#include <stdint.h>

#define RTEXT_BUF	48

/* Labels longer than this many bytes are cut (at a character boundary)
 * and end with an ellipsis, so one odd value cannot swamp a page. */
#define RTEXT_MAX_LABEL	256

/* A heap copy of the N bytes at S, as valid UTF-8: every byte that is
 * not part of a well-formed sequence (and every NUL) becomes U+FFFD,
 * tabs and line ends become spaces, other control characters U+FFFD;
 * cut to RTEXT_MAX_LABEL bytes.  S may be NULL: returns NULL.  Returns
 * NULL also when memory runs out (*OOM is then set to 1).  The caller
 * frees the copy. */
char *rtext_dup(const char *s, size_t n, int *oom);

/* What a figure that does not exist is shown as ("n/a"). */
#define RTEXT_NA	"n/a"

/* EXPR (a formatted figure) when COND holds, else RTEXT_NA. */
#define RTEXT_IF(cond, expr)	((cond) ? (expr) : RTEXT_NA)

/* "$1,234.56"; "-$5.00" below zero. */
char *rtext_money(int64_t micro, char *buf);

/* The amount in dollars as plain decimal text with two decimals
 * ("1234.56"), for JSON. */
char *rtext_usd(int64_t micro, char *buf);

/* A price per unit with as many decimals as it has ("$0.01", "$0",
 * "$0.0085"). */
char *rtext_rate(int64_t micro, char *buf);

/* Bytes as GiB with three decimals and thousands separators
 * ("285,689.826"). */
char *rtext_gib(int64_t bytes, char *buf);

/* An integer with thousands separators ("12,345"). */
char *rtext_count(long long v, char *buf);

/* Ten-thousandths as a percentage with two decimals ("23.33 %"). */
char *rtext_percent(long bp, char *buf);

/* Milliseconds to one decimal ("12.3"). */
char *rtext_ms(double ms, char *buf);

/* "2025-06" as "June 2025"; as is when it is not a month. */
char *rtext_month_name(const char *month, char *buf);

/* "2025-06" as "Jun 2025" (for chart axes). */
char *rtext_month_short(const char *month, char *buf);

#endif
