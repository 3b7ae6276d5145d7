/*
 * migrate.c - the wave: which moves, in what order, and each move's
 * course from the journal to done.  The steps themselves are in
 * migstep.c.  See migrate.h.
 *
 * Owned by the migration work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "migrate_int.h"

/* The defaults of cli.md and migrate.h. */
void
migrate_opts_default(struct migrate_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->pair_label = "paired-gpu";
	o->max_migrations = 5;
	o->threshold_ms = 20;
	o->max_loss = MIGRATE_MAX_LOSS;
	o->probe_via_ssh = 1;
	o->probe_port = 22;
	probe_opts_default(&o->probe);
}

/* Check the options, find the credentials and make the clients; on
 * failure nothing is left allocated. */
enum perr_code
migrate_open(struct migrate **wp, const struct migrate_opts *o, FILE *out,
	     struct perr *e)
{
	struct migrate *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	w->o = *o;
	w->out = out;
	if (o->max_migrations < 0 || o->threshold_ms < 0 ||
	    o->probe_port < 1 || o->probe_port > 65535) {
		free(w);
		return perr_set(e, P_EUSAGE, "--migrate: bad wave options");
	}
	if (ghttp_open(&w->http, e) ||
	    gauth_open(&w->auth, o->token_file, w->http, e) ||
	    gcp_open(&w->gcp, o->endpoint, w->http, w->auth,
		     o->dry_run ? out : NULL, e)) {
		migrate_free(w);
		return e->code;
	}
	log_info("GCP credentials: %s", gauth_source(w->auth));
	*wp = w;
	return P_OK;
}

/* Release the wave's clients and credentials (NULL is fine). */
void
migrate_free(struct migrate *w)
{
	if (w == NULL)
		return;
	gcp_close(w->gcp);
	gauth_free(w->auth);
	ghttp_free(w->http);
	free(w->zones);
	free(w);
}

/* ---- helpers shared with migstep.c ---------------------------------- */

/* The instant MS milliseconds from now (ghttp_now_ms clock). */
int64_t
mv_deadline(long ms)
{
	return ghttp_now_ms() + ms;
}

/* The request id of STEP on NAME in ZONE for this move. */
void
mv_rid(const struct move *mv, char out[REQID_LEN + 1], const char *step,
       const char *zone, const char *name)
{
	const char *parts[5] = { mv->m.uid, mv->m.project, step,
				 zone ? zone : "", name ? name : "" };

	reqid_make(out, parts, 5);
}

/* Journal (unless a dry run) and log the start of a step. */
enum perr_code
mv_begin(struct move *mv, const char *step, const char *region,
	 const char *zone, const char *target, const char *rid,
	 long long *id, struct perr *e)
{
	*id = 0;
	log_info("%s: %s %s%s%s", mv->m.vm_name, step, target ? target : "",
		 zone ? " in " : "", zone ? zone : "");
	if (mv->w->o.dry_run)
		return P_OK;
	return mj_step_begin(mv->w->s, mv->m.id, step, region, zone, target,
			     rid, id, e);
}

/* Journal (unless a dry run) the end of step ID; log it unless done. */
enum perr_code
mv_end(struct move *mv, long long id, const char *state, const char *cls,
       const char *code, const char *detail, struct perr *e)
{
	if (strcmp(state, "done") != 0)
		log_info("%s: step %s%s%s%s%s", mv->m.vm_name, state,
			 code ? " " : "", code ? code : "",
			 detail ? ": " : "", detail ? detail : "");
	if (mv->w->o.dry_run)
		return P_OK;
	return mj_step_end(mv->w->s, id, state, cls, code, detail, e);
}

/* Write the move's row (unless a dry run); FINISHED closes it. */
enum perr_code
mv_save(struct move *mv, int finished, struct perr *e)
{
	if (mv->w->o.dry_run)
		return P_OK;
	return mj_update(mv->w->s, &mv->m, finished, e);
}

/* Whether ZONE is already ruled out for this move. */
int
mv_zone_skipped(const struct replay *r, const char *zone)
{
	int i;

	for (i = 0; i < r->nskip_zone; i++)
		if (strcmp(r->skip_zone[i], zone) == 0)
			return 1;
	return 0;
}

