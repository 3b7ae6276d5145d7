/*
 * test_report_chart.c - the report's charts, checked by what they show.
 *
 * Each chart is drawn from figures made here, written as PNG through
 * chart_png(), read back with cairo_image_surface_create_from_png(), and
 * checked by the colours at the places where bars, markers, lines and
 * land must be; the SVG form is checked by counting its elements.
 */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include <cairo.h>

#include "chart.h"
#include "draw.h"
#include "money.h"
#include "outdir.h"
#include "t.h"

#define SCALE	2.0		/* pixels per point, as the report uses */

static char png_path[64];

/* ---- figures ----------------------------------------------------- */

/* N months ending 2025-06; month i saves 125 * (i + 1) dollars
 * projected, 50 * i realised, hit rate 10 % * (i + 1); month GAP (if
 * >= 0) has no plan. */
static void
months(struct report_figures *f, size_t n, int gap)
{
	size_t i;

	f->months = calloc(n, sizeof(*f->months));
	f->nmonths = n;
	for (i = 0; i < n; i++) {
		struct rf_month *m = &f->months[i];
		unsigned k = (unsigned)(6 + 12 - (n - 1 - i)) % 12;

		snprintf(m->month, sizeof(m->month), "%s-%02u",
			 k > 0 && i + 6 >= n ? "2025" : "2024",
			 k == 0 ? 12u : k % 100);
		if ((int)i == gap)
			continue;
		m->has_plan = m->has_hit_rate = 1;
		m->projected_micro = 125000000LL * (int64_t)(i + 1);
		m->realised_micro = 50000000LL * (int64_t)i;
		m->hit_bp = 1000 * (long)(i + 1);
	}
}

/* Region pairs: N rows, the last being "others" when OTHERS. */
static void
region_pairs(struct report_figures *f, size_t n, int others)
{
	size_t i;

	f->region_pairs = calloc(n, sizeof(*f->region_pairs));
	f->nregion_pairs = n;
	for (i = 0; i < n; i++) {
		struct rf_region_pair *r = &f->region_pairs[i];

		r->from_region = strdup("us-central1");
		r->to_region = strdup("northamerica-northeast2-with-a-name-"
				      "long-enough-to-need-cutting");
		r->other = others && i == n - 1;
		r->region_pairs = r->other ? 30 : 1;
		r->pairs = 1;
		r->egress_bytes = (int64_t)(n - i) * 1000 * BYTES_PER_GIB;
		r->cost_micro = (int64_t)(n - i) * 10000000;
	}
}

/* ---- pixels ------------------------------------------------------ */

struct img {
	cairo_surface_t *s;
	unsigned char *data;
	int w, h, stride;
};

/* Draw chart ID for F as a PNG file and read it back. */
static struct img
render(enum chart_id id, const struct report_figures *f,
       struct chart_frame *pl)
{
	struct perr e = { P_OK, "" };
	struct img im;
	cairo_surface_t *dummy;
	cairo_t *cr;
	FILE *fp = fopen(png_path, "wb");

	CHECK(fp != NULL);
	CHECK_INT(chart_png(id, f, SCALE, outdir_file_write, fp, &e), P_OK);
	fclose(fp);
	/* the plot frame, from a drawing on a scratch surface */
	dummy = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
	cr = cairo_create(dummy);
	chart_draw(id, cr, f, pl);
	cairo_destroy(cr);
	cairo_surface_destroy(dummy);
	im.s = cairo_image_surface_create_from_png(png_path);
	CHECK_INT(cairo_surface_status(im.s), CAIRO_STATUS_SUCCESS);
	im.data = cairo_image_surface_get_data(im.s);
	im.w = cairo_image_surface_get_width(im.s);
	im.h = cairo_image_surface_get_height(im.s);
	im.stride = cairo_image_surface_get_stride(im.s);
	return im;
}

