/*
 * test_geo.c - great-circle distance and the GCP region catalog.
 *
 * Owned by the resolver work.  Distances are checked against values
 * worked out independently (shared/reference/gcp_latency.md gives the
 * region pairs); the catalog against the facts every planner run relies
 * on: real zone names only, the measured RTT matrix, the fitted model
 * and its error, and the fallbacks ranked by measured RTT.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "regions.h"
#include "t.h"

static struct region_catalog *cat;

#define CHECK_NEAR(a, b, tol) do {					\
	double t_x = (a), t_y = (b);					\
	if (fabs(t_x - t_y) <= (tol)) t_pass++;				\
	else { t_fail++; fprintf(stderr, "%s:%d: %s == %.3f, want %.3f\n",\
				 __FILE__, __LINE__, #a, t_x, t_y); }	\
} while (0)

static void
test_distance(void)
{
	/* One degree of latitude, and a quarter of the meridian. */
	CHECK_NEAR(geo_distance_km(0, 0, 1, 0), 111.195, 0.01);
	CHECK_NEAR(geo_distance_km(0, 0, 90, 0), 10007.5, 0.5);
	CHECK_NEAR(geo_distance_km(10, 20, 10, 20), 0, 1e-9);

	/* Across the 180th meridian: 179.5 E to 179.5 W is one degree. */
	CHECK_NEAR(geo_distance_km(0, 179.5, 0, -179.5), 111.195, 0.01);
	CHECK_NEAR(geo_distance_km(-13.8, -171.8, -13.8, 188.2), 0, 1e-6);

	/* Antipodes and symmetry. */
	CHECK_NEAR(geo_distance_km(0, 0, 0, 180), M_PI * 6371.0088, 0.01);
	CHECK_NEAR(geo_distance_km(45.5, -73.6, 43.7, -79.4),
		   geo_distance_km(43.7, -79.4, 45.5, -73.6), 1e-9);

	/* Region pairs from gcp_latency.md (km rounded there). */
	CHECK_NEAR(geo_distance_km(41.2588, -95.8519, 45.5032, -73.5698),
		   1855, 1);
	CHECK_NEAR(geo_distance_km(-33.8698, 151.2083, -37.8142, 144.9632),
		   713, 1);
}

static void
test_zones_are_real(void)
{
	const struct gcp_region *r;
	size_t i;
	int k;

	CHECK(regions_count(cat) >= 40);
	r = regions_find(cat, "us-east1");
	CHECK(r != NULL && !region_has_zone(r, "us-east1-a"));
	CHECK(r != NULL && strcmp(region_default_zone(r), "us-east1-b") == 0);
	r = regions_find(cat, "europe-west1");
	CHECK(r != NULL && !region_has_zone(r, "europe-west1-a"));
	CHECK(r != NULL &&
	      strcmp(region_default_zone(r), "europe-west1-b") == 0);
	r = regions_find(cat, "us-central1");
	CHECK(r != NULL && region_has_zone(r, "us-central1-f"));

	/* Every zone belongs to its region; no non-public region. */
	for (i = 0; i < regions_count(cat); i++) {
		r = regions_get(cat, i);
		CHECK(r->nzones >= 1);
		for (k = 0; k < r->nzones; k++)
			CHECK(strncmp(r->zones[k], r->name,
				      strlen(r->name)) == 0);
	}
	CHECK(regions_find(cat, "us-central2") == NULL);
	CHECK(regions_find(cat, "europe-west5") == NULL);
	CHECK(regions_find(cat, "nowhere1") == NULL);
}

static void
test_nearest(void)
{
	const struct gcp_region *out[3];
	double km[3];

	/* Samoa, 13.8 S 171.8 W: Sydney, across the date line. */
	CHECK_INT(regions_nearest(cat, -13.8, -171.8, out, km, 3), 3);
	CHECK_STR(out[0]->name, "australia-southeast1");
	CHECK(km[0] < km[1] && km[1] < km[2]);

	/* Montreal itself, and Toronto. */
	regions_nearest(cat, 45.5088, -73.5878, out, km, 1);
	CHECK_STR(out[0]->name, "northamerica-northeast1");
	CHECK(km[0] < 5);
	regions_nearest(cat, 43.65, -79.38, out, NULL, 1);
	CHECK_STR(out[0]->name, "northamerica-northeast2");
}

