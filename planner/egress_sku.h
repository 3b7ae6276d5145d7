/*
 * egress_sku.h - which billing SKUs are data sent out of a VM.
 *
 * Owner: the billing importers.
 *
 * The facts live in data/egress_skus.tsv (compiled into the binary): one
 * line per SKU description pattern with its kind, "internet" or
 * "inter-region".  A description is egress when a pattern matches all of
 * it; '*' in a pattern matches one or more characters.
 *
 * Ownership: struct egress_skus owns its entry array; the patterns point
 * into the embedded file, which lives for the whole run.
 */
#ifndef PLANNER_EGRESS_SKU_H
#define PLANNER_EGRESS_SKU_H

#include <stddef.h>

#include "err.h"

#define EGRESS_SKU_FILE	"data/egress_skus.tsv"

struct egress_sku {
	const char *kind;	/* static "internet" or "inter-region" */
	const char *pat;	/* not NUL-terminated */
	size_t n;
};

struct egress_skus {
	struct egress_sku *v;
	size_t n;
};

/* Load the table from the embedded EGRESS_SKU_FILE; P_EDATA names the
 * line of a malformed entry. */
enum perr_code egress_skus_load(struct egress_skus *t, struct perr *e);

/* Load the table from the N bytes at TEXT, named NAME in messages. */
enum perr_code egress_skus_parse(struct egress_skus *t, const char *name,
				 const char *text, size_t n, struct perr *e);

void egress_skus_release(struct egress_skus *t);

/* The kind of the SKU described by the N bytes at DESC, or NULL when it
 * is not egress. */
const char *egress_skus_match(const struct egress_skus *t, const char *desc,
			      size_t n);

/* 1 when pattern P (PN bytes) matches all of S (SN bytes). */
int egress_glob(const char *p, size_t pn, const char *s, size_t sn);

#endif
