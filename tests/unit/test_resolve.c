/*
 * test_resolve.c - the resolver: normalising names, splitting location
 * strings, every case of shared/cases/locations.tsv (copied here, so the
 * test needs nothing outside the repository), the real Vast strings of
 * shared/reference/formats.md, and the traps: no name may be found
 * through a substring of another.
 *
 * Owned by the resolver work.  Each case row is: location, the accepted
 * regions ('|'-separated; "-" for unmapped; "low:" prefix for a large
 * country that may only be known with confidence low).
 */
#include <stdio.h>
#include <string.h>

#include "gazetteer.h"
#include "regions.h"
#include "resolve.h"
#include "t.h"

static struct resolver *R;

struct rcase {
	const char *loc;
	const char *want;
};

/* shared/cases/locations.tsv, 59 cases. */
static const struct rcase table_cases[] = {
	{ "Quebec, CA", "northamerica-northeast1" },
	{ "Quebec, CA, NA", "northamerica-northeast1" },
	{ "Montreal, Quebec, CA", "northamerica-northeast1" },
	{ "Québec, CA", "northamerica-northeast1" },
	{ "Ontario, CA", "northamerica-northeast2" },
	{ "Toronto, CA", "northamerica-northeast2" },
	{ "British Columbia, CA, NA", "us-west1" },
	{ "Alberta, CA, NA", "us-west1" },
	{ "Texas, US", "us-south1" },
	{ "Texas, US, NA", "us-south1" },
	{ "Utah, US", "us-west3" },
	{ "Nevada, US", "us-west4" },
	{ "Oregon, US, NA", "us-west1" },
	{ "Washington, US", "us-west1" },
	{ "California, US, NA", "us-west2" },
	{ "Virginia, US", "us-east4" },
	{ "West Virginia, US", "us-east5|us-east4" },
	{ "Indiana, US", "us-east5" },
	{ "Georgia, US", "us-east1" },
	{ "Illinois, US", "us-east5|us-central1" },
	{ "New York, US",
	  "us-east4|northamerica-northeast2|northamerica-northeast1" },
	{ "North Carolina, US", "us-east1" },
	{ "Florida, US, NA", "us-east1" },
	{ "Iowa, US", "us-central1" },
	{ "Ohio, US", "us-east5" },
	{ "Czechia, CZ, EU", "europe-west10" },
	{ "The Netherlands, NL, EU", "europe-west4" },
	{ "Netherlands, NL", "europe-west4" },
	{ "Belgium, BE, EU", "europe-west1" },
	{ "Germany, DE, EU", "europe-west3|europe-west10" },
	{ "Slovenia, SI, EU", "europe-west8" },
	{ "Hungary, HU, EU", "europe-central2" },
	{ "Estonia, EE, EU", "europe-north1" },
	{ "Norway, NO, EU", "europe-north2" },
	{ "Viken, NO, EU", "europe-north2" },
	{ "Sweden, SE", "europe-north2" },
	{ "Spain, ES, EU", "europe-southwest1" },
	{ "Portugal, PT, EU", "europe-southwest1" },
	{ "United Kingdom, GB", "europe-west2" },
	{ "Ireland, IE", "europe-west2" },
	{ "Poland, PL, EU", "europe-central2" },
	{ "Iceland, IS, EU", "europe-west2|europe-west4" },
	{ "St.-Petersburg, RU, EU", "europe-north1" },
	{ "Taiwan, TW, AS", "asia-east1" },
	{ "Hong Kong, HK, AS", "asia-east2" },
	{ "Thailand, TH, AS", "asia-southeast3" },
	{ "Tokyo, JP", "asia-northeast1" },
	{ "Guangdong, CN, AS", "asia-east2" },
	{ "Singapore, SG", "asia-southeast1" },
	{ "Victoria, AU", "australia-southeast2" },
	{ "New South Wales, AU", "australia-southeast1" },
	{ "Sao Paulo, BR", "southamerica-east1" },
	{ "São Paulo, BR", "southamerica-east1" },
	{ "Chile, CL", "southamerica-west1" },
	{ "Israel, IL", "me-west1" },
	{ "South Africa, ZA", "africa-south1" },
	{ "Mexico, MX", "northamerica-south1" },
	{ "Atlantis, ZZ", "-" },
	{ "", "-" },
};

/* Real values from shared/reference/formats.md section 1.1 and more
 * of the same shape. */
