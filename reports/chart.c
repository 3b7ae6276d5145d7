/*
 * chart.c - the month charts and the bar charts of the report, and
 * writing any chart as PNG or SVG.  See chart.h.
 *
 * Owned by the report work.  Every chart has a title, a line saying
 * what is measured and in which unit, a legend where there is more than
 * one series, and axes labelled with their units.  Numbers on the page
 * are formatted from the integers of the figures (never printf of a
 * double, which would follow the locale).
 */
#include <math.h>
#include <stdio.h>

#include <cairo-svg.h>

#include "chart.h"
#include "draw.h"
#include "money.h"
#include "rtext.h"

#define CHART_W		520.0	/* every chart's width, points */
#define PAD		10.0	/* margin inside the chart */
#define AXIS_W		58.0	/* room for the value axis labels */
#define LABEL_W		196.0	/* row labels of the bar charts */

static const struct draw_style st_title = { 11, 1, COL_INK, 0, 0, 0 };
static const struct draw_style st_sub = { 8, 0, COL_MUTED, 0, 0, 0 };
static const struct draw_style st_legend = { 8, 0, COL_INK, 0, 0, 0 };

static const char *const names[CHART_COUNT] = {
	"savings", "region_pairs", "hit_rate", "latency", "world_map"
};

static const char *const titles[CHART_COUNT] = {
	"Savings per month",
	"Cross-region egress and cost by region pair",
	"Hit rate: pairs in their GPU's region",
	"Latency per region",
	"GPU-to-VM links"
};

/* The file name stem of chart ID ("savings"). */
const char *
chart_name(enum chart_id id)
{
	return names[id];
}

/* The title drawn at the top of chart ID. */
const char *
chart_title(enum chart_id id)
{
	return titles[id];
}

/* ---- pieces ------------------------------------------------------ */

/* White background, title and the line under it; returns the y below. */
static double
header(cairo_t *cr, double w, double h, enum chart_id id, const char *sub)
{
	struct draw_style s = st_sub;
	double y;

	draw_colour(cr, 0xffffff);
	cairo_rectangle(cr, 0, 0, w, h);
	cairo_fill(cr);
	y = PAD + draw_text(cr, PAD, PAD, titles[id], &st_title);
	s.width = w - 2 * PAD;
	s.wrap = 1;
	return y + draw_text(cr, PAD, y + 1, sub, &s) + 4;
}

enum swatch { SW_BOX, SW_HATCH, SW_LINE, SW_DASH, SW_DOT, SW_SQUARE };

/* One legend entry at (X, Y): a swatch and LABEL; returns the x after. */
static double
legend(cairo_t *cr, double x, double y, enum swatch k, unsigned col,
       const char *label)
{
	double tw, th;

	cairo_save(cr);
	if (k == SW_BOX || k == SW_HATCH)
		draw_box(cr, x, y + 2, 14, 8, col,
			 k == SW_HATCH ? COL_HATCH : 0, COL_INK);
	draw_colour(cr, col);
	cairo_set_line_width(cr, 1.6);
	if (k == SW_DASH) {
		double dash[] = { 3, 2 };

		cairo_set_dash(cr, dash, 2, 0);
	}
	if (k == SW_LINE || k == SW_DASH) {
		cairo_move_to(cr, x, y + 6);
		cairo_line_to(cr, x + 14, y + 6);
		cairo_stroke(cr);
	} else if (k == SW_DOT) {
		cairo_new_path(cr);
		cairo_arc(cr, x + 7, y + 6, 3.5, 0, 2 * M_PI);
		cairo_fill(cr);
	} else if (k == SW_SQUARE) {
		draw_box(cr, x + 4, y + 3, 6, 6, 0xffffff, 0, COL_INK);
	}
	cairo_restore(cr);
	draw_measure(cr, label, &st_legend, &tw, &th);
	draw_text(cr, x + 18, y, label, &st_legend);
	return x + 18 + tw + 14;
}

/* Cents as "$1,500" (whole dollars) or "$0.25". */
static void
tick_money(double dollars, double step, char *buf)
{
	int64_t cents = (int64_t)llround(dollars * 100);
	char raw[RTEXT_BUF];

	if (step >= 1 && cents % 100 == 0)
		snprintf(buf, RTEXT_BUF, "$%s", rtext_count(cents / 100, raw));
	else
		rtext_money(cents * 10000, buf);
}

