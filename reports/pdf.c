/*
 * pdf.c - the printable report.  See pdf.h.
 *
 * Owned by the report work.  A small flow layout: a cursor moves down
 * the page, and anything that does not fit below it (a chart, a table
 * row, a heading with the line after it) starts a new page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "chart.h"
#include "draw.h"
#include "pdf.h"
#include "rtext.h"
#include "summary.h"

#define PAGE_W		595.276		/* A4, points */
#define PAGE_H		841.890
#define MARGIN		42.0
#define TOP		48.0
#define BOTTOM		56.0		/* room for the footer */
#define CONTENT_W	(PAGE_W - 2 * MARGIN)
#define MAX_COLS	9

/* The pair tables in print stop after this many rows.  A reader of the
 * PDF wants the pairs that matter most and what the rest add up to;
 * thousands of rows made hundreds of pages nobody prints, and laying
 * them out took most of the report's time.  report.html and
 * report.json keep every pair. */
#define PDF_PAIR_ROWS	100

struct pdoc {
	cairo_surface_t *s;
	cairo_t *cr;
	const struct report_figures *f;
	double y;			/* the cursor */
	int page;
	int oom;			/* memory ran out */
};

/* A table: column heads, widths in points, numeric (right-aligned),
 * and the text size (0: the default). */
struct ptable {
	int ncols;
	const char *head[MAX_COLS];
	double width[MAX_COLS];
	int numeric[MAX_COLS];
	double size;
};

#define TABLE_SIZE	7.5	/* points */

static const struct draw_style st_body = { 9, 0, COL_INK, 0, CONTENT_W,
					   1 };
static const struct draw_style st_note = { 8, 0, COL_MUTED, 0, CONTENT_W,
					   1 };

/* ---- pages ------------------------------------------------------- */

static void
footer(struct pdoc *d)
{
	struct draw_style s = { 7.5, 0, COL_MUTED, ALIGN_RIGHT, CONTENT_W,
				0 };
	char m[RTEXT_BUF], buf[128];

	snprintf(buf, sizeof(buf), "Cross-region traffic savings, %s "
		 "\xe2\x80\x94 page %d", rtext_month_name(d->f->month, m),
		 d->page);
	draw_text(d->cr, MARGIN, PAGE_H - BOTTOM + 20, buf, &s);
}

static void
new_page(struct pdoc *d)
{
	cairo_show_page(d->cr);
	d->page++;
	d->y = TOP;
	footer(d);
}

/* Make room for H points below the cursor. */
static void
need(struct pdoc *d, double h)
{
	if (d->y + h > PAGE_H - BOTTOM && d->y > TOP)
		new_page(d);
}

static void
text(struct pdoc *d, const char *s, const struct draw_style *st)
{
	double w, h;

	draw_measure(d->cr, s, st, &w, &h);
	need(d, h);
	d->y += draw_text(d->cr, MARGIN, d->y, s, st);
}

/* A section heading, kept on the page with KEEP points after it. */
static void
heading(struct pdoc *d, const char *s, double keep)
{
	struct draw_style st = { 13, 1, COL_INK, 0, CONTENT_W, 1 };

	need(d, 30 + keep);
	d->y += 12;
	cairo_pdf_surface_add_outline(d->s, CAIRO_PDF_OUTLINE_ROOT, s, "",
				      0);
	d->y += draw_text(d->cr, MARGIN, d->y, s, &st) + 6;
}

/* ---- tables ------------------------------------------------------ */

static double
row_height(struct pdoc *d, const struct ptable *t, const char *const *cell,
	   int bold)
{
	struct draw_style s = { TABLE_SIZE, 0, COL_INK, 0, 0, 1 };
	double h = 0, w, ch;
	int i;

	s.bold = bold;
	if (t->size > 0)
		s.size = t->size;
	for (i = 0; i < t->ncols; i++) {
		s.width = t->width[i] - 6;
		draw_measure(d->cr, cell[i], &s, &w, &ch);
		h = ch > h ? ch : h;
	}
	return h + 5;
}

