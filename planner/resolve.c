/*
 * resolve.c - from a Vast location string to a GCP region.  See
 * resolve.h.
 *
 * Owned by the resolver work.  The steps: split the string into parts
 * (resolver_parse); find the country in the last part (an ISO code or a
 * name); find the most specific place the other parts name inside that
 * country (a subdivision, then a city inside it); take its point, and
 * the region nearest to it.  Only a large country known by itself is
 * not pretended to be a point: it gets its documented default region
 * with confidence low.  The gazetteer and the region catalog hold every
 * fact; this file holds only the rules.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "embed.h"
#include "gazetteer.h"
#include "geo.h"
#include "geoip.h"
#include "regions.h"
#include "resolve.h"

#define CACHE_SLOTS	8192	/* distinct locations memoised */
#define CACHE_FILL	6144	/* stop adding past 3/4 full */
#define REGIONS_ALL	REGIONS_MAX

/* Accuracy radius (km) of an IP answer up to which it is taken as a
 * point with confidence high, and up to which with medium; beyond, or
 * without a point, it only tells the country (low). */
#define IP_HIGH_KM	50
#define IP_MEDIUM_KM	300

/* Vast's continent suffixes; "NA" there is North America. */
static const char *const continents[] = {
	"AF", "AN", "AS", "EU", "NA", "OC", "SA"
};

struct cache_entry {
	char *key;			/* NULL: free */
	struct resolution res;
};

struct memo {
	struct cache_entry slot[CACHE_SLOTS];
	size_t used;
};

struct resolver {
	struct gazetteer *gaz;		/* NULL while the loader runs */
	pthread_t loader;		/* building gaz (resolver_open_early) */
	int loading;
	enum perr_code load_rc;
	struct perr load_e;
	struct region_catalog *cat;
	struct memo *memo;		/* NULL if it could not be had */
	unsigned char *allowed;		/* per catalog index; NULL: all */
	char policy[512];		/* the policy as set, for the cache */
	struct geoip *geoip;		/* NULL: none configured */
};

/* What the parts before the country were found to name. */
struct place {
	const struct gaz_country *country;
	const struct gaz_sub *sub;
	const struct gaz_city *city;
	int explicit_country;		/* the string named the country */
	const char *unknown;		/* a part that matched nothing */
};

/* Forget every memoised answer (the policy or the data changed). */
static void
memo_clear(struct resolver *r)
{
	size_t i;

	if (r->memo == NULL)
		return;
	for (i = 0; i < CACHE_SLOTS; i++) {
		free(r->memo->slot[i].key);
		r->memo->slot[i].key = NULL;
	}
	r->memo->used = 0;
}

/* Open the gazetteer and the region catalog. */
static enum perr_code
open_tables(struct resolver **rp, int gazetteer, struct perr *e)
{
	struct resolver *r;
	enum perr_code rc;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return perr_set(e, P_ENOMEM, "resolver");
	if ((gazetteer && (rc = gaz_open(&r->gaz, e)) != P_OK) ||
	    (rc = regions_open(&r->cat, e)) != P_OK) {
		resolver_free(r);
		return rc;
	}
	r->memo = calloc(1, sizeof(*r->memo));
	*rp = r;
	return P_OK;
}

enum perr_code
resolver_open(struct resolver **rp, struct perr *e)
{
	return open_tables(rp, 1, e);
}

static void *
load_gazetteer(void *arg)
{
	struct resolver *r = arg;

	r->load_rc = gaz_open(&r->gaz, &r->load_e);
	return NULL;
}

/* Open R with the gazetteer built on another thread (see resolve.h). */
enum perr_code
resolver_open_early(struct resolver **rp, struct perr *e)
{
	enum perr_code rc = open_tables(rp, 0, e);

	if (rc != P_OK)
		return rc;
	(*rp)->loading = pthread_create(&(*rp)->loader, NULL,
					load_gazetteer, *rp) == 0;
	if (!(*rp)->loading)
		(*rp)->load_rc = gaz_open(&(*rp)->gaz, &(*rp)->load_e);
	return P_OK;
}