static void
test_rtt(void)
{
	const struct gcp_region *a, *b;
	const struct rtt_model *m;
	int measured;

	a = regions_find(cat, "us-central1");
	b = regions_find(cat, "us-east4");
	CHECK_NEAR(regions_rtt_ms(cat, a, b, &measured), 23, 1.5);
	CHECK(measured);

	/* Symmetric even where the two directions differ (205 vs 227). */
	b = regions_find(cat, "asia-southeast1");
	CHECK_NEAR(regions_rtt_ms(cat, a, b, NULL),
		   regions_rtt_ms(cat, b, a, NULL), 1e-9);

	/* Stockholm opened after the matrix: estimated. */
	b = regions_find(cat, "europe-north2");
	CHECK(regions_rtt_ms(cat, a, b, &measured) > 50);
	CHECK(!measured);

	/* The model stated in regions.h and data/README.md. */
	m = regions_rtt_model(cat);
	CHECK_NEAR(m->floor_ms, 0.30, 0.001);
	CHECK_NEAR(m->near_ms_per_km * 100, 1.912, 0.001);
	CHECK_NEAR(m->far_ms_per_km * 100, 1.562, 0.001);
	CHECK_NEAR(regions_estimate_rtt_ms(cat, 1000),
		   m->floor_ms + 1000 * m->near_ms_per_km, 1e-9);

	/* Next to a region is under a millisecond, an adjacent region a
	 * few hundred km away under 10 ms (europe-west1 to europe-west4 is
	 * 393 km and 7.1-7.7 ms measured), and the line has no step at
	 * the knee. */
	CHECK(regions_estimate_rtt_ms(cat, 5) < 1);
	CHECK_NEAR(regions_estimate_rtt_ms(cat, 393), 7.4, 1.5);
	CHECK_NEAR(regions_estimate_rtt_ms(cat, RTT_KNEE_KM - 1e-6),
		   regions_estimate_rtt_ms(cat, RTT_KNEE_KM + 1e-6), 1e-6);
	CHECK(regions_estimate_rtt_ms(cat, 10000) >
	      regions_estimate_rtt_ms(cat, 9000));
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The model's error against the measured matrix, as documented. */
static void
test_rtt_error(void)
{
	static double near[2000], all[2000];
	const struct gcp_region *a, *b;
	size_t i, j, nn = 0, na = 0;
	double km, err;
	int measured;

	for (i = 0; i < regions_count(cat); i++)
		for (j = 0; j < regions_count(cat); j++) {
			a = regions_get(cat, i);
			b = regions_get(cat, j);
			err = regions_rtt_ms(cat, a, b, &measured);
			if (i == j || !measured)
				continue;
			km = geo_distance_km(a->lat, a->lon, b->lat, b->lon);
			err = fabs(regions_estimate_rtt_ms(cat, km) - err);
			all[na++] = err;
			if (km <= RTT_KNEE_KM)
				near[nn++] = err;
		}
	CHECK_INT(na, 1560);
	CHECK_INT(nn, 266);
	qsort(near, nn, sizeof(near[0]), cmp_double);
	qsort(all, na, sizeof(all[0]), cmp_double);
	CHECK_NEAR((near[nn / 2 - 1] + near[nn / 2]) / 2, 2.8, 0.1);
	CHECK_NEAR((all[na / 2 - 1] + all[na / 2]) / 2, 16.3, 0.1);
}

static void
test_fallbacks(void)
{
	const struct gcp_region *a, *out[5];
	double rtt[5];

	/* Fallbacks from Montreal: Toronto first, never itself. */
	a = regions_find(cat, "northamerica-northeast1");
	CHECK_INT(regions_by_rtt(cat, a, out, rtt, 5), 5);
	CHECK_STR(out[0]->name, "northamerica-northeast2");
	CHECK(out[0] != a && out[1] != a);
	CHECK(rtt[0] <= rtt[1] && rtt[1] <= rtt[2]);

	/* From Iowa by the measured matrix: Dallas (16 ms, 947 km) before
	 * Columbus (18 ms) and Salt Lake City (20 ms, 1,345 km). */
	a = regions_find(cat, "us-central1");
	CHECK_INT(regions_by_rtt(cat, a, out, rtt, 3), 3);
	CHECK_STR(out[0]->name, "us-south1");
	CHECK_STR(out[1]->name, "us-east5");
	CHECK_STR(out[2]->name, "us-west3");
}

int
main(void)
{
	struct perr e;

	if (regions_open(&cat, &e) != P_OK) {
		fprintf(stderr, "regions_open: %s\n", e.msg);
		return 1;
	}
	T_RUN(test_distance);
	T_RUN(test_zones_are_real);
	T_RUN(test_nearest);
	T_RUN(test_rtt);
	T_RUN(test_rtt_error);
	T_RUN(test_fallbacks);
	regions_free(cat);
	return T_DONE();
}
