/*
 * gazetteer.c - loading data/gazetteer.tsv and looking names up.  See
 * gazetteer.h.
 *
 * Owned by the resolver work.  All names go into one open-addressing
 * hash table whose keys are (scope, kind, normalised name): the scope is
 * a country (or "global"), the kind says what the name belongs to.  The
 * file is about 30,000 lines; building the table takes a few tens of
 * milliseconds, and a lookup is one hash and a probe or two.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datatext.h"
#include "foldtab.h"
#include "gazetteer.h"
#include "utf8.h"

#define GLOBAL		0xffff	/* scope of names not tied to a country */
#define EMPTY		(-1)
#define AMBIGUOUS	(-2)	/* a global name several countries have */
#define MAX_NAMES	64	/* names on one row */
#define MIN_GLOBAL_KEY	4	/* shorter names are never looked up alone */

/* What a key names. */
enum kind {
	K_CODE = 'K',		/* country code (alpha-2 or -3, upper case) */
	K_SUBCODE = 'k',	/* subdivision code */
	K_COUNTRY = 'c',	/* country name */
	K_SUB = 's',		/* subdivision name in a country */
	K_SUB_STRIPPED = 'S',	/* the same without designator words */
	K_SUB_GLOBAL = 'g',	/* subdivision name, any country */
	K_CITY = 'p',		/* city name in a country */
	K_CITY_STRIPPED = 'P'
};

struct slot {
	uint32_t hash;
	uint32_t koff;		/* key bytes in g->keys */
	uint16_t klen;
	uint16_t scope;		/* country index or GLOBAL */
	int32_t val;		/* entry index, EMPTY, or AMBIGUOUS */
	char kind;
};

struct gazetteer {
	struct gaz_country *countries;
	struct gaz_sub *subs;
	struct gaz_city *cities;
	size_t ncountries, nsubs, ncities;

	struct slot *slots;	/* capacity is a power of two */
	size_t cap, used;
	char *keys;		/* every key's bytes, end to end */
	size_t keys_len, keys_cap;
};

/* ------------------------------------------------------------------
 * Normalising.
 */

/* Designator words: dropped only on a second try (gazetteer.h).  Sorted. */
static const char *const designators[] = {
	"administrative", "atoll", "autonomous", "canton", "capital",
	"city", "community", "county", "department", "district",
	"division", "do", "emirate", "freistaat", "fu", "governorate",
	"gun", "ken", "krai", "kraj", "kray", "ku", "land", "metropolitan",
	"municipality",
	"national", "oblast", "oblisi", "oblysy", "okrug", "parish",
	"prefecture", "province", "raion", "rajon", "rayon", "region",
	"republic", "respublika", "sar", "sheng", "shi", "si",
	"special", "state", "territory", "to", "voivodeship", "zizhiqu"
};

/* Abbreviations written out, so "St.-Petersburg" = "Saint Petersburg". */
static const char *const abbrev[][2] = {
	{ "ft", "fort" }, { "mt", "mount" }, { "sankt", "saint" },
	{ "st", "saint" }, { "ste", "sainte" }
};

