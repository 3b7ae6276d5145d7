/*
 * planout.c - the plan as JSON, as a summary, and as the month's
 * snapshot in the store.  See planrun.h.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonout.h"
#include "money.h"
#include "planrun.h"

/* ---- unmapped locations ------------------------------------------- */

void
plan_each_unmapped(const struct plan *p,
		   void (*fn)(void *ctx, const char *loc, long count),
		   void *ctx)
{
	size_t i;

	for (i = 0; i < p->nunmapped; i++)
		fn(ctx, p->unmapped[i].location, p->unmapped[i].count);
}

/* ---- JSON --------------------------------------------------------- */

/* A tiered schedule as [{"upto_gib": N|null, "usd_per_gb": P}...];
 * nothing for a flat one. */
static void
add_tiers(cJSON *o, const char *key, const struct rate_schedule *s)
{
	cJSON *a, *t;
	int i;

	if (s->n < 2)
		return;
	a = cJSON_AddArrayToObject(o, key);
	for (i = 0; i < s->n; i++) {
		t = cJSON_CreateObject();
		jout_gib(t, "upto_gib", s->t[i].upto_bytes,
			 s->t[i].upto_bytes != INT64_MAX);
		jout_rate(t, "usd_per_gb", s->t[i].micro_per_gib);
		cJSON_AddItemToArray(a, t);
	}
}

/* A string, or null when it is empty. */
static void
add_str_or_null(cJSON *o, const char *key, const char *v)
{
	jout_str(o, key, v && *v ? v : NULL);
}

static void
add_id(cJSON *o, const char *key, long long id)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", id);
	cJSON_AddStringToObject(o, key, buf);
}

static void
add_resolution(cJSON *o, const struct plan_place *r)
{
	add_str_or_null(o, "best_region", r->region);
	add_str_or_null(o, "best_zone", r->zone);
	cJSON_AddStringToObject(o, "method", r->method);
	jout_dec(o, "distance_km", (int64_t)(r->distance_km * 10 + .5), 1,
		 r->conf != CONF_NONE);
	jout_dec(o, "est_rtt_ms", (int64_t)(r->est_rtt_ms * 10 + .5), 1,
		 r->conf != CONF_NONE);
	cJSON_AddStringToObject(o, "confidence", confidence_name(r->conf));
}

static cJSON *
pair_json(const struct plan_pair *q)
{
	cJSON *o = cJSON_CreateObject();
	int ok = q->cross >= 0;

	add_id(o, "gpu_id", q->gpu->id);
	if (q->gpu->location)
		cJSON_AddStringToObject(o, "gpu_location", q->gpu->location);
	else
		cJSON_AddNullToObject(o, "gpu_location");
	add_resolution(o, q->gpu->res);
	cJSON_AddStringToObject(o, "cpu_name", q->vm->name);
	cJSON_AddStringToObject(o, "cpu_zone", q->vm->zone);
	cJSON_AddStringToObject(o, "cpu_region", q->vm->region);
	if (ok)
		cJSON_AddBoolToObject(o, "cross_region", q->cross);
	else
		cJSON_AddNullToObject(o, "cross_region");
	jout_gib(o, "egress_gb", q->egress_bytes, 1);
	cJSON_AddStringToObject(o, "egress_source",
				egress_source_name(q->source));
	jout_usd(o, "cost_usd", q->cost_micro, ok);
	jout_usd(o, "cost_after_usd", q->cost_after_micro, ok);
	jout_usd(o, "savings_usd", q->savings_micro, ok);
	return o;
}

