/*
 * geoip.c - IP geolocation from a MaxMind-format file.  See geoip.h.
 *
 * Owned by the resolver work.  libmaxminddb maps the file and walks its
 * search tree; every value read is checked for its type, so a database
 * of another layout yields "no point" rather than garbage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <maxminddb.h>

#include "geoip.h"

struct geoip {
	MMDB_s mmdb;
	char identity[128];
};

/* Open and map PATH. */
enum perr_code
geoip_open(struct geoip **gp, const char *path, struct perr *e)
{
	struct geoip *g;
	int rc;

	*gp = NULL;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return perr_set(e, P_ENOMEM, "GeoIP database");
	rc = MMDB_open(path, MMDB_MODE_MMAP, &g->mmdb);
	if (rc != MMDB_SUCCESS) {
		free(g);
		return perr_set(e, P_EUSAGE, "--geoip %s: %s", path,
				MMDB_strerror(rc));
	}
	snprintf(g->identity, sizeof(g->identity), "%.80s@%llu",
		 g->mmdb.metadata.database_type ?
		 g->mmdb.metadata.database_type : "?",
		 (unsigned long long)g->mmdb.metadata.build_epoch);
	*gp = g;
	return P_OK;
}

/* Unmap and release G; NULL is fine. */
void
geoip_free(struct geoip *g)
{
	if (g == NULL)
		return;
	MMDB_close(&g->mmdb);
	free(g);
}

/* The number at PATH in ENTRY (a double or an unsigned integer). */
static int
get_number(MMDB_entry_s *entry, double *out, const char *a, const char *b)
{
	MMDB_entry_data_s d;

	if (MMDB_get_value(entry, &d, a, b, NULL) != MMDB_SUCCESS ||
	    !d.has_data)
		return -1;
	switch (d.type) {
	case MMDB_DATA_TYPE_DOUBLE:
		*out = d.double_value;
		return 0;
	case MMDB_DATA_TYPE_FLOAT:
		*out = d.float_value;
		return 0;
	case MMDB_DATA_TYPE_UINT16:
		*out = d.uint16;
		return 0;
	case MMDB_DATA_TYPE_UINT32:
		*out = d.uint32;
		return 0;
	default:
		return -1;
	}
}

static void
get_country(MMDB_entry_s *entry, char out[3])
{
	MMDB_entry_data_s d;

	out[0] = '\0';
	if (MMDB_get_value(entry, &d, "country", "iso_code", NULL) !=
	    MMDB_SUCCESS || !d.has_data ||
	    d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size != 2)
		return;
	memcpy(out, d.utf8_string, 2);
	out[2] = '\0';
}

/* Where IP is, as far as the database knows. */
int
geoip_lookup(const struct geoip *g, const char *ip, struct geoip_place *out)
{
	MMDB_lookup_result_s res;
	double lat, lon, radius;
	int gai = 0, err = 0;

	memset(out, 0, sizeof(*out));
	out->radius_km = -1;
	res = MMDB_lookup_string(&g->mmdb, ip, &gai, &err);
	if (gai != 0)
		return -1;
	if (err != MMDB_SUCCESS || !res.found_entry)
		return 0;
	get_country(&res.entry, out->country);
	if (get_number(&res.entry, &lat, "location", "latitude") == 0 &&
	    get_number(&res.entry, &lon, "location", "longitude") == 0 &&
	    lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
		out->has_point = 1;
		out->lat = lat;
		out->lon = lon;
	}
	if (get_number(&res.entry, &radius, "location",
		       "accuracy_radius") == 0 && radius >= 0 && radius < 1e6)
		out->radius_km = (int)radius;
	return 1;
}

/* Type and build time of the database. */
const char *
geoip_identity(const struct geoip *g)
{
	return g->identity;
}
