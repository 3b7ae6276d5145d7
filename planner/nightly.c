/*
 * nightly.c - one unattended run, start to end.  See nightly.h.
 *
 * Order: take the run lock, open the database, record the run, import
 * the named files and the new files found by the glob patterns (each in
 * its own transaction), plan the month, then report: alerts to stderr,
 * the database and the webhook; metrics to the textfile; the summary to
 * stdout.  A refused file stops the run before planning (exit 1), since a
 * plan from half the inputs would mislead.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "ghttp.h"
#include "import.h"
#include "log.h"
#include "metrics.h"
#include "migrate.h"
#include "outfile.h"
#include "money.h"
#include "nightly.h"
#include "planrun.h"
#include "resolve.h"
#include "runctl.h"
#include "sha256.h"
#include "store.h"

struct run {
	const struct options *o;
	struct store store;
	struct resolver *resolver;
	struct alerts alerts;
	struct plan plan;
	int planned;
	struct migrate *wave;	/* with --migrate */
	long long run_id;
	long long rows_imported, rows_rejected;
	long unmapped;
	int refused;		/* input files refused whole */
	struct timespec t0;
};

static int
exit_for(enum perr_code c)
{
	switch (c) {
	case P_EUSAGE:
		return EXIT_USAGE;
	case P_ELOCKED:
		return EXIT_LOCKED;
	default:
		return EXIT_FAILURE_RT;
	}
}

static int64_t
elapsed_ms(const struct run *r)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)(t.tv_sec - r->t0.tv_sec) * 1000 +
	    (t.tv_nsec - r->t0.tv_nsec) / 1000000;
}

/* ---- imports ------------------------------------------------------ */

static void
on_reject(void *ctx, const char *msg)
{
	struct run *r = ctx;

	log_error("rejected: %s", msg);
	alerts_add(&r->alerts, "rejected-row", NULL, "%s", msg);
}

static enum perr_code
import_one(struct run *r, enum import_kind kind, const char *path,
	   const char *sha, struct perr *e)
{
	struct import_opts io = { r->o->keep_going, r->o->pair_label ?
				  r->o->pair_label : "paired-gpu", on_reject,
				  r, sha, 0, 0 };
	struct import_result res;

	if (import_path(&r->store, kind, path, &io, &res, e)) {
		if (runctl_stopped())
			perr_set(e, P_ESTOPPED, "stopped by signal %d while "
				 "importing '%s'; that file was rolled back",
				 runctl_stopped(), path);
		else
			perr_prefix(e, "import refused, database unchanged "
				    "by '%s'", path);
		return e->code;
	}
	r->rows_imported += res.rows_new;
	r->rows_rejected += res.rows_rejected;
	if (res.note)
		log_warn("%s: %s", path, res.note);
	log_info("%s: %s, %lld rows read, %lld new or changed, %lld "
		 "rejected%s", path, res.format, res.rows_read, res.rows_new,
		 res.rows_rejected, res.reread ? " (read a second time, by "
		 "the one-thread reader)" : "");
	return P_OK;
}

/* After one file's import: a refusal is reported and counted, and the
 * run goes on to the next file; only a stop request ends it here.
 * Returns nonzero when the caller must stop. */
static int
survive(struct run *r, enum perr_code rc, struct perr *e)
{
	if (rc == P_OK)
		return 0;
	if (rc == P_ESTOPPED || runctl_stopped())
		return 1;
	log_error("%s", e->msg);
	alerts_add(&r->alerts, "refused-file", NULL, "%s", e->msg);
	r->refused++;
	e->code = P_OK;
	return 0;
}

static enum perr_code
hash_file(const char *path, char hex[65], struct perr *e)
{
	unsigned char buf[65536];
	struct sha256 h;
	long long size;
	FILE *f;
	size_t n;

	if (import_open(path, &f, &size, e))
		return e->code;
	sha256_init(&h);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sha256_update(&h, buf, n);
	n = (size_t)ferror(f);
	fclose(f);
	if (n)
		return perr_set(e, P_EIO, "%s: read error", path);
	sha256_final_hex(&h, hex);
	return P_OK;
}

/* Import a discovered file unless its content was seen: for billing,
 * in any earlier import; for an inventory, in the latest one only. */
