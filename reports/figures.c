/*
 * figures.c - the report's figures from the database.  See figures.h.
 *
 * Owned by the report work.  Each query is a file sql/report_*.sql
 * compiled into the binary; parameters are bound by name (:month,
 * :name), so the same files run unchanged in the sqlite3 shell (the
 * tests do that to check the report against them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed.h"
#include "figures.h"
#include "regions.h"
#include "resolve.h"
#include "rtext.h"

/* What a row callback needs besides the statement. */
struct loader {
	struct report_figures *f;
	const struct resolver *res;	/* for the map links */
	int oom;
	struct {			/* allocated lengths of f's arrays */
		size_t months, region_pairs, latency, cross, unpriced;
		size_t unmapped, alerts, migrations, links;
	} cap;
};

typedef int (*row_fn)(sqlite3_stmt *st, struct loader *l);

/* ---- statements -------------------------------------------------- */

/* Prepare the embedded query NAME ("report_summary") and bind :month
 * and :name where the query has them. */
static enum perr_code
query_prepare(struct store *s, const char *name, const char *month,
	      const char *tname, sqlite3_stmt **st, struct perr *e)
{
	const struct embedded_file *q;
	char path[64];
	int i;

	snprintf(path, sizeof(path), "sql/%s.sql", name);
	if ((q = embed_find(path)) == NULL)
		return perr_set(e, P_EDATA, "%s: not built into this binary",
				path);
	if (store_prepare(s, (const char *)q->data, st, e)) {
		perr_prefix(e, "%s", path);
		return e->code;
	}
	if ((i = sqlite3_bind_parameter_index(*st, ":month")) > 0)
		sqlite3_bind_text(*st, i, month, -1, SQLITE_TRANSIENT);
	if ((i = sqlite3_bind_parameter_index(*st, ":name")) > 0)
		sqlite3_bind_text(*st, i, tname, -1, SQLITE_TRANSIENT);
	return P_OK;
}

/* Run query NAME, calling FN for each row. */
static enum perr_code
query_run(struct store *s, const char *name, const char *month,
	  row_fn fn, struct loader *l, struct perr *e)
{
	sqlite3_stmt *st;
	int rc;

	if (query_prepare(s, name, month, NULL, &st, e))
		return e->code;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(st, l) || l->oom) {
			sqlite3_finalize(st);
			return perr_set(e, P_ENOMEM, "%s: out of memory",
					name);
		}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, e, name);
	return P_OK;
}

/* *YES = whether the database has table TNAME. */
static enum perr_code
has_table(struct store *s, const char *tname, int *yes, struct perr *e)
{
	sqlite3_stmt *st;
	int rc;

	if (query_prepare(s, "report_has_table", NULL, tname, &st, e))
		return e->code;
	rc = sqlite3_step(st);
	*yes = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? P_OK :
	    store_fail(s, rc, e, "report_has_table");
}

/* ---- columns ----------------------------------------------------- */

static char *
col_str(sqlite3_stmt *st, int i, struct loader *l)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	if (s == NULL)
		return NULL;
	return rtext_dup(s, (size_t)sqlite3_column_bytes(st, i), &l->oom);
}

/* Copy column I into BUF of N bytes ("" for NULL), made safe. */
static void
col_copy(sqlite3_stmt *st, int i, char *buf, size_t n, struct loader *l)
{
	char *s = col_str(st, i, l);

	snprintf(buf, n, "%s", s ? s : "");
	free(s);
}

#define col_i64(st, i)	((int64_t)sqlite3_column_int64(st, i))
#define col_long(st, i)	((long)sqlite3_column_int64(st, i))
#define col_null(st, i)	(sqlite3_column_type(st, i) == SQLITE_NULL)

/* Make room for one more element in *V (N used, *CAP allocated, SIZE
 * bytes each); the new element is zeroed.  Returns it, or NULL. */
static void *
grow(void **v, size_t n, size_t *cap, size_t size)
{
	void *nv;

	if (n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;

		if ((nv = realloc(*v, ncap * size)) == NULL)
			return NULL;
		*v = nv;
		*cap = ncap;
	}
	nv = (char *)*v + n * size;
	memset(nv, 0, size);
	return nv;
}

/* A new zeroed element at the end of L->f->ARR (counted by N, its
 * allocated length in L->cap.C), or NULL; the caller counts it. */
#define APPEND(l, arr, n, c) grow((void **)&(l)->f->arr, (l)->f->n, \
				  &(l)->cap.c, sizeof(*(l)->f->arr))

/* ---- the summary ------------------------------------------------- */

