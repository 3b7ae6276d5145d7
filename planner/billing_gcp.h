/*
 * billing_gcp.h - the GCP billing reader's state, shared by the
 * one-thread reader (billing_gcp.c, on csvin and libcsv) and the
 * parallel one (billing_fast.c).
 *
 * Owner: the billing importers.  Nothing else includes this.
 */
#ifndef PLANNER_BILLING_GCP_H
#define PLANNER_BILLING_GCP_H

#include <stdio.h>

#include "billing.h"

enum col {
	C_ACCOUNT, C_PROJECT, C_SERVICE, C_SKU_ID, C_SKU_DESC, C_START, C_END,
	C_REGION, C_ZONE, C_RES_NAME, C_RES_GLOBAL, C_LABELS, C_EXPORT_TIME,
	C_COST, C_COST_ROUNDED, C_CURRENCY, C_RATE, C_CREDITS, C_CHARGE,
	C_CHARGE_CLASS, C_CREDIT_TYPE, C_AMOUNT, C_UNIT, C_QTY, C_QTY_UNIT,
	C_PQTY, C_PUNIT, C_NCOL
};

struct colspec {
	const char *name;
	enum col col;
	int required;
};

struct gcp_in;

struct layout {
	const char *format;		/* res->format, billing_usage.source */
	const char *sig[5];		/* columns that identify the header */
	const struct colspec *cols;
	size_t ncols;
	const char *usage_charge;	/* the charge type of plain usage */
	unsigned qty_flags;		/* dec_parse flags for quantities */
	enum perr_code (*row)(struct gcp_in *, struct bill_line *,
			      struct perr *);
};

/* The last text of a time column and its value. */
struct time_memo {
	char text[48];
	size_t n;		/* 0: nothing remembered */
	int64_t t;
};

/* A SKU description and its egress kind (billing_gcp.c, sku_kind). */
#define SKU_MEMO	256
struct sku_memo {
	char desc[120];
	size_t n;		/* 0: empty */
	const char *kind;
};

struct gcp_in {
	struct import_ctx *c;
	struct csvin r;
	struct bill_ctx b;
	const struct layout *lay;
	int col[C_NCOL];
	int non_usd;		/* cost table preamble names another currency */
	char first[48];		/* start of the first record, for messages */
	long first_line;
	struct time_memo times[2];	/* usage start, usage end */
	struct sku_memo skus[SKU_MEMO];
};

/* The current record of g->r: skipped (a repeated header, a summary
 * line), or counted in rows_read and put in the sink.  P_EPARSE when
 * the row is refused, with the reason in E (not yet reported). */
enum perr_code gcp_record(struct gcp_in *g, struct perr *e);

/* Read the rest of the file (after the header, which G has read) on every
 * core into a sink of its own.  *DONE is 1 when it did; 0 when it gave
 * up on something the one-thread reader must judge, with the database
 * as it was.  Other errors (memory, database) are returned. */
enum perr_code gcp_fast(struct gcp_in *g, int *done, struct perr *e);

#endif