static const struct rcase vast_cases[] = {
	{ "Bavaria, DE", "europe-west3" },
	{ "Valais, CH", "europe-west12|europe-west6" },
	{ "Jiangsu, CN", "asia-east1|asia-northeast3" },
	{ "Taichung City, TW", "asia-east1" },
	{ "Moscow, RU", "europe-north1" },
	{ "St.-Petersburg, RU", "europe-north1" },
	{ "Sofia-Capital, BG", "europe-central2" },
	{ "Hafnarfjar\xc3\xb0" "arkaupsta\xc3\xb0ur, IS",
	  "europe-west2|europe-west4" },
	{ "B\xc3\xa1" "cs-Kiskun, HU", "europe-central2" },
	{ "\xc3\x8e" "le-de-France, FR", "europe-west9" },
	{ "S\xc3\xa3o Paulo, BR", "southamerica-east1" },
	{ "Tbilisi, GE", "me-west1" },
	{ "Osaka, JP", "asia-northeast2" },
	{ "DE", "europe-west3|europe-west10" },
	{ "US", "low:us-central1" },
	{ ", US", "low:us-central1" },
	{ ", US, NA", "low:us-central1" },
	{ ", CN", "low:" },
	{ ", RU", "low:" },
	{ "United States, US", "low:us-central1" },
	{ "California, United States", "us-west2" },
	{ "California, US, NA", "us-west2" },
	{ "Yutakach\xc5\x8d, Shinagawa District, Tokyo, JP",
	  "asia-northeast1" },
	{ "Minato, Tokyo, JP", "asia-northeast1" },
	{ "Moscow Oblas, RU", "low:" },
	{ "Moscow Oblast, RU", "europe-north1" },
	{ "T\xc3\xbcrkiye, TR", "me-west1" },
	{ "Turkey, TR", "me-west1" },
	{ "Guangdong, CN", "asia-east2" },
	{ "Viken, NO", "europe-north2" },
	{ "Hong Kong, HK", "asia-east2" },
	{ "Japan, JP", "asia-northeast1|asia-northeast2" },
	{ "Taiwan, TW", "asia-east1" },
	{ "South Korea, KR", "asia-northeast3" },
	{ "Vietnam, VN", "asia-southeast3|asia-east2" },
	{ "United Arab Emirates, AE", "me-central1" },
	{ "Malaysia, MY", "asia-southeast1" },
	{ "India, IN", "low:" },
	{ "Australia, AU", "low:" },
	{ "Osaka Prefecture, JP", "asia-northeast2" },
	{ "Tokyo-to, JP", "asia-northeast1" },
	{ "DE, EU", "europe-west3|europe-west10" },
	{ "JP, AS", "asia-northeast1|asia-northeast2" },
	{ "Texas", "us-south1" },
	{ "Atlantis, AT", "europe-west10|europe-central2|europe-west6" },
	{ "Montreal, QC, CA", "northamerica-northeast1" },
	{ "TX, US", "us-south1" },
	{ "Hawai'i, US", "us-west2|us-west1|us-west4" },
	{ "Hawai\xca\xbbi, US", "us-west2|us-west1|us-west4" },
	{ "Qu\\u00e9bec, CA", "northamerica-northeast1" },
	{ "\\u00cele-de-France, FR", "europe-west9" },
	{ "Frankfurt, DE", "europe-west3" },
	{ "Bangalore, IN", "asia-south1" },
	{ "Land Berlin, DE", "europe-west10" },
	{ "Ningxia Hui Autonomous Region, CN", "asia-east1|asia-south2|"
	  "asia-northeast3|asia-east2" },
	{ "Hawaii, US", "us-west2|us-west1|us-west4" },
	{ "Quebec", "northamerica-northeast1" },
	{ "NA", "africa-south1" },	/* alone, a country code: Namibia */
	{ "SA", "me-central2" },	/* Saudi Arabia */
	{ "EU", "-" },			/* no country has it */
	{ "OC, EU", "-" },
	{ "Sikkim, IN", "asia-south2|asia-south1" },
	{ "ZZ", "-" },
	{ ", ZZ", "-" },
	{ ",,,", "-" },
	{ "   ", "-" },
};

/* Whether REGION is one of the '|'-separated LIST. */
static int
in_list(const char *list, const char *region)
{
	size_t n = strlen(region);
	const char *p = list;

	while (*p != '\0') {
		if (strncmp(p, region, n) == 0 && (p[n] == '|' ||
						   p[n] == '\0'))
			return 1;
		p = strchr(p, '|');
		if (p == NULL)
			break;
		p++;
	}
	return 0;
}