static int
summary_row(sqlite3_stmt *st, struct loader *l)
{
	struct report_figures *f = l->f;

	f->has_plan = sqlite3_column_int(st, 1);
	col_copy(st, 2, f->plan_created_at, sizeof(f->plan_created_at), l);
	f->rate_cross_micro = col_i64(st, 3);
	f->rate_same_micro = col_i64(st, 4);
	f->gpus = col_long(st, 5);
	f->pairs = col_long(st, 6);
	f->cross = col_long(st, 7);
	f->same = col_long(st, 8);
	f->undetermined = col_long(st, 9);
	f->has_hit_rate = !col_null(st, 10);
	f->hit_bp = col_long(st, 10);
	f->egress_bytes = col_i64(st, 11);
	f->cost_micro = col_i64(st, 12);
	f->cost_after_micro = col_i64(st, 13);
	f->savings_micro = col_i64(st, 14);
	col_copy(st, 15, f->first_month, sizeof(f->first_month), l);
	f->months_on_record = col_long(st, 16);
	f->projected_since_micro = col_i64(st, 17);
	f->src_gcp = col_long(st, 18);
	f->src_vast = col_long(st, 19);
	f->src_assumed = col_long(st, 20);
	return 0;
}

static int
realised_row(sqlite3_stmt *st, struct loader *l)
{
	l->f->realised_micro = col_i64(st, 0);
	l->f->realised_since_micro = col_i64(st, 1);
	return 0;
}

/* ---- the trend --------------------------------------------------- */

static int
month_row(sqlite3_stmt *st, struct loader *l)
{
	struct rf_month *m = APPEND(l, months, nmonths, months);

	if (m == NULL)
		return -1;
	l->f->nmonths++;
	col_copy(st, 0, m->month, sizeof(m->month), l);
	m->has_plan = sqlite3_column_int(st, 1);
	m->pairs = col_long(st, 2);
	m->cross = col_long(st, 3);
	m->same = col_long(st, 4);
	m->undetermined = col_long(st, 5);
	m->has_hit_rate = !col_null(st, 6);
	m->hit_bp = col_long(st, 6);
	m->egress_bytes = col_i64(st, 7);
	m->cost_micro = col_i64(st, 8);
	m->projected_micro = col_i64(st, 9);
	return 0;
}

/* Realised savings per month: matched to the trend's months by name. */
static int
month_realised_row(sqlite3_stmt *st, struct loader *l)
{
	const char *m = (const char *)sqlite3_column_text(st, 0);
	size_t i;

	for (i = 0; m && i < l->f->nmonths; i++)
		if (strcmp(l->f->months[i].month, m) == 0)
			l->f->months[i].realised_micro = col_i64(st, 1);
	return 0;
}

/* ---- tables ------------------------------------------------------ */

static int
region_pair_row(sqlite3_stmt *st, struct loader *l)
{
	struct rf_region_pair *r;

	r = APPEND(l, region_pairs, nregion_pairs, region_pairs);
	if (r == NULL)
		return -1;
	l->f->nregion_pairs++;
	r->from_region = col_str(st, 1, l);
	r->to_region = col_str(st, 2, l);
	r->other = col_null(st, 1);
	r->region_pairs = col_long(st, 3);
	r->pairs = col_long(st, 4);
	r->egress_bytes = col_i64(st, 5);
	r->cost_micro = col_i64(st, 6);
	r->savings_micro = col_i64(st, 7);
	return 0;
}

static int
latency_row(sqlite3_stmt *st, struct loader *l)
{
	struct rf_latency *r = APPEND(l, latency, nlatency, latency);

	if (r == NULL)
		return -1;
	l->f->nlatency++;
	r->region = col_str(st, 0, l);
	r->samples = col_long(st, 1);
	r->lost = col_long(st, 2);
	r->median_ms = sqlite3_column_double(st, 3);
	r->p95_ms = sqlite3_column_double(st, 4);
	return 0;
}

static int
pair_cross_row(sqlite3_stmt *st, struct loader *l)
{
	struct rf_pair *p = APPEND(l, pairs_cross, npairs_cross, cross);

	if (p == NULL)
		return -1;
	l->f->npairs_cross++;
	p->gpu_id = sqlite3_column_int64(st, 0);
	p->gpu_location = col_str(st, 1, l);
	p->best_region = col_str(st, 2, l);
	p->best_zone = col_str(st, 3, l);
	p->method = col_str(st, 4, l);
	p->confidence = col_str(st, 5, l);
	p->cpu_name = col_str(st, 6, l);
	p->cpu_zone = col_str(st, 7, l);
	p->cpu_region = col_str(st, 8, l);
	p->egress_bytes = col_i64(st, 9);
	p->egress_source = col_str(st, 10, l);
	p->cost_micro = col_i64(st, 11);
	p->cost_after_micro = col_i64(st, 12);
	p->savings_micro = col_i64(st, 13);
	return 0;
}

