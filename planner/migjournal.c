/*
 * migjournal.c - the migration journal's SQL.  See migjournal.h.
 *
 * Owned by the migration work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migjournal.h"

static void
col(sqlite3_stmt *st, int i, char *buf, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(buf, n, "%s", t ? (const char *)t : "");
}

static int
bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	return store_bind_text(st, i, s && *s ? s : NULL, -1);
}


/* Insert M as a new migration row; M->id is its row id. */
enum perr_code
mj_insert(struct store *s, struct migration *m, struct perr *e)
{
	sqlite3_stmt *st;
	char now[32];

	if (store_prepare(s, "INSERT INTO migration(uid, run_id, month, "
			  "project, vm_name, from_zone, from_region, gpu_id, "
			  "pair_value, best_region, best_zone, image_name, "
			  "state, started_at, savings_micro) VALUES (?,?,?,?,"
			  "?,?,?,?,?,?,?,?,?,?,?)", &st, e))
		return e->code;
	bind_opt(st, 1, m->uid);
	if (m->run_id)
		sqlite3_bind_int64(st, 2, m->run_id);
	bind_opt(st, 3, m->month);
	bind_opt(st, 4, m->project);
	bind_opt(st, 5, m->vm_name);
	bind_opt(st, 6, m->from_zone);
	bind_opt(st, 7, m->from_region);
	sqlite3_bind_int64(st, 8, m->gpu_id);
	bind_opt(st, 9, m->pair_value);
	bind_opt(st, 10, m->best_region);
	bind_opt(st, 11, m->best_zone);
	bind_opt(st, 12, m->image_name);
	bind_opt(st, 13, m->state);
	bind_opt(st, 14, store_now(now, sizeof(now)));
	sqlite3_bind_int64(st, 15, m->savings_micro);
	if (store_run(s, st, "journal: new migration", e))
		return e->code;
	m->id = sqlite3_last_insert_rowid(s->db);
	return P_OK;
}

/* Write M's state, new VM, latency and error (and finished_at with
 * FINISHED); one autocommitted statement. */
enum perr_code
mj_update(struct store *s, const struct migration *m, int finished,
	  struct perr *e)
{
	sqlite3_stmt *st;
	char now[32];

	if (store_prepare(s, "UPDATE migration SET state = ?1, new_name = ?2,"
			  " to_zone = ?3, to_region = ?4, latency_ms = ?5, "
			  "probe_loss = ?6, error = ?7, pair_value = ?8, "
			  "finished_at = CASE WHEN ?9 THEN ?10 ELSE "
			  "finished_at END WHERE id = ?11", &st, e))
		return e->code;
	bind_opt(st, 1, m->state);
	bind_opt(st, 2, m->new_name);
	bind_opt(st, 3, m->to_zone);
	bind_opt(st, 4, m->to_region);
	if (m->latency_ms >= 0)
		sqlite3_bind_double(st, 5, m->latency_ms);
	if (m->probe_loss >= 0)
		sqlite3_bind_double(st, 6, m->probe_loss);
	bind_opt(st, 7, m->error);
	bind_opt(st, 8, m->pair_value);
	sqlite3_bind_int(st, 9, finished);
	bind_opt(st, 10, store_now(now, sizeof(now)));
	sqlite3_bind_int64(st, 11, m->id);
	return store_run(s, st, "journal: migration state", e);
}

/* Columns common to mj_open and mj_candidates, from "m" (the journal,
 * absent for candidates), "v" (vm) and "g" (gpu). */
static void
read_inventory(sqlite3_stmt *st, int i, struct migration *m)
{
	col(st, i, m->ssh_host, sizeof(m->ssh_host));
	m->ssh_port = sqlite3_column_int(st, i + 1);
	m->local_ssd = sqlite3_column_int(st, i + 2);
	col(st, i + 3, m->machine_type, sizeof(m->machine_type));
}

