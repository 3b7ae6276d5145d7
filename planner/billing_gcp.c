/*
 * billing_gcp.c - GCP billing CSV into billing_line: the detailed export
 * flattened to CSV, FinOps FOCUS 1.0-1.2, and the console cost table.
 *
 * Owner: the billing importers.
 *
 * The layout is told from the header row's column names, never from the
 * file name.  The cost table starts with key/value lines ("Invoice
 * number,...", "Currency,USD") before its header and ends with summary
 * lines ("Rounding error", "Total") that are skipped; it has no resource
 * column, so its rows are project-level (resource NULL).  A repeated
 * header row (concatenated exports) is skipped wherever it appears.
 *
 * Errors: a file with no known header, a missing required column, bad
 * CSV structure (quoting, UTF-8, limits) fail the whole file.  A data row
 * that cannot be read (wrong field count, a bad number, time or JSON
 * cell) goes through import_reject: under keep_going it is reported and
 * skipped, otherwise it fails the file.
 */
#include <string.h>

#include "billing_gcp.h"
#include "money.h"
#include "timeutil.h"

/* Key/value lines accepted before a cost-table header. */
#define PREAMBLE_MAX	32

static enum perr_code export_row(struct gcp_in *, struct bill_line *,
				 struct perr *);
static enum perr_code focus_row(struct gcp_in *, struct bill_line *,
				struct perr *);
static enum perr_code table_row(struct gcp_in *, struct bill_line *,
				struct perr *);

static const struct colspec export_cols[] = {
	{ "billing_account_id", C_ACCOUNT, 1 },
	{ "project.id", C_PROJECT, 1 },
	{ "service.description", C_SERVICE, 0 },
	{ "sku.id", C_SKU_ID, 1 },
	{ "sku.description", C_SKU_DESC, 1 },
	{ "usage_start_time", C_START, 1 },
	{ "usage_end_time", C_END, 1 },
	{ "location.region", C_REGION, 0 },
	{ "location.zone", C_ZONE, 0 },
	{ "resource.name", C_RES_NAME, 0 },
	{ "resource.global_name", C_RES_GLOBAL, 0 },
	{ "labels", C_LABELS, 1 },
	{ "export_time", C_EXPORT_TIME, 1 },
	{ "cost", C_COST, 1 },
	{ "currency", C_CURRENCY, 1 },
	{ "currency_conversion_rate", C_RATE, 0 },
	{ "credits", C_CREDITS, 0 },
	{ "cost_type", C_CHARGE, 0 },
	{ "usage.amount", C_AMOUNT, 0 },
	{ "usage.unit", C_UNIT, 0 },
	{ "usage.amount_in_pricing_units", C_PQTY, 0 },
	{ "usage.pricing_unit", C_PUNIT, 0 },
};

static const struct colspec focus_cols[] = {
	{ "BillingAccountId", C_ACCOUNT, 1 },
	{ "SubAccountId", C_PROJECT, 1 },
	{ "ServiceName", C_SERVICE, 0 },
	{ "SkuId", C_SKU_ID, 1 },
	{ "ChargeDescription", C_SKU_DESC, 1 },
	{ "ChargePeriodStart", C_START, 1 },
	{ "ChargePeriodEnd", C_END, 1 },
	{ "RegionId", C_REGION, 0 },
	{ "AvailabilityZone", C_ZONE, 0 },
	{ "ResourceName", C_RES_NAME, 0 },
	{ "ResourceId", C_RES_GLOBAL, 0 },
	{ "Tags", C_LABELS, 0 },
	{ "BilledCost", C_COST, 1 },
	{ "BillingCurrency", C_CURRENCY, 1 },
	{ "ChargeCategory", C_CHARGE, 0 },
	{ "ChargeClass", C_CHARGE_CLASS, 0 },
	{ "x_UsageAmount", C_AMOUNT, 0 },
	{ "x_UsageUnit", C_UNIT, 0 },
	{ "ConsumedQuantity", C_QTY, 0 },
	{ "ConsumedUnit", C_QTY_UNIT, 0 },
	{ "PricingQuantity", C_PQTY, 0 },
	{ "PricingUnit", C_PUNIT, 0 },
};

static const struct colspec table_cols[] = {
	{ "Billing account ID", C_ACCOUNT, 1 },
	{ "Project ID", C_PROJECT, 1 },
	{ "Service description", C_SERVICE, 0 },
	{ "SKU ID", C_SKU_ID, 1 },
	{ "SKU description", C_SKU_DESC, 1 },
	{ "Usage start date", C_START, 1 },
	{ "Usage end date", C_END, 1 },
	{ "Cost type", C_CHARGE, 1 },
	{ "Credit type", C_CREDIT_TYPE, 0 },
	{ "Usage amount", C_PQTY, 1 },
	{ "Usage unit", C_PUNIT, 1 },
	{ "Unrounded Cost ($)", C_COST, 0 },
	{ "Cost ($)", C_COST_ROUNDED, 1 },
};

