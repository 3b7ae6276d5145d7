/*
 * cmd_resolve.c - `planner resolve [OPTIONS] [--] LOCATION...` and
 * `planner resolve [OPTIONS] --file FILE`: print the GCP region for each
 * location.
 *
 * Owned by the resolver work.  One line per location on stdout, in input
 * order: tab-separated text (LOCATION REGION ZONE METHOD DISTANCE_KM
 * CONFIDENCE, "-" for an empty field), or with --json one JSON object
 * per line.  --explain adds how each answer was reached.  The exit
 * status is 3 when any location is unmapped, 2 on a usage error, 1 when
 * the shipped data cannot be loaded or the input cannot be read, else 0
 * (shared/design/cli.md).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "regions.h"
#include "resolve.h"
#include "utf8.h"

struct opts {
	int json;
	int explain;
	const char *ip;		/* the hosts' address, for --geoip */
	const char *geoip;	/* MaxMind-format database */
	const char *allow;	/* region policy, comma-separated */
	const char *exclude;
	const char *file;	/* one location per line; "-" stdin */
	const char *config;	/* settings file: the keys above */
	struct options owned;	/* what --config read */
};

static void
usage(FILE *f)
{
	fputs("usage: planner resolve [OPTIONS] [--] LOCATION...\n"
	      "       planner resolve [OPTIONS] --file FILE\n"
	      "  --json                one JSON object per line: location, "
	      "region, zone,\n"
	      "                        method, distance_km, est_rtt_ms, "
	      "confidence\n"
	      "  --explain             also show the parts read, what each "
	      "could name, the\n"
	      "                        place used and the three nearest "
	      "regions\n"
	      "  --file FILE           read the locations from FILE, one a "
	      "line ('-': stdin)\n"
	      "  --ip ADDR             the host's IP address, used with "
	      "--geoip when the\n"
	      "                        location gives no more than a "
	      "country\n"
	      "  --geoip FILE          offline MaxMind-format database "
	      "(GeoLite2-City, DB-IP)\n"
	      "  --allow-regions LIST  answer only with these regions "
	      "(comma-separated)\n"
	      "  --exclude-regions LIST  never answer with these regions\n"
	      "  --config FILE         read geoip, allow-regions and "
	      "exclude-regions from\n"
	      "                        the settings file (options given here "
	      "win)\n"
	      "  --                    ends the options: a location may start "
	      "with '-' or be\n"
	      "                        empty\n"
	      "exit status: 0 all resolved, 3 some unmapped, 2 usage "
	      "error, 1 data or I/O error\n", f);
}

/* The value of option NAME at ARGV[*I] ("--name value" or
 * "--name=value"), or NULL when A is not that option.  *BAD is set when
 * the value is missing. */
static const char *
opt_value(int argc, char **argv, int *i, const char *name, int *bad)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 == argc) {
		log_error("resolve: option '%s' needs a value", name);
		*bad = 1;
		return NULL;
	}
	return argv[++*i];
}

/* One option with a value at ARGV[*I]; 1 if it was one, 0 if not, -1 on
 * a usage error. */
static int
value_opt(int argc, char **argv, int *i, struct opts *o)
{
	static const struct {
		const char *name;
		size_t off;
	} vals[] = {
		{ "--ip", offsetof(struct opts, ip) },
		{ "--geoip", offsetof(struct opts, geoip) },
		{ "--allow-regions", offsetof(struct opts, allow) },
		{ "--exclude-regions", offsetof(struct opts, exclude) },
		{ "--file", offsetof(struct opts, file) },
		{ "--config", offsetof(struct opts, config) },
	};
	const char *v;
	size_t k;
	int bad = 0;

	for (k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
		v = opt_value(argc, argv, i, vals[k].name, &bad);
		if (bad)
			return -1;
		if (v != NULL) {
			*(const char **)((char *)o + vals[k].off) = v;
			return 1;
		}
	}
	return 0;
}

/* Parse the options; returns the index of the first location, or -1
 * after a usage message, or -2 for --help. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	int i, k;

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
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			return -2;
		else if ((k = value_opt(argc, argv, &i, o)) < 0)
			return -1;
		else if (k == 0) {
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
	size_t len;

	return utf8_decode(s, n, &len) < 0 ? 0 : len;
}

/* S as a JSON string: quotes, backslashes and control characters
 * escaped, invalid UTF-8 replaced by U+FFFD. */
