/*
 * planrun.c - loading the plan from the store, saving and presenting it.
 * See planrun.h.
 */
#include <stdint.h>
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

enum perr_code
plan_default_month(struct store *s, char *buf, size_t n, struct perr *e)
{
	sqlite3_stmt *st;
	int64_t t = 0;

	if (store_prepare(s, "SELECT MAX(t) FROM (SELECT MAX(hour) * 3600 t "
			  "FROM billing_seen UNION ALL SELECT MAX(start) "
			  "FROM vast_charge)", &st, e))
		return e->code;
	if (store_row(s, st, "finding the latest month", e)) {
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

/* Column I of ST as text, or NULL. */
static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
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
	if (store_row(s, st, "reading Vast charges", e))
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

/*
 * The places the GPUs resolve to, each kept once in the plan's pool:
 * GPUs with the same location (and IP) resolve alike, so 100,000 GPUs
 * share a few thousand places rather than carry 48 bytes each.  Open
 * addressing; the region and zone are interned, so their pointers are
 * compared and hashed.
 */
struct place_set {
	const struct plan_place **slot;
	size_t n, cap;
};

static size_t
place_hash(const struct plan_place *pl)
{
	size_t h = (size_t)(uintptr_t)pl->region * 31 +
	    (size_t)(uintptr_t)pl->zone;
	int64_t d, r;

	memcpy(&d, &pl->distance_km, sizeof(d));
	memcpy(&r, &pl->est_rtt_ms, sizeof(r));
	h = (h ^ (size_t)(uintptr_t)pl->method) * 1099511628211ULL;
	h = (h ^ (size_t)d) * 1099511628211ULL;
	h = (h ^ (size_t)r) * 1099511628211ULL;
	return (h ^ (size_t)pl->conf) * 1099511628211ULL;
}

static int
same_place(const struct plan_place *a, const struct plan_place *b)
{
	return a->region == b->region && a->zone == b->zone &&
	    a->method == b->method && a->conf == b->conf &&
	    memcmp(&a->distance_km, &b->distance_km, sizeof(double)) == 0 &&
	    memcmp(&a->est_rtt_ms, &b->est_rtt_ms, sizeof(double)) == 0;
}

/* Double the set (or make its first 256 slots) and rehash. */
static int
grow_places(struct place_set *ps)
{
	size_t cap = ps->cap ? ps->cap * 2 : 256, i, j;
	const struct plan_place **slot = calloc(cap, sizeof(*slot));

	if (slot == NULL)
		return -1;
	for (i = 0; i < ps->cap; i++) {
		if (ps->slot[i] == NULL)
			continue;
		for (j = place_hash(ps->slot[i]) & (cap - 1); slot[j];
		     j = (j + 1) & (cap - 1))
			;
		slot[j] = ps->slot[i];
	}
	free(ps->slot);
	ps->slot = slot;
	ps->cap = cap;
	return 0;
}

/* What the plan uses of R, as the place kept for it in P (NULL when
 * memory ran out). */
static const struct plan_place *
keep_place(struct plan *p, struct place_set *ps, const struct resolution *r)
{
	struct plan_place pl, *kept;
	size_t i;

	memset(&pl, 0, sizeof(pl));
	pl.region = strpool_intern(&p->strings, r->region);
	pl.zone = strpool_intern(&p->strings, r->zone);
	pl.method = r->method;
	pl.distance_km = r->distance_km;
	pl.est_rtt_ms = r->est_rtt_ms;
	pl.conf = r->conf;
	if (pl.region == NULL || pl.zone == NULL ||
	    (ps->n * 2 >= ps->cap && grow_places(ps)))
		return NULL;
	for (i = place_hash(&pl) & (ps->cap - 1); ps->slot[i];
	     i = (i + 1) & (ps->cap - 1))
		if (same_place(ps->slot[i], &pl))
			return ps->slot[i];
	if ((kept = strpool_alloc(&p->strings, sizeof(*kept))) == NULL)
		return NULL;
	*kept = pl;
	ps->slot[i] = kept;
	ps->n++;
	return kept;
}

static enum perr_code
read_gpus(struct store *s, struct rescache *cache, struct plan *p,
	  struct perr *e)
{
	sqlite3_stmt *st = NULL, *bw = NULL;
	struct resolution res;
	struct place_set places = { NULL, 0, 0 };
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
		/* Locations repeat (a few thousand among 100,000 GPUs). */
		g->location = strpool_intern(&p->strings, col_text(st, 1));
		snprintf(g->loc_state, sizeof(g->loc_state), "%s",
			 col_text(st, 2));
		rescache_resolve(cache, g->location, col_text(st, 3), &res);
		if ((g->res = keep_place(p, &places, &res)) == NULL) {
			rc = perr_set(e, P_ENOMEM, "out of memory");
			break;
		}
		rc = vast_bw(s, p, g, bw, e);
	}
	if (rc == P_OK && step != SQLITE_DONE)
		rc = store_fail(s, step, e, "reading the GPUs");
	if (rc == P_OK && p->strings.nomem)
		rc = perr_set(e, P_ENOMEM, "out of memory");
out:
	free(places.slot);
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

/*
 * The VMs' month in the billing data.  A VM's rows are matched by
 * instance id, else by name and region (an inventory from CSV has no
 * ids, and some exports name the resource only); the VM has billing when
 * any row of the month matches, and its egress is the sum of the egress
 * bytes of those rows.  The month's usage totals (billing_usage, one
 * per resource and SKU) are read once and matched against the VMs
 * sorted both ways.  Memory is one entry per VM, whatever the size of
 * the billing data.
 */
struct vm_match {
	const char *id, *name, *region;	/* id may be NULL */
	int64_t id_rows, id_bytes;	/* rows matched by id */
	int64_t name_rows, name_bytes;	/* rows matched by name and region */
};

static int
cmp_id(const void *a, const void *b)
{
	return strcmp((*(struct vm_match *const *)a)->id,
		      (*(struct vm_match *const *)b)->id);
}

static int
cmp_name(const void *a, const void *b)
{
	const struct vm_match *x = *(struct vm_match *const *)a;
	const struct vm_match *y = *(struct vm_match *const *)b;
	int d = strcmp(x->name, y->name);

	return d ? d : strcmp(x->region, y->region);
}

/* The run of the N sorted entries of V equal to KEY under CMP: its
 * first entry, and its length in *COUNT (0 when there is none). */
static struct vm_match **
equal_run(struct vm_match **v, size_t n, const struct vm_match *key,
	  int (*cmp)(const void *, const void *), size_t *count)
{
	size_t lo = 0, hi = n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp(&v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < n && cmp(&v[end], &key) == 0; end++)
		;
	*count = end - lo;
	return v + lo;
}

/* Sums saturate: a month past 2^63 bytes is not a real export. */
static void
add_bytes(int64_t *sum, int64_t v)
{
	if (__builtin_add_overflow(*sum, v, sum))
		*sum = INT64_MAX;
}

struct vm_index {
	struct vm_match *m;		/* one per VM, in p->vms order */
	struct vm_match **by_id;	/* those with an id, sorted by id */
	struct vm_match **by_name;	/* all, by name then region */
	size_t n, nid;
};

/* Count one usage total of ROWS billing rows (ID, NAME and REGION may
 * be NULL; BYTES is 0 for rows that are not egress) for every VM it
 * matches. */
static void
match_row(struct vm_index *ix, const char *id, const char *name,
	  const char *region, int64_t rows, int64_t bytes)
{
	struct vm_match key = { id, name, region, 0, 0, 0, 0 }, **hit;
	size_t n, i;

	if (id) {
		hit = equal_run(ix->by_id, ix->nid, &key, cmp_id, &n);
		for (i = 0; i < n; i++) {
			hit[i]->id_rows += rows;
			add_bytes(&hit[i]->id_bytes, bytes);
		}
	}
	if (name && region) {
		hit = equal_run(ix->by_name, ix->n, &key, cmp_name, &n);
		for (i = 0; i < n; i++) {
			hit[i]->name_rows += rows;
			add_bytes(&hit[i]->name_bytes, bytes);
		}
	}
}

#define MONTH_ROWS "SELECT vm_instance_id, resource_name, region, " \
	"rows, egress_bytes FROM billing_usage WHERE month = ?1"

/* One pass over the month's billing rows. */
static enum perr_code
match_month(struct store *s, struct plan *p, struct vm_index *ix,
	    struct perr *e)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(s, MONTH_ROWS, &st, e))
		return e->code;
	sqlite3_bind_text(st, 1, p->month, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		match_row(ix, (const char *)sqlite3_column_text(st, 0),
			  (const char *)sqlite3_column_text(st, 1),
			  (const char *)sqlite3_column_text(st, 2),
			  sqlite3_column_int64(st, 3),
			  sqlite3_column_int64(st, 4));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? P_OK :
	    store_fail(s, rc, e, "reading the month's billing");
}

/* Sort the VMs both ways, match the month, give each VM its billing. */
static enum perr_code
vms_egress(struct store *s, struct plan *p, struct vm_index *ix,
	   struct perr *e)
{
	size_t i;

	if (p->nvms == 0)
		return P_OK;
	ix->n = p->nvms;
	ix->by_id = calloc(p->nvms + 1, sizeof(*ix->by_id));
	ix->by_name = calloc(p->nvms + 1, sizeof(*ix->by_name));
	if (ix->by_id == NULL || ix->by_name == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	for (i = 0; i < p->nvms; i++) {
		if (p->vms[i].name == NULL || p->vms[i].region == NULL)
			return perr_set(e, P_ENOMEM, "out of memory");
		ix->m[i].name = p->vms[i].name;
		ix->m[i].region = p->vms[i].region;
		ix->by_name[i] = &ix->m[i];
		if (ix->m[i].id)
			ix->by_id[ix->nid++] = &ix->m[i];
	}
	qsort(ix->by_id, ix->nid, sizeof(*ix->by_id), cmp_id);
	qsort(ix->by_name, ix->n, sizeof(*ix->by_name), cmp_name);
	if (match_month(s, p, ix, e))
		return e->code;
	for (i = 0; i < p->nvms; i++) {
		struct vm_match *m = &ix->m[i];
		int by_id = m->id && m->id_rows > 0;

		p->vms[i].has_billing = by_id || m->name_rows > 0;
		p->vms[i].billing_egress_bytes = by_id ? m->id_bytes :
		    m->name_bytes;
	}
	return P_OK;
}

static void
vm_index_free(struct vm_index *ix)
{
	free(ix->m);
	free(ix->by_id);
	free(ix->by_name);
}

static enum perr_code
load_vms(struct store *s, struct plan *p, struct perr *e)
{
	struct vm_index ix;
	struct strpool ids;	/* the instance ids, needed only here */
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	enum perr_code rc;
	int step = SQLITE_DONE;

	memset(&ix, 0, sizeof(ix));
	memset(&ids, 0, sizeof(ids));
	if ((rc = store_prepare(s, "SELECT name, zone, region, pair_label, "
				"instance_id FROM vm WHERE pair_label IS NOT "
				"NULL ORDER BY name, zone", &st, e)))
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct plan_vm *vm;
		struct vm_match *m;

		if (p->nvms == cap) {
			cap = cap ? cap * 2 : 64;
			vm = realloc(p->vms, cap * sizeof(*vm));
			m = realloc(ix.m, cap * sizeof(*m));
			if (vm)
				p->vms = vm;
			if (m)
				ix.m = m;
			if (vm == NULL || m == NULL) {
				rc = perr_set(e, P_ENOMEM, "out of memory");
				goto out;
			}
		}
		vm = &p->vms[p->nvms];
		memset(vm, 0, sizeof(*vm));
		memset(&ix.m[p->nvms], 0, sizeof(ix.m[0]));
		ix.m[p->nvms].id = strpool_add(&ids, col_text(st, 4));
		p->nvms++;
		/* Zones and regions repeat; names and labels do not. */
		vm->name = strpool_add(&p->strings, col_text(st, 0));
		vm->zone = strpool_intern(&p->strings, col_text(st, 1));
		vm->region = strpool_intern(&p->strings, col_text(st, 2));
		vm->pair_label = strpool_add(&p->strings, col_text(st, 3));
	}
	if (step != SQLITE_DONE)
		rc = store_fail(s, step, e, "reading the VMs");
	else if (ids.nomem || p->strings.nomem)
		rc = perr_set(e, P_ENOMEM, "out of memory");
	else
		rc = vms_egress(s, p, &ix, e);
out:
	sqlite3_finalize(st);
	vm_index_free(&ix);
	strpool_free(&ids);
	return rc;
}

enum perr_code
plan_load(struct store *s, const struct resolver *r, struct plan *p,
	  struct perr *e)
{
	if (month_parse(p->month, &p->start, &p->end))
		return perr_set(e, P_EUSAGE, "month '%s': expected YYYY-MM",
				p->month);
	/* The VMs first: matching their billing needs a temporary index
	 * (about 100 bytes a VM), freed before the GPUs take its place. */
	if (load_vms(s, p, e) || load_gpus(s, r, p, e))
		return e->code;
	if (plan_build(p))
		return perr_set(e, P_ENOMEM, "out of memory");
	return P_OK;
}
