/*
 * t.h - the smallest test harness that reports like the rest of the suite.
 *
 * A test file defines functions and lists them in main() with T_RUN();
 * T_DONE() prints "file: N passed, N failed" and returns the status.
 * CHECK* macros record a failure with file and line and go on.
 */
#ifndef PLANNER_T_H
#define PLANNER_T_H

#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define CHECK(c) do {							\
	if (c) t_pass++;						\
	else { t_fail++; fprintf(stderr, "%s:%d: CHECK(%s) failed\n",	\
				 __FILE__, __LINE__, #c); }		\
} while (0)

#define CHECK_INT(a, b) do {						\
	long long t_a = (long long)(a), t_b = (long long)(b);		\
	if (t_a == t_b) t_pass++;					\
	else { t_fail++; fprintf(stderr, "%s:%d: %s == %lld, want %lld\n",\
				 __FILE__, __LINE__, #a, t_a, t_b); }	\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *t_a = (a), *t_b = (b);				\
	if (t_a && t_b && strcmp(t_a, t_b) == 0) t_pass++;		\
	else { t_fail++; fprintf(stderr, "%s:%d: %s == \"%s\", want \"%s\"\n",\
				 __FILE__, __LINE__, #a,		\
				 t_a ? t_a : "(null)", t_b ? t_b : "(null)"); } \
} while (0)

#define T_RUN(fn) fn()

#define T_DONE() (printf("%s: %d passed, %d failed\n", __FILE__,	\
			 t_pass, t_fail), t_fail != 0)

#endif