/* The colour at chart point (X, Y), as 0xRRGGBB. */
static unsigned
at(const struct img *im, double x, double y)
{
	int px = (int)(x * SCALE), py = (int)(y * SCALE);
	uint32_t v;

	if (px < 0 || py < 0 || px >= im->w || py >= im->h)
		return 0x1000000;
	memcpy(&v, im->data + py * im->stride + px * 4, 4);
	return v & 0xffffff;
}

static int
near(unsigned a, unsigned b)
{
	int k;

	for (k = 0; k < 24; k += 8)
		if (abs((int)((a >> k) & 0xff) - (int)((b >> k) & 0xff)) > 12)
			return 0;
	return 1;
}

/* Whether colour C appears within R points of (X, Y). */
static int
around(const struct img *im, double x, double y, double r, unsigned c)
{
	double dx, dy;

	for (dy = -r; dy <= r; dy += 0.5)
		for (dx = -r; dx <= r; dx += 0.5)
			if (near(at(im, x + dx, y + dy), c))
				return 1;
	return 0;
}

/* Whether colour C appears anywhere in the frame PL. */
static int
anywhere(const struct img *im, const struct chart_frame *pl, unsigned c)
{
	double x, y;

	for (y = pl->y + 1; y < pl->y + pl->h - 1; y += 0.5)
		for (x = pl->x + 1; x < pl->x + pl->w - 1; x += 0.5)
			if (near(at(im, x, y), c))
				return 1;
	return 0;
}

/* Runs of colour C down the column at X through PL. */
static int
runs_down(const struct img *im, const struct chart_frame *pl, double x,
	  unsigned c)
{
	int runs = 0, in = 0;
	double y;

	for (y = pl->y; y < pl->y + pl->h; y += 0.5) {
		int hit = near(at(im, x, y), c);

		runs += hit && !in;
		in = hit;
	}
	return runs;
}

static void
done(struct img *im)
{
	cairo_surface_destroy(im->s);
}

/* The centre x of slot I of N across PL. */
static double
slot_x(const struct chart_frame *pl, size_t i, size_t n)
{
	return pl->x + pl->w / (double)n * ((double)i + 0.5);
}

/* ---- the charts -------------------------------------------------- */

static void
test_savings(void)
{
	struct report_figures f;
	struct chart_frame pl;
	struct img im;
	size_t i, n = 12;
	double base, top;

	memset(&f, 0, sizeof(f));
	months(&f, n, 6);
	im = render(CHART_SAVINGS, &f, &pl);
	base = pl.y + pl.h - 2;		/* just above the zero line */
	for (i = 0; i < n; i++) {
		double x = slot_x(&pl, i, n);

		/* projected bar right of the centre: light (or hatched) */
		CHECK((i == 6) != around(&im, x + 5, base - 2, 1.5,
					 COL_LIGHT));
		/* realised bar left of it, from the second month on */
		CHECK((i == 0 || i == 6) !=
		      near(at(&im, x - 4, base), COL_DARK));
	}
	/* bars are as tall as their value: the last realised bar ($550 of
	 * $1,500) ends where it should */
	{
		double x = slot_x(&pl, n - 1, n) - 5;
		double y = pl.y + pl.h - 550.0 / 1500.0 * pl.h;

		CHECK(near(at(&im, x, y + 2), COL_DARK));
		CHECK(!near(at(&im, x, y - 2), COL_DARK));
	}
	/* the axis tops at $1,500 for a $1,500 maximum: the last bar
	 * reaches the top grid line, nothing is above it */
	top = pl.y + 3;
	CHECK(around(&im, slot_x(&pl, n - 1, n) + 5, top, 1.5, COL_LIGHT));
	CHECK(!around(&im, slot_x(&pl, n - 1, n) + 5, pl.y - 3, 1.5,
		      COL_LIGHT));
	CHECK(near(at(&im, slot_x(&pl, 0, n) + 4, top), 0xffffff));
	done(&im);
	figures_release(&f);
}