/* Whether REGION is already ruled out for this move. */
int
mv_region_skipped(const struct replay *r, const char *region)
{
	int i;

	for (i = 0; i < r->nskip_region; i++)
		if (strcmp(r->skip_region[i], region) == 0)
			return 1;
	return 0;
}

/* Rule ZONE out for this move. */
void
mv_skip_zone(struct replay *r, const char *zone)
{
	if (!mv_zone_skipped(r, zone) && r->nskip_zone < MV_MAX_SKIP)
		snprintf(r->skip_zone[r->nskip_zone++], 48, "%s", zone);
}

/* Rule REGION out for this move. */
void
mv_skip_region(struct replay *r, const char *region)
{
	if (!mv_region_skipped(r, region) && r->nskip_region < MV_MAX_SKIP)
		snprintf(r->skip_region[r->nskip_region++], 40, "%s", region);
}

/* ---- replaying the journal ------------------------------------------ */

static void
replay_create(struct replay *r, const struct mig_step *x)
{
	if (strcmp(x->state, "failed") == 0) {
		if (strcmp(x->cls, "region") == 0)
			mv_skip_region(r, x->region);
		else if (strcmp(x->cls, "transient") != 0)
			mv_skip_zone(r, x->zone);
		if (strcmp(r->vm_zone, x->zone) == 0 &&
		    strcmp(x->cls, "transient") != 0)
			r->vm_zone[0] = '\0';
		return;
	}
	snprintf(r->vm_zone, sizeof(r->vm_zone), "%s", x->zone);
	snprintf(r->vm_region, sizeof(r->vm_region), "%s", x->region);
	r->vm_created = strcmp(x->state, "done") == 0;
	r->vm_failed_probe = 0;
}

/* Rebuild what the steps journaled so far imply (see struct replay). */
static void
replay(struct replay *r, const struct mig_step *v, size_t n)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++) {
		const struct mig_step *x = &v[i];
		int done = strcmp(x->state, "done") == 0;

		if (strcmp(x->step, "image") == 0)
			r->image_done |= done;
		else if (strcmp(x->step, "zone") == 0)
			mv_skip_zone(r, x->zone);
		else if (strcmp(x->step, "quota") == 0 &&
			 strcmp(x->state, "failed") == 0)
			mv_skip_region(r, x->region);
		else if (strcmp(x->step, "create") == 0)
			replay_create(r, x);
		else if (strcmp(x->step, "probe") == 0 &&
			 strcmp(x->cls, "latency") == 0)
			r->vm_failed_probe = 1;
		else if (strcmp(x->step, "rollback") == 0 && done) {
			r->rollbacks++;
			mv_skip_region(r, x->region);
			if (strcmp(r->vm_zone, x->zone) == 0)
				r->vm_zone[0] = '\0';
		} else if (strcmp(x->step, "label-new") == 0)
			r->label_new |= done;
		else if (strcmp(x->step, "label-source") == 0)
			r->label_source |= done;
		else if (strcmp(x->step, "stop-source") == 0)
			r->stop_source |= done;
		else if (strcmp(x->step, "delete-source") == 0)
			r->delete_source |= done;
	}
}

static enum perr_code
load_replay(struct move *mv, struct perr *e)
{
	struct mig_step *v;
	size_t n;

	if (mv->m.id == 0)
		return P_OK;
	if (mj_steps(mv->w->s, mv->m.id, &v, &n, e))
		return e->code;
	replay(&mv->r, v, n);
	free(v);
	return P_OK;
}

/* ---- one move --------------------------------------------------------- */

/* End the move in STATE ("failed", "rolled-back", "refused") because of
 * WHY; ALERT (may be NULL) is the kind of alert to raise. */
static enum perr_code
conclude(struct move *mv, const char *state, const char *alert,
	 const char *why, struct perr *e)
{
	struct migrate *w = mv->w;

	snprintf(mv->m.state, sizeof(mv->m.state), "%s", state);
	if (why != mv->m.error)
		snprintf(mv->m.error, sizeof(mv->m.error), "%s", why);
	if (alert) {
		log_warn("%s: not moved: %s", mv->m.vm_name, why);
		alerts_add(w->alerts, alert, mv->m.vm_name, "VM %s (%s) not "
			   "moved: %s", mv->m.vm_name, mv->m.from_zone, why);
	} else
		log_warn("%s: refused: %s", mv->m.vm_name, why);
	if (strcmp(state, "refused") == 0)
		w->st.refused++;
	else
		w->st.failed++;
	fprintf(w->out, "%s %s (%s): %s\n", w->o.dry_run ? "would not move" :
		"not moved", mv->m.vm_name, mv->m.from_zone, why);
	return mv_save(mv, 1, e);
}

