/*
 * test_report_figures.c - the report's figures from a database built
 * here: the summary, the trend with its gaps, region pairs past ten,
 * the journals read only when they exist, median and p95 by nearest
 * rank, input strings made valid UTF-8, and the JSON of it all.
 */
#include <stdlib.h>
#include <unistd.h>

#include "figures.h"
#include "t.h"

static char path[64];
static struct store S;

static void
sql(const char *q)
{
	char *err = NULL;

	if (sqlite3_exec(S.db, q, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "sql: %s: %s\n", q, err);
		t_fail++;
	}
	sqlite3_free(err);
}

/* A month's snapshot: PAIRS pairs, CROSS crossing, UND undetermined,
 * SAVE dollars of savings. */
static void
plan_month(const char *month, int pairs, int cross, int und, int save)
{
	char q[512];

	snprintf(q, sizeof(q), "INSERT INTO plan_run VALUES ('%s', "
		 "'2025-07-01T00:00:00Z', 10000, 0, %d, %d, %d, %d, %lld, "
		 "%lld, 0, %lld)", month, pairs + 2, pairs, cross, und,
		 (long long)save * 100 * 1073741824LL,
		 (long long)save * 1000000, (long long)save * 1000000);
	sql(q);
}

/* A crossing pair of MONTH from region FROM to TO saving SAVE dollars. */
static void
pair(const char *month, const char *vm, const char *from, const char *to,
     int save)
{
	char q[700];

	snprintf(q, sizeof(q), "INSERT INTO plan_pair VALUES ('%s', '%s', "
		 "'%s-a', 1, 'Somewhere, XX', '%s', '%s-b', 'city', 1.0, "
		 "'high', '%s', 1, %lld, 'gcp-billing', %lld, 0, %lld)",
		 month, vm, from, to, to, from,
		 (long long)save * 100 * 1073741824LL,
		 (long long)save * 1000000, (long long)save * 1000000);
	sql(q);
}

static void
load(const char *month, struct report_figures *f)
{
	struct perr e = { P_OK, "" };

	memset(f, 0, sizeof(*f));
	CHECK_INT(figures_load(&S, month, f, &e), P_OK);
	if (e.code)
		fprintf(stderr, "figures_load: %s\n", e.msg);
}

static void
test_summary(void)
{
	struct report_figures f;

	plan_month("2025-04", 10, 8, 1, 80);
	plan_month("2025-06", 10, 4, 2, 40);
	load("2025-06", &f);
	CHECK(f.has_plan);
	CHECK_INT(f.pairs, 10);
	CHECK_INT(f.cross, 4);
	CHECK_INT(f.same, 4);
	CHECK_INT(f.undetermined, 2);
	CHECK_INT(f.hit_bp, 5000);		/* 4 of 8 priced */
	CHECK_INT(f.savings_micro, 40000000);
	CHECK_STR(f.first_month, "2025-04");
	CHECK_INT(f.months_on_record, 2);
	CHECK_INT(f.projected_since_micro, 120000000);
	CHECK_INT(f.rate_cross_micro, 10000);
	/* the trend: April, May (no plan), June */
	CHECK_INT(f.nmonths, 3);
	CHECK_STR(f.months[1].month, "2025-05");
	CHECK(!f.months[1].has_plan && !f.months[1].has_hit_rate);
	CHECK_INT(f.months[0].hit_bp, 1111);	/* 1 of 9, rounded */
	CHECK_INT(f.months[2].projected_micro, 40000000);
	/* empty journals (the wave's schema makes the tables): nothing
	 * realised, no migrations, no latency */
	CHECK(f.has_migration_journal && f.has_latency_journal);
	CHECK_INT(f.realised_micro, 0);
	CHECK_INT(f.nmigrations, 0);
	CHECK_INT(f.nlatency, 0);
	figures_release(&f);

	load("2025-08", &f);			/* a month without a plan */
	CHECK(!f.has_plan);
	CHECK_INT(f.nmonths, 5);		/* April .. August */
	CHECK_INT(f.projected_since_micro, 120000000);
	figures_release(&f);

	load("2027-01", &f);			/* nothing in 12 months */
	CHECK_INT(f.nmonths, 0);
	figures_release(&f);
}

static void
test_region_pairs(void)
{
	struct report_figures f;
	char vm[32], to[32];
	int i;

	for (i = 0; i < 40; i++) {
		snprintf(vm, sizeof(vm), "vm-%02d", i);
		snprintf(to, sizeof(to), "region-%02d", i);
		pair("2025-06", vm, "us-central1", to, 100 + i);
	}
	load("2025-06", &f);
	CHECK_INT(f.nregion_pairs, 11);
	CHECK_STR(f.region_pairs[0].to_region, "region-39");
	CHECK_INT(f.region_pairs[0].cost_micro, 139000000);
	CHECK(f.region_pairs[10].other);
	CHECK(f.region_pairs[10].from_region == NULL);
	CHECK_INT(f.region_pairs[10].region_pairs, 30);
	CHECK_INT(f.region_pairs[10].cost_micro,
		  (30 * 100 + 29 * 30 / 2) * 1000000LL);
	CHECK_INT(f.npairs_cross, 40);
	CHECK_STR(f.pairs_cross[0].cpu_name, "vm-39");	/* largest first */
	CHECK_INT(f.pairs_cross[39].savings_micro, 100000000);
	figures_release(&f);
}

