/*
 * worldmap.c - the world map of GPU-to-VM links.  See chart.h.
 *
 * Owned by the report work.  Land comes from data/land_110m.tsv
 * (Natural Earth, public domain; tools/gen_land.js), drawn in an
 * equirectangular projection cut to 58 S .. 84 N (Antarctica holds no
 * GPUs).  Each link follows the great circle from the GPU host to its
 * VM's region, broken at the 180th meridian so a Pacific link crosses
 * the Pacific.  Cross-region links are solid and dark red; a GPU whose
 * VM is in its region gets a green ring (its link, dashed, is mostly
 * too short to see).  Both stay distinct in grey: line against ring.
 */
#include <math.h>
#include <stdio.h>

#include "chart.h"
#include "datatext.h"
#include "draw.h"

#define LAT_TOP		84.0
#define LAT_BOTTOM	-58.0
#define ARC_STEPS	48	/* most segments of a great-circle link */
#define ARC_STEP_DEG	4.0	/* longest segment, degrees of arc */
#define PAD_MAP		10.0	/* margin inside the chart */

static const struct draw_style st_title = { 11, 1, COL_INK, 0, 0, 0 };
static const struct draw_style st_small = { 8, 0, COL_INK, 0, 0, 0 };

/* Equirectangular: longitude across PL, latitude from
 * LAT_TOP down to LAT_BOTTOM. */
void
worldmap_project(const struct chart_frame *pl, double lat, double lon,
		 double *x, double *y)
{
	*x = pl->x + (lon + 180.0) / 360.0 * pl->w;
	*y = pl->y + (LAT_TOP - lat) / (LAT_TOP - LAT_BOTTOM) * pl->h;
}

/* Parse a signed integer at *P (before END); -1 if there is none. */
static int
parse_int(const char **p, const char *end, long *v)
{
	const char *s = *p;
	int neg = 0, digits = 0;

	*v = 0;
	if (s < end && *s == '-') {
		neg = 1;
		s++;
	}
	for (; s < end && *s >= '0' && *s <= '9' && digits < 6; s++, digits++)
		*v = *v * 10 + (*s - '0');
	if (digits == 0)
		return -1;
	if (neg)
		*v = -*v;
	*p = s;
	return 0;
}

/* The extent of a ring, its longitudes made continuous. */
struct ring_box {
	double lon_min, lon_max, lat_max;
};

/* Walk one ring (a line of the land file).  A ring that crosses the
 * 180th meridian (Russia, Fiji) jumps from +180 to -180; its longitudes
 * are kept continuous instead (going past 180), and the ring is added
 * to the path shifted by SHIFT degrees (when CR is not NULL).  The
 * ring's extent goes to *BOX.  A broken line ends the walk early. */
static void
ring_walk(cairo_t *cr, const struct chart_frame *pl, const char *s,
	  size_t n, double shift, struct ring_box *box)
{
	const char *p = s, *end = s + n;
	double x, y, u = 0, prev = 0, lo;
	long lon, lat;
	int first = 1;

	box->lon_min = 1e9;
	box->lon_max = box->lat_max = -1e9;
	while (p < end) {
		if (parse_int(&p, end, &lon) || p >= end || *p++ != ' ' ||
		    parse_int(&p, end, &lat))
			break;
		lo = lon / 10.0;
		if (!first && lo - prev > 180)
			u -= 360;
		else if (!first && prev - lo > 180)
			u += 360;
		prev = lo;
		box->lon_min = fmin(box->lon_min, lo + u);
		box->lon_max = fmax(box->lon_max, lo + u);
		box->lat_max = fmax(box->lat_max, lat / 10.0);
		if (cr != NULL) {
			worldmap_project(pl, lat / 10.0, lo + u + shift, &x,
					 &y);
			(first ? cairo_move_to : cairo_line_to)(cr, x, y);
		}
		first = 0;
		if (p < end && *p == '\t')
			p++;
	}
	if (cr != NULL)
		cairo_close_path(cr);
}