static void
row_draw(struct pdoc *d, const struct ptable *t, const char *const *cell,
	 int bold, int stripe, double h)
{
	struct draw_style s = { TABLE_SIZE, 0, COL_INK, 0, 0, 1 };
	double x = MARGIN;
	int i;

	if (stripe)
		draw_box(d->cr, MARGIN, d->y, CONTENT_W, h, COL_STRIPE, 0, 0);
	s.bold = bold;
	if (t->size > 0)
		s.size = t->size;
	for (i = 0; i < t->ncols; i++) {
		s.width = t->width[i] - 6;
		s.align = t->numeric[i] ? ALIGN_RIGHT : ALIGN_LEFT;
		draw_text(d->cr, x + 3, d->y + 2.5, cell[i], &s);
		x += t->width[i];
	}
	if (bold) {
		draw_colour(d->cr, COL_MUTED);
		cairo_set_line_width(d->cr, 0.8);
		cairo_move_to(d->cr, MARGIN, d->y + h);
		cairo_line_to(d->cr, MARGIN + CONTENT_W, d->y + h);
		cairo_stroke(d->cr);
	}
	d->y += h;
}

static void
table_head(struct pdoc *d, const struct ptable *t)
{
	double h = row_height(d, t, t->head, 1);

	row_draw(d, t, t->head, 1, 0, h);
}

/* Row N of table T; a row that starts a page brings the head along. */
static void
table_row(struct pdoc *d, const struct ptable *t, const char *const *cell,
	  size_t n)
{
	double h = row_height(d, t, cell, 0);
	int page = d->page;

	need(d, h);
	if (d->page != page)
		table_head(d, t);
	row_draw(d, t, cell, 0, n % 2 == 1, h);
}

/* Start table T under a heading, with NOTE (or NULL) between the two;
 * "None." is said when it has no rows. */
static int
table_start(struct pdoc *d, const struct ptable *t, const char *title,
	    size_t rows, const char *note)
{
	double w, h = 0;

	if (rows && note)
		draw_measure(d->cr, note, &st_note, &w, &h);
	heading(d, title, rows ? 40 + h + 4 : 12);
	if (rows == 0) {
		text(d, "None.", &st_body);
		return 0;
	}
	if (note) {
		text(d, note, &st_note);
		d->y += 4;
	}
	table_head(d, t);
	return 1;
}

/* The line under a shortened table: TEXT, set apart from the rows. */
static void
table_end_note(struct pdoc *d, const char *s)
{
	d->y += 4;
	text(d, s, &st_note);
}

/* ---- the summary ------------------------------------------------- */

static void
kv(struct pdoc *d, const char *label, const char *value, size_t n)
{
	static const struct ptable t = { 2, { "", "" }, { 300, CONTENT_W -
						       300 }, { 0, 1 }, 9 };
	const char *cell[2];

	cell[0] = label;
	cell[1] = value;
	table_row(d, &t, cell, n);
}

static void
assumptions(struct pdoc *d)
{
	char buf[600];

	summary_assumptions(d->f, buf, sizeof(buf));
	d->y += 6;
	text(d, buf, &st_note);
}

static void
title(struct pdoc *d)
{
	struct draw_style big = { 20, 1, COL_INK, 0, CONTENT_W, 1 };
	struct draw_style sub = { 14, 0, COL_INK, 0, CONTENT_W, 1 };
	char m[RTEXT_BUF], buf[200];

	text(d, "Cross-region traffic savings", &big);
	text(d, rtext_month_name(d->f->month, m), &sub);
	snprintf(buf, sizeof(buf), "GPU hosts on Vast.ai and their CPU VMs "
		 "on Google Cloud. Generated %s%s%s.", d->f->generated_at,
		 d->f->has_plan ? " from the plan made " : "",
		 d->f->has_plan ? d->f->plan_created_at : "");
	d->y += 4;
	text(d, buf, &st_note);
}

