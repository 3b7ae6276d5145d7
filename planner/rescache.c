/*
 * rescache.c - resolutions cached in the store.  See rescache.h.
 *
 * Owned by the resolver work.  Methods are stored as text and mapped
 * back to the resolver's static strings, so an unknown method in the
 * table (written by another version) counts as a miss.
 */
#include <stdio.h>
#include <string.h>

#include "rescache.h"

static const char *const methods[] = {
	"city", "subdivision", "country", "country-default", "ip", "unmapped"
};

static const char *
method_of(const unsigned char *text)
{
	size_t i;

	for (i = 0; text && i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp((const char *)text, methods[i]) == 0)
			return methods[i];
	return NULL;
}

static int
conf_of(const unsigned char *text, enum confidence *c)
{
	static const enum confidence all[] = {
		CONF_NONE, CONF_LOW, CONF_MEDIUM, CONF_HIGH
	};
	size_t i;

	for (i = 0; text && i < 4; i++)
		if (strcmp((const char *)text, confidence_name(all[i])) == 0) {
			*c = all[i];
			return 0;
		}
	return -1;
}

/* Prepare the statements and drop answers of other data versions. */
enum perr_code
rescache_open(struct rescache *c, struct store *s, const struct resolver *r,
	      struct perr *e)
{
	sqlite3_stmt *del;
	int rc;

	memset(c, 0, sizeof(*c));
	c->store = s;
	c->resolver = r;
	resolver_data_version(r, c->version);
	store_now(c->now, sizeof(c->now));
	if (store_prepare(s, "DELETE FROM resolution WHERE data_version <> ?",
			  &del, e))
		return e->code;
	sqlite3_bind_text(del, 1, c->version, -1, SQLITE_STATIC);
	rc = sqlite3_step(del);
	sqlite3_finalize(del);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, e, "clearing the resolution cache");
	if (store_prepare(s, "SELECT region, zone, method, distance_km, "
			  "est_rtt_ms, confidence, country FROM resolution "
			  "WHERE location = ?1 AND ip = ?2 AND "
			  "data_version = ?3", &c->get, e) ||
	    store_prepare(s, "INSERT OR REPLACE INTO resolution VALUES "
			  "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
			  &c->put, e))
		return e->code;
	return P_OK;
}

static void
bind_key(sqlite3_stmt *st, const struct rescache *c, const char *loc,
	 const char *ip)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, loc, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, ip, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, c->version, -1, SQLITE_STATIC);
}

static void
copy_col(sqlite3_stmt *st, int i, char *buf, size_t n)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	snprintf(buf, n, "%s", v ? (const char *)v : "");
}

/* The cached answer for the key bound in C->get, if there is one. */
static int
lookup(struct rescache *c, struct resolution *out)
{
	sqlite3_stmt *st = c->get;

	if (sqlite3_step(st) != SQLITE_ROW)
		return 0;
	memset(out, 0, sizeof(*out));
	if ((out->method = method_of(sqlite3_column_text(st, 2))) == NULL ||
	    conf_of(sqlite3_column_text(st, 5), &out->conf) != 0)
		return 0;
	copy_col(st, 0, out->region, sizeof(out->region));
	copy_col(st, 1, out->zone, sizeof(out->zone));
	out->distance_km = sqlite3_column_double(st, 3);
	out->est_rtt_ms = sqlite3_column_double(st, 4);
	copy_col(st, 6, out->country, sizeof(out->country));
	snprintf(out->reason, sizeof(out->reason), "cached");
	return 1;
}

static void
bind_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (*s == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static void
save(struct rescache *c, const char *loc, const char *ip,
     const struct resolution *res)
{
	sqlite3_stmt *st = c->put;

	bind_key(st, c, loc, ip);
	bind_or_null(st, 4, res->region);
	bind_or_null(st, 5, res->zone);
	sqlite3_bind_text(st, 6, res->method, -1, SQLITE_STATIC);
	if (res->region[0] != '\0') {
		sqlite3_bind_double(st, 7, res->distance_km);
		sqlite3_bind_double(st, 8, res->est_rtt_ms);
	} else {
		sqlite3_bind_null(st, 7);
		sqlite3_bind_null(st, 8);
	}
	sqlite3_bind_text(st, 9, confidence_name(res->conf), -1,
			  SQLITE_STATIC);
	bind_or_null(st, 10, res->country);
	sqlite3_bind_text(st, 11, c->now, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_reset(st);
}

/* The answer for LOCATION and IP, cached. */
void
rescache_resolve(struct rescache *c, const char *location, const char *ip,
		 struct resolution *out)
{
	const char *loc = location ? location : "";

	if (ip == NULL || !resolver_has_geoip(c->resolver))
		ip = "";
	bind_key(c->get, c, loc, ip);
	if (lookup(c, out)) {
		sqlite3_reset(c->get);
		c->hits++;
		return;
	}
	sqlite3_reset(c->get);
	c->misses++;
	resolver_resolve_ip(c->resolver, location, ip, out);
	save(c, loc, ip, out);
}

/* Finalise what rescache_open() prepared. */
void
rescache_close(struct rescache *c)
{
	sqlite3_finalize(c->get);
	sqlite3_finalize(c->put);
	c->get = c->put = NULL;
}
