/*
 * billing_vast.c - the Vast.ai charges CSV into vast_charge.
 *
 * Owner: the billing importers.
 *
 * The file is the /api/v0/charges/ table flattened to one row per charge
 * item (formats.md section 2): contract columns (start, end, type,
 * source, description, amount, metadata.*) repeat on every item row of
 * the contract, and the item columns (item.type, item.start, item.end,
 * item.description, item.amount) describe one component.  One
 * vast_charge row is stored per item; the contract-level amount is never
 * used, so nothing is counted twice.
 *
 * Only instance contracts are stored (source "instance-<id>").  Volume
 * and serverless contracts are read and skipped: their ids are not
 * instance ids, and vast_charge is keyed by instance.  Amounts may carry
 * a "$" and thousands separators (a spreadsheet round trip); the
 * quantity and unit come from the item description ("834.419 GB at
 * $0.0020/GB"), and are NULL when it has another form.
 *
 * Errors follow billing_gcp.c: structure fails the file, a bad row goes
 * through import_reject.
 */
#include <stdint.h>
#include <string.h>

#include "billing.h"
#include "money.h"

enum vcol {
	V_TYPE, V_SOURCE, V_LABEL, V_ITYPE, V_ISTART, V_IEND, V_IDESC,
	V_IAMOUNT, V_NCOL
};

static const struct {
	const char *name;
	int required;
} vast_cols[V_NCOL] = {
	[V_TYPE] = { "type", 1 },
	[V_SOURCE] = { "source", 1 },
	[V_LABEL] = { "metadata.label", 0 },
	[V_ITYPE] = { "item.type", 1 },
	[V_ISTART] = { "item.start", 1 },
	[V_IEND] = { "item.end", 1 },
	[V_IDESC] = { "item.description", 1 },
	[V_IAMOUNT] = { "item.amount", 1 },
};

static const char vast_expected[] = "expected a header with type, source, "
	"item.type, item.start, item.end, item.description and item.amount";

static const char put_sql[] =
	"INSERT INTO vast_charge(instance_id, item_type, start, \"end\", "
	"amount_micro, quantity_milli, quantity_unit, description, label, "
	"import_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
	"ON CONFLICT(instance_id, item_type, start, \"end\") DO UPDATE SET "
	"amount_micro = excluded.amount_micro, "
	"quantity_milli = excluded.quantity_milli, "
	"quantity_unit = excluded.quantity_unit, "
	"description = excluded.description, label = excluded.label, "
	"import_id = excluded.import_id "
	"WHERE vast_charge.amount_micro IS NOT excluded.amount_micro "
	"OR vast_charge.quantity_milli IS NOT excluded.quantity_milli "
	"OR vast_charge.quantity_unit IS NOT excluded.quantity_unit "
	"OR vast_charge.description IS NOT excluded.description "
	"OR vast_charge.label IS NOT excluded.label";

struct vast_in {
	struct import_ctx *c;
	struct csvin r;
	sqlite3_stmt *put;
	int col[V_NCOL];
};

struct charge {
	int64_t instance, start, end, amount;
	int64_t qty;			/* when unit.n */
	struct csvin_field type, unit, desc, label;
};

static struct csvin_field
vget(const struct vast_in *v, enum vcol col)
{
	return csvin_get(&v->r, v->col[col]);
}

static enum perr_code
vast_header(struct vast_in *v, struct perr *e)
{
	enum perr_code rc;
	int got, i;

	if ((rc = csvin_next(&v->r, &got, e)) != P_OK)
		return rc;
	if (!got)
		return perr_set(e, P_EPARSE, "%s: the file is empty; %s",
				v->c->path, vast_expected);
	if ((rc = csvin_set_header(&v->r, e)) != P_OK)
		return rc;
	if (csvin_col(&v->r, "source") < 0 ||
	    csvin_col(&v->r, "item.type") < 0)
		return perr_set(e, P_EPARSE, "%s:%ld: not a Vast.ai charges "
				"CSV: %s", v->c->path, v->r.line,
				vast_expected);
	for (i = 0; i < V_NCOL; i++) {
		if (!vast_cols[i].required)
			v->col[i] = csvin_col(&v->r, vast_cols[i].name);
		else if ((rc = csvin_need(&v->r, vast_cols[i].name,
					  &v->col[i], e)) != P_OK)
			return rc;
	}
	v->c->res->format = "vast-charges";
	return P_OK;
}