static cJSON *
totals_json(const struct plan *p)
{
	const struct plan_totals *t = &p->t;
	cJSON *o = cJSON_CreateObject(), *src;
	long det = t->cross_pairs + t->same_pairs;
	enum egress_source i;

	cJSON_AddNumberToObject(o, "gpus", t->gpus);
	cJSON_AddNumberToObject(o, "pairs", t->pairs);
	cJSON_AddNumberToObject(o, "cross_region_pairs", t->cross_pairs);
	cJSON_AddNumberToObject(o, "same_region_pairs", t->same_pairs);
	cJSON_AddNumberToObject(o, "undetermined_pairs", t->undetermined);
	/* From the exact total: the lines, each rounded, may differ from
	 * it in the last digit. */
	jout_gib(o, "egress_gb", t->egress_bytes, 1);
	src = cJSON_AddObjectToObject(o, "egress_sources");
	for (i = EGRESS_GCP_BILLING; i <= EGRESS_ASSUMED; i++)
		cJSON_AddNumberToObject(src, egress_source_name(i),
					t->by_source[i]);
	jout_usd(o, "cost_usd", t->cost_micro, 1);
	jout_usd(o, "cost_after_usd", t->cost_after_micro, 1);
	jout_usd(o, "savings_usd", t->savings_micro, 1);
	/* The share of determined pairs already in place. */
	jout_dec(o, "hit_rate", det ? (t->same_pairs * 10000 + det / 2) / det :
		 0, 4, det > 0);
	return o;
}

/*
 * The plan is written as it is built, one list element at a time, so
 * that memory holds one element's text, not the whole document: a plan
 * of 100,000 pairs is a few hundred megabytes of JSON.
 */
struct jw {
	FILE *f;
	int n;		/* elements written in the current list */
	int bad;	/* a write or an allocation failed */
};

/* Write ITEM (consumed) as the next element of the open list. */
static void
jw_item(struct jw *w, cJSON *item)
{
	char *t = item ? cJSON_PrintUnformatted(item) : NULL;

	cJSON_Delete(item);
	if (t == NULL || fprintf(w->f, "%s\n  %s", w->n ? "," : "", t) < 0)
		w->bad = 1;
	w->n++;
	free(t);
}

/* Open the list KEY of the top-level object; jw_close ends it. */
static void
jw_open(struct jw *w, const char *key)
{
	if (fprintf(w->f, ",\n \"%s\": [", key) < 0)
		w->bad = 1;
	w->n = 0;
}

static void
jw_close(struct jw *w)
{
	if (fputs(w->n ? "\n ]" : "]", w->f) < 0)
		w->bad = 1;
}

/* Write "KEY": ITEM (consumed) as a member of the top-level object. */
static void
jw_member(struct jw *w, const char *key, cJSON *item)
{
	char *t = item ? cJSON_PrintUnformatted(item) : NULL;

	cJSON_Delete(item);
	if (t == NULL || fprintf(w->f, ",\n \"%s\": %s", key, t) < 0)
		w->bad = 1;
	free(t);
}

static void
unmapped_json(void *ctx, const char *loc, long count)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "location", loc);
	cJSON_AddNumberToObject(o, "count", count);
	jw_item(ctx, o);
}

static cJSON *
unpaired_gpu_json(const struct plan_gpu *g)
{
	cJSON *o = cJSON_CreateObject();

	add_id(o, "gpu_id", g->id);
	add_str_or_null(o, "gpu_location", g->location);
	add_resolution(o, g->res);
	return o;
}

static cJSON *
unpaired_vm_json(const struct plan_vm *v)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "cpu_name", v->name);
	cJSON_AddStringToObject(o, "cpu_zone", v->zone);
	cJSON_AddStringToObject(o, "pair_label", v->pair_label);
	cJSON_AddStringToObject(o, "reason", v->unpaired);
	return o;
}

static cJSON *
rates_json(const struct plan *p)
{
	cJSON *rates = cJSON_CreateObject();

	jout_rate(rates, "cross_region_usd_per_gb",
		  p->rates.cross.t[0].micro_per_gib);
	jout_rate(rates, "same_region_usd_per_gb",
		  p->rates.same.t[0].micro_per_gib);
	cJSON_AddStringToObject(rates, "unit", "GiB");
	add_tiers(rates, "cross_region_tiers", &p->rates.cross);
	add_tiers(rates, "same_region_tiers", &p->rates.same);
	return rates;
}

