/*
 * chart.h - the report's charts, drawn with cairo on any surface.
 *
 * Owned by the report work.  Each chart is drawn from the figures alone
 * (figures.h) by chart_draw(), in points, at the size chart_size()
 * gives; the PDF draws them straight onto its pages, and chart_png() /
 * chart_svg() write them as files.  A chart with nothing to show draws
 * a "no data" panel instead of empty axes.
 *
 * Layout rules the tests rely on: in the month charts (savings, hit
 * rate) month i of n occupies the i-th of n equal slots across the plot
 * frame; in the savings chart the realised bar sits just left of the
 * slot's centre and the projected bar just right of it.  In the bar
 * charts (region pairs, latency) row i occupies the i-th band of
 * CHART_ROW points from the top of the frame.
 */
#ifndef PLANNER_CHART_H
#define PLANNER_CHART_H

#include <cairo.h>

#include "err.h"
#include "figures.h"

enum chart_id {
	CHART_SAVINGS,		/* savings per month, realised and projected */
	CHART_REGION_PAIRS,	/* egress and cost by region pair, top 10 */
	CHART_HIT_RATE,		/* share of pairs in place, per month */
	CHART_LATENCY,		/* median and p95 RTT per region */
	CHART_MAP,		/* world map of GPU-to-VM links */
	CHART_COUNT
};

/* Height of one row of the bar charts, in points. */
#define CHART_ROW	22.0

/* At most this many regions in the latency chart (highest p95 first);
 * the chart says how many more there are. */
#define CHART_MAX_LATENCY_ROWS	20

/* The plot area of a drawn chart, in chart points. */
struct chart_frame {
	double x, y, w, h;
};

/* File name stem ("savings") and title of chart ID. */
const char *chart_name(enum chart_id id);
const char *chart_title(enum chart_id id);

/* The size of chart ID for figures F, in points. */
void chart_size(enum chart_id id, const struct report_figures *f,
		double *w, double *h);

/* Draw chart ID with its top-left corner at the origin of CR; the plot
 * area goes to *PLOT (if not NULL). */
void chart_draw(enum chart_id id, cairo_t *cr,
		const struct report_figures *f, struct chart_frame *plot);

/* Chart ID as PNG (SCALE pixels per point) or SVG, through FN. */
enum perr_code chart_png(enum chart_id id, const struct report_figures *f,
			 double scale, cairo_write_func_t fn, void *closure,
			 struct perr *e);
enum perr_code chart_svg(enum chart_id id, const struct report_figures *f,
			 cairo_write_func_t fn, void *closure,
			 struct perr *e);

/* The world map (worldmap.c), drawn by chart_draw(CHART_MAP, ...). */
void worldmap_draw(cairo_t *cr, double w, double h,
		   const struct report_figures *f, struct chart_frame *plot);

/* Where (LAT, LON) falls on a map drawn in PLOT. */
void worldmap_project(const struct chart_frame *plot, double lat,
		      double lon, double *x, double *y);

#endif