static int
pair_unpriced_row(sqlite3_stmt *st, struct loader *l)
{
	struct rf_pair *p;

	p = APPEND(l, pairs_unpriced, npairs_unpriced, unpriced);
	if (p == NULL)
		return -1;
	l->f->npairs_unpriced++;
	p->gpu_id = sqlite3_column_int64(st, 0);
	p->gpu_location = col_str(st, 1, l);
	p->method = col_str(st, 2, l);
	p->confidence = col_str(st, 3, l);
	p->cpu_name = col_str(st, 4, l);
	p->cpu_zone = col_str(st, 5, l);
	p->cpu_region = col_str(st, 6, l);
	p->egress_bytes = col_i64(st, 7);
	p->egress_source = col_str(st, 8, l);
	return 0;
}

static int
unmapped_row(sqlite3_stmt *st, struct loader *l)
{
	struct rf_unmapped *u = APPEND(l, unmapped, nunmapped, unmapped);

	if (u == NULL)
		return -1;
	l->f->nunmapped++;
	u->location = col_str(st, 0, l);
	u->count = col_long(st, 1);
	u->first_seen = col_str(st, 2, l);
	u->last_seen = col_str(st, 3, l);
	return 0;
}

static int
alert_row(sqlite3_stmt *st, struct loader *l)
{
	struct rf_alert *a = APPEND(l, alerts, nalerts, alerts);

	if (a == NULL)
		return -1;
	l->f->nalerts++;
	a->kind = col_str(st, 0, l);
	a->subject = col_str(st, 1, l);
	a->message = col_str(st, 2, l);
	a->times = col_long(st, 3);
	a->first_raised = col_str(st, 4, l);
	a->last_raised = col_str(st, 5, l);
	return 0;
}

static int
migration_row(sqlite3_stmt *st, struct loader *l)
{
	struct rf_migration *m;

	m = APPEND(l, migrations, nmigrations, migrations);
	if (m == NULL)
		return -1;
	l->f->nmigrations++;
	m->vm_name = col_str(st, 0, l);
	m->from_zone = col_str(st, 1, l);
	m->to_zone = col_str(st, 2, l);
	m->finished_at = col_str(st, 3, l);
	m->savings_micro = col_i64(st, 4);
	return 0;
}

/* ---- the map ----------------------------------------------------- */

/* Where the GPU is: its location resolved to a point, else the centre
 * of its best region.  Returns 0, or -1 when neither is known. */
static int
gpu_point(const struct resolver *r, const char *loc, const char *region,
	  double *lat, double *lon)
{
	const struct gcp_region *g;
	struct resolution res;

	if (loc != NULL) {
		resolver_resolve(r, loc, &res);
		if (res.located) {
			*lat = res.lat;
			*lon = res.lon;
			return 0;
		}
	}
	g = region ? regions_find(resolver_regions(r), region) : NULL;
	if (g == NULL)
		return -1;
	*lat = g->lat;
	*lon = g->lon;
	return 0;
}

static int
link_row(sqlite3_stmt *st, struct loader *l)
{
	const char *loc = (const char *)sqlite3_column_text(st, 0);
	const char *best = (const char *)sqlite3_column_text(st, 1);
	const char *vmr = (const char *)sqlite3_column_text(st, 2);
	const struct gcp_region *g;
	struct rf_link k, *p;

	k.pairs = col_long(st, 4);
	k.cross = sqlite3_column_int(st, 3) != 0;
	g = vmr ? regions_find(resolver_regions(l->res), vmr) : NULL;
	if (g == NULL ||
	    gpu_point(l->res, loc, best, &k.gpu_lat, &k.gpu_lon)) {
		l->f->links_unplaced += k.pairs;
		return 0;
	}
	k.vm_lat = g->lat;
	k.vm_lon = g->lon;
	if ((p = APPEND(l, links, nlinks, links)) == NULL)
		return -1;
	*p = k;
	l->f->nlinks++;
	return 0;
}

/* ---- loading ----------------------------------------------------- */

/* The queries that need a journal, when it is there. */
static enum perr_code
load_journals(struct store *s, const char *month, struct loader *l,
	      struct perr *e)
{
	struct report_figures *f = l->f;