/* Add a ring to the path, once more on the other side of the map for
 * the part of it beyond the 180th meridian. */
static void
ring_path(cairo_t *cr, const struct chart_frame *pl, const char *s,
	  size_t n)
{
	struct ring_box b;

	ring_walk(NULL, pl, s, n, 0, &b);
	if (b.lat_max < LAT_BOTTOM)
		return;		/* Antarctica: below the map */
	ring_walk(cr, pl, s, n, 0, &b);
	if (b.lon_max > 180)
		ring_walk(cr, pl, s, n, -360, &b);
	if (b.lon_min < -180)
		ring_walk(cr, pl, s, n, 360, &b);
}

static void
land(cairo_t *cr, const struct chart_frame *pl)
{
	struct dt_lines l;
	const char *s;
	size_t n;

	if (dt_open(&l, "data/land_110m.tsv", NULL) != P_OK)
		return;		/* a build without the map: no land */
	while (dt_next(&l, &s, &n))
		ring_path(cr, pl, s, n);
	draw_colour(cr, COL_LAND);
	cairo_fill_preserve(cr);
	draw_colour(cr, COL_COAST);
	cairo_set_line_width(cr, 0.4);
	cairo_stroke(cr);
}

/* Unit vector of a point. */
static void
to_vec(double lat, double lon, double v[3])
{
	double a = lat * M_PI / 180, b = lon * M_PI / 180;

	v[0] = cos(a) * cos(b);
	v[1] = cos(a) * sin(b);
	v[2] = sin(a);
}

/* The point a fraction T along the great circle from A to B. */
static void
slerp(const double a[3], const double b[3], double t, double *lat,
      double *lon)
{
	double d = acos(fmin(1, fmax(-1, a[0] * b[0] + a[1] * b[1] +
				   a[2] * b[2])));
	double wa = 1 - t, wb = t, v[3];
	int k;

	if (d > 1e-9) {
		wa = sin((1 - t) * d) / sin(d);
		wb = sin(t * d) / sin(d);
	}
	for (k = 0; k < 3; k++)
		v[k] = wa * a[k] + wb * b[k];
	*lat = atan2(v[2], hypot(v[0], v[1])) * 180 / M_PI;
	*lon = atan2(v[1], v[0]) * 180 / M_PI;
}

/* From (LAT0, LON0) to (LAT, LON), through the map's side edges when
 * the step crosses the 180th meridian. */
static void
arc_step(cairo_t *cr, const struct chart_frame *pl, double lat0,
	 double lon0, double lat, double lon)
{
	double x, y, edge, t, latc;

	if (fabs(lon - lon0) > 180) {
		edge = lon0 > 0 ? 180 : -180;
		t = (edge - lon0) / ((lon + 2 * edge) - lon0);
		latc = lat0 + t * (lat - lat0);
		worldmap_project(pl, latc, edge, &x, &y);
		cairo_line_to(cr, x, y);
		worldmap_project(pl, latc, -edge, &x, &y);
		cairo_move_to(cr, x, y);
	}
	worldmap_project(pl, lat, lon, &x, &y);
	cairo_line_to(cr, x, y);
}

/* A link as segments of at most ARC_STEP_DEG of arc: smooth at the
 * map's scale (on a 500 pt map a chord of 4 degrees strays under 0.1 pt
 * from the curve at mid latitudes, 0.4 pt at the top edge, as the 48
 * segments of the longest links always did), while a short link takes
 * a few segments instead of 48, which every surface then strokes and
 * the SVG and PDF write out. */
