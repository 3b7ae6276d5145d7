/*
 * planrun.c - loading the plan from the store, saving and presenting it.
 * See planrun.h.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "embed.h"
#include "money.h"
#include "planrun.h"
#include "rescache.h"
#include "timeutil.h"

/* ---- loading ------------------------------------------------------ */

/* Step ST expecting one row; anything else is a database failure
 * (a corrupt page, an integer overflow in SUM) and must not pass for
 * "no data". */
static enum perr_code
one_row(struct store *s, sqlite3_stmt *st, const char *what,
	struct perr *e)
{
	int rc = sqlite3_step(st);

	return rc == SQLITE_ROW ? P_OK : store_fail(s, rc, e, what);
}

enum perr_code
plan_default_month(struct store *s, char *buf, size_t n, struct perr *e)
{
	sqlite3_stmt *st;
	int64_t t = 0;

	if (store_prepare(s, "SELECT MAX(t) FROM (SELECT MAX(usage_start) t "
			  "FROM billing_line UNION ALL SELECT MAX(start) "
			  "FROM vast_charge)", &st, e))
		return e->code;
	if (one_row(s, st, "finding the latest month", e)) {
		sqlite3_finalize(st);
		return e->code;
	}
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		t = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (t == 0)	/* nothing billed yet: last month */
		t = (int64_t)time(NULL) - 31 * 86400;
	month_of(t, buf, n);
	return P_OK;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? strdup((const char *)v) : NULL;
}

/* The GPU's Vast download charges in the month, if any. */
static enum perr_code
vast_bw(struct store *s, const struct plan *p, struct plan_gpu *g,
	sqlite3_stmt *st, struct perr *e)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, g->id);
	sqlite3_bind_int64(st, 2, p->start);
	sqlite3_bind_int64(st, 3, p->end);
	if (one_row(s, st, "reading Vast charges", e))
		return e->code;
	if (sqlite3_column_int(st, 0) > 0) {
		g->has_vast_bw = 1;
		/* Vast bills decimal GB; quantity_milli is GB x 1000. */
		g->vast_bw_bytes = sqlite3_column_int64(st, 1) * 1000000;
	}
	return P_OK;
}

/* Room for one more element in *V (of *N, capacity *CAP, SIZE bytes). */
static void *
grow(void **v, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		void *w = realloc(*v, c * size);

		if (w == NULL)
			return NULL;
		*v = w;
		*cap = c;
	}
	return (char *)*v + (*n)++ * size;
}

static enum perr_code
read_gpus(struct store *s, struct rescache *cache, struct plan *p,
	  struct perr *e)
{
	sqlite3_stmt *st = NULL, *bw = NULL;
	size_t cap = 0;
	enum perr_code rc;
	int step;

	if ((rc = store_prepare(s, "SELECT vast_id, location, "
				"location_state, public_ip FROM gpu ORDER BY "
				"vast_id", &st, e)) ||
	    (rc = store_prepare(s, "SELECT COUNT(*), COALESCE(SUM("
				"quantity_milli), 0) FROM vast_charge WHERE "
				"instance_id = ? AND item_type = 'bwd' AND "
				"start >= ? AND start < ?", &bw, e)))
		goto out;
	while (rc == P_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct plan_gpu *g = grow((void **)&p->gpus, &p->ngpus, &cap,
					  sizeof(*g));

		if (g == NULL) {
			rc = perr_set(e, P_ENOMEM, "out of memory");
			break;
		}
		memset(g, 0, sizeof(*g));
		g->id = sqlite3_column_int64(st, 0);
		g->location = col_dup(st, 1);
		snprintf(g->loc_state, sizeof(g->loc_state), "%s",
			 (const char *)sqlite3_column_text(st, 2));
		rescache_resolve(cache, g->location,
				 (const char *)sqlite3_column_text(st, 3),
				 &g->res);
		rc = vast_bw(s, p, g, bw, e);
	}
	if (rc == P_OK && step != SQLITE_DONE)
		rc = store_fail(s, step, e, "reading the GPUs");
out:
	sqlite3_finalize(st);
	sqlite3_finalize(bw);
	return rc;
}

