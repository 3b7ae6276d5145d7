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
 * at a given distance, RTT is estimated as a + b * km, a straight line
 * fitted by least squares at open time to the measured pairs against the
 * great-circle distance between their regions.  With the shipped data:
 * a = 19.2 ms, b = 1.495 ms per 100 km; absolute error over the 1,560
 * measured ordered pairs: median 18.5 ms, 90th percentile 60.7 ms
 * (routes are longer than great circles).  Use it to rank, not to
 * promise.
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

/* The regions other than FROM, ordered by RTT from FROM (ties by name),
 * at most N of them into OUT and their RTT into RTT (if not NULL).  The
 * fallbacks to try when FROM cannot take a VM. */
size_t regions_by_rtt(const struct region_catalog *cat,
		      const struct gcp_region *from,
		      const struct gcp_region **out, double *rtt, size_t n);

/* Estimated RTT in ms over KM of great-circle distance (the fit). */
double regions_estimate_rtt_ms(const struct region_catalog *cat, double km);

/* The fitted model: RTT = *A + *B * km. */
void regions_rtt_model(const struct region_catalog *cat, double *a,
		       double *b);

#endif