#define NCOLS(a)	(sizeof(a) / sizeof((a)[0]))

static const struct layout layouts[] = {
	{ "gcp-export",
	  { "billing_account_id", "sku.id", "usage_start_time", "cost" },
	  export_cols, NCOLS(export_cols), "regular", DEC_STRICT,
	  export_row },
	{ "focus",
	  { "BillingAccountId", "ChargePeriodStart", "BilledCost" },
	  focus_cols, NCOLS(focus_cols), "Usage", DEC_NO_EXP_PLUS,
	  focus_row },
	{ "cost-table",
	  { "Billing account ID", "SKU ID", "Usage start date", "Cost ($)" },
	  table_cols, NCOLS(table_cols), "Usage", DEC_THOUSANDS,
	  table_row },
};

static const char accepted[] = "expected the header of the GCP detailed "
	"billing export (billing_account_id, sku.id, usage_start_time, cost, "
	"...), of FinOps FOCUS 1.0-1.2 (BillingAccountId, ChargePeriodStart, "
	"BilledCost, ...) or of the console cost table (key/value lines, then "
	"Billing account ID, SKU ID, Usage start date, Cost ($), ...)";

/* ---- the header ---------------------------------------------------- */

static int
record_has(const struct csvin *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nf; i++)
		if (bill_field_is(&r->field[i], name))
			return 1;
	return 0;
}

static const struct layout *
match_layout(const struct csvin *r)
{
	size_t i, k;

	for (i = 0; i < NCOLS(layouts); i++) {
		for (k = 0; layouts[i].sig[k]; k++)
			if (!record_has(r, layouts[i].sig[k]))
				break;
		if (layouts[i].sig[k] == NULL)
			return &layouts[i];
	}
	return NULL;
}

static enum perr_code
use_layout(struct gcp_in *g, const struct layout *lay, struct perr *e)
{
	enum perr_code rc;
	size_t i;

	if (lay->cols == table_cols && g->non_usd)
		return perr_set(e, P_EPARSE, "%s: the cost table is not in USD "
				"(its preamble names another currency); "
				"expected a USD cost table", g->c->path);
	if ((rc = csvin_set_header(&g->r, e)) != P_OK)
		return rc;
	for (i = 0; i < C_NCOL; i++)
		g->col[i] = -1;
	for (i = 0; i < lay->ncols; i++) {
		const struct colspec *cs = &lay->cols[i];

		if (!cs->required)
			g->col[cs->col] = csvin_col(&g->r, cs->name);
		else if ((rc = csvin_need(&g->r, cs->name, &g->col[cs->col],
					  e)) != P_OK)
			return rc;
	}
	g->lay = lay;
	g->c->res->format = lay->format;
	if (lay->cols == table_cols)
		g->c->res->note = "a cost table has no resource column: its "
		    "egress is known per project, not per VM";
	return P_OK;
}

static enum perr_code
refuse(struct gcp_in *g, int empty, struct perr *e)
{
	if (empty)
		return perr_set(e, P_EPARSE, "%s: the file is empty; %s",
				g->c->path, accepted);
	return perr_set(e, P_EPARSE, "%s:%ld: not a GCP billing CSV: %s; "
			"found a record starting '%s'", g->c->path,
			g->first_line, accepted, g->first);
}

/* Keep the start of the first record for refuse(): printable ASCII
 * only, so the message stays one clean line. */
static void
keep_first(struct gcp_in *g)
{
	struct csvin_field f = csvin_get(&g->r, 0);
	size_t i;

	for (i = 0; i < f.n && i + 1 < sizeof(g->first); i++)
		g->first[i] = f.s[i] >= 0x20 && f.s[i] < 0x7F ? f.s[i] : '?';
	g->first[i] = '\0';
	g->first_line = g->r.line;
}

/* Read up to the header, through a cost table's key/value preamble. */
static enum perr_code
find_header(struct gcp_in *g, struct perr *e)
{
	const struct layout *lay;
	enum perr_code rc;
	int got, i;

	for (i = 0; i < PREAMBLE_MAX; i++) {
		if ((rc = csvin_next(&g->r, &got, e)) != P_OK)
			return rc;
		if (!got)
			return refuse(g, i == 0, e);
		if (i == 0)
			keep_first(g);
		if ((lay = match_layout(&g->r)) != NULL)
			return use_layout(g, lay, e);
		if (g->r.nf > 3 || g->r.field[0].n == 0)
			break;
		if (bill_field_is(&g->r.field[0], "Currency") &&
		    g->r.nf > 1 && !bill_field_is(&g->r.field[1], "USD"))
			g->non_usd = 1;
	}
	return refuse(g, 0, e);
}

