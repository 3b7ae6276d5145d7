/*
 * cli.c - options from the command line and from a settings file.
 * See cli.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "money.h"
#include "timeutil.h"

#include "cli.h"

enum opt_id {
	O_FIRST = 256,
	O_CONFIG = O_FIRST, O_DB, O_VAST_INST, O_GCP_INST, O_GCP_BILL,
	O_VAST_BILL, O_MONTH, O_PLAN_JSON, O_PAIR_LABEL, O_RATE_CROSS,
	O_RATE_SAME, O_KEEP_GOING, O_MIGRATE, O_DRY_RUN, O_HELP, O_VERSION,
	O_RATE_CARD, O_METRICS, O_WEBHOOK, O_LOG_FORMAT, O_VAST_INST_GLOB,
	O_GCP_INST_GLOB, O_GCP_BILL_GLOB, O_VAST_BILL_GLOB, O_GEOIP,
	O_ALLOW_REGIONS, O_EXCLUDE_REGIONS,
	/* The wave's options: contiguous, see apply(). */
	O_PROJECT, O_API_ENDPOINT, O_TOKEN_FILE, O_MAX_MIGRATIONS, O_LATENCY,
	O_PROBE_VIA, O_PROBE_PORT, O_DELETE_SOURCE, O_ALLOW_LOCAL_SSD,
	O_QUIET = 'q', O_VERBOSE = 'v'
};

static const struct option longopts[] = {
	{ "config", required_argument, NULL, O_CONFIG },
	{ "db", required_argument, NULL, O_DB },
	{ "vast-instances", required_argument, NULL, O_VAST_INST },
	{ "gcp-instances", required_argument, NULL, O_GCP_INST },
	{ "gcp-billing", required_argument, NULL, O_GCP_BILL },
	{ "vast-billing", required_argument, NULL, O_VAST_BILL },
	{ "month", required_argument, NULL, O_MONTH },
	{ "plan-json", required_argument, NULL, O_PLAN_JSON },
	{ "pair-label", required_argument, NULL, O_PAIR_LABEL },
	{ "rate-cross-region", required_argument, NULL, O_RATE_CROSS },
	{ "rate-same-region", required_argument, NULL, O_RATE_SAME },
	{ "vast-instances-glob", required_argument, NULL, O_VAST_INST_GLOB },
	{ "gcp-instances-glob", required_argument, NULL, O_GCP_INST_GLOB },
	{ "gcp-billing-glob", required_argument, NULL, O_GCP_BILL_GLOB },
	{ "vast-billing-glob", required_argument, NULL, O_VAST_BILL_GLOB },
	{ "metrics-file", required_argument, NULL, O_METRICS },
	{ "alert-webhook", required_argument, NULL, O_WEBHOOK },
	{ "log-format", required_argument, NULL, O_LOG_FORMAT },
	{ "geoip", required_argument, NULL, O_GEOIP },
	{ "allow-regions", required_argument, NULL, O_ALLOW_REGIONS },
	{ "exclude-regions", required_argument, NULL, O_EXCLUDE_REGIONS },
	{ "rate-card", required_argument, NULL, O_RATE_CARD },
	{ "keep-going", no_argument, NULL, O_KEEP_GOING },
	{ "migrate", no_argument, NULL, O_MIGRATE },
	{ "dry-run", no_argument, NULL, O_DRY_RUN },
	{ "project", required_argument, NULL, O_PROJECT },
	{ "api-endpoint", required_argument, NULL, O_API_ENDPOINT },
	{ "access-token-file", required_argument, NULL, O_TOKEN_FILE },
	{ "max-migrations", required_argument, NULL, O_MAX_MIGRATIONS },
	{ "latency-threshold-ms", required_argument, NULL, O_LATENCY },
	{ "probe-via", required_argument, NULL, O_PROBE_VIA },
	{ "probe-port", required_argument, NULL, O_PROBE_PORT },
	{ "delete-source", no_argument, NULL, O_DELETE_SOURCE },
	{ "allow-local-ssd", no_argument, NULL, O_ALLOW_LOCAL_SSD },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "verbose", no_argument, NULL, O_VERBOSE },
	{ "help", no_argument, NULL, O_HELP },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

