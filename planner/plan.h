/*
 * plan.h - pairing GPUs with their CPU VMs and pricing the traffic.
 *
 * The planning core: given the GPUs (each already resolved to its best
 * region), the labelled VMs and each VM's monthly egress, plan_build()
 * pairs them and works out cost now, cost after a move and the saving.
 * It does no I/O, so tests drive it directly; planrun.c feeds it from
 * the store and writes what it decides.
 *
 * Money is integer micro-dollars, rounded to whole cents per pair, so the
 * totals are the exact sums of the lines a reader sees.
 *
 * Memory: a plan holds every labelled VM and every GPU, so its records
 * are kept small (a 100,000-pair plan must fit in a few tens of MB):
 * strings live in the plan's pool, the ones that repeat (locations,
 * zones, regions) interned, and a GPU points to the part of its
 * resolution that the plan uses, shared with the GPUs placed alike.
 *
 * Pairs are not kept at all: plan_pair() works one out again (a lookup
 * and a few multiplications) wherever it is needed.
 *
 * Ownership: struct plan owns its arrays, and its pool owns the strings
 * they point to; plan_release() frees them.  Pairs point into p->gpus
 * and p->vms.
 */
#ifndef PLANNER_PLAN_H
#define PLANNER_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "ratecard.h"
#include "resolve.h"
#include "strpool.h"

/* Prices across regions and within one (ratecard.h). */
struct rate_card {
	struct rate_schedule cross, same;
};

enum egress_source {
	EGRESS_GCP_BILLING,	/* the VM's Data Transfer Out rows */
	EGRESS_VAST_BILLING,	/* the GPU's Vast bandwidth charges */
	EGRESS_ASSUMED		/* the configured default volume */
};

/* What the plan keeps of a struct resolution: no explanation, and the
 * region and zone interned ("" when unmapped).  GPUs with the same
 * location resolve alike, so they share one (planrun.c keeps each
 * distinct place once). */
struct plan_place {
	const char *region, *zone;
	const char *method;	/* static, as in struct resolution */
	double distance_km, est_rtt_ms;
	enum confidence conf;
};

struct plan_gpu {
	long long id;
	const char *location;	/* NULL when null or missing */
	char loc_state[8];	/* "value", "null", "missing" */
	const struct plan_place *res;
	int nvms;		/* VMs paired with it */
	int has_vast_bw;	/* Vast bandwidth charges exist this month */
	int64_t vast_bw_bytes;
};

struct plan_vm {
	const char *name, *zone, *region, *pair_label;
	int has_billing;	/* billing rows for it exist this month */
	int64_t billing_egress_bytes;
	long long gpu_id;	/* parsed from pair_label; 0 if malformed */
	const char *unpaired;	/* why it pairs with nothing, or NULL */
};

struct plan_pair {
	const struct plan_vm *vm;
	const struct plan_gpu *gpu;
	int cross;		/* 1 across regions, 0 same, -1 undetermined */
	enum egress_source source;
	int64_t egress_bytes;
	int64_t cost_micro, cost_after_micro, savings_micro; /* cross >= 0 */
};

/* A location no GPU could be placed by, and how many GPUs have it. */
struct plan_unmapped {
	const char *location;	/* "", "<null>", "<missing>" or the text */
	long count;
};

struct plan_totals {
	long gpus, pairs, cross_pairs, same_pairs, undetermined;
	long unpaired_gpus, unpaired_vms;
	int64_t egress_bytes;	/* of all pairs */
	long by_source[3];	/* pairs per enum egress_source */
	int64_t cost_micro, cost_after_micro, savings_micro;
};

struct plan {
	char month[8];
	int64_t start, end;		/* the month, [start, end) */
	struct rate_card rates;
	int64_t assumed_bytes_per_day;	/* default egress when unknown */
	struct plan_gpu *gpus;		/* sorted by id */
	size_t ngpus;
	struct plan_vm *vms;		/* every VM with a pairing label */
	size_t nvms;
	struct plan_totals t;		/* t.pairs of the VMs are paired */
	struct plan_unmapped *unmapped;	/* by plan_build */
	size_t nunmapped;
	struct strpool strings;		/* of gpus and vms */
};

/* Parse a pairing label value: "21300724" or "vast-21300724".  Returns
 * the id, or 0 when the value is malformed. */
long long plan_parse_pair_label(const char *v);

/* Pair every VM with its GPU, choose each pair's egress, and price it;
 * list the unmapped locations (in order of first appearance among the
 * GPUs).  Requires p->gpus sorted by id and resolved.  Returns 0, or -1
 * when memory ran out. */
int plan_build(struct plan *p);

/* VM I of built plan P as a pair, priced, in *Q: returns 1, or 0 when
 * that VM pairs with nothing.  The pairs, in VM order, are the VMs for
 * which it returns 1. */
int plan_pair(const struct plan *p, size_t i, struct plan_pair *q);

/* Free everything P owns. */
void plan_release(struct plan *p);

/* "gcp-billing", "vast-billing", "assumed". */
const char *egress_source_name(enum egress_source s);

#endif
