/*
 * rescache.h - the resolver's answers cached in the database (table
 * resolution, sql/004_resolve.sql), keyed by the location text, the IP
 * address used and the resolver's data version.
 *
 * rescache_open() drops the rows of other data versions and prepares
 * the statements; rescache_resolve() answers from the table, or asks the
 * resolver and stores the answer; rescache_close() finalises.  The
 * caller holds a write transaction around the whole use, so thousands
 * of new answers cost one commit.  A cached answer restores what the
 * plan uses (region, zone, method, distance, estimated RTT, confidence,
 * country), not the explanation.  Owned by the resolver work.
 */
#ifndef PLANNER_RESCACHE_H
#define PLANNER_RESCACHE_H

#include "resolve.h"
#include "store.h"

struct rescache {
	struct store *store;
	const struct resolver *resolver;
	sqlite3_stmt *get, *put;
	char version[65];
	char now[32];
	long hits, misses;
};

/* Get ready to answer through C; P_EDB on a database failure. */
enum perr_code rescache_open(struct rescache *c, struct store *s,
			     const struct resolver *r, struct perr *e);

/* LOCATION (NULL for null or missing) and IP (NULL or "" for none), from
 * the table or the resolver.  A failed write only loses the caching. */
void rescache_resolve(struct rescache *c, const char *location,
		      const char *ip, struct resolution *out);

/* Finalise the statements; C may be zeroed or half open. */
void rescache_close(struct rescache *c);

#endif
