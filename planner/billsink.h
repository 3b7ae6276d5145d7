/*
 * billsink.h - where checked billing rows go: monthly usage totals, and
 * the keys of the rows already counted.
 *
 * Owner: the billing importers (billing.c) and the upgrade to schema 7.
 *
 * A large organisation's month of detailed export is millions of rows,
 * and the planner needs only, per VM and month, whether it was billed
 * and how many bytes left it.  Up to schema 6 every row was stored
 * (billing_line); writing them cost more than reading the file.  Now a
 * row becomes two small things (sql/007_billing_usage.sql):
 *
 *  - its share of a usage total, a row of billing_usage: one per month
 *    and set of descriptive columns (source, account, project, service,
 *    SKU, region, zone, resource, currency, egress kind), summing rows,
 *    cost, credits and egress bytes;
 *  - an entry in the hour of its usage start, in billing_seen: the first
 *    128 bits of the SHA-256 of its natural key (billing.h), its export
 *    time, its usage total, its amounts and its order (BILL_ORDER).
 *
 * The entries keep imports idempotent, as the unique key did: a row
 * whose key is already there counts again only when its export time is
 * newer (a re-export), and then its old amounts leave their total first;
 * of equal export times, the row that stands first (BILL_ORDER) stays.
 * Two different keys share 128 bits with a probability near n^2 / 2^129
 * (below 10^-20 for 10^9 rows), and finding such a pair on purpose is
 * as hard as breaking SHA-256.
 *
 * Memory: entries wait per hour, at most SINK_RECS of them in all, then
 * each waiting hour is merged with its stored entries and written back;
 * an hour met again later is merged again (the result is the same).
 * Usage totals are kept per import, one per distinct set of columns
 * (thousands for thousands of VMs), not per row.
 *
 * Threads: several readers may share a sink (billing_fast.c does); it
 * locks itself.  Rows are added under one lock, and hours are merged
 * and written under another, by the reader whose rows filled the table,
 * so that the other readers go on adding rows meanwhile.
 */
#ifndef PLANNER_BILLSINK_H
#define PLANNER_BILLSINK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

/* The export time of a row whose format has none: never newer. */
#define BILL_NO_EXPORT	INT64_MIN

/* Where a row stands among all the rows ever imported: its import, the
 * piece of the file it was read in (billing_fast.c; 0 for the one-thread
 * reader) and its place in that piece.  Of two rows with the same key
 * and export time, the one standing first stays, wherever it was merged
 * first: the rule of reading one row after the other, kept when readers
 * of different pieces merge an hour in another order. */
#define BILL_ORDER(import, piece, row) \
	((uint64_t)(import) << 40 | (uint64_t)(piece) << 32 | (uint64_t)(row))

/* One checked row, as the sink takes it. */
struct bill_rec {
	uint64_t h[2];		/* SHA-256 of the natural key, 128 bits */
	int64_t hour;		/* usage start / 3600, rounded down */
	int64_t export_us;	/* unix microseconds, or BILL_NO_EXPORT */
	int64_t usage;		/* billing_usage.id */
	int64_t cost, credits;	/* USD micro-dollars */
	int64_t egress;		/* bytes; 0 for a row that is not egress */
	uint64_t order;		/* BILL_ORDER: the first of equals wins */
};

/* The descriptive columns of a usage total, in this order; an empty
 * one is stored as NULL. */
enum {
	BU_SOURCE, BU_ACCOUNT, BU_PROJECT, BU_SERVICE, BU_SKU_ID,
	BU_SKU_DESC, BU_REGION, BU_ZONE, BU_RES_NAME, BU_RES_GLOBAL,
	BU_INSTANCE_ID, BU_CURRENCY, BU_EGRESS_KIND, BU_NCOLS
};

struct bill_col {
	const char *s;
	size_t n;
};

/* A string-to-id map (open addressing, keys copied into an arena). */
struct bill_idmap {
	struct bill_idslot *slot;
	size_t cap, n;
	char *arena;
	size_t alen, acap;
};

struct bill_sink;

/* A 64-bit hash for tables (not for keys that must not collide). */
uint64_t bill_hash(const char *s, size_t n);

/* Look KEY (N bytes) up; 1 with *ID when found, else 0. */
int bill_idmap_get(const struct bill_idmap *m, const char *key, size_t n,
		   int64_t *id);

/* Remember KEY -> ID.  0, or -1 when out of memory. */
int bill_idmap_put(struct bill_idmap *m, const char *key, size_t n,
		   int64_t id);

/* The same with the key's hash H chosen by the caller, who must give the
 * same H for the same key, always (a hash of part of the key will do:
 * keys that share it only cost a comparison). */
int bill_idmap_get_h(const struct bill_idmap *m, const char *key,
		     size_t n, uint64_t h, int64_t *id);
int bill_idmap_put_h(struct bill_idmap *m, const char *key, size_t n,
		     uint64_t h, int64_t id);

void bill_idmap_free(struct bill_idmap *m);

/* Start a sink on S, inside the caller's transaction. */
enum perr_code bill_sink_open(struct bill_sink **k, struct store *s,
			      struct perr *e);

/* The id of the usage total named by MKEY (N bytes: "YYYY-MM|" and the
 * columns COL joined without ambiguity), created when new. */
enum perr_code bill_sink_usage(struct bill_sink *k, const char *mkey,
			       size_t n, const struct bill_col *col,
			       int64_t *id, struct perr *e);

/* Take N rows (copied). */
enum perr_code bill_sink_put(struct bill_sink *k, const struct bill_rec *r,
			     size_t n, struct perr *e);

/* Merge and write what waits, then the totals; *CHANGED gets the rows
 * that were new or replaced an older export of themselves. */
enum perr_code bill_sink_finish(struct bill_sink *k, long long *changed,
				struct perr *e);

/* Free K (safe on NULL); what was not finished is dropped. */
void bill_sink_free(struct bill_sink *k);

#endif
