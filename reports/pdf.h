/*
 * pdf.h - report.pdf: the report for print, A4 pages drawn with cairo's
 * PDF surface, text laid out with pango.
 *
 * Owned by the report work.  The document holds what report.html holds,
 * in the same order and with the same numbers (both format through
 * rtext.h): the summary, the charts as vectors, and the tables, whose
 * header row repeats on each page they run onto.  Long names wrap
 * inside their column.
 */
#ifndef PLANNER_PDF_H
#define PLANNER_PDF_H

#include <cairo.h>

#include "err.h"
#include "figures.h"

/* Write the document for F through FN (a cairo write function with
 * CLOSURE). */
enum perr_code pdf_write(const struct report_figures *f,
			 cairo_write_func_t fn, void *closure,
			 struct perr *e);

#endif