/* Wait for the gazetteer (see resolve.h). */
enum perr_code
resolver_ready(struct resolver *r, struct perr *e)
{
	if (r->loading) {
		pthread_join(r->loader, NULL);
		r->loading = 0;
	}
	if (r->load_rc != P_OK)
		*e = r->load_e;
	return r->load_rc;
}

/* Use the MaxMind-format database at PATH for IP fallbacks. */
enum perr_code
resolver_set_geoip(struct resolver *r, const char *path, struct perr *e)
{
	struct geoip *g;

	if (geoip_open(&g, path, e) != P_OK)
		return e->code;
	geoip_free(r->geoip);
	r->geoip = g;
	return P_OK;
}

/* Whether a GeoIP database is configured. */
int
resolver_has_geoip(const struct resolver *r)
{
	return r->geoip != NULL;
}

/* SHA-256 of what answers depend on: the data files, the policy and
 * the GeoIP database's identity. */
void
resolver_data_version(const struct resolver *r, char hex[65])
{
	static const char *const files[] = {
		"data/gazetteer.tsv", "data/gcp_regions.csv",
		"data/gcp_rtt.csv"
	};
	const struct embedded_file *f;
	const char *id = r->geoip ? geoip_identity(r->geoip) : "";
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[EVP_MAX_MD_SIZE];
	int ok;
	size_t i;

	/* libcrypto's SHA-256 (the CPU's SHA instructions where it has
	 * them): the gazetteer is megabytes, hashed at every run. */
	ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
	for (i = 0; ok && i < sizeof(files) / sizeof(files[0]); i++)
		if ((f = embed_find(files[i])) != NULL)
			ok = EVP_DigestUpdate(md, f->data, f->len + 1) == 1;
	ok = ok && EVP_DigestUpdate(md, r->policy, strlen(r->policy) + 1) &&
	    EVP_DigestUpdate(md, id, strlen(id) + 1) &&
	    EVP_DigestFinal_ex(md, d, NULL) == 1;
	EVP_MD_CTX_free(md);
	for (i = 0; i < 32; i++)	/* all zero: never a real digest */
		snprintf(hex + 2 * i, 3, "%02x", ok ? d[i] : 0);
}

/* Release R and everything it owns; NULL is fine. */
void
resolver_free(struct resolver *r)
{
	size_t i;

	if (r == NULL)
		return;
	if (r->loading)
		pthread_join(r->loader, NULL);
	if (r->memo != NULL)
		for (i = 0; i < CACHE_SLOTS; i++)
			free(r->memo->slot[i].key);
	free(r->memo);
	free(r->allowed);
	geoip_free(r->geoip);
	gaz_free(r->gaz);
	regions_free(r->cat);
	free(r);
}

/* The catalog regions come from. */
const struct region_catalog *
resolver_regions(const struct resolver *r)
{
	return r->cat;
}

/* Mark in R->allowed the regions named in LIST (comma-separated) as
 * VAL; P_EUSAGE for a name the catalog does not have. */