void
cli_usage(FILE *f)
{
	fputs(
"usage: planner [OPTIONS]                  import, resolve, pair, estimate\n"
"       planner --migrate [--dry-run] [OPTIONS]\n"
"                                          the same, then a cleanup wave\n"
"       planner resolve [--json] [--explain] [--ip ADDR] [--geoip FILE]\n"
"               [--allow-regions LIST] [--exclude-regions LIST]\n"
"               [--file FILE | [--] LOCATION...]\n"
"       planner report [--month YYYY-MM] --out DIR [--db FILE] [--json]\n"
"       planner --help | --version\n"
"\n"
"The nightly run imports the inputs given, re-resolves every GPU's best\n"
"GCP region, pairs GPUs with their CPU VMs, prices the month's traffic,\n"
"stores the plan in the database and prints a summary.  With no input\n"
"options it works on what the database already holds.\n"
"\n"
"Inputs (the format is detected from the content):\n"
"  --vast-instances FILE   Vast.ai inventory: vastai show instances --raw\n"
"  --gcp-instances FILE    GCP VMs: gcloud compute instances list "
"--format=json\n"
"  --gcp-billing FILE      GCP billing: detailed export CSV, FOCUS CSV or\n"
"                          console cost table (repeatable)\n"
"  --vast-billing FILE     Vast.ai charges CSV (repeatable)\n"
"  --keep-going            skip rows that cannot be read (exit status 3)\n"
"                          instead of refusing the whole file\n"
"  --vast-instances-glob P, --gcp-instances-glob P\n"
"                          import the newest file matching the pattern,\n"
"                          unless it is the one imported last\n"
"  --gcp-billing-glob P, --vast-billing-glob P\n"
"                          import every matching file whose content was\n"
"                          not imported before (repeatable)\n"
"\n"
"Plan:\n"
"  --db FILE               SQLite database (default: planner.db)\n"
"  --month YYYY-MM         month to plan (default: the latest billed)\n"
"  --plan-json FILE        write the plan as JSON ('-' for stdout)\n"
"  --pair-label KEY        VM label holding the Vast instance id\n"
"                          (default: paired-gpu)\n"
"  --rate-cross-region USD price per GiB across regions (default 0.01)\n"
"  --rate-same-region USD  price per GiB within a region (default 0)\n"
"  --rate-card FILE        prices from a rate card file (tiers, explicit\n"
"                          units; see README); the two options above\n"
"                          override its schedules\n"
"\n"
"Resolving:\n"
"  --geoip FILE            offline MaxMind-format database (GeoLite2-City,\n"
"                          DB-IP City): locates a GPU by its public IP when\n"
"                          its location gives no more than a country\n"
"  --allow-regions LIST    choose only among these GCP regions\n"
"                          (comma-separated names)\n"
"  --exclude-regions LIST  never choose these regions\n"
"\n"
"Nightly operation:\n"
"  --metrics-file FILE     write a Prometheus textfile (atomically)\n"
"  --alert-webhook URL     POST the run's alerts as JSON (with retries)\n"
"  --log-format text|json  format of messages on stderr (default text)\n"
"\n"
"Cleanup wave (--migrate: move the worst cross-region VMs through the GCP\n"
"API; largest saving first):\n"
"  --migrate               after the nightly run, move up to\n"
"                          --max-migrations VMs next to their GPU\n"
"  --dry-run               print the API calls (METHOD PATH) the wave\n"
"                          would make; send only reads, change nothing\n"
"  --max-migrations N      VMs to move in this wave (default 5)\n"
"  --project ID            GCP project (default: from each VM's selfLink)\n"
"  --api-endpoint URL      instead of https://compute.googleapis.com\n"
"                          (plain http only to 127.0.0.1 or [::1])\n"
"  --access-token-file F   a bearer token (mode 600); else\n"
"                          GOOGLE_OAUTH_ACCESS_TOKEN, else the key file\n"
"                          named by GOOGLE_APPLICATION_CREDENTIALS\n"
"  --latency-threshold-ms MS\n"
"                          GPU-to-new-VM median above this: roll back\n"
"                          (default 20)\n"
"  --probe-via local|ssh   measure from this host (the VM's networkIP) or\n"
"                          from the GPU host through its Vast ssh host\n"
"                          and port (the VM's natIP; default ssh)\n"
"  --probe-port PORT       TCP port probed on the new VM (default 22)\n"
"  --delete-source         delete the old VM after validation (default:\n"
"                          stop it)\n"
"  --allow-local-ssd       also move VMs with local SSDs (their data is\n"
"                          not carried)\n"
"\n"
"General:\n"
"  --config FILE           settings file of 'option = value' lines\n"
"                          (default: /etc/planner.conf, else\n"
"                          ./planner.conf, when present)\n"
"  -q, --quiet             errors only\n"
"  -v, --verbose           more detail on stderr\n"
"  --help, --version\n"
"\n"
"Exit status: 0 done; 1 runtime failure (I/O, database, refused input,\n"
"GCP API); 2 usage error; 3 done with alerts (unmapped locations,\n"
"rejected rows, latency above threshold, a move rolled back or failed);\n"
"4 another run holds the database.\n",
	    f);
}

