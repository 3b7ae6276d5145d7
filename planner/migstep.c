/*
 * migstep.c - the steps of one move: machine image, candidates, create,
 * validate, roll back, switch the pairing, stop the source.  Each step
 * is journaled before and after (mv_begin, mv_end), and each is safe to
 * repeat: it looks before it acts and its writes carry a request id.
 * See migrate.h for the order and migrate.c for the driver.
 *
 * Owned by the migration work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "migrate_int.h"
#include "regions.h"

/* "CODE: message" of GE into BUF. */
static const char *
describe(const struct gcp_error *ge, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%.400s", ge->code, ge->message[0] ? ": " : "",
		 ge->message);
	return buf;
}

/* After a mutating call that returned RC: wait for its operation, and
 * set *CLS to GCP_ERR_NONE when it succeeded, else to the error's class
 * (GE then describes it).  Returns an error only when there is no
 * verdict (no answer, deadline, a signal): the caller stops. */
static enum perr_code
settle(struct move *mv, enum perr_code rc, struct gcp_op *op,
       struct gcp_error *ge, int64_t dl, enum gcp_err_class *cls,
       struct perr *e)
{
	*cls = GCP_ERR_NONE;
	if (rc == P_OK) {
		if (!op->done && gcp_op_wait(mv->w->gcp, mv->m.project, op, dl,
					     e))
			return e->code;
		if (!op->failed)
			return P_OK;
		*ge = op->err;
	} else if (rc != P_EHTTP || (ge->http == 0 && ge->code[0] == '\0'))
		return rc;
	*cls = gcp_classify(ge);
	if (*cls == GCP_ERR_TRANSIENT) {
		char buf[512];

		return perr_set(e, P_EHTTP, "%s", describe(ge, buf,
							  sizeof(buf)));
	}
	return P_OK;
}

/* The new VM's name: the source's, cut to fit, then "-REGION". */
void
mv_new_name(const struct migration *m, const char *region, char out[64])
{
	size_t keep = GCP_NAME_MAX - 1 - strlen(region);

	snprintf(out, 64, "%.*s-%s", (int)keep, m->vm_name, region);
}

/* ---- the machine image --------------------------------------------- */

/* Poll the image until READY. */
static enum perr_code
image_ready(struct move *mv, int64_t dl, int *ok, struct perr *e)
{
	struct gcp_error ge;
	char status[32];
	int found;

	for (;;) {
		if (gcp_image_get(mv->w->gcp, mv->m.project, mv->m.image_name,
				  dl, status, &found, &ge, e))
			return e->code;
		if (found && strcmp(status, "READY") == 0)
			return *ok = 1, P_OK;
		if (!found || (strcmp(status, "CREATING") != 0 &&
			       strcmp(status, "UPLOADING") != 0)) {
			snprintf(mv->m.error, sizeof(mv->m.error), "machine "
				 "image %s is %s", mv->m.image_name,
				 found ? status : "gone");
			return *ok = 0, P_OK;
		}
		if (ghttp_now_ms() + POLL_MS >= dl)
			return perr_set(e, P_EHTTP, "machine image %s not "
					"ready before the deadline",
					mv->m.image_name);
		if (ghttp_sleep_ms(POLL_MS))
			return perr_set(e, P_ESTOPPED, "stopped by a signal");
	}
}

/* Insert the image (it does not exist yet) and wait for it. */
static enum perr_code
image_insert(struct move *mv, const char *rid, int64_t dl, int *ok,
	     struct perr *e)
{
	struct gcp_error ge;
	struct gcp_op op;
	enum gcp_err_class cls;
	enum perr_code rc;

	rc = gcp_image_insert(mv->w->gcp, mv->m.project, mv->m.image_name,
			      mv->m.from_zone, mv->m.vm_name, rid, dl, &op,
			      &ge, e);
	if (settle(mv, rc, &op, &ge, dl, &cls, e))
		return e->code;
	if (cls != GCP_ERR_NONE) {
		describe(&ge, mv->m.error, sizeof(mv->m.error));
		return *ok = 0, P_OK;
	}
	if (mv->w->o.dry_run)
		return *ok = 1, P_OK;
	return image_ready(mv, dl, ok, e);
}

/* Step "image": a machine image of the source, made once. */
enum perr_code
mv_image(struct move *mv, int *ok, struct perr *e)
{
	char rid[REQID_LEN + 1], status[32];
	struct gcp_error ge;
	int64_t dl = mv_deadline(DL_IMAGE);
	long long sid;
	int found;

	*ok = 1;
	if (mv->r.image_done)
		return P_OK;
	mv_rid(mv, rid, "image", "", mv->m.image_name);
	if (mv_begin(mv, "image", mv->m.from_region, mv->m.from_zone,
		     mv->m.image_name, rid, &sid, e) ||
	    gcp_image_get(mv->w->gcp, mv->m.project, mv->m.image_name, dl,
			  status, &found, &ge, e))
		return e->code;
	if (found ? image_ready(mv, dl, ok, e) :
	    image_insert(mv, rid, dl, ok, e))
		return e->code;
	return mv_end(mv, sid, *ok ? "done" : "failed", *ok ? NULL : "config",
		      NULL, *ok ? (found ? "adopted" : NULL) : mv->m.error, e);
}

