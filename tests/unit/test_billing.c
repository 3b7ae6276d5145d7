/*
 * test_billing.c - the billing importers (billing_gcp.c, billing_vast.c)
 * through import_path into a real SQLite file, and their helpers
 * (billing.h, egress_sku.h): layouts, natural keys shared by the GCP
 * export and FOCUS, upserts by export_time, exact credits, currency and
 * units, egress SKUs, row errors (B16, B19) and keep_going.
 *
 * Data: tests/data/gcp_billing_excerpt.csv and focus_billing_excerpt.csv
 * hold the same seven rows of the synthetic samples in both formats; the
 * rest is written inline to a scratch directory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "billing.h"
#include "egress_sku.h"
#include "import.h"
#include "money.h"
#include "sha256.h"
#include "t.h"

static char scratch[256];
static char rejects[4096];

/* A path in the scratch directory. */
static const char *
path(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", scratch, name);
	return buf[i];
}

static const char *
data(const char *name)
{
	static char buf[512];
	const char *dir = getenv("TESTS_DIR");

	snprintf(buf, sizeof(buf), "%s/data/%s", dir ? dir : "tests", name);
	return buf;
}

static const char *
write_file(const char *name, const char *text)
{
	const char *p = path(name);
	FILE *f = fopen(p, "wb");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(p);
		exit(2);
	}
	return p;
}

static void
on_reject(void *ctx, const char *msg)
{
	(void)ctx;
	strncat(rejects, msg, sizeof(rejects) - strlen(rejects) - 2);
	strcat(rejects, "\n");
}

static void
open_db(struct store *s, const char *name)
{
	struct perr e;
	const char *p = path(name);

	unlink(p);
	if (store_open(s, p, &e) != P_OK) {
		fprintf(stderr, "%s\n", e.msg);
		exit(2);
	}
}

static enum perr_code
run(struct store *s, enum import_kind kind, const char *file, int keep,
    struct import_result *res, struct perr *e)
{
	struct import_opts o = { .keep_going = keep,
				 .pair_label_key = "paired-gpu",
				 .reject = on_reject };

	rejects[0] = '\0';
	e->msg[0] = '\0';
	return import_path(s, kind, file, &o, res, e);
}

static long long
q_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -999;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(s->db));
		return v;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The stored keys (billing_seen, billsink.c), one row each: h the hex
 * of the 128-bit hash, b the hour's entries, i the entry. */
#define SEEN_KEYS "WITH RECURSIVE k(b, i, n) AS (SELECT entries, 0, " \
	"length(entries) / 64 FROM billing_seen UNION ALL SELECT b, i + 1, " \
	"n FROM k WHERE i + 1 < n) SELECT lower(hex(substr(b, i * 64 + 1, " \
	"16))) AS h, b, i FROM k"

/* Entry I of the first stored hour: bytes 0-15 into H, the export time
 * (little-endian at 16) returned; -1 when there is no such entry. */