static enum perr_code
grow(struct migration **v, size_t n, size_t *cap, struct perr *e)
{
	struct migration *nv;

	if (n < *cap)
		return P_OK;
	*cap = *cap ? *cap * 2 : 8;
	if ((nv = realloc(*v, *cap * sizeof(**v))) == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	*v = nv;
	return P_OK;
}

static void
read_open(sqlite3_stmt *st, struct migration *m)
{
	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(st, 0);
	col(st, 1, m->uid, sizeof(m->uid));
	m->run_id = sqlite3_column_int64(st, 2);
	col(st, 3, m->month, sizeof(m->month));
	col(st, 4, m->project, sizeof(m->project));
	col(st, 5, m->vm_name, sizeof(m->vm_name));
	col(st, 6, m->from_zone, sizeof(m->from_zone));
	col(st, 7, m->from_region, sizeof(m->from_region));
	m->gpu_id = sqlite3_column_int64(st, 8);
	col(st, 9, m->pair_value, sizeof(m->pair_value));
	col(st, 10, m->best_region, sizeof(m->best_region));
	col(st, 11, m->best_zone, sizeof(m->best_zone));
	col(st, 12, m->image_name, sizeof(m->image_name));
	col(st, 13, m->new_name, sizeof(m->new_name));
	col(st, 14, m->to_zone, sizeof(m->to_zone));
	col(st, 15, m->to_region, sizeof(m->to_region));
	col(st, 16, m->state, sizeof(m->state));
	m->savings_micro = sqlite3_column_int64(st, 17);
	m->latency_ms = sqlite3_column_type(st, 18) == SQLITE_NULL ? -1 :
	    sqlite3_column_double(st, 18);
	m->probe_loss = sqlite3_column_type(st, 19) == SQLITE_NULL ? -1 :
	    sqlite3_column_double(st, 19);
	read_inventory(st, 20, m);
}

/* The open moves, oldest first, with their VM's and GPU's inventory
 * facts; *V is malloc'd. */
enum perr_code
mj_open(struct store *s, struct migration **v, size_t *n, struct perr *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (store_prepare(s, "SELECT m.id, m.uid, m.run_id, m.month, "
			  "m.project, m.vm_name, m.from_zone, m.from_region, "
			  "m.gpu_id, m.pair_value, m.best_region, m.best_zone,"
			  " m.image_name, m.new_name, m.to_zone, m.to_region, "
			  "m.state, m.savings_micro, m.latency_ms, "
			  "m.probe_loss, g.ssh_host, g.ssh_port, v.local_ssd,"
			  " v.machine_type FROM migration m LEFT JOIN gpu g "
			  "ON g.vast_id = m.gpu_id LEFT JOIN vm v ON v.name = "
			  "m.vm_name AND v.zone = m.from_zone WHERE "
			  "m.finished_at IS NULL ORDER BY m.id", &st, e))
		return e->code;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (grow(v, *n, &cap, e)) {
			sqlite3_finalize(st);
			return e->code;
		}
		read_open(st, &(*v)[(*n)++]);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? P_OK : store_fail(s, rc, e,
						     "journal: open moves");
}

#define CANDIDATES \
	"SELECT p.cpu_name, p.cpu_zone, p.cpu_region, p.gpu_id, " \
	"p.best_region, p.best_zone, COALESCE(p.savings_micro, 0), " \
	"v.project, g.ssh_host, g.ssh_port, v.local_ssd, v.machine_type " \
	"FROM plan_pair p JOIN vm v ON v.name = p.cpu_name AND v.zone = " \
	"p.cpu_zone LEFT JOIN gpu g ON g.vast_id = p.gpu_id " \
	"WHERE p.month = ?1 AND p.cross_region = 1 AND p.confidence IN " \
	"('high', 'medium') AND p.best_region IS NOT NULL AND " \
	"p.best_zone IS NOT NULL AND NOT EXISTS (SELECT 1 FROM migration m " \
	"WHERE m.vm_name = p.cpu_name AND m.from_zone = p.cpu_zone AND " \
	"(m.finished_at IS NULL OR m.state = 'done')) " \
	"ORDER BY p.savings_micro DESC, p.cpu_name, p.cpu_zone"

static void
read_candidate(sqlite3_stmt *st, const char *month, struct migration *m)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->month, sizeof(m->month), "%s", month);
	col(st, 0, m->vm_name, sizeof(m->vm_name));
	col(st, 1, m->from_zone, sizeof(m->from_zone));
	col(st, 2, m->from_region, sizeof(m->from_region));
	m->gpu_id = sqlite3_column_int64(st, 3);
	col(st, 4, m->best_region, sizeof(m->best_region));
	col(st, 5, m->best_zone, sizeof(m->best_zone));
	m->savings_micro = sqlite3_column_int64(st, 6);
	col(st, 7, m->project, sizeof(m->project));
	read_inventory(st, 8, m);
	m->latency_ms = m->probe_loss = -1;
}

/* The wave's candidates from MONTH's plan (see migjournal.h); *V is
 * malloc'd. */