static void
summary(struct pdoc *d)
{
	struct draw_style warn = { 10, 1, COL_ALERT, 0, CONTENT_W, 1 };
	struct summary_row rows[SUMMARY_MAX_ROWS];
	char m[RTEXT_BUF], buf[160];
	size_t i, n;

	heading(d, "Summary", 200);
	if (!d->f->has_plan) {
		snprintf(buf, sizeof(buf), "No data: there is no plan for %s. "
			 "Run the nightly job with --month %s.",
			 rtext_month_name(d->f->month, m), d->f->month);
		text(d, buf, &warn);
		d->y += 6;
	}
	n = summary_rows(d->f, rows);
	for (i = 0; i < n; i++)
		kv(d, rows[i].label, rows[i].value, i);
	if (d->f->has_plan)
		assumptions(d);
}

/* ---- charts ------------------------------------------------------ */

static void
chart(struct pdoc *d, enum chart_id id)
{
	double w, h, k;

	chart_size(id, d->f, &w, &h);
	k = CONTENT_W / w;
	need(d, h * k + 10);
	d->y += 10;
	cairo_pdf_surface_add_outline(d->s, CAIRO_PDF_OUTLINE_ROOT,
				      chart_title(id), "", 0);
	cairo_save(d->cr);
	cairo_translate(d->cr, MARGIN, d->y);
	cairo_scale(d->cr, k, k);
	chart_draw(id, d->cr, d->f, NULL);
	cairo_restore(d->cr);
	d->y += h * k;
}

/* ---- tables ------------------------------------------------------ */

/* How many of N rows a pair table shows in print. */
static size_t
shown_rows(size_t n)
{
	return n < PDF_PAIR_ROWS ? n : PDF_PAIR_ROWS;
}

/* " (12.34 %)": PART's share of WHOLE, or "" when WHOLE is not above
 * zero (a share of nothing says nothing). */
static void
share(int64_t part, int64_t whole, char *buf, size_t n)
{
	char p[RTEXT_BUF];

	if (whole <= 0) {
		*buf = '\0';
		return;
	}
	snprintf(buf, n, " (%s)", rtext_percent((long)((double)part * 10000 /
						       whole + 0.5), p));
}

/* The line after a shortened pair table: how many pairs it left out,
 * what they add up to (WHAT, already formatted), and where they are. */
static void
rest_note(struct pdoc *d, size_t rest, const char *what)
{
	char n[RTEXT_BUF], buf[400];

	snprintf(buf, sizeof(buf), "%s more pair%s (%s) %s not listed here; "
		 "report.html and report.json, written next to this PDF, "
		 "list every pair.", rtext_count((long long)rest, n),
		 rest == 1 ? "" : "s", what, rest == 1 ? "is" : "are");
	table_end_note(d, buf);
}

static void
pairs_table(struct pdoc *d)
{
	static const struct ptable t = { 8,
		{ "GPU", "GPU location", "GPU's best zone", "CPU VM",
		  "VM zone", "Egress (GiB)", "Cost now", "Saving" },
		{ 46, 84, 96, 86, 66, 55, 39, 39 },
		{ 0, 0, 0, 0, 0, 1, 1, 1 }, 0 };
	const struct report_figures *f = d->f;
	char id[24], g[RTEXT_BUF], c[RTEXT_BUF], s[RTEXT_BUF];
	char a[RTEXT_BUF], b[RTEXT_BUF], pc[RTEXT_BUF], note[400];
	const char *cell[8];
	size_t i, n = shown_rows(f->npairs_cross);
	int64_t top = 0, rest = 0;

	for (i = 0; i < f->npairs_cross; i++)
		*(i < n ? &top : &rest) += f->pairs_cross[i].savings_micro;
	share(top, top + rest, pc, sizeof(pc));
	snprintf(note, sizeof(note), "The %s pairs with the largest saving, "
		 "of %s that cross regions: %s%s of the %s a month that "
		 "moving them all would save.", rtext_count((long long)n, a),
		 rtext_count((long long)f->npairs_cross, b),
		 rtext_money(top, c), pc, rtext_money(top + rest, s));
	if (!table_start(d, &t, "Pairs that cross regions, largest saving "
			 "first", f->npairs_cross, n < f->npairs_cross ?
			 note : NULL))
		return;
	for (i = 0; i < n; i++) {
		const struct rf_pair *p = &f->pairs_cross[i];

		snprintf(id, sizeof(id), "%lld", p->gpu_id);
		cell[0] = id;
		cell[1] = p->gpu_location ? (*p->gpu_location ?
					     p->gpu_location : "(empty)") :
		    "(unknown)";
		cell[2] = p->best_zone ? p->best_zone : "-";
		cell[3] = p->cpu_name ? p->cpu_name : "";
		cell[4] = p->cpu_zone ? p->cpu_zone : "";
		cell[5] = rtext_gib(p->egress_bytes, g);
		cell[6] = rtext_money(p->cost_micro, c);
		cell[7] = rtext_money(p->savings_micro, s);
		table_row(d, &t, cell, i);
	}
	if (n < f->npairs_cross) {
		snprintf(note, sizeof(note), "saving %s a month",
			 rtext_money(rest, s));
		rest_note(d, f->npairs_cross - n, note);
	}
}