/* A whole number of at most 18 digits, optionally negative. */
static int
parse_int(const struct csvin_field *f, int64_t *out)
{
	size_t i = f->n && f->s[0] == '-';
	int64_t v = 0;

	if (i == f->n || f->n - i > 18)
		return -1;
	for (; i < f->n; i++) {
		if (f->s[i] < '0' || f->s[i] > '9')
			return -1;
		v = v * 10 + (f->s[i] - '0');
	}
	*out = f->s[0] == '-' ? -v : v;
	return 0;
}

static enum perr_code
int_field(struct vast_in *v, enum vcol col, int64_t *out, struct perr *e)
{
	struct csvin_field f = vget(v, col);

	if (parse_int(&f, out) == 0)
		return P_OK;
	return bill_bad_field(&v->r, v->col[col], "a whole number of unix "
			      "seconds", NULL, e);
}

/* "instance-<id>" into *ID. */
static enum perr_code
instance_id(struct vast_in *v, int64_t *id, struct perr *e)
{
	static const char pre[] = "instance-";
	struct csvin_field f = vget(v, V_SOURCE), num;
	const size_t m = sizeof(pre) - 1;

	num.s = f.s + m;
	num.n = f.n > m ? f.n - m : 0;
	if (f.n > m && memcmp(f.s, pre, m) == 0 && num.s[0] != '-' &&
	    parse_int(&num, id) == 0 && *id > 0)
		return P_OK;
	return bill_bad_field(&v->r, v->col[V_SOURCE], "'instance-' and a "
			      "positive instance id", NULL, e);
}

/* Quantity and unit from "834.419 GB at $0.0020/GB"; left empty when
 * the description has another form. */
static void
quantity(struct charge *ch)
{
	const char *s = ch->desc.s, *end = s + ch->desc.n, *sp, *unit;
	const char *why;

	ch->unit.n = 0;
	if ((sp = memchr(s, ' ', ch->desc.n)) == NULL)
		return;
	unit = sp + 1;
	for (sp = unit; sp < end && *sp != ' '; sp++)
		;
	if (sp == unit || end - sp < 4 || memcmp(sp, " at ", 4) != 0)
		return;
	if (dec_parse(s, (size_t)(unit - 1 - s), 6, DEC_THOUSANDS, &ch->qty,
		      &why) != 0)	/* micro-units until stored */
		return;
	ch->unit.s = unit;
	ch->unit.n = (size_t)(sp - unit);
}

/* A bandwidth item must say how much data it was, in decimal units
 * (Vast prices per TB): the plan falls back on it for a pair's egress.
 * The quantity is stored in GB x 1000 with unit "GB". */
static enum perr_code
bandwidth(struct vast_in *v, struct charge *ch, struct perr *e)
{
	/* From millionths of the unit to thousandths of a GB. */
	static const struct { const char *unit; int64_t mul, div; } u[] = {
		{ "KB", 1, 1000000000 }, { "MB", 1, 1000000 },
		{ "GB", 1, 1000 }, { "TB", 1, 1 }, { "PB", 1000, 1 }
	};
	size_t i;

	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (bill_field_is(&ch->unit, u[i].unit))
			break;
	if (i == sizeof(u) / sizeof(u[0]) || ch->qty < 0 ||
	    ch->qty > INT64_MAX / 1000)
		return bill_bad_field(&v->r, v->col[V_IDESC], "a bandwidth "
				      "item such as '834.419 GB at "
				      "$0.0020/GB' (a non-negative amount "
				      "of KB, MB, GB, TB or PB)", NULL, e);
	ch->qty = ch->qty * u[i].mul / u[i].div;
	ch->unit.s = "GB";
	ch->unit.n = 2;
	return P_OK;
}

