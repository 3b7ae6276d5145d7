/*
 * figjson.c - the report's figures as JSON (`planner report --json` and
 * the data block of report.html).  See figures.h.
 *
 * Owned by the report work.  Keys follow the plan JSON where the figure
 * is the same (cost_usd, savings_usd, egress_gb, hit_rate...); money is
 * written as exact decimal text, never through a double.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "figures.h"
#include "jsonout.h"
#include "money.h"
#include "rtext.h"

static void
add_usd(cJSON *o, const char *key, int64_t micro)
{
	jout_usd(o, key, micro, 1);
}

static void
add_gib(cJSON *o, const char *key, int64_t bytes)
{
	jout_gib(o, key, bytes, 1);
}

/* A number that may be absent (no plan that month). */
static void
add_num(cJSON *o, const char *key, double v, int valid)
{
	if (valid)
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *
summary_json(const struct report_figures *f)
{
	cJSON *o = cJSON_CreateObject(), *since, *src;
	int p = f->has_plan;

	add_num(o, "gpus", f->gpus, p);
	add_num(o, "pairs", f->pairs, p);
	add_num(o, "cross_region_pairs", f->cross, p);
	add_num(o, "same_region_pairs", f->same, p);
	add_num(o, "undetermined_pairs", f->undetermined, p);
	jout_dec(o, "hit_rate", f->hit_bp, 4, p && f->has_hit_rate);
	jout_gib(o, "egress_gb", f->egress_bytes, p);
	jout_usd(o, "cost_usd", f->cost_micro, p);
	jout_usd(o, "cost_after_usd", f->cost_after_micro, p);
	jout_usd(o, "savings_usd", f->savings_micro, p);
	jout_usd(o, "realised_savings_usd", f->realised_micro, p);
	since = cJSON_AddObjectToObject(o, "since_first_month");
	jout_str(since, "first_month", f->first_month[0] ? f->first_month :
		NULL);
	cJSON_AddNumberToObject(since, "months_on_record",
				f->months_on_record);
	add_usd(since, "realised_usd", f->realised_since_micro);
	add_usd(since, "projected_usd", f->projected_since_micro);
	src = cJSON_AddObjectToObject(o, "egress_sources");
	cJSON_AddNumberToObject(src, "gcp-billing", f->src_gcp);
	cJSON_AddNumberToObject(src, "vast-billing", f->src_vast);
	cJSON_AddNumberToObject(src, "assumed", f->src_assumed);
	return o;
}

static cJSON *
months_json(const struct report_figures *f)
{
	cJSON *a = cJSON_CreateArray(), *o;
	size_t i;

	for (i = 0; i < f->nmonths; i++) {
		const struct rf_month *m = &f->months[i];

		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "month", m->month);
		cJSON_AddBoolToObject(o, "has_plan", m->has_plan);
		add_num(o, "pairs", m->pairs, m->has_plan);
		add_num(o, "cross_region_pairs", m->cross, m->has_plan);
		jout_dec(o, "hit_rate", m->hit_bp, 4, m->has_hit_rate);
		jout_gib(o, "egress_gb", m->egress_bytes, m->has_plan);
		jout_usd(o, "cost_usd", m->cost_micro, m->has_plan);
		jout_usd(o, "projected_savings_usd", m->projected_micro,
			   m->has_plan);
		add_usd(o, "realised_savings_usd", m->realised_micro);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *
region_pairs_json(const struct report_figures *f)
{
	cJSON *a = cJSON_CreateArray(), *o;
	size_t i;

	for (i = 0; i < f->nregion_pairs; i++) {
		const struct rf_region_pair *r = &f->region_pairs[i];

		o = cJSON_CreateObject();
		jout_str(o, "cpu_region", r->from_region);
		jout_str(o, "gpu_region", r->to_region);
		cJSON_AddBoolToObject(o, "others", r->other);
		cJSON_AddNumberToObject(o, "region_pairs", r->region_pairs);
		cJSON_AddNumberToObject(o, "pairs", r->pairs);
		add_gib(o, "egress_gb", r->egress_bytes);
		add_usd(o, "cost_usd", r->cost_micro);
		add_usd(o, "savings_usd", r->savings_micro);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *
latency_json(const struct report_figures *f)
{
	cJSON *a = cJSON_CreateArray(), *o;
	size_t i;

	for (i = 0; i < f->nlatency; i++) {
		o = cJSON_CreateObject();
		jout_str(o, "region", f->latency[i].region);
		cJSON_AddNumberToObject(o, "samples", f->latency[i].samples);
		cJSON_AddNumberToObject(o, "lost", f->latency[i].lost);
		cJSON_AddNumberToObject(o, "median_ms",
					f->latency[i].median_ms);
		cJSON_AddNumberToObject(o, "p95_ms", f->latency[i].p95_ms);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *
pair_json(const struct rf_pair *p, int priced)
{
	cJSON *o = cJSON_CreateObject();
	char id[24];

	snprintf(id, sizeof(id), "%lld", p->gpu_id);
	cJSON_AddStringToObject(o, "gpu_id", id);
	jout_str(o, "gpu_location", p->gpu_location);
	if (priced) {
		jout_str(o, "best_region", p->best_region);
		jout_str(o, "best_zone", p->best_zone);
	}
	jout_str(o, "method", p->method);
	jout_str(o, "confidence", p->confidence);
	jout_str(o, "cpu_name", p->cpu_name);
	jout_str(o, "cpu_zone", p->cpu_zone);
	jout_str(o, "cpu_region", p->cpu_region);
	add_gib(o, "egress_gb", p->egress_bytes);
	jout_str(o, "egress_source", p->egress_source);
	if (priced) {
		add_usd(o, "cost_usd", p->cost_micro);
		add_usd(o, "cost_after_usd", p->cost_after_micro);
		add_usd(o, "savings_usd", p->savings_micro);
	}
	return o;
}

static cJSON *
pairs_json(const struct rf_pair *p, size_t n, int priced)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, pair_json(&p[i], priced));
	return a;
}

static cJSON *
lists_unmapped_alerts(const struct report_figures *f, int alerts)
{
	cJSON *a = cJSON_CreateArray(), *o;
	size_t i;

	for (i = 0; !alerts && i < f->nunmapped; i++) {
		o = cJSON_CreateObject();
		jout_str(o, "location", f->unmapped[i].location);
		cJSON_AddNumberToObject(o, "count", f->unmapped[i].count);
		jout_str(o, "first_seen", f->unmapped[i].first_seen);
		jout_str(o, "last_seen", f->unmapped[i].last_seen);
		cJSON_AddItemToArray(a, o);
	}
	for (i = 0; alerts && i < f->nalerts; i++) {
		o = cJSON_CreateObject();
		jout_str(o, "kind", f->alerts[i].kind);
		jout_str(o, "subject", f->alerts[i].subject);
		jout_str(o, "message", f->alerts[i].message);
		cJSON_AddNumberToObject(o, "times", f->alerts[i].times);
		jout_str(o, "first_raised", f->alerts[i].first_raised);
		jout_str(o, "last_raised", f->alerts[i].last_raised);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *
migrations_json(const struct report_figures *f)
{
	cJSON *a = cJSON_CreateArray(), *o;
	size_t i;

	for (i = 0; i < f->nmigrations; i++) {
		o = cJSON_CreateObject();
		jout_str(o, "vm_name", f->migrations[i].vm_name);
		jout_str(o, "from_zone", f->migrations[i].from_zone);
		jout_str(o, "to_zone", f->migrations[i].to_zone);
		jout_str(o, "finished_at", f->migrations[i].finished_at);
		add_usd(o, "savings_usd", f->migrations[i].savings_micro);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *
map_json(const struct report_figures *f)
{
	cJSON *o = cJSON_CreateObject();
	long cross = 0, same = 0;
	size_t i;

	for (i = 0; i < f->nlinks; i++)
		*(f->links[i].cross ? &cross : &same) += f->links[i].pairs;
	cJSON_AddNumberToObject(o, "cross_region_links", cross);
	cJSON_AddNumberToObject(o, "same_region_links", same);
	cJSON_AddNumberToObject(o, "pairs_not_drawn",
				f->undetermined + f->links_unplaced);
	return o;
}

static cJSON *
figures_tree(const struct report_figures *f)
{
	cJSON *root = cJSON_CreateObject(), *rates;

	cJSON_AddStringToObject(root, "month", f->month);
	cJSON_AddStringToObject(root, "generated_at", f->generated_at);
	cJSON_AddBoolToObject(root, "has_plan", f->has_plan);
	jout_str(root, "plan_created_at", f->has_plan ? f->plan_created_at :
		NULL);
	rates = cJSON_AddObjectToObject(root, "rates");
	if (f->has_plan) {
		jout_rate(rates, "cross_region_usd_per_gb",
			 f->rate_cross_micro);
		jout_rate(rates, "same_region_usd_per_gb",
			 f->rate_same_micro);
		cJSON_AddStringToObject(rates, "unit", "GiB");
	}
	cJSON_AddItemToObject(root, "summary", summary_json(f));
	cJSON_AddItemToObject(root, "months", months_json(f));
	cJSON_AddItemToObject(root, "region_pairs", region_pairs_json(f));
	cJSON_AddBoolToObject(root, "latency_measured", f->nlatency > 0);
	cJSON_AddItemToObject(root, "latency", latency_json(f));
	cJSON_AddItemToObject(root, "cross_region_pairs",
			      pairs_json(f->pairs_cross, f->npairs_cross, 1));
	cJSON_AddItemToObject(root, "unpriced_pairs",
			      pairs_json(f->pairs_unpriced,
					 f->npairs_unpriced, 0));
	cJSON_AddItemToObject(root, "unmapped_locations",
			      lists_unmapped_alerts(f, 0));
	cJSON_AddItemToObject(root, "alerts", lists_unmapped_alerts(f, 1));
	cJSON_AddBoolToObject(root, "migration_journal",
			      f->has_migration_journal);
	cJSON_AddItemToObject(root, "migrations", migrations_json(f));
	cJSON_AddItemToObject(root, "map", map_json(f));
	return root;
}

/* Copy TEXT with '<', '>' and '&' as JSON escapes.  They can only occur
 * inside strings, where the escape means the same character. */
static char *
script_safe(const char *text)
{
	size_t n = 0, i, o = 0;
	char *out;

	for (i = 0; text[i]; i++)
		n += strchr("<>&", text[i]) ? 6 : 1;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; text[i]; i++)
		if (text[i] == '<' || text[i] == '>' || text[i] == '&')
			o += (size_t)snprintf(out + o, 7, "\\u%04x",
					      (unsigned)text[i]);
		else
			out[o++] = text[i];
	out[o] = '\0';
	return out;
}

/* The figures as JSON safe inside an HTML script element;
 * the caller frees the text (NULL when memory ran out). */
char *
figures_json(const struct report_figures *f)
{
	cJSON *root = figures_tree(f);
	char *text = cJSON_Print(root), *safe;

	cJSON_Delete(root);
	if (text == NULL)
		return NULL;
	safe = script_safe(text);
	free(text);
	return safe;
}