static void
link_path(cairo_t *cr, const struct chart_frame *pl, const struct rf_link *k)
{
	double a[3], b[3], lat0 = k->gpu_lat, lon0 = k->gpu_lon, lat, lon;
	double x, y, deg;
	int i, steps;

	to_vec(k->gpu_lat, k->gpu_lon, a);
	to_vec(k->vm_lat, k->vm_lon, b);
	deg = acos(fmin(1, fmax(-1, a[0] * b[0] + a[1] * b[1] +
				a[2] * b[2]))) * 180 / M_PI;
	steps = (int)ceil(deg / ARC_STEP_DEG);
	steps = steps < 1 ? 1 : steps > ARC_STEPS ? ARC_STEPS : steps;
	worldmap_project(pl, lat0, lon0, &x, &y);
	cairo_move_to(cr, x, y);
	for (i = 1; i <= steps; i++) {
		slerp(a, b, (double)i / steps, &lat, &lon);
		arc_step(cr, pl, lat0, lon0, lat, lon);
		lat0 = lat;
		lon0 = lon;
	}
}

static void
links(cairo_t *cr, const struct chart_frame *pl,
      const struct report_figures *f, int cross)
{
	double dash[] = { 3, 2 };
	size_t i;

	cairo_save(cr);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	draw_colour(cr, cross ? COL_ALERT : COL_GOOD);
	if (!cross)
		cairo_set_dash(cr, dash, 2, 0);
	for (i = 0; i < f->nlinks; i++) {
		const struct rf_link *k = &f->links[i];

		if (k->cross != cross)
			continue;
		cairo_set_line_width(cr, fmin(3.0, 0.9 + 0.5 *
					      (double)(k->pairs - 1)));
		link_path(cr, pl, k);
		cairo_stroke(cr);
	}
	cairo_restore(cr);
}

/* A green ring around the GPU host at (X, Y): its VM is in its region
 * (same-region links are too short to see at this scale). */
static void
ring(cairo_t *cr, double x, double y)
{
	cairo_save(cr);
	draw_colour(cr, COL_GOOD);
	cairo_set_line_width(cr, 1.4);
	cairo_new_sub_path(cr);
	cairo_arc(cr, x, y, 5, 0, 2 * M_PI);
	cairo_stroke(cr);
	cairo_restore(cr);
}

/* The VM regions whose square is drawn: a region serves thousands of
 * links, and its square is drawn once.  There are few regions; past
 * the end of the list a square may be drawn again, which looks the
 * same. */
struct seen_regions {
	double at[64][2];
	size_t n;
};

/* Whether link K's region is in S; adds it when it is not. */
static int
seen_region(struct seen_regions *s, const struct rf_link *k)
{
	size_t j;

	for (j = 0; j < s->n; j++)
		if (s->at[j][0] == k->vm_lat && s->at[j][1] == k->vm_lon)
			return 1;
	if (s->n < sizeof(s->at) / sizeof(s->at[0])) {
		s->at[s->n][0] = k->vm_lat;
		s->at[s->n][1] = k->vm_lon;
		s->n++;
	}
	return 0;
}

/* GPU hosts as dots, ringed when in place; VM regions as white
 * squares. */
static void
markers(cairo_t *cr, const struct chart_frame *pl,
	const struct report_figures *f)
{
	struct seen_regions seen;
	double x, y;
	size_t i;

	seen.n = 0;
	for (i = 0; i < f->nlinks; i++)
		if (!f->links[i].cross) {
			worldmap_project(pl, f->links[i].gpu_lat,
					 f->links[i].gpu_lon, &x, &y);
			ring(cr, x, y);
		}

	for (i = 0; i < f->nlinks; i++) {
		if (seen_region(&seen, &f->links[i]))
			continue;
		worldmap_project(pl, f->links[i].vm_lat, f->links[i].vm_lon,
				 &x, &y);
		draw_box(cr, x - 3, y - 3, 6, 6, 0xffffff, 0, COL_INK);
	}
	draw_colour(cr, COL_INK);
	cairo_new_path(cr);
	for (i = 0; i < f->nlinks; i++) {
		worldmap_project(pl, f->links[i].gpu_lat, f->links[i].gpu_lon,
				 &x, &y);
		cairo_new_sub_path(cr);
		cairo_arc(cr, x, y, 2.2, 0, 2 * M_PI);
	}
	cairo_fill(cr);
}