/* Horizontal grid lines and value labels left of PL, 0 .. TOP. */
static void
value_axis(cairo_t *cr, const struct chart_frame *pl, double top,
	   double step, int money, const char *title)
{
	struct draw_style s = { 7.5, 0, COL_MUTED, ALIGN_RIGHT,
				AXIS_W - 18, 0 };
	struct draw_style t = { 8, 0, COL_INK, 0, 0, 0 };
	char buf[RTEXT_BUF];
	double v, y;

	for (v = 0; v <= top + step / 2; v += step) {
		y = pl->y + pl->h - v / top * pl->h;
		draw_colour(cr, v == 0 ? COL_INK : COL_GRID);
		cairo_set_line_width(cr, v == 0 ? 1 : 0.5);
		cairo_move_to(cr, pl->x, y);
		cairo_line_to(cr, pl->x + pl->w, y);
		cairo_stroke(cr);
		if (money)
			tick_money(v, step, buf);
		else
			snprintf(buf, sizeof(buf), "%ld %%", lround(v));
		draw_text(cr, pl->x - AXIS_W + 12, y - 5, buf, &s);
	}
	draw_text_up(cr, PAD - 2, pl->y + pl->h / 2, title, &t);
}

/* Month labels under the slots of PL: "Jun", with the year under the
 * first slot and under every January. */
static void
month_axis(cairo_t *cr, const struct chart_frame *pl,
	   const struct report_figures *f)
{
	struct draw_style s = { 7.5, 0, COL_INK, ALIGN_CENTER, 0, 0 };
	double slot = pl->w / (double)f->nmonths;
	char buf[RTEXT_BUF];
	size_t i;

	s.width = slot;
	for (i = 0; i < f->nmonths; i++) {
		const char *m = f->months[i].month;
		double x = pl->x + slot * (double)i;

		rtext_month_short(m, buf);
		buf[3] = '\0';
		draw_text(cr, x, pl->y + pl->h + 4, buf, &s);
		if (i == 0 || (m[5] == '0' && m[6] == '1')) {
			snprintf(buf, sizeof(buf), "%.4s", m);
			draw_text(cr, x, pl->y + pl->h + 14, buf, &s);
		}
	}
}

/* Whether any month of F has a plan snapshot. */
static int
any_plan(const struct report_figures *f)
{
	size_t i;

	for (i = 0; i < f->nmonths; i++)
		if (f->months[i].has_plan)
			return 1;
	return 0;
}

/* The plot frame under a header ending at Y, with room for a legend
 * line, the value axis and two lines of month labels. */
static struct chart_frame
month_frame(double w, double h, double y)
{
	struct chart_frame pl;

	pl.x = PAD + AXIS_W;
	pl.y = y + 20;
	pl.w = w - pl.x - PAD;
	pl.h = h - pl.y - 30;
	return pl;
}

/* ---- savings per month ------------------------------------------- */

static double
savings_max(const struct report_figures *f)
{
	int64_t m = 0;
	size_t i;

	for (i = 0; i < f->nmonths; i++) {
		if (f->months[i].projected_micro > m)
			m = f->months[i].projected_micro;
		if (f->months[i].realised_micro > m)
			m = f->months[i].realised_micro;
	}
	return (double)m / MICRO_PER_UNIT;
}

/* "no plan" over the axis of a month without a snapshot. */
static void
no_plan_mark(cairo_t *cr, const struct chart_frame *pl, double cx,
	     double slot)
{
	struct draw_style s = { 7, 0, COL_MUTED, ALIGN_CENTER, 0, 1 };

	s.width = slot - 2;
	draw_text(cr, cx - slot / 2 + 1, pl->y + pl->h - 20, "no plan", &s);
}

static void
savings_bars(cairo_t *cr, const struct chart_frame *pl,
	     const struct report_figures *f, double top)
{
	double slot = pl->w / (double)f->nmonths;
	double bw = fmin(slot * 0.35, 40), cx, hr, hp;
	size_t i;

	for (i = 0; i < f->nmonths; i++) {
		const struct rf_month *m = &f->months[i];

		cx = pl->x + slot * ((double)i + 0.5);
		hr = (double)m->realised_micro / MICRO_PER_UNIT / top * pl->h;
		hp = (double)m->projected_micro / MICRO_PER_UNIT / top *
		    pl->h;
		draw_box(cr, cx - bw - 1, pl->y + pl->h - hr, bw, hr,
			 COL_DARK, 0, 0);
		if (m->has_plan)
			draw_box(cr, cx + 1, pl->y + pl->h - hp, bw, hp,
				 COL_LIGHT, COL_HATCH, COL_HATCH);
		else
			no_plan_mark(cr, pl, cx, slot);
	}
}

