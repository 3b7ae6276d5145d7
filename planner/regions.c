/*
 * regions.c - the GCP region catalog and the RTT matrix.  See regions.h.
 *
 * Owned by the resolver work.  The catalog is small (tens of regions),
 * so lookups are linear scans and the RTT matrix is a dense n x n array.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "datatext.h"
#include "geo.h"
#include "regions.h"


struct region_catalog {
	struct gcp_region *reg;	/* sorted by name */
	size_t n;
	double *rtt;		/* n * n, NAN where not measured */
	struct rtt_model model;
};

static int
cmp_region(const void *x, const void *y)
{
	const struct gcp_region *a = x, *b = y;

	return strcmp(a->name, b->name);
}

/* Fill R's zones from "us-east1-b;us-east1-c"; each must belong to R. */
static int
parse_zones(struct gcp_region *r, const struct dt_field *f)
{
	struct dt_field z[REGION_MAX_ZONES];
	size_t n, i, len;

	n = dt_split(f->s, f->n, ';', z, REGION_MAX_ZONES);
	if (n > REGION_MAX_ZONES || f->n == 0)
		return -1;
	len = strlen(r->name);
	for (i = 0; i < n; i++) {
		if (dt_copy(&z[i], r->zones[i], sizeof(r->zones[i])) != 0 ||
		    strncmp(r->zones[i], r->name, len) != 0 ||
		    r->zones[i][len] != '-' || r->zones[i][len + 1] == '\0')
			return -1;
	}
	r->nzones = (int)n;
	return 0;
}

/* One line of gcp_regions.csv:
 * region,zones,city,country,lat,lon,launch_year */
static int
parse_region(const char *s, size_t len, struct gcp_region *r)
{
	struct dt_field f[8];
	double year;

	memset(r, 0, sizeof(*r));
	if (dt_split(s, len, ',', f, 8) != 7 ||
	    dt_copy(&f[0], r->name, sizeof(r->name)) != 0 || f[0].n == 0 ||
	    parse_zones(r, &f[1]) != 0 ||
	    dt_copy(&f[2], r->city, sizeof(r->city)) != 0 ||
	    f[3].n != 2 || dt_copy(&f[3], r->country, 3) != 0 ||
	    dt_number(&f[4], &r->lat) != 0 || fabs(r->lat) > 90 ||
	    dt_number(&f[5], &r->lon) != 0 || fabs(r->lon) > 180 ||
	    dt_number(&f[6], &year) != 0)
		return -1;
	r->launch_year = (int)year;
	return 0;
}

static enum perr_code
load_regions(struct region_catalog *c, struct perr *e)
{
	struct dt_lines l;
	const char *s;
	size_t n;
	enum perr_code rc;

	if ((rc = dt_open(&l, "data/gcp_regions.csv", e)) != P_OK)
		return rc;
	if (!dt_next(&l, &s, &n) || strncmp(s, "region,zones,", 13) != 0)
		return dt_error(&l, e, "expected the header line");
	c->reg = calloc(REGIONS_MAX, sizeof(*c->reg));
	if (c->reg == NULL)
		return perr_set(e, P_ENOMEM, "region catalog");
	while (dt_next(&l, &s, &n)) {
		if (c->n == REGIONS_MAX)
			return dt_error(&l, e, "too many regions");
		if (parse_region(s, n, &c->reg[c->n]) != 0)
			return dt_error(&l, e, "malformed region line");
		c->n++;
	}
	if (c->n == 0)
		return dt_error(&l, e, "no regions");
	qsort(c->reg, c->n, sizeof(*c->reg), cmp_region);
	return P_OK;
}

static long
index_of(const struct region_catalog *c, const struct dt_field *f)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (dt_eq(f, c->reg[i].name))
			return (long)i;
	return -1;
}

/* Store V for (I, J); a second direction is averaged with the first. */
static void
put_rtt(struct region_catalog *c, size_t i, size_t j, double v)
{
	double *p = &c->rtt[i * c->n + j], *q = &c->rtt[j * c->n + i];

	if (isnan(*p)) {
		*p = v;
		*q = v;
	} else {
		*p = (*p + v) / 2;
		*q = *p;
	}
}

/* The matrix; rows naming regions not in the catalog (non-public ones)
 * are skipped. */
