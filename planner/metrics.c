/*
 * metrics.c - the Prometheus textfile.  See metrics.h.
 *
 * Format: text exposition format 0.0.4; one HELP and TYPE line per
 * family; label values escaped (backslash, quote, newline).
 */
#include <stdio.h>
#include <string.h>

#include "metrics.h"
#include "money.h"
#include "outfile.h"

static void
family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP planner_%s %s\n# TYPE planner_%s %s\n", name, help,
		name, type);
}

static void
gauge(FILE *f, const char *name, const char *help, const char *value)
{
	family(f, name, "gauge", help);
	fprintf(f, "planner_%s %s\n", name, value);
}

static void
gauge_ll(FILE *f, const char *name, const char *help, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	gauge(f, name, help, buf);
}

static void
plan_metrics(FILE *f, const struct plan *p)
{
	const struct plan_totals *t = &p->t;
	long det = t->cross_pairs + t->same_pairs;
	char buf[40];

	gauge_ll(f, "gpus", "GPU hosts in the Vast.ai inventory.", t->gpus);
	gauge_ll(f, "pairs", "GPU and CPU VM pairs in the plan.", t->pairs);
	gauge_ll(f, "cross_region_pairs", "Pairs whose VM sits in another "
		 "region than its GPU's best region.", t->cross_pairs);
	gauge_ll(f, "undetermined_pairs", "Pairs whose GPU location is "
		 "unknown or too coarse to judge.", t->undetermined);
	snprintf(buf, sizeof(buf), "%.4f", det ? (double)t->same_pairs /
		 (double)det : 0.0);
	gauge(f, "hit_rate", "Share of determined pairs in the same region.",
	      buf);
	gauge(f, "projected_monthly_savings_usd", "Monthly saving if every "
	      "cross-region pair moved.",
	      dec_format(dec_rescale(t->savings_micro, 6, 2), 2, buf,
			 sizeof(buf)));
	gauge(f, "monthly_egress_cost_usd", "Cost of the month's pair "
	      "traffic at the rate card.",
	      dec_format(dec_rescale(t->cost_micro, 6, 2), 2, buf,
			 sizeof(buf)));
}

static void
run_metrics(FILE *f, const struct run_stats *rs)
{
	char buf[32];

	gauge_ll(f, "unmapped_locations", "Distinct GPU locations that "
		 "could not be placed.", rs->unmapped);
	gauge_ll(f, "alerts", "Alerts raised by the last run.", rs->alerts);
	gauge_ll(f, "rows_imported", "Input rows imported by the last run.",
		 rs->rows_imported);
	gauge_ll(f, "rows_rejected", "Input rows rejected by the last run.",
		 rs->rows_rejected);
	gauge_ll(f, "last_run_status", "Exit status of the last run.",
		 rs->status);
	gauge_ll(f, "last_run_timestamp_seconds", "When the last run ended "
		 "(unix time).", rs->finished_at);
	snprintf(buf, sizeof(buf), "%lld.%03lld",
		 (long long)(rs->duration_ms / 1000),
		 (long long)(rs->duration_ms % 1000));
	gauge(f, "last_run_duration_seconds", "How long the last run took.",
	      buf);
}

struct metrics_ctx {
	const struct plan *p;
	const struct run_stats *rs;
};

static enum perr_code
metrics_out(void *ctx, FILE *f, struct perr *e)
{
	struct metrics_ctx *m = ctx;

	(void)e;
	if (m->p)
		plan_metrics(f, m->p);
	run_metrics(f, m->rs);
	return P_OK;
}

enum perr_code
metrics_write(const char *path, const struct plan *p,
	      const struct run_stats *rs, struct perr *e)
{
	struct metrics_ctx m = { p, rs };

	return outfile_write(path, "--metrics-file", metrics_out, &m, e);
}