/* ---- candidates ------------------------------------------------------ */

/* The GPU's best region, then up to MIGRATE_MAX_FALLBACKS regions
 * within MIGRATE_ADJACENT_MS of it (never the source's region). */
static int
candidate_regions(const struct move *mv, const struct gcp_region **out)
{
	const struct region_catalog *cat = mv->w->cat;
	const struct gcp_region *best = regions_find(cat,
						     mv->m.best_region);
	const struct gcp_region *near[64];
	double rtt[64];
	size_t n, i;
	int k = 0;

	if (best == NULL)
		return 0;
	out[k++] = best;
	n = regions_by_rtt(cat, best, near, rtt, 64);
	for (i = 0; i < n && k <= MIGRATE_MAX_FALLBACKS; i++)
		if (rtt[i] <= MIGRATE_ADJACENT_MS &&
		    strcmp(near[i]->name, mv->m.from_region) != 0)
			out[k++] = near[i];
	return k;
}

/* The zones of R to try, in order: the best zone first when R is the
 * best region, then the catalog's order. */
static int
candidate_zones(const struct move *mv, const struct gcp_region *r,
		const char **out)
{
	int i, k = 0;

	if (strcmp(r->name, mv->m.best_region) == 0 &&
	    region_has_zone(r, mv->m.best_zone))
		out[k++] = mv->m.best_zone;
	for (i = 0; i < r->nzones; i++)
		if (k == 0 || strcmp(r->zones[i], out[0]) != 0)
			out[k++] = r->zones[i];
	return k;
}

/* Whether zones.list says ZONE is DOWN.  The list is advisory: when it
 * cannot be read, every zone counts as up. */
static enum perr_code
zone_down(struct move *mv, const char *zone, int *down, struct perr *e)
{
	struct migrate *w = mv->w;
	struct gcp_error ge;
	size_t i;

	*down = 0;
	if (strcmp(w->zones_project, mv->m.project) != 0) {
		free(w->zones);
		w->zones = NULL;
		w->nzones = 0;
		snprintf(w->zones_project, sizeof(w->zones_project), "%s",
			 mv->m.project);
		if (gcp_zones_list(w->gcp, mv->m.project, mv_deadline(DL_READ),
				   &w->zones, &w->nzones, &ge, e)) {
			if (e->code == P_ESTOPPED)
				return e->code;
			log_warn("zones.list: %s (zone status unknown)",
				 e->msg);
		}
	}
	for (i = 0; i < w->nzones; i++)
		if (strcmp(w->zones[i].name, zone) == 0)
			*down = strcmp(w->zones[i].status, "DOWN") == 0;
	return P_OK;
}

/* The verdict of regions.get on REGION into *OK and DETAIL; returns
 * the code to journal when the region is refused. */
static const char *
judge_region(const struct move *mv, const struct gcp_region_info *ri,
	     int *ok, char *detail, size_t n)
{
	int vcpus = gcp_machine_vcpus(mv->src.machine_type);
	double room = gcp_quota_room(ri, "CPUS");

	*ok = 1;
	if (strcmp(ri->status, "DOWN") == 0) {
		*ok = 0;
		snprintf(detail, n, "region is DOWN");
		return "REGION_DOWN";
	} else if (vcpus < 0)
		snprintf(detail, n, "vCPUs of %s unknown: the insert decides",
			 mv->src.machine_type);
	else if (room < 0)
		snprintf(detail, n, "no CPUS quota listed");
	else {
		*ok = room >= vcpus;
		snprintf(detail, n, "CPUS: %.0f free, %d needed", room, vcpus);
	}
	return "QUOTA_EXCEEDED";
}

