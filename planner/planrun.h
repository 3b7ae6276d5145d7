/*
 * planrun.h - the nightly plan: from the store to the plan and back.
 *
 * plan_load() reads the inventories and the month's billing from the
 * store, resolves each GPU and runs the planning core (plan.h).
 * plan_save() keeps the result as the month's snapshot (history for the
 * report).  plan_write_json() and plan_write_summary() present it.
 */
#ifndef PLANNER_PLANRUN_H
#define PLANNER_PLANRUN_H

#include <stdio.h>

#include "err.h"
#include "plan.h"
#include "resolve.h"
#include "store.h"

/* The month to plan when none is given: the latest month with billing
 * usage in the store, else the month before today.  BUF >= 8 bytes. */
enum perr_code plan_default_month(struct store *s, char *buf, size_t n,
				  struct perr *e);

/* Load and build the plan for P->month (set by the caller, with
 * P->rates and P->assumed_bytes_per_day). */
enum perr_code plan_load(struct store *s, const struct resolver *r,
			 struct plan *p, struct perr *e);

/* Store P as the snapshot of its month, replacing an earlier one, and
 * refresh the unmapped-location counts; one transaction. */
enum perr_code plan_save(struct store *s, const struct plan *p,
			 struct perr *e);

/* The plan as JSON (shared/design/cli.md) on F. */
enum perr_code plan_write_json(const struct plan *p, FILE *f,
			       struct perr *e);

/* A short summary for people on F. */
void plan_write_summary(const struct plan *p, FILE *f);

/* Unmapped locations of P's GPUs: calls FN once per distinct location
 * with its count, in order of first appearance.  The location text is
 * "" for an empty string, "<null>" or "<missing>". */
void plan_each_unmapped(const struct plan *p,
			void (*fn)(void *ctx, const char *loc, long count),
			void *ctx);

#endif