static enum perr_code
mark_regions(struct resolver *r, const char *list, const char *opt,
	     unsigned char val, struct perr *e)
{
	const struct gcp_region *g;
	char name[64];
	const char *p = list, *q;
	size_t n;

	for (; *p != '\0'; p = *q ? q + 1 : q) {
		q = p + strcspn(p, ",");
		while (p < q && *p == ' ')
			p++;
		n = (size_t)(q - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		if (n >= sizeof(name) || (g = regions_find(r->cat, name)) ==
		    NULL)
			return perr_set(e, P_EUSAGE, "--%s: unknown region "
					"'%.*s' (see data/gcp_regions.csv)",
					opt, (int)n, p);
		r->allowed[regions_index(r->cat, g)] = val;
	}
	return P_OK;
}

/* Limit the answers to ALLOW (all if NULL) minus EXCLUDE. */
enum perr_code
resolver_set_regions(struct resolver *r, const char *allow,
		     const char *exclude, struct perr *e)
{
	size_t i, n = regions_count(r->cat), left = 0;

	free(r->allowed);
	r->allowed = NULL;
	r->policy[0] = '\0';
	memo_clear(r);
	if ((allow == NULL || *allow == '\0') &&
	    (exclude == NULL || *exclude == '\0'))
		return P_OK;
	if ((r->allowed = malloc(n)) == NULL)
		return perr_set(e, P_ENOMEM, "region policy");
	memset(r->allowed, allow && *allow ? 0 : 1, n);
	if ((allow && mark_regions(r, allow, "allow-regions", 1, e)) ||
	    (exclude && mark_regions(r, exclude, "exclude-regions", 0, e)))
		goto fail;
	for (i = 0; i < n; i++)
		left += r->allowed[i];
	if (left == 0) {
		perr_set(e, P_EUSAGE, "--allow-regions and --exclude-regions "
			 "leave no region to choose from");
		goto fail;
	}
	snprintf(r->policy, sizeof(r->policy), "allow=%.240s;exclude=%.240s",
		 allow ? allow : "", exclude ? exclude : "");
	return P_OK;
fail:
	free(r->allowed);
	r->allowed = NULL;
	return e->code;
}

/* The word for C. */
const char *
confidence_name(enum confidence c)
{
	switch (c) {
	case CONF_HIGH:
		return "high";
	case CONF_MEDIUM:
		return "medium";
	case CONF_LOW:
		return "low";
	default:
		return "none";
	}
}

/* ------------------------------------------------------------------
 * Parsing.
 */

static int
is_continent(const char *s)
{
	size_t i;

	if (strlen(s) != 2)
		return 0;
	for (i = 0; i < sizeof(continents) / sizeof(continents[0]); i++)
		if ((s[0] & ~0x20) == continents[i][0] &&
		    (s[1] & ~0x20) == continents[i][1])
			return 1;
	return 0;
}

/* The country a part names: a two- or three-letter ISO code, else a
 * country name.  NULL if it names none. */
static const struct gaz_country *
country_of(const struct resolver *r, const char *part)
{
	const struct gaz_country *c;
	char key[GAZ_KEY_MAX];
	size_t n = strlen(part);

	if ((n == 2 || n == 3) &&
	    (c = gaz_country_by_code(r->gaz, part, n)) != NULL)
		return c;
	gaz_normalize(part, n, key, sizeof(key));
	return gaz_country_by_name(r->gaz, key);
}

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* Split on commas into P, trimmed, empty parts dropped; only the last
 * RESOLVE_MAX_PARTS parts are kept. */
static void
split_parts(const char *location, struct loc_parts *p)
{
	char *s, *comma, *t;
	size_t len = strlen(location);

	memset(p, 0, sizeof(*p));
	if (len >= sizeof(p->buf)) {
		len = sizeof(p->buf) - 1;
		p->cut = 1;
	}
	memcpy(p->buf, location, len);
	p->buf[len] = '\0';
	for (s = p->buf; s != NULL; s = comma) {
		if ((comma = strchr(s, ',')) != NULL)
			*comma++ = '\0';
		t = trim(s);
		if (*t == '\0')
			continue;
		if (p->n == RESOLVE_MAX_PARTS) {
			memmove(p->part, p->part + 1,
				(RESOLVE_MAX_PARTS - 1) * sizeof(p->part[0]));
			p->n--;
			p->cut = 1;
		}
		p->part[p->n++] = t;
	}
}

/* Split LOCATION and drop a continent suffix that follows a country. */
void
resolver_parse(const struct resolver *r, const char *location,
	       struct loc_parts *p)
{
	split_parts(location ? location : "", p);
	if (p->n >= 2 && is_continent(p->part[p->n - 1]) &&
	    country_of(r, p->part[p->n - 2]) != NULL) {
		p->n--;
		p->continent_dropped = 1;
	}
}

/* Append "KIND NAME (CODE)" to BUF (of size N, used *O). */
static void
add_candidate(char *buf, size_t n, size_t *o, const char *kind,
	      const char *name, size_t len, const char *code)
{
	int k;

	if (*o >= n)
		return;
	k = snprintf(buf + *o, n - *o, "%s%s %.*s (%s)", *o ? "; " : "",
		     kind, (int)(len > 60 ? 60 : len), name, code);
	*o += k > 0 ? (size_t)k : 0;
	if (*o >= n)
		*o = n - 1;
}

/* What PART could name on its own, inside country CC (if not ""). */
size_t
resolver_candidates(const struct resolver *r, const char *part,
		    const char *cc, char *buf, size_t n)
{
	const struct gaz_country *c, *in;
	const struct gaz_sub *sub;
	const struct gaz_city *city;
	char key[GAZ_KEY_MAX];
	size_t o = 0;

	buf[0] = '\0';
	if (n < 2)
		return 0;
	gaz_normalize(part, strlen(part), key, sizeof(key));
	if (is_continent(part))
		add_candidate(buf, n, &o, "continent", part, 2, "code");
	if ((c = country_of(r, part)) != NULL)
		add_candidate(buf, n, &o, "country", c->name, c->name_len,
			      c->code);
	in = gaz_country_by_code(r->gaz, cc, strlen(cc));
	sub = in ? gaz_sub_find(r->gaz, in, key) :
	    gaz_sub_find_global(r->gaz, key);
	if (sub != NULL)
		add_candidate(buf, n, &o, "subdivision", sub->name,
			      sub->name_len, sub->code);
	if (in && (city = gaz_city_find(r->gaz, in, key, NULL)) != NULL)
		add_candidate(buf, n, &o, "city", city->name, city->name_len,
			      city->sub >= 0 ?
			      gaz_sub_at(r->gaz, city->sub)->code : in->code);
	if (o == 0)
		o = (size_t)snprintf(buf, n, "nothing");
	return o;
}

/* ------------------------------------------------------------------
 * Locating.
 */

/* Whether subdivision S lies inside (or is) subdivision OUTER. */
static int
sub_inside(const struct resolver *r, const struct gaz_sub *s,
	   const struct gaz_sub *outer)
{
	const struct gaz_sub *p;

	for (p = s; p != NULL; p = gaz_sub_at(r->gaz, p->parent))
		if (p == outer)
			return 1;
	return 0;
}

/* Whether part KEY is only the country's own name ("Czechia, CZ"). */
static int
own_name(const struct resolver *r, const struct gaz_country *c,
	 const char *key)
{
	return gaz_country_by_name(r->gaz, key) == c;
}

/*
 * Find the subdivision: the part nearest the country that names one,
 * made more specific by earlier parts that name one inside it.  Returns
 * the index of the part it came from (N if none), so only earlier parts
 * are read as cities.
 */
static int
find_sub(const struct resolver *r, char keys[][GAZ_KEY_MAX], int n,
	 struct place *pl)
{
	const struct gaz_sub *s;
	int i, at = n;

	for (i = n - 1; i >= 0; i--) {
		if (keys[i][0] == '\0' || own_name(r, pl->country, keys[i]))
			continue;
		s = gaz_sub_find(r->gaz, pl->country, keys[i]);
		if (s == NULL)
			continue;
		if (pl->sub == NULL || (s != pl->sub &&
					sub_inside(r, s, pl->sub))) {
			pl->sub = s;
			at = i;
		}
	}
	return at;
}

/* The most specific part that names a city (inside the subdivision, if
 * one was found); the first part that names nothing is remembered. */
static void
find_city(const struct resolver *r, char keys[][GAZ_KEY_MAX],
	  const struct loc_parts *p, int before, struct place *pl)
{
	int i;

	for (i = 0; i < before; i++) {
		if (keys[i][0] == '\0' || own_name(r, pl->country, keys[i]))
			continue;
		pl->city = gaz_city_find(r->gaz, pl->country, keys[i],
					 pl->sub);
		if (pl->city != NULL)
			return;
		if (pl->unknown == NULL && pl->sub == NULL)
			pl->unknown = p->part[i];
	}
}

/* Read the first N parts of P inside PL->country (and PL->sub, if the
 * caller already knows it). */
static void
locate(const struct resolver *r, const struct loc_parts *p, int n,
       struct place *pl)
{
	char keys[RESOLVE_MAX_PARTS][GAZ_KEY_MAX];
	int i, before = n;

	for (i = 0; i < n; i++)
		gaz_normalize(p->part[i], strlen(p->part[i]), keys[i],
			      GAZ_KEY_MAX);
	if (pl->sub == NULL)
		before = find_sub(r, keys, n, pl);
	find_city(r, keys, p, before, pl);
	if (pl->sub == NULL && pl->city == NULL && pl->unknown == NULL)
		for (i = 0; i < n; i++)
			if (keys[i][0] != '\0' &&
			    !own_name(r, pl->country, keys[i])) {
				pl->unknown = p->part[i];
				break;
			}
}

/* ------------------------------------------------------------------
 * Choosing the region.
 */

static void
set_region(const struct resolver *r, struct resolution *out,
	   const struct gcp_region *g, double km)
{
	snprintf(out->region, sizeof(out->region), "%s", g->name);
	snprintf(out->zone, sizeof(out->zone), "%s", region_default_zone(g));
	out->distance_km = km;
	out->est_rtt_ms = regions_estimate_rtt_ms(r->cat, km);
}

static int
allowed(const struct resolver *r, const struct gcp_region *g)
{
	return r->allowed == NULL || r->allowed[regions_index(r->cat, g)];
}

/* Say in OUT's reason that the policy moved the answer off FIRST. */
static void
note_policy(struct resolution *out, const struct gcp_region *first)
{
	size_t n = strlen(out->reason);

	snprintf(out->reason + n, sizeof(out->reason) - n, "%s%s is not "
		 "allowed by the region policy", n ? "; " : "", first->name);
}

/*
 * The allowed region for a point whose nearest region FIRST is not
 * allowed: the nearest allowed one; among those within 10% of its
 * distance (about equally near), the one with the least measured RTT
 * from FIRST, so that the answer stays on the routes FIRST has.
 */
static const struct gcp_region *
nearest_allowed(const struct resolver *r, const struct gcp_region *first,
		const struct gcp_region **near, const double *km, size_t n,
		double *dist)
{
	const struct gcp_region *best = NULL;
	double best_rtt = 0, rtt, limit = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!allowed(r, near[i]))
			continue;
		if (best == NULL)
			limit = km[i] * 1.1;
		else if (km[i] > limit)
			break;
		rtt = regions_rtt_ms(r->cat, first, near[i], NULL);
		if (best == NULL || rtt < best_rtt) {
			best = near[i];
			best_rtt = rtt;
			*dist = km[i];
		}
	}
	return best;
}