static enum perr_code
add_file(struct file_list *l, const char *path, const char *opt,
	 struct perr *e)
{
	if (l->n >= CLI_MAX_FILES)
		return perr_set(e, P_EUSAGE, "--%s: at most %d files", opt,
				CLI_MAX_FILES);
	l->path[l->n++] = path;
	return P_OK;
}

/* ARG must be an integer in [LO, HI]. */
static enum perr_code
check_int(const char *arg, const char *opt, long lo, long hi,
	  struct perr *e)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno || v < lo || v > hi)
		return perr_set(e, P_EUSAGE, "--%s '%s': expected a whole "
				"number from %ld to %ld", opt, arg, lo, hi);
	return P_OK;
}

/* The wave's options, checked as they are given. */
static enum perr_code
apply_wave(struct options *o, int id, const char *arg, struct perr *e)
{
	int64_t v;
	const char *why = "negative";

	switch (id) {
	case O_PROJECT: o->project = arg; break;
	case O_API_ENDPOINT: o->api_endpoint = arg; break;
	case O_TOKEN_FILE: o->access_token_file = arg; break;
	case O_MAX_MIGRATIONS:
		o->max_migrations = arg;
		return check_int(arg, "max-migrations", 0, 1000, e);
	case O_PROBE_PORT:
		o->probe_port = arg;
		return check_int(arg, "probe-port", 1, 65535, e);
	case O_LATENCY:
		o->latency_threshold_ms = arg;
		if (dec_parse(arg, strlen(arg), 3, DEC_STRICT, &v, &why) ||
		    v < 0)
			return perr_set(e, P_EUSAGE, "--latency-threshold-ms "
					"'%s': expected milliseconds such as "
					"20 or 7.5 (%s)", arg, why);
		break;
	case O_PROBE_VIA:
		if (strcmp(arg, "local") != 0 && strcmp(arg, "ssh") != 0)
			return perr_set(e, P_EUSAGE, "--probe-via '%s': "
					"expected local or ssh", arg);
		o->probe_via = arg;
		break;
	case O_DELETE_SOURCE: o->delete_source = 1; break;
	case O_ALLOW_LOCAL_SSD: o->allow_local_ssd = 1; break;
	default:
		return perr_set(e, P_EUSAGE, "unknown option (try --help)");
	}
	return P_OK;
}

