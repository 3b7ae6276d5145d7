/*
 * billing.h - what the billing importers share: one GCP billing row in
 * store units, its natural key, the exact number helpers, and the way
 * into the sink (billsink.h).
 *
 * Owner: the billing importers (billing_gcp.c, billing_fast.c,
 * billing_vast.c).  Nothing else should need this header: the rest of
 * the program reads the billing_usage and vast_charge tables.
 *
 * The natural key of a billing row is built the same way from the GCP
 * detailed export and from FOCUS, so one usage row seen in both formats
 * (or in two overlapping exports) is counted once:
 *
 *   account|sku id|project|resource|start|end|labels[|ct=..][|cc=..][|cr=..]
 *
 * resource is the global name (FOCUS ResourceId), else the short name;
 * start and end are unix seconds; labels are "key=value" pairs sorted by
 * key then value and joined by ','.  Each part is kept as it is except
 * '%', '|', control bytes (and '=' and ',' inside labels), which are
 * written %XX, so no two different rows can share a key.  The optional
 * tails keep apart rows that are not plain usage: ct the charge type
 * (GCP cost_type other than "regular", FOCUS ChargeCategory other than
 * "Usage", cost-table "Cost type" other than "Usage"; lowercased), cc the
 * FOCUS ChargeClass, cr the cost-table credit type.
 *
 * The sink keeps the key's SHA-256 (128 bits of it) in the hour of the
 * usage start, and the row's share of its monthly usage total.
 *
 * Money: cost_micro + credits_micro is the net cost in USD micro-dollars
 * in every format.  The GCP export gives the gross cost and the credits
 * apart; FOCUS folds credits into BilledCost, so there credits_micro is 0.
 */
#ifndef PLANNER_BILLING_H
#define PLANNER_BILLING_H

#include <pthread.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "billsink.h"
#include "csvin.h"
#include "egress_sku.h"
#include "import.h"

/* The most data one egress row may carry (1 EiB): far above any real
 * hour, and low enough that a month of rows cannot overflow an int64. */
#define BILL_MAX_EGRESS	(1LL << 60)

/* A growable byte buffer with a hard cap (LIM_CSV_ROW). */
struct bill_buf {
	char *p;
	size_t n, cap;
};

/* One billing row, in store units.  The csvin_field members point into
 * the current CSV record; an empty one is stored as NULL. */
struct bill_line {
	const char *source;	/* "gcp-export", "focus", "cost-table" */
	char export_time[32];	/* YYYY-MM-DDTHH:MM:SS.ffffffZ, or "" */
	struct csvin_field account, project, service, sku_id, sku_desc;
	struct csvin_field region, zone, res_name, res_global, currency;
	struct csvin_field charge, charge_class, credit_type;
	int64_t usage_start, usage_end;
	int64_t cost_micro, credits_micro;	/* USD */
	const char *egress_kind;		/* static, or NULL */
	int64_t egress_bytes;			/* when egress_kind */
};

/* The last cell a JSON reader was given, and what it gave: the rows of
 * one resource repeat the same labels (and most rows the same empty
 * credits), so a repeated cell is not parsed again.  Cells longer than
 * the array are not remembered. */
struct bill_memo {
	char cell[512];
	size_t n;
	int kind;		/* 0: nothing remembered; else the reader's */
	int64_t sum;		/* credits */
};

/* A usage total as one reader knows it: its id, and the escaped start
 * of the natural key of its rows (bytes OFF.. OFF + N of prefixes). */
struct bill_uent {
	int64_t id;
	size_t off, n;
	EVP_MD_CTX *pre;	/* SHA-256 having taken the prefix */
};

/* What an importer (or one reader of part of a file) holds for the
 * length of one file. */
struct bill_ctx {
	struct import_ctx *c;
	struct bill_sink *sink;
	int own_sink;		/* else shared with other readers */
	struct bill_idmap usage;	/* usage key -> index in uent */
	struct bill_uent *uent;
	size_t nuent, uent_cap;
	struct bill_buf prefixes;
	EVP_MD_CTX *md;
	EVP_MD *sha256;
	struct bill_rec *batch;	/* rows for the sink */
	size_t nbatch;
	uint64_t seq;		/* BILL_ORDER of the next row */
	int64_t last_hour;	/* of b->month */
	char month[9];		/* "YYYY-MM|" */
	struct egress_skus skus;
	struct bill_buf labels;	/* canonical labels of the current row */
	struct bill_buf key, ukey;
	struct bill_memo labels_memo, credits_memo;
	struct label_slot *label_cache;	/* billing.c */
};