/* The region for (LAT, LON): the nearest allowed one. */
static void
nearest(const struct resolver *r, struct resolution *out, double lat,
	double lon)
{
	const struct gcp_region *near[REGIONS_ALL], *g;
	double km[REGIONS_ALL], d = 0;
	size_t n;

	out->located = 1;
	out->lat = lat;
	out->lon = lon;
	n = regions_nearest(r->cat, lat, lon, near, km, REGIONS_ALL);
	if (n == 0)
		return;
	if (allowed(r, near[0])) {
		set_region(r, out, near[0], km[0]);
		return;
	}
	if ((g = nearest_allowed(r, near[0], near, km, n, &d)) != NULL) {
		note_policy(out, near[0]);
		set_region(r, out, g, d);
	}
}

/* FROM, or when the policy forbids it the allowed region with the least
 * RTT from it (measured where the matrix has it); NULL if none. */
static const struct gcp_region *
allowed_or_fallback(const struct resolver *r, const struct gcp_region *from)
{
	const struct gcp_region *by[REGIONS_ALL];
	size_t n, i;

	if (allowed(r, from))
		return from;
	n = regions_by_rtt(r->cat, from, by, NULL, REGIONS_ALL);
	for (i = 0; i < n; i++)
		if (allowed(r, by[i]))
			return by[i];
	return NULL;
}