/* One legend entry: a swatch drawn by the caller's path, and text. */
static double
key(cairo_t *cr, double x, double y, const char *text)
{
	double tw, th;

	draw_measure(cr, text, &st_small, &tw, &th);
	draw_text(cr, x + 18, y, text, &st_small);
	return x + 18 + tw + 12;
}

static void
map_legend(cairo_t *cr, double y, const struct report_figures *f)
{
	double x = PAD_MAP;
	long cross = 0, same = 0;
	char buf[96];
	size_t i;

	for (i = 0; i < f->nlinks; i++)
		*(f->links[i].cross ? &cross : &same) += f->links[i].pairs;
	cairo_save(cr);
	cairo_set_line_width(cr, 1.6);
	draw_colour(cr, COL_ALERT);
	cairo_move_to(cr, x, y + 6);
	cairo_line_to(cr, x + 14, y + 6);
	cairo_stroke(cr);
	snprintf(buf, sizeof(buf), "cross-region (%ld pairs)", cross);
	x = key(cr, x, y, buf);
	cairo_restore(cr);
	ring(cr, x + 7, y + 6);
	snprintf(buf, sizeof(buf), "same region (%ld pairs)", same);
	x = key(cr, x, y, buf);
	draw_colour(cr, COL_INK);
	cairo_new_path(cr);
	cairo_arc(cr, x + 7, y + 6, 2.2, 0, 2 * M_PI);
	cairo_fill(cr);
	x = key(cr, x, y, "GPU host");
	draw_box(cr, x + 4, y + 3, 6, 6, 0xffffff, 0, COL_INK);
	key(cr, x, y, "GCP region of the CPU VM");
}

static double
map_header(cairo_t *cr, double w, double h, const struct report_figures *f)
{
	struct draw_style s = { 8, 0, COL_MUTED, 0, 0, 1 };
	long unplaced = f->undetermined + f->links_unplaced;
	char buf[300];
	double y;

	draw_colour(cr, 0xffffff);
	cairo_rectangle(cr, 0, 0, w, h);
	cairo_fill(cr);
	y = PAD_MAP + draw_text(cr, PAD_MAP, PAD_MAP, chart_title(CHART_MAP),
				&st_title);
	snprintf(buf, sizeof(buf), "Each line joins a GPU host to the GCP "
		 "region of its CPU VM, this month.");
	if (unplaced)
		snprintf(buf, sizeof(buf), "Each line joins a GPU host to the "
			 "GCP region of its CPU VM, this month; %ld pair%s "
			 "whose GPU location is unknown %s not drawn.",
			 unplaced, unplaced == 1 ? "" : "s",
			 unplaced == 1 ? "is" : "are");
	s.width = w - 2 * PAD_MAP;
	return y + draw_text(cr, PAD_MAP, y + 1, buf, &s) + 4;
}

/* The map chart: land, links, markers, legend; the map
 * rectangle goes to *PL. */
void
worldmap_draw(cairo_t *cr, double w, double h,
	      const struct report_figures *f, struct chart_frame *pl)
{
	double y = map_header(cr, w, h, f);

	pl->x = PAD_MAP;
	pl->y = y;
	pl->w = w - 2 * PAD_MAP;
	pl->h = pl->w * (LAT_TOP - LAT_BOTTOM) / 360.0;
	cairo_save(cr);
	cairo_rectangle(cr, pl->x, pl->y, pl->w, pl->h);
	cairo_clip(cr);
	draw_colour(cr, 0xffffff);
	cairo_paint(cr);
	land(cr, pl);
	links(cr, pl, f, 0);
	links(cr, pl, f, 1);
	markers(cr, pl, f);
	cairo_restore(cr);
	draw_colour(cr, COL_COAST);
	cairo_set_line_width(cr, 0.6);
	cairo_rectangle(cr, pl->x, pl->y, pl->w, pl->h);
	cairo_stroke(cr);
	if (f->nlinks == 0)
		draw_no_data(cr, pl->x + pl->w / 2 - 120,
			     pl->y + pl->h / 2 - 25, 240, 50,
			     "No data: no pair to draw this month");
	map_legend(cr, pl->y + pl->h + 6, f);
}
