/*
 * gazetteer.h - place names to points: countries, their subdivisions
 * and their cities, from data/gazetteer.tsv (ISO 3166 names and GeoNames
 * places; tools/gen_gazetteer.js builds it).
 *
 * Names are compared only as whole normalised strings, through hash
 * tables built once at open: never by substring or prefix, so "Indiana"
 * cannot find India, nor "West Virginia" Virginia.  Normalising folds
 * Latin letters to ASCII without marks (Québec = Quebec, ð = d, ø = o,
 * æ = ae, ß = ss, þ = th, ł = l), lowers case, treats any run of spaces,
 * punctuation, underscores, hyphens and periods as one separator, joins
 * the letters around an apostrophe inside a word ("Hawai'i" = Hawaii,
 * also with the okina U+02BB or U+2019), reads "\u00e9" escapes written
 * out as text as the letter they stand for, spells out "St"/"Ste"/"Sankt"
 * as "Saint"/"Sainte", and drops a leading "The".  Designator words
 * ("City", "Prefecture", "Province", "Oblast", "County", "Land", ...) are
 * tried away only when the whole name finds nothing, so "Moscow Oblast"
 * never becomes Moscow.
 *
 * Every subdivision and country has a point where its people live (the
 * population-weighted mean of its places); a subdivision without one
 * stands for its country.  Lookups are scoped to a country except the
 * country names themselves and gaz_sub_find_global().
 *
 * Ownership: gaz_open() allocates, gaz_free() releases; the structs and
 * names handed out live as long as the gazetteer (names point into the
 * embedded data and are not NUL-terminated: use the _len fields).  Owned
 * by the resolver work; never prints.
 */
#ifndef PLANNER_GAZETTEER_H
#define PLANNER_GAZETTEER_H

#include <stddef.h>

#include "err.h"

/* The longest normalised name kept; longer input is cut (and then finds
 * nothing, which is the right answer for such input). */
#define GAZ_KEY_MAX	256

struct gaz_country {
	char code[3];		/* ISO 3166-1 alpha-2 */
	char code3[4];		/* alpha-3 */
	double lat, lon;	/* where its people live */
	int has_point;
	int large;		/* spread over several regions' areas */
	double spread_km;	/* mean distance between two inhabitants */
	char default_region[32]; /* large only: the documented default */
	const char *name;	/* display name */
	size_t name_len;
};

struct gaz_sub {
	char code[24];		/* "US-TX", or "TW.04" (GeoNames only) */
	int country;		/* index of its country */
	int parent;		/* index of its parent subdivision, or -1 */
	double lat, lon;
	int has_point;
	const char *name;
	size_t name_len;
	const char *names;	/* every name, '|'-separated */
	size_t names_len;
};

struct gaz_city {
	int country;		/* index */
	int sub;		/* index of its subdivision, or -1 */
	double lat, lon;
	const char *name;
	size_t name_len;
	int next;		/* next city with the same name, or -1 */
};

struct gazetteer;

/* Load data/gazetteer.tsv; P_EDATA (file and line) if it is broken. */
enum perr_code gaz_open(struct gazetteer **g, struct perr *e);
void gaz_free(struct gazetteer *g);

/* Normalise S[0..N) into OUT (of size OUTSZ >= 1, always terminated);
 * returns the length written.  Invalid UTF-8 bytes are separators. */
size_t gaz_normalize(const char *s, size_t n, char *out, size_t outsz);

/* Drop designator words from the normalised KEY in place ("osaka
 * prefecture" -> "osaka", "city of london" -> "london"), keeping at
 * least one word; returns the new length. */
size_t gaz_strip_designators(char *key);

/* The country with ISO alpha-2 or alpha-3 code S[0..N) (any case), or
 * NULL. */
const struct gaz_country *gaz_country_by_code(const struct gazetteer *g,
					      const char *s, size_t n);

/* The country whose name or alias is the normalised KEY, or NULL. */
const struct gaz_country *gaz_country_by_name(const struct gazetteer *g,
					      const char *key);

/* The subdivision of country C named KEY (normalised), or NULL. */
const struct gaz_sub *gaz_sub_find(const struct gazetteer *g,
				   const struct gaz_country *c,
				   const char *key);

/* The subdivision named KEY if exactly one country has one so named;
 * NULL if none or several do. */
const struct gaz_sub *gaz_sub_find_global(const struct gazetteer *g,
					  const char *key);

/* The most populous city of country C named KEY; with WITHIN not NULL,
 * only a city inside WITHIN's top-level subdivision.  NULL if none. */
const struct gaz_city *gaz_city_find(const struct gazetteer *g,
				     const struct gaz_country *c,
				     const char *key,
				     const struct gaz_sub *within);

/* Index-based access, for the structs' country/sub/parent fields. */
const struct gaz_country *gaz_country_at(const struct gazetteer *g, int i);
const struct gaz_sub *gaz_sub_at(const struct gazetteer *g, int i);

/* How many entries of each kind were loaded. */
void gaz_counts(const struct gazetteer *g, size_t *countries, size_t *subs,
		size_t *cities);

#endif