static void
write_lists(struct jw *w, const struct plan *p)
{
	struct plan_pair q;
	size_t i;

	jw_open(w, "pairs");
	for (i = 0; i < p->nvms && !w->bad; i++)
		if (plan_pair(p, i, &q))
			jw_item(w, pair_json(&q));
	jw_close(w);
	jw_member(w, "totals", totals_json(p));
	jw_open(w, "unpaired_gpus");
	for (i = 0; i < p->ngpus && !w->bad; i++)
		if (p->gpus[i].nvms == 0)
			jw_item(w, unpaired_gpu_json(&p->gpus[i]));
	jw_close(w);
	jw_open(w, "unpaired_cpus");
	for (i = 0; i < p->nvms && !w->bad; i++)
		if (p->vms[i].unpaired)
			jw_item(w, unpaired_vm_json(&p->vms[i]));
	jw_close(w);
	jw_open(w, "unmapped_locations");
	plan_each_unmapped(p, unmapped_json, w);
	jw_close(w);
}

enum perr_code
plan_write_json(const struct plan *p, FILE *f, struct perr *e)
{
	struct jw w = { f, 0, 0 };
	cJSON *month = cJSON_CreateString(p->month);
	char *t = month ? cJSON_PrintUnformatted(month) : NULL;

	cJSON_Delete(month);
	if (t == NULL || fprintf(f, "{\"month\": %s", t) < 0)
		w.bad = 1;
	free(t);
	jw_member(&w, "rates", rates_json(p));
	write_lists(&w, p);
	if (fputs("\n}\n", f) < 0)
		w.bad = 1;
	return w.bad ? perr_set(e, P_EIO, "writing the plan failed") : P_OK;
}

/* ---- summary ------------------------------------------------------ */

/* V at SCALE decimals with thousands separators, for people only. */
static const char *
pretty(int64_t v, int scale, char *buf, size_t n)
{
	char raw[40];

	return dec_group(dec_format(v, scale, raw, sizeof(raw)), buf, n);
}

static void
note_unmapped(void *ctx, const char *loc, long count)
{
	(void)loc;
	*(long *)ctx += count;
}

static int
has_unmapped(const struct plan *p)
{
	long n = 0;

	plan_each_unmapped(p, note_unmapped, &n);
	return n > 0;
}

/* S for a terminal: control bytes (escape sequences) become '?'. */
static const char *
printable(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < n; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i];
	buf[i] = '\0';
	return buf;
}

static void
summary_unmapped(void *ctx, const char *loc, long count)
{
	char buf[160];

	fprintf(ctx, "    %-30s %ld GPU%s\n",
		*loc ? printable(loc, buf, sizeof(buf)) : "(empty)", count,
		count == 1 ? "" : "s");
}

/* Whether X comes after Y among the moves: less saved, then by name. */
static int
by_savings(const struct plan_pair *x, const struct plan_pair *y)
{
	if (x->savings_micro != y->savings_micro)
		return x->savings_micro < y->savings_micro ? 1 : -1;
	return strcmp(x->vm->name, y->vm->name);
}

#define TOP_MOVES	5

/*
 * The few moves worth the most, so the summary says where to start.
 * Only the best TOP_MOVES are kept while the pairs go by, each put
 * after those it does not beat: the same as sorting them all stably
 * and taking the first few, without an array of every pair.
 */
static void
summary_top_moves(const struct plan *p, FILE *f)
{
	struct plan_pair top[TOP_MOVES], q;
	size_t i, k, n = 0;
	char a[48], name[80], loc[160];

	for (i = 0; i < p->nvms; i++) {
		if (!plan_pair(p, i, &q) || q.cross != 1)
			continue;
		for (k = n; k > 0 && by_savings(&top[k - 1], &q) > 0; k--)
			;
		if (k == TOP_MOVES)
			continue;
		if (n < TOP_MOVES)
			n++;
		memmove(&top[k + 1], &top[k], (n - 1 - k) * sizeof(top[0]));
		top[k] = q;
	}
	if (n)
		fprintf(f, "  largest savings:\n");
	for (i = 0; i < n; i++)
		fprintf(f, "    %-20s %s -> %s  $%s  (GPU %lld, %s)\n",
			printable(top[i].vm->name, name, sizeof(name)),
			top[i].vm->region, top[i].gpu->res->region,
			pretty(dec_rescale(top[i].savings_micro, 6, 2), 2, a,
			       sizeof(a)), top[i].gpu->id,
			printable(top[i].gpu->location ? top[i].gpu->location :
				  "?", loc, sizeof(loc)));
}