static void
draw_savings(cairo_t *cr, double w, double h,
	     const struct report_figures *f, struct chart_frame *pl)
{
	double y, x, step, top;

	y = header(cr, w, h, CHART_SAVINGS, "US dollars per month, last 12 "
		   "months. Realised: saved by completed moves. Projected: "
		   "what moving the pairs that still cross regions would "
		   "save.");
	*pl = month_frame(w, h, y);
	if (!any_plan(f)) {
		draw_no_data(cr, pl->x, pl->y, pl->w, pl->h, "No data: no "
			     "plan for this month or the 11 before it");
		return;
	}
	x = legend(cr, PAD + AXIS_W, y, SW_BOX, COL_DARK,
		   "realised (completed moves)");
	legend(cr, x, y, SW_HATCH, COL_LIGHT,
	       "projected (pairs still crossing regions)");
	draw_axis_scale(savings_max(f), &step, &top);
	value_axis(cr, pl, top, step, 1, "US$ per month");
	savings_bars(cr, pl, f, top);
	month_axis(cr, pl, f);
}

/* ---- hit rate ---------------------------------------------------- */

/* Marker and value label of month I at (X, Y). */
static void
hit_marker(cairo_t *cr, double x, double y, long bp)
{
	struct draw_style s = { 7.5, 1, COL_INK, ALIGN_CENTER, 40, 0 };
	char buf[RTEXT_BUF], raw[40];

	draw_colour(cr, COL_DARK);
	cairo_new_path(cr);
	cairo_arc(cr, x, y, 3.5, 0, 2 * M_PI);
	cairo_fill(cr);
	snprintf(buf, sizeof(buf), "%s %%",
		 dec_format((bp + 5) / 10, 1, raw, sizeof(raw)));
	draw_text(cr, x - 20, y - 15, buf, &s);
}

/* The height of BP ten-thousandths in PL, kept inside 0 .. 100 %. */
static double
hit_y(const struct chart_frame *pl, long bp)
{
	double v = bp < 0 ? 0 : bp > 10000 ? 1 : bp / 10000.0;

	return pl->y + pl->h - v * pl->h;
}

static void
hit_line(cairo_t *cr, const struct chart_frame *pl,
	 const struct report_figures *f)
{
	double slot = pl->w / (double)f->nmonths, x, y;
	int pen = 0;
	size_t i;

	draw_colour(cr, COL_DARK);
	cairo_set_line_width(cr, 1.6);
	for (i = 0; i < f->nmonths; i++) {
		if (!f->months[i].has_hit_rate) {
			pen = 0;	/* a gap stays a gap */
			continue;
		}
		x = pl->x + slot * ((double)i + 0.5);
		y = hit_y(pl, f->months[i].hit_bp);
		if (pen)
			cairo_line_to(cr, x, y);
		else
			cairo_move_to(cr, x, y);
		pen = 1;
	}
	cairo_stroke(cr);
	for (i = 0; i < f->nmonths; i++)
		if (!f->months[i].has_plan)
			no_plan_mark(cr, pl, pl->x + slot * ((double)i + 0.5),
				     slot);
		else if (f->months[i].has_hit_rate)
			hit_marker(cr, pl->x + slot * ((double)i + 0.5),
				   hit_y(pl, f->months[i].hit_bp),
				   f->months[i].hit_bp);
}

static void
goal_line(cairo_t *cr, const struct chart_frame *pl)
{
	double dash[] = { 4, 3 };
	double y = pl->y + pl->h - REPORT_HIT_RATE_GOAL_BP / 10000.0 * pl->h;

	cairo_save(cr);
	draw_colour(cr, COL_GOOD);
	cairo_set_line_width(cr, 1.2);
	cairo_set_dash(cr, dash, 2, 0);
	cairo_move_to(cr, pl->x, y);
	cairo_line_to(cr, pl->x + pl->w, y);
	cairo_stroke(cr);
	cairo_restore(cr);
}

static int
any_hit_rate(const struct report_figures *f)
{
	size_t i;

	for (i = 0; i < f->nmonths; i++)
		if (f->months[i].has_hit_rate)
			return 1;
	return 0;
}