/* ---- fields common to the layouts ----------------------------------- */

static struct csvin_field
get(const struct gcp_in *g, enum col col)
{
	return csvin_get(&g->r, g->col[col]);
}

static void
common(struct gcp_in *g, struct bill_line *l)
{
	memset(l, 0, sizeof(*l));
	l->source = g->lay->format;
	l->account = get(g, C_ACCOUNT);
	l->project = get(g, C_PROJECT);
	l->service = get(g, C_SERVICE);
	l->sku_id = get(g, C_SKU_ID);
	l->sku_desc = get(g, C_SKU_DESC);
	l->region = get(g, C_REGION);
	l->zone = get(g, C_ZONE);
	l->res_name = get(g, C_RES_NAME);
	l->res_global = get(g, C_RES_GLOBAL);
	l->currency = get(g, C_CURRENCY);
	l->charge = get(g, C_CHARGE);
	if (bill_field_is(&l->charge, g->lay->usage_charge))
		l->charge.n = 0;
	l->charge_class = get(g, C_CHARGE_CLASS);
	l->credit_type = get(g, C_CREDIT_TYPE);
}

static enum perr_code
instant(struct gcp_in *g, enum col col, int64_t *t, struct perr *e)
{
	struct csvin_field f = get(g, col);
	struct time_memo *m = &g->times[col == C_END];

	/* The rows of one hour share their start and end text. */
	if (m->n == f.n && f.n > 0 && memcmp(m->text, f.s, f.n) == 0) {
		*t = m->t;
		return P_OK;
	}
	if (time_parse(f.s, f.n, t) == 0) {
		m->n = 0;
		if (f.n <= sizeof(m->text)) {
			memcpy(m->text, f.s, f.n);
			m->n = f.n;
			m->t = *t;
		}
		return P_OK;
	}
	return bill_bad_field(&g->r, g->col[col], "a UTC timestamp such as "
			      "'2025-06-01 00:00:00 UTC' or "
			      "'2025-06-01T00:00:00Z'", NULL, e);
}

/* The usage interval; END_DAYS adds whole days to the end (the cost
 * table's end date is the last day included). */
static enum perr_code
interval(struct gcp_in *g, struct bill_line *l, int end_days,
	 struct perr *e)
{
	enum perr_code rc;

	if ((rc = instant(g, C_START, &l->usage_start, e)) != P_OK ||
	    (rc = instant(g, C_END, &l->usage_end, e)) != P_OK)
		return rc;
	l->usage_end += (int64_t)end_days * 86400;
	if (l->usage_end < l->usage_start)
		return bill_bad_field(&g->r, g->col[C_END], "a time not before "
				      "the usage start", NULL, e);
	return P_OK;
}

static enum perr_code
money(struct gcp_in *g, enum col col, unsigned flags, int64_t *v,
      struct perr *e)
{
	struct csvin_field f = get(g, col);
	const char *why;

	if (dec_parse(f.s, f.n, 6, flags, v, &why) == 0)
		return P_OK;
	return bill_bad_field(&g->r, g->col[col], "a decimal number", why, e);
}

static enum perr_code
labels(struct gcp_in *g, int array, struct perr *e)
{
	struct csvin_field f = get(g, C_LABELS);
	const char *why;

	if (bill_labels(&g->b, &f, array, &why) == 0)
		return P_OK;
	return bill_bad_field(&g->r, g->col[C_LABELS], array ?
			      "a JSON list of {\"key\",\"value\"} objects" :
			      "a JSON object of tag values", why, e);
}

/* Usage in bytes from the quantity column Q with unit column U; 1 when
 * the unit is not a data size (try the next pair), 0 done, or -1. */
static int
usage_bytes(struct gcp_in *g, enum col q, enum col u, int64_t *bytes,
	    struct perr *e)
{
	struct csvin_field unit = get(g, u), f = get(g, q);
	int shift = bill_unit_shift(&unit);
	const char *why;

	if (g->col[q] < 0 || shift < 0)
		return 1;
	if (bill_units_to_bytes(f.s, f.n, g->lay->qty_flags, shift, bytes,
				&why) == 0)
		return 0;
	bill_bad_field(&g->r, g->col[q], "a decimal quantity", why, e);
	return -1;
}

