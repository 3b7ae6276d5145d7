/*
 * test_plan.c - pairing and pricing (plan.h), driven without a database.
 */
#include <stdlib.h>

#include "money.h"
#include "plan.h"
#include "t.h"

#define GIB BYTES_PER_GIB

static void
test_labels(void)
{
	CHECK_INT(plan_parse_pair_label("21300724"), 21300724);
	CHECK_INT(plan_parse_pair_label("vast-21349338"), 21349338);
	CHECK_INT(plan_parse_pair_label(""), 0);
	CHECK_INT(plan_parse_pair_label("vast-"), 0);
	CHECK_INT(plan_parse_pair_label("gpu-12"), 0);
	CHECK_INT(plan_parse_pair_label("12a"), 0);
	CHECK_INT(plan_parse_pair_label("-12"), 0);
	CHECK_INT(plan_parse_pair_label("0"), 0);
	CHECK_INT(plan_parse_pair_label("99999999999999999999999"), 0);
	CHECK_INT(plan_parse_pair_label(NULL), 0);
}

/* The places of the GPUs, each its own: a fixture has fewer than 16
 * GPUs, so the ring never hands out a place still in use. */
static struct plan_place places[16];
static size_t nplaces;

static void
gpu(struct plan_gpu *g, long long id, const char *region,
    enum confidence conf)
{
	struct plan_place *pl = &places[nplaces++ % 16];

	memset(g, 0, sizeof(*g));
	memset(pl, 0, sizeof(*pl));
	g->id = id;
	pl->region = region;
	pl->zone = "";
	pl->conf = conf;
	pl->method = conf == CONF_NONE ? "unmapped" : "subdivision";
	g->res = pl;
}

static void
vm(struct plan_vm *v, const char *name, const char *region,
   const char *label, long long gib)
{
	memset(v, 0, sizeof(*v));
	v->name = name;
	v->zone = "zone-x";
	v->region = region;
	v->pair_label = label;
	v->has_billing = gib >= 0;
	v->billing_egress_bytes = gib >= 0 ? gib * GIB : 0;
}

/* The Nth pair of built plan P (from 0), in VM order. */
static struct plan_pair
pair_at(const struct plan *p, size_t n)
{
	struct plan_pair q;
	size_t i;

	memset(&q, 0, sizeof(q));
	for (i = 0; i < p->nvms; i++)
		if (plan_pair(p, i, &q) && n-- == 0)
			return q;
	memset(&q, 0, sizeof(q));
	return q;
}

/* Six GPUs, seven labelled VMs: every way a pair can turn out. */
static void
build_fixture(struct plan *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->month, sizeof(p->month), "2025-06");
	p->start = 1748736000;
	p->end = p->start + 30 * 86400;
	rate_flat(&p->rates.cross, 10000);	/* $0.01 */
	rate_flat(&p->rates.same, 0);
	p->assumed_bytes_per_day = 100 * GIB;
	p->ngpus = 6;
	p->gpus = calloc(p->ngpus, sizeof(*p->gpus));
	gpu(&p->gpus[0], 10, "northamerica-northeast1", CONF_HIGH);
	gpu(&p->gpus[1], 20, "us-south1", CONF_HIGH);
	gpu(&p->gpus[2], 30, "us-central1", CONF_LOW);	/* ", US" */
	gpu(&p->gpus[3], 40, "", CONF_NONE);		/* null */
	gpu(&p->gpus[4], 50, "europe-west4", CONF_MEDIUM);
	gpu(&p->gpus[5], 60, "asia-east1", CONF_HIGH);	/* no VM */
	p->gpus[4].has_vast_bw = 1;
	p->gpus[4].vast_bw_bytes = 500000000000LL;	/* 500 GB */
	p->nvms = 7;
	p->vms = calloc(p->nvms, sizeof(*p->vms));
	vm(&p->vms[0], "a", "us-central1", "10", 3000);	/* cross */
	vm(&p->vms[1], "b", "us-south1", "vast-20", 1000); /* same */
	vm(&p->vms[2], "c", "us-central1", "20", 200);	/* second VM */
	vm(&p->vms[3], "d", "us-central1", "30", 700);	/* low */
	vm(&p->vms[4], "e", "us-central1", "40", 50);	/* unmapped */
	vm(&p->vms[5], "f", "us-central1", "19887766", 1); /* dangling */
	vm(&p->vms[6], "g", "us-central1", "50", -1);	/* no billing */
}