static void
json_string(FILE *f, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, len;

	/* Plain printable ASCII, the usual case, goes out in one write. */
	while (i < n && u[i] >= 0x20 && u[i] < 0x7f && u[i] != '"' &&
	       u[i] != '\\')
		i++;
	putc('"', f);
	fwrite(s, 1, i, f);
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
	size_t n;

	if (*s == '\0') {
		putc('-', f);
		return;
	}
	while (*s != '\0') {
		n = strcspn(s, "\t\n\r");
		fwrite(s, 1, n, f);
		s += n;
		if (*s != '\0') {
			putc(' ', f);
			s++;
		}
	}
}

/* V with one decimal, rounded half up as the plan JSON does ("210.4");
 * faster than printf for a million lines. */
static void
put_tenths(FILE *f, double v)
{
	char buf[32], *p = buf + sizeof(buf);
	long long t;
	int neg = v < 0;

	if (!(v > -1e15 && v < 1e15)) {
		fprintf(f, "%.1f", v);
		return;
	}
	t = (long long)((neg ? -v : v) * 10 + 0.5);
	*--p = (char)('0' + t % 10);
	*--p = '.';
	t /= 10;
	do
		*--p = (char)('0' + t % 10);
	while ((t /= 10) > 0);
	if (neg)
		*--p = '-';
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), f);
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
		put_tenths(stdout, res->distance_km);
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
	if (res->region[0] != '\0') {
		fputs(", \"distance_km\": ", stdout);
		put_tenths(stdout, res->distance_km);
		fputs(", \"est_rtt_ms\": ", stdout);
		put_tenths(stdout, res->est_rtt_ms);
	} else
		fputs(", \"distance_km\": null, \"est_rtt_ms\": null", stdout);
	printf(", \"confidence\": \"%s\"", confidence_name(res->conf));
	json_str_or_null("country", res->country);
}

/* ------------------------------------------------------------------
 * --explain.
 */

/* What --explain shows, gathered once for either output form. */
struct explain {
	struct loc_parts p;
	char cand[RESOLVE_MAX_PARTS][512];	/* what each part could be */
	const struct gcp_region *near[3];	/* nearest regions */
	double km[3];
	size_t n;				/* of near */
};

static void
explain_gather(const struct resolver *r, const char *loc,
	       const struct resolution *res, struct explain *x)
{
	int k;

	resolver_parse(r, loc, &x->p);
	for (k = 0; k < x->p.n; k++)
		resolver_candidates(r, x->p.part[k], res->country,
				    x->cand[k], sizeof(x->cand[k]));
	x->n = res->located ? regions_nearest(resolver_regions(r), res->lat,
					      res->lon, x->near, x->km, 3) : 0;
}

static void
explain_text(const struct explain *x, const struct resolution *res)
{
	size_t i;
	int k;

	fputs("#\tparts:", stdout);
	for (k = 0; k < x->p.n; k++) {
		printf(" %s", k ? "| " : "");
		text_field(stdout, x->p.part[k]);
	}
	printf("%s%s\n", x->p.continent_dropped ?
	       " (continent code dropped)" : "", x->p.cut ? " (cut)" : "");
	for (k = 0; k < x->p.n; k++) {
		fputs("#\t  '", stdout);
		text_field(stdout, x->p.part[k]);
		printf("' could be: %s\n", x->cand[k]);
	}
	printf("#\tplace: %s", res->place[0] ? res->place : "-");
	if (res->reason[0] != '\0')
		printf("; %s", res->reason);
	putchar('\n');
	if (x->n == 0)
		return;
	printf("#\tpoint %.4f %.4f; nearest:", res->lat, res->lon);
	for (i = 0; i < x->n; i++)
		printf(" %s %.1f km%s", x->near[i]->name, x->km[i],
		       i + 1 < x->n ? ";" : "\n");
}

static void
explain_json(const struct explain *x, const struct resolution *res)
{
	size_t i;
	int k;

	fputs(", \"explain\": {\"parts\": [", stdout);
	for (k = 0; k < x->p.n; k++) {
		fputs(k ? ", " : "", stdout);
		json_string(stdout, x->p.part[k]);
	}
	printf("], \"continent_dropped\": %s, \"candidates\": [",
	       x->p.continent_dropped ? "true" : "false");
	for (k = 0; k < x->p.n; k++) {
		fputs(k ? ", " : "", stdout);
		json_string(stdout, x->cand[k]);
	}
	putchar(']');
	json_str_or_null("place", res->place);
	json_str_or_null("reason", res->reason);
	if (x->n > 0)
		printf(", \"lat\": %.4f, \"lon\": %.4f", res->lat, res->lon);
	fputs(", \"nearest\": [", stdout);
	for (i = 0; i < x->n; i++)
		printf("%s{\"region\": \"%s\", \"km\": %.1f}", i ? ", " : "",
		       x->near[i]->name, x->km[i]);
	fputs("]}", stdout);
}