static int64_t
seen_entry(struct store *s, size_t i, unsigned char *h)
{
	sqlite3_stmt *st;
	const unsigned char *b;
	int64_t v = -1;
	int k;

	if (sqlite3_prepare_v2(s->db, "SELECT entries FROM billing_seen "
			       "ORDER BY hour", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (size_t)sqlite3_column_bytes(st, 0) >= (i + 1) * 64) {
		b = (const unsigned char *)sqlite3_column_blob(st, 0) + i * 64;
		memcpy(h, b, 16);
		for (v = 0, k = 7; k >= 0; k--)
			v = v << 8 | b[16 + k];
	}
	sqlite3_finalize(st);
	return v;
}

/* 1 when the natural key KEY (billing.h) is stored: its SHA-256,
 * computed here on its own, begins some entry. */
static int
key_seen(struct store *s, const char *key)
{
	struct sha256 c;
	char hex[65];
	sqlite3_stmt *st;
	int found = 0;

	sha256_init(&c);
	sha256_update(&c, key, strlen(key));
	sha256_final_hex(&c, hex);
	hex[32] = '\0';
	if (sqlite3_prepare_v2(s->db, "SELECT COUNT(*) FROM (" SEEN_KEYS
			       ") WHERE h = ?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		found = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return found;
}

static const char *
q_text(struct store *s, const char *sql)
{
	static char buf[8192];
	sqlite3_stmt *st;
	const unsigned char *t;

	strcpy(buf, "(none)");
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sqlite3_errmsg(s->db);
	if (sqlite3_step(st) == SQLITE_ROW) {
		t = sqlite3_column_text(st, 0);
		snprintf(buf, sizeof(buf), "%s", t ? (const char *)t : "NULL");
	}
	sqlite3_finalize(st);
	return buf;
}

/* ---- the sample excerpts -------------------------------------------- */

#define W02 "//compute.googleapis.com/projects/acme-gpu-orchestration/" \
	"zones/us-central1-b/instances/1461355347999167323"

static void
test_export_excerpt(void)
{
	struct import_result res;
	struct store s;
	struct perr e;

	open_db(&s, "export.db");
	CHECK_INT(run(&s, IMPORT_GCP_BILLING, data("gcp_billing_excerpt.csv"),
		      0, &res, &e), P_OK);
	CHECK_STR(res.format, "gcp-export");
	CHECK_INT(res.rows_read, 7);
	CHECK_INT(res.rows_new, 7);
	CHECK_INT(q_int(&s, "SELECT cost_micro FROM billing_usage WHERE "
			"sku_desc = 'Analysis'"), 10096664);
	CHECK_INT(q_int(&s, "SELECT credits_micro FROM billing_usage WHERE "
			"sku_desc = 'Analysis'"), -6250000);
	CHECK_INT(q_int(&s, "SELECT credits_micro FROM billing_usage WHERE "
			"sku_desc LIKE 'N2 Instance Core%'"), -606931);
	CHECK_INT(key_seen(&s, "01A2B3-C4D5E6-F7A8B9|"
		  "EBC3-8EE5-467E|acme-gpu-orchestration|" W02 "|1748736000|"
		  "1748822400|env=prod,paired-gpu=21304576,team=training"), 1);
	CHECK_INT(q_int(&s, "SELECT COUNT(*) FROM billing_seen"), 1);
	CHECK_INT(q_int(&s, "SELECT hour * 3600 FROM billing_seen"),
		  1748736000);
	CHECK_STR(q_text(&s, "SELECT egress_kind || ' ' || egress_bytes || "
			 "' ' || vm_instance_id || ' ' || month || ' ' || rows "
			 "FROM billing_usage WHERE sku_id = 'EBC3-8EE5-467E' "
			 "AND resource_name = 'cpu-worker-02'"), "internet "
		  "295679370885 1461355347999167323 2025-06 1");
	CHECK_STR(q_text(&s, "SELECT group_concat(ifnull(egress_kind, '-'), "
			 "' ') FROM (SELECT egress_kind FROM billing_usage "
			 "ORDER BY id)"),
		  "- - internet inter-region - - internet");
	CHECK_INT(q_int(&s, "SELECT SUM(egress_bytes) FROM billing_usage WHERE "
			"vm_instance_id = '1461355347999167323'"),
		  295679370885LL + 77098233864LL);
	CHECK_INT(q_int(&s, "SELECT SUM(egress_bytes) FROM billing_usage WHERE "
			"egress_kind IS NULL"), 0);
	CHECK_INT(q_int(&s, "SELECT COUNT(*) FROM billing_usage WHERE "
			"vm_instance_id IS NULL AND resource_global LIKE "
			"'//storage%'"), 1);

	/* the same file again adds nothing */
	CHECK_INT(run(&s, IMPORT_GCP_BILLING, data("gcp_billing_excerpt.csv"),
		      0, &res, &e), P_OK);
	CHECK_INT(res.rows_new, 0);
	CHECK_INT(q_int(&s, "SELECT SUM(rows) FROM billing_usage"), 7);
	CHECK_INT(q_int(&s, "SELECT COUNT(*) FROM (" SEEN_KEYS ")"), 7);
	store_close(&s);
}

/* The same usage rows as FOCUS give the same keys, egress and net cost. */
static void
test_focus_matches_export(void)
{
	static const char keys[] = "SELECT group_concat(h, ';') FROM ("
		SEEN_KEYS " ORDER BY h)";
	static const char vms[] = "SELECT group_concat(v, ';') FROM (SELECT "
		"ifnull(vm_instance_id, '') || ':' || SUM(egress_bytes) || ':' "
		"|| SUM(rows) AS v FROM billing_usage GROUP BY vm_instance_id "
		"ORDER BY v)";
	static const char net[] = "SELECT SUM(cost_micro + credits_micro) "
		"FROM billing_usage";
	struct import_result res;
	struct store g, f;
	struct perr e;
	char gk[8192];

	open_db(&g, "g.db");
	open_db(&f, "f.db");
	run(&g, IMPORT_GCP_BILLING, data("gcp_billing_excerpt.csv"), 0, &res,
	    &e);
	CHECK_INT(run(&f, IMPORT_GCP_BILLING,
		      data("focus_billing_excerpt.csv"), 0, &res, &e), P_OK);
	CHECK_STR(res.format, "focus");
	CHECK_INT(res.rows_new, 7);
	snprintf(gk, sizeof(gk), "%s", q_text(&g, keys));
	CHECK_STR(q_text(&f, keys), gk);
	snprintf(gk, sizeof(gk), "%s", q_text(&g, vms));
	CHECK_STR(q_text(&f, vms), gk);
	CHECK_INT(q_int(&f, net), q_int(&g, net));
	CHECK_INT(q_int(&f, "SELECT SUM(rows) FROM billing_usage WHERE "
			"source = 'focus'"), 7);

	/* FOCUS has no export_time, so it never replaces an export row */
	CHECK_INT(run(&g, IMPORT_GCP_BILLING,
		      data("focus_billing_excerpt.csv"), 0, &res, &e), P_OK);
	CHECK_INT(res.rows_new, 0);
	CHECK_INT(q_int(&g, "SELECT SUM(rows) FROM billing_usage WHERE "
			"source = 'gcp-export'"), 7);
	CHECK_INT(q_int(&g, "SELECT SUM(rows) FROM billing_usage"), 7);
	store_close(&g);
	store_close(&f);
}

/* ---- inline GCP export files ------------------------------------- */

#define EXPORT_HEAD "billing_account_id,sku.id,sku.description," \
	"usage_start_time,usage_end_time,project.id,labels,export_time,cost," \
	"currency,currency_conversion_rate,credits,usage.amount,usage.unit," \
	"usage.amount_in_pricing_units,usage.pricing_unit,resource.name," \
	"resource.global_name\n"
#define EGRESS_SKU "Network Internet Egress from Americas to EMEA"
#define ROW_PRE "A1,S1," EGRESS_SKU ",2025-06-01T00:00:00Z," \
	"2025-06-01T01:00:00Z,p1,\"[{\"\"key\"\":\"\"k\"\",\"\"value\"\":" \
	"\"\"v\"\"}]\","
#define ROW_POST ",bytes,,,vm1,//c/projects/p1/zones/z/instances/42\n"

static void
test_upsert_by_export_time(void)
{
	static const char *const steps[][3] = {
		/* export_time, cost, rows_new */
		{ "2025-06-02 10:00:00.5 UTC", "1.0", "1" },
		{ "2025-06-02 10:00:00.500001 UTC", "2.0", "1" },
		{ "2025-06-02T10:00:00.5Z", "3.0", "0" },	/* older */
		{ "", "4.0", "0" },				/* unknown */
	};
	struct import_result res;
	struct store s;
	struct perr e;
	char text[1024];
	size_t i;

	open_db(&s, "upsert.db");
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		snprintf(text, sizeof(text), EXPORT_HEAD ROW_PRE "%s,%s,USD,"
			 "1.0,[],1000" ROW_POST, steps[i][0], steps[i][1]);
		CHECK_INT(run(&s, IMPORT_GCP_BILLING, write_file("u.csv", text),
			      0, &res, &e), P_OK);
		CHECK_INT(res.rows_new, atoi(steps[i][2]));
	}
	CHECK_INT(q_int(&s, "SELECT SUM(rows) FROM billing_usage"), 1);
	CHECK_INT(q_int(&s, "SELECT COUNT(*) FROM billing_usage"), 1);
	CHECK_INT(q_int(&s, "SELECT cost_micro FROM billing_usage"), 2000000);
	{
		unsigned char h[16];

		/* 2025-06-02T10:00:00.500001Z */
		CHECK_INT(seen_entry(&s, 0, h), 1748858400500001LL);
		CHECK_INT(seen_entry(&s, 1, h), -1);
	}
	CHECK_STR(q_text(&s, "SELECT vm_instance_id || egress_kind || "
			 "egress_bytes FROM billing_usage"), "42internet1000");
	store_close(&s);
}

static void
test_currency(void)
{
	struct import_result res;
	struct store s;
	struct perr e;

	open_db(&s, "eur.db");
	CHECK_INT(run(&s, IMPORT_GCP_BILLING, write_file("eur.csv",
		      EXPORT_HEAD ROW_PRE "2025-06-02 00:00:00 UTC,92,EUR,0.92,"
		      "\"[{\"\"amount\"\":-9.2}]\",1.5E9" ROW_POST), 0, &res,
		      &e), P_OK);
	CHECK_INT(q_int(&s, "SELECT cost_micro FROM billing_usage"), 100000000);
	CHECK_INT(q_int(&s, "SELECT credits_micro FROM billing_usage"),
		  -10000000);
	CHECK_STR(q_text(&s, "SELECT currency FROM billing_usage"), "EUR");
	CHECK_INT(q_int(&s, "SELECT egress_bytes FROM billing_usage"),
		  1500000000);

	CHECK_INT(run(&s, IMPORT_GCP_BILLING, write_file("eur2.csv",
		      EXPORT_HEAD ROW_PRE "2025-06-03 00:00:00 UTC,92,EUR,,[],1"
		      ROW_POST), 0, &res, &e), P_EPARSE);
	CHECK(strstr(e.msg, "eur2.csv:2: field 'currency_conversion_rate': "
		     "expected the rate to USD of a non-USD cost") != NULL);
	store_close(&s);
}

/* B16: formatted numbers are refused with the row and column; under
 * keep_going the row is reported and skipped. */
static void
test_b16(void)
{
	static const char file[] = EXPORT_HEAD
		ROW_PRE "2025-06-02 00:00:00 UTC,\"1,234.56\",USD,1,[],1"
		ROW_POST
		ROW_PRE "2025-06-02 00:00:00 UTC,1234.56,USD,1,[],2" ROW_POST
		ROW_PRE "2025-06-02 00:00:00 UTC,\"1234,56\",USD,1,[],3"
		ROW_POST;
	struct import_result res;
	struct store s;
	struct perr e;
	const char *p = write_file("b16.csv", file);

	open_db(&s, "b16.db");
	CHECK_INT(run(&s, IMPORT_GCP_BILLING, p, 0, &res, &e), P_EPARSE);
	CHECK(strstr(e.msg, "b16.csv:2: field 'cost': expected a decimal "
		     "number, found '1,234.56' (thousands separator)") != NULL);
	CHECK_INT(q_int(&s, "SELECT COUNT(*) FROM billing_usage"), 0);
	CHECK_INT(q_int(&s, "SELECT COUNT(*) FROM billing_seen"), 0);

	CHECK_INT(run(&s, IMPORT_GCP_BILLING, p, 1, &res, &e), P_OK);
	CHECK_INT(res.rows_read, 3);
	CHECK_INT(res.rows_new, 1);
	CHECK_INT(res.rows_rejected, 2);
	CHECK(strstr(rejects, "b16.csv:4: field 'cost': expected a decimal "
		     "number, found '1234,56' (decimal comma)") != NULL);
	CHECK_INT(q_int(&s, "SELECT cost_micro FROM billing_usage"),
		  1234560000);
	store_close(&s);
}

static void
test_egress_units(void)
{
	static const char file[] = EXPORT_HEAD
		"A,S,Network Inter Region Data Transfer Out from Americas to "
		"Dallas,2025-06-01,2025-06-02,p,[],,0,USD,,[],,,2.5,gibibyte,"
		"vm,\n"
		"A,S2,Network Internet Data Transfer Out from Americas to APAC,"
		"2025-06-01,2025-06-02,p,[],,0,USD,,[],,,1,tebibyte,vm,\n"
		"A,S3,Network Internet Egress from Americas to APAC,2025-06-01,"
		"2025-06-02,p,[],,0,USD,,[],5,hour,,,vm,\n";
	struct import_result res;
	struct store s;
	struct perr e;

	open_db(&s, "units.db");
	CHECK_INT(run(&s, IMPORT_GCP_BILLING, write_file("units.csv", file),
		      1, &res, &e), P_OK);
	CHECK_INT(q_int(&s, "SELECT egress_bytes FROM billing_usage WHERE "
			"egress_kind = 'inter-region'"), 2684354560LL);
	CHECK_INT(q_int(&s, "SELECT egress_bytes FROM billing_usage WHERE "
			"egress_kind = 'internet'"), 1099511627776LL);
	CHECK_INT(res.rows_rejected, 1);
	CHECK(strstr(rejects, "units.csv:4: field 'usage.unit': expected a "
		     "data unit") != NULL);
	CHECK(strstr(rejects, "found 'hour'") != NULL);
	store_close(&s);
}

/* ---- layouts ------------------------------------------------------ */

#define TABLE_HEAD "Billing account name,Billing account ID,Project name," \
	"Project ID,Service description,Service ID,SKU description,SKU ID," \
	"Credit type,Cost type,Usage start date,Usage end date,Usage amount," \
	"Usage unit,Unrounded Cost ($),Cost ($)\n"

static void
test_cost_table(void)
{
	static const char file[] = "\xEF\xBB\xBFInvoice number,5000123456,\r\n"
		"Currency,USD,\r\nTotal amount due,\"$1,000.00\",\r\n"
		TABLE_HEAD
		"Acme,A1,GPU,gpu-proj,Compute Engine,6F81,Network Internet "
		"Data Transfer Out from Americas to Americas,EBC3,,Usage,"
		"2025-06-01,2025-06-30,\"1,000.50\",gibibyte,120.060000,"
		"120.06\r\n"
		"Acme,A1,GPU,gpu-proj,Compute Engine,6F81,N2 Instance Core,"
		"052E,,Usage,2025-06-01,2025-06-30,\"45,792.00\",hour,"
		"\"$1,447.530912\",\"1,447.53\"\r\n"
		"Acme,A1,GPU,gpu-proj,Compute Engine,6F81,N2 Instance Core,"
		"052E,Sustained usage discount,Credit,2025-06-01,2025-06-30,0,"
		"hour,-200.5,-200.50\r\n"
		",,,,,,,,,Rounding error,,,,,0.000000,0.00\r\n"
		",,,,,,,,,Total,,,,,1367.090912,1367.09\r\n";
	struct import_result res;
	struct store s;
	struct perr e;
	const char *p = write_file("table.csv", file);

	open_db(&s, "table.db");
	CHECK_INT(run(&s, IMPORT_GCP_BILLING, p, 0, &res, &e), P_OK);
	CHECK_STR(res.format, "cost-table");
	CHECK(res.note != NULL && strstr(res.note, "per project") != NULL);
	CHECK_INT(res.rows_read, 3);
	CHECK_INT(res.rows_new, 3);
	CHECK_INT(q_int(&s, "SELECT SUM(rows) FROM billing_usage WHERE "
			"source = 'cost-table' AND resource_name IS NULL AND "
			"resource_global IS NULL AND month = '2025-06'"), 3);
	CHECK_INT(key_seen(&s, "A1|052E|gpu-proj||1748736000|1751328000|"
			   "|ct=credit|cr=sustained usage discount"), 1);
	CHECK_INT(q_int(&s, "SELECT egress_bytes FROM billing_usage WHERE "
			"egress_kind = 'internet'"), 1074278694912LL);
	CHECK_INT(q_int(&s, "SELECT SUM(cost_micro) FROM billing_usage"),
		  120060000 + 1447530912);
	CHECK_INT(q_int(&s, "SELECT SUM(credits_micro) FROM billing_usage"),
		  -200500000);
	CHECK_INT(run(&s, IMPORT_GCP_BILLING, p, 0, &res, &e), P_OK);
	CHECK_INT(res.rows_new, 0);

	CHECK_INT(run(&s, IMPORT_GCP_BILLING, write_file("eurtable.csv",
		      "Currency,EUR,\n" TABLE_HEAD), 0, &res, &e), P_EPARSE);
	CHECK(strstr(e.msg, "expected a USD cost table") != NULL);
	store_close(&s);
}

static void
test_refused(void)
{
	struct import_result res;
	struct store s;
	struct perr e;

	open_db(&s, "refused.db");
	/* the B15 file is a billing CSV of no known layout */
	CHECK_INT(run(&s, IMPORT_GCP_BILLING, write_file("b15.csv",
		      "\xEF\xBB\xBF" "Billing account ID,Service,Cost\nA1,"
		      "Compute Engine,10.00\n"), 0, &res, &e), P_EPARSE);
	CHECK(strstr(e.msg, "b15.csv:1: not a GCP billing CSV") != NULL);
	CHECK(strstr(e.msg, "FOCUS") != NULL);
	CHECK(strstr(e.msg, "cost table") != NULL);
	CHECK(strstr(e.msg, "found a record starting 'Billing account ID'")
	      != NULL);

	CHECK_INT(run(&s, IMPORT_GCP_BILLING, write_file("empty.csv", ""), 0,
		      &res, &e), P_EPARSE);
	CHECK(strstr(e.msg, "empty.csv: the file is empty") != NULL);

	CHECK_INT(run(&s, IMPORT_GCP_BILLING, write_file("nolabels.csv",
		      "billing_account_id,sku.id,sku.description,"
		      "usage_start_time,usage_end_time,project.id,export_time,"
		      "cost,currency\n"), 0, &res, &e), P_EPARSE);
	CHECK(strstr(e.msg, "nolabels.csv:1: no column 'labels' in the "
		     "header; the header has 9: 'billing_account_id', ")
	      != NULL);
	CHECK_INT(q_int(&s, "SELECT COUNT(*) FROM import_file"), 0);
	store_close(&s);
}

/* B19 in a billing file, a repeated header, and FOCUS strictness. */
static void
test_rows(void)
{
	static const char file[] = EXPORT_HEAD
		ROW_PRE "2025-06-02 00:00:00 UTC,1,USD,1,[],1" ROW_POST
		EXPORT_HEAD
		ROW_PRE "2025-06-02 00:00:00 UTC,1,USD,1,[],1,extra" ROW_POST;
	static const char focus[] = "BillingAccountId,SubAccountId,SkuId,"
		"ChargeDescription,ChargePeriodStart,ChargePeriodEnd,"
		"BilledCost,BillingCurrency,Tags\n"
		"A,p,S,Compute,2025-06-01T00:00:00Z,2025-06-01T01:00:00Z,"
		"1E+5,USD,\n"
		"A,p,S,Compute,2025-06-01T00:00:00Z,2025-06-01T01:00:00Z,"
		"1,EUR,\n"
		"A,p,S,Compute,2025-06-01T01:00:00Z,2025-06-01T00:00:00Z,"
		"1,USD,\n"
		"A,p,S,Compute,2025-06-01T00:00:00Z,2025-06-01T01:00:00Z,"
		"35.2E-7,USD,\"{\"\"b\"\":\"\"2\"\",\"\"a\"\":true}\"\n";
	struct import_result res;
	struct store s;
	struct perr e;

	open_db(&s, "rows.db");
	CHECK_INT(run(&s, IMPORT_GCP_BILLING, write_file("b19.csv", file), 1,
		      &res, &e), P_OK);
	CHECK_INT(res.rows_read, 2);
	CHECK_INT(res.rows_new, 1);
	CHECK(strstr(rejects, "b19.csv:4: expected 18 fields as in the header "
		     "(line 1), found 19") != NULL);

	CHECK_INT(run(&s, IMPORT_GCP_BILLING, write_file("focus.csv", focus),
		      1, &res, &e), P_OK);
	CHECK_INT(res.rows_rejected, 3);
	CHECK(strstr(rejects, "focus.csv:2: field 'BilledCost': expected a "
		     "decimal number, found '1E+5' ('+' in exponent)") != NULL);
	CHECK(strstr(rejects, "focus.csv:3: field 'BillingCurrency': "
		     "expected USD") != NULL);
	CHECK(strstr(rejects, "focus.csv:4: field 'ChargePeriodEnd': "
		     "expected a time not before the usage start") != NULL);
	CHECK_INT(q_int(&s, "SELECT cost_micro FROM billing_usage WHERE "
			"source = 'focus'"), 4);
	CHECK_INT(key_seen(&s, "A|S|p||1748736000|1748739600|a=true,b=2"), 1);
	store_close(&s);
}

/* ---- the parallel reader against the one-thread reader ----------- */

static enum perr_code
run_readers(struct store *s, const char *file, int serial, int readers,
	    int keep, struct import_result *res, struct perr *e)
{
	struct import_opts o = { .keep_going = keep,
				 .pair_label_key = "paired-gpu",
				 .reject = on_reject, .serial = serial,
				 .readers = readers };

	rejects[0] = '\0';
	e->msg[0] = '\0';
	return import_path(s, IMPORT_GCP_BILLING, file, &o, res, e);
}

static void
digest_rows(struct store *s, struct sha256 *c, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sha256_update(c, "?", 1);
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		sha256_update(c, t, (size_t)sqlite3_column_bytes(st, 0));
		sha256_update(c, "\n", 1);
	}
	sqlite3_finalize(st);
}

/* Each stored entry as text, its total's id replaced by the total's
 * month and key. */
static void
digest_entries(struct store *s, struct sha256 *c)
{
	sqlite3_stmt *st, *key;
	char text[128];
	int k;

	if (sqlite3_prepare_v2(s->db, "SELECT hour, entries FROM "
			       "billing_seen ORDER BY hour", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "SELECT month || usage_key FROM "
			       "billing_usage WHERE id = ?1", -1, &key,
			       NULL) != SQLITE_OK) {
		sha256_update(c, "?", 1);
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *b = sqlite3_column_blob(st, 1);
		size_t i, n = (size_t)sqlite3_column_bytes(st, 1) / 64;

		for (i = 0; i < n; i++, b += 64) {
			int64_t v[7];
			int j;

			for (j = 0; j < 7; j++)
				for (v[j] = 0, k = 7; k >= 0; k--)
					v[j] = (int64_t)((uint64_t)v[j] << 8 |
							 b[j * 8 + k]);
			snprintf(text, sizeof(text), "%lld %016llx%016llx "
				 "%lld %lld %lld %lld ",
				 (long long)sqlite3_column_int64(st, 0),
				 (unsigned long long)v[0],
				 (unsigned long long)v[1], (long long)v[2],
				 (long long)v[4], (long long)v[5],
				 (long long)v[6]);
			sha256_update(c, text, strlen(text));
			sqlite3_bind_int64(key, 1, v[3]);
			if (sqlite3_step(key) == SQLITE_ROW)
				sha256_update(c, sqlite3_column_text(key, 0),
					      (size_t)sqlite3_column_bytes(key,
									   0));
			else
				sha256_update(c, "(no total)", 10);
			sqlite3_reset(key);
			sha256_update(c, "\n", 1);
		}
	}
	sqlite3_finalize(key);
	sqlite3_finalize(st);
}

/* What billing holds, free of row ids (which depend on the order the
 * readers met the totals): each total by its key, each stored entry
 * with the key of its total in place of the id. */
static void
billing_digest(struct store *s, char hex[65])
{
	struct sha256 c;

	sha256_init(&c);
	digest_rows(s, &c, "SELECT month || '|' || usage_key || '|' || rows "
		    "|| '|' || cost_micro || '|' || credits_micro || '|' || "
		    "egress_bytes FROM billing_usage ORDER BY month, "
		    "usage_key");
	digest_entries(s, &c);
	sha256_final_hex(&c, hex);
}

/* FILE through both readers (the parallel one with READERS threads)
 * into fresh databases: the same result, the same counts. */
static void
both_readers(const char *file, int readers, int keep, int want_reread)
{
	struct import_result ra, rb;
	struct store a, b;
	struct perr ea, eb;
	char ha[65], hb[65], rej[sizeof(rejects)];
	enum perr_code ca, cb;

	open_db(&a, "serial.db");
	open_db(&b, "parallel.db");
	ca = run_readers(&a, file, 1, 0, keep, &ra, &ea);
	snprintf(rej, sizeof(rej), "%s", rejects);
	cb = run_readers(&b, file, 0, readers, keep, &rb, &eb);
	CHECK_INT(cb, ca);
	CHECK_STR(eb.msg, ea.msg);
	CHECK_STR(rejects, rej);
	CHECK_INT(rb.rows_read, ra.rows_read);
	CHECK_INT(rb.rows_new, ra.rows_new);
	CHECK_INT(rb.rows_rejected, ra.rows_rejected);
	CHECK_INT(rb.reread, want_reread);
	billing_digest(&a, ha);
	billing_digest(&b, hb);
	CHECK_STR(hb, ha);
	store_close(&a);
	store_close(&b);
}

/* The whole of file NAME into F. */
static void
copy_into(FILE *f, const char *name, int skip_header)
{
	char line[65536];
	FILE *in = fopen(name, "rb");
	int first = 1;

	if (in == NULL) {
		perror(name);
		exit(2);
	}
	while (fgets(line, sizeof(line), in)) {
		if (!(first && skip_header))
			fputs(line, f);
		first = 0;
	}
	fclose(in);
}

static void
test_readers(void)
{
	char demo[512], big[512], odd[512];
	const char *top = getenv("TESTS_DIR");
	struct import_result res;
	struct store s;
	struct perr e;
	FILE *f;
	int i, k;

	snprintf(demo, sizeof(demo), "%s/../data/demo/gcp_billing.csv",
		 top ? top : "tests");
	both_readers(data("gcp_billing_excerpt.csv"), 1, 0, 0);
	both_readers(data("focus_billing_excerpt.csv"), 2, 0, 0);
	both_readers(data("variants/gcp_cost_table_console.csv"), 2, 0, 0);
	both_readers(data("variants/gcp_billing_bom_crlf_reexport.csv"), 3,
		     0, 0);
	for (k = 1; k <= 4; k++)
		both_readers(demo, k, 0, 0);

	/* The demo three times: every row is met by two readers at once,
	 * and the first in the file wins. */
	snprintf(big, sizeof(big), "%s", path("big.csv"));
	f = fopen(big, "wb");
	for (i = 0; i < 3; i++)
		copy_into(f, demo, i > 0);
	fclose(f);
	both_readers(big, 2, 0, 0);
	both_readers(big, 5, 0, 0);

	/* Concatenated exports: the header again inside, skipped. */
	f = fopen(big, "wb");
	for (i = 0; i < 3; i++)
		copy_into(f, demo, 0);
	fclose(f);
	both_readers(big, 3, 0, 0);

	/* A quoted field with line breaks across the cut: the part before
	 * it does not end on a record end, and the file is read again. */
	snprintf(odd, sizeof(odd), "%s", path("odd.csv"));
	f = fopen(odd, "wb");
	fputs(EXPORT_HEAD, f);
	for (i = 0; i < 200; i++)
		fprintf(f, "A1,S%d,Core,2025-06-01T00:00:00Z,"
			"2025-06-01T01:00:00Z,p1,[],2025-06-02T00:00:00Z,1.5,"
			"USD,1.0,[],1,hour,1,hour,vm%d,\n", i, i);
	fputs("A1,S,\"a description\n", f);
	for (i = 0; i < 400; i++)
		fprintf(f, "spread over line %d\n", i);
	fputs("end\",2025-06-01T00:00:00Z,2025-06-01T01:00:00Z,p1,[],"
	      "2025-06-02T00:00:00Z,2,USD,1.0,[],1,hour,1,hour,vm,\n", f);
	for (i = 0; i < 200; i++)
		fprintf(f, "A1,T%d,Core,2025-06-01T00:00:00Z,"
			"2025-06-01T01:00:00Z,p1,[],2025-06-02T00:00:00Z,1.5,"
			"USD,1.0,[],1,hour,1,hour,vm%d,\n", i, i);
	fclose(f);
	both_readers(odd, 2, 0, 1);

	/* One key twice, with the same export time, in two parts: the
	 * first in the file stays (cost 1.5, not 9). */
	f = fopen(odd, "wb");
	fputs(EXPORT_HEAD, f);
	for (i = 0; i < 300; i++)
		fprintf(f, "A1,%s%d,Core,2025-06-01T00:00:00Z,"
			"2025-06-01T01:00:00Z,p1,[],2025-06-02T00:00:00Z,%s,"
			"USD,1.0,[],1,hour,1,hour,vm,\n", i % 299 ? "S" : "X",
			i % 299, i ? "9" : "1.5");
	fclose(f);
	both_readers(odd, 2, 0, 0);
	open_db(&s, "ties.db");
	CHECK_INT(run_readers(&s, odd, 0, 2, 0, &res, &e), P_OK);
	CHECK_INT(res.rows_new, 299);
	CHECK_INT(q_int(&s, "SELECT cost_micro FROM billing_usage WHERE "
			"sku_id = 'X0'"), 1500000);
	store_close(&s);

	/* A bad row late in the file: the same refusal, or the same
	 * rejects under keep_going, with line numbers. */
	f = fopen(big, "ab");
	fputs("01A2B3-C4D5E6-F7A8B9,x\n", f);
	fclose(f);
	both_readers(big, 2, 0, 1);
	both_readers(big, 2, 1, 1);
}

/* ---- the sink ------------------------------------------------------ */

/* One key twice with one export time, merged in two flushes with the
 * later row of the file first (as two readers may): the earlier row
 * still stays, as when the rows are read one after the other. */
static void
test_sink_order(void)
{
	enum { FILL = 70000 };	/* past SINK_RECS: the hour is merged */
	struct bill_col col[BU_NCOLS];
	struct bill_rec r, *fill = calloc(FILL, sizeof(*fill));
	struct bill_sink *k = NULL;
	struct store s;
	struct perr e;
	long long changed = 0;
	int64_t id = 0;
	size_t i;

	open_db(&s, "order.db");
	memset(col, 0, sizeof(col));
	col[BU_SOURCE].s = "gcp-export";
	col[BU_SOURCE].n = 10;
	memset(&r, 0, sizeof(r));
	CHECK(fill != NULL && store_begin(&s, &e) == P_OK &&
	      bill_sink_open(&k, &s, &e) == P_OK &&
	      bill_sink_usage(k, "2025-06|x", 9, col, &id, &e) == P_OK);
	r.h[0] = 1;
	r.hour = 1748736000 / 3600;
	r.export_us = 5;
	r.usage = id;
	r.cost = 9000000;
	r.order = BILL_ORDER(1, 7, 0);		/* a later piece */
	CHECK_INT(bill_sink_put(k, &r, 1, &e), P_OK);
	for (i = 0; fill && i < FILL; i++) {
		fill[i].h[0] = i + 10;
		fill[i].hour = r.hour + 1;
		fill[i].usage = id;
		fill[i].cost = 1;
		fill[i].order = BILL_ORDER(1, 8, i);
	}
	CHECK_INT(bill_sink_put(k, fill, FILL, &e), P_OK);
	r.cost = 1500000;
	r.order = BILL_ORDER(1, 0, 5);		/* earlier in the file */
	CHECK_INT(bill_sink_put(k, &r, 1, &e), P_OK);
	CHECK_INT(bill_sink_finish(k, &changed, &e), P_OK);
	CHECK_INT(store_commit(&s, &e), P_OK);
	CHECK_INT(changed, FILL + 2);
	CHECK_INT(q_int(&s, "SELECT cost_micro FROM billing_usage"),
		  1500000 + FILL);
	CHECK_INT(q_int(&s, "SELECT rows FROM billing_usage"), FILL + 1);
	bill_sink_free(k);
	free(fill);
	store_close(&s);
}

/* ---- helpers ------------------------------------------------------ */

static int64_t
credits(const char *json, int *ok)
{
	struct csvin_field f = { json, strlen(json) };
	const char *why;
	int64_t v = -777;

	*ok = bill_credits(&f, &v, &why) == 0;
	return v;
}

#define CREDITS(j, want) do {						\
	int c_ok; int64_t c_v = credits(j, &c_ok);			\
	CHECK(c_ok); CHECK_INT(c_v, want);				\
} while (0)