	if (has_table(s, "migration", &f->has_migration_journal, e) ||
	    has_table(s, "latency_probe", &f->has_latency_journal, e))
		return e->code;
	if (f->has_migration_journal &&
	    (query_run(s, "report_realised", month, realised_row, l, e) ||
	     query_run(s, "report_months_realised", month,
		       month_realised_row, l, e) ||
	     query_run(s, "report_migrations", month, migration_row, l, e)))
		return e->code;
	if (f->has_latency_journal &&
	    query_run(s, "report_latency", month, latency_row, l, e))
		return e->code;
	return P_OK;
}

/* Every query, in turn; stops at the first failure. */
static enum perr_code
load_all(struct store *s, const char *month, struct loader *l,
	 struct perr *e)
{
	static const struct {
		const char *name;
		row_fn fn;
	} q[] = {
		{ "report_summary", summary_row },
		{ "report_months", month_row },
		{ "report_region_pairs", region_pair_row },
		{ "report_pairs", pair_cross_row },
		{ "report_unpriced", pair_unpriced_row },
		{ "report_unmapped", unmapped_row },
		{ "report_alerts", alert_row },
		{ "report_links", link_row },
	};
	size_t i;

	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		if (query_run(s, q[i].name, month, q[i].fn, l, e))
			return e->code;
	return load_journals(s, month, l, e);
}

/* Run every report query for MONTH into F (zeroed by the
 * caller); F holds what was loaded even on failure. */
enum perr_code
figures_load(struct store *s, const char *month, struct report_figures *f,
	     struct perr *e)
{
	struct loader l;
	struct resolver *r = NULL;
	enum perr_code rc;

	memset(&l, 0, sizeof(l));
	l.f = f;
	snprintf(f->month, sizeof(f->month), "%s", month);
	store_now(f->generated_at, sizeof(f->generated_at));
	if ((rc = resolver_open(&r, e)) != P_OK)
		return rc;
	l.res = r;
	rc = load_all(s, month, &l, e);
	resolver_free(r);
	return rc;
}

/* The latest planned month, or P_EUSAGE when there is
 * none (the caller must then be told to give --month). */
enum perr_code
figures_latest_month(struct store *s, char *buf, size_t n, struct perr *e)
{
	sqlite3_stmt *st;
	const unsigned char *m;
	int rc;

	if (query_prepare(s, "report_latest_month", NULL, NULL, &st, e))
		return e->code;
	rc = sqlite3_step(st);
	m = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
	if (m != NULL)
		snprintf(buf, n, "%s", (const char *)m);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, rc, e, "report_latest_month");
	if (m == NULL)
		return perr_set(e, P_EUSAGE, "database '%s' holds no plan; "
				"run the nightly job first, or give --month",
				s->path);
	return P_OK;
}

/* ---- release ----------------------------------------------------- */

static void
pair_free(struct rf_pair *p)
{
	free(p->gpu_location);
	free(p->best_region);
	free(p->best_zone);
	free(p->method);
	free(p->confidence);
	free(p->cpu_name);
	free(p->cpu_zone);
	free(p->cpu_region);
	free(p->egress_source);
}

static void
lists_free(struct report_figures *f)
{
	size_t i;

	for (i = 0; i < f->nunmapped; i++) {
		free(f->unmapped[i].location);
		free(f->unmapped[i].first_seen);
		free(f->unmapped[i].last_seen);
	}
	for (i = 0; i < f->nalerts; i++) {
		free(f->alerts[i].kind);
		free(f->alerts[i].subject);
		free(f->alerts[i].message);
		free(f->alerts[i].first_raised);
		free(f->alerts[i].last_raised);
	}
	for (i = 0; i < f->nmigrations; i++) {
		free(f->migrations[i].vm_name);
		free(f->migrations[i].from_zone);
		free(f->migrations[i].to_zone);
		free(f->migrations[i].finished_at);
	}
}

/* Free every array and string of F and zero it. */
void
figures_release(struct report_figures *f)
{
	size_t i;

	for (i = 0; i < f->nregion_pairs; i++) {
		free(f->region_pairs[i].from_region);
		free(f->region_pairs[i].to_region);
	}
	for (i = 0; i < f->nlatency; i++)
		free(f->latency[i].region);
	for (i = 0; i < f->npairs_cross; i++)
		pair_free(&f->pairs_cross[i]);
	for (i = 0; i < f->npairs_unpriced; i++)
		pair_free(&f->pairs_unpriced[i]);
	lists_free(f);
	free(f->months);
	free(f->region_pairs);
	free(f->latency);
	free(f->pairs_cross);
	free(f->pairs_unpriced);
	free(f->unmapped);
	free(f->alerts);
	free(f->migrations);
	free(f->links);
	memset(f, 0, sizeof(*f));
}