static void
test_journals(void)
{
	struct report_figures f;

	/* The wave's journal (sql/005_migrate.sql), as it writes it. */
#define MIG "INSERT INTO migration(uid, project, vm_name, from_zone, " \
	"from_region, gpu_id, best_region, best_zone, image_name, to_zone, " \
	"state, started_at, finished_at, savings_micro) VALUES "
	sql(MIG "('u1', 'p', 'a', 'us-central1-a', 'us-central1', 1, "
	    "'us-east1', 'us-east1-b', 'i1', 'us-east1-b', 'done', "
	    "'2025-04-20T09:00:00Z', '2025-04-20T10:00:00Z', 5000000), "
	    "('u2', 'p', 'b', 'us-central1-a', 'us-central1', 2, "
	    "'us-east1', 'us-east1-b', 'i2', 'us-east1-b', 'done', "
	    "'2025-06-02T09:00:00Z', '2025-06-02T10:00:00Z', 7000000), "
	    "('u3', 'p', 'c', 'us-central1-a', 'us-central1', 3, "
	    "'us-east1', 'us-east1-b', 'i3', 'us-east1-b', 'failed', "
	    "'2025-05-02T09:00:00Z', '2025-05-02T10:00:00Z', 9000000)");
#undef MIG
	sql("INSERT INTO latency_probe(region, vantage, rtt_ms, measured_at) "
	    "VALUES ('r1', 'ssh', 5, '2025-06-01'), "
	    "('r1', 'ssh', 1, '2025-06-01'), ('r1', 'ssh', 3, '2025-06-02'), "
	    "('r1', 'ssh', 2, '2025-06-03'), ('r1', 'ssh', NULL, '2025-06-03'),"
	    " ('r1', 'ssh', 100, '2025-05-03'), ('r2', 'ssh', 30, "
	    "'2025-06-09')");
	load("2025-06", &f);
	CHECK(f.has_migration_journal && f.has_latency_journal);
	/* a move counts from the month after it: April's in May and June */
	CHECK_INT(f.realised_micro, 5000000);
	CHECK_INT(f.realised_since_micro, 5000000);	/* June (no May plan) */
	CHECK_INT(f.months[0].realised_micro, 0);
	CHECK_INT(f.months[1].realised_micro, 5000000);
	CHECK_INT(f.nmigrations, 1);
	CHECK_STR(f.migrations[0].vm_name, "b");
	CHECK_INT(f.nlatency, 2);
	CHECK_STR(f.latency[0].region, "r2");		/* highest p95 first */
	CHECK_STR(f.latency[1].region, "r1");
	CHECK_INT(f.latency[1].samples, 4);
	CHECK_INT(f.latency[1].lost, 1);
	CHECK(f.latency[1].median_ms == 2.5);		/* (2 + 3) / 2 */
	CHECK(f.latency[1].p95_ms == 5);		/* 4th of 4 */
	figures_release(&f);
}

static void
test_strings(void)
{
	struct report_figures f;
	char *json;

	/* invalid UTF-8 and a control byte in a name and a location */
	sql("INSERT INTO plan_pair VALUES ('2025-06', "
	    "CAST(X'766DFF2D3C623E0A' AS TEXT), 'z-a', 7, "
	    "CAST(X'C328' AS TEXT), 'r', 'r-b', 'city', 1.0, 'high', 'z', 1, "
	    "1, 'gcp-billing', 999000000, 0, 999000000)");
	sql("INSERT INTO unmapped_location VALUES "
	    "('</script><img src=x onerror=alert(1)>', 2, 'a', 'b')");
	load("2025-06", &f);
	CHECK_STR(f.pairs_cross[0].cpu_name, "vm\xef\xbf\xbd-<b> ");
	CHECK_STR(f.pairs_cross[0].gpu_location, "\xef\xbf\xbd(");
	json = figures_json(&f);
	CHECK(json != NULL);
	CHECK(json && strchr(json, '<') == NULL && strchr(json, '>') == NULL);
	CHECK(json && strstr(json, "\\u003c/script\\u003e\\u003cimg") != NULL);
	CHECK(json && strstr(json, "vm\xef\xbf\xbd-\\u003cb\\u003e ") != NULL);
	free(json);
	figures_release(&f);
}

static void
test_latest_month(void)
{
	struct perr e = { P_OK, "" };
	char m[8];

	CHECK_INT(figures_latest_month(&S, m, sizeof(m), &e), P_OK);
	CHECK_STR(m, "2025-06");
	sql("DELETE FROM plan_run");
	CHECK_INT(figures_latest_month(&S, m, sizeof(m), &e), P_EUSAGE);
}

int
main(void)
{
	struct perr e = { P_OK, "" };

	snprintf(path, sizeof(path), "/tmp/test_report_figures.%ld.db",
		 (long)getpid());
	unlink(path);
	if (store_open(&S, path, &e) != P_OK) {
		fprintf(stderr, "store_open: %s\n", e.msg);
		return 1;
	}
	T_RUN(test_summary);
	T_RUN(test_region_pairs);
	T_RUN(test_journals);
	T_RUN(test_strings);
	T_RUN(test_latest_month);
	store_close(&S);
	unlink(path);
	return T_DONE();
}