static enum perr_code
import_found(struct run *r, enum import_kind kind, const char *path,
	     struct perr *e)
{
	char hex[65];
	int seen;
	int latest = kind == IMPORT_VAST_INSTANCES ||
	    kind == IMPORT_GCP_INSTANCES;

	if (hash_file(path, hex, e) ||
	    store_seen_import(&r->store, import_kind_name(kind), hex, latest,
			      &seen, e))
		return e->code;
	if (seen) {
		log_info("%s: already imported (same content), skipped", path);
		return P_OK;
	}
	return import_one(r, kind, path, hex, e);
}

static int
newer_first(const void *a, const void *b)
{
	struct stat sa, sb;

	if (stat(*(char *const *)a, &sa) || stat(*(char *const *)b, &sb))
		return 0;
	if (sa.st_mtime != sb.st_mtime)
		return sa.st_mtime < sb.st_mtime ? 1 : -1;
	return -strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory of the pattern that is missing only means no match; one
 * that cannot be read is an error. */
static int
glob_error(const char *path, int err)
{
	(void)path;
	return err != ENOENT && err != ENOTDIR;
}

/* Every file matching PATTERN (or only the newest when NEWEST). */
static enum perr_code
import_glob(struct run *r, enum import_kind kind, const char *pattern,
	    int newest, struct perr *e)
{
	glob_t g;
	size_t i;
	int rc = glob(pattern, 0, glob_error, &g);

	if (rc == GLOB_NOMATCH) {	/* did the exports stop coming? */
		log_warn("%s: no file matches", pattern);
		return P_OK;
	}
	if (rc != 0)
		return perr_set(e, P_EIO, "%s: cannot search: %s", pattern,
				rc == GLOB_ABORTED ? "read error" :
				"out of memory");
	if (newest)
		qsort(g.gl_pathv, g.gl_pathc, sizeof(char *), newer_first);
	for (i = 0; i < (newest ? 1 : g.gl_pathc); i++)
		if (survive(r, import_found(r, kind, g.gl_pathv[i], e), e))
			break;
	globfree(&g);
	return i < (newest ? 1 : g.gl_pathc) ? e->code : P_OK;
}

/* Inventories first, so that billing rows find their VMs.  A refused
 * file does not stop the others (each is its own transaction), but the
 * run then makes no plan: a plan from part of the inputs would mislead. */
static enum perr_code
import_all(struct run *r, struct perr *e)
{
	const struct options *o = r->o;
	int i;

#define ONE(k, p) if ((p) && survive(r, import_one(r, k, p, NULL, e), e)) \
	return e->code
#define GLOB(k, p, n) if ((p) && survive(r, import_glob(r, k, p, n, e), e)) \
	return e->code
	ONE(IMPORT_VAST_INSTANCES, o->vast_instances);
	GLOB(IMPORT_VAST_INSTANCES, o->vast_instances_glob, 1);
	ONE(IMPORT_GCP_INSTANCES, o->gcp_instances);
	GLOB(IMPORT_GCP_INSTANCES, o->gcp_instances_glob, 1);
	for (i = 0; i < o->gcp_billing.n; i++)
		ONE(IMPORT_GCP_BILLING, o->gcp_billing.path[i]);
	for (i = 0; i < o->gcp_billing_glob.n; i++)
		GLOB(IMPORT_GCP_BILLING, o->gcp_billing_glob.path[i], 0);
	for (i = 0; i < o->vast_billing.n; i++)
		ONE(IMPORT_VAST_BILLING, o->vast_billing.path[i]);
	for (i = 0; i < o->vast_billing_glob.n; i++)
		GLOB(IMPORT_VAST_BILLING, o->vast_billing_glob.path[i], 0);
#undef ONE
#undef GLOB
	if (r->refused)
		return perr_set(e, P_EPARSE, "%d input file%s refused (see "
				"above), so no plan was made; any other inputs "
				"were imported", r->refused,
				r->refused == 1 ? " was" : "s were");
	return P_OK;
}

/* ---- plan --------------------------------------------------------- */

static enum perr_code
choose_month(struct run *r, struct plan *p, struct perr *e)
{
	const char *m = r->o->month;	/* checked by cli.c */

	if (m == NULL)
		return plan_default_month(&r->store, p->month,
					  sizeof(p->month), e);
	snprintf(p->month, sizeof(p->month), "%s", m);
	return P_OK;
}

static enum perr_code
plan_json_out(void *ctx, FILE *f, struct perr *e)
{
	return plan_write_json(ctx, f, e);
}

/* The plan as JSON on stdout ("-") or into PATH, never half written. */
static enum perr_code
write_plan_file(const struct plan *p, const char *path, struct perr *e)
{
	if (strcmp(path, "-") == 0)
		return plan_write_json(p, stdout, e);
	return outfile_write(path, "--plan-json", plan_json_out, (void *)p,
			     e);
}

static void
unmapped_alert(void *ctx, const char *loc, long count)
{
	struct run *r = ctx;

	r->unmapped++;
	log_warn("unmapped location '%s' (%ld GPU%s)", loc, count,
		 count == 1 ? "" : "s");
	alerts_add(&r->alerts, "unmapped-location", loc, "no GCP region for "
		   "location '%s' (%ld GPU%s)", loc, count,
		   count == 1 ? "" : "s");
}

static enum perr_code
make_plan(struct run *r, struct perr *e)
{
	struct plan *p = &r->plan;
	const char *pj = r->o->plan_json;

	if (rate_card_read(r->o->rate_card, &p->rates.cross, &p->rates.same,
			   &p->assumed_bytes_per_day, e))
		return e->code;
	/* A price given as an option replaces its schedule with one. */
	if (r->o->rate_cross)
		rate_flat(&p->rates.cross, r->o->rate_cross_micro);
	if (r->o->rate_same)
		rate_flat(&p->rates.same, r->o->rate_same_micro);
	if (choose_month(r, p, e) ||
	    resolver_ready(r->resolver, e) ||
	    plan_load(&r->store, r->resolver, p, e) ||
	    plan_save(&r->store, p, e))
		return e->code;
	r->planned = 1;
	plan_each_unmapped(p, unmapped_alert, r);
	if (pj && write_plan_file(p, pj, e))
		return e->code;
	if (r->o->verbosity >= 0)
		plan_write_summary(p, pj && strcmp(pj, "-") == 0 ? stderr :
				   stdout);
	return P_OK;
}

/* ---- the cleanup wave --------------------------------------------- */

/* The wave's options from the command line (already checked by cli.c). */
static void
wave_options(const struct options *o, struct migrate_opts *mo)
{
	int64_t v;
	const char *why;

	migrate_opts_default(mo);
	mo->project = o->project;
	mo->endpoint = o->api_endpoint;
	mo->token_file = o->access_token_file;
	if (o->pair_label)
		mo->pair_label = o->pair_label;
	if (o->max_migrations)
		mo->max_migrations = atoi(o->max_migrations);
	if (o->latency_threshold_ms &&
	    dec_parse(o->latency_threshold_ms,
		      strlen(o->latency_threshold_ms), 3, DEC_STRICT, &v,
		      &why) == 0)
		mo->threshold_ms = (double)v / 1000.0;
	if (o->probe_via)
		mo->probe_via_ssh = strcmp(o->probe_via, "ssh") == 0;
	if (o->probe_port)
		mo->probe_port = atoi(o->probe_port);
	mo->delete_source = o->delete_source;
	mo->allow_local_ssd = o->allow_local_ssd;
	mo->dry_run = o->dry_run;
}

/* Where the wave's lines go: stdout, unless the plan JSON is there. */
static FILE *
wave_out(const struct options *o)
{
	return o->plan_json && strcmp(o->plan_json, "-") == 0 ? stderr :
	    stdout;
}

static enum perr_code
run_wave(struct run *r, struct perr *e)
{
	struct migrate_stats st;
	enum perr_code rc;

	if (r->wave == NULL)
		return P_OK;
	rc = migrate_run(r->wave, &r->store, resolver_regions(r->resolver),
			 r->plan.month, r->run_id, &r->alerts, &st, e);
	log_info("wave: %d resumed, %d started, %d moved, %d failed, %d "
		 "refused, %d rolled back", st.resumed, st.started, st.done,
		 st.failed, st.refused, st.rollbacks);
	return rc;
}

/* ---- the run ------------------------------------------------------ */

/* How long the webhook may take, retries included, and one attempt. */
#define WEBHOOK_DEADLINE_MS	45000
#define WEBHOOK_ATTEMPT_MS	10000

/* POST BODY to the webhook through the same retrying client as the GCP
 * API (ghttp.h: backoff with jitter, Retry-After, a deadline). */
static enum perr_code
post_json(const char *url, const char *body, struct perr *e)
{
	struct ghttp_req rq = { "POST", url, body, NULL, NULL,
				WEBHOOK_ATTEMPT_MS };
	struct ghttp_resp rs;
	struct ghttp *h;
	enum perr_code rc;

	memset(&rs, 0, sizeof(rs));
	if (ghttp_open(&h, e))
		return e->code;
	rc = ghttp_send(h, &rq, ghttp_now_ms() + WEBHOOK_DEADLINE_MS, &rs, e);
	if (rc == P_OK && (rs.status < 200 || rs.status > 299))
		rc = perr_set(e, P_EHTTP, "POST %s: HTTP %ld", url, rs.status);
	ghttp_resp_release(&rs);
	ghttp_free(h);
	return rc;
}

static void
post_alerts(struct run *r, int status)
{
	struct perr e = { P_OK, "" };
	char *body;

	if (r->o->alert_webhook == NULL || r->alerts.n == 0)
		return;
	body = alerts_json(&r->alerts, r->planned ? r->plan.month : NULL,
			   status);
	if (body == NULL || post_json(r->o->alert_webhook, body, &e))
		log_error("alert webhook: %s", body ? e.msg : "out of memory");
	free(body);
}

/* Record the end of the run; failures here only warn, since the work
 * itself is done. */
static void
finish(struct run *r, int status)
{
	struct perr e = { P_OK, "" };
	struct run_stats rs;

	rs.finished_at = (int64_t)time(NULL);
	rs.duration_ms = elapsed_ms(r);
	rs.rows_imported = r->rows_imported;
	rs.rows_rejected = r->rows_rejected;
	rs.unmapped = r->unmapped;
	rs.alerts = (long)r->alerts.n;
	rs.status = status;
	if (alerts_save(&r->store, r->run_id, &r->alerts, &e) ||
	    store_end_run(&r->store, r->run_id, status,
			  r->planned ? r->plan.month : NULL, r->rows_imported,
			  r->rows_rejected, rs.duration_ms, &e))
		log_warn("%s", e.msg);
	if (r->o->metrics_file &&
	    metrics_write(r->o->metrics_file, r->planned ? &r->plan : NULL,
			  &rs, &e))
		log_error("%s", e.msg);
	post_alerts(r, status);
}

/* The resolver with the run's region policy and GeoIP database, ready
 * before anything else so a bad setting is a usage error that changes
 * nothing. */
static enum perr_code
open_resolver(struct run *r, struct perr *e)
{
	const struct options *o = r->o;

	if (resolver_open_early(&r->resolver, e) ||
	    resolver_set_regions(r->resolver, o->allow_regions,
				 o->exclude_regions, e) ||
	    (o->geoip && resolver_set_geoip(r->resolver, o->geoip, e)))
		return e->code;
	return P_OK;
}

int
nightly_run(const struct options *o)
{
	static struct run r;
	struct perr e = { P_OK, "" };
	const char *db = o->db ? o->db : "planner.db";
	int status = EXIT_DONE;

	memset(&r, 0, sizeof(r));
	r.o = o;
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	if (o->migrate) {
		struct migrate_opts mo;

		wave_options(o, &mo);
		if (migrate_open(&r.wave, &mo, wave_out(o), &e)) {
			log_error("%s", e.msg);
			return exit_for(e.code);
		}
	}
	if (open_resolver(&r, &e) || runctl_lock(db, &e) ||
	    store_open(&r.store, db, &e)) {
		log_error("%s", e.msg);
		resolver_free(r.resolver);
		migrate_free(r.wave);
		return exit_for(e.code);
	}
	runctl_signals(r.store.db);
	if (store_begin_run(&r.store, &r.run_id, &e) ||
	    import_all(&r, &e) || make_plan(&r, &e) || run_wave(&r, &e)) {
		log_error("%s", e.msg);
		status = exit_for(e.code);
	} else if (r.alerts.n)
		status = EXIT_ALERTS;
	runctl_signals(NULL);
	if (r.run_id)
		finish(&r, status);
	plan_release(&r.plan);
	migrate_free(r.wave);
	alerts_release(&r.alerts);
	resolver_free(r.resolver);
	store_close(&r.store);
	runctl_unlock();
	return status;
}
