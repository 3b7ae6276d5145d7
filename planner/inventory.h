/*
 * inventory.h - storing inventory rows, shared by the JSON and CSV
 * readers of the Vast.ai and GCP instance lists.
 *
 * A row holds borrowed strings; the inv_* calls copy what they keep.
 */
#ifndef PLANNER_INVENTORY_H
#define PLANNER_INVENTORY_H

#include <sqlite3.h>

#include "import.h"

struct gpu_row {
	long long id, ssh_port, num_gpus;	/* 0: unknown */
	const char *loc;	/* NULL when null or missing */
	const char *loc_state;	/* "value", "null", "missing" */
	const char *status, *label, *gpu_name, *ip, *ssh;
};

struct vm_row {
	const char *name, *zone, *region, *project, *id, *machine_type;
	const char *status, *nip, *natip, *pair, *labels;
	int local_ssd;
};

/* Start a snapshot of KIND ("gpu" or "vm"): delete the previous one and
 * prepare the insert into *ST (the caller finalizes it). */
enum perr_code inv_begin(struct import_ctx *c, const char *table,
			 sqlite3_stmt **st, struct perr *e);

/* Insert a row.  Returns P_OK, 1 when the key is already in this
 * snapshot (the caller reports the duplicate), or an error. */
int inv_insert_gpu(struct import_ctx *c, sqlite3_stmt *st,
		   const struct gpu_row *r, struct perr *e);
int inv_insert_vm(struct import_ctx *c, sqlite3_stmt *st,
		  const struct vm_row *r, struct perr *e);

/* Whether S is a GCP instance id: 1 to 20 digits, at most 2^64 - 1. */
int inv_valid_id(const char *s);

/* Split zone Z ("us-central1-a", a URL or a partial path) into its
 * basename ZONE and REGION ("us-central1").  Returns -1 when Z has no
 * region part. */
int inv_zone_region(const char *z, char *zone, size_t zn, char *region,
		    size_t rn);

#endif