static enum perr_code
read_charge(struct vast_in *v, struct charge *ch, struct perr *e)
{
	struct csvin_field a = vget(v, V_IAMOUNT);
	enum perr_code rc;
	const char *why;

	memset(ch, 0, sizeof(*ch));
	ch->type = vget(v, V_ITYPE);
	ch->desc = vget(v, V_IDESC);
	ch->label = vget(v, V_LABEL);
	if ((rc = instance_id(v, &ch->instance, e)) != P_OK ||
	    (rc = int_field(v, V_ISTART, &ch->start, e)) != P_OK ||
	    (rc = int_field(v, V_IEND, &ch->end, e)) != P_OK)
		return rc;
	if (ch->type.n == 0)
		return bill_bad_field(&v->r, v->col[V_ITYPE], "an item type "
				      "such as gpu, disk, bwu or bwd", NULL, e);
	if (dec_parse(a.s, a.n, 6, DEC_THOUSANDS | DEC_CURRENCY, &ch->amount,
		      &why) != 0)
		return bill_bad_field(&v->r, v->col[V_IAMOUNT], "an amount in "
				      "dollars", why, e);
	quantity(ch);
	if (bill_field_is(&ch->type, "bwu") || bill_field_is(&ch->type, "bwd"))
		return bandwidth(v, ch, e);
	ch->qty = dec_rescale(ch->qty, 6, 3);
	return P_OK;
}

static void
bind_opt(sqlite3_stmt *st, int i, const struct csvin_field *f)
{
	if (f->n == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, f->s, (int)f->n, SQLITE_STATIC);
}

static enum perr_code
put_charge(struct vast_in *v, const struct charge *ch, struct perr *e)
{
	sqlite3_stmt *st = v->put;
	int rc;

	sqlite3_bind_int64(st, 1, ch->instance);
	sqlite3_bind_text(st, 2, ch->type.s, (int)ch->type.n, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ch->start);
	sqlite3_bind_int64(st, 4, ch->end);
	sqlite3_bind_int64(st, 5, ch->amount);
	if (ch->unit.n)
		sqlite3_bind_int64(st, 6, ch->qty);
	else
		sqlite3_bind_null(st, 6);
	bind_opt(st, 7, &ch->unit);
	bind_opt(st, 8, &ch->desc);
	bind_opt(st, 9, &ch->label);
	sqlite3_bind_int64(st, 10, v->c->import_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return store_fail(v->c->store, rc, e, "storing a Vast charge");
	if (sqlite3_changes(v->c->store->db) > 0)
		v->c->res->rows_new++;
	return P_OK;
}

/* 1 for an instance row, 0 for a contract kind that is skipped, or an
 * error for a kind this reader does not know. */
static int
contract_kind(struct vast_in *v, struct perr *e)
{
	struct csvin_field t = vget(v, V_TYPE);

	if (bill_field_is(&t, "instance"))
		return 1;
	if (bill_field_is(&t, "volume") || bill_field_is(&t, "serverless"))
		return 0;
	bill_bad_field(&v->r, v->col[V_TYPE], "instance, volume or "
		       "serverless", NULL, e);
	return -1;
}

static enum perr_code
vast_row(struct vast_in *v, struct perr *e)
{
	struct charge ch;
	enum perr_code rc;
	int kind;

	if ((rc = csvin_check_width(&v->r, e)) != P_OK)
		return import_reject(v->c, e);
	if ((kind = contract_kind(v, e)) < 0)
		return import_reject(v->c, e);
	if (kind == 0) {
		v->c->res->note = "volume and serverless charges are not "
		    "stored (only instance charges are)";
		return P_OK;
	}
	if ((rc = read_charge(v, &ch, e)) != P_OK)
		return import_reject(v->c, e);
	return put_charge(v, &ch, e);
}

static enum perr_code
vast_rows(struct vast_in *v, struct perr *e)
{
	enum perr_code rc;
	int got;

	for (;;) {
		if ((rc = csvin_next(&v->r, &got, e)) != P_OK || !got)
			return rc;
		if (csvin_is_header(&v->r))
			continue;
		v->c->res->rows_read++;
		if ((rc = vast_row(v, e)) != P_OK)
			return rc;
	}
}

/*
 * Import a Vast.ai charges CSV (see the top of this file and import.h).
 * HEAD is not needed: the header row is read through csvin.
 */
enum perr_code
import_vast_billing(struct import_ctx *c, FILE *f, const char *head,
		    struct perr *e)
{
	struct vast_in v;
	enum perr_code rc;

	(void)head;
	memset(&v, 0, sizeof(v));
	v.c = c;
	if ((rc = csvin_open(&v.r, f, c->path, e)) == P_OK &&
	    (rc = vast_header(&v, e)) == P_OK &&
	    (rc = store_prepare(c->store, put_sql, &v.put, e)) == P_OK)
		rc = vast_rows(&v, e);
	sqlite3_finalize(v.put);
	csvin_close(&v.r);
	return rc;
}