static void
unmapped(struct resolution *out, const char *why, const char *what)
{
	out->method = "unmapped";
	out->conf = CONF_NONE;
	out->region[0] = out->zone[0] = '\0';
	snprintf(out->reason, sizeof(out->reason), "%s%s%.100s%s", why,
		 what ? " '" : "", what ? what : "", what ? "'" : "");
}

/* Only the country is known: its point, or its documented default when
 * it is too large to be a point. */
static void
country_level(const struct resolver *r, const struct place *pl,
	      struct resolution *out)
{
	const struct gaz_country *c = pl->country;
	const struct gcp_region *g;

	if (!c->has_point) {
		unmapped(out, "no point for country", c->code);
		return;
	}
	snprintf(out->place, sizeof(out->place), "%.*s (%s)",
		 (int)c->name_len, c->name, c->code);
	if (pl->unknown != NULL)
		snprintf(out->reason, sizeof(out->reason),
			 "'%.60s' not found in %s; country only",
			 pl->unknown, c->code);
	if (!c->large) {
		out->method = "country";
		out->conf = CONF_MEDIUM;
		nearest(r, out, c->lat, c->lon);
		return;
	}
	out->method = "country-default";
	out->conf = CONF_LOW;
	out->located = 1;
	out->lat = c->lat;
	out->lon = c->lon;
	if (pl->unknown == NULL)
		snprintf(out->reason, sizeof(out->reason), "only the large "
			 "country %s is known: default region", c->code);
	if ((g = regions_find(r->cat, c->default_region)) == NULL) {
		nearest(r, out, c->lat, c->lon);
		return;
	}
	if (!allowed(r, g))
		note_policy(out, g);
	if ((g = allowed_or_fallback(r, g)) != NULL)
		set_region(r, out, g, geo_distance_km(c->lat, c->lon, g->lat,
						      g->lon));
}

