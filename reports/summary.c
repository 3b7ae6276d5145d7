/*
 * summary.c - the key figures as label and value lines.  See summary.h.
 */
#include <stdio.h>

#include "summary.h"

/* Add a row; VALUE is copied. */
static void
row(struct summary_row *rows, size_t *n, const char *id,
    const char *label, const char *value)
{
	struct summary_row *r = &rows[(*n)++];

	r->id = id;
	snprintf(r->label, sizeof(r->label), "%s", label);
	snprintf(r->value, sizeof(r->value), "%s", value);
}

static void
counts(const struct report_figures *f, struct summary_row *rows,
       size_t *n)
{
	char b[RTEXT_BUF];
	int p = f->has_plan;

	row(rows, n, "gpus", "GPUs", RTEXT_IF(p, rtext_count(f->gpus, b)));
	row(rows, n, "pairs", "Pairs (GPU and CPU VM)",
	    RTEXT_IF(p, rtext_count(f->pairs, b)));
	row(rows, n, "cross-region-pairs", "Pairs crossing regions",
	    RTEXT_IF(p, rtext_count(f->cross, b)));
	row(rows, n, "same-region-pairs", "Pairs in the same region",
	    RTEXT_IF(p, rtext_count(f->same, b)));
	row(rows, n, "undetermined-pairs",
	    "Pairs not priced (GPU location unknown)",
	    RTEXT_IF(p, rtext_count(f->undetermined, b)));
	row(rows, n, "hit-rate", "Hit rate (pairs in place, of those priced)",
	    RTEXT_IF(p && f->has_hit_rate, rtext_percent(f->hit_bp, b)));
	row(rows, n, "egress", "Egress of all pairs (GiB)",
	    RTEXT_IF(p, rtext_gib(f->egress_bytes, b)));
}

static void
money(const struct report_figures *f, struct summary_row *rows, size_t *n)
{
	char b[RTEXT_BUF], m[RTEXT_BUF], label[160];
	int p = f->has_plan;

	row(rows, n, "cost", "Cost now",
	    RTEXT_IF(p, rtext_money(f->cost_micro, b)));
	row(rows, n, "cost-after", "Cost after moving the crossing pairs",
	    RTEXT_IF(p, rtext_money(f->cost_after_micro, b)));
	row(rows, n, "savings", "Savings this month (projected: if the "
	    "crossing pairs move)",
	    RTEXT_IF(p, rtext_money(f->savings_micro, b)));
	row(rows, n, "realised", "Savings realised this month (completed "
	    "moves)", RTEXT_IF(p, rtext_money(f->realised_micro, b)));
	snprintf(label, sizeof(label), "Since %s (%ld month%s on record): "
		 "realised", f->first_month[0] ?
		 rtext_month_name(f->first_month, m) : "the first month",
		 f->months_on_record, f->months_on_record == 1 ? "" : "s");
	row(rows, n, "realised-since", label,
	    rtext_money(f->realised_since_micro, b));
	row(rows, n, "projected-since", "Since then: projected (savings "
	    "still open, added up)",
	    rtext_money(f->projected_since_micro, b));
}

/* The summary lines of F, in reading order; returns how
 * many were written (at most SUMMARY_MAX_ROWS). */
size_t
summary_rows(const struct report_figures *f, struct summary_row *rows)
{
	char a[RTEXT_BUF], b[RTEXT_BUF], v[RTEXT_BUF * 2];
	size_t n = 0;

	counts(f, rows, &n);
	money(f, rows, &n);
	snprintf(v, sizeof(v), "%s across regions, %s within",
		 rtext_rate(f->rate_cross_micro, a),
		 rtext_rate(f->rate_same_micro, b));
	row(rows, &n, "rate-card", "Rate card (US$ per GiB)",
	    RTEXT_IF(f->has_plan, v));
	return n;
}

/* The rate card and the assumptions, one sentence. */
void
summary_assumptions(const struct report_figures *f, char *buf, size_t n)
{
	char a[RTEXT_BUF], b[RTEXT_BUF];

	snprintf(buf, n, "Rate card: %s per GiB across regions, %s within "
		 "one (1 GiB = 2\xc2\xb3\xe2\x81\xb0 bytes, as GCP bills); "
		 "egress per pair from GCP billing (%ld pairs), Vast.ai "
		 "bandwidth charges (%ld) or an assumed daily volume (%ld); "
		 "pairs whose GPU location is unknown are left out of the "
		 "money; a completed move counts as realised from the month "
		 "after it.", rtext_rate(f->rate_cross_micro, a),
		 rtext_rate(f->rate_same_micro, b), f->src_gcp, f->src_vast,
		 f->src_assumed);
}