/* Values checked as they are read, so that a settings file's mistake
 * is reported with its line (the caller adds file and line). */
static enum perr_code
check_month(const char *arg, struct perr *e)
{
	int64_t a, b;

	if (month_parse(arg, &a, &b))
		return perr_set(e, P_EUSAGE, "--month '%s': expected YYYY-MM "
				"(a month from 1970 on)", arg);
	return P_OK;
}

static enum perr_code
check_price(const char *arg, const char *opt, int64_t *out, struct perr *e)
{
	const char *why;
	int64_t v;

	if (dec_parse(arg, strlen(arg), 6, DEC_STRICT, &v, &why))
		return perr_set(e, P_EUSAGE, "--%s '%s': expected a price in "
				"USD per GiB such as 0.01 (%s)", opt, arg, why);
	if (v < 0)
		return perr_set(e, P_EUSAGE, "--%s '%s': a price cannot be "
				"negative", opt, arg);
	*out = v;
	return P_OK;
}

static enum perr_code
check_url(const char *arg, struct perr *e)
{
	if (strncmp(arg, "http://", 7) != 0 && strncmp(arg, "https://", 8) != 0)
		return perr_set(e, P_EUSAGE, "--alert-webhook '%s': expected "
				"an http:// or https:// URL", arg);
	return P_OK;
}

static enum perr_code
check_nonempty(const char *arg, const char *opt, struct perr *e)
{
	if (*arg == '\0')
		return perr_set(e, P_EUSAGE, "--%s: empty value", opt);
	return P_OK;
}

/* Apply option ID with argument ARG (NULL for flags). */
static enum perr_code
apply(struct options *o, int id, const char *arg, struct perr *e)
{
	if (id >= O_PROJECT && id <= O_ALLOW_LOCAL_SSD)
		return apply_wave(o, id, arg, e);
	switch (id) {
	case O_CONFIG: o->config = arg; break;
	case O_DB:
		if (check_nonempty(arg, "db", e))
			return e->code;
		o->db = arg;
		break;
	case O_VAST_INST: o->vast_instances = arg; break;
	case O_GCP_INST: o->gcp_instances = arg; break;
	case O_GCP_BILL: return add_file(&o->gcp_billing, arg,
					 "gcp-billing", e);
	case O_VAST_BILL: return add_file(&o->vast_billing, arg,
					  "vast-billing", e);
	case O_MONTH:
		if (check_month(arg, e))
			return e->code;
		o->month = arg;
		break;
	case O_PLAN_JSON: o->plan_json = arg; break;
	case O_PAIR_LABEL: o->pair_label = arg; break;
	case O_RATE_CROSS:
		if (check_price(arg, "rate-cross-region",
				&o->rate_cross_micro, e))
			return e->code;
		o->rate_cross = arg;
		break;
	case O_RATE_SAME:
		if (check_price(arg, "rate-same-region",
				&o->rate_same_micro, e))
			return e->code;
		o->rate_same = arg;
		break;
	case O_KEEP_GOING: o->keep_going = 1; break;
	case O_RATE_CARD: o->rate_card = arg; break;
	case O_METRICS: o->metrics_file = arg; break;
	case O_WEBHOOK:
		if (check_url(arg, e))
			return e->code;
		o->alert_webhook = arg;
		break;
	case O_LOG_FORMAT:
		if (strcmp(arg, "text") != 0 && strcmp(arg, "json") != 0)
			return perr_set(e, P_EUSAGE, "--log-format '%s': "
					"expected text or json", arg);
		o->log_format = arg;
		break;
	case O_GEOIP: o->geoip = arg; break;
	case O_ALLOW_REGIONS: o->allow_regions = arg; break;
	case O_EXCLUDE_REGIONS: o->exclude_regions = arg; break;
	case O_VAST_INST_GLOB: o->vast_instances_glob = arg; break;
	case O_GCP_INST_GLOB: o->gcp_instances_glob = arg; break;
	case O_GCP_BILL_GLOB: return add_file(&o->gcp_billing_glob, arg,
					      "gcp-billing-glob", e);
	case O_VAST_BILL_GLOB: return add_file(&o->vast_billing_glob, arg,
					       "vast-billing-glob", e);
	case O_MIGRATE: o->migrate = 1; break;
	case O_DRY_RUN: o->dry_run = 1; break;
	case O_QUIET: o->verbosity = -1; break;
	case O_VERBOSE: o->verbosity++; break;
	case O_HELP: o->help = 1; break;
	case O_VERSION: o->version = 1; break;
	default:
		return perr_set(e, P_EUSAGE, "unknown option (try --help)");
	}
	return P_OK;
}

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && strchr(" \t\r\n", end[-1]))
		*--end = '\0';
	return s;
}