/* What code point CP folds to, or NULL to keep it as it is. */
static const char *
fold_lookup(long cp)
{
	size_t lo = 0, hi = sizeof(fold_tab) / sizeof(fold_tab[0]), mid;

	if (cp >= 0x0300 && cp <= 0x036f)
		return "";		/* combining marks */
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (fold_tab[mid].cp == cp)
			return fold_tab[mid].to;
		if (fold_tab[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Append the N bytes at S to OUT (at *O, size SZ) if they fit. */
static void
put(char *out, size_t *o, size_t sz, const char *s, size_t n)
{
	if (*o + n < sz) {
		memcpy(out + *o, s, n);
		*o += n;
	}
}

/* Append code point CP (>= 0x80) to OUT as UTF-8. */
static void
put_cp(char *out, size_t *o, size_t sz, long cp)
{
	char b[4];
	size_t n;

	if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		n = 4;
	}
	b[n - 1] = (char)(0x80 | (cp & 0x3f));
	put(out, o, sz, b, n);
}

static int
hex4(const char *s, size_t n, long *out)
{
	size_t k;
	long v = 0;
	int d;

	if (n < 4)
		return -1;
	for (k = 0; k < 4; k++) {
		d = s[k];
		if (d >= '0' && d <= '9')
			d -= '0';
		else if ((d | 0x20) >= 'a' && (d | 0x20) <= 'f')
			d = (d | 0x20) - 'a' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	*out = v;
	return 0;
}

/*
 * The code point at S (N > 0 bytes) and its length in *LEN: a UTF-8
 * sequence, or a JSON-style escape written out as text ("\u00e9", and
 * "\ud83d\ude00" for a pair), as location strings copied from
 * `vastai --raw` output carry them.  -1 for an invalid byte.
 */
static long
next_cp(const char *s, size_t n, size_t *len)
{
	long hi, lo;

	if (n >= 6 && s[0] == '\\' && s[1] == 'u' &&
	    hex4(s + 2, n - 2, &hi) == 0) {
		*len = 6;
		if (hi >= 0xd800 && hi <= 0xdbff && n >= 12 &&
		    s[6] == '\\' && s[7] == 'u' &&
		    hex4(s + 8, n - 8, &lo) == 0 && lo >= 0xdc00 &&
		    lo <= 0xdfff) {
			*len = 12;
			return 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
		}
		return hi >= 0xd800 && hi <= 0xdfff ? -1 : hi;
	}
	return utf8_decode((const unsigned char *)s, n, len);
}

/* Apostrophes and the letters written like them (U+2019, the Hawaiian
 * okina U+02BB, U+02BC): inside a word they join ("Hawai'i" = Hawaii,
 * "d'Ivoire" = divoire), elsewhere they separate. */
static int
is_apostrophe(long cp)
{
	return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02bb ||
	    cp == 0x02bc || cp == '`' || cp == 0x00b4;
}

/* Whether code point CP continues a word (a letter or digit). */
static int
is_wordy(long cp)
{
	const char *to;

	if (cp < 0)
		return 0;
	if (cp < 0x80)
		return isalnum((unsigned char)cp);
	to = fold_lookup(cp);
	return to == NULL || (to[0] != ' ' && to[0] != '\0');
}

/* Fold S[0..N) into OUT: ASCII lower case, separators as spaces. */
static size_t
fold_text(const char *s, size_t n, char *out, size_t sz)
{
	const char *to;
	size_t i = 0, o = 0, len, nlen;
	long cp, prev = -1;
	char c;

	while (i < n && o + 8 < sz) {
		cp = next_cp(s + i, n - i, &len);
		if (is_apostrophe(cp)) {
			if (!is_wordy(prev) || i + len >= n ||
			    !is_wordy(next_cp(s + i + len, n - i - len, &nlen)))
				put(out, &o, sz, " ", 1);
		} else if (cp >= 0 && cp < 0x80) {
			c = (char)cp;
			if (isalnum((unsigned char)c))
				c = (char)tolower((unsigned char)c);
			else
				c = ' ';
			if (cp == '&')
				put(out, &o, sz, " and ", 5);
			else
				put(out, &o, sz, &c, 1);
		} else if (cp < 0)
			put(out, &o, sz, " ", 1);
		else if ((to = fold_lookup(cp)) != NULL)
			put(out, &o, sz, to, strlen(to));
		else if (len <= 4 && s[i] != '\\')
			put(out, &o, sz, s + i, len);
		else
			put_cp(out, &o, sz, cp);
		prev = cp;
		i += len;
	}
	out[o] = '\0';
	return o;
}

/* Write token T[0..N) into OUT, spelling out abbreviations. */
static void
put_token(char *out, size_t *o, size_t sz, const char *t, size_t n)
{
	size_t k;

	for (k = 0; k < sizeof(abbrev) / sizeof(abbrev[0]); k++)
		if (strlen(abbrev[k][0]) == n &&
		    memcmp(abbrev[k][0], t, n) == 0) {
			t = abbrev[k][1];
			n = strlen(t);
			break;
		}
	if (*o > 0)
		put(out, o, sz, " ", 1);
	put(out, o, sz, t, n);
}

/* The normal form: fold, then rejoin the words with single spaces. */
size_t
gaz_normalize(const char *s, size_t n, char *out, size_t outsz)
{
	char tmp[GAZ_KEY_MAX * 2];
	size_t len, i = 0, start, o = 0, words = 0;

	len = fold_text(s, n, tmp, sizeof(tmp));
	while (i < len) {
		while (i < len && tmp[i] == ' ')
			i++;
		start = i;
		while (i < len && tmp[i] != ' ')
			i++;
		if (i == start)
			break;
		words++;
		if (words == 1 && i - start == 3 &&
		    memcmp(tmp + start, "the", 3) == 0 &&
		    strspn(tmp + i, " ") < len - i)
			continue;	/* "The Netherlands" */
		if (o + (i - start) + 2 > outsz)
			break;
		put_token(out, &o, outsz, tmp + start, i - start);
	}
	out[o] = '\0';
	return o;
}

static int
cmp_word(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static int
is_designator(const char *w, size_t n)
{
	char buf[32];

	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, w, n);
	buf[n] = '\0';
	return bsearch(buf, designators,
		       sizeof(designators) / sizeof(designators[0]),
		       sizeof(designators[0]), cmp_word) != NULL;
}

/* Split the normalised KEY into words: starts and lengths. */
static size_t
words_of(const char *key, const char **w, size_t *wl, size_t max)
{
	size_t n = 0;
	const char *p = key, *q;

	while (*p != '\0' && n < max) {
		q = strchr(p, ' ');
		w[n] = p;
		wl[n] = q ? (size_t)(q - p) : strlen(p);
		n++;
		if (q == NULL)
			break;
		p = q + 1;
	}
	return n;
}

/* Without designators: "city of X" -> "X", "X oblast" -> "X". */
size_t
gaz_strip_designators(char *key)
{
	const char *w[32];
	size_t wl[32], n, first = 0, last, j = 0, i, o = 0;
	char tmp[GAZ_KEY_MAX];

	n = words_of(key, w, wl, 32);
	if (n < 2)
		return strlen(key);
	while (j < n && is_designator(w[j], wl[j]))
		j++;
	if (j > 0 && j + 1 < n && wl[j] == 2 && memcmp(w[j], "of", 2) == 0)
		first = j + 1;
	last = n;
	while (last - first > 1 && is_designator(w[last - 1], wl[last - 1]))
		last--;
	for (i = first; i < last; i++) {
		if (o > 0)
			tmp[o++] = ' ';
		memcpy(tmp + o, w[i], wl[i]);
		o += wl[i];
	}
	tmp[o] = '\0';
	memcpy(key, tmp, o + 1);
	return o;
}

/* ------------------------------------------------------------------
 * The hash table.
 */

static uint32_t
hash_key(int scope, char kind, const char *key, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	h = (h ^ (uint32_t)(scope & 0xff)) * 16777619u;
	h = (h ^ (uint32_t)((scope >> 8) & 0xff)) * 16777619u;
	h = (h ^ (uint32_t)(unsigned char)kind) * 16777619u;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	return h;
}

/* The slot holding (SCOPE, KIND, KEY), or the empty slot where it
 * would go. */
static struct slot *
probe(const struct gazetteer *g, int scope, char kind, const char *key,
      size_t n, uint32_t h)
{
	size_t i = h & (g->cap - 1);
	struct slot *s;

	for (;;) {
		s = &g->slots[i];
		if (s->val == EMPTY)
			return s;
		if (s->hash == h && s->scope == scope && s->kind == kind &&
		    s->klen == n && memcmp(g->keys + s->koff, key, n) == 0)
			return s;
		i = (i + 1) & (g->cap - 1);
	}
}

static int
grow_table(struct gazetteer *g)
{
	struct slot *old = g->slots, *s;
	size_t oldcap = g->cap, i;

	g->cap = oldcap ? oldcap * 2 : 1 << 16;
	g->slots = malloc(g->cap * sizeof(*g->slots));
	if (g->slots == NULL) {
		g->slots = old;
		g->cap = oldcap;
		return -1;
	}
	for (i = 0; i < g->cap; i++)
		g->slots[i].val = EMPTY;
	for (i = 0; i < oldcap; i++) {
		if (old[i].val == EMPTY)
			continue;
		s = probe(g, old[i].scope, old[i].kind, g->keys + old[i].koff,
			  old[i].klen, old[i].hash);
		*s = old[i];
	}
	free(old);
	return 0;
}

static int
store_key(struct gazetteer *g, const char *key, size_t n, uint32_t *off)
{
	char *p;
	size_t want;

	if (g->keys_len + n > g->keys_cap) {
		want = g->keys_cap ? g->keys_cap * 2 : 1 << 20;
		while (want < g->keys_len + n)
			want *= 2;
		if ((p = realloc(g->keys, want)) == NULL)
			return -1;
		g->keys = p;
		g->keys_cap = want;
	}
	memcpy(g->keys + g->keys_len, key, n);
	*off = (uint32_t)g->keys_len;
	g->keys_len += n;
	return 0;
}

/* The slot for (SCOPE, KIND, KEY), created empty-valued if new; NULL
 * when memory runs out.  *FRESH says whether it was created. */
static struct slot *
slot_for(struct gazetteer *g, int scope, char kind, const char *key,
	 int *fresh)
{
	size_t n = strlen(key);
	uint32_t h = hash_key(scope, kind, key, n), off;
	struct slot *s;

	if ((g->used + 1) * 2 > g->cap && grow_table(g) != 0)
		return NULL;
	s = probe(g, scope, kind, key, n, h);
	*fresh = s->val == EMPTY;
	if (*fresh) {
		if (store_key(g, key, n, &off) != 0)
			return NULL;
		s->hash = h;
		s->koff = off;
		s->klen = (uint16_t)n;
		s->scope = (uint16_t)scope;
		s->kind = kind;
		g->used++;
	}
	return s;
}

/* Map (SCOPE, KIND, KEY) to VAL unless the key is already taken. */
static int
put_first(struct gazetteer *g, int scope, char kind, const char *key,
	  int val)
{
	struct slot *s;
	int fresh;

	if (*key == '\0')
		return 0;
	if ((s = slot_for(g, scope, kind, key, &fresh)) == NULL)
		return -1;
	if (fresh)
		s->val = val;
	return 0;
}

static int
lookup(const struct gazetteer *g, int scope, char kind, const char *key)
{
	size_t n = strlen(key);

	if (n == 0 || g->cap == 0)
		return EMPTY;
	return probe(g, scope, kind, key, n, hash_key(scope, kind, key, n))
	    ->val;
}

/* ------------------------------------------------------------------
 * Loading.
 */

/* Parse latitude and longitude fields; *HAS = 0 when both are empty. */
static int
parse_point(const struct dt_field *f, double *lat, double *lon, int *has)
{
	*has = 0;
	if (f[0].n == 0 && f[1].n == 0)
		return 0;
	if (dt_number(&f[0], lat) != 0 || dt_number(&f[1], lon) != 0 ||
	    *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180)
		return -1;
	*has = 1;
	return 0;
}

/* Index every '|'-separated name in NAMES under (SCOPE, KIND) with
 * VAL; STRIPPED (if not 0) is the kind for the designator-free form.
 * With ONLY_FIRST, just the first name. */
static int
index_names(struct gazetteer *g, const char *names, size_t len, int scope,
	    char kind, char stripped, int val, int only_first)
{
	struct dt_field f[MAX_NAMES];
	char key[GAZ_KEY_MAX];
	size_t n, i;

	n = dt_split(names, len, '|', f, MAX_NAMES);
	if (n > MAX_NAMES)
		n = MAX_NAMES;
	for (i = 0; i < (only_first ? 1 : n); i++) {
		gaz_normalize(f[i].s, f[i].n, key, sizeof(key));
		if (put_first(g, scope, kind, key, val) != 0)
			return -1;
		if (stripped && gaz_strip_designators(key) > 0 &&
		    put_first(g, scope, stripped, key, val) != 0)
			return -1;
	}
	return 0;
}

/* Length of the first of the '|'-separated names in F. */
static size_t
first_name_len(const struct dt_field *f)
{
	const char *bar = memchr(f->s, '|', f->n);

	return bar ? (size_t)(bar - f->s) : f->n;
}

/* C code alpha3 lat lon spread_km large default_region names */
static int
load_country(struct gazetteer *g, const char *s, size_t n)
{
	struct gaz_country *c = &g->countries[g->ncountries];
	struct dt_field f[10];
	double large;
	int idx = (int)g->ncountries;

	if (dt_split(s, n, '\t', f, 10) != 9 || f[1].n != 2 ||
	    dt_copy(&f[1], c->code, sizeof(c->code)) != 0 ||
	    dt_copy(&f[2], c->code3, sizeof(c->code3)) != 0 ||
	    parse_point(&f[3], &c->lat, &c->lon, &c->has_point) != 0 ||
	    (f[5].n > 0 && dt_number(&f[5], &c->spread_km) != 0) ||
	    dt_number(&f[6], &large) != 0 ||
	    dt_copy(&f[7], c->default_region, sizeof(c->default_region)) ||
	    f[8].n == 0)
		return -1;
	c->large = large != 0;
	if (c->large && c->default_region[0] == '\0')
		return -1;
	c->name = f[8].s;
	c->name_len = first_name_len(&f[8]);
	g->ncountries++;
	if (put_first(g, GLOBAL, K_CODE, c->code, idx) != 0 ||
	    put_first(g, GLOBAL, K_CODE, c->code3, idx) != 0)
		return -1;
	return index_names(g, f[8].s, f[8].n, GLOBAL, K_COUNTRY, 0, idx, 0);
}

static int
country_index(const struct gazetteer *g, const char *code, size_t n)
{
	char key[4];

	if (n < 2 || n > 3)
		return EMPTY;
	memcpy(key, code, n);
	key[n] = '\0';
	return lookup(g, GLOBAL, K_CODE, key);
}

/* S code parent lat lon names */
static int
load_sub(struct gazetteer *g, const char *s, size_t n)
{
	struct gaz_sub *b = &g->subs[g->nsubs];
	struct dt_field f[7];

	if (dt_split(s, n, '\t', f, 7) != 6 ||
	    dt_copy(&f[1], b->code, sizeof(b->code)) != 0 ||
	    (b->country = country_index(g, b->code, 2)) < 0 ||
	    parse_point(&f[3], &b->lat, &b->lon, &b->has_point) != 0 ||
	    f[5].n == 0)
		return -1;
	b->parent = EMPTY;
	if (f[2].n > 0) {
		char pc[sizeof(b->code)];

		if (dt_copy(&f[2], pc, sizeof(pc)) != 0 ||
		    (b->parent = lookup(g, GLOBAL, K_SUBCODE, pc)) < 0)
			return -1;	/* parents come first in the file */
	}
	b->names = f[5].s;
	b->names_len = f[5].n;
	b->name = f[5].s;
	b->name_len = first_name_len(&f[5]);
	return put_first(g, GLOBAL, K_SUBCODE, b->code, (int)g->nsubs++);
}

/* P country subdivision lat lon name */
static int
load_city(struct gazetteer *g, const char *s, size_t n)
{
	struct gaz_city *c = &g->cities[g->ncities];
	struct dt_field f[7];
	char code[24];
	int has;

	if (dt_split(s, n, '\t', f, 7) != 6 ||
	    (c->country = country_index(g, f[1].s, f[1].n)) < 0 ||
	    parse_point(&f[3], &c->lat, &c->lon, &has) != 0 || !has ||
	    f[5].n == 0)
		return -1;
	c->sub = EMPTY;
	if (f[2].n > 0 && (dt_copy(&f[2], code, sizeof(code)) != 0 ||
	    (c->sub = lookup(g, GLOBAL, K_SUBCODE, code)) < 0))
		return -1;
	c->name = f[5].s;
	c->name_len = f[5].n;
	c->next = EMPTY;
	g->ncities++;
	return 0;
}

/* Count the rows of each type, to allocate once. */
static enum perr_code
count_rows(struct gazetteer *g, struct perr *e)
{
	struct dt_lines l;
	const char *s;
	size_t n, nc = 0, ns = 0, np = 0;
	enum perr_code rc;

	if ((rc = dt_open(&l, "data/gazetteer.tsv", e)) != P_OK)
		return rc;
	while (dt_next(&l, &s, &n)) {
		if (s[0] == 'C')
			nc++;
		else if (s[0] == 'S')
			ns++;
		else if (s[0] == 'P')
			np++;
		else
			return dt_error(&l, e, "unknown row type");
	}
	g->countries = calloc(nc + 1, sizeof(*g->countries));
	g->subs = calloc(ns + 1, sizeof(*g->subs));
	g->cities = calloc(np + 1, sizeof(*g->cities));
	if (!g->countries || !g->subs || !g->cities)
		return perr_set(e, P_ENOMEM, "gazetteer");
	if (nc >= GLOBAL)
		return dt_error(&l, e, "too many countries");
	return P_OK;
}

static enum perr_code
load_rows(struct gazetteer *g, struct perr *e)
{
	struct dt_lines l;
	const char *s;
	size_t n;
	int r;
	enum perr_code rc;

	if ((rc = dt_open(&l, "data/gazetteer.tsv", e)) != P_OK)
		return rc;
	while (dt_next(&l, &s, &n)) {
		if (s[0] == 'C')
			r = load_country(g, s, n);
		else if (s[0] == 'S')
			r = load_sub(g, s, n);
		else
			r = load_city(g, s, n);
		if (r != 0)
			return dt_error(&l, e, "malformed row (or out of "
					"memory)");
	}
	if (g->ncountries == 0)
		return dt_error(&l, e, "no countries");
	return P_OK;
}

/* The names of subdivision B (index I) in the table of names that may
 * stand without a country. */
static int
index_global(struct gazetteer *g, const struct gaz_sub *b, int i)
{
	struct dt_field f[MAX_NAMES];
	char key[GAZ_KEY_MAX];
	struct slot *s;
	size_t n, k;
	int fresh;

	n = dt_split(b->names, b->names_len, '|', f, MAX_NAMES);
	for (k = 0; k < n && k < MAX_NAMES; k++) {
		if (gaz_normalize(f[k].s, f[k].n, key, sizeof(key)) <
		    MIN_GLOBAL_KEY)
			continue;
		if ((s = slot_for(g, GLOBAL, K_SUB_GLOBAL, key, &fresh)) ==
		    NULL)
			return -1;
		if (fresh)
			s->val = i;
		else if (s->val >= 0 &&
			 g->subs[s->val].country != b->country)
			s->val = AMBIGUOUS;
	}
	return 0;
}

/* Subdivision names: every first name before any alias, so an alias of
 * one unit never hides another's own name; then the global table,
 * where a name several countries share is marked ambiguous. */
static int
index_subs(struct gazetteer *g)
{
	struct gaz_sub *b;
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < g->nsubs; i++) {
			b = &g->subs[i];
			if (index_names(g, b->names, b->names_len, b->country,
					K_SUB, K_SUB_STRIPPED, (int)i,
					pass == 0) != 0)
				return -1;
		}
	for (i = 0; i < g->nsubs; i++)
		if (index_global(g, &g->subs[i], (int)i) != 0)
			return -1;
	return 0;
}

/* City names, chained by name within a country, most populous first
 * (the file's order). */
static int
index_cities(struct gazetteer *g)
{
	char key[GAZ_KEY_MAX];
	struct slot *s;
	size_t i;
	int fresh, k;

	for (i = 0; i < g->ncities; i++) {
		struct gaz_city *c = &g->cities[i];

		gaz_normalize(c->name, c->name_len, key, sizeof(key));
		if (key[0] == '\0')
			continue;
		if ((s = slot_for(g, c->country, K_CITY, key, &fresh)) ==
		    NULL)
			return -1;
		if (fresh)
			s->val = (int)i;
		else {
			for (k = s->val; g->cities[k].next != EMPTY;
			     k = g->cities[k].next)
				;
			g->cities[k].next = (int)i;
		}
		if (gaz_strip_designators(key) > 0 &&
		    put_first(g, c->country, K_CITY_STRIPPED, key, (int)i))
			return -1;
	}
	return 0;
}

/* Load and index data/gazetteer.tsv. */
enum perr_code
gaz_open(struct gazetteer **gp, struct perr *e)
{
	struct gazetteer *g;
	enum perr_code rc;

	*gp = NULL;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return perr_set(e, P_ENOMEM, "gazetteer");
	if ((rc = count_rows(g, e)) != P_OK ||
	    (rc = load_rows(g, e)) != P_OK)
		goto fail;
	if (index_subs(g) != 0 || index_cities(g) != 0) {
		rc = perr_set(e, P_ENOMEM, "gazetteer index");
		goto fail;
	}
	*gp = g;
	return P_OK;
fail:
	gaz_free(g);
	return rc;
}

/* Release G; NULL is fine. */
void
gaz_free(struct gazetteer *g)
{
	if (g == NULL)
		return;
	free(g->countries);
	free(g->subs);
	free(g->cities);
	free(g->slots);
	free(g->keys);
	free(g);
}

/* ------------------------------------------------------------------
 * Lookups.
 */

/* A country by its alpha-2 or alpha-3 code, in any case. */
const struct gaz_country *
gaz_country_by_code(const struct gazetteer *g, const char *s, size_t n)
{
	char key[4];
	size_t i;
	int k;

	if (n < 2 || n > 3)
		return NULL;
	for (i = 0; i < n; i++) {
		if (!isalpha((unsigned char)s[i]))
			return NULL;
		key[i] = (char)toupper((unsigned char)s[i]);
	}
	key[n] = '\0';
	k = lookup(g, GLOBAL, K_CODE, key);
	return k >= 0 ? &g->countries[k] : NULL;
}

/* A country by a normalised name. */
const struct gaz_country *
gaz_country_by_name(const struct gazetteer *g, const char *key)
{
	int k = lookup(g, GLOBAL, K_COUNTRY, key);

	return k >= 0 ? &g->countries[k] : NULL;
}

/*
 * Look KEY up under KIND and then STRIPPED (the designator-free names),
 * each first as it is and then without its own designators: the whole
 * name always wins over a shortened one.  Returns the first hit.
 */
static int
lookup_tries(const struct gazetteer *g, int scope, char kind,
	     char stripped, const char *key, int *tries, int max)
{
	char short_key[GAZ_KEY_MAX];
	int n = 0, k;

	snprintf(short_key, sizeof(short_key), "%s", key);
	gaz_strip_designators(short_key);
	if ((k = lookup(g, scope, kind, key)) >= 0 && n < max)
		tries[n++] = k;
	if (strcmp(short_key, key) != 0 &&
	    (k = lookup(g, scope, kind, short_key)) >= 0 && n < max)
		tries[n++] = k;
	if ((k = lookup(g, scope, stripped, key)) >= 0 && n < max)
		tries[n++] = k;
	if (strcmp(short_key, key) != 0 &&
	    (k = lookup(g, scope, stripped, short_key)) >= 0 && n < max)
		tries[n++] = k;
	return n;
}

/* The subdivision of C called KEY. */
const struct gaz_sub *
gaz_sub_find(const struct gazetteer *g, const struct gaz_country *c,
	     const char *key)
{
	int tries[4];

	if (lookup_tries(g, (int)(c - g->countries), K_SUB, K_SUB_STRIPPED,
			 key, tries, 4) == 0)
		return NULL;
	return &g->subs[tries[0]];
}

/* The subdivision called KEY in exactly one country. */
const struct gaz_sub *
gaz_sub_find_global(const struct gazetteer *g, const char *key)
{
	char short_key[GAZ_KEY_MAX];
	int k;

	if (strlen(key) < MIN_GLOBAL_KEY)
		return NULL;
	k = lookup(g, GLOBAL, K_SUB_GLOBAL, key);
	if (k == EMPTY) {
		snprintf(short_key, sizeof(short_key), "%s", key);
		gaz_strip_designators(short_key);
		if (strlen(short_key) >= MIN_GLOBAL_KEY)
			k = lookup(g, GLOBAL, K_SUB_GLOBAL, short_key);
	}
	return k >= 0 ? &g->subs[k] : NULL;
}

static int
top_sub(const struct gazetteer *g, int i)
{
	int hops = 0;

	while (i >= 0 && g->subs[i].parent >= 0 && hops++ < 8)
		i = g->subs[i].parent;
	return i;
}

/* The first city of the chain at K inside WITHIN (if given). */
static const struct gaz_city *
first_within(const struct gazetteer *g, int k, const struct gaz_sub *within)
{
	int top;

	if (within == NULL)
		return &g->cities[k];
	top = top_sub(g, (int)(within - g->subs));
	for (; k != EMPTY; k = g->cities[k].next)
		if (g->cities[k].sub >= 0 &&
		    top_sub(g, g->cities[k].sub) == top)
			return &g->cities[k];
	return NULL;
}

/* The most populous city of C called KEY, inside WITHIN if given. */
const struct gaz_city *
gaz_city_find(const struct gazetteer *g, const struct gaz_country *c,
	      const char *key, const struct gaz_sub *within)
{
	const struct gaz_city *city;
	int tries[4], n, i;

	n = lookup_tries(g, (int)(c - g->countries), K_CITY,
			 K_CITY_STRIPPED, key, tries, 4);
	for (i = 0; i < n; i++)
		if ((city = first_within(g, tries[i], within)) != NULL)
			return city;
	return NULL;
}

/* Country I, or NULL. */
const struct gaz_country *
gaz_country_at(const struct gazetteer *g, int i)
{
	return i >= 0 && (size_t)i < g->ncountries ? &g->countries[i] : NULL;
}

/* Subdivision I, or NULL. */
const struct gaz_sub *
gaz_sub_at(const struct gazetteer *g, int i)
{
	return i >= 0 && (size_t)i < g->nsubs ? &g->subs[i] : NULL;
}

/* How many countries, subdivisions and cities were loaded. */
void
gaz_counts(const struct gazetteer *g, size_t *countries, size_t *subs,
	   size_t *cities)
{
	*countries = g->ncountries;
	*subs = g->nsubs;
	*cities = g->ncities;
}