/* The check_resolve.py rule for one case. */
static int
judge(const char *want, const struct resolution *res)
{
	if (strcmp(want, "-") == 0)
		return res->region[0] == '\0' &&
		    strcmp(res->method, "unmapped") == 0 &&
		    res->conf == CONF_NONE;
	if (strncmp(want, "low:", 4) == 0)
		return res->conf == CONF_LOW && (want[4] == '\0' ||
		    res->region[0] == '\0' || in_list(want + 4, res->region));
	return in_list(want, res->region) &&
	    (res->conf == CONF_HIGH || res->conf == CONF_MEDIUM);
}

static void
run_cases(const struct rcase *c, size_t n)
{
	struct resolution res;
	size_t i;

	for (i = 0; i < n; i++) {
		resolver_resolve(R, c[i].loc, &res);
		if (judge(c[i].want, &res))
			t_pass++;
		else {
			t_fail++;
			fprintf(stderr, "%s: '%s': want %s, got %s (%s, %s)\n",
				__FILE__, c[i].loc, c[i].want, res.region,
				res.method, confidence_name(res.conf));
		}
	}
}

static void
test_table_cases(void)
{
	run_cases(table_cases, sizeof(table_cases) / sizeof(table_cases[0]));
}

static void
test_vast_cases(void)
{
	run_cases(vast_cases, sizeof(vast_cases) / sizeof(vast_cases[0]));
}

/* LOC resolves into country CC, with PLACE (if not NULL) in its place
 * description ("(US-IN)"). */
static void
want_place(const char *loc, const char *cc, const char *place)
{
	struct resolution res;

	resolver_resolve(R, loc, &res);
	if (strcmp(res.country, cc) == 0 &&
	    (place == NULL || strstr(res.place, place) != NULL))
		t_pass++;
	else {
		t_fail++;
		fprintf(stderr, "%s: '%s': want %s %s, got %s '%s'\n",
			__FILE__, loc, cc, place ? place : "", res.country,
			res.place);
	}
}

static void
test_no_substrings(void)
{
	want_place("Indiana, US", "US", "(US-IN)");
	want_place("Indiana", "US", "(US-IN)");
	want_place("India", "IN", NULL);
	want_place("West Virginia, US", "US", "(US-WV)");
	want_place("Virginia, US", "US", "(US-VA)");
	want_place("Georgia, US", "US", "(US-GA)");
	want_place("Georgia", "GE", NULL);
	want_place("Georgia, GE", "GE", "(GE)");
	want_place("Niger", "NE", NULL);
	want_place("Nigeria", "NG", NULL);
	want_place("Niger, NE", "NE", "(NE)");
	want_place("Dominica", "DM", NULL);
	want_place("Dominican Republic", "DO", NULL);
	want_place("Guinea", "GN", NULL);
	want_place("Equatorial Guinea", "GQ", NULL);
	want_place("Guinea-Bissau", "GW", NULL);
	want_place("Papua New Guinea", "PG", NULL);
	want_place("Sudan", "SD", NULL);
	want_place("South Sudan", "SS", NULL);
	want_place("Belarus", "BY", NULL);
	want_place("Oman", "OM", NULL);
	want_place("Romania", "RO", NULL);
	want_place("Mali", "ML", NULL);
	want_place("Somalia", "SO", NULL);
	want_place("Kansas, US", "US", "(US-KS)");
	want_place("Arkansas, US", "US", "(US-AR)");
	want_place("Jersey", "JE", NULL);
	want_place("New Jersey, US", "US", "(US-NJ)");
	want_place("Washington, US", "US", "(US-WA)");
	want_place("Mexico, MX", "MX", "(MX)");
	want_place("New Mexico, US", "US", "(US-NM)");
	want_place("The Netherlands, NL", "NL", "(NL)");
}

/* ", US" and the like: the continent code NA is never Namibia. */
static void
test_parse(void)
{
	struct loc_parts p;

	resolver_parse(R, " Quebec ,  CA , NA ", &p);
	CHECK_INT(p.n, 2);
	CHECK_STR(p.part[0], "Quebec");
	CHECK_STR(p.part[1], "CA");
	CHECK(p.continent_dropped);

	resolver_parse(R, ", US, NA", &p);
	CHECK_INT(p.n, 1);
	CHECK_STR(p.part[0], "US");

	resolver_parse(R, "Windhoek, NA", &p);
	CHECK_INT(p.n, 2);
	CHECK(!p.continent_dropped);

	resolver_parse(R, "California, United States, NA", &p);
	CHECK_INT(p.n, 2);
	CHECK_STR(p.part[1], "United States");

	resolver_parse(R, "", &p);
	CHECK_INT(p.n, 0);
	resolver_parse(R, NULL, &p);
	CHECK_INT(p.n, 0);
	resolver_parse(R, "a,b,c,d,e,f,g,h,i,j,US", &p);
	CHECK_INT(p.n, RESOLVE_MAX_PARTS);
	CHECK_STR(p.part[p.n - 1], "US");
	CHECK(p.cut);
}