static void
test_credits(void)
{
	int ok;

	CREDITS("", 0);
	CREDITS("[]", 0);
	CREDITS("[{\"amount\":-0.650803}]", -650803);
	/* a double would give -1.000000499... and round to -1.000000 */
	CREDITS("[{\"amount\":-1.0000005}]", -1000001);
	CREDITS("[{\"amount\":-0.1},{\"name\":\"amount\",\"amount\":-0.2}]",
		-300000);
	CREDITS("[{\"amount\":-1, \"x\":{\"amount\":5}, \"s\":\"\\\"amount"
		"\\\":9\"}]", -1000000);
	CREDITS(" [ { \"amount\" : 1e-6 } ] ", 1);
	credits("[{\"amount\":\"-1\"}]", &ok);
	CHECK(!ok);
	credits("[{\"amo\\u0075nt\":-1}]", &ok);
	CHECK(!ok);
	credits("[{\"amount\":-1}", &ok);
	CHECK(!ok);
	credits("{\"amount\":-1}", &ok);
	CHECK(!ok);

	/* The usual shape, read without cJSON: the same answers. */
	CREDITS("[{\"name\":\"Sustained usage discount\",\"amount\":-0.61,"
		"\"full_name\":\"x\",\"id\":\"y\",\"type\":\"SUD\"}]", -610000);
	CREDITS("[ {\"amount\": -1e-6 , \"n\": \"\"} , {\"amount\":2} ]\n",
		1999999);
	credits("[{\"amount\":1,\"amount\":2}]", &ok);	/* twice */
	CHECK(!ok);
	credits("[{\"name\":\"x\"}]", &ok);		/* none */
	CHECK(!ok);
	credits("[{\"amount\":\"1\"}]", &ok);		/* a string */
	CHECK(!ok);
	/* Outside the usual shape cJSON decides, as it always did: it
	 * takes a leading zero and ignores text after the list. */
	CREDITS("[{\"amount\":01}]", 1000000);
	CREDITS("[{\"amount\":-1}]]", -1000000);
	CREDITS("[{\"amount\":-1,\"x\":{\"y\":[true]}}]", -1000000);
	CREDITS("[{\"n\":\"a\\\"b\",\"amount\":3}]", 3000000);
}