static void
draw_hit_rate(cairo_t *cr, double w, double h,
	      const struct report_figures *f, struct chart_frame *pl)
{
	double y, x;

	y = header(cr, w, h, CHART_HIT_RATE, "Share of the pairs whose "
		   "location is known that have the CPU VM in the GPU's "
		   "region, per month.");
	*pl = month_frame(w, h, y);
	if (!any_hit_rate(f)) {
		draw_no_data(cr, pl->x, pl->y, pl->w, pl->h, "No data: no "
			     "pair with a known location in these months");
		return;
	}
	x = legend(cr, PAD + AXIS_W, y, SW_DOT, COL_DARK, "hit rate");
	legend(cr, x, y, SW_DASH, COL_GOOD, "goal: 95 %");
	value_axis(cr, pl, 100, 20, 0, "pairs in place (%)");
	goal_line(cr, pl);
	hit_line(cr, pl, f);
	month_axis(cr, pl, f);
}

/* ---- region pairs ------------------------------------------------ */

/* A horizontal bar of LEN points in row band Y with its value label. */
static void
row_bar(cairo_t *cr, double x, double y, double len, int light,
	const char *value)
{
	struct draw_style s = { 7.5, 0, COL_INK, 0, 0, 0 };

	if (light)
		draw_box(cr, x, y + 5, len, 12, COL_LIGHT, COL_HATCH,
			 COL_HATCH);
	else
		draw_box(cr, x, y + 5, len, 12, COL_DARK, 0, 0);
	draw_text(cr, x + len + 3, y + 6, value, &s);
}

/* The label of region pair R, into BUF of N bytes. */
static void
pair_label(const struct rf_region_pair *r, char *buf, size_t n)
{
	if (r->other)
		snprintf(buf, n, "%ld other region pair%s", r->region_pairs,
			 r->region_pairs == 1 ? "" : "s");
	else
		snprintf(buf, n, "%s \xe2\x86\x92 %s",
			 r->from_region ? r->from_region : "?",
			 r->to_region ? r->to_region : "?");
}

static void
region_rows(cairo_t *cr, const struct chart_frame *pl,
	    const struct report_figures *f, double pw)
{
	struct draw_style ls = { 7.5, 0, COL_INK, ALIGN_RIGHT, LABEL_W - 8,
				 0 };
	int64_t me = 1, mc = 1;
	char label[600], v[RTEXT_BUF], g[RTEXT_BUF];
	size_t i;

	for (i = 0; i < f->nregion_pairs; i++) {
		me = f->region_pairs[i].egress_bytes > me ?
		    f->region_pairs[i].egress_bytes : me;
		mc = f->region_pairs[i].cost_micro > mc ?
		    f->region_pairs[i].cost_micro : mc;
	}
	for (i = 0; i < f->nregion_pairs; i++) {
		const struct rf_region_pair *r = &f->region_pairs[i];
		double y = pl->y + CHART_ROW * (double)i;

		ls.colour = r->other ? COL_MUTED : COL_INK;
		pair_label(r, label, sizeof(label));
		draw_text(cr, PAD, y + 6, label, &ls);
		snprintf(v, sizeof(v), "%s GiB", rtext_gib(r->egress_bytes, g));
		row_bar(cr, pl->x, y, (double)r->egress_bytes / (double)me *
			(pw - 70), 1, v);
		row_bar(cr, pl->x + pw + 10, y, (double)r->cost_micro /
			(double)mc * (pw - 50), 0, rtext_money(r->cost_micro,
							       g));
	}
}

static void
draw_region_pairs(cairo_t *cr, double w, double h,
		  const struct report_figures *f, struct chart_frame *pl)
{
	struct draw_style s = { 8, 1, COL_INK, 0, 0, 0 };
	double y, pw;

	y = header(cr, w, h, CHART_REGION_PAIRS, "The ten costliest pairs "
		   "of regions (CPU VM region \xe2\x86\x92 GPU region) this "
		   "month, then all others together.");
	pl->x = PAD + LABEL_W;
	pl->y = y + 18;
	pl->w = w - pl->x - PAD;
	pl->h = h - pl->y - PAD;
	if (f->nregion_pairs == 0) {
		draw_no_data(cr, PAD, pl->y, w - 2 * PAD, pl->h, "No data: "
			     "no pair crosses regions this month");
		return;
	}
	pw = (pl->w - 10) / 2;
	draw_text(cr, pl->x, y + 2, "Egress (GiB per month)", &s);
	draw_text(cr, pl->x + pw + 10, y + 2, "Cost now (US$ per month)",
		  &s);
	region_rows(cr, pl, f, pw);
}

/* ---- latency ----------------------------------------------------- */

