/*
 * genbill.c - a large GCP detailed billing export (CSV), for the benchmark.
 *
 * usage: genbill MEGABYTES VMS > billing.csv
 *
 * Writes the header of data/demo/gcp_billing.csv, then hourly rows from
 * 2025-06-01 00:00 UTC until the output reaches MEGABYTES x 10^6 bytes:
 * for each hour and each of VMS virtual machines (cpu-worker-00000 ...,
 * the names and ids bench/geninv.py gives the GCP inventory), the rows a
 * real export has for a VM: its cores and RAM, its internet data
 * transfer out (to its GPU host), for one VM in three inter-region
 * transfer out and in, and for one in four its balanced persistent disk;
 * each hour ends with a few project-level rows (storage, BigQuery, a
 * static IP).  Names, zones, machine types, labels, volumes, prices and
 * export times vary deterministically (the same arguments give the same
 * file), and every row is a distinct natural key.  The file must fit in
 * June: it refuses when MEGABYTES needs more VM-hours than VMS x 720.
 *
 * Every value is what planner accepts: exact decimals, timestamps as
 * BigQuery prints them, labels and credits as JSON in quoted cells.
 */
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2025-06-01T00:00:00Z and the hours of June. */
#define JUNE_START	1748736000LL
#define JUNE_HOURS	720

struct zone {
	const char *region, *zone, *word, *country, *dest;
};

/* Most VMs sit in the default region, as in the mission. */
static const struct zone zones[] = {
	{ "us-central1", "us-central1-a", "Americas", "US", "Americas" },
	{ "us-central1", "us-central1-b", "Americas", "US", "Americas" },
	{ "us-central1", "us-central1-c", "Americas", "US", "Americas" },
	{ "us-central1", "us-central1-f", "Americas", "US", "Americas" },
	{ "us-central1", "us-central1-b", "Americas", "US", "EMEA" },
	{ "us-east4", "us-east4-a", "Virginia", "US", "Americas" },
	{ "us-south1", "us-south1-b", "Dallas", "US", "Americas" },
	{ "northamerica-northeast1", "northamerica-northeast1-a",
	  "Montreal", "CA", "Americas" },
	{ "europe-west4", "europe-west4-b", "Netherlands", "NL", "EMEA" },
	{ "asia-northeast1", "asia-northeast1-c", "Japan", "JP", "APAC" },
};

#define NZONES	(sizeof(zones) / sizeof(zones[0]))

struct vm {
	char name[24], id[24], gpu[16];
	const struct zone *z;
	const char *family, *spec, *team;
	int cores, mem_gib;
	int n2;		/* earns a sustained use discount */
};

static const char header[] = "billing_account_id,service.id,"
	"service.description,sku.id,sku.description,usage_start_time,"
	"usage_end_time,project.id,project.number,project.name,"
	"project.labels,project.ancestry_numbers,labels,system_labels,"
	"location.location,location.country,location.region,location.zone,"
	"resource.name,resource.global_name,export_time,cost,currency,"
	"currency_conversion_rate,usage.amount,usage.unit,"
	"usage.amount_in_pricing_units,usage.pricing_unit,credits,"
	"invoice.month,cost_type,cost_at_list\n";

static const char account[] = "01A2B3-C4D5E6-F7A8B9";
static const char project[] = "acme-gpu-orchestration,412233445566,"
	"GPU Orchestration,[],/998877665544/412233445566/";
static const char compute[] = "6F81-5844-456A,Compute Engine";

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static long long written;	/* bytes written to stdout */

/* printf to stdout, counting the bytes (stdout may be a pipe). */
static void __attribute__((format(printf, 1, 2)))
emit(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	if (n > 0)
		written += n;
}

/* splitmix64: small, fast, and the same sequence on every machine. */
static uint64_t
rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* A SKU id shaped like GCP's (XXXX-XXXX-XXXX) from its description. */
static void
sku_id(const char *desc, char out[16])
{
	uint64_t h = 1469598103934665603ULL;

	for (; *desc; desc++)
		h = (h ^ (unsigned char)*desc) * 1099511628211ULL;
	snprintf(out, 16, "%04X-%04X-%04X", (unsigned)(h >> 48),
		 (unsigned)(h >> 32) & 0xFFFF, (unsigned)(h >> 16) & 0xFFFF);
}

/* Unix time T as BigQuery prints a TIMESTAMP, with USEC when >= 0. */
static void
stamp(long long t, long usec, char *out, size_t n)
{
	long long d = t / 86400, s = t % 86400;
	int day = (int)(d - JUNE_START / 86400), mon = 6;

	/* Only June and the first days of July occur. */
	if (day >= 30) {
		day -= 30;
		mon = 7;
	}
	if (usec >= 0)
		snprintf(out, n, "2025-%02d-%02d %02lld:%02lld:%02lld.%06ld "
			 "UTC", mon, day + 1, s / 3600, s / 60 % 60, s % 60,
			 usec);
	else
		snprintf(out, n, "2025-%02d-%02d %02lld:%02lld:%02lld UTC", mon,
			 day + 1, s / 3600, s / 60 % 60, s % 60);
}