static enum perr_code
load_rtt(struct region_catalog *c, struct perr *e)
{
	struct dt_lines l;
	struct dt_field f[4];
	const char *s;
	size_t n, k;
	long i, j;
	double v;
	enum perr_code rc;

	c->rtt = malloc(c->n * c->n * sizeof(*c->rtt));
	if (c->rtt == NULL)
		return perr_set(e, P_ENOMEM, "RTT matrix");
	for (k = 0; k < c->n * c->n; k++)
		c->rtt[k] = NAN;
	if ((rc = dt_open(&l, "data/gcp_rtt.csv", e)) != P_OK)
		return rc;
	if (!dt_next(&l, &s, &n) || strncmp(s, "src_region,", 11) != 0)
		return dt_error(&l, e, "expected the header line");
	while (dt_next(&l, &s, &n)) {
		if (dt_split(s, n, ',', f, 4) != 3 || dt_number(&f[2], &v) ||
		    v < 0)
			return dt_error(&l, e, "malformed RTT line");
		i = index_of(c, &f[0]);
		j = index_of(c, &f[1]);
		if (i >= 0 && j >= 0)
			put_rtt(c, (size_t)i, (size_t)j, v);
	}
	return P_OK;
}

/* The median of the measured intra-region RTTs (the matrix diagonal):
 * the model's floor.  NAN if none was measured. */
