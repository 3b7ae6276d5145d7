/*
 * cmd_resolve.c - `planner resolve [--json] [--ip ADDR] [--explain]
 * [--] LOCATION...`: print the GCP region for each location.
 *
 * Owned by the resolver work.  One line per location on stdout, in input
 * order: tab-separated text (LOCATION REGION ZONE METHOD DISTANCE_KM
 * CONFIDENCE, "-" for an empty field), or with --json one JSON object
 * per line.  --explain adds how each answer was reached.  The exit
 * status is 3 when any location is unmapped, 2 on a usage error, 1 when
 * the shipped data cannot be loaded, else 0 (shared/design/cli.md).
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "regions.h"
#include "resolve.h"

struct opts {
	int json;
	int explain;
	const char *ip;		/* accepted; needs a GeoIP database */
};

static void
usage(FILE *f)
{
	fputs("usage: planner resolve [--json] [--explain] [--ip ADDR] "
	      "[--] LOCATION...\n"
	      "  --json      one JSON object per line: location, region, "
	      "zone, method,\n"
	      "              distance_km, est_rtt_ms, confidence\n"
	      "  --explain   also show the parts read, the place found and "
	      "the three\n"
	      "              nearest regions\n"
	      "  --ip ADDR   the host's IP address, for an offline GeoIP "
	      "database;\n"
	      "              not supported by this build yet (ignored, "
	      "with a warning)\n"
	      "  --          ends the options: a location may start with "
	      "'-' or be empty\n"
	      "exit status: 0 all resolved, 3 some unmapped, 2 usage "
	      "error, 1 data error\n", f);
}

/* Parse the options; returns the index of the first location, or -1
 * after a usage message, or -2 for --help. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0)
			return i + 1;
		if (a[0] != '-' || a[1] == '\0')
			return i;
		if (strcmp(a, "--json") == 0)
			o->json = 1;
		else if (strcmp(a, "--explain") == 0)
			o->explain = 1;
		else if (strcmp(a, "--ip") == 0) {
			if (++i == argc) {
				log_error("resolve: option '--ip' needs an "
					  "address");
				return -1;
			}
			o->ip = argv[i];
		} else if (strncmp(a, "--ip=", 5) == 0)
			o->ip = a + 5;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			return -2;
		else {
			log_error("resolve: unknown option '%s'", a);
			return -1;
		}
	}
	return i;
}

/* ------------------------------------------------------------------
 * Output.
 */

/* Length of the valid UTF-8 sequence at S (N > 0 bytes), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t need, k;
	unsigned long cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 2, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 3, cp = s[0] & 0x07;
	else
		return 0;
	if (n <= need)
		return 0;
	for (k = 1; k <= need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need + 1;
}

/* S as a JSON string: quotes, backslashes and control characters
 * escaped, invalid UTF-8 replaced by U+FFFD. */
static void
json_string(FILE *f, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, len;

	putc('"', f);
	while (i < n) {
		if (u[i] == '"' || u[i] == '\\') {
			putc('\\', f);
			putc(u[i++], f);
		} else if (u[i] == '\n') {
			fputs("\\n", f);
			i++;
		} else if (u[i] == '\t') {
			fputs("\\t", f);
			i++;
		} else if (u[i] < 0x20 || u[i] == 0x7f) {
			fprintf(f, "\\u%04x", u[i++]);
		} else if ((len = utf8_len(u + i, n - i)) == 0) {
			fputs("\\ufffd", f);
			i++;
		} else {
			fwrite(u + i, 1, len, f);
			i += len;
		}
	}
	putc('"', f);
}