/* ------------------------------------------------------------------
 * The command.
 */

static void
print_one(const struct resolver *r, const struct opts *o, const char *loc,
	  const struct resolution *res)
{
	static struct explain x;	/* 3 KB; one at a time */

	if (o->explain)
		explain_gather(r, loc, res, &x);
	if (o->json) {
		print_json_fields(loc, res);
		if (o->explain)
			explain_json(&x, res);
		fputs("}\n", stdout);
	} else {
		print_text(loc, res);
		if (o->explain)
			explain_text(&x, res);
	}
}

/* Resolve and print LOC; returns 1 if it was unmapped. */
static int
one(const struct resolver *r, const struct opts *o, const char *loc)
{
	struct resolution res;

	resolver_resolve_ip(r, loc, o->ip, &res);
	print_one(r, o, loc, &res);
	return res.conf == CONF_NONE;
}

/* Every line of O->file; returns the exit status. */
static int
resolve_file(const struct resolver *r, const struct opts *o)
{
	FILE *f = strcmp(o->file, "-") == 0 ? stdin : fopen(o->file, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int unmapped = 0, bad;

	if (f == NULL) {
		log_error("resolve: --file %s: %s", o->file, strerror(errno));
		return EXIT_FAILURE_RT;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		unmapped |= one(r, o, line);
	}
	bad = ferror(f);
	free(line);
	if (f != stdin)
		fclose(f);
	if (bad) {
		log_error("resolve: --file %s: read error", o->file);
		return EXIT_FAILURE_RT;
	}
	return unmapped ? EXIT_ALERTS : EXIT_DONE;
}

/* Settings from --config that the command line did not give. */
static int
apply_config(struct opts *o)
{
	struct options set;
	struct perr e = { P_OK, "" };

	if (o->config == NULL)
		return 0;
	if (cli_read_settings(o->config, &set, &e) != P_OK) {
		log_error("resolve: %s", e.msg);
		return -1;
	}
	o->geoip = o->geoip ? o->geoip : set.geoip;
	o->allow = o->allow ? o->allow : set.allow_regions;
	o->exclude = o->exclude ? o->exclude : set.exclude_regions;
	o->owned = set;		/* keeps the strings alive */
	return 0;
}

/* Open the resolver with O's policy and GeoIP database. */
static int
open_resolver(struct resolver **r, const struct opts *o)
{
	struct perr e = { P_OK, "" };

	if (resolver_open(r, &e) != P_OK) {
		log_error("resolve: %s", e.msg);
		return EXIT_FAILURE_RT;
	}
	if (resolver_set_regions(*r, o->allow, o->exclude, &e) != P_OK ||
	    (o->geoip && resolver_set_geoip(*r, o->geoip, &e) != P_OK)) {
		log_error("resolve: %s", e.msg);
		resolver_free(*r);
		*r = NULL;
		return EXIT_USAGE;
	}
	if (o->ip != NULL && o->geoip == NULL)
		log_warn("resolve: --ip %s: no GeoIP database is configured "
			 "(--geoip FILE); resolving by location only", o->ip);
	return EXIT_DONE;
}

/* `planner resolve`: ARGV holds the arguments after "resolve". */
int
cmd_resolve(int argc, char **argv)
{
	static char outbuf[1 << 16];
	struct opts o;
	struct resolver *r;
	int first, i, status;

	memset(&o, 0, sizeof(o));
	first = parse_opts(argc, argv, &o);
	if (first == -2) {
		usage(stdout);
		return EXIT_DONE;
	}
	if (first >= 0 && (first == argc) == (o.file == NULL)) {
		log_error(o.file ? "resolve: give locations or --file, not "
			  "both" : "resolve: no location given");
		first = -1;
	}
	if (first < 0 || apply_config(&o) != 0) {
		usage(stderr);
		cli_release(&o.owned);
		return EXIT_USAGE;
	}
	if ((status = open_resolver(&r, &o)) != EXIT_DONE) {
		cli_release(&o.owned);
		return status;
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (o.file != NULL)
		status = resolve_file(r, &o);
	else
		for (i = first; i < argc; i++)
			if (one(r, &o, argv[i]))
				status = EXIT_ALERTS;
	resolver_free(r);
	cli_release(&o.owned);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("resolve: writing the output failed");
		return EXIT_FAILURE_RT;
	}
	return status;
}