static void
test_labels(void)
{
	struct bill_ctx b;
	const char *why;
	struct csvin_field f;

	memset(&b, 0, sizeof(b));
	f.s = "[{\"key\":\"b\",\"value\":\"x,y\"},{\"key\":\"a\",\"value\":"
	    "\"1=2|%\"},{\"key\":\"a\",\"value\":\"0\"},{\"key\":\"c\"}]";
	f.n = strlen(f.s);
	CHECK_INT(bill_labels(&b, &f, 1, &why), 0);
	b.labels.p[b.labels.n] = '\0';
	CHECK_STR(b.labels.p, "a=0,a=1%3D2%7C%25,b=x%2Cy,c=");
	f.s = "{\"b\":\"x,y\",\"a\":\"1=2|%\",\"c\":null,\"d\":1.5}";
	f.n = strlen(f.s);
	CHECK_INT(bill_labels(&b, &f, 0, &why), 0);
	b.labels.p[b.labels.n] = '\0';
	CHECK_STR(b.labels.p, "a=1%3D2%7C%25,b=x%2Cy,c=,d=1.5");
	f.s = "{\"a\":[1]}";
	f.n = strlen(f.s);
	CHECK_INT(bill_labels(&b, &f, 0, &why), -1);
	f.s = "[{\"k\":\"a\"}]";
	f.n = strlen(f.s);
	CHECK_INT(bill_labels(&b, &f, 1, &why), -1);
	f.s = "";
	f.n = 0;
	CHECK_INT(bill_labels(&b, &f, 1, &why), 0);
	CHECK_INT(b.labels.n, 0);
	/* from the cache of cells read before, the same result */
	f.s = "[{\"key\":\"b\",\"value\":\"x,y\"},{\"key\":\"a\",\"value\":"
	    "\"1=2|%\"},{\"key\":\"a\",\"value\":\"0\"},{\"key\":\"c\"}]";
	f.n = strlen(f.s);
	CHECK_INT(bill_labels(&b, &f, 1, &why), 0);
	b.labels.p[b.labels.n] = '\0';
	CHECK_STR(b.labels.p, "a=0,a=1%3D2%7C%25,b=x%2Cy,c=");
	free(b.labels.p);
	free(b.label_cache);
}