/* Cut a comment that follows a value: "x = 1  # note".  A '#' with no
 * blank before it stays (a URL fragment, a path). */
static void
strip_comment(char *val)
{
	char *p;

	for (p = val; (p = strchr(p, '#')) != NULL; p++)
		if (p > val && (p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			trim(val);
			return;
		}
}

/* Options count in set_line by their place in longopts (the ids of -q
 * and -v are characters, below O_FIRST). */
_Static_assert(sizeof(longopts) / sizeof(longopts[0]) <=
	       sizeof(((struct options *)0)->set_line) / sizeof(long),
	       "struct options: set_line too small for longopts");

/* Whether option LO was already set by the file (line N records it). */
static int
seen_before(struct options *o, const struct option *lo, long n)
{
	long *slot = &o->set_line[lo - longopts];

	if (lo->val == O_GCP_BILL || lo->val == O_VAST_BILL ||
	    lo->val == O_GCP_BILL_GLOB || lo->val == O_VAST_BILL_GLOB ||
	    lo->val == O_VERBOSE)
		return 0;
	if (*slot)
		return 1;
	*slot = n;
	return 0;
}

static const struct option *
find_long(const char *name)
{
	const struct option *lo;

	for (lo = longopts; lo->name; lo++)
		if (strcmp(lo->name, name) == 0)
			return lo;
	return NULL;
}

/* One "key = value" line of the settings file. */
static enum perr_code
config_line(struct options *o, char *line, const char *path, long n,
	    struct perr *e)
{
	char *eq = strchr(line, '='), *key, *val;
	const struct option *lo;

	if (eq == NULL)
		return perr_set(e, P_EUSAGE, "%s:%ld: expected 'option = "
				"value', found '%s'", path, n, line);
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	strip_comment(val);
	lo = find_long(key);
	if (lo == NULL || lo->val == O_CONFIG || lo->val == O_HELP ||
	    lo->val == O_VERSION)
		return perr_set(e, P_EUSAGE, "%s:%ld: unknown setting '%s'",
				path, n, key);
	if (seen_before(o, lo, n)) {
		return perr_set(e, P_EUSAGE, "%s:%ld: '%s' is set again (first "
				"on line %ld); only billing inputs repeat",
				path, n, key, o->set_line[lo - longopts]);
	}
	if (lo->has_arg == no_argument) {
		if (strcmp(val, "true") == 0)
			return apply(o, lo->val, NULL, e);
		if (strcmp(val, "false") == 0)
			return P_OK;
		return perr_set(e, P_EUSAGE, "%s:%ld: '%s' takes true or "
				"false, found '%s'", path, n, key, val);
	}
	if (o->nowned == (int)(sizeof(o->owned) / sizeof(o->owned[0])))
		return perr_set(e, P_EUSAGE, "%s:%ld: too many settings", path,
				n);
	if ((val = strdup(val)) == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	o->owned[o->nowned++] = val;
	if (apply(o, lo->val, val, e)) {
		perr_prefix(e, "%s:%ld", path, n);
		return e->code;
	}
	return P_OK;
}

static enum perr_code
read_config(struct options *o, const char *path, int must_exist,
	    struct perr *e)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	struct stat st;
	long n = 0;

	if (f == NULL) {
		if (!must_exist && errno == ENOENT)
			return P_OK;
		return perr_set(e, P_EUSAGE, "--config %s: %s", path,
				strerror(errno));
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return perr_set(e, P_EUSAGE, "--config %s: is a directory",
				path);
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line;

		if (++n == 1 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
			s += 3;	/* a byte order mark from an editor */
		s = trim(s);
		if (*s == '\0' || *s == '#')
			continue;
		if (config_line(o, s, path, n, e)) {
			fclose(f);
			return e->code;
		}
	}
	fclose(f);
	return P_OK;
}

/* The --config value, looked up before the full parse. */
static const char *
config_arg(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], "--config=", 9) == 0)
			return argv[i] + 9;
	}
	return NULL;
}