static void
test_savings_empty(void)
{
	struct report_figures f;
	struct chart_frame pl;
	struct img im;

	memset(&f, 0, sizeof(f));
	im = render(CHART_SAVINGS, &f, &pl);
	CHECK(!anywhere(&im, &pl, COL_DARK));
	CHECK(!anywhere(&im, &pl, COL_LIGHT));
	/* the "no data" panel's grey, and its dark text in the middle */
	CHECK(near(at(&im, pl.x + 5, pl.y + 5), 0xf7f7f7));
	CHECK(anywhere(&im, &pl, COL_MUTED));
	done(&im);
}

static void
test_hit_rate(void)
{
	struct report_figures f;
	struct chart_frame pl;
	struct img im;
	size_t i, n = 3;

	memset(&f, 0, sizeof(f));
	months(&f, n, -1);
	im = render(CHART_HIT_RATE, &f, &pl);
	for (i = 0; i < n; i++) {
		double y = pl.y + pl.h - f.months[i].hit_bp / 10000.0 * pl.h;

		CHECK(near(at(&im, slot_x(&pl, i, n), y), COL_DARK));
	}
	/* the 95 % goal line, dashed green, somewhere along its height */
	{
		double y = pl.y + pl.h * 0.05, x;
		int seen = 0;

		for (x = pl.x; x < pl.x + 20; x += 0.5)
			seen |= near(at(&im, x, y), COL_GOOD);
		CHECK(seen);
	}
	done(&im);
	figures_release(&f);
}

static void
test_region_pairs_many(void)
{
	struct report_figures f;
	struct chart_frame pl;
	struct img im;
	double w, h;

	/* none: a "no data" panel, no bars */
	memset(&f, 0, sizeof(f));
	im = render(CHART_REGION_PAIRS, &f, &pl);
	CHECK(!anywhere(&im, &pl, COL_DARK));
	CHECK(near(at(&im, pl.x + 5, pl.y + 5), 0xf7f7f7));
	done(&im);

	/* 40 region pairs reach the chart as ten and "30 others" */
	memset(&f, 0, sizeof(f));
	region_pairs(&f, 11, 1);
	chart_size(CHART_REGION_PAIRS, &f, &w, &h);
	im = render(CHART_REGION_PAIRS, &f, &pl);
	CHECK(pl.y + 11 * CHART_ROW <= h);
	/* eleven separate cost bars down the right panel */
	CHECK_INT(runs_down(&im, &pl, pl.x + pl.w / 2 + 10, COL_DARK), 11);
	/* the long label is cut before the bars: none of its ink (or a
	 * bar's) sits in the gap between label column and bars */
	CHECK(!near(at(&im, pl.x - 3, pl.y + 11), COL_INK));
	done(&im);
	figures_release(&f);
}

static void
test_latency(void)
{
	struct report_figures f;
	struct chart_frame pl;
	struct img im;
	double x;
	int seen = 0;

	memset(&f, 0, sizeof(f));
	im = render(CHART_LATENCY, &f, &pl);
	CHECK(!anywhere(&im, &pl, COL_ALERT));	/* no line, no data */
	done(&im);

	f.latency = calloc(1, sizeof(*f.latency));
	f.nlatency = 1;
	f.latency[0].region = strdup("us-east1");
	f.latency[0].samples = 10;
	f.latency[0].median_ms = 4;
	f.latency[0].p95_ms = 40;
	im = render(CHART_LATENCY, &f, &pl);
	/* axis 0..40 ms: the 20 ms line halfway, the p95 bar to the end */
	for (x = 0; x < 8; x += 0.5)
		seen |= near(at(&im, pl.x + pl.w / 2, pl.y + x), COL_ALERT);
	CHECK(seen);
	CHECK(around(&im, pl.x + pl.w - 4, pl.y + 14.5, 1.5, COL_LIGHT));
	CHECK(!around(&im, pl.x + pl.w + 4, pl.y + 14.5, 1.5, COL_LIGHT));
	CHECK(near(at(&im, pl.x + 2, pl.y + 6), COL_DARK));
	CHECK(!near(at(&im, pl.x + pl.w * 0.2, pl.y + 6), COL_DARK));
	done(&im);
	figures_release(&f);
}