static void
region_pairs_table(struct pdoc *d)
{
	static const struct ptable t = { 5,
		{ "CPU VM region", "GPU region", "Pairs", "Egress (GiB)",
		  "Cost now" },
		{ 150, 170, 50, 80, 61 }, { 0, 0, 1, 1, 1 }, 0 };
	char n[RTEXT_BUF], g[RTEXT_BUF], c[RTEXT_BUF], o[RTEXT_BUF];
	const char *cell[5];
	size_t i;

	if (d->f->nregion_pairs == 0)
		return;
	table_start(d, &t, "Cross-region traffic by region pair",
		    d->f->nregion_pairs, NULL);
	for (i = 0; i < d->f->nregion_pairs; i++) {
		const struct rf_region_pair *r = &d->f->region_pairs[i];

		snprintf(o, sizeof(o), "%ld other region pairs",
			 r->region_pairs);
		cell[0] = r->other ? o : r->from_region ? r->from_region : "?";
		cell[1] = r->other ? "" : r->to_region ? r->to_region : "?";
		cell[2] = rtext_count(r->pairs, n);
		cell[3] = rtext_gib(r->egress_bytes, g);
		cell[4] = rtext_money(r->cost_micro, c);
		table_row(d, &t, cell, i);
	}
}

/* An unpriced pair's place in the PDF: most egress first, then the
 * query's order (by VM name). */
struct by_egress {
	int64_t bytes;
	size_t i;
};