enum perr_code
mj_candidates(struct store *s, const char *month, struct migration **v,
	      size_t *n, struct perr *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (store_prepare(s, CANDIDATES, &st, e))
		return e->code;
	sqlite3_bind_text(st, 1, month, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (grow(v, *n, &cap, e)) {
			sqlite3_finalize(st);
			return e->code;
		}
		read_candidate(st, month, &(*v)[(*n)++]);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? P_OK : store_fail(s, rc, e,
						     "wave candidates");
}

/* Migration MID's steps in order; *V is malloc'd. */
enum perr_code
mj_steps(struct store *s, long long mid, struct mig_step **v, size_t *n,
	 struct perr *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (store_prepare(s, "SELECT id, step, region, zone, target, state, "
			  "class, code FROM migration_step WHERE "
			  "migration_id = ? ORDER BY id", &st, e))
		return e->code;
	sqlite3_bind_int64(st, 1, mid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct mig_step *x;

		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((x = realloc(*v, cap * sizeof(*x))) == NULL) {
				sqlite3_finalize(st);
				return perr_set(e, P_ENOMEM, "out of memory");
			}
			*v = x;
		}
		x = &(*v)[(*n)++];
		x->id = sqlite3_column_int64(st, 0);
		col(st, 1, x->step, sizeof(x->step));
		col(st, 2, x->region, sizeof(x->region));
		col(st, 3, x->zone, sizeof(x->zone));
		col(st, 4, x->target, sizeof(x->target));
		col(st, 5, x->state, sizeof(x->state));
		col(st, 6, x->cls, sizeof(x->cls));
		col(st, 7, x->code, sizeof(x->code));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? P_OK : store_fail(s, rc, e,
						     "journal: steps");
}

/* Journal a step as started, before it is taken; its row id in *ID. */
enum perr_code
mj_step_begin(struct store *s, long long mid, const char *step,
	      const char *region, const char *zone, const char *target,
	      const char *request_id, long long *id, struct perr *e)
{
	sqlite3_stmt *st;
	char now[32];

	if (store_prepare(s, "INSERT INTO migration_step(migration_id, step, "
			  "region, zone, target, request_id, state, "
			  "started_at) VALUES (?,?,?,?,?,?,'started',?)",
			  &st, e))
		return e->code;
	sqlite3_bind_int64(st, 1, mid);
	bind_opt(st, 2, step);
	bind_opt(st, 3, region);
	bind_opt(st, 4, zone);
	bind_opt(st, 5, target);
	bind_opt(st, 6, request_id);
	bind_opt(st, 7, store_now(now, sizeof(now)));
	if (store_run(s, st, "journal: step", e))
		return e->code;
	*id = sqlite3_last_insert_rowid(s->db);
	return P_OK;
}

/* Journal step ID's end: its state, class, code and detail. */
enum perr_code
mj_step_end(struct store *s, long long id, const char *state,
	    const char *cls, const char *code, const char *detail,
	    struct perr *e)
{
	sqlite3_stmt *st;
	char now[32];

	if (store_prepare(s, "UPDATE migration_step SET state = ?, class = ?,"
			  " code = ?, detail = ?, finished_at = ? WHERE id = ?",
			  &st, e))
		return e->code;
	bind_opt(st, 1, state);
	bind_opt(st, 2, cls);
	bind_opt(st, 3, code);
	bind_opt(st, 4, detail);
	bind_opt(st, 5, store_now(now, sizeof(now)));
	sqlite3_bind_int64(st, 6, id);
	return store_run(s, st, "journal: step end", e);
}

/* One latency_probe row per probe of R, in one transaction. */
enum perr_code
mj_probes(struct store *s, long long mid, const char *region,
	  const char *zone, const char *target, const char *vantage,
	  const struct probe_result *r, struct perr *e)
{
	sqlite3_stmt *st;
	char now[32];
	int i, rc = SQLITE_DONE;

	store_now(now, sizeof(now));
	if (store_begin(s, e))
		return e->code;
	if (store_prepare(s, "INSERT INTO latency_probe(migration_id, region,"
			  " zone, target, vantage, rtt_ms, measured_at) VALUES "
			  "(?,?,?,?,?,?,?)", &st, e)) {
		store_rollback(s);
		return e->code;
	}
	for (i = 0; i < r->sent && rc == SQLITE_DONE; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, mid);
		bind_opt(st, 2, region);
		bind_opt(st, 3, zone);
		bind_opt(st, 4, target);
		bind_opt(st, 5, vantage);
		if (i < r->ok)
			sqlite3_bind_double(st, 6, r->ms[i]);
		else
			sqlite3_bind_null(st, 6);
		bind_opt(st, 7, now);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fail(s, rc, e, "journal: latency probes");
		store_rollback(s);
		return e->code;
	}
	return store_commit(s, e);
}