static void
want_norm(const char *in, const char *want)
{
	char out[GAZ_KEY_MAX];

	gaz_normalize(in, strlen(in), out, sizeof(out));
	CHECK_STR(out, want);
}

static void
test_normalize(void)
{
	char key[GAZ_KEY_MAX];

	want_norm("Qu\xc3\xa9" "bec", "quebec");
	want_norm("St.-Petersburg", "saint petersburg");
	want_norm("Saint Petersburg", "saint petersburg");
	want_norm("Hafnarfjar\xc3\xb0" "arkaupsta\xc3\xb0ur",
		  "hafnarfjardarkaupstadur");
	want_norm("Tr\xc3\xb8ndelag", "trondelag");
	want_norm("Stra\xc3\x9f" "e \xc3\x86r\xc3\xb8 \xc3\xbe\xc5\x82",
		  "strasse aero thl");
	want_norm("  The  Netherlands ", "netherlands");
	want_norm("The", "the");
	want_norm("new_york", "new york");
	want_norm("Hawai\xca\xbbi", "hawaii");
	want_norm("Hawai'i", "hawaii");
	want_norm("Hawai\xe2\x80\x99i", "hawaii");
	want_norm("C\xc3\xb4te d'Ivoire", "cote divoire");
	want_norm("Moskovskaja oblast'", "moskovskaja oblast");
	want_norm("'quoted' name", "quoted name");
	want_norm("Qu\\u00e9bec", "quebec");
	want_norm("Qu\\u00E9bec", "quebec");
	want_norm("\\u00cele", "ile");
	want_norm("x\\ud83d\\ude00y", "x\xf0\x9f\x98\x80y");
	want_norm("bad \\u12 escape", "bad u12 escape");
	want_norm("lone \\udc00 half", "lone half");
	want_norm("Trinidad & Tobago", "trinidad and tobago");
	want_norm("Th\xe1\xbb\xab" "a Thi\xc3\xaan Hu\xe1\xba\xbf",
		  "thua thien hue");
	want_norm("bad\xff\xfe" "bytes", "bad bytes");
	want_norm("", "");

	snprintf(key, sizeof(key), "osaka prefecture");
	gaz_strip_designators(key);
	CHECK_STR(key, "osaka");
	snprintf(key, sizeof(key), "city of london");
	gaz_strip_designators(key);
	CHECK_STR(key, "london");
	snprintf(key, sizeof(key), "capital region");
	gaz_strip_designators(key);
	CHECK_STR(key, "capital");
	snprintf(key, sizeof(key), "texas");
	gaz_strip_designators(key);
	CHECK_STR(key, "texas");

	/* The word list is searched by bisection: both ends and the
	 * middle must be found. */
	snprintf(key, sizeof(key), "x administrative governorate gun zizhiqu");
	gaz_strip_designators(key);
	CHECK_STR(key, "x");
}