static void
test_map(void)
{
	struct report_figures f;
	struct chart_frame pl;
	struct img im;
	double x, y;

	memset(&f, 0, sizeof(f));
	f.links = calloc(1, sizeof(*f.links));
	f.nlinks = 1;
	f.links[0].gpu_lat = 0;		/* along the equator: the great */
	f.links[0].gpu_lon = -20;	/* circle is the equator itself */
	f.links[0].vm_lon = 40;
	f.links[0].cross = 1;
	f.links[0].pairs = 1;
	im = render(CHART_MAP, &f, &pl);
	worldmap_project(&pl, 5, 20, &x, &y);		/* Chad */
	CHECK(near(at(&im, x, y), COL_LAND));
	worldmap_project(&pl, -30, -30, &x, &y);	/* South Atlantic */
	CHECK(near(at(&im, x, y), 0xffffff));
	worldmap_project(&pl, 0, 10, &x, &y);		/* on the link */
	CHECK(around(&im, x, y, 1, COL_ALERT));
	worldmap_project(&pl, 10, 10, &x, &y);		/* beside it */
	CHECK(!around(&im, x, y, 1, COL_ALERT));
	worldmap_project(&pl, 60, -100, &x, &y);	/* Canada: no link */
	CHECK(near(at(&im, x, y), COL_LAND));
	done(&im);
	figures_release(&f);
}

/* ---- SVG --------------------------------------------------------- */

/* How often NEEDLE occurs in B. */
static int
count(const struct rbuf *b, const char *needle)
{
	size_t n = strlen(needle), i;
	int c = 0;

	for (i = 0; i + n <= b->n; i++)
		c += memcmp(b->p + i, needle, n) == 0;
	return c;
}

static void
test_svg(void)
{
	struct report_figures f;
	struct perr e = { P_OK, "" };
	struct rbuf b = { NULL, 0, 0, 0 };

	memset(&f, 0, sizeof(f));
	months(&f, 5, 2);
	CHECK_INT(chart_svg(CHART_HIT_RATE, &f, rbuf_write, &b, &e), P_OK);
	CHECK(b.n > 0 && memcmp(b.p, "<?xml", 5) == 0);
	/* one marker per month with a plan, and the legend's: COL_DARK */
	CHECK_INT(count(&b, "fill:rgb(12.156863%,30.588235%,47.45098%)"), 5);
	free(b.p);
	memset(&b, 0, sizeof(b));
	CHECK_INT(chart_svg(CHART_SAVINGS, &f, rbuf_write, &b, &e), P_OK);
	/* projected bars (COL_LIGHT): four months and the legend */
	CHECK_INT(count(&b, "fill:rgb(61.568627%,76.470588%,90.196078%)"), 5);
	free(b.p);
	figures_release(&f);
}

/* The two series every chart compares must differ in grey, too. */
static void
test_palette(void)
{
	double l1 = 0.299 * 0x1f + 0.587 * 0x4e + 0.114 * 0x79;
	double l2 = 0.299 * 0x9d + 0.587 * 0xc3 + 0.114 * 0xe6;

	CHECK(COL_DARK == 0x1f4e79 && COL_LIGHT == 0x9dc3e6);
	CHECK(l2 - l1 > 255 * 0.35);
}

int
main(void)
{
	snprintf(png_path, sizeof(png_path), "/tmp/test_report_chart.%ld.png",
		 (long)getpid());
	T_RUN(test_savings);
	T_RUN(test_savings_empty);
	T_RUN(test_hit_rate);
	T_RUN(test_region_pairs_many);
	T_RUN(test_latency);
	T_RUN(test_map);
	T_RUN(test_svg);
	T_RUN(test_palette);
	unlink(png_path);
	draw_shutdown();
	return T_DONE();
}