static void
test_numbers(void)
{
	const char *why;
	char t[32];
	int64_t v;

	CHECK_INT(bill_norm_time("2025-06-02 03:32:21.018546 UTC", 30, t), 0);
	CHECK_STR(t, "2025-06-02T03:32:21.018546Z");
	CHECK_INT(bill_norm_time("2025-06-02T03:32:21Z", 20, t), 0);
	CHECK_STR(t, "2025-06-02T03:32:21.000000Z");
	CHECK_INT(bill_norm_time("2025-06-02T01:32:21.1234567+02:00", 33, t),
		  0);
	CHECK_STR(t, "2025-06-01T23:32:21.123456Z");
	CHECK_INT(bill_norm_time("1970-01-01 00:00:01.5", 21, t), 0);
	CHECK_STR(t, "1970-01-01T00:00:01.500000Z");
	CHECK_INT(bill_norm_time("1969-12-31 23:59:59.5", 21, t), -1);
	CHECK_INT(bill_norm_time("9999-12-31 00:00:00 UTC", 23, t), -1);
	CHECK_INT(bill_norm_time("yesterday", 9, t), -1);

	CHECK_INT(bill_to_usd(92000000, 920000000, 9, &v), 0);
	CHECK_INT(v, 100000000);
	CHECK_INT(bill_to_usd(-1, 2000000000, 9, &v), 0);	/* -0.5 */
	CHECK_INT(v, -1);
	CHECK_INT(bill_to_usd(1, 0, 9, &v), -1);
	CHECK_INT(bill_units_to_bytes("3.019399849", 11, 0, 30, &v, &why), 0);
	CHECK_INT(v, 3242055901LL);
	CHECK_INT(bill_units_to_bytes("4.4928E17", 9, 0, 0, &v, &why), 0);
	CHECK_INT(v, 449280000000000000LL);
	CHECK_INT(bill_units_to_bytes("10000000", 8, 0, 30, &v, &why), 0);
	CHECK_INT(v, 10737418240000000LL);
	CHECK_INT(bill_units_to_bytes("1e10", 4, 0, 30, &v, &why), -1);

	/* dec_parse names what it found (money.c) */
	CHECK_INT(dec_parse("1,234.56", 8, 6, DEC_STRICT, &v, &why), -1);
	CHECK_STR(why, "thousands separator");
	CHECK_INT(dec_parse("1,5", 3, 6, DEC_STRICT, &v, &why), -1);
	CHECK_STR(why, "decimal comma");
	CHECK_INT(dec_parse("1.234,56", 8, 6, DEC_STRICT, &v, &why), -1);
	CHECK_STR(why, "decimal comma");
	CHECK_INT(dec_parse("1.234,56", 8, 6, DEC_THOUSANDS, &v, &why), -1);
	CHECK_STR(why, "decimal comma");
}