/* Confidence and methods follow cli.md and the resolver's rules. */
static void
test_confidence(void)
{
	struct resolution res;

	resolver_resolve(R, "Quebec, CA", &res);
	CHECK_STR(res.method, "subdivision");
	CHECK(res.conf == CONF_HIGH);
	CHECK_STR(res.zone, "northamerica-northeast1-a");

	resolver_resolve(R, "Montreal, Quebec, CA", &res);
	CHECK_STR(res.method, "city");
	CHECK(res.conf == CONF_HIGH);
	CHECK(res.distance_km < 10);

	resolver_resolve(R, "Norway, NO, EU", &res);
	CHECK_STR(res.method, "country");
	CHECK(res.conf == CONF_MEDIUM);

	resolver_resolve(R, ", US, NA", &res);
	CHECK_STR(res.method, "country-default");
	CHECK(res.conf == CONF_LOW);
	CHECK_STR(res.region, "us-central1");
	CHECK_STR(res.country, "US");

	resolver_resolve(R, "Texas", &res);	/* country inferred */
	CHECK(res.conf == CONF_MEDIUM);

	resolver_resolve(R, NULL, &res);
	CHECK_STR(res.method, "unmapped");
	CHECK(res.conf == CONF_NONE);
	CHECK_STR(res.region, "");
	CHECK_STR(res.zone, "");

	/* A region without zone a gets a real zone. */
	resolver_resolve(R, "North Carolina, US", &res);
	CHECK_STR(res.zone, "us-east1-b");
	resolver_resolve(R, "Belgium, BE", &res);
	CHECK_STR(res.zone, "europe-west1-b");

	/* The estimate follows the model: a place next to its region is
	 * a few ms away, not the 19 ms of a line fitted to all pairs. */
	resolver_resolve(R, "Iowa, US", &res);
	CHECK(res.est_rtt_ms == regions_estimate_rtt_ms(resolver_regions(R),
							 res.distance_km));
	resolver_resolve(R, "Montreal, Quebec, CA", &res);
	CHECK(res.est_rtt_ms < 1);

	/* The memo returns the same answer. */
	resolver_resolve(R, "Texas, US", &res);
	CHECK_STR(res.region, "us-south1");
	resolver_resolve(R, "Texas, US", &res);
	CHECK_STR(res.region, "us-south1");
}

/* Every large country has a default region that exists. */
static void
test_large_countries(void)
{
	static const char *const large[] = {
		"US", "CA", "BR", "AU", "IN", "RU", "CN"
	};
	static const char *const small[] = {
		"MX", "JP", "DE", "NO", "GB", "FR", "ES", "IT", "AR", "ZA"
	};
	struct resolution res;
	char loc[8];
	size_t i;

	for (i = 0; i < sizeof(large) / sizeof(large[0]); i++) {
		snprintf(loc, sizeof(loc), ", %s", large[i]);
		resolver_resolve(R, loc, &res);
		CHECK(res.conf == CONF_LOW);
		CHECK(regions_find(resolver_regions(R), res.region) != NULL);
	}
	for (i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		resolver_resolve(R, small[i], &res);
		CHECK(res.conf == CONF_MEDIUM);
	}
}

/* Samoa and Fiji, either side of the 180th meridian: Sydney. */
static void
test_antimeridian(void)
{
	struct resolution res;

	resolver_resolve(R, "Samoa, WS", &res);
	CHECK_STR(res.region, "australia-southeast1");
	CHECK(res.lon < -170 && res.lat < -13 && res.lat > -15);
	resolver_resolve(R, "Fiji, FJ", &res);
	CHECK_STR(res.region, "australia-southeast1");
}

/* KEY with its last letter cut: "Indiana" -> "Indian". */
static void
cut_last(const char *name, size_t len, char *out, size_t n)
{
	snprintf(out, n, "%.*s", (int)(len - 1), name);
}

/*
 * No name is found through a part of another.  For every country and
 * every subdivision of a few countries, the name cut short by a letter
 * ("Moscow Oblas") and the name with letters added ("Indianax") must not
 * find that place, unless the shorter text is itself one of its names.
 */
static void
test_no_partial_names(void)
{
	static const char *const ccs[] = { "US", "CA", "DE", "IN", "RU" };
	const struct gaz_country *c;
	const struct gaz_sub *b;
	struct gazetteer *g;
	struct resolution res;
	struct perr e;
	char loc[300], key[GAZ_KEY_MAX];
	size_t nc, ns, np, i, k;
	int bad = 0;

	if (gaz_open(&g, &e) != P_OK) {
		CHECK(!"gaz_open");
		return;
	}
	gaz_counts(g, &nc, &ns, &np);
	for (i = 0; i < nc; i++) {
		c = gaz_country_at(g, (int)i);
		if (c->name_len < 5 || !c->has_point)
			continue;
		cut_last(c->name, c->name_len, loc, sizeof(loc));
		gaz_normalize(loc, strlen(loc), key, sizeof(key));
		resolver_resolve(R, loc, &res);
		bad += strcmp(res.country, c->code) == 0 &&
		    gaz_country_by_name(g, key) != c;
		snprintf(loc, sizeof(loc), "%.*sx", (int)c->name_len, c->name);
		resolver_resolve(R, loc, &res);
		bad += strcmp(res.country, c->code) == 0;
	}
	for (i = 0; i < ns; i++) {
		b = gaz_sub_at(g, (int)i);
		c = gaz_country_at(g, b->country);
		for (k = 0; k < sizeof(ccs) / sizeof(ccs[0]); k++)
			if (strcmp(c->code, ccs[k]) == 0)
				break;
		if (k == sizeof(ccs) / sizeof(ccs[0]) || b->name_len < 5 ||
		    memchr(b->name, ',', b->name_len) != NULL)
			continue;	/* a comma would split it */
		cut_last(b->name, b->name_len, loc, sizeof(loc));
		gaz_normalize(loc, strlen(loc), key, sizeof(key));
		snprintf(loc + strlen(loc), sizeof(loc) - strlen(loc), ", %s",
			 c->code);
		resolver_resolve(R, loc, &res);
		if (gaz_sub_find(g, c, key) != b && strstr(res.place,
		    b->code) != NULL) {
			fprintf(stderr, "%s: '%s' found %s\n", __FILE__, loc,
				res.place);
			bad++;
		}
	}
	CHECK_INT(bad, 0);
	gaz_free(g);
}