static double
intra_region_ms(const struct region_catalog *c)
{
	double v[REGIONS_MAX], t;
	size_t i, j, n = 0;

	for (i = 0; i < c->n; i++)
		if (!isnan(c->rtt[i * c->n + i]))
			v[n++] = c->rtt[i * c->n + i];
	if (n == 0)
		return NAN;
	for (i = 1; i < n; i++)		/* a handful: insertion sort */
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The distance between regions I and J. */
static double
pair_km(const struct region_catalog *c, size_t i, size_t j)
{
	return geo_distance_km(c->reg[i].lat, c->reg[i].lon, c->reg[j].lat,
			       c->reg[j].lon);
}

/*
 * Least squares through a fixed point: the slope k of y = y0 + k (x - x0)
 * over the measured ordered pairs of distinct regions whose distance is
 * in (LO, HI].  Returns NAN when there are none.
 */
static double
fit_slope(const struct region_catalog *c, double lo, double hi, double x0,
	  double y0)
{
	double sxx = 0, sxy = 0, x, y;
	size_t i, j;

	for (i = 0; i < c->n; i++)
		for (j = 0; j < c->n; j++) {
			y = c->rtt[i * c->n + j];
			if (i == j || isnan(y))
				continue;
			x = pair_km(c, i, j);
			if (x <= lo || x > hi)
				continue;
			sxx += (x - x0) * (x - x0);
			sxy += (x - x0) * (y - y0);
		}
	return sxx > 0 ? sxy / sxx : NAN;
}

/* Fit the model described in regions.h to the matrix. */
static enum perr_code
fit_model(struct region_catalog *c, struct perr *e)
{
	struct rtt_model *m = &c->model;

	m->knee_km = RTT_KNEE_KM;
	m->floor_ms = intra_region_ms(c);
	if (!isnan(m->floor_ms))
		m->near_ms_per_km = fit_slope(c, 0, m->knee_km, 0,
					      m->floor_ms);
	if (!isnan(m->floor_ms) && !isnan(m->near_ms_per_km))
		m->far_ms_per_km = fit_slope(c, m->knee_km, HUGE_VAL,
					     m->knee_km, m->floor_ms +
					     m->near_ms_per_km * m->knee_km);
	if (isnan(m->floor_ms) || isnan(m->near_ms_per_km) ||
	    isnan(m->far_ms_per_km) || m->near_ms_per_km <= 0 ||
	    m->far_ms_per_km <= 0)
		return perr_set(e, P_EDATA, "data/gcp_rtt.csv: too few "
				"measured pairs to fit the RTT model");
	return P_OK;
}

/* Build the catalog: regions, then the matrix, then the fit. */
enum perr_code
regions_open(struct region_catalog **cat, struct perr *e)
{
	struct region_catalog *c;
	enum perr_code rc;

	*cat = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return perr_set(e, P_ENOMEM, "region catalog");
	if ((rc = load_regions(c, e)) != P_OK ||
	    (rc = load_rtt(c, e)) != P_OK ||
	    (rc = fit_model(c, e)) != P_OK) {
		regions_free(c);
		return rc;
	}
	*cat = c;
	return P_OK;
}

/* Release the catalog; NULL is fine. */
void
regions_free(struct region_catalog *cat)
{
	if (cat == NULL)
		return;
	free(cat->reg);
	free(cat->rtt);
	free(cat);
}

/* How many regions the catalog holds. */
size_t
regions_count(const struct region_catalog *cat)
{
	return cat->n;
}

/* Region I (sorted by name), or NULL past the end. */
const struct gcp_region *
regions_get(const struct region_catalog *cat, size_t i)
{
	return i < cat->n ? &cat->reg[i] : NULL;
}

/* R's position in the catalog. */
size_t
regions_index(const struct region_catalog *cat, const struct gcp_region *r)
{
	return (size_t)(r - cat->reg);
}

/* The region called NAME, or NULL. */
const struct gcp_region *
regions_find(const struct region_catalog *cat, const char *name)
{
	struct gcp_region key;

	if (name == NULL || strlen(name) >= sizeof(key.name))
		return NULL;
	strcpy(key.name, name);
	return bsearch(&key, cat->reg, cat->n, sizeof(*cat->reg),
		       cmp_region);
}

/* The first zone listed for R. */
const char *
region_default_zone(const struct gcp_region *r)
{
	return r->zones[0];
}

/* Whether ZONE is a zone of R. */
int
region_has_zone(const struct gcp_region *r, const char *zone)
{
	int i;

	for (i = 0; i < r->nzones; i++)
		if (strcmp(r->zones[i], zone) == 0)
			return 1;
	return 0;
}

/* Insert (R, V) into the ascending top-N list OUT/VAL of length *LEN. */
static void
top_insert(const struct gcp_region **out, double *val, size_t *len,
	   size_t n, const struct gcp_region *r, double v)
{
	size_t k;

	if (*len == n && !(v < val[n - 1]))
		return;
	k = *len < n ? (*len)++ : n - 1;
	while (k > 0 && v < val[k - 1]) {
		out[k] = out[k - 1];
		val[k] = val[k - 1];
		k--;
	}
	out[k] = r;
	val[k] = v;
}

/* The N nearest regions by great-circle distance; ties keep name
 * order. */
size_t
regions_nearest(const struct region_catalog *cat, double lat, double lon,
		const struct gcp_region **out, double *km, size_t n)
{
	double tmp[REGIONS_MAX], *val = km ? km : tmp;
	size_t i, len = 0;

	if (n > REGIONS_MAX)
		n = REGIONS_MAX;
	for (i = 0; i < cat->n && n > 0; i++)
		top_insert(out, val, &len, n, &cat->reg[i],
			   geo_distance_km(lat, lon, cat->reg[i].lat,
					   cat->reg[i].lon));
	return len;
}

/* Measured RTT between A and B if there is one, else the estimate. */
double
regions_rtt_ms(const struct region_catalog *cat, const struct gcp_region *a,
	       const struct gcp_region *b, int *measured)
{
	size_t i = (size_t)(a - cat->reg), j = (size_t)(b - cat->reg);
	double v = cat->rtt[i * cat->n + j];

	if (measured != NULL)
		*measured = !isnan(v);
	if (!isnan(v))
		return v;
	return regions_estimate_rtt_ms(cat, geo_distance_km(a->lat, a->lon,
							    b->lat, b->lon));
}

/* The other regions by RTT from FROM, nearest first. */
size_t
regions_by_rtt(const struct region_catalog *cat,
	       const struct gcp_region *from, const struct gcp_region **out,
	       double *rtt, size_t n)
{
	double tmp[REGIONS_MAX], *val = rtt ? rtt : tmp;
	size_t i, len = 0;

	if (n > REGIONS_MAX)
		n = REGIONS_MAX;
	for (i = 0; i < cat->n && n > 0; i++)
		if (&cat->reg[i] != from)
			top_insert(out, val, &len, n, &cat->reg[i],
				   regions_rtt_ms(cat, from, &cat->reg[i],
						  NULL));
	return len;
}

/* The model at KM (see regions.h). */
double
regions_estimate_rtt_ms(const struct region_catalog *cat, double km)
{
	const struct rtt_model *m = &cat->model;

	if (km < 0)
		km = 0;
	if (km <= m->knee_km)
		return m->floor_ms + m->near_ms_per_km * km;
	return m->floor_ms + m->near_ms_per_km * m->knee_km +
	    m->far_ms_per_km * (km - m->knee_km);
}

/* The fitted model. */
const struct rtt_model *
regions_rtt_model(const struct region_catalog *cat)
{
	return &cat->model;
}