static void
test_egress_skus(void)
{
	static const char *const yes[][2] = {
		{ "Network Internet Data Transfer Out from Americas to China",
		  "internet" },
		{ "Network Internet Egress from Americas to Americas",
		  "internet" },
		{ "Network Inter Region Data Transfer Out from Americas to "
		  "Salt Lake City", "inter-region" },
		{ "Network Inter Region Egress from Netherlands to Hong Kong",
		  "inter-region" },
	};
	static const char *const no[] = {
		"Network Inter Region Data Transfer In from Dallas to Americas",
		"Network Internet Data Transfer In from APAC to Americas",
		"Network Inter Zone Egress", "Network Inter Zone Ingress",
		"Network Vpn Internet Data Transfer Out from Americas to China",
		"Network Internet Data Transfer Out from  to X",
		"network internet egress from a to b",
	};
	struct egress_skus t;
	struct perr e;
	size_t i;

	CHECK_INT(egress_skus_load(&t, &e), P_OK);
	CHECK(t.n >= 4);
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		CHECK_STR(egress_skus_match(&t, yes[i][0], strlen(yes[i][0])),
			  yes[i][1]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		CHECK(egress_skus_match(&t, no[i], strlen(no[i])) == NULL);
	egress_skus_release(&t);

	CHECK(egress_glob("a*", 2, "ab", 2));
	CHECK(!egress_glob("a*", 2, "a", 1));	/* one or more */
	CHECK(egress_glob("*b*d", 4, "abcbcd", 6));
	CHECK(!egress_glob("*b*d", 4, "abcbc", 5));
	CHECK_INT(egress_skus_parse(&t, "x.tsv", "# c\ninternet\tA *\n",
				    16, &e), P_OK);
	CHECK_INT(t.n, 1);
	egress_skus_release(&t);
	CHECK_INT(egress_skus_parse(&t, "x.tsv", "# c\negress\tA *\n", 14,
				    &e), P_EDATA);
	CHECK(strstr(e.msg, "x.tsv:2:") != NULL);
}

/* ---- Vast --------------------------------------------------------- */

#define VAST_HEAD "start,end,type,source,description,amount," \
	"metadata.label,metadata.template_id,item.type,item.start,item.end," \
	"item.source,item.description,item.amount\r\n"
#define VAST_C1 "1748736000,1751327999,instance,instance-21320756,Instance " \
	"21320756 Charges - 30 days,\"$8,754.899\",\"eval, \"\"nightly\"\"\",,"

static void
test_vast(void)
{
	static const char file[] = "\xEF\xBB\xBF" VAST_HEAD
		VAST_C1 "gpu,1748736000,1751327999,,720.000 hours at "
		"$12.030/hour,\"$8,661.525\"\r\n"
		VAST_C1 "bwd,1748736000,1751327999,,\"1,909.460 GB at "
		"$0.0100/GB\",$19.095\r\n"
		VAST_C1 "disk,1748736000,1751327999,,flat fee,74.279\r\n"
		"1748754000,1751327999,volume,volume-3301457,Volume 3301457 "
		"Charges - 30 days,21.600,,,disk,1748754000,1751327999,,"
		"719.000 hours at $0.0300/hour,21.600\r\n"
		"1,2,instance,instance-x,d,1,,,gpu,1,2,,d,1\r\n"
		"1,2,rental,instance-7,d,1,,,gpu,1,2,,d,1\r\n";
	struct import_result res;
	struct store s;
	struct perr e;
	const char *p = write_file("vast.csv", file);

	open_db(&s, "vast.db");
	CHECK_INT(run(&s, IMPORT_VAST_BILLING, p, 0, &res, &e), P_EPARSE);
	CHECK(strstr(e.msg, "vast.csv:6: field 'source': expected "
		     "'instance-' and a positive instance id, found "
		     "'instance-x'") != NULL);
	CHECK_INT(run(&s, IMPORT_VAST_BILLING, p, 1, &res, &e), P_OK);
	CHECK_STR(res.format, "vast-charges");
	CHECK(res.note != NULL && strstr(res.note, "volume") != NULL);
	CHECK_INT(res.rows_read, 6);
	CHECK_INT(res.rows_new, 3);
	CHECK_INT(res.rows_rejected, 2);
	CHECK(strstr(rejects, "vast.csv:7: field 'type': expected instance, "
		     "volume or serverless, found 'rental'") != NULL);
	CHECK_INT(q_int(&s, "SELECT SUM(amount_micro) FROM vast_charge"),
		  8661525000LL + 19095000 + 74279000);
	CHECK_STR(q_text(&s, "SELECT quantity_milli || ' ' || quantity_unit "
			 "|| ' ' || label FROM vast_charge WHERE item_type = "
			 "'bwd'"), "1909460 GB eval, \"nightly\"");
	CHECK_INT(q_int(&s, "SELECT quantity_milli FROM vast_charge WHERE "
			"item_type = 'gpu'"), 720000);
	CHECK_INT(q_int(&s, "SELECT COUNT(*) FROM vast_charge WHERE "
			"item_type = 'disk' AND quantity_milli IS NULL AND "
			"instance_id = 21320756"), 1);
	CHECK_INT(q_int(&s, "SELECT COUNT(*) FROM vast_charge WHERE "
			"instance_id = 3301457"), 0);
	CHECK_INT(run(&s, IMPORT_VAST_BILLING, p, 1, &res, &e), P_OK);
	CHECK_INT(res.rows_new, 0);

	CHECK_INT(run(&s, IMPORT_VAST_BILLING, data("gcp_billing_excerpt.csv"),
		      0, &res, &e), P_EPARSE);
	CHECK(strstr(e.msg, "not a Vast.ai charges CSV") != NULL);
	store_close(&s);
}

static void
cleanup(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", scratch);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(scratch, sizeof(scratch), "%s/test_billing.XXXXXX",
		 tmp ? tmp : "/tmp");
	if (mkdtemp(scratch) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	T_RUN(test_export_excerpt);
	T_RUN(test_focus_matches_export);
	T_RUN(test_upsert_by_export_time);
	T_RUN(test_currency);
	T_RUN(test_b16);
	T_RUN(test_egress_units);
	T_RUN(test_cost_table);
	T_RUN(test_refused);
	T_RUN(test_rows);
	T_RUN(test_credits);
	T_RUN(test_labels);
	T_RUN(test_numbers);
	T_RUN(test_egress_skus);
	T_RUN(test_vast);
	T_RUN(test_readers);
	T_RUN(test_sink_order);
	cleanup();
	return T_DONE();
}