static int
by_egress_cmp(const void *va, const void *vb)
{
	const struct by_egress *a = va, *b = vb;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* The unpriced pairs by egress, most first (NULL when memory runs out,
 * which *D records). */
static struct by_egress *
unpriced_order(struct pdoc *d)
{
	const struct report_figures *f = d->f;
	struct by_egress *o;
	size_t i;

	if ((o = calloc(f->npairs_unpriced, sizeof(*o))) == NULL) {
		d->oom = 1;
		return NULL;
	}
	for (i = 0; i < f->npairs_unpriced; i++) {
		o[i].bytes = f->pairs_unpriced[i].egress_bytes;
		o[i].i = i;
	}
	qsort(o, f->npairs_unpriced, sizeof(*o), by_egress_cmp);
	return o;
}

/* The pairs the plan could not price; in print the ones with the most
 * traffic come first, as they weigh most on the month's figures. */
static void
unpriced_table(struct pdoc *d)
{
	static const struct ptable t = { 6,
		{ "GPU", "GPU location", "Method", "CPU VM", "VM zone",
		  "Egress (GiB)" },
		{ 50, 130, 90, 95, 86, 60 }, { 0, 0, 0, 0, 0, 1 }, 0 };
	const struct report_figures *f = d->f;
	struct by_egress *o = NULL;
	char id[24], g[RTEXT_BUF], a[RTEXT_BUF], b[RTEXT_BUF];
	char pc[RTEXT_BUF], all[RTEXT_BUF], note[400];
	const char *cell[6];
	size_t i, n = shown_rows(f->npairs_unpriced);
	int64_t top = 0, rest = 0;

	if (f->npairs_unpriced > 0 && (o = unpriced_order(d)) == NULL)
		return;
	for (i = 0; i < f->npairs_unpriced; i++)
		*(i < n ? &top : &rest) += o[i].bytes;
	share(top, top + rest, pc, sizeof(pc));
	snprintf(note, sizeof(note), "The %s pairs with the most egress, of "
		 "%s not priced: %s GiB%s of %s GiB.",
		 rtext_count((long long)n, a),
		 rtext_count((long long)f->npairs_unpriced, b),
		 rtext_gib(top, g), pc, rtext_gib(top + rest, all));
	if (!table_start(d, &t, "Pairs not priced (GPU location unknown or "
			 "only a large country), most egress first",
			 f->npairs_unpriced, n < f->npairs_unpriced ? note :
			 NULL)) {
		free(o);
		return;
	}
	for (i = 0; i < n; i++) {
		const struct rf_pair *p = &f->pairs_unpriced[o[i].i];

		snprintf(id, sizeof(id), "%lld", p->gpu_id);
		cell[0] = id;
		cell[1] = p->gpu_location ? (*p->gpu_location ?
					     p->gpu_location : "(empty)") :
		    "(unknown)";
		cell[2] = p->method ? p->method : "";
		cell[3] = p->cpu_name ? p->cpu_name : "";
		cell[4] = p->cpu_zone ? p->cpu_zone : "";
		cell[5] = rtext_gib(p->egress_bytes, g);
		table_row(d, &t, cell, i);
	}
	if (n < f->npairs_unpriced) {
		snprintf(note, sizeof(note), "%s GiB of egress",
			 rtext_gib(rest, g));
		rest_note(d, f->npairs_unpriced - n, note);
	}
	free(o);
}

/* NULL as "", "" as "(empty)": how list values are shown. */
static const char *
shown(const char *s)
{
	return s == NULL ? "" : *s ? s : "(empty)";
}

static void
unmapped_table(struct pdoc *d)
{
	static const struct ptable t = { 4,
		{ "Location", "GPUs", "First seen", "Last seen" },
		{ 231, 50, 115, 115 }, { 0, 1, 0, 0 }, 0 };
	char n[RTEXT_BUF];
	const char *cell[4];
	size_t i;

	if (!table_start(d, &t, "Unmapped locations", d->f->nunmapped,
			 NULL))
		return;
	for (i = 0; i < d->f->nunmapped; i++) {
		const struct rf_unmapped *u = &d->f->unmapped[i];

		cell[0] = shown(u->location);
		cell[1] = rtext_count(u->count, n);
		cell[2] = shown(u->first_seen);
		cell[3] = shown(u->last_seen);
		table_row(d, &t, cell, i);
	}
}

static void
alerts_table(struct pdoc *d)
{
	static const struct ptable t = { 5,
		{ "Kind", "Subject", "Message", "Times", "Last raised" },
		{ 88, 70, 213, 38, 102 }, { 0, 0, 0, 1, 0 }, 0 };
	char n[RTEXT_BUF];
	const char *cell[5];
	size_t i;

	if (!table_start(d, &t, "Alerts this month", d->f->nalerts, NULL))
		return;
	for (i = 0; i < d->f->nalerts; i++) {
		const struct rf_alert *a = &d->f->alerts[i];

		cell[0] = shown(a->kind);
		cell[1] = shown(a->subject);
		cell[2] = shown(a->message);
		cell[3] = rtext_count(a->times, n);
		cell[4] = shown(a->last_raised);
		table_row(d, &t, cell, i);
	}
}

static void
migrations_table(struct pdoc *d)
{
	static const struct ptable t = { 5,
		{ "CPU VM", "From zone", "To zone", "Finished",
		  "Saving per month" },
		{ 120, 105, 105, 111, 70 }, { 0, 0, 0, 0, 1 }, 0 };
	char m[RTEXT_BUF];
	const char *cell[5];
	size_t i;

	if (!table_start(d, &t, "Migrations completed this month",
			 d->f->nmigrations, NULL))
		return;
	for (i = 0; i < d->f->nmigrations; i++) {
		const struct rf_migration *g = &d->f->migrations[i];

		cell[0] = shown(g->vm_name);
		cell[1] = shown(g->from_zone);
		cell[2] = shown(g->to_zone);
		cell[3] = shown(g->finished_at);
		cell[4] = rtext_money(g->savings_micro, m);
		table_row(d, &t, cell, i);
	}
}

static void
latency_table(struct pdoc *d)
{
	static const struct ptable t = { 5,
		{ "VM region", "Probes answered", "Lost", "Median (ms)",
		  "p95 (ms)" },
		{ 191, 80, 80, 80, 80 }, { 0, 1, 1, 1, 1 }, 0 };
	char a[RTEXT_BUF], b[RTEXT_BUF], c[RTEXT_BUF], p[RTEXT_BUF];
	const char *cell[5];
	size_t i;

	if (d->f->nlatency == 0)
		return;
	table_start(d, &t, "Latency per region", d->f->nlatency, NULL);
	for (i = 0; i < d->f->nlatency; i++) {
		const struct rf_latency *l = &d->f->latency[i];

		cell[0] = shown(l->region);
		cell[1] = rtext_count(l->samples, a);
		cell[2] = rtext_count(l->lost, b);
		cell[3] = rtext_ms(l->median_ms, c);
		cell[4] = rtext_ms(l->p95_ms, p);
		table_row(d, &t, cell, i);
	}
}

/* ---- the document ------------------------------------------------ */

static void
document(struct pdoc *d)
{
	char m[RTEXT_BUF], buf[120];

	snprintf(buf, sizeof(buf), "Cross-region traffic savings, %s",
		 rtext_month_name(d->f->month, m));
	cairo_pdf_surface_set_metadata(d->s, CAIRO_PDF_METADATA_TITLE, buf);
	cairo_pdf_surface_set_metadata(d->s, CAIRO_PDF_METADATA_CREATOR,
				       "planner report");
	d->page = 1;
	d->y = TOP;
	footer(d);
	title(d);
	summary(d);
	chart(d, CHART_SAVINGS);
	chart(d, CHART_HIT_RATE);
	chart(d, CHART_REGION_PAIRS);
	chart(d, CHART_LATENCY);
	chart(d, CHART_MAP);
	pairs_table(d);
	region_pairs_table(d);
	latency_table(d);
	unpriced_table(d);
	unmapped_table(d);
	alerts_table(d);
	migrations_table(d);
}

/* The A4 document for F through FN; P_EIO or P_ENOMEM when
 * cairo fails. */
enum perr_code
pdf_write(const struct report_figures *f, cairo_write_func_t fn,
	  void *closure, struct perr *e)
{
	struct pdoc d;
	cairo_status_t st;

	memset(&d, 0, sizeof(d));
	d.f = f;
	d.s = cairo_pdf_surface_create_for_stream(fn, closure, PAGE_W,
						  PAGE_H);
	d.cr = cairo_create(d.s);
	document(&d);
	st = cairo_status(d.cr);
	if (st == CAIRO_STATUS_SUCCESS && d.oom)
		st = CAIRO_STATUS_NO_MEMORY;
	cairo_destroy(d.cr);
	cairo_surface_finish(d.s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(d.s);
	cairo_surface_destroy(d.s);
	if (st != CAIRO_STATUS_SUCCESS)
		return perr_set(e, st == CAIRO_STATUS_NO_MEMORY ? P_ENOMEM :
				P_EIO, "report.pdf: %s",
				cairo_status_to_string(st));
	return P_OK;
}