/* Turn what was found into the answer. */
static void
answer(const struct resolver *r, const struct place *pl,
       struct resolution *out)
{
	const struct gaz_sub *s = pl->sub;
	enum confidence sure = pl->explicit_country ? CONF_HIGH : CONF_MEDIUM;

	snprintf(out->country, sizeof(out->country), "%s", pl->country->code);
	if (pl->city != NULL) {
		out->method = "city";
		out->conf = sure;
		snprintf(out->place, sizeof(out->place), "%.*s (city, %s)",
			 (int)pl->city->name_len, pl->city->name,
			 pl->city->sub >= 0 ?
			 gaz_sub_at(r->gaz, pl->city->sub)->code :
			 pl->country->code);
		nearest(r, out, pl->city->lat, pl->city->lon);
	} else if (s != NULL && s->has_point) {
		out->method = "subdivision";
		out->conf = sure;
		snprintf(out->place, sizeof(out->place), "%.*s (%s)",
			 (int)s->name_len, s->name, s->code);
		nearest(r, out, s->lat, s->lon);
	} else
		country_level(r, pl, out);
}

/*
 * No part is a country: the last part may still be a subdivision name
 * that only one country has ("Texas"); the country is then inferred,
 * and the answer is at most medium.
 */
static int
infer_country(const struct resolver *r, const struct loc_parts *p, int n,
	      struct place *pl)
{
	char key[GAZ_KEY_MAX];
	const struct gaz_sub *s;

