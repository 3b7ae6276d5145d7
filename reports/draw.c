/*
 * draw.c - text, colours, hatching and scales for the report's pictures.
 * See draw.h.
 */
#include <math.h>

#include <pango/pangocairo.h>

#include "draw.h"

/* Set the source of CR to the colour 0xRRGGBB. */
void
draw_colour(cairo_t *cr, unsigned rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0,
			     ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

/* Names are wrapped where they must, but never given hyphens that are
 * not theirs ("cpu-worker-1" must not read "cpu-wor-ker-1"). */
static void
no_hyphens(PangoLayout *l)
{
	PangoAttrList *a = pango_attr_list_new();

	pango_attr_list_insert(a, pango_attr_insert_hyphens_new(FALSE));
	pango_layout_set_attributes(l, a);
	pango_attr_list_unref(a);
}

/* A layout for TEXT in style S, at 72 dpi without hinting, so that text
 * takes the same room on every surface.  The caller unrefs it. */
static PangoLayout *
make_layout(cairo_t *cr, const char *text, const struct draw_style *s)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoContext *ctx = pango_layout_get_context(l);
	PangoFontDescription *fd = pango_font_description_new();
	cairo_font_options_t *fo = cairo_font_options_create();

	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(ctx, 72.0);
	pango_layout_context_changed(l);

	pango_font_description_set_family(fd, DRAW_FONT);
	pango_font_description_set_absolute_size(fd, s->size * PANGO_SCALE);
	pango_font_description_set_weight(fd, s->bold ? PANGO_WEIGHT_BOLD :
					  PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);

	if (s->width > 0) {
		pango_layout_set_width(l, (int)(s->width * PANGO_SCALE));
		if (s->wrap)
			pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		else
			pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		pango_layout_set_alignment(l,
		    s->align == ALIGN_RIGHT ? PANGO_ALIGN_RIGHT :
		    s->align == ALIGN_CENTER ? PANGO_ALIGN_CENTER :
		    PANGO_ALIGN_LEFT);
	}
	pango_layout_set_text(l, text, -1);
	no_hyphens(l);
	return l;
}

/* Width and height of TEXT set in style S, in points. */
void
draw_measure(cairo_t *cr, const char *text, const struct draw_style *s,
	     double *w, double *h)
{
	PangoLayout *l = make_layout(cr, text, s);
	int pw, ph;

	pango_layout_get_size(l, &pw, &ph);
	g_object_unref(l);
	*w = (double)pw / PANGO_SCALE;
	*h = (double)ph / PANGO_SCALE;
}

/* Draw TEXT at (X, Y) in style S; returns its height.  The path
 * of CR is left empty. */
double
draw_text(cairo_t *cr, double x, double y, const char *text,
	  const struct draw_style *s)
{
	PangoLayout *l = make_layout(cr, text, s);
	int pw, ph;

	pango_layout_get_size(l, &pw, &ph);
	cairo_save(cr);
	draw_colour(cr, s->colour);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	cairo_new_path(cr);	/* the path is not part of the saved state */
	cairo_restore(cr);
	g_object_unref(l);
	return (double)ph / PANGO_SCALE;
}

/* Draw TEXT turned anticlockwise, centred on CY, from X. */
void
draw_text_up(cairo_t *cr, double x, double cy, const char *text,
	     const struct draw_style *s)
{
	PangoLayout *l = make_layout(cr, text, s);
	int pw, ph;

	pango_layout_get_size(l, &pw, &ph);
	cairo_save(cr);
	draw_colour(cr, s->colour);
	cairo_translate(cr, x, cy + (double)pw / PANGO_SCALE / 2);
	cairo_rotate(cr, -M_PI / 2);
	cairo_move_to(cr, 0, 0);
	pango_cairo_show_layout(cr, l);
	cairo_new_path(cr);
	cairo_restore(cr);
	g_object_unref(l);
}

/* Diagonal lines 4 pt apart across the rectangle, clipped to it. */
static void
hatch(cairo_t *cr, double x, double y, double w, double h, unsigned col)
{
	double d;

	cairo_save(cr);
	cairo_rectangle(cr, x, y, w, h);
	cairo_clip(cr);
	draw_colour(cr, col);
	cairo_set_line_width(cr, 0.8);
	for (d = -h; d < w; d += 4.0) {
		cairo_move_to(cr, x + d, y + h);
		cairo_line_to(cr, x + d + h, y);
	}
	cairo_stroke(cr);
	cairo_restore(cr);
}

/* A filled (and optionally hatched and outlined) rectangle; an
 * empty one draws nothing. */
void
draw_box(cairo_t *cr, double x, double y, double w, double h,
	 unsigned fill, unsigned hatch_col, unsigned outline)
{
	if (w <= 0 || h <= 0)
		return;
	cairo_save(cr);
	draw_colour(cr, fill);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
	if (hatch_col)
		hatch(cr, x, y, w, h, hatch_col);
	if (outline) {
		draw_colour(cr, outline);
		cairo_set_line_width(cr, 0.6);
		cairo_rectangle(cr, x + 0.3, y + 0.3, w - 0.6, h - 0.6);
		cairo_stroke(cr);
	}
	cairo_restore(cr);
}

/* The panel a chart shows instead of empty axes. */
void
draw_no_data(cairo_t *cr, double x, double y, double w, double h,
	     const char *message)
{
	struct draw_style st = { 11, 1, COL_MUTED, ALIGN_CENTER, w - 20, 1 };
	double tw, th;

	cairo_save(cr);
	draw_colour(cr, 0xf7f7f7);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill_preserve(cr);
	draw_colour(cr, COL_GRID);
	cairo_set_line_width(cr, 1);
	cairo_stroke(cr);
	cairo_restore(cr);
	draw_measure(cr, message, &st, &tw, &th);
	draw_text(cr, x + 10, y + (h - th) / 2, message, &st);
}

/* A round step (1, 2, 2.5 or 5 times a power of ten) giving
 * about five ticks up to MAX, and the axis end *TOP. */
void
draw_axis_scale(double max, double *step, double *top)
{
	double raw, mag, f;

	if (!(max > 0))
		max = 1;
	raw = max / 5;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	*step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) *
	    mag;
	*top = ceil(max / *step - 1e-9) * *step;
	if (*top <= 0)
		*top = *step;
}

/* Drop pango's default font map.  Deliberately no
 * cairo_debug_reset_static_data() or FcFini(): both abort the program
 * when pango's fontconfig threads still hold a font (tests/lsan.supp). */
void
draw_shutdown(void)
{
	pango_cairo_font_map_set_default(NULL);
}
