/*
 * figures.h - every figure of the monthly report, read from the
 * database.
 *
 * Owned by the report work.  figures_load() runs the report's queries
 * (sql/report_*.sql, compiled into the binary) for one month and keeps
 * the answers in a struct report_figures; the HTML, PDF, charts and
 * --json output are all drawn from that one struct, so they cannot
 * disagree with each other or with the queries.  This is the only part
 * of reports/ that talks SQL.
 *
 * Money is integer micro-dollars and data integer bytes, as stored.
 * Every string is a valid UTF-8 copy made by rtext_dup() (NULL where
 * the database holds NULL).
 *
 * Two journals other parts of planner keep are read when they exist:
 * table migration (completed moves: what has been realised) and table
 * latency_probe (measured round trips); without them the report says
 * there are none.
 *
 * Ownership: struct report_figures owns its arrays and strings;
 * figures_release() frees them.
 */
#ifndef PLANNER_FIGURES_H
#define PLANNER_FIGURES_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

/* The round-trip time a pair should stay under (mission.md). */
#define REPORT_LATENCY_GOAL_MS	20.0

/* The share of pairs meant to sit in their GPU's region, in
 * ten-thousandths (mission.md: 95 %). */
#define REPORT_HIT_RATE_GOAL_BP	9500

/* One month of the trend charts (report_months.sql). */
struct rf_month {
	char month[8];
	int has_plan;
	long pairs, cross, same, undetermined;
	int has_hit_rate;
	long hit_bp;			/* ten-thousandths */
	int64_t egress_bytes, cost_micro;
	int64_t projected_micro;	/* savings still open */
	int64_t realised_micro;		/* saved by completed moves */
};

/* Cross-region traffic of one region pair (report_region_pairs.sql);
 * the last row may add up the rest (other = 1, regions NULL). */
struct rf_region_pair {
	char *from_region, *to_region;	/* VM region, GPU region */
	int other;
	long region_pairs, pairs;
	int64_t egress_bytes, cost_micro, savings_micro;
};

/* Latency of one VM region over the month (report_latency.sql). */
struct rf_latency {
	char *region;
	long samples, lost;
	double median_ms, p95_ms;
};

/* A pair of the plan snapshot (report_pairs.sql, report_unpriced.sql;
 * the money is 0 for an unpriced pair). */
struct rf_pair {
	long long gpu_id;
	char *gpu_location;		/* NULL when unknown */
	char *best_region, *best_zone;	/* NULL when unmapped */
	char *method, *confidence;
	char *cpu_name, *cpu_zone, *cpu_region;
	char *egress_source;
	int64_t egress_bytes, cost_micro, cost_after_micro, savings_micro;
};

/* An unmapped location (report_unmapped.sql). */
struct rf_unmapped {
	char *location;
	long count;
	char *first_seen, *last_seen;
};

/* Identical alerts of the month, counted once (report_alerts.sql). */
struct rf_alert {
	char *kind, *subject, *message;
	long times;
	char *first_raised, *last_raised;
};

/* A migration completed in the month (report_migrations.sql). */
struct rf_migration {
	char *vm_name, *from_zone, *to_zone, *finished_at;
	int64_t savings_micro;
};

/* A line of the world map: from a GPU host to its VM's region. */
struct rf_link {
	double gpu_lat, gpu_lon, vm_lat, vm_lon;
	int cross;			/* 1 across regions, 0 within one */
	long pairs;
};

struct report_figures {
	char month[8];
	char generated_at[32];		/* ISO 8601 UTC */

	/* report_summary.sql */
	int has_plan;
	char plan_created_at[32];
	int64_t rate_cross_micro, rate_same_micro;	/* per GiB */
	long gpus, pairs, cross, same, undetermined;
	int has_hit_rate;
	long hit_bp;
	int64_t egress_bytes, cost_micro, cost_after_micro, savings_micro;
	char first_month[8];		/* "" when nothing is on record */
	long months_on_record;
	int64_t projected_since_micro;
	long src_gcp, src_vast, src_assumed;

	/* report_realised.sql (0 without the migration journal) */
	int has_migration_journal, has_latency_journal;
	int64_t realised_micro, realised_since_micro;

	struct rf_month *months;
	size_t nmonths;
	struct rf_region_pair *region_pairs;
	size_t nregion_pairs;
	struct rf_latency *latency;
	size_t nlatency;
	struct rf_pair *pairs_cross;	/* largest saving first */
	size_t npairs_cross;
	struct rf_pair *pairs_unpriced;
	size_t npairs_unpriced;
	struct rf_unmapped *unmapped;
	size_t nunmapped;
	struct rf_alert *alerts;
	size_t nalerts;
	struct rf_migration *migrations;
	size_t nmigrations;
	struct rf_link *links;
	size_t nlinks;
	long links_unplaced;		/* pairs with a known crossing that
					   the map cannot place */
};

/* The latest month with a plan snapshot into BUF (>= 8 bytes); P_EUSAGE
 * when the database holds none. */
enum perr_code figures_latest_month(struct store *s, char *buf, size_t n,
				    struct perr *e);

/* Load every figure of MONTH ("YYYY-MM", already validated) into F,
 * which the caller zeroed.  On failure F holds what was loaded so far;
 * figures_release() frees it either way. */
enum perr_code figures_load(struct store *s, const char *month,
			    struct report_figures *f, struct perr *e);

void figures_release(struct report_figures *f);

/* The figures as one JSON document (the --json output and the data
 * embedded in report.html).  '<', '>' and '&' are written as \u003c,
 * \u003e and \u0026, so the text can sit inside an HTML script
 * element.  Returns a heap string the caller frees, or NULL when memory
 * runs out. */
char *figures_json(const struct report_figures *f);

#endif