/* Why the live source VM cannot be moved, or NULL. */
static const char *
live_refusal(struct move *mv, char *buf, size_t n)
{
	const struct migrate_opts *o = &mv->w->o;
	const cJSON *pv = cJSON_GetObjectItemCaseSensitive(mv->src.labels,
							  o->pair_label);

	if (mv->src.local_ssd && !o->allow_local_ssd)
		return "it has a local SSD, whose data would not move "
		    "(--allow-local-ssd accepts that)";
	if (o->probe_via_ssh && !mv->src.has_nat)
		return "it has no external address, so the GPU host could "
		    "not reach its copy (use --probe-via local)";
	if (cJSON_IsString(pv) && mv->m.pair_value[0] == '\0')
		snprintf(mv->m.pair_value, sizeof(mv->m.pair_value), "%s",
			 pv->valuestring);
	if (mv->m.pair_value[0] == '\0') {
		snprintf(buf, n, "it no longer carries the label '%s'",
			 o->pair_label);
		return buf;
	}
	return NULL;
}

/* The source exists and may move: image, place, validate. */
static enum perr_code
place_move(struct move *mv, struct perr *e)
{
	enum place_result res;
	int ok;

	if (mv_image(mv, &ok, e))
		return e->code;
	if (!ok)
		return conclude(mv, "failed", "migration-failed", mv->m.error,
				e);
	if (mv_place(mv, &res, e))
		return e->code;
	switch (res) {
	case PLACE_OK:
		return P_OK;
	case PLACE_STOP:
		mv->w->stop = 1;
		return conclude(mv, "failed", "migration-stopped", mv->m.error,
				e);
	case PLACE_CONFIG:
		return conclude(mv, "failed", "migration-failed", mv->m.error,
				e);
	default:
		if (mv->m.error[0] == '\0')
			snprintf(mv->m.error, sizeof(mv->m.error), "no "
				 "candidate zone");
		return conclude(mv, mv->r.rollbacks ? "rolled-back" :
				"failed", "migration-failed", mv->m.error, e);
	}
}

static enum perr_code
start_phase(struct move *mv, struct perr *e)
{
	struct gcp_error ge;
	const char *why;
	char buf[256];
	int found;

	if (gcp_instance_get(mv->w->gcp, mv->m.project, mv->m.from_zone,
			     mv->m.vm_name, mv_deadline(DL_READ), &mv->src,
			     &found, &ge, e))
		return e->code;
	mv->have_src = found;
	if (!found) {
		snprintf(buf, sizeof(buf), "the source VM is gone%s%s%s",
			 mv->r.vm_zone[0] ? "; a new VM may exist in " : "",
			 mv->r.vm_zone, mv->r.vm_zone[0] ? ", check it" : "");
		return conclude(mv, "failed", "migration-failed", buf, e);
	}
	if ((why = live_refusal(mv, buf, sizeof(buf))) != NULL)
		return conclude(mv, "refused", NULL, why, e);
	return place_move(mv, e);
}

static enum perr_code
run_move(struct migrate *w, const struct migration *m, struct perr *e)
{
	struct move mv;
	enum perr_code rc;

	memset(&mv, 0, sizeof(mv));
	mv.w = w;
	mv.m = *m;
	rc = load_replay(&mv, e);
	if (rc == P_OK && strcmp(mv.m.state, "started") == 0)
		rc = start_phase(&mv, e);
	if (rc == P_OK && strcmp(mv.m.state, "validated") == 0)
		rc = mv_finish(&mv, e);
	gcp_instance_release(&mv.src);
	if (rc)
		perr_prefix(e, "moving VM '%s' (left open; the next run "
			    "resumes it)", m->vm_name);
	return rc;
}

/* ---- the wave --------------------------------------------------------- */

static enum perr_code
resume_open(struct migrate *w, struct perr *e)
{
	struct migration *v;
	size_t n, i;
	enum perr_code rc = P_OK;

	if (mj_open(w->s, &v, &n, e))
		return e->code;
	for (i = 0; i < n && rc == P_OK && !w->stop; i++) {
		log_warn("resuming the move of VM '%s' from %s (state %s)",
			 v[i].vm_name, v[i].from_zone, v[i].state);
		w->st.resumed++;
		rc = run_move(w, &v[i], e);
	}
	free(v);
	return rc;
}