/* The region policy: nearest allowed region, RTT from the first choice
 * as the tie-breaker, the default's RTT ranking for a large country. */
static void
test_policy(void)
{
	struct resolution res;
	struct perr e;

	CHECK(resolver_set_regions(R, NULL, "europe-west10", &e) == P_OK);
	resolver_resolve(R, "Berlin, DE", &res);
	/* europe-west3 (423 km) and europe-west4 (451 km) are within 10%:
	 * the one nearer Berlin's region in measured RTT wins. */
	CHECK(strcmp(res.region, "europe-west4") == 0 ||
	      strcmp(res.region, "europe-west3") == 0);
	CHECK(strstr(res.reason, "europe-west10") != NULL);
	resolver_resolve(R, "Texas, US", &res);
	CHECK_STR(res.region, "us-south1");

	CHECK(resolver_set_regions(R, "us-east1, us-west1", NULL, &e) ==
	      P_OK);
	resolver_resolve(R, "Texas, US", &res);
	CHECK_STR(res.region, "us-east1");
	resolver_resolve(R, "Oregon, US", &res);
	CHECK_STR(res.region, "us-west1");
	resolver_resolve(R, "Quebec, CA", &res);
	CHECK_STR(res.region, "us-east1");

	CHECK(resolver_set_regions(R, NULL, "us-central1", &e) == P_OK);
	resolver_resolve(R, ", US", &res);
	CHECK_STR(res.region, "us-south1");	/* 16 ms from us-central1 */
	CHECK(res.conf == CONF_LOW);

	CHECK(resolver_set_regions(R, "us-central1,atlantis1", NULL, &e) ==
	      P_EUSAGE);
	CHECK(strstr(e.msg, "atlantis1") != NULL);
	CHECK(resolver_set_regions(R, "us-east1", "us-east1", &e) ==
	      P_EUSAGE);

	/* Back to no policy: the memo was cleared each time. */
	CHECK(resolver_set_regions(R, NULL, NULL, &e) == P_OK);
	resolver_resolve(R, "Berlin, DE", &res);
	CHECK_STR(res.region, "europe-west10");
	resolver_resolve(R, "Texas, US", &res);
	CHECK_STR(res.region, "us-south1");
}

/* The data version changes with the policy, and only with it. */
static void
test_data_version(void)
{
	char a[65], b[65], c[65];
	struct perr e;

	resolver_data_version(R, a);
	resolver_data_version(R, b);
	CHECK_STR(a, b);
	CHECK_INT(strlen(a), 64);
	CHECK(resolver_set_regions(R, NULL, "us-east1", &e) == P_OK);
	resolver_data_version(R, c);
	CHECK(strcmp(a, c) != 0);
	CHECK(resolver_set_regions(R, NULL, NULL, &e) == P_OK);
	resolver_data_version(R, c);
	CHECK_STR(a, c);
}

int
main(void)
{
	struct perr e;

	if (resolver_open(&R, &e) != P_OK) {
		fprintf(stderr, "resolver_open: %s\n", e.msg);
		return 1;
	}
	T_RUN(test_normalize);
	T_RUN(test_parse);
	T_RUN(test_table_cases);
	T_RUN(test_vast_cases);
	T_RUN(test_no_substrings);
	T_RUN(test_confidence);
	T_RUN(test_large_countries);
	T_RUN(test_antimeridian);
	T_RUN(test_no_partial_names);
	T_RUN(test_policy);
	T_RUN(test_data_version);
	resolver_free(R);
	return T_DONE();
}