void
plan_write_summary(const struct plan *p, FILE *f)
{
	const struct plan_totals *t = &p->t;
	long det = t->cross_pairs + t->same_pairs;
	char a[48], b[48];

	fprintf(f, "Plan for %s (rate card: $%s/GiB across regions, "
		"$%s/GiB within one)\n", p->month,
		dec_trim(dec_format(p->rates.cross.t[0].micro_per_gib, 6, a,
				    sizeof(a))),
		dec_trim(dec_format(p->rates.same.t[0].micro_per_gib, 6, b,
				    sizeof(b))));
	if (p->rates.cross.n > 1 || p->rates.same.n > 1)
		fprintf(f, "  (tiered: the first tier's price is shown; see "
			"the plan JSON)\n");
	fprintf(f, "  GPUs                %6ld  (%ld without a CPU VM)\n",
		t->gpus, t->unpaired_gpus);
	fprintf(f, "  pairs               %6ld  (%ld cross-region, %ld same "
		"region, %ld undetermined)\n", t->pairs, t->cross_pairs,
		t->same_pairs, t->undetermined);
	fprintf(f, "  unpaired CPU VMs    %6ld\n", t->unpaired_vms);
	fprintf(f, "  egress              %s GiB (all pairs)\n",
		pretty(bytes_to_milli_gib(t->egress_bytes), 3, a, sizeof(a)));
	if (t->by_source[EGRESS_VAST_BILLING] || t->by_source[EGRESS_ASSUMED])
		fprintf(f, "    from              %ld pairs GCP billing, %ld "
			"Vast charges, %ld assumed (%s GiB/day)\n",
			t->by_source[EGRESS_GCP_BILLING],
			t->by_source[EGRESS_VAST_BILLING],
			t->by_source[EGRESS_ASSUMED],
			pretty(p->assumed_bytes_per_day * 1000 / BYTES_PER_GIB,
			       3, b, sizeof(b)));
	fprintf(f, "  cost now            $%s\n",
		pretty(dec_rescale(t->cost_micro, 6, 2), 2, a, sizeof(a)));
	fprintf(f, "  cost after moves    $%s\n",
		pretty(dec_rescale(t->cost_after_micro, 6, 2), 2, a,
		       sizeof(a)));
	fprintf(f, "  savings             $%s per month\n",
		pretty(dec_rescale(t->savings_micro, 6, 2), 2, a, sizeof(a)));
	if (det)
		fprintf(f, "  hit rate            %5.1f %%  (%ld of %ld "
			"determined pairs in the same region)\n",
			100.0 * (double)t->same_pairs / (double)det,
			t->same_pairs, det);
	else
		fprintf(f, "  hit rate            n/a (no determined pairs)\n");
	summary_top_moves(p, f);
	fprintf(f, "  unmapped locations:%s\n", p->t.gpus && has_unmapped(p) ?
		"" : " none");
	plan_each_unmapped(p, summary_unmapped, f);
}

/* ---- snapshot ----------------------------------------------------- */

static enum perr_code
save_run(struct store *s, const struct plan *p, const char *now,
	 struct perr *e)
{
	sqlite3_stmt *st;

	if (store_prepare(s, "INSERT INTO plan_run VALUES "
			  "(?,?,?,?,?,?,?,?,?,?,?,?)", &st, e))
		return e->code;
	sqlite3_bind_text(st, 1, p->month, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, p->rates.cross.t[0].micro_per_gib);
	sqlite3_bind_int64(st, 4, p->rates.same.t[0].micro_per_gib);
	sqlite3_bind_int64(st, 5, p->t.gpus);
	sqlite3_bind_int64(st, 6, p->t.pairs);
	sqlite3_bind_int64(st, 7, p->t.cross_pairs);
	sqlite3_bind_int64(st, 8, p->t.undetermined);
	sqlite3_bind_int64(st, 9, p->t.egress_bytes);
	sqlite3_bind_int64(st, 10, p->t.cost_micro);
	sqlite3_bind_int64(st, 11, p->t.cost_after_micro);
	sqlite3_bind_int64(st, 12, p->t.savings_micro);
	return store_run(s, st, "saving the plan", e);
}