/* Micro-units V as a decimal with six places, trailing zeros cut. */
static void
micros(long long v, char *out, size_t n)
{
	int len = snprintf(out, n, "%lld.%06lld", v / 1000000, v % 1000000);

	while (len > 3 && out[len - 1] == '0' && out[len - 2] != '.')
		out[--len] = '\0';
}

static void
make_vm(struct vm *v, int i)
{
	static const char *teams[] = { "training", "inference", "eval" };

	snprintf(v->name, sizeof(v->name), "cpu-worker-%05d", i);
	snprintf(v->id, sizeof(v->id), "%llu",
		 4000000000000000000ULL + (unsigned long long)i * 7919ULL);
	snprintf(v->gpu, sizeof(v->gpu), "%d", 30000000 + i);
	v->z = &zones[(unsigned)i * 7 % NZONES];
	v->n2 = i % 3 == 1;
	v->family = v->n2 ? "N2" : "E2";
	v->spec = v->n2 ? "n2-highmem-4" : "e2-standard-4";
	v->cores = 4;
	v->mem_gib = v->n2 ? 32 : 16;
	v->team = teams[i % 3];
}

/* The row's first columns: account, service, SKU, usage interval. */
static void
row_start(const char *service, const char *desc, long long t,
	  long long len)
{
	char id[16], a[40], b[40];

	sku_id(desc, id);
	stamp(t, -1, a, sizeof(a));
	stamp(t + len, -1, b, sizeof(b));
	emit("%s,%s,%s,%s,%s,%s,%s,", account, service, id, desc, a, b,
		project);
}

/* The labels, location and resource columns of a row of VM V. */
static void
row_vm(const struct vm *v, const char *sys, int zonal)
{
	emit("\"[{\"\"key\"\":\"\"env\"\",\"\"value\"\":\"\"prod\"\"},"
		"{\"\"key\"\":\"\"team\"\",\"\"value\"\":\"\"%s\"\"},"
		"{\"\"key\"\":\"\"paired-gpu\"\",\"\"value\"\":\"\"%s\"\"}]\","
		"%s,%s,%s,%s,%s,%s,//compute.googleapis.com/projects/"
		"acme-gpu-orchestration/zones/%s/instances/%s,", v->team,
		v->gpu, sys, zonal ? v->z->zone : v->z->region, v->z->country,
		v->z->region, zonal ? v->z->zone : "", v->name, v->z->zone,
		v->id);
}

/* Export time, cost, currency and usage: the columns after resource. */
static void
row_money(long long t, long long cost_micro, const char *amount,
	  const char *unit, const char *pamount, const char *punit,
	  long long credit_micro)
{
	char et[48], cost[32], cr[32];

	stamp(t + 3600 + (long long)(rnd() % 30000), (long)(rnd() % 1000000),
	      et, sizeof(et));
	micros(cost_micro, cost, sizeof(cost));
	emit("%s,%s,USD,1.0,%s,%s,%s,%s,", et, cost, amount, unit,
		pamount, punit);
	if (credit_micro == 0)
		emit("%s", "[]");
	else {
		micros(credit_micro, cr, sizeof(cr));
		emit("\"[{\"\"name\"\":\"\"Sustained usage discount\"\","
		     "\"\"amount\"\":-%s,\"\"full_name\"\":\"\"\"\","
		     "\"\"id\"\":\"\"\"\",\"\"type\"\":"
		     "\"\"SUSTAINED_USAGE_DISCOUNT\"\"}]\"", cr);
	}
	emit(",202506,regular,%s\n", cost);
}

/* Bytes as GiB with nine places, as the export prints pricing units. */
static void
gib(long long bytes, char *out, size_t n)
{
	long long nano = (long long)((__int128)bytes * 1000000000 >> 30);

	snprintf(out, n, "%lld.%09lld", nano / 1000000000, nano % 1000000000);
}

static void
core_ram(const struct vm *v, long long t)
{
	char desc[96], sys[320], amt[32], pam[32];
	long long cost;

	snprintf(sys, sizeof(sys), "\"[{\"\"key\"\":\"\"compute.googleapis.com/"
		 "cores\"\",\"\"value\"\":\"\"%d\"\"},{\"\"key\"\":\"\"compute."
		 "googleapis.com/machine_spec\"\",\"\"value\"\":\"\"%s\"\"},"
		 "{\"\"key\"\":\"\"compute.googleapis.com/memory\"\",\"\"value"
		 "\"\":\"\"%d\"\"}]\"", v->cores, v->spec, v->mem_gib * 1024);
	snprintf(desc, sizeof(desc), "%s Instance Core running in %s",
		 v->family, v->z->word);
	row_start(compute, desc, t, 3600);
	row_vm(v, sys, 1);
	cost = v->cores * (v->n2 ? 31611 : 21811);
	snprintf(amt, sizeof(amt), "%d", v->cores * 3600);
	snprintf(pam, sizeof(pam), "%d", v->cores);
	row_money(t, cost, amt, "seconds", pam, "hour",
		  v->n2 ? cost / 5 : 0);

	snprintf(desc, sizeof(desc), "%s Instance Ram running in %s",
		 v->family, v->z->word);
	row_start(compute, desc, t, 3600);
	row_vm(v, sys, 1);
	cost = v->mem_gib * (v->n2 ? 4237 : 2923);
	snprintf(amt, sizeof(amt), "%lld", (long long)v->mem_gib * 3600LL <<
		 30);
	snprintf(pam, sizeof(pam), "%d", v->mem_gib);
	row_money(t, cost, amt, "byte-seconds", pam, "gibibyte hour",
		  v->n2 ? cost / 5 : 0);
}