/* Egress is data that left: never negative, and (so that a month's sum
 * cannot overflow) at most BILL_MAX_EGRESS in one row. */
static enum perr_code
plausible(struct gcp_in *g, enum col q, const struct bill_line *l,
	  struct perr *e)
{
	if (l->egress_bytes >= 0 && l->egress_bytes <= BILL_MAX_EGRESS)
		return P_OK;
	return bill_bad_field(&g->r, g->col[q], "a data quantity from 0 to "
			      "1 EiB for an egress SKU", NULL, e);
}

/* The egress kind of a SKU description (egress_skus_match), from the
 * reader's cache of descriptions met before: a file has a few hundred
 * SKUs, and matching one against the table's patterns costs more than
 * a lookup. */
static const char *
sku_kind(struct gcp_in *g, const struct csvin_field *desc)
{
	struct sku_memo *m = &g->skus[bill_hash(desc->s, desc->n) %
				      SKU_MEMO];

	if (m->n == desc->n && desc->n > 0 &&
	    memcmp(m->desc, desc->s, desc->n) == 0)
		return m->kind;
	m->kind = egress_skus_match(&g->b.skus, desc->s, desc->n);
	m->n = 0;
	if (desc->n <= sizeof(m->desc)) {
		memcpy(m->desc, desc->s, desc->n);
		m->n = desc->n;
	}
	return m->kind;
}

/* Classify the SKU; for egress, find its usage in bytes. */
static enum perr_code
egress(struct gcp_in *g, struct bill_line *l, struct perr *e)
{
	static const enum col pairs[][2] = {
		{ C_AMOUNT, C_UNIT }, { C_QTY, C_QTY_UNIT }, { C_PQTY, C_PUNIT }
	};
	size_t i;
	int rc;

	l->egress_kind = sku_kind(g, &l->sku_desc);
	if (l->egress_kind == NULL)
		return P_OK;
	for (i = 0; i < NCOLS(pairs); i++)
		if ((rc = usage_bytes(g, pairs[i][0], pairs[i][1],
				      &l->egress_bytes, e)) <= 0)
			return rc < 0 ? P_EPARSE : plausible(g, pairs[i][0],
							     l, e);
	for (i = 0; i < NCOLS(pairs) && g->col[pairs[i][1]] < 0; i++)
		;
	return bill_bad_field(&g->r, i < NCOLS(pairs) ? g->col[pairs[i][1]] :
			      -1, "a data unit (bytes, gibibyte, GiB, "
			      "tebibyte, TiB) for an egress SKU", NULL, e);
}

/* ---- the three layouts -------------------------------------------- */

/* Convert the cost and credits in l->currency to USD. */
static enum perr_code
to_usd(struct gcp_in *g, struct bill_line *l, int64_t cost,
       int64_t credits, struct perr *e)
{
	struct csvin_field f = get(g, C_RATE);
	int64_t rate = 1;
	const char *why = NULL;
	int scale = 0;

	if (l->currency.n == 0)
		return bill_bad_field(&g->r, g->col[C_CURRENCY], "a currency "
				      "code", NULL, e);
	if (f.n == 0 && !bill_field_is(&l->currency, "USD"))
		return bill_bad_field(&g->r, g->col[C_RATE], "the rate to USD "
				      "of a non-USD cost", NULL, e);
	if (f.n != 0 && bill_parse_rate(f.s, f.n, &rate, &scale, &why) != 0)
		return bill_bad_field(&g->r, g->col[C_RATE], "a decimal "
				      "number", why, e);
	if (bill_to_usd(cost, rate, scale, &l->cost_micro) != 0 ||
	    bill_to_usd(credits, rate, scale, &l->credits_micro) != 0)
		return bill_bad_field(&g->r, g->col[C_RATE], "a positive rate "
				      "to USD", rate > 0 ? "out of range" :
				      NULL, e);
	return P_OK;
}

static enum perr_code
export_row(struct gcp_in *g, struct bill_line *l, struct perr *e)
{
	struct csvin_field t = get(g, C_EXPORT_TIME), cr = get(g, C_CREDITS);
	int64_t cost, credits;
	enum perr_code rc;
	const char *why;

	common(g, l);
	if ((rc = interval(g, l, 0, e)) != P_OK)
		return rc;
	if (t.n != 0 && bill_norm_time(t.s, t.n, l->export_time) != 0)
		return bill_bad_field(&g->r, g->col[C_EXPORT_TIME], "a UTC "
				      "timestamp", NULL, e);
	if ((rc = money(g, C_COST, DEC_STRICT, &cost, e)) != P_OK)
		return rc;
	if (bill_credits_memo(&g->b, &cr, &credits, &why) != 0)
		return bill_bad_field(&g->r, g->col[C_CREDITS], "a JSON list "
				      "of credits with numeric amounts", why,
				      e);
	if ((rc = to_usd(g, l, cost, credits, e)) != P_OK ||
	    (rc = labels(g, 1, e)) != P_OK)
		return rc;
	return egress(g, l, e);
}