/* Only the settings file at PATH, into O (cleared first). */
enum perr_code
cli_read_settings(const char *path, struct options *o, struct perr *e)
{
	memset(o, 0, sizeof(*o));
	return read_config(o, path, 1, e);
}

void
cli_release(struct options *o)
{
	while (o->nowned > 0)
		free(o->owned[--o->nowned]);
}

enum perr_code
cli_parse(int argc, char **argv, struct options *o, struct perr *e)
{
	struct options cmd;
	const char *cfg = config_arg(argc, argv);
	int c;

	memset(o, 0, sizeof(*o));
	memset(&cmd, 0, sizeof(cmd));
	if (cfg == NULL && access("/etc/planner.conf", F_OK) == 0)
		cfg = "/etc/planner.conf";
	if (read_config(o, cfg ? cfg : "planner.conf", cfg != NULL, e))
		return e->code;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":qv", longopts, NULL)) != -1) {
		if (c == ':')
			return perr_set(e, P_EUSAGE, "option '%s' needs a "
					"value (try --help)", argv[optind - 1]);
		if (c == '?')
			return perr_set(e, P_EUSAGE, "unknown option '%s' (try "
					"--help)", argv[optind - 1]);
		if (apply(&cmd, c, optarg, e))
			return e->code;
	}
	if (optind < argc)
		return perr_set(e, P_EUSAGE, "unexpected argument '%s' (try "
				"--help)", argv[optind]);
	/* The command line wins, option by option. */
#define WIN(f) if (cmd.f) o->f = cmd.f
	WIN(db); WIN(vast_instances); WIN(gcp_instances); WIN(month);
	WIN(plan_json); WIN(pair_label); WIN(rate_cross); WIN(rate_same);
	WIN(rate_cross_micro); WIN(rate_same_micro);
	WIN(rate_card);
	WIN(keep_going); WIN(migrate); WIN(dry_run); WIN(help);
	WIN(version); WIN(verbosity); WIN(metrics_file); WIN(alert_webhook);
	WIN(log_format); WIN(vast_instances_glob); WIN(gcp_instances_glob);
	WIN(geoip); WIN(allow_regions); WIN(exclude_regions);
	WIN(project); WIN(api_endpoint); WIN(access_token_file);
	WIN(max_migrations); WIN(latency_threshold_ms); WIN(probe_via);
	WIN(probe_port); WIN(delete_source); WIN(allow_local_ssd);
#undef WIN
#define WIN_LIST(f) if (cmd.f.n) o->f = cmd.f
	WIN_LIST(gcp_billing); WIN_LIST(vast_billing);
	WIN_LIST(gcp_billing_glob); WIN_LIST(vast_billing_glob);
#undef WIN_LIST
	o->config = cfg;
	if (o->dry_run && !o->migrate)
		return perr_set(e, P_EUSAGE, "--dry-run applies to --migrate "
				"(try --help)");
	return P_OK;
}