/* One data transfer row of BYTES at PRICE micro-dollars per GiB. */
static void
transfer(const struct vm *v, long long t, const char *desc,
	 long long bytes, long long price)
{
	char amt[32], pam[32];

	row_start(compute, desc, t, 3600);
	row_vm(v, "[]", 0);
	snprintf(amt, sizeof(amt), "%lld", bytes);
	gib(bytes, pam, sizeof(pam));
	row_money(t, (long long)((__int128)bytes * price >> 30), amt,
		  "bytes", pam, "gibibyte", 0);
}

static void
vm_hour(const struct vm *v, int i, long long t)
{
	char desc[128];
	long long bytes = (long long)(rnd() % (8LL << 30)) + (1LL << 30);

	core_ram(v, t);
	snprintf(desc, sizeof(desc), "Network Internet Data Transfer Out "
		 "from %s to %s", v->z->word, v->z->dest);
	transfer(v, t, desc, bytes, 120000);
	if (i % 3 == 0) {
		bytes = (long long)(rnd() % (2LL << 30));
		snprintf(desc, sizeof(desc), "Network Inter Region Data "
			 "Transfer Out from %s to Dallas", v->z->word);
		transfer(v, t, desc, bytes, 10000);
		snprintf(desc, sizeof(desc), "Network Inter Region Data "
			 "Transfer In from Dallas to %s", v->z->word);
		transfer(v, t, desc, bytes / 3, 0);
	}
	if (i % 4 == 0) {
		row_start(compute, "Balanced PD Capacity", t, 3600);
		row_vm(v, "[]", 1);
		row_money(t, 13699, "773094113280000", "byte-seconds",
			  "0.273972603", "gibibyte month", 0);
	}
}

/* Rows with no VM: a bucket, a query, a static address. */
static void
project_hour(long long t)
{
	row_start("95FF-2EF5-5EA1,Cloud Storage",
		  "Standard Storage US Multi-region", t, 3600);
	emit("%s", "\"[{\"\"key\"\":\"\"dataset\"\",\"\"value\"\":"
	     "\"\"checkpoints\"\"}]\",[],us,US,us,,projects/_/buckets/"
	     "acme-ckpt-us,//storage.googleapis.com/projects/_/buckets/"
	     "acme-ckpt-us,");
	row_money(t, 172486, "18720000000000000", "byte-seconds",
		  "6.634078614", "gibibyte month", 0);
	row_start("24E6-581D-38E5,BigQuery", "Analysis", t, 3600);
	emit("%s", "[],[],us,US,us,,,,");
	row_money(t, 420694, "74009330466", "bytes", "0.067311094",
		  "tebibyte", 0);
	row_start(compute, "Static Ip Charge", t, 3600);
	emit("%s", "[],[],us-central1,US,us-central1,,,,");
	row_money(t, 5000, "3600", "seconds", "1", "hour", 0);
}

int
main(int argc, char **argv)
{
	long long target, hour;
	struct vm *vms;
	char *end;
	long nvm, i;

	if (argc != 3 || (target = strtoll(argv[1], &end, 10)) <= 0 || *end ||
	    (nvm = strtol(argv[2], &end, 10)) <= 0 || *end) {
		fprintf(stderr, "usage: genbill MEGABYTES VMS > billing.csv\n");
		return 2;
	}
	target *= 1000000;
	if ((vms = calloc((size_t)nvm, sizeof(*vms))) == NULL)
		return 1;
	for (i = 0; i < nvm; i++)
		make_vm(&vms[i], (int)i);
	emit("%s", header);
	for (hour = 0; written < target; hour++) {
		long long t = JUNE_START + hour * 3600;

		if (hour == JUNE_HOURS) {
			fprintf(stderr, "genbill: %ld VMs do not fill %lld MB "
				"in June; give more VMs\n", nvm,
				target / 1000000);
			return 1;
		}
		for (i = 0; i < nvm && written < target; i++)
			vm_hour(&vms[i], (int)i, t);
		project_hour(t);
	}
	free(vms);
	return fflush(stdout) != 0 || ferror(stdout);
}