/* Why a candidate cannot even start (inventory facts), or NULL. */
static const char *
early_refusal(const struct migrate *w, const struct migration *m)
{
	if (m->local_ssd && !w->o.allow_local_ssd)
		return "it has a local SSD, whose data would not move "
		    "(--allow-local-ssd accepts that)";
	if (m->project[0] == '\0')
		return "its project is unknown (give --project)";
	if (w->o.probe_via_ssh && (m->ssh_host[0] == '\0' || m->ssh_port <= 0))
		return "its GPU has no ssh host and port to probe from (use "
		    "--probe-via local)";
	return NULL;
}

static void
new_uid(struct migrate *w, char uid[24])
{
	unsigned char b[8];
	int i;

	if (w->o.dry_run || getrandom(b, sizeof(b), 0) != sizeof(b)) {
		unsigned long long t = (unsigned long long)time(NULL) ^
		    ((unsigned long long)getpid() << 32);

		memcpy(b, &t, sizeof(b));
	}
	for (i = 0; i < 8; i++)
		snprintf(uid + 2 * i, 3, "%02x", b[i]);
	if (w->o.dry_run)
		snprintf(uid, 24, "dry-run");
}

static void
init_move(struct migrate *w, struct migration *m)
{
	if (w->o.project)
		snprintf(m->project, sizeof(m->project), "%s", w->o.project);
	new_uid(w, m->uid);
	snprintf(m->image_name, sizeof(m->image_name), "%.50s-img-%.8s",
		 m->vm_name, m->uid);
	snprintf(m->state, sizeof(m->state), "started");
	m->run_id = w->run_id;
}

static enum perr_code
start_new(struct migrate *w, const char *month, struct perr *e)
{
	struct migration *v;
	size_t n, i;
	int slots = w->o.max_migrations - w->st.resumed;
	enum perr_code rc = P_OK;
	const char *why;

	if (slots <= 0 || w->stop)
		return P_OK;
	if (mj_candidates(w->s, month, &v, &n, e))
		return e->code;
	for (i = 0; i < n && slots > 0 && rc == P_OK && !w->stop; i++) {
		if (w->o.project)
			snprintf(v[i].project, sizeof(v[i].project), "%s",
				 w->o.project);
		if ((why = early_refusal(w, &v[i])) != NULL) {
			log_warn("VM '%s' not moved: %s", v[i].vm_name, why);
			fprintf(w->out, "not moved %s (%s): %s\n",
				v[i].vm_name, v[i].from_zone, why);
			w->st.refused++;
			continue;
		}
		init_move(w, &v[i]);
		if (!w->o.dry_run && mj_insert(w->s, &v[i], e)) {
			rc = e->code;
			break;
		}
		w->st.started++;
		slots--;
		rc = run_move(w, &v[i], e);
	}
	free(v);
	return rc;
}

/* Resume the open moves, then start new ones from MONTH's plan, up to
 * max_migrations in all; alerts go to ALERTS, counts to ST. */
enum perr_code
migrate_run(struct migrate *w, struct store *s,
	    const struct region_catalog *cat, const char *month,
	    long long run_id, struct alerts *alerts, struct migrate_stats *st,
	    struct perr *e)
{
	enum perr_code rc;

	w->s = s;
	w->run_id = run_id;
	w->cat = cat;
	w->alerts = alerts;
	memset(&w->st, 0, sizeof(w->st));
	rc = resume_open(w, e);
	if (rc == P_OK)
		rc = start_new(w, month, e);
	if (w->stop)
		log_warn("wave stopped early: a project-wide quota is "
			 "exhausted");
	fprintf(w->out, "wave%s: %d resumed, %d started, %d %s, %d failed "
		"(%d rolled back), %d refused%s\n", w->o.dry_run ?
		" (dry run)" : "", w->st.resumed, w->st.started, w->st.done,
		w->o.dry_run ? "would move" : "moved", w->st.failed,
		w->st.rollbacks, w->st.refused, rc ? "; stopped on an error" :
		"");
	*st = w->st;
	fflush(w->out);
	return rc;
}