static size_t
latency_rows(const struct report_figures *f)
{
	return f->nlatency < CHART_MAX_LATENCY_ROWS ? f->nlatency :
	    CHART_MAX_LATENCY_ROWS;
}

static void
latency_axis(cairo_t *cr, const struct chart_frame *pl, double top,
	     double step)
{
	struct draw_style s = { 7.5, 0, COL_MUTED, ALIGN_CENTER, 40, 0 };
	struct draw_style t = { 8, 0, COL_INK, ALIGN_CENTER, 0, 0 };
	char buf[RTEXT_BUF];
	double v, x;

	for (v = 0; v <= top + step / 2; v += step) {
		x = pl->x + v / top * pl->w;
		draw_colour(cr, v == 0 ? COL_INK : COL_GRID);
		cairo_set_line_width(cr, v == 0 ? 1 : 0.5);
		cairo_move_to(cr, x, pl->y);
		cairo_line_to(cr, x, pl->y + pl->h);
		cairo_stroke(cr);
		if (step >= 1)
			snprintf(buf, sizeof(buf), "%ld", lround(v));
		else
			rtext_ms(v, buf);
		draw_text(cr, x - 20, pl->y + pl->h + 3, buf, &s);
	}
	t.width = pl->w;
	draw_text(cr, pl->x, pl->y + pl->h + 14, "round-trip time (ms)", &t);
}

static void
latency_limit(cairo_t *cr, const struct chart_frame *pl, double top)
{
	struct draw_style s = { 7.5, 1, COL_ALERT, 0, 0, 0 };
	double dash[] = { 4, 3 };
	double x = pl->x + REPORT_LATENCY_GOAL_MS / top * pl->w;

	cairo_save(cr);
	draw_colour(cr, COL_ALERT);
	cairo_set_line_width(cr, 1.4);
	cairo_set_dash(cr, dash, 2, 0);
	cairo_move_to(cr, x, pl->y - 4);
	cairo_line_to(cr, x, pl->y + pl->h);
	cairo_stroke(cr);
	cairo_restore(cr);
	draw_text(cr, x + 3, pl->y - 12, "20 ms", &s);
}

static void
latency_bars(cairo_t *cr, const struct chart_frame *pl,
	     const struct report_figures *f, double top)
{
	struct draw_style ls = { 7.5, 0, COL_INK, ALIGN_RIGHT, 0, 0 };
	struct draw_style vs = { 7, 0, COL_INK, 0, 0, 0 };
	char a[RTEXT_BUF], b[RTEXT_BUF], v[2 * RTEXT_BUF + 16];
	size_t i;

	ls.width = pl->x - PAD - 8;
	for (i = 0; i < latency_rows(f); i++) {
		const struct rf_latency *l = &f->latency[i];
		double y = pl->y + CHART_ROW * (double)i;
		double lm = l->median_ms / top * pl->w;
		double lp = l->p95_ms / top * pl->w;

		draw_text(cr, PAD, y + 6, l->region ? l->region : "?", &ls);
		draw_box(cr, pl->x, y + 3, lm, 7, COL_DARK, 0, 0);
		draw_box(cr, pl->x, y + 11, lp, 7, COL_LIGHT, COL_HATCH,
			 COL_HATCH);
		snprintf(v, sizeof(v), "%s / %s ms", rtext_ms(l->median_ms, a),
			 rtext_ms(l->p95_ms, b));
		draw_text(cr, pl->x + fmax(lm, lp) + 3, y + 6, v, &vs);
	}
}

static void
latency_note(cairo_t *cr, const struct report_figures *f, double y)
{
	struct draw_style s = st_sub;
	char buf[96];

	if (f->nlatency <= CHART_MAX_LATENCY_ROWS)
		return;
	snprintf(buf, sizeof(buf), "and %zu more regions (see the table)",
		 f->nlatency - CHART_MAX_LATENCY_ROWS);
	draw_text(cr, PAD, y, buf, &s);
}

