/*
 * migrate.h - the cleanup wave: move the worst cross-region CPU VMs into
 * their GPU's region through the GCP API, safely and resumably.
 *
 * A wave first finishes the moves an earlier run left open, then takes
 * the month's cross-region pairs of high or medium confidence, largest
 * saving first, up to max_migrations.  One move:
 *
 *   1. read the source VM; refuse it if it has a local SSD (unless
 *      allowed), or cannot be probed from where the probe runs;
 *   2. make a machine image of it (global/machineImages; adopted if it
 *      exists from an earlier run);
 *   3. try the candidates in order: the zones of the GPU's best region
 *      (its best zone first, then the others from the region catalog),
 *      then the regions within MIGRATE_ADJACENT_MS of it by measured
 *      RTT, nearest first (regions.h).  For each region: regions.get
 *      quotas must leave room for the VM's vCPUs; for each zone:
 *      zones.list must not say DOWN; the new VM NAME-REGION is looked up
 *      and adopted when it carries this move's label, else created from
 *      the image with the same machine type and labels.  Errors skip
 *      the zone (capacity, unknown codes), the region (regional quota)
 *      or stop the wave (project-wide quota), per gcp_classify();
 *   4. measure GPU host -> new VM latency (probe.h); above the
 *      threshold, or too lossy: alert, delete the new VM, and go on
 *      with the next region;
 *   5. only then: put the pairing label on the new VM, take it off the
 *      old one (which gets planner-moved-to=NEW), stop the old VM, and
 *      delete it if asked.
 *
 * Every step is journaled (migjournal.h) before it is taken and after,
 * every write carries a request id derived from the move's random uid
 * and the step (reqid.h), and every create is preceded by a lookup, so a
 * run killed at any point and started again finishes the move without a
 * second VM and without touching the old VM before validation.
 *
 * Dry run: the GET calls are made, every call (reads and the writes that
 * would follow) is printed as "METHOD PATH", the probe as a "# probe"
 * line; nothing is written to GCP or to the journal.
 *
 * Ownership: struct migrate owns its HTTP client, credentials and GCP
 * client; migrate_free() releases them.  Prints only to the FILE given
 * to migrate_open() (dry-run calls, the wave's outcome) and through
 * log.h; alerts go to the caller's struct alerts.
 *
 * Owned by the migration work.
 */
#ifndef PLANNER_MIGRATE_H
#define PLANNER_MIGRATE_H

#include <stdio.h>

#include "alert.h"
#include "err.h"
#include "probe.h"
#include "store.h"

/* A fallback region must be this close (median RTT, ms) to the GPU's
 * best region: the mission's "adjacent region under 10 ms". */
#define MIGRATE_ADJACENT_MS	10.0
#define MIGRATE_MAX_FALLBACKS	3	/* fallback regions, at most */
#define MIGRATE_MAX_LOSS	0.2	/* share of probes that may fail */

struct migrate_opts {
	const char *project;	/* --project; NULL: each VM's own */
	const char *endpoint;	/* --api-endpoint; NULL: the default */
	const char *token_file;	/* --access-token-file */
	const char *pair_label;	/* the pairing label's key */
	int max_migrations;	/* new moves per wave */
	double threshold_ms;	/* --latency-threshold-ms */
	double max_loss;
	int probe_via_ssh;	/* 1: from the GPU host; 0: from here */
	int probe_port;
	struct probe_opts probe;
	int delete_source, allow_local_ssd, dry_run;
};

struct migrate_stats {
	int resumed, started, done, failed, refused, rollbacks;
};

struct migrate;
struct region_catalog;

/* The defaults of cli.md: 5 moves, 20 ms, ssh vantage, port 22. */
void migrate_opts_default(struct migrate_opts *o);

/* Check O and find the credentials (gauth.h) before any work, so that a
 * bad endpoint or missing credentials is a usage error (P_EUSAGE).  OUT
 * receives the dry-run lines and the outcome of each move. */
enum perr_code migrate_open(struct migrate **w, const struct migrate_opts *o,
			    FILE *out, struct perr *e);
void migrate_free(struct migrate *w);

/* Run the wave on the plan of MONTH stored in S, as part of the run
 * RUN_ID (table run; recorded with each new move).  Alerts (latency,
 * migration-failed, migration-stopped) are added to ALERTS.  An error
 * return means the wave stopped without a verdict (the API did not
 * answer, the database failed, a signal): the moves in progress stay
 * open for the next run. */
enum perr_code migrate_run(struct migrate *w, struct store *s,
			   const struct region_catalog *cat,
			   const char *month, long long run_id,
			   struct alerts *alerts, struct migrate_stats *st,
			   struct perr *e);

#endif