	if (n < 1)
		return 0;
	gaz_normalize(p->part[n - 1], strlen(p->part[n - 1]), key,
		      sizeof(key));
	if ((s = gaz_sub_find_global(r->gaz, key)) == NULL)
		return 0;
	memset(pl, 0, sizeof(*pl));
	pl->country = gaz_country_at(r->gaz, s->country);
	pl->sub = s;
	locate(r, p, n - 1, pl);
	return 1;
}

static void
resolve_parts(const struct resolver *r, const struct loc_parts *p,
	      struct resolution *out)
{
	struct place pl;
	const char *last = p->part[p->n - 1];
	int code_like = strlen(last) == 2 && isalpha((unsigned char)last[0]) &&
	    isalpha((unsigned char)last[1]);

	memset(&pl, 0, sizeof(pl));
	pl.country = country_of(r, last);

	/* A continent code is only ever appended after a country: alone,
	 * a code that is also a country's (NA, SA, AS, AF) is the
	 * country, and one that is not (EU, OC) names nothing. */
	if (p->n == 1 && is_continent(last) && pl.country == NULL) {
		unmapped(out, "only a continent code", last);
		return;
	}
	pl.explicit_country = 1;
	if (pl.country != NULL) {
		locate(r, p, p->n - 1, &pl);

		/* "X, NA" where X is no country: NA may be Namibia or
		 * North America; keep Namibia only if X is in it. */
		if (p->n >= 2 && is_continent(last) && pl.sub == NULL &&
		    pl.city == NULL) {
			if (infer_country(r, p, p->n - 1, &pl))
				pl.explicit_country = 0;
			else {
				unmapped(out, "a continent or country code "
					 "after an unknown place", last);
				return;
			}
		}
	} else if (code_like) {
		unmapped(out, "unknown country code", last);
		return;
	} else if (!infer_country(r, p, p->n, &pl)) {
		unmapped(out, "no country found in", last);
		return;
	}
	answer(r, &pl, out);
}

static void
resolve_uncached(const struct resolver *r, const char *location,
		 struct resolution *out)
{
	struct loc_parts p;

	memset(out, 0, sizeof(*out));
	out->method = "unmapped";
	if (location == NULL) {
		unmapped(out, "no location (null)", NULL);
		return;
	}
	resolver_parse(r, location, &p);
	if (p.n == 0) {
		unmapped(out, "empty location", NULL);
		return;
	}
	resolve_parts(r, &p, out);
}

/* ------------------------------------------------------------------
 * The memo.
 */