static void
bind_money(sqlite3_stmt *st, int i, int64_t v, int valid)
{
	if (valid)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static int
save_pair(sqlite3_stmt *st, const char *month, const struct plan_pair *q)
{
	const struct plan_place *r = q->gpu->res;
	int ok = q->cross >= 0;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, month, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, q->vm->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, q->vm->zone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, q->gpu->id);
	store_bind_text(st, 5, q->gpu->location, -1);
	store_bind_text(st, 6, r->region[0] ? r->region : NULL, -1);
	store_bind_text(st, 7, r->zone[0] ? r->zone : NULL, -1);
	sqlite3_bind_text(st, 8, r->method, -1, SQLITE_STATIC);
	if (r->conf != CONF_NONE)
		sqlite3_bind_double(st, 9, r->distance_km);
	else
		sqlite3_bind_null(st, 9);
	sqlite3_bind_text(st, 10, confidence_name(r->conf), -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 11, q->vm->region, -1, SQLITE_STATIC);
	if (ok)
		sqlite3_bind_int(st, 12, q->cross);
	else
		sqlite3_bind_null(st, 12);
	sqlite3_bind_int64(st, 13, q->egress_bytes);
	sqlite3_bind_text(st, 14, egress_source_name(q->source), -1,
			  SQLITE_STATIC);
	bind_money(st, 15, q->cost_micro, ok);
	bind_money(st, 16, q->cost_after_micro, ok);
	bind_money(st, 17, q->savings_micro, ok);
	return sqlite3_step(st);
}

struct unmapped_ctx {
	sqlite3_stmt *st;
	const char *now;
	int rc;
};

static void
save_unmapped(void *ctx, const char *loc, long count)
{
	struct unmapped_ctx *u = ctx;

	sqlite3_reset(u->st);
	sqlite3_bind_text(u->st, 1, loc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(u->st, 2, count);
	sqlite3_bind_text(u->st, 3, u->now, -1, SQLITE_STATIC);
	if (sqlite3_step(u->st) != SQLITE_DONE)
		u->rc = 1;
}

static enum perr_code
save_pairs(struct store *s, const struct plan *p, const char *now,
	   struct perr *e)
{
	sqlite3_stmt *st = NULL, *um = NULL;
	struct unmapped_ctx u = { NULL, now, 0 };
	struct plan_pair q;
	size_t i;
	enum perr_code rc;

	if ((rc = store_prepare(s, "INSERT INTO plan_pair VALUES "
				"(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &st,
				e)) ||
	    (rc = store_prepare(s, "INSERT INTO unmapped_location VALUES "
				"(?1, ?2, ?3, ?3) ON CONFLICT(location) DO "
				"UPDATE SET count = ?2, last_seen = ?3",
				&um, e)))
		goto out;
	for (i = 0; i < p->nvms; i++)
		if (plan_pair(p, i, &q) &&
		    save_pair(st, p->month, &q) != SQLITE_DONE) {
			rc = store_fail(s, SQLITE_ERROR, e, "saving a pair");
			goto out;
		}
	u.st = um;
	plan_each_unmapped(p, save_unmapped, &u);
	if (u.rc)
		rc = store_fail(s, SQLITE_ERROR, e, "saving unmapped");
out:
	sqlite3_finalize(st);
	sqlite3_finalize(um);
	return rc;
}

enum perr_code
plan_save(struct store *s, const struct plan *p, struct perr *e)
{
	char now[32];
	sqlite3_stmt *st;

	store_now(now, sizeof(now));
	if (store_begin(s, e))
		return e->code;
	if (store_prepare(s, "DELETE FROM plan_run WHERE month = ?", &st, e))
		goto fail;
	sqlite3_bind_text(st, 1, p->month, -1, SQLITE_STATIC);
	if (store_run(s, st, "replacing the plan", e) ||
	    save_run(s, p, now, e) || save_pairs(s, p, now, e) ||
	    store_commit(s, e))
		goto fail;
	return P_OK;
fail:
	store_rollback(s);
	return e->code;
}
