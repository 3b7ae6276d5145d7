/*
 * geoip.h - where an IP address is, from an offline MaxMind-format
 * database (GeoLite2-City, GeoIP2-City or DB-IP City files), read with
 * libmaxminddb.
 *
 * Only the fields both layouts share are read: location.latitude,
 * location.longitude, location.accuracy_radius (km; DB-IP files may
 * lack it) and country.iso_code.  A lookup never goes to the network.
 *
 * Ownership: geoip_open() maps the file, geoip_free() unmaps it.  Owned
 * by the resolver work; never prints.
 */
#ifndef PLANNER_GEOIP_H
#define PLANNER_GEOIP_H

#include "err.h"

struct geoip;

/* What the database says about one address. */
struct geoip_place {
	int has_point;		/* lat/lon are set */
	double lat, lon;	/* degrees */
	int radius_km;		/* accuracy radius; -1 if not given */
	char country[3];	/* ISO 3166-1 alpha-2, "" if not given */
};

/* Open the database at PATH; P_EUSAGE (naming the file and the reason)
 * if it cannot be read as one. */
enum perr_code geoip_open(struct geoip **g, const char *path,
			  struct perr *e);
void geoip_free(struct geoip *g);

/* Look IP (dotted IPv4 or IPv6 text) up.  Returns 1 and fills *OUT when
 * the database has the address, 0 when it has not, -1 when IP is not an
 * address. */
int geoip_lookup(const struct geoip *g, const char *ip,
		 struct geoip_place *out);

/* The database's type and build time ("GeoLite2-City@1700000000"), so
 * that cached answers are tied to the database that gave them. */
const char *geoip_identity(const struct geoip *g);

#endif