/* Load the egress SKU table and start a sink of the file's own (see
 * billsink.h), inside the import's transaction. */
enum perr_code bill_open(struct bill_ctx *b, struct import_ctx *c,
			 struct perr *e);

/* Open B as one of several readers of a file sharing SINK.  The reader
 * sets b->seq, the BILL_ORDER of the next row, for each piece. */
enum perr_code bill_open_shared(struct bill_ctx *b, struct import_ctx *c,
				struct bill_sink *sink, struct perr *e);

/* Free everything, and the sink if B's own (what it holds unfinished
 * is dropped: the caller is failing).  Safe after a failed open. */
void bill_close(struct bill_ctx *b);

/* Count L, or let it replace the row with the same natural key when L's
 * export_time is newer (an L without export_time never replaces).  L is
 * copied. */
enum perr_code bill_put(struct bill_ctx *b, const struct bill_line *l,
			struct perr *e);

/* Hand on the rows still held; with a sink of B's own, merge and write
 * everything and add the rows that changed something to rows_new. */
enum perr_code bill_finish(struct bill_ctx *b, struct perr *e);

/* Schema 7: move the rows of billing_line (schema 6) into the usage
 * totals and keys, and drop it.  Runs inside the upgrade's
 * transaction (store.c). */
enum perr_code bill_upgrade_7(struct store *s, struct perr *e);

/* Canonical labels of the current row into b->labels, from the GCP
 * export's JSON array [{"key":..,"value":..},..] (ARRAY) or a FOCUS Tags
 * object {"k":"v",..}.  An empty cell means no labels.  Returns 0, or -1
 * with *WHY set to a static phrase. */
int bill_labels(struct bill_ctx *b, const struct csvin_field *f, int array,
		const char **why);

/* Sum of the "amount" members of the GCP credits JSON array, exactly, at
 * scale 6.  cJSON checks the structure; the amounts are read again from
 * their own text so that no double is involved.  0 or -1 with *WHY. */
int bill_credits(const struct csvin_field *f, int64_t *sum,
		 const char **why);

/* bill_credits, remembering the last cell in B (same result). */
int bill_credits_memo(struct bill_ctx *b, const struct csvin_field *f,
		      int64_t *sum, const char **why);

/* Normalise an instant to "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC, fraction
 * truncated to microseconds) in OUT (>= 32 bytes).  0 or -1. */
int bill_norm_time(const char *s, size_t n, char *out);

/* V micro-units of a currency, at RATE units per USD (a decimal at
 * SCALE), as USD micro-dollars: V / RATE rounded half away from zero.
 * 0, or -1 when RATE is not positive or the result is out of range. */
int bill_to_usd(int64_t v, int64_t rate, int scale, int64_t *out);

/* Parse a conversion rate at the largest scale (12, else 9) that holds
 * it.  0 or -1 with *WHY. */
int bill_parse_rate(const char *s, size_t n, int64_t *rate, int *scale,
		    const char **why);

/* The decimal count of 2^SHIFT-byte units at S (N bytes) as bytes,
 * exact and rounded half away from zero.  dec_parse FLAGS apply.  0 or
 * -1 with *WHY. */
int bill_units_to_bytes(const char *s, size_t n, unsigned flags, int shift,
			int64_t *out, const char **why);

/* log2 of the bytes in one UNIT ("bytes" 0, "gibibyte"/"GiB" 30,
 * "tebibyte"/"TiB" 40), or -1 when the unit is not a data size. */
int bill_unit_shift(const struct csvin_field *unit);

/* The instance id after the last "/instances/" of a resource global
 * name, as a field (empty when there is none). */
struct csvin_field bill_instance_id(const struct csvin_field *global);

/* Fill E with "FILE:LINE: field 'NAME': expected EXPECTED, found 'TEXT'
 * (WHY)" for column COL of the current record; returns P_EPARSE. */
enum perr_code bill_bad_field(const struct csvin *r, int col,
			      const char *expected, const char *why,
			      struct perr *e);

/* 1 when F holds exactly the NUL-terminated S. */
int bill_field_is(const struct csvin_field *f, const char *s);

#endif
