/*
 * summary.h - the report's key figures as the lines a reader sees.
 *
 * Owned by the report work.  The HTML page and the PDF both print the
 * summary from these lines, so they show the same labels and the same
 * numbers, formatted once (rtext.h).  A figure of the month that does
 * not exist (no plan for it) reads "n/a".
 */
#ifndef PLANNER_SUMMARY_H
#define PLANNER_SUMMARY_H

#include <stddef.h>

#include "figures.h"
#include "rtext.h"

#define SUMMARY_MAX_ROWS	16

struct summary_row {
	const char *id;			/* HTML element id ("cost") */
	char label[160];
	char value[RTEXT_BUF * 2];
};

/* Fill ROWS (SUMMARY_MAX_ROWS of them) for F; returns how many. */
size_t summary_rows(const struct report_figures *f,
		    struct summary_row *rows);

/* The rate card and the assumptions behind the figures, one sentence,
 * into BUF of N bytes. */
void summary_assumptions(const struct report_figures *f, char *buf,
			 size_t n);

#endif
