/*
 * datatext.h - reading the tables shipped in data/ (compiled into the
 * binary, see embed.h).
 *
 * The tables are plain text: lines starting with '#' state source,
 * version and licence and are skipped, as are empty lines; the rest are
 * records whose fields are split on one separator byte (',' or TAB) and
 * never quoted.  Numbers are parsed without the C locale (money.h), so a
 * "de_DE" environment cannot turn 45.5 into 45.  Owned by the resolver
 * work; used by regions.c and gazetteer.c.
 */
#ifndef PLANNER_DATATEXT_H
#define PLANNER_DATATEXT_H

#include <stddef.h>

#include "err.h"

/* A cursor over the lines of one embedded file. */
struct dt_lines {
	const char *name;	/* "data/gcp_regions.csv", for messages */
	const char *p, *end;	/* what is left to read */
	int lineno;		/* of the line last returned */
};

/* A field: N bytes at S, not NUL-terminated. */
struct dt_field {
	const char *s;
	size_t n;
};

/* Open the embedded file NAME for reading; P_EDATA if it is missing. */
enum perr_code dt_open(struct dt_lines *l, const char *name,
		       struct perr *e);

/* The next record line (no comment, not empty, without its line end)
 * into *S and *N.  Returns 0 at the end of the file. */
int dt_next(struct dt_lines *l, const char **s, size_t *n);

/* Split S[0..N) at SEP into at most MAX fields; returns how many there
 * are (more than MAX means the line has too many). */
size_t dt_split(const char *s, size_t n, char sep, struct dt_field *f,
		size_t max);

/* Parse F as a decimal number into *OUT; -1 if it is not one. */
int dt_number(const struct dt_field *f, double *out);

/* Copy F into BUF of size SZ as a C string; -1 if it does not fit. */
int dt_copy(const struct dt_field *f, char *buf, size_t sz);

/* Whether F equals the C string S. */
int dt_eq(const struct dt_field *f, const char *s);

/* Record a P_EDATA error naming the file and line of L. */
enum perr_code dt_error(const struct dt_lines *l, struct perr *e,
			const char *what);

#endif
