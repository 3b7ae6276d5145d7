/*
 * html.h - report.html: one self-contained page.
 *
 * Owned by the report work.  The page needs nothing but itself: styles
 * inline, each chart embedded as an SVG data URI (its own document, so
 * the charts' internal ids cannot collide), no script that runs (a
 * Content-Security-Policy forbids any), and the figures as JSON in an
 * inert <script type="application/json"> element.  Every string is
 * escaped on the way out; the figures' strings are already valid UTF-8.
 * Elements that hold a key figure carry an id (cost, savings, ...) so
 * tests and scripts can find them.
 */
#ifndef PLANNER_HTML_H
#define PLANNER_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "figures.h"

/* A chart as the page shows it. */
struct html_chart {
	const char *name;		/* file stem, for the element id */
	const char *title;		/* alt text */
	const char *caption;
	const unsigned char *svg;	/* the SVG document */
	size_t svg_len;
};

/* Write S with &, <, >, " and ' as character references. */
void html_escape(FILE *out, const char *s);

/* Write the page for F with N CHARTS and the figures' JSON (from
 * figures_json(), already safe inside a script element) to OUT.  Write
 * errors show in ferror(OUT). */
void html_write(FILE *out, const struct report_figures *f,
		const struct html_chart *charts, size_t n, const char *json);

#endif
