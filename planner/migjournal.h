/*
 * migjournal.h - the migration journal in the store (sql/005_migrate.sql)
 * and the query that picks a wave's candidates from the month's plan.
 *
 * Every write is one autocommitted statement, so each journal line is on
 * disk before the step it announces is taken.  All values are bound.
 *
 * Ownership: the arrays returned by mj_open(), mj_candidates() and
 * mj_steps() are malloc'd; the caller frees them with free().
 *
 * Owned by the migration work.
 */
#ifndef PLANNER_MIGJOURNAL_H
#define PLANNER_MIGJOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "probe.h"
#include "store.h"

/* One VM move: a row of table migration, plus what the inventory says
 * about its VM and GPU (not stored in the row). */
struct migration {
	long long id;			/* 0 until inserted */
	char uid[24];
	long long run_id;
	char month[8];
	char project[104];
	char vm_name[64], from_zone[48], from_region[40];
	long long gpu_id;
	char pair_value[64];
	char best_region[40], best_zone[48];
	char image_name[64];
	char new_name[64], to_zone[48], to_region[40];
	char state[16];
	int64_t savings_micro;
	double latency_ms, probe_loss;	/* -1 when not measured */
	char error[512];
	/* From the inventory, not the journal. */
	char ssh_host[256];
	int ssh_port;			/* 0 when unknown */
	int local_ssd;
	char machine_type[96];
};

/* One row of table migration_step. */
struct mig_step {
	long long id;
	char step[16], region[40], zone[48], target[64];
	char state[12], cls[16], code[80];
};

/* Insert M as a new row (state, started_at set by the caller); M->id. */
enum perr_code mj_insert(struct store *s, struct migration *m,
			 struct perr *e);

/* Write M's mutable columns (state, new VM, latency, error); with
 * FINISHED, also finished_at = now. */
enum perr_code mj_update(struct store *s, const struct migration *m,
			 int finished, struct perr *e);

/* The open migrations (finished_at NULL), oldest first. */
enum perr_code mj_open(struct store *s, struct migration **v, size_t *n,
		       struct perr *e);

/* The month's cross-region pairs of high or medium confidence whose VM
 * has no open or done migration, largest saving first (ties by VM name
 * and zone), with the inventory's facts about the VM and the GPU. */
enum perr_code mj_candidates(struct store *s, const char *month,
			     struct migration **v, size_t *n,
			     struct perr *e);

/* The steps of migration MID, in order. */
enum perr_code mj_steps(struct store *s, long long mid, struct mig_step **v,
			size_t *n, struct perr *e);

/* Journal the start of a step (state 'started'); its row id in *ID. */
enum perr_code mj_step_begin(struct store *s, long long mid,
			     const char *step, const char *region,
			     const char *zone, const char *target,
			     const char *request_id, long long *id,
			     struct perr *e);

/* Journal the end of step ID: STATE 'done', 'failed' or 'skipped'; CLS,
 * CODE and DETAIL may be NULL. */
enum perr_code mj_step_end(struct store *s, long long id, const char *state,
			   const char *cls, const char *code,
			   const char *detail, struct perr *e);

/* Record each probe of R (successes, then one NULL row per lost probe)
 * of TARGET in ZONE of REGION, measured from VANTAGE ("ssh", "local"),
 * in table latency_probe; one transaction. */
enum perr_code mj_probes(struct store *s, long long mid, const char *region,
			 const char *zone, const char *target,
			 const char *vantage, const struct probe_result *r,
			 struct perr *e);

#endif