static void
draw_latency(cairo_t *cr, double w, double h,
	     const struct report_figures *f, struct chart_frame *pl)
{
	double y, x, step, top, m = REPORT_LATENCY_GOAL_MS * 1.25;
	size_t i;

	y = header(cr, w, h, CHART_LATENCY, "Round trip between GPU hosts "
		   "and their CPU VMs this month, by VM region; the goal is "
		   "under 20 ms. Labels: median / 95th percentile.");
	pl->x = PAD + 120;
	pl->y = y + 30;
	pl->w = w - pl->x - PAD - 70;
	pl->h = h - pl->y - 30 - (f->nlatency > CHART_MAX_LATENCY_ROWS) * 12;
	if (f->nlatency == 0) {
		draw_no_data(cr, PAD, pl->y, w - 2 * PAD, h - pl->y - PAD,
			     "No latency measurements yet: they are taken "
			     "when a migration wave validates a moved VM");
		return;
	}
	x = legend(cr, PAD + 120, y, SW_BOX, COL_DARK, "median");
	x = legend(cr, x, y, SW_HATCH, COL_LIGHT, "95th percentile");
	legend(cr, x, y, SW_DASH, COL_ALERT, "20 ms limit");
	for (i = 0; i < latency_rows(f); i++)
		m = fmax(m, f->latency[i].p95_ms);
	draw_axis_scale(m, &step, &top);
	latency_axis(cr, pl, top, step);
	latency_limit(cr, pl, top);
	latency_bars(cr, pl, f, top);
	latency_note(cr, f, pl->y + pl->h + 28);
}

/* ---- any chart --------------------------------------------------- */

/* The size of chart ID for F, in points: the bar charts grow
 * with their rows. */
void
chart_size(enum chart_id id, const struct report_figures *f, double *w,
	   double *h)
{
	*w = CHART_W;
	switch (id) {
	case CHART_REGION_PAIRS:
		*h = f->nregion_pairs ? 72 + CHART_ROW *
		    (double)f->nregion_pairs : 200;
		break;
	case CHART_LATENCY:
		*h = f->nlatency ? 110 + CHART_ROW * (double)latency_rows(f) +
		    (f->nlatency > CHART_MAX_LATENCY_ROWS) * 12 : 200;
		break;
	case CHART_MAP:
		*h = 282;
		break;
	default:
		*h = 280;
	}
}

/* Draw chart ID at the origin of CR; see chart.h for the layout
 * rules the tests rely on. */
void
chart_draw(enum chart_id id, cairo_t *cr, const struct report_figures *f,
	   struct chart_frame *plot)
{
	struct chart_frame pl = { 0, 0, 0, 0 };
	double w, h;

	chart_size(id, f, &w, &h);
	cairo_save(cr);
	if (id == CHART_SAVINGS)
		draw_savings(cr, w, h, f, &pl);
	else if (id == CHART_REGION_PAIRS)
		draw_region_pairs(cr, w, h, f, &pl);
	else if (id == CHART_HIT_RATE)
		draw_hit_rate(cr, w, h, f, &pl);
	else if (id == CHART_LATENCY)
		draw_latency(cr, w, h, f, &pl);
	else
		worldmap_draw(cr, w, h, f, &pl);
	cairo_restore(cr);
	if (plot)
		*plot = pl;
}

/* Turn a cairo status into our error. */
static enum perr_code
cairo_fail(cairo_status_t st, const char *what, struct perr *e)
{
	if (st == CAIRO_STATUS_SUCCESS)
		return P_OK;
	return perr_set(e, st == CAIRO_STATUS_NO_MEMORY ? P_ENOMEM : P_EIO,
			"%s: %s", what, cairo_status_to_string(st));
}

/* Chart ID as a PNG of SCALE pixels per point through FN;
 * P_EIO or P_ENOMEM when cairo fails. */
enum perr_code
chart_png(enum chart_id id, const struct report_figures *f, double scale,
	  cairo_write_func_t fn, void *closure, struct perr *e)
{
	cairo_surface_t *s;
	cairo_status_t st;
	cairo_t *cr;
	double w, h;

	chart_size(id, f, &w, &h);
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
				       (int)ceil(w * scale),
				       (int)ceil(h * scale));
	cr = cairo_create(s);
	cairo_scale(cr, scale, scale);
	chart_draw(id, cr, f, NULL);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_write_to_png_stream(s, fn, closure);
	cairo_surface_destroy(s);
	return cairo_fail(st, names[id], e);
}

/* Chart ID as an SVG document through FN; P_EIO or P_ENOMEM
 * when cairo fails. */
enum perr_code
chart_svg(enum chart_id id, const struct report_figures *f,
	  cairo_write_func_t fn, void *closure, struct perr *e)
{
	cairo_surface_t *s;
	cairo_status_t st;
	cairo_t *cr;
	double w, h;

	chart_size(id, f, &w, &h);
	s = cairo_svg_surface_create_for_stream(fn, closure, w, h);
	cr = cairo_create(s);
	chart_draw(id, cr, f, NULL);
	st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	return cairo_fail(st, names[id], e);
}
