/*
 * draw.h - the drawing vocabulary the charts and the PDF share: text
 * through pango, the palette, hatching, and axis scales.
 *
 * Owned by the report work.  Units are points (1/72 inch) on every
 * surface: pango is told 72 dpi, so a 9 pt label is 9 units tall in the
 * PDF, the SVG and (scaled by the caller) the PNG.  Text must already be
 * valid UTF-8 (rtext_dup() guarantees it for input strings).  The font
 * is DejaVu Sans (Debian fonts-dejavu-core).
 *
 * The palette is chosen to survive greyscale printing: the series that
 * are compared differ in lightness by a wide step, and the lighter one
 * is also hatched.
 */
#ifndef PLANNER_DRAW_H
#define PLANNER_DRAW_H

#include <cairo.h>

#define DRAW_FONT	"DejaVu Sans"

/* Colours as 0xRRGGBB. */
#define COL_INK		0x222222	/* text, axes */
#define COL_MUTED	0x666666	/* secondary text */
#define COL_GRID	0xdddddd	/* grid lines */
#define COL_DARK	0x1f4e79	/* first series: dark blue */
#define COL_LIGHT	0x9dc3e6	/* second series: light blue, hatched */
#define COL_HATCH	0x2f5f8f	/* hatch lines on COL_LIGHT */
#define COL_ALERT	0xb2182b	/* thresholds, cross-region links */
#define COL_GOOD	0x4d9221	/* goals, same-region links */
#define COL_LAND	0xe4e4e4	/* the world map */
#define COL_COAST	0xa8a8a8
#define COL_STRIPE	0xf2f2f2	/* table zebra rows */

enum draw_align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

/* How a piece of text is set. */
struct draw_style {
	double size;		/* points */
	int bold;
	unsigned colour;	/* 0xRRGGBB */
	enum draw_align align;
	double width;		/* > 0: box width (align, wrap or ellipsis) */
	int wrap;		/* 1: wrap in WIDTH; 0: one line with "..." */
};

/* Set the source colour of CR to 0xRRGGBB. */
void draw_colour(cairo_t *cr, unsigned rgb);

/* Draw TEXT with its top-left corner (or box, when S->width > 0) at
 * (X, Y); returns the height it took. */
double draw_text(cairo_t *cr, double x, double y, const char *text,
		 const struct draw_style *s);

/* The size TEXT would take in style S, without drawing it. */
void draw_measure(cairo_t *cr, const char *text, const struct draw_style *s,
		  double *w, double *h);

/* Draw TEXT rotated a quarter turn anticlockwise, centred vertically on
 * CY, its left edge at X (for vertical axis titles). */
void draw_text_up(cairo_t *cr, double x, double cy, const char *text,
		  const struct draw_style *s);

/* Fill the rectangle with colour FILL and, if HATCH is not 0, diagonal
 * lines of that colour; then outline it with OUTLINE (0: none). */
void draw_box(cairo_t *cr, double x, double y, double w, double h,
	      unsigned fill, unsigned hatch, unsigned outline);

/* The "no data" panel: a framed box with MESSAGE in the middle. */
void draw_no_data(cairo_t *cr, double x, double y, double w, double h,
		  const char *message);

/* A round axis for values in [0, MAX]: *STEP between ticks and *TOP, the
 * axis end (a multiple of *STEP >= MAX, and > 0). */
void draw_axis_scale(double max, double *step, double *top);

/* Drop pango's default font map and the fonts it holds (at exit).  No
 * drawing may follow. */
void draw_shutdown(void);

#endif