/* Step "quota": can REGION take the VM?  *OK. */
static enum perr_code
check_region(struct move *mv, const char *region, int *ok, struct perr *e)
{
	struct gcp_region_info *ri = malloc(sizeof(*ri));
	struct gcp_error ge;
	char detail[600];
	long long sid;
	enum perr_code rc;

	if (ri == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	if ((rc = mv_begin(mv, "quota", region, NULL, region, NULL, &sid,
			   e)) == P_OK &&
	    (rc = gcp_region_get(mv->w->gcp, mv->m.project, region,
				 mv_deadline(DL_READ), ri, &ge, e)) != P_OK) {
		if (rc == P_EHTTP && ge.http != 0 &&
		    gcp_classify(&ge) != GCP_ERR_TRANSIENT) {
			*ok = 0;
			rc = mv_end(mv, sid, "failed", "region", ge.code,
				    describe(&ge, detail, sizeof(detail)), e);
		}
		free(ri);
		return rc;
	}
	if (rc == P_OK) {
		const char *code = judge_region(mv, ri, ok, detail,
						sizeof(detail));

		if (!*ok)
			snprintf(mv->m.error, sizeof(mv->m.error),
				 "region %s: %.400s", region, detail);
		rc = mv_end(mv, sid, *ok ? "done" : "failed",
			    *ok ? NULL : "region", *ok ? NULL : code, detail,
			    e);
	}
	free(ri);
	return rc;
}

/* ---- create ----------------------------------------------------------- */

/* The new VM: the source's machine type and labels (the pairing label
 * held back until validation, this move's uid added), its disks from
 * the machine image, its network (external address if it had one). */
static cJSON *
insert_body(const struct move *mv, const char *zone, const char *name)
{
	cJSON *b = cJSON_CreateObject();
	cJSON *l = cJSON_Duplicate(mv->src.labels, 1);
	cJSON *nics = cJSON_CreateArray(), *nic = cJSON_CreateObject();
	char buf[512];

	cJSON_DeleteItemFromObjectCaseSensitive(l, mv->w->o.pair_label);
	cJSON_DeleteItemFromObjectCaseSensitive(l, MV_LABEL_MOVED);
	cJSON_DeleteItemFromObjectCaseSensitive(l, MV_LABEL_UID);
	cJSON_AddStringToObject(l, MV_LABEL_UID, mv->m.uid);
	cJSON_AddStringToObject(b, "name", name);
	snprintf(buf, sizeof(buf), "zones/%s/machineTypes/%s", zone,
		 mv->src.machine_type);
	cJSON_AddStringToObject(b, "machineType", buf);
	snprintf(buf, sizeof(buf), "projects/%s/global/machineImages/%s",
		 mv->m.project, mv->m.image_name);
	cJSON_AddStringToObject(b, "sourceMachineImage", buf);
	cJSON_AddItemToObject(b, "labels", l);
	if (mv->src.network[0]) {
		cJSON_AddStringToObject(nic, "network", mv->src.network);
		if (mv->src.has_nat) {
			cJSON *acs = cJSON_AddArrayToObject(nic,
							    "accessConfigs");
			cJSON *ac = cJSON_CreateObject();

			cJSON_AddStringToObject(ac, "type", "ONE_TO_ONE_NAT");
			cJSON_AddStringToObject(ac, "name", "External NAT");
			cJSON_AddItemToArray(acs, ac);
		}
		cJSON_AddItemToArray(nics, nic);
		cJSON_AddItemToObject(b, "networkInterfaces", nics);
	} else {
		cJSON_Delete(nics);
		cJSON_Delete(nic);
	}
	return b;
}

/* Poll NAME in ZONE until it is RUNNING; its addresses into T. */
static enum perr_code
wait_running(struct move *mv, const char *zone, const char *name,
	     int64_t dl, struct gcp_instance *t, struct perr *e)
{
	struct gcp_error ge;
	int found;

	for (;;) {
		gcp_instance_release(t);
		if (gcp_instance_get(mv->w->gcp, mv->m.project, zone, name, dl,
				     t, &found, &ge, e))
			return e->code;
		if (found && strcmp(t->status, "RUNNING") == 0)
			return P_OK;
		if (!found || (strcmp(t->status, "PROVISIONING") != 0 &&
			       strcmp(t->status, "STAGING") != 0 &&
			       strcmp(t->status, "REPAIRING") != 0))
			return perr_set(e, P_EHTTP, "the new VM %s in %s is %s,"
					" not RUNNING: look at it", name, zone,
					found ? t->status : "gone");
		if (ghttp_now_ms() + POLL_MS >= dl)
			return perr_set(e, P_EHTTP, "the new VM %s in %s is "
					"not RUNNING before the deadline",
					name, zone);
		if (ghttp_sleep_ms(POLL_MS))
			return perr_set(e, P_ESTOPPED, "stopped by a signal");
	}
}

/* The VM exists (made now or by an earlier run): wait until it runs. */
static enum perr_code
created(struct move *mv, long long sid, const char *zone, const char *name,
	int64_t dl, struct perr *e)
{
	struct gcp_instance t;
	char detail[200];
	enum perr_code rc;

	if (mv->w->o.dry_run)
		return mv_end(mv, sid, "done", NULL, NULL, "dry run", e);
	memset(&t, 0, sizeof(t));
	rc = wait_running(mv, zone, name, dl, &t, e);
	if (rc == P_OK) {
		snprintf(detail, sizeof(detail), "networkIP %s, natIP %s",
			 t.network_ip, t.nat_ip[0] ? t.nat_ip : "none");
		rc = mv_end(mv, sid, "done", NULL, NULL, detail, e);
	}
	gcp_instance_release(&t);
	return rc;
}

static enum perr_code
create_failed(struct move *mv, long long sid, const char *zone,
	      enum gcp_err_class cls, const struct gcp_error *ge,
	      struct perr *e)
{
	char detail[512];

	describe(ge, detail, sizeof(detail));
	if (cls == GCP_ERR_UNKNOWN)
		log_warn("%s: unknown error code '%s' creating in %s; skipping "
			 "the zone (%s)", mv->m.vm_name, ge->code, zone,
			 ge->message);
	snprintf(mv->m.error, sizeof(mv->m.error),
		 "last error, in %s: %.400s", zone, detail);
	return mv_end(mv, sid, "failed", gcp_err_class_name(cls), ge->code,
		      detail, e);
}

/* An instance named NAME exists in ZONE: ours if it carries this move's
 * uid (made by an earlier, interrupted run), else someone else's. */
static enum perr_code
adopt(struct move *mv, long long sid, const struct gcp_instance *t,
      const char *zone, int64_t dl, enum gcp_err_class *cls,
      struct perr *e)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(t->labels,
							 MV_LABEL_UID);
	struct gcp_error ge;

	if (cJSON_IsString(u) && strcmp(u->valuestring, mv->m.uid) == 0) {
		log_warn("%s: adopting %s in %s, made by an earlier run",
			 mv->m.vm_name, t->name, zone);
		return created(mv, sid, zone, t->name, dl, e);
	}
	*cls = GCP_ERR_ZONE;
	memset(&ge, 0, sizeof(ge));
	snprintf(ge.code, sizeof(ge.code), "NAME_TAKEN");
	snprintf(ge.message, sizeof(ge.message), "a VM named %s that this "
		 "move did not make exists in %s", t->name, zone);
	return create_failed(mv, sid, zone, *cls, &ge, e);
}

