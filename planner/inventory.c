/*
 * inventory.c - storing inventory snapshots.  See inventory.h.
 */
#include <stdio.h>
#include <string.h>

#include "inventory.h"

enum perr_code
inv_begin(struct import_ctx *c, const char *table, sqlite3_stmt **st,
	  struct perr *e)
{
	static const char gpu_sql[] = "INSERT INTO gpu(vast_id, location, "
	    "location_state, status, label, gpu_name, num_gpus, public_ip, "
	    "ssh_host, ssh_port, import_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)";
	static const char vm_sql[] = "INSERT INTO vm(name, zone, region, "
	    "project, instance_id, machine_type, status, network_ip, nat_ip, "
	    "pair_label, labels, local_ssd, import_id) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
	int gpu = strcmp(table, "gpu") == 0;

	*st = NULL;
	if (store_exec(c->store, gpu ? "DELETE FROM gpu" : "DELETE FROM vm",
		       e))
		return e->code;
	return store_prepare(c->store, gpu ? gpu_sql : vm_sql, st, e);
}

static void
bind_opt_int(sqlite3_stmt *st, int i, long long v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* Step ST; SQLITE_CONSTRAINT means a duplicate key in the snapshot. */
static int
step_insert(struct import_ctx *c, sqlite3_stmt *st, struct perr *e,
	    const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_CONSTRAINT)
		return 1;
	return rc == SQLITE_DONE ? P_OK : store_fail(c->store, rc, e, what);
}

int
inv_insert_gpu(struct import_ctx *c, sqlite3_stmt *st,
	       const struct gpu_row *r, struct perr *e)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, r->id);
	store_bind_text(st, 2, r->loc, -1);
	sqlite3_bind_text(st, 3, r->loc_state, -1, SQLITE_STATIC);
	store_bind_text(st, 4, r->status, -1);
	store_bind_text(st, 5, r->label, -1);
	store_bind_text(st, 6, r->gpu_name, -1);
	bind_opt_int(st, 7, r->num_gpus);
	store_bind_text(st, 8, r->ip, -1);
	store_bind_text(st, 9, r->ssh, -1);
	bind_opt_int(st, 10, r->ssh_port);
	sqlite3_bind_int64(st, 11, c->import_id);
	return step_insert(c, st, e, "storing a GPU");
}

int
inv_insert_vm(struct import_ctx *c, sqlite3_stmt *st,
	      const struct vm_row *r, struct perr *e)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, r->zone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, r->region, -1, SQLITE_TRANSIENT);
	store_bind_text(st, 4, r->project, -1);
	store_bind_text(st, 5, r->id, -1);
	store_bind_text(st, 6, r->machine_type, -1);
	store_bind_text(st, 7, r->status, -1);
	store_bind_text(st, 8, r->nip, -1);
	store_bind_text(st, 9, r->natip, -1);
	store_bind_text(st, 10, r->pair, -1);
	store_bind_text(st, 11, r->labels, -1);
	sqlite3_bind_int(st, 12, r->local_ssd);
	sqlite3_bind_int64(st, 13, c->import_id);
	return step_insert(c, st, e, "storing a VM");
}

int
inv_zone_region(const char *z, char *zone, size_t zn, char *region,
		size_t rn)
{
	const char *base = strrchr(z, '/');
	char *dash;

	snprintf(zone, zn, "%s", base ? base + 1 : z);
	if (region == NULL)
		return 0;
	snprintf(region, rn, "%s", zone);
	dash = strrchr(region, '-');
	if (dash == NULL || dash == region || dash[1] == '\0')
		return -1;
	*dash = '\0';
	return 0;
}

int
inv_valid_id(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || s[n] != '\0' || n > 20)
		return 0;
	return n < 20 || strcmp(s, "18446744073709551615") <= 0;
}
