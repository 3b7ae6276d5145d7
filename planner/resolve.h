/*
 * resolve.h - from a Vast location string to the best GCP region and zone,
 * offline.
 *
 * The location is split on commas into whole parts (a trailing continent
 * code is dropped when a country precedes it), each part is looked up as a
 * whole in the gazetteer compiled from data/ (never as a substring of a
 * longer name), and the place found is matched to the nearest GCP region
 * by great-circle distance.  Only a large country (one spanning several
 * regions) is not pretended to be a point: it gets confidence LOW.
 *
 * Methods and confidence: "city" or "subdivision" found inside the
 * country the string names: HIGH (MEDIUM when the country was only
 * inferred from a subdivision name no other country has, as "Texas");
 * "country" (only the country, or a part that named nothing in it):
 * MEDIUM; "country-default" (only a large country): LOW, with the
 * country's documented default region from data/gazetteer.tsv;
 * "unmapped" (empty, null, unknown code such as "ZZ", a bare continent
 * code): NONE, no region.  The zone is always the region's first real
 * zone from data/gcp_regions.csv; est_rtt_ms follows the model in
 * regions.h.
 *
 * IP fallback (resolver_set_geoip, resolver_resolve_ip): when the text
 * gives no more than a country (or nothing), the host's IP is looked up
 * in an offline MaxMind-format database.  Method "ip": a point with an
 * accuracy radius up to 50 km is HIGH, up to 300 km (or with no radius,
 * as DB-IP files have) MEDIUM; a wider radius or a country alone stays
 * LOW.  An IP in another country than the text names is not used.
 *
 * Region policy (resolver_set_regions): the answer is the nearest
 * allowed region; among allowed regions within 10% of its distance, the
 * one with the least measured RTT from the unconstrained choice.  A
 * large country's default that is not allowed falls back along the
 * measured RTT ranking from it (regions_by_rtt).
 *
 * Ownership: resolver_open() builds the tables from the embedded data
 * files; resolver_free() releases them.  A struct resolution holds
 * copies, so it outlives nothing.  The resolver does no I/O besides
 * mapping the GeoIP database it is given.
 */
#ifndef PLANNER_RESOLVE_H
#define PLANNER_RESOLVE_H

#include "err.h"
#include "caps.h"

struct region_catalog;

enum confidence { CONF_NONE = 0, CONF_LOW, CONF_MEDIUM, CONF_HIGH };

struct resolution {
	char region[40];	/* "" when unmapped */
	char zone[48];		/* a real zone of region; "" when unmapped */
	const char *method;	/* static: "city", "subdivision", "country",
				   "country-default", "ip", "unmapped" */
	double distance_km;	/* from the located point to the region */
	double est_rtt_ms;	/* estimated RTT from that distance */
	enum confidence conf;
	char country[3];	/* ISO 3166-1 alpha-2, "" if unknown */
	char place[128];	/* the place that was matched, for --explain */
	char reason[160];	/* why unmapped or low, for people */
	int located;		/* lat/lon hold the point used */
	double lat, lon;	/* degrees */
};

/* At most this many comma-separated parts are looked at (the last
 * ones: the country is at the end); real values have one to four. */
#define RESOLVE_MAX_PARTS	8

/* A location split into its parts, as the resolver reads it. */
struct loc_parts {
	char buf[LIM_LOCATION];		/* the parts, NUL-terminated */
	const char *part[RESOLVE_MAX_PARTS];
	int n;				/* parts kept */
	int continent_dropped;		/* a trailing "NA", "EU"... */
	int cut;			/* parts or bytes were left out */
};

struct resolver;

enum perr_code resolver_open(struct resolver **r, struct perr *e);
void resolver_free(struct resolver *r);

/* resolver_open, with the gazetteer (tens of milliseconds of parsing)
 * built on another thread while the caller goes on: the nightly run
 * imports meanwhile.  Nothing may resolve before resolver_ready, which
 * waits for it and returns its error, if any. */
enum perr_code resolver_open_early(struct resolver **r, struct perr *e);
enum perr_code resolver_ready(struct resolver *r, struct perr *e);

/* Answer only with regions in ALLOW (a comma-separated list; NULL or ""
 * for all) and not in EXCLUDE.  P_EUSAGE naming an unknown region, or
 * when no region is left.  Forgets memoised answers. */
enum perr_code resolver_set_regions(struct resolver *r, const char *allow,
				    const char *exclude, struct perr *e);

/* Use the MaxMind-format database at PATH for the IP fallback;
 * P_EUSAGE if it cannot be opened as one. */
enum perr_code resolver_set_geoip(struct resolver *r, const char *path,
				  struct perr *e);

/* Whether a GeoIP database is set. */
int resolver_has_geoip(const struct resolver *r);

/* What every answer depends on, as 64 hex digits: the embedded
 * gazetteer and region files, the region policy and the GeoIP
 * database's identity.  Cached answers carry it. */
void resolver_data_version(const struct resolver *r, char hex[65]);

/* As resolver_resolve(), then, when the text gives no more than a
 * country and a GeoIP database is set, IP (NULL or "": none). */
void resolver_resolve_ip(const struct resolver *r, const char *location,
			 const char *ip, struct resolution *out);

/* Resolve LOCATION (NULL for a JSON null or missing key) into *OUT.
 * Never fails: an unknown place yields method "unmapped", CONF_NONE.
 * Results are memoised by the whole string, so the same location costs
 * one table probe the second time (not thread-safe). */
void resolver_resolve(const struct resolver *r, const char *location,
		      struct resolution *out);

/* Split LOCATION into parts: on commas, each trimmed, empty ones
 * dropped, and a trailing continent code dropped when a country code
 * or name precedes it.  For --explain and tests. */
void resolver_parse(const struct resolver *r, const char *location,
		    struct loc_parts *p);

/* What PART (one part of a location) could name on its own, in
 * country CC ("" for any): "country Germany (DE); subdivision Berlin
 * (DE-BE); city Berlin (DE-BE)", or "nothing".  Into BUF of size N;
 * returns the length.  For --explain. */
size_t resolver_candidates(const struct resolver *r, const char *part,
			   const char *cc, char *buf, size_t n);

/* The region catalog the resolver chooses from (for ranking and
 * fallbacks). */
const struct region_catalog *resolver_regions(const struct resolver *r);

/* "high", "medium", "low" or "none". */
const char *confidence_name(enum confidence c);

/* `planner resolve ...`: ARGV holds the arguments after "resolve".
 * Prints to stdout; returns the process exit status (cli.md). */
int cmd_resolve(int argc, char **argv);

#endif