/* Step "create": the new VM NAME in ZONE, adopted if it exists. */
static enum perr_code
create_vm(struct move *mv, const char *region, const char *zone,
	  const char *name, enum gcp_err_class *cls, struct perr *e)
{
	char rid[REQID_LEN + 1];
	struct gcp_instance t;
	struct gcp_error ge;
	struct gcp_op op;
	int64_t dl = mv_deadline(DL_CREATE);
	long long sid;
	int found;
	cJSON *body;
	enum perr_code rc;

	*cls = GCP_ERR_NONE;
	mv_rid(mv, rid, "create", zone, name);
	if (mv_begin(mv, "create", region, zone, name, rid, &sid, e) ||
	    gcp_instance_get(mv->w->gcp, mv->m.project, zone, name, dl, &t,
			     &found, &ge, e))
		return e->code;
	if (found) {
		rc = adopt(mv, sid, &t, zone, dl, cls, e);
		gcp_instance_release(&t);
		return rc;
	}
	if ((body = insert_body(mv, zone, name)) == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	rc = gcp_instance_insert(mv->w->gcp, mv->m.project, zone, body, rid,
				 dl, &op, &ge, e);
	cJSON_Delete(body);
	if (settle(mv, rc, &op, &ge, dl, cls, e))
		return e->code;
	if (*cls != GCP_ERR_NONE)
		return create_failed(mv, sid, zone, *cls, &ge, e);
	return created(mv, sid, zone, name, dl, e);
}

/* ---- validate, roll back ----------------------------------------------- */

/* Where the probe goes: natIP from the GPU host, networkIP from here. */
static enum perr_code
measure(struct move *mv, const char *zone, const char *name,
	struct probe_result *pr, struct perr *e)
{
	const struct migrate_opts *o = &mv->w->o;
	struct gcp_instance t;
	struct gcp_error ge;
	const char *addr;
	int found;
	enum perr_code rc;

	if (gcp_instance_get(mv->w->gcp, mv->m.project, zone, name,
			     mv_deadline(DL_READ), &t, &found, &ge, e))
		return e->code;
	if (!found)
		return perr_set(e, P_EHTTP, "the new VM %s in %s is gone",
				name, zone);
	addr = o->probe_via_ssh ? t.nat_ip : t.network_ip;
	memset(pr, 0, sizeof(*pr));
	if (addr[0] == '\0') {
		pr->sent = o->probe.count;
		probe_finish(pr);
		snprintf(pr->note, sizeof(pr->note), "the VM has no %s",
			 o->probe_via_ssh ? "natIP" : "networkIP");
		rc = P_OK;
	} else if (o->probe_via_ssh)
		rc = probe_ssh(mv->m.ssh_host, mv->m.ssh_port, addr,
			       o->probe_port, &o->probe, pr, e);
	else
		rc = probe_local(addr, o->probe_port, &o->probe, pr, e);
	gcp_instance_release(&t);
	return rc;
}

static void
dry_probe(struct move *mv, const char *name)
{
	const struct migrate_opts *o = &mv->w->o;

	fprintf(mv->w->out, "# probe: %d TCP handshakes to %s's %s port %d "
		"%s%s, pass at most %.3f ms\n", o->probe.count, name,
		o->probe_via_ssh ? "natIP" : "networkIP", o->probe_port,
		o->probe_via_ssh ? "from the GPU host via ssh root@" :
		"from this host", o->probe_via_ssh ? mv->m.ssh_host : "",
		o->threshold_ms);
}

/* Step "probe": latency GPU host -> new VM.  *PASS. */
static enum perr_code
validate(struct move *mv, const char *region, const char *zone,
	 const char *name, int *pass, struct perr *e)
{
	const struct migrate_opts *o = &mv->w->o;
	struct probe_result pr;
	enum probe_verdict v;
	char detail[400];
	long long sid;

	*pass = 0;
	if (mv_begin(mv, "probe", region, zone, name, NULL, &sid, e))
		return e->code;
	if (o->dry_run) {
		dry_probe(mv, name);
		return *pass = 1, P_OK;
	}
	if (measure(mv, zone, name, &pr, e)) {
		struct perr keep = *e;

		mv_end(mv, sid, "failed", "transient", NULL, keep.msg, e);
		*e = keep;
		return e->code;
	}
	if (mj_probes(mv->w->s, mv->m.id, region, zone, name,
		      o->probe_via_ssh ? "ssh" : "local", &pr, e))
		return e->code;
	v = probe_judge(&pr, o->threshold_ms, o->max_loss);
	snprintf(detail, sizeof(detail), "%s: median %.3f ms over %d of %d "
		 "probes, loss %.0f%%, threshold %.3f ms%s%s",
		 probe_verdict_name(v), pr.median_ms, pr.ok, pr.sent,
		 pr.loss * 100, o->threshold_ms, pr.note[0] ? "; " : "",
		 pr.note);
	mv->m.latency_ms = pr.median_ms;
	mv->m.probe_loss = pr.loss;
	if (v == PROBE_PASS)
		return *pass = 1, mv_end(mv, sid, "done", NULL, NULL, detail,
					 e);
	log_warn("%s: new VM %s in %s: %s; rolling back", mv->m.vm_name,
		 name, zone, detail);
	alerts_add(mv->w->alerts, "latency", mv->m.vm_name, "VM %s: the copy "
		   "%s in %s failed validation (%s); rolled back",
		   mv->m.vm_name, name, zone, detail);
	snprintf(mv->m.error, sizeof(mv->m.error), "latency in %s: %s", zone,
		 detail);
	return mv_end(mv, sid, "failed", "latency", NULL, detail, e);
}

/* Step "rollback": delete the new VM NAME in ZONE. */
static enum perr_code
rollback(struct move *mv, const char *region, const char *zone,
	 const char *name, struct perr *e)
{
	char rid[REQID_LEN + 1], detail[512];
	struct gcp_error ge;
	struct gcp_op op;
	enum gcp_err_class cls = GCP_ERR_NONE;
	int64_t dl = mv_deadline(DL_STOP);
	long long sid;
	enum perr_code rc;

	mv_rid(mv, rid, "rollback", zone, name);
	if (mv_begin(mv, "rollback", region, zone, name, rid, &sid, e))
		return e->code;
	rc = gcp_instance_delete(mv->w->gcp, mv->m.project, zone, name, rid,
				 dl, &op, &ge, e);
	if (!(rc == P_EHTTP && ge.http == 404) &&
	    settle(mv, rc, &op, &ge, dl, &cls, e))
		return e->code;
	if (cls != GCP_ERR_NONE) {
		describe(&ge, detail, sizeof(detail));
		mv_end(mv, sid, "failed", gcp_err_class_name(cls), ge.code,
		       detail, e);
		return perr_set(e, P_EHTTP, "could not delete the new VM %s "
				"in %s: %s", name, zone, detail);
	}
	mv->r.rollbacks++;
	mv->w->st.rollbacks++;
	mv_skip_region(&mv->r, region);
	mv->r.vm_zone[0] = '\0';
	return mv_end(mv, sid, "done", NULL, NULL, NULL, e);
}

/* ---- placing -------------------------------------------------------- */

/* Create (or adopt) the VM in ZONE and validate it: *RES = PLACE_OK, or
 * *CLS says why the zone did not take it (GCP_ERR_REGION after a failed
 * validation: latency is a property of the region). */
static enum perr_code
try_zone(struct move *mv, const char *region, const char *zone,
	 enum gcp_err_class *cls, enum place_result *res, struct perr *e)
{
	char name[64];
	int pass;

	mv_new_name(&mv->m, region, name);
	*cls = GCP_ERR_NONE;
	if (!(mv->r.vm_created && strcmp(mv->r.vm_zone, zone) == 0)) {
		if (create_vm(mv, region, zone, name, cls, e))
			return e->code;
		if (*cls != GCP_ERR_NONE)
			return P_OK;
	}
	if (validate(mv, region, zone, name, &pass, e))
		return e->code;
	if (!pass) {
		*cls = GCP_ERR_REGION;
		return rollback(mv, region, zone, name, e);
	}
	snprintf(mv->m.new_name, sizeof(mv->m.new_name), "%s", name);
	snprintf(mv->m.to_zone, sizeof(mv->m.to_zone), "%s", zone);
	snprintf(mv->m.to_region, sizeof(mv->m.to_region), "%s", region);
	snprintf(mv->m.state, sizeof(mv->m.state), "validated");
	mv->m.error[0] = '\0';
	*res = PLACE_OK;
	return mv_save(mv, 0, e);
}

/* Apply the outcome CLS of ZONE; returns 1 when REGION is finished. */
static int
apply_class(struct move *mv, const char *region, const char *zone,
	    enum gcp_err_class cls, enum place_result *res)
{
	switch (cls) {
	case GCP_ERR_NONE:
		return 1;
	case GCP_ERR_REGION:
		mv_skip_region(&mv->r, region);
		return 1;
	case GCP_ERR_PROJECT:
		*res = PLACE_STOP;
		return 1;
	case GCP_ERR_CONFIG:
		*res = PLACE_CONFIG;
		return 1;
	default:
		mv_skip_zone(&mv->r, zone);
		return 0;
	}
}

static enum perr_code
zone_is_down(struct move *mv, const char *region, const char *zone,
	     struct perr *e)
{
	long long sid;

	mv_skip_zone(&mv->r, zone);
	if (mv_begin(mv, "zone", region, zone, zone, NULL, &sid, e))
		return e->code;
	return mv_end(mv, sid, "skipped", "zone", "ZONE_DOWN",
		      "zones.list says DOWN", e);
}

static enum perr_code
place_region(struct move *mv, const struct gcp_region *r,
	     enum place_result *res, struct perr *e)
{
	const char *zones[REGION_MAX_ZONES + 1];
	enum gcp_err_class cls;
	int nz, i, ok, down;

	if (check_region(mv, r->name, &ok, e))
		return e->code;
	if (!ok) {
		mv_skip_region(&mv->r, r->name);
		return P_OK;
	}
	nz = candidate_zones(mv, r, zones);
	for (i = 0; i < nz && *res == PLACE_NONE; i++) {
		if (mv_zone_skipped(&mv->r, zones[i]))
			continue;
		if (zone_down(mv, zones[i], &down, e))
			return e->code;
		if (down) {
			if (zone_is_down(mv, r->name, zones[i], e))
				return e->code;
			continue;
		}
		if (try_zone(mv, r->name, zones[i], &cls, res, e))
			return e->code;
		if (apply_class(mv, r->name, zones[i], cls, res))
			break;
	}
	return P_OK;
}

/* A VM of ours may exist from an earlier run: settle it first. */
static enum perr_code
resume_vm(struct move *mv, enum place_result *res, struct perr *e)
{
	char zone[48], region[40], name[64];
	enum gcp_err_class cls;

	snprintf(zone, sizeof(zone), "%s", mv->r.vm_zone);
	snprintf(region, sizeof(region), "%s", mv->r.vm_region);
	mv_new_name(&mv->m, region, name);
	log_warn("%s: resuming with the new VM %s in %s", mv->m.vm_name, name,
		 zone);
	if (mv->r.vm_failed_probe)
		return rollback(mv, region, zone, name, e);
	if (try_zone(mv, region, zone, &cls, res, e))
		return e->code;
	apply_class(mv, region, zone, cls, res);
	return P_OK;
}

/* Try the candidates (a VM left by an earlier run first) until one is
 * validated (*RES = PLACE_OK) or none is left; see migrate.h. */
enum perr_code
mv_place(struct move *mv, enum place_result *res, struct perr *e)
{
	const struct gcp_region *regs[1 + MIGRATE_MAX_FALLBACKS];
	int n = candidate_regions(mv, regs), i;

	*res = PLACE_NONE;
	if (n == 0) {
		snprintf(mv->m.error, sizeof(mv->m.error), "region '%s' is not "
			 "in the catalog", mv->m.best_region);
		*res = PLACE_CONFIG;
		return P_OK;
	}
	if (mv->r.vm_zone[0] && resume_vm(mv, res, e))
		return e->code;
	for (i = 0; i < n && *res == PLACE_NONE; i++)
		if (!mv_region_skipped(&mv->r, regs[i]->name) &&
		    place_region(mv, regs[i], res, e))
			return e->code;
	return P_OK;
}

/* ---- after validation --------------------------------------------------- */

/* setLabels LABELS on NAME in ZONE (read as T) and wait. */
static enum perr_code
set_labels(struct move *mv, const char *rid, const char *zone,
	   const char *name, const struct gcp_instance *t,
	   const cJSON *labels, struct perr *e)
{
	struct gcp_error ge;
	struct gcp_op op;
	enum gcp_err_class cls;
	int64_t dl = mv_deadline(DL_LABEL);
	char detail[512];
	enum perr_code rc;

	rc = gcp_instance_set_labels(mv->w->gcp, mv->m.project, zone, name,
				     labels, t->label_fp, rid, dl, &op, &ge, e);
	if (settle(mv, rc, &op, &ge, dl, &cls, e))
		return e->code;
	if (cls != GCP_ERR_NONE)
		return perr_set(e, P_EHTTP, "setLabels on %s: %s", name,
				describe(&ge, detail, sizeof(detail)));
	return P_OK;
}

/* Read NAME in ZONE into T (a dry run plans from the source instead
 * when the VM would only exist after a write). */
static enum perr_code
read_vm(struct move *mv, const char *zone, const char *name,
	struct gcp_instance *t, int *found, struct perr *e)
{
	struct gcp_error ge;

	memset(t, 0, sizeof(*t));
	if (mv->w->o.dry_run && strcmp(name, mv->m.new_name) == 0) {
		/* As insert_body would have made it. */
		t->labels = mv->src.labels ? cJSON_Duplicate(mv->src.labels,
							     1) :
		    cJSON_CreateObject();
		cJSON_DeleteItemFromObjectCaseSensitive(t->labels,
							mv->w->o.pair_label);
		snprintf(t->status, sizeof(t->status), "RUNNING");
		*found = 1;
		return t->labels ? P_OK : perr_set(e, P_ENOMEM, "out of "
						   "memory");
	}
	return gcp_instance_get(mv->w->gcp, mv->m.project, zone, name,
				mv_deadline(DL_READ), t, found, &ge, e);
}

/* Step "label-new": the pairing label goes onto the new VM. */
static enum perr_code
label_new(struct move *mv, struct perr *e)
{
	const char *key = mv->w->o.pair_label;
	char rid[REQID_LEN + 1];
	struct gcp_instance t;
	const cJSON *v;
	cJSON *l;
	long long sid;
	int found;
	enum perr_code rc;

	mv_rid(mv, rid, "label-new", mv->m.to_zone, mv->m.new_name);
	if (mv_begin(mv, "label-new", mv->m.to_region, mv->m.to_zone,
		     mv->m.new_name, rid, &sid, e) ||
	    read_vm(mv, mv->m.to_zone, mv->m.new_name, &t, &found, e))
		return e->code;
	if (!found)
		return perr_set(e, P_EHTTP, "the new VM %s in %s is gone",
				mv->m.new_name, mv->m.to_zone);
	v = cJSON_GetObjectItemCaseSensitive(t.labels, key);
	if (cJSON_IsString(v) && strcmp(v->valuestring, mv->m.pair_value) == 0)
		rc = P_OK;
	else if ((l = cJSON_Duplicate(t.labels, 1)) == NULL)
		rc = perr_set(e, P_ENOMEM, "out of memory");
	else {
		cJSON_DeleteItemFromObjectCaseSensitive(l, key);
		cJSON_AddStringToObject(l, key, mv->m.pair_value);
		rc = set_labels(mv, rid, mv->m.to_zone, mv->m.new_name, &t, l,
				e);
		cJSON_Delete(l);
	}
	gcp_instance_release(&t);
	return rc ? rc : mv_end(mv, sid, "done", NULL, NULL, NULL, e);
}

/* Step "label-source": the old VM loses the pairing label and says
 * where its work went. */
static enum perr_code
label_source(struct move *mv, struct perr *e)
{
	const char *key = mv->w->o.pair_label;
	char rid[REQID_LEN + 1];
	struct gcp_instance t;
	cJSON *l;
	long long sid;
	int found;
	enum perr_code rc = P_OK;

	mv_rid(mv, rid, "label-source", mv->m.from_zone, mv->m.vm_name);
	if (mv_begin(mv, "label-source", mv->m.from_region, mv->m.from_zone,
		     mv->m.vm_name, rid, &sid, e) ||
	    read_vm(mv, mv->m.from_zone, mv->m.vm_name, &t, &found, e))
		return e->code;
	if (found && cJSON_GetObjectItemCaseSensitive(t.labels, key)) {
		if ((l = cJSON_Duplicate(t.labels, 1)) == NULL)
			rc = perr_set(e, P_ENOMEM, "out of memory");
		else {
			cJSON_DeleteItemFromObjectCaseSensitive(l, key);
			cJSON_DeleteItemFromObjectCaseSensitive(
			    l, MV_LABEL_MOVED);
			cJSON_AddStringToObject(l, MV_LABEL_MOVED,
						mv->m.new_name);
			rc = set_labels(mv, rid, mv->m.from_zone,
					mv->m.vm_name, &t, l, e);
			cJSON_Delete(l);
		}
	}
	gcp_instance_release(&t);
	return rc ? rc : mv_end(mv, sid, "done", NULL, NULL,
				found ? NULL : "source gone", e);
}

static int
stopped_status(const char *s)
{
	return strcmp(s, "TERMINATED") == 0 || strcmp(s, "STOPPED") == 0 ||
	    strcmp(s, "SUSPENDED") == 0;
}

/* Step "stop-source" (or "delete-source" with DELETE). */
static enum perr_code
retire_source(struct move *mv, int delete, struct perr *e)
{
	const char *step = delete ? "delete-source" : "stop-source";
	char rid[REQID_LEN + 1], detail[512];
	struct gcp_instance t;
	struct gcp_error ge;
	struct gcp_op op;
	enum gcp_err_class cls;
	int64_t dl = mv_deadline(DL_STOP);
	long long sid;
	int found;
	enum perr_code rc;

	mv_rid(mv, rid, step, mv->m.from_zone, mv->m.vm_name);
	if (mv_begin(mv, step, mv->m.from_region, mv->m.from_zone,
		     mv->m.vm_name, rid, &sid, e) ||
	    read_vm(mv, mv->m.from_zone, mv->m.vm_name, &t, &found, e))
		return e->code;
	if (!found || (!delete && stopped_status(t.status))) {
		gcp_instance_release(&t);
		return mv_end(mv, sid, "done", NULL, NULL, found ?
			      "already stopped" : "already gone", e);
	}
	rc = delete ? gcp_instance_delete(mv->w->gcp, mv->m.project,
					  mv->m.from_zone, mv->m.vm_name, rid,
					  dl, &op, &ge, e) :
	    gcp_instance_stop(mv->w->gcp, mv->m.project, mv->m.from_zone,
			      mv->m.vm_name, t.local_ssd, rid, dl, &op, &ge, e);
	gcp_instance_release(&t);
	if (settle(mv, rc, &op, &ge, dl, &cls, e))
		return e->code;
	if (cls != GCP_ERR_NONE)
		return perr_set(e, P_EHTTP, "%s %s: %s", step, mv->m.vm_name,
				describe(&ge, detail, sizeof(detail)));
	return mv_end(mv, sid, "done", NULL, NULL, NULL, e);
}

static void
report_done(struct move *mv)
{
	struct migrate *w = mv->w;

	log_info("%s: %s to %s in %s", mv->m.vm_name, w->o.dry_run ?
		 "would move" : "moved", mv->m.new_name, mv->m.to_zone);
	if (w->o.dry_run) {
		fprintf(w->out, "would move %s (%s) to %s (%s)\n",
			mv->m.vm_name, mv->m.from_zone, mv->m.new_name,
			mv->m.to_zone);
		return;
	}
	fprintf(w->out, "moved %s (%s) to %s (%s): median %.3f ms, loss "
		"%.0f%%; old VM %s\n", mv->m.vm_name, mv->m.from_zone,
		mv->m.new_name, mv->m.to_zone, mv->m.latency_ms,
		mv->m.probe_loss * 100, w->o.delete_source ? "deleted" :
		"stopped");
}

/* After validation: the pairing label moves, the old VM stops (and is
 * deleted if asked), each step skipped if the journal says it is done;
 * the move is then done. */
enum perr_code
mv_finish(struct move *mv, struct perr *e)
{
	const struct migrate_opts *o = &mv->w->o;

	if ((!mv->r.label_new && label_new(mv, e)) ||
	    (!mv->r.label_source && label_source(mv, e)) ||
	    (!mv->r.stop_source && retire_source(mv, 0, e)) ||
	    (o->delete_source && !mv->r.delete_source &&
	     retire_source(mv, 1, e)))
		return e->code;
	snprintf(mv->m.state, sizeof(mv->m.state), "done");
	mv->w->st.done++;
	report_done(mv);
	return mv_save(mv, 1, e);
}