/* The GPUs with their resolutions, through the cache in the store: one
 * transaction, so new answers are written with one commit. */
static enum perr_code
load_gpus(struct store *s, const struct resolver *r, struct plan *p,
	  struct perr *e)
{
	struct rescache c;

	if (store_begin(s, e))
		return e->code;
	if (rescache_open(&c, s, r, e) || read_gpus(s, &c, p, e)) {
		rescache_close(&c);
		store_rollback(s);
		return e->code;
	}
	rescache_close(&c);
	return store_commit(s, e);
}

/* The VM's month in the billing data: matched by instance id, else by
 * name and region (an inventory from CSV has no ids, and some exports
 * name the resource only). */
static enum perr_code
vm_egress(struct store *s, struct plan *p, struct plan_vm *vm,
	  const char *instance_id, sqlite3_stmt *by_id,
	  sqlite3_stmt *by_name, struct perr *e)
{
	sqlite3_stmt *st = instance_id ? by_id : by_name;

	for (;;) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, p->start);
		sqlite3_bind_int64(st, 2, p->end);
		if (st == by_id)
			sqlite3_bind_text(st, 3, instance_id, -1,
					  SQLITE_TRANSIENT);
		else {
			sqlite3_bind_text(st, 3, vm->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, vm->region, -1,
					  SQLITE_STATIC);
		}
		if (one_row(s, st, "summing a VM's egress", e))
			return e->code;
		if (sqlite3_column_int(st, 0) > 0) {
			vm->has_billing = 1;
			vm->billing_egress_bytes = sqlite3_column_int64(st, 1);
			return P_OK;
		}
		if (st == by_name)
			return P_OK;
		st = by_name;
	}
}

#define EGRESS_SUM "SELECT COUNT(*), COALESCE(SUM(CASE WHEN egress_kind " \
	"IS NOT NULL THEN egress_bytes END), 0) FROM billing_line WHERE " \
	"usage_start >= ?1 AND usage_start < ?2 AND "

static enum perr_code
load_vms(struct store *s, struct plan *p, struct perr *e)
{
	sqlite3_stmt *st = NULL, *by_id = NULL, *by_name = NULL;
	size_t cap = 0;
	enum perr_code rc;
	int step = SQLITE_DONE;

	if ((rc = store_prepare(s, "SELECT name, zone, region, pair_label, "
				"instance_id FROM vm WHERE pair_label IS NOT "
				"NULL ORDER BY name, zone", &st, e)) ||
	    (rc = store_prepare(s, EGRESS_SUM "vm_instance_id = ?3",
				&by_id, e)) ||
	    (rc = store_prepare(s, EGRESS_SUM "resource_name = ?3 AND "
				"region = ?4", &by_name, e)))
		goto out;
	while (rc == P_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct plan_vm *vm = grow((void **)&p->vms, &p->nvms, &cap,
					  sizeof(*vm));

		if (vm == NULL) {
			rc = perr_set(e, P_ENOMEM, "out of memory");
			break;
		}
		memset(vm, 0, sizeof(*vm));
		vm->name = col_dup(st, 0);
		vm->zone = col_dup(st, 1);
		vm->region = col_dup(st, 2);
		vm->pair_label = col_dup(st, 3);
		rc = vm_egress(s, p, vm, (const char *)sqlite3_column_text(st,
			       4), by_id, by_name, e);
	}
	if (rc == P_OK && step != SQLITE_DONE)
		rc = store_fail(s, step, e, "reading the VMs");
out:
	sqlite3_finalize(st);
	sqlite3_finalize(by_id);
	sqlite3_finalize(by_name);
	return rc;
}

enum perr_code
plan_load(struct store *s, const struct resolver *r, struct plan *p,
	  struct perr *e)
{
	if (month_parse(p->month, &p->start, &p->end))
		return perr_set(e, P_EUSAGE, "month '%s': expected YYYY-MM",
				p->month);
	if (load_gpus(s, r, p, e) || load_vms(s, p, e))
		return e->code;
	if (plan_build(p))
		return perr_set(e, P_ENOMEM, "out of memory");
	return P_OK;
}