static enum perr_code
focus_row(struct gcp_in *g, struct bill_line *l, struct perr *e)
{
	enum perr_code rc;

	common(g, l);
	if ((rc = interval(g, l, 0, e)) != P_OK ||
	    (rc = money(g, C_COST, DEC_NO_EXP_PLUS, &l->cost_micro, e)))
		return rc;
	if (!bill_field_is(&l->currency, "USD"))
		return bill_bad_field(&g->r, g->col[C_CURRENCY], "USD (FOCUS "
				      "gives no rate to convert other "
				      "currencies)", NULL, e);
	if ((rc = labels(g, 0, e)) != P_OK)
		return rc;
	return egress(g, l, e);
}

static enum perr_code
table_row(struct gcp_in *g, struct bill_line *l, struct perr *e)
{
	static const char usd[] = "USD";
	enum col cost_col = g->col[C_COST] >= 0 ? C_COST : C_COST_ROUNDED;
	enum perr_code rc;

	common(g, l);
	l->currency.s = usd;
	l->currency.n = 3;
	if ((rc = labels(g, 1, e)) != P_OK)	/* no column: none */
		return rc;
	if ((rc = interval(g, l, 1, e)) != P_OK ||
	    (rc = money(g, cost_col, DEC_THOUSANDS | DEC_CURRENCY,
			&l->cost_micro, e)) != P_OK)
		return rc;
	if (l->credit_type.n != 0) {
		l->credits_micro = l->cost_micro;
		l->cost_micro = 0;
	}
	return egress(g, l, e);
}

/* ---- the rows ------------------------------------------------------ */

/* A cost-table summary line: no account, project or SKU, only a
 * "Cost type" such as "Rounding error" or "Total". */
static int
is_summary(const struct gcp_in *g)
{
	struct csvin_field a = get(g, C_ACCOUNT), p = get(g, C_PROJECT);
	struct csvin_field s = get(g, C_SKU_ID), t = get(g, C_CHARGE);

	return g->lay->cols == table_cols && a.n == 0 && p.n == 0 &&
	    s.n == 0 && t.n != 0;
}

/* Check and put the current record (see billing_gcp.h). */
enum perr_code
gcp_record(struct gcp_in *g, struct perr *e)
{
	struct bill_line l;
	enum perr_code rc;

	if (csvin_is_header(&g->r) ||
	    (csvin_check_width(&g->r, NULL) == P_OK && is_summary(g)))
		return P_OK;
	g->c->res->rows_read++;
	if ((rc = csvin_check_width(&g->r, e)) != P_OK ||
	    (rc = g->lay->row(g, &l, e)) != P_OK)
		return rc;
	return bill_put(&g->b, &l, e);
}

static enum perr_code
rows(struct gcp_in *g, struct perr *e)
{
	enum perr_code rc;
	int got;

	for (;;) {
		if ((rc = csvin_next(&g->r, &got, e)) != P_OK || !got)
			return rc;
		if ((rc = gcp_record(g, e)) == P_EPARSE)
			rc = import_reject(g->c, e);
		if (rc != P_OK)
			return rc;
	}
}

/*
 * Import a GCP billing CSV (see the top of this file and import.h).
 * HEAD is not needed: the layout is told from the header row, read
 * through csvin so that a byte order mark or quoting cannot hide it.
 */
enum perr_code
import_gcp_billing(struct import_ctx *c, FILE *f, const char *head,
		   struct perr *e)
{
	struct gcp_in g;
	enum perr_code rc;
	int done = 0;

	(void)head;
	memset(&g, 0, sizeof(g));
	g.c = c;
	if ((rc = csvin_open(&g.r, f, c->path, e)) == P_OK &&
	    (rc = find_header(&g, e)) == P_OK &&
	    (c->opts->serial || (rc = gcp_fast(&g, &done, e)) == P_OK) &&
	    !done && (rc = bill_open(&g.b, c, e)) == P_OK &&
	    (rc = rows(&g, e)) == P_OK)
		rc = bill_finish(&g.b, e);
	bill_close(&g.b);
	csvin_close(&g.r);
	return rc;
}