static void
test_pairs(void)
{
	struct plan p;

	build_fixture(&p);
	CHECK_INT(plan_build(&p), 0);
	CHECK_INT(p.t.pairs, 6);
	CHECK(pair_at(&p, 5).vm != NULL && pair_at(&p, 6).vm == NULL);
	CHECK_INT(p.t.gpus, 6);
	CHECK_INT(p.t.unpaired_gpus, 1);	/* id 60 */
	CHECK_INT(p.t.unpaired_vms, 1);		/* f */
	CHECK_STR(p.vms[5].unpaired, "GPU not in the Vast inventory");
	CHECK_INT(p.gpus[1].nvms, 2);		/* b and c */

	CHECK_INT(pair_at(&p, 0).cross, 1);
	CHECK_INT(pair_at(&p, 0).cost_micro, 30000000);	/* $30.00 */
	CHECK_INT(pair_at(&p, 0).cost_after_micro, 0);
	CHECK_INT(pair_at(&p, 0).savings_micro, 30000000);
	CHECK_INT(pair_at(&p, 1).cross, 0);
	CHECK_INT(pair_at(&p, 1).cost_micro, 0);
	CHECK_INT(pair_at(&p, 2).cross, 1);
	CHECK_INT(pair_at(&p, 2).cost_micro, 2000000);
	CHECK_INT(pair_at(&p, 3).cross, -1);	/* low: undetermined */
	CHECK_INT(pair_at(&p, 4).cross, -1);	/* unmapped */
	CHECK_INT(pair_at(&p, 5).source, EGRESS_VAST_BILLING);
	CHECK_INT(pair_at(&p, 5).egress_bytes, 500000000000LL);
	CHECK_INT(pair_at(&p, 5).cost_micro, 4660000);	/* 465.66 GiB */

	CHECK_INT(p.t.cross_pairs, 3);
	CHECK_INT(p.t.same_pairs, 1);
	CHECK_INT(p.t.undetermined, 2);
	CHECK_INT(p.t.cost_micro, 30000000 + 2000000 + 4660000);
	CHECK_INT(p.t.savings_micro, p.t.cost_micro);
	plan_release(&p);
}

static void
test_assumed(void)
{
	struct plan p;

	build_fixture(&p);
	p.gpus[4].has_vast_bw = 0;
	CHECK_INT(plan_build(&p), 0);
	CHECK_INT(pair_at(&p, 5).source, EGRESS_ASSUMED);
	/* 100 GiB x 30 */
	CHECK_INT(pair_at(&p, 5).egress_bytes, 3000 * GIB);
	CHECK_STR(egress_source_name(pair_at(&p, 5).source), "assumed");
	plan_release(&p);
}

/* Rounding happens per pair, so the totals are sums of what is shown. */
static void
test_cents(void)
{
	struct plan p;

	build_fixture(&p);
	p.vms[0].billing_egress_bytes = GIB / 2;	/* $0.005 */
	p.vms[2].billing_egress_bytes = GIB / 2;
	CHECK_INT(plan_build(&p), 0);
	CHECK_INT(pair_at(&p, 0).cost_micro, 10000);	/* $0.01 */
	CHECK_INT(p.t.cost_micro, 10000 + 10000 + 4660000);
	CHECK_INT(p.t.cost_micro % 10000, 0);
	plan_release(&p);
}

/* Unmapped locations: each once, in order of first appearance, with
 * its count; a null location apart from a missing one. */
static void
test_unmapped(void)
{
	static const char *const locs[] = {
		"Atlantis", NULL, "", "Atlantis", NULL, "Mu", "", "Atlantis"
	};
	struct plan p;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.ngpus = sizeof(locs) / sizeof(locs[0]);
	p.gpus = calloc(p.ngpus, sizeof(*p.gpus));
	for (i = 0; i < p.ngpus; i++) {
		gpu(&p.gpus[i], (long long)i + 1, "", CONF_NONE);
		p.gpus[i].location = locs[i];
		snprintf(p.gpus[i].loc_state, sizeof(p.gpus[i].loc_state),
			 "%s", locs[i] ? "value" : i == 1 ? "null" :
			 "missing");
	}
	gpu(&p.gpus[5], 6, "us-central1", CONF_HIGH);	/* "Mu" mapped */
	CHECK_INT(plan_build(&p), 0);
	CHECK_INT(p.nunmapped, 4);
	CHECK_STR(p.unmapped[0].location, "Atlantis");
	CHECK_INT(p.unmapped[0].count, 3);
	CHECK_STR(p.unmapped[1].location, "<null>");
	CHECK_INT(p.unmapped[1].count, 1);
	CHECK_STR(p.unmapped[2].location, "");
	CHECK_INT(p.unmapped[2].count, 2);
	CHECK_STR(p.unmapped[3].location, "<missing>");
	CHECK_INT(p.unmapped[3].count, 1);
	plan_release(&p);
}

int
main(void)
{
	T_RUN(test_labels);
	T_RUN(test_pairs);
	T_RUN(test_assumed);
	T_RUN(test_cents);
	T_RUN(test_unmapped);
	return T_DONE();
}
