/*
 * plan.c - the planning core: pairing and pricing.  See plan.h.
 */
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "plan.h"

long long
plan_parse_pair_label(const char *v)
{
	long long id = 0;

	if (v == NULL)
		return 0;
	if (strncmp(v, "vast-", 5) == 0)
		v += 5;
	if (*v == '\0' || *v == '0')
		return 0;
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || id > 100000000000000LL)
			return 0;
		id = id * 10 + (*v - '0');
	}
	return id;
}

const char *
egress_source_name(enum egress_source s)
{
	switch (s) {
	case EGRESS_GCP_BILLING:
		return "gcp-billing";
	case EGRESS_VAST_BILLING:
		return "vast-billing";
	case EGRESS_ASSUMED:
		break;
	}
	return "assumed";
}

static int
cmp_gpu_id(const void *key, const void *elem)
{
	long long a = *(const long long *)key;
	long long b = ((const struct plan_gpu *)elem)->id;

	return a < b ? -1 : a > b;
}

static struct plan_gpu *
find_gpu(const struct plan *p, long long id)
{
	if (p->ngpus == 0)	/* bsearch wants a valid base even then */
		return NULL;
	return bsearch(&id, p->gpus, p->ngpus, sizeof(*p->gpus), cmp_gpu_id);
}

/* Billing beats Vast charges beats the assumed default: the first is the
 * VM's own metered egress, the second the GPU side's view of it. */
static void
choose_egress(const struct plan *p, struct plan_pair *q)
{
	int64_t days = (p->end - p->start) / 86400;

	if (q->vm->has_billing) {
		q->egress_bytes = q->vm->billing_egress_bytes;
		q->source = EGRESS_GCP_BILLING;
	} else if (q->gpu->has_vast_bw) {
		q->egress_bytes = q->gpu->vast_bw_bytes;
		q->source = EGRESS_VAST_BILLING;
	} else {
		q->egress_bytes = p->assumed_bytes_per_day * days;
		q->source = EGRESS_ASSUMED;
	}
}

/* Whole cents, so that totals are the sums of the lines shown. */
static int64_t
cents(int64_t micro)
{
	return dec_rescale(micro, 6, 2) * 10000;
}

static void
price(const struct plan *p, struct plan_pair *q)
{
	const struct plan_place *r = q->gpu->res;

	q->cross = -1;
	if (r->conf < CONF_MEDIUM || r->region[0] == '\0')
		return;
	q->cross = strcmp(r->region, q->vm->region) != 0;
	q->cost_micro = cents(rate_cost(q->cross ? &p->rates.cross :
					&p->rates.same, q->egress_bytes));
	q->cost_after_micro = cents(rate_cost(&p->rates.same,
					      q->egress_bytes));
	q->savings_micro = q->cost_micro - q->cost_after_micro;
}

static void
add_totals(struct plan_totals *t, const struct plan_pair *q)
{
	t->pairs++;
	t->egress_bytes += q->egress_bytes;
	t->by_source[q->source]++;
	if (q->cross < 0) {
		t->undetermined++;
		return;
	}
	if (q->cross)
		t->cross_pairs++;
	else
		t->same_pairs++;
	t->cost_micro += q->cost_micro;
	t->cost_after_micro += q->cost_after_micro;
	t->savings_micro += q->savings_micro;
}

/* The text a GPU's location is listed under when it is unmapped. */
static const char *
loc_text(const struct plan_gpu *g)
{
	if (g->location)
		return g->location;
	return strcmp(g->loc_state, "null") == 0 ? "<null>" : "<missing>";
}

/*
 * The distinct locations of the unmapped GPUs with their counts, in
 * order of first appearance: one pass with a hash table of list indices
 * (each slot holds an index + 1; 0 is empty), not a search of the GPUs
 * before each one, which is quadratic when many are unmapped.
 */
static int
list_unmapped(struct plan *p)
{
	struct plan_unmapped *u;
	size_t *slot, cap = 64, mask, n = 0, i, j;

	for (i = 0; i < p->ngpus; i++)
		n += p->gpus[i].res->conf == CONF_NONE;
	if (n == 0)
		return 0;
	while (cap < 2 * n)
		cap *= 2;
	mask = cap - 1;
	slot = calloc(cap, sizeof(*slot));
	p->unmapped = u = calloc(n, sizeof(*u));
	if (slot == NULL || u == NULL) {
		free(slot);
		return -1;
	}
	for (i = 0; i < p->ngpus; i++) {
		const char *loc = loc_text(&p->gpus[i]);

		if (p->gpus[i].res->conf != CONF_NONE)
			continue;
		for (j = strpool_hash(loc) & mask; slot[j]; j = (j + 1) & mask)
			if (strcmp(u[slot[j] - 1].location, loc) == 0)
				break;
		if (slot[j] == 0) {
			u[p->nunmapped].location = loc;
			slot[j] = ++p->nunmapped;
		}
		u[slot[j] - 1].count++;
	}
	free(slot);
	return 0;
}

/* VM I's pair, worked out again: its GPU found by id, then priced. */
int
plan_pair(const struct plan *p, size_t i, struct plan_pair *q)
{
	const struct plan_vm *vm = &p->vms[i];

	memset(q, 0, sizeof(*q));
	if (vm->unpaired || (q->gpu = find_gpu(p, vm->gpu_id)) == NULL)
		return 0;
	q->vm = vm;
	choose_egress(p, q);
	price(p, q);
	return 1;
}

int
plan_build(struct plan *p)
{
	size_t i;

	free(p->unmapped);
	p->unmapped = NULL;
	p->nunmapped = 0;
	memset(&p->t, 0, sizeof(p->t));
	if (list_unmapped(p))
		return -1;
	for (i = 0; i < p->nvms; i++) {
		struct plan_vm *vm = &p->vms[i];
		struct plan_gpu *g;
		struct plan_pair q;

		vm->gpu_id = plan_parse_pair_label(vm->pair_label);
		if (vm->gpu_id == 0) {
			vm->unpaired = "malformed pairing label";
			p->t.unpaired_vms++;
			continue;
		}
		if ((g = find_gpu(p, vm->gpu_id)) == NULL) {
			vm->unpaired = "GPU not in the Vast inventory";
			p->t.unpaired_vms++;
			continue;
		}
		g->nvms++;
		plan_pair(p, i, &q);
		add_totals(&p->t, &q);
	}
	p->t.gpus = (long)p->ngpus;
	for (i = 0; i < p->ngpus; i++)
		p->t.unpaired_gpus += p->gpus[i].nvms == 0;
	return 0;
}

void
plan_release(struct plan *p)
{
	free(p->gpus);
	free(p->vms);
	free(p->unmapped);
	strpool_free(&p->strings);
	memset(p, 0, sizeof(*p));
}