static size_t
cache_hash(const char *s)
{
	size_t h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static struct cache_entry *
cache_slot(struct memo *m, const char *location)
{
	size_t i = cache_hash(location) & (CACHE_SLOTS - 1);

	while (m->slot[i].key != NULL &&
	       strcmp(m->slot[i].key, location) != 0)
		i = (i + 1) & (CACHE_SLOTS - 1);
	return &m->slot[i];
}

/* Resolve LOCATION by its text, from the memo when it was seen. */
static void
resolve_text(const struct resolver *r, const char *location,
	     struct resolution *out)
{
	struct cache_entry *ce;

	if (location == NULL || r->memo == NULL ||
	    strlen(location) >= LIM_LOCATION) {
		resolve_uncached(r, location, out);
		return;
	}
	ce = cache_slot(r->memo, location);
	if (ce->key != NULL) {
		*out = ce->res;
		return;
	}
	resolve_uncached(r, location, out);
	if (r->memo->used < CACHE_FILL &&
	    (ce->key = strdup(location)) != NULL) {
		ce->res = *out;
		r->memo->used++;
	}
}

/* ------------------------------------------------------------------
 * The IP fallback.
 */

/* Append WHY to OUT's reason. */
static void
add_reason(struct resolution *out, const char *why, const char *what)
{
	size_t n = strlen(out->reason);

	snprintf(out->reason + n, sizeof(out->reason) - n, "%s%s%.60s",
		 n ? "; " : "", why, what);
}

/* The IP's answer is a point: the region nearest to it. */
static void
ip_point(const struct resolver *r, const char *ip,
	 const struct geoip_place *g, struct resolution *out)
{
	memset(out, 0, sizeof(*out));
	out->method = "ip";
	out->conf = g->radius_km >= 0 && g->radius_km <= IP_HIGH_KM ?
	    CONF_HIGH : CONF_MEDIUM;
	snprintf(out->country, sizeof(out->country), "%s", g->country);
	snprintf(out->place, sizeof(out->place), "IP %.60s (%s, radius %d "
		 "km)", ip, g->country[0] ? g->country : "?", g->radius_km);
	nearest(r, out, g->lat, g->lon);
}

/* The IP only tells a country: its point or default, confidence low. */
static void
ip_country(const struct resolver *r, const char *ip,
	   const struct geoip_place *g, struct resolution *out)
{
	struct place pl;
	const struct gaz_country *c;

	c = gaz_country_by_code(r->gaz, g->country, strlen(g->country));
	if (c == NULL)
		return;
	memset(out, 0, sizeof(*out));
	memset(&pl, 0, sizeof(pl));
	pl.country = c;
	snprintf(out->country, sizeof(out->country), "%s", c->code);
	country_level(r, &pl, out);
	if (out->conf == CONF_NONE)
		return;
	out->method = "ip";
	out->conf = CONF_LOW;
	add_reason(out, "the IP gives only the country; IP ", ip);
}

/*
 * OUT was resolved from the text alone and says no more than a country
 * (or nothing): ask the GeoIP database about IP.  An answer in another
 * country than the text names is not taken (a VPN or a stale entry
 * says nothing about where the host is); a wide radius or a country
 * alone gives confidence low.
 */
static void
ip_refine(const struct resolver *r, const char *ip, struct resolution *out)
{
	struct geoip_place g;
	struct resolution by_ip;
	int rc;

	if (strcmp(out->method, "country") != 0 &&
	    strcmp(out->method, "country-default") != 0 &&
	    strcmp(out->method, "unmapped") != 0)
		return;
	if ((rc = geoip_lookup(r->geoip, ip, &g)) <= 0) {
		add_reason(out, rc < 0 ? "not an IP address: " :
			   "IP not in the GeoIP database: ", ip);
		return;
	}
	if (out->country[0] != '\0' && strcmp(g.country, out->country) != 0) {
		add_reason(out, "IP is elsewhere, not used: ", ip);
		return;
	}
	by_ip = *out;
	if (g.has_point && g.radius_km <= IP_MEDIUM_KM)
		ip_point(r, ip, &g, &by_ip);
	else if (g.country[0] != '\0' && out->conf == CONF_NONE)
		ip_country(r, ip, &g, &by_ip);
	else
		add_reason(&by_ip, "the IP adds nothing: ", ip);
	if (by_ip.region[0] != '\0' || by_ip.conf == out->conf)
		*out = by_ip;
}

/* Resolve LOCATION, then IP where the text gives no more than a
 * country. */
void
resolver_resolve_ip(const struct resolver *r, const char *location,
		    const char *ip, struct resolution *out)
{
	resolve_text(r, location, out);
	if (r->geoip != NULL && ip != NULL && *ip != '\0')
		ip_refine(r, ip, out);
}

/* Resolve LOCATION by its text alone. */
void
resolver_resolve(const struct resolver *r, const char *location,
		 struct resolution *out)
{
	resolve_text(r, location, out);
}