/* S for a tab-separated line: tabs and line ends become spaces. */
static void
text_field(FILE *f, const char *s)
{
	if (*s == '\0') {
		putc('-', f);
		return;
	}
	for (; *s != '\0'; s++)
		putc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static void
print_text(const char *loc, const struct resolution *res)
{
	text_field(stdout, loc);
	putchar('\t');
	text_field(stdout, res->region);
	putchar('\t');
	text_field(stdout, res->zone);
	printf("\t%s\t", res->method);
	if (res->region[0] != '\0')
		printf("%.1f", res->distance_km);
	else
		putchar('-');
	printf("\t%s\n", confidence_name(res->conf));
}

static void
json_str_or_null(const char *key, const char *s)
{
	printf(", \"%s\": ", key);
	if (*s == '\0')
		fputs("null", stdout);
	else
		json_string(stdout, s);
}

static void
print_json_fields(const char *loc, const struct resolution *res)
{
	fputs("{\"location\": ", stdout);
	json_string(stdout, loc);
	json_str_or_null("region", res->region);
	json_str_or_null("zone", res->zone);
	printf(", \"method\": \"%s\"", res->method);
	if (res->region[0] != '\0')
		printf(", \"distance_km\": %.1f, \"est_rtt_ms\": %.1f",
		       res->distance_km, res->est_rtt_ms);
	else
		fputs(", \"distance_km\": null, \"est_rtt_ms\": null", stdout);
	printf(", \"confidence\": \"%s\"", confidence_name(res->conf));
	json_str_or_null("country", res->country);
}

/* ------------------------------------------------------------------
 * --explain.
 */

static void
explain_text(const struct resolver *r, const char *loc,
	     const struct resolution *res)
{
	const struct gcp_region *near[3];
	struct loc_parts p;
	double km[3];
	size_t n = 0, i;
	int k;

	resolver_parse(r, loc, &p);
	fputs("#\tparts:", stdout);
	for (k = 0; k < p.n; k++) {
		printf(" %s", k ? "| " : "");
		text_field(stdout, p.part[k]);
	}
	printf("%s%s\n", p.continent_dropped ? " (continent code dropped)" :
	       "", p.cut ? " (cut)" : "");
	printf("#\tplace: %s", res->place[0] ? res->place : "-");
	if (res->reason[0] != '\0')
		printf("; %s", res->reason);
	putchar('\n');
	if (res->located)
		n = regions_nearest(resolver_regions(r), res->lat, res->lon,
				    near, km, 3);
	if (n == 0)
		return;
	printf("#\tpoint %.4f %.4f; nearest:", res->lat, res->lon);
	for (i = 0; i < n; i++)
		printf(" %s %.1f km%s", near[i]->name, km[i],
		       i + 1 < n ? ";" : "\n");
}

static void
explain_json(const struct resolver *r, const char *loc,
	     const struct resolution *res)
{
	const struct gcp_region *near[3];
	struct loc_parts p;
	double km[3];
	size_t n = 0, i;
	int k;

	resolver_parse(r, loc, &p);
	fputs(", \"explain\": {\"parts\": [", stdout);
	for (k = 0; k < p.n; k++) {
		fputs(k ? ", " : "", stdout);
		json_string(stdout, p.part[k]);
	}
	printf("], \"continent_dropped\": %s", p.continent_dropped ?
	       "true" : "false");
	json_str_or_null("place", res->place);
	json_str_or_null("reason", res->reason);
	if (res->located)
		n = regions_nearest(resolver_regions(r), res->lat, res->lon,
				    near, km, 3);
	if (n > 0)
		printf(", \"lat\": %.4f, \"lon\": %.4f", res->lat, res->lon);
	fputs(", \"nearest\": [", stdout);
	for (i = 0; i < n; i++)
		printf("%s{\"region\": \"%s\", \"km\": %.1f}", i ? ", " : "",
		       near[i]->name, km[i]);
	fputs("]}", stdout);
}

/* ------------------------------------------------------------------
 * The command.
 */

static void
print_one(const struct resolver *r, const struct opts *o, const char *loc,
	  const struct resolution *res)
{
	if (o->json) {
		print_json_fields(loc, res);
		if (o->explain)
			explain_json(r, loc, res);
		fputs("}\n", stdout);
	} else {
		print_text(loc, res);
		if (o->explain)
			explain_text(r, loc, res);
	}
}

/* `planner resolve`: ARGV holds the arguments after "resolve". */
int
cmd_resolve(int argc, char **argv)
{
	struct opts o = { 0, 0, NULL };
	struct resolution res;
	struct resolver *r;
	struct perr e;
	int first, i, status = EXIT_DONE;

	first = parse_opts(argc, argv, &o);
	if (first == -2) {
		usage(stdout);
		return EXIT_DONE;
	}
	if (first < 0 || first == argc) {
		if (first == argc)
			log_error("resolve: no location given");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.ip != NULL)
		log_warn("resolve: --ip needs an offline GeoIP database, "
			 "which this build does not support yet; resolving "
			 "by location only");
	if (resolver_open(&r, &e) != P_OK) {
		log_error("resolve: %s", e.msg);
		return EXIT_FAILURE_RT;
	}
	for (i = first; i < argc; i++) {
		resolver_resolve(r, argv[i], &res);
		if (res.conf == CONF_NONE)
			status = EXIT_ALERTS;
		print_one(r, &o, argv[i], &res);
	}
	resolver_free(r);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("resolve: writing the output failed");
		return EXIT_FAILURE_RT;
	}
	return status;
}
