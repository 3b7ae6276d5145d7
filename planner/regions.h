/*
 * regions.h - the public GCP regions, their zones, and the round-trip
 * times between them.
 *
 * Everything comes from data/gcp_regions.csv (regions, real zone names,
 * coordinates) and data/gcp_rtt.csv (median inter-region RTT measured by
 * Google, 2023-11-27); nothing about regions is written in C.  Zone
 * names are taken from the catalog, never built from a region and a
 * letter (us-east1 and europe-west1 have no zone "a").
 *
 * For pairs the matrix lacks (regions opened after 2023), and for a host
 * at a given distance from a region, RTT is estimated by a model fitted
 * at open time to the matrix, with great-circle km as the distance:
 *
 *   rtt = c + k1 * km                      for km <= 3,000
 *   rtt = c + k1 * 3,000 + k2 * (km - 3,000)  beyond
 *
 * c is the median measured intra-region RTT (the matrix diagonal): a
 * host next to a region costs what a VM in it does.  k1 is fitted by
 * least squares through c on the region pairs up to 3,000 km, where
 * routes run overland near the great circle; k2 through the knee on the
 * longer pairs, whose routes detour under the sea.  Physically, light in
 * fibre takes 1.0 ms per 100 km there and back; k1 says real routes are
 * about 1.9 times the great circle.  With the shipped data (1,560
 * measured ordered pairs of public regions):
 *
 *   c = 0.30 ms, k1 = 1.912 ms per 100 km, k2 = 1.562 ms per 100 km
 *   |error| up to 3,000 km (266 pairs): median 2.8 ms, p90 10.4 ms
 *   |error| over all pairs:             median 16.3 ms, p90 62.1 ms
 *
 * (tools/gen_gcp_data.py prints the same figures.)  A Vast host reaches
 * Google over the public Internet, which adds its own last mile: use the
 * estimate to rank and to flag, and measure before promising.  Between
 * two regions the measured matrix always wins (regions_rtt_ms).
 *
 * Ownership: regions_open() allocates the catalog, regions_free()
 * releases it; the struct gcp_region pointers it hands out live as long
 * as the catalog.  No I/O besides the embedded data; never prints.
 */
#ifndef PLANNER_REGIONS_H
#define PLANNER_REGIONS_H

#include <stddef.h>

#include "err.h"

#define REGION_MAX_ZONES	8

/* The most regions a catalog holds: far above the 43 public ones. */
#define REGIONS_MAX		128

struct gcp_region {
	char name[32];			/* "us-east1" */
	char city[48];			/* "Moncks Corner" */
	char country[3];		/* ISO 3166-1 alpha-2 */
	double lat, lon;		/* degrees */
	int launch_year;
	int nzones;			/* >= 1 */
	char zones[REGION_MAX_ZONES][40]; /* real zone names; [0] default */
};

struct region_catalog;

/* Load the catalog from the embedded data files; P_EDATA if broken. */
enum perr_code regions_open(struct region_catalog **cat, struct perr *e);
void regions_free(struct region_catalog *cat);

/* The regions, sorted by name: index 0 .. regions_count() - 1. */
size_t regions_count(const struct region_catalog *cat);
const struct gcp_region *regions_get(const struct region_catalog *cat,
				     size_t i);

/* The index of R in the catalog (regions_get(cat, i) == R). */
size_t regions_index(const struct region_catalog *cat,
		     const struct gcp_region *r);

/* The region called NAME, or NULL. */
const struct gcp_region *regions_find(const struct region_catalog *cat,
				      const char *name);

/* The region's default zone (its first listed zone). */
const char *region_default_zone(const struct gcp_region *r);

/* Whether ZONE is one of R's zones. */
int region_has_zone(const struct gcp_region *r, const char *zone);

/* The N regions nearest to (LAT, LON), nearest first, into OUT and (if
 * not NULL) their distances in km into KM.  Returns how many were
 * written (N, or fewer if there are fewer regions). */
size_t regions_nearest(const struct region_catalog *cat, double lat,
		       double lon, const struct gcp_region **out, double *km,
		       size_t n);

/* RTT in ms between A and B: the measured median (the mean of both
 * directions where both were measured), else the estimate from their
 * distance.  *MEASURED (if not NULL) says which. */
double regions_rtt_ms(const struct region_catalog *cat,
		      const struct gcp_region *a, const struct gcp_region *b,
		      int *measured);

/* The regions other than FROM ranked by RTT from FROM, nearest first
 * (the measured median where there is one, else the model; ties keep
 * name order): at most N of them into OUT and their RTT into RTT (if not
 * NULL).  The fallbacks to try, in order, when FROM cannot be used. */
size_t regions_by_rtt(const struct region_catalog *cat,
		      const struct gcp_region *from,
		      const struct gcp_region **out, double *rtt, size_t n);

/* The RTT model (see above): floor, slopes and knee. */
struct rtt_model {
	double floor_ms;	/* c: median intra-region RTT */
	double near_ms_per_km;	/* k1, up to knee_km */
	double far_ms_per_km;	/* k2, beyond knee_km */
	double knee_km;
};

/* The distance (km) up to which routes are taken as overland. */
#define RTT_KNEE_KM	3000.0

/* Estimated RTT in ms over KM of great-circle distance (the model). */
double regions_estimate_rtt_ms(const struct region_catalog *cat, double km);

/* The fitted model; lives as long as CAT. */
const struct rtt_model *regions_rtt_model(const struct region_catalog *cat);

#endif
