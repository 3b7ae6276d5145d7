/*
 * billing.c - natural keys, labels, credits, exact units and the upsert
 * shared by the billing importers.  See billing.h.
 *
 * Owner: the billing importers.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "billing.h"
#include "caps.h"
#include "money.h"
#include "timeutil.h"

enum { ESC_LABEL = 1, ESC_LOWER = 2 };

/* ---- buffers and key text ------------------------------------------ */

static int
buf_add(struct bill_buf *b, const char *s, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (n == 0)
		return 0;
	if (b->n + n > LIM_CSV_ROW)
		return -1;
	if (b->n + n > b->cap) {
		while (cap < b->n + n)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	return 0;
}

static int
needs_escape(unsigned char c, unsigned flags)
{
	if (c < 0x20 || c == 0x7F || c == '%' || c == '|')
		return 1;
	return (flags & ESC_LABEL) && (c == '=' || c == ',');
}

/* 1 when byte C of a key part is written as it is. */
static int
plain_byte(unsigned char c, unsigned flags)
{
	if (needs_escape(c, flags))
		return 0;
	return !(flags & ESC_LOWER) || c < 'A' || c > 'Z';
}

/* Append S (N bytes) as one key part: see the key format in billing.h.
 * Runs of bytes kept as they are go in with one copy. */
static int
buf_esc(struct bill_buf *b, const char *s, size_t n, unsigned flags)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0, run;

	while (i < n) {
		unsigned char c;

		for (run = i; run < n && plain_byte((unsigned char)s[run],
						    flags); run++)
			;
		if (buf_add(b, s + i, run - i))
			return -1;
		if (run == n)
			break;
		c = (unsigned char)s[run];
		if (needs_escape(c, flags)) {
			char x[3] = { '%', hex[c >> 4], hex[c & 15] };

			if (buf_add(b, x, 3))
				return -1;
		} else {
			char lower = (char)(c - 'A' + 'a');

			if (buf_add(b, &lower, 1))
				return -1;
		}
		i = run + 1;
	}
	return 0;
}

static int
buf_str(struct bill_buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

/* Append V in decimal. */
static int
buf_int(struct bill_buf *b, int64_t v)
{
	char d[24], *p = d + sizeof(d);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	return buf_add(b, p, (size_t)(d + sizeof(d) - p));
}

/* ---- labels -------------------------------------------------------- */

struct label {
	const char *k, *v;
	char num[40];
};

static int
label_cmp(const void *a, const void *b)
{
	const struct label *x = a, *y = b;
	int d = strcmp(x->k, y->k);

	return d ? d : strcmp(x->v, y->v);
}

/* The text of scalar V; numbers keep cJSON's shortest exact form. */
static int
scalar_text(const cJSON *v, struct label *l)
{
	if (v == NULL || cJSON_IsNull(v))
		l->v = "";
	else if (cJSON_IsString(v))
		l->v = v->valuestring;
	else if (cJSON_IsBool(v))
		l->v = cJSON_IsTrue(v) ? "true" : "false";
	else if (cJSON_IsNumber(v)) {
		snprintf(l->num, sizeof(l->num), "%.17g", v->valuedouble);
		l->v = l->num;
	} else
		return -1;
	return 0;
}

/* One label from element IT of a GCP array or member IT of an object. */
static int
label_of(const cJSON *it, int array, struct label *l)
{
	const cJSON *k;

	if (!array) {
		l->k = it->string;
		return scalar_text(it, l);
	}
	k = cJSON_GetObjectItemCaseSensitive(it, "key");
	if (!cJSON_IsObject(it) || !cJSON_IsString(k))
		return -1;
	l->k = k->valuestring;
	return scalar_text(cJSON_GetObjectItemCaseSensitive(it, "value"), l);
}

static int
write_labels(struct bill_buf *b, struct label *v, size_t n)
{
	size_t i;

	qsort(v, n, sizeof(*v), label_cmp);
	for (i = 0; i < n; i++)
		if ((i && buf_add(b, ",", 1)) ||
		    buf_esc(b, v[i].k, strlen(v[i].k), ESC_LABEL) ||
		    buf_add(b, "=", 1) ||
		    buf_esc(b, v[i].v, strlen(v[i].v), ESC_LABEL))
			return -1;
	return 0;
}

static int
labels_of(struct bill_ctx *b, const cJSON *j, int array, const char **why)
{
	size_t n = (size_t)cJSON_GetArraySize(j), i = 0;
	struct label *v;
	const cJSON *it;
	int rc = 0;

	if ((v = calloc(n ? n : 1, sizeof(*v))) == NULL) {
		*why = "out of memory";
		return -1;
	}
	cJSON_ArrayForEach(it, j) {
		if (label_of(it, array, &v[i++]) != 0) {
			*why = array ? "not a list of key/value objects" :
			    "not an object of scalar values";
			rc = -1;
			break;
		}
	}
	if (rc == 0 && write_labels(&b->labels, v, n) != 0) {
		*why = "labels too long";
		rc = -1;
	}
	free(v);
	return rc;
}

/* ---- remembering the last cell -------------------------------------- */

/* 1 when F is the cell M remembers for reader KIND. */
static int
memo_hit(const struct bill_memo *m, int kind, const struct csvin_field *f)
{
	return m->kind == kind && m->n == f->n &&
	    memcmp(m->cell, f->s, f->n) == 0;
}

/* Remember F for reader KIND, or forget when it does not fit. */
static void
memo_keep(struct bill_memo *m, int kind, const struct csvin_field *f)
{
	m->kind = 0;
	if (f->n > sizeof(m->cell))
		return;
	memcpy(m->cell, f->s, f->n);
	m->n = f->n;
	m->kind = kind;
}

/* Parse the cell with cJSON, sort the pairs, write them escaped.  When
 * the cell repeats the last one read the same way, b->labels already
 * holds its result. */
int
bill_labels(struct bill_ctx *b, const struct csvin_field *f, int array,
	    const char **why)
{
	cJSON *j;
	int rc;

	if (memo_hit(&b->labels_memo, array + 1, f))
		return 0;
	b->labels_memo.kind = 0;
	b->labels.n = 0;
	if (f->n == 0) {
		memo_keep(&b->labels_memo, array + 1, f);
		return 0;
	}
	if ((j = cJSON_ParseWithLength(f->s, f->n)) == NULL) {
		*why = "not valid JSON";
		return -1;
	}
	if (cJSON_IsNull(j))
		rc = 0;
	else if (array ? !cJSON_IsArray(j) : !cJSON_IsObject(j)) {
		*why = array ? "not a JSON array" : "not a JSON object";
		rc = -1;
	} else
		rc = labels_of(b, j, array, why);
	cJSON_Delete(j);
	if (rc == 0)
		memo_keep(&b->labels_memo, array + 1, f);
	return rc;
}

/* ---- credits ------------------------------------------------------- */

/* Number of credits in J (a JSON array of objects), each with a numeric
 * "amount"; -1 if J is not that. */
static int
credit_count(const cJSON *j)
{
	const cJSON *it;
	int n = 0;

	if (!cJSON_IsArray(j))
		return -1;
	cJSON_ArrayForEach(it, j) {
		if (!cJSON_IsObject(it) || !cJSON_IsNumber(
		    cJSON_GetObjectItemCaseSensitive(it, "amount")))
			return -1;
		n++;
	}
	return n;
}

static size_t
skip_blank(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
			 s[i] == '\n'))
		i++;
	return i;
}

/* At S[I], just past the key "amount" of a credit object: add the
 * number's text to *SUM.  Returns the index after it, or 0 on error. */
static size_t
credit_amount(const char *s, size_t n, size_t i, int64_t *sum, int *count,
	      const char **why)
{
	size_t j;
	int64_t v;

	i = skip_blank(s, n, i);
	if (i >= n || s[i] != ':')
		return i;	/* a string value, not a key */
	i = skip_blank(s, n, i + 1);
	for (j = i; j < n && s[j] && strchr("+-.0123456789eE", s[j]); j++)
		;
	if (j == i || dec_parse(s + i, j - i, 6, DEC_STRICT, &v, why))
		return 0;
	if ((v > 0 && *sum > INT64_MAX - v) ||
	    (v < 0 && *sum < INT64_MIN - v)) {
		*why = "out of range";
		return 0;
	}
	*sum += v;
	(*count)++;
	return j;
}

/* Walk the JSON text: strings are skipped whole, and the value of each
 * "amount" key one level inside the top-level array is summed. */
static int
credit_scan(const char *s, size_t n, int64_t *sum, int *count,
	    const char **why)
{
	size_t i = 0, j;
	int depth = 0;

	while (i < n) {
		if (s[i] != '"') {
			depth += s[i] == '[' || s[i] == '{';
			depth -= s[i] == ']' || s[i] == '}';
			i++;
			continue;
		}
		for (j = i + 1; j < n && s[j] != '"'; j += s[j] == '\\' ? 2 : 1)
			;
		if (j >= n)
			return -1;
		if (depth == 2 && j - i == 7 && memcmp(s + i + 1, "amount", 6)
		    == 0) {
			if ((j = credit_amount(s, n, j + 1, sum, count, why))
			    == 0)
				return -1;
			i = j;
		} else
			i = j + 1;
	}
	return 0;
}

/* cJSON validates and counts; credit_scan re-reads the amounts from
 * their text; the two counts must agree. */
int
bill_credits(const struct csvin_field *f, int64_t *sum, const char **why)
{
	cJSON *j;
	int want, got = 0;

	*sum = 0;
	if (f->n == 0)
		return 0;
	if ((j = cJSON_ParseWithLength(f->s, f->n)) == NULL) {
		*why = "not valid JSON";
		return -1;
	}
	want = credit_count(j);
	cJSON_Delete(j);
	*why = "not a list of objects with a numeric amount";
	if (want < 0 || credit_scan(f->s, f->n, sum, &got, why) != 0)
		return -1;
	if (got != want) {
		*why = "an amount written in a form this reader does not take";
		return -1;
	}
	return 0;
}

int
bill_credits_memo(struct bill_ctx *b, const struct csvin_field *f,
		  int64_t *sum, const char **why)
{
	struct bill_memo *m = &b->credits_memo;

	if (memo_hit(m, 1, f)) {
		*sum = m->sum;
		return 0;
	}
	m->kind = 0;
	if (bill_credits(f, sum, why) != 0)
		return -1;
	memo_keep(m, 1, f);
	m->sum = *sum;
	return 0;
}

/* ---- numbers, units, time ------------------------------------------ */

/* Exact in 128 bits: V x 10^SCALE / RATE, rounded on the magnitude. */
int
bill_to_usd(int64_t v, int64_t rate, int scale, int64_t *out)
{
	__int128 p = v, a, q;

	if (rate <= 0)
		return -1;
	while (scale-- > 0)
		p *= 10;
	a = p < 0 ? -p : p;
	q = (2 * a + rate) / (2 * (__int128)rate);
	if (q > INT64_MAX)
		return -1;
	*out = p < 0 ? -(int64_t)q : (int64_t)q;
	return 0;
}

/* Rates below 9.2 million keep 12 decimals, larger ones 9. */
int
bill_parse_rate(const char *s, size_t n, int64_t *rate, int *scale,
		const char **why)
{
	*scale = 12;
	if (dec_parse(s, n, *scale, DEC_STRICT, rate, why) == 0)
		return 0;
	*scale = 9;
	return dec_parse(s, n, *scale, DEC_STRICT, rate, why);
}

/* V (units of 10^-SCALE) x 2^SHIFT, rounded half away from zero. */
static int
scaled_bytes(int64_t v, int scale, int shift, int64_t *out)
{
	__int128 p = (__int128)v * ((__int128)1 << shift), d = 1, a, q;

	while (scale-- > 0)
		d *= 10;
	a = p < 0 ? -p : p;
	q = (2 * a + d) / (2 * d);
	if (q > INT64_MAX)
		return -1;
	*out = p < 0 ? -(int64_t)q : (int64_t)q;
	return 0;
}

/* Bytes are parsed as an integer (E notation allowed); larger units
 * at 12 (else 9) decimals, then multiplied by 2^SHIFT. */
int
bill_units_to_bytes(const char *s, size_t n, unsigned flags, int shift,
		    int64_t *out, const char **why)
{
	int64_t v;
	int scale = 12;

	if (shift == 0)
		return dec_parse(s, n, 0, flags, out, why);
	/* 12 decimals keep the byte exact up to 9.2 million units; larger
	 * values fall back to 9 decimals (still under a byte off). */
	if (dec_parse(s, n, scale, flags, &v, why) != 0) {
		scale = 9;
		if (dec_parse(s, n, scale, flags, &v, why) != 0)
			return -1;
	}
	if (scaled_bytes(v, scale, shift, out) != 0) {
		*why = "out of range";
		return -1;
	}
	return 0;
}

/* The data units of the GCP export and of FOCUS. */
int
bill_unit_shift(const struct csvin_field *u)
{
	static const struct {
		const char *name;
		int shift;
	} units[] = {
		{ "bytes", 0 }, { "byte", 0 },
		{ "gibibyte", 30 }, { "gibibytes", 30 }, { "GiB", 30 },
		{ "tebibyte", 40 }, { "tebibytes", 40 }, { "TiB", 40 },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (bill_field_is(u, units[i].name))
			return units[i].shift;
	return -1;
}

/* Civil date and time of unix time T (proleptic Gregorian, UTC). */
static void
civil(int64_t t, int *ymd, int *hms)
{
	int64_t z = (t >= 0 ? t : t - 86399) / 86400, sod = t - z * 86400;
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	ymd[2] = (int)(doy - (153 * mp + 2) / 5 + 1);
	ymd[1] = (int)(mp < 10 ? mp + 3 : mp - 9);
	ymd[0] = (int)(yoe + era * 400 + (ymd[1] <= 2));
	hms[0] = (int)(sod / 3600);
	hms[1] = (int)(sod / 60 % 60);
	hms[2] = (int)(sod % 60);
}

/* V in W digits with leading zeros at P; returns the end. */
static char *
digits(char *p, int v, int w)
{
	int i;

	for (i = w - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + w;
}

/* "YYYY-MM-DDTHH:MM:SS." at OUT; returns the end.  By hand, as this runs
 * for every row of an export; snprintf only for a year that a zone
 * offset moved out of 0000-9999. */
static char *
civil_text(int64_t t, char *out)
{
	int ymd[3], hms[3];
	char *p = out;

	civil(t, ymd, hms);
	if (ymd[0] < 0 || ymd[0] > 9999)
		return out + snprintf(out, 24, "%04d-%02d-%02dT%02d:%02d:%02d.",
				      ymd[0], ymd[1], ymd[2], hms[0], hms[1],
				      hms[2]);
	p = digits(p, ymd[0], 4);
	*p++ = '-';
	p = digits(p, ymd[1], 2);
	*p++ = '-';
	p = digits(p, ymd[2], 2);
	*p++ = 'T';
	p = digits(p, hms[0], 2);
	*p++ = ':';
	p = digits(p, hms[1], 2);
	*p++ = ':';
	p = digits(p, hms[2], 2);
	*p++ = '.';
	return p;
}

/* time_parse gives the second; the fraction is copied from the text
 * so that no precision is lost. */
int
bill_norm_time(const char *s, size_t n, char *out)
{
	size_t i, k = 0;
	int64_t t;
	char *p;

	if (time_parse(s, n, &t) != 0)
		return -1;
	p = civil_text(t, out);
	memcpy(p, "000000Z", 8);
	if (n > 20 && s[16] == ':' && s[19] == '.')
		for (i = 20; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if (k < 6)
				p[k++] = s[i];
	return 0;
}

/* Search backwards for the last "/instances/"; the id ends at the
 * next '/' or the end.  The result points into G. */
struct csvin_field
bill_instance_id(const struct csvin_field *g)
{
	static const char pat[] = "/instances/";
	const size_t m = sizeof(pat) - 1;
	struct csvin_field id = { "", 0 };
	size_t i, end;

	for (i = g->n; i-- > 0;)
		if (g->n - i >= m && memcmp(g->s + i, pat, m) == 0)
			break;
	if (i == (size_t)-1)
		return id;
	for (end = i + m; end < g->n && g->s[end] != '/'; end++)
		;
	id.s = g->s + i + m;
	id.n = end - (i + m);
	/* Only a GCP instance id (digits) names a VM; anything else is
	 * kept in resource_global but joins nothing by id. */
	for (i = 0; i < id.n; i++)
		if (id.s[i] < '0' || id.s[i] > '9') {
			id.s = "";
			id.n = 0;
			break;
		}
	return id;
}

/* ---- messages ------------------------------------------------------ */

/* F as shown in a message: control bytes as '?', at most about 60 bytes
 * and never cut inside a UTF-8 character. */
static void
shown(const struct csvin_field *f, char *out, size_t size)
{
	size_t n = f->n, i;

	if (n > size - 4) {
		n = size - 4;
		while (n > 0 && ((unsigned char)f->s[n] & 0xC0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)f->s[i];

		out[i] = c < 0x20 || c == 0x7F ? '?' : (char)c;
	}
	strcpy(out + i, n < f->n ? "..." : "");
}

/* One line naming file, line, column, what was expected and found. */
enum perr_code
bill_bad_field(const struct csvin *r, int col, const char *expected,
	       const char *why, struct perr *e)
{
	struct csvin_field f = csvin_get(r, col);
	const char *name = col >= 0 && (size_t)col < r->nh ?
	    r->head[col].s : "?";
	int tail = why != NULL && strcmp(why, "not a number") != 0;
	char text[64];

	shown(&f, text, sizeof(text));
	return perr_set(e, P_EPARSE, "%s:%ld: field '%s': expected %s, found "
			"'%s'%s%s%s", r->path, r->line, name, expected, text,
			tail ? " (" : "", tail ? why : "", tail ? ")" : "");
}

/* Byte comparison of a field with a C string. */
int
bill_field_is(const struct csvin_field *f, const char *s)
{
	size_t n = strlen(s);

	return f->n == n && memcmp(f->s, s, n) == 0;
}

/* ---- the upsert ---------------------------------------------------- */

static const char put_sql[] =
	"INSERT INTO billing_line(natural_key, source, export_time, account, "
	"project, service, sku_id, sku_desc, usage_start, usage_end, region, "
	"zone, resource_name, resource_global, vm_instance_id, cost_micro, "
	"credits_micro, currency, egress_kind, egress_bytes, import_id) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	"?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21) "
	"ON CONFLICT(usage_start, natural_key) DO UPDATE SET "
	"source = excluded.source, "
	"export_time = excluded.export_time, account = excluded.account, "
	"project = excluded.project, service = excluded.service, "
	"sku_id = excluded.sku_id, sku_desc = excluded.sku_desc, "
	"usage_start = excluded.usage_start, usage_end = excluded.usage_end, "
	"region = excluded.region, zone = excluded.zone, "
	"resource_name = excluded.resource_name, "
	"resource_global = excluded.resource_global, "
	"vm_instance_id = excluded.vm_instance_id, "
	"cost_micro = excluded.cost_micro, "
	"credits_micro = excluded.credits_micro, "
	"currency = excluded.currency, egress_kind = excluded.egress_kind, "
	"egress_bytes = excluded.egress_bytes, import_id = excluded.import_id "
	"WHERE excluded.export_time IS NOT NULL AND "
	"(billing_line.export_time IS NULL OR "
	"excluded.export_time > billing_line.export_time)";

/*
 * The writer.  Reading and checking a row (libcsv, numbers, times, JSON,
 * the key) and storing it (SQLite) cost about the same, so they run on
 * two threads: bill_put copies each checked row into a batch, and a
 * writer thread binds and steps the batches in order while the next ones
 * are read.  The writer is the only thread that uses the connection
 * until bill_finish or bill_close has joined it.  Memory is bounded by
 * the batches (BATCHES x BATCH_ROWS rows); when the writer falls behind,
 * bill_put waits for a free batch.  If the thread cannot be started, the
 * batches are written in line: same results, one core.
 */
#define BATCH_ROWS	256
#define BATCH_BYTES	(1024 * 1024)	/* a batch is handed on past this */
#define BATCHES		4

/* The text members of struct bill_line that the upsert binds. */
static const size_t text_fields[] = {
	offsetof(struct bill_line, account),
	offsetof(struct bill_line, project),
	offsetof(struct bill_line, service),
	offsetof(struct bill_line, sku_id),
	offsetof(struct bill_line, sku_desc),
	offsetof(struct bill_line, region),
	offsetof(struct bill_line, zone),
	offsetof(struct bill_line, res_name),
	offsetof(struct bill_line, res_global),
	offsetof(struct bill_line, currency),
};

#define NTEXT	(sizeof(text_fields) / sizeof(text_fields[0]))

/* A row as the writer needs it: the line, with its text and its key
 * kept as offsets into the batch's arena (which may move as it grows). */
struct bill_row {
	struct bill_line l;
	size_t off[NTEXT], key_off, key_n;
};

struct bill_batch {
	struct bill_row row[BATCH_ROWS];
	size_t n;
	struct bill_buf arena;
	struct bill_batch *next;
};

struct bill_writer {
	pthread_t thread;
	int live;			/* the thread runs */
	pthread_mutex_t mu;
	pthread_cond_t cv;		/* any change below */
	struct bill_batch *free, *full, *full_tail;
	struct bill_batch *cur;		/* being filled by bill_put */
	int done;			/* no more batches will come */
	int cancel;			/* drop the batches still queued */
	enum perr_code rc;		/* the writer's first error */
	struct perr e;
	long long rows_new;		/* read only after the join */
	struct bill_batch batch[BATCHES];
};

static struct csvin_field *
line_text(struct bill_line *l, size_t i)
{
	return (struct csvin_field *)(void *)((char *)l + text_fields[i]);
}

static void
bind_field(sqlite3_stmt *st, int i, const struct csvin_field *f)
{
	if (f->n == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, f->s, (int)f->n, SQLITE_STATIC);
}

/* Bind row L with natural key KEY (N bytes).  Every parameter is bound
 * for every row, and text without a copy: the batch outlives the step. */
static void
bind_line(struct bill_ctx *b, const struct bill_line *l, const char *key,
	  size_t n)
{
	sqlite3_stmt *st = b->put;
	struct csvin_field id = bill_instance_id(&l->res_global);

	sqlite3_bind_text(st, 1, key, (int)n, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, l->source, -1, SQLITE_STATIC);
	if (l->export_time[0])
		sqlite3_bind_text(st, 3, l->export_time, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	bind_field(st, 4, &l->account);
	bind_field(st, 5, &l->project);
	bind_field(st, 6, &l->service);
	bind_field(st, 7, &l->sku_id);
	bind_field(st, 8, &l->sku_desc);
	sqlite3_bind_int64(st, 9, l->usage_start);
	sqlite3_bind_int64(st, 10, l->usage_end);
	bind_field(st, 11, &l->region);
	bind_field(st, 12, &l->zone);
	bind_field(st, 13, &l->res_name);
	bind_field(st, 14, &l->res_global);
	bind_field(st, 15, &id);
	sqlite3_bind_int64(st, 16, l->cost_micro);
	sqlite3_bind_int64(st, 17, l->credits_micro);
	bind_field(st, 18, &l->currency);
	if (l->egress_kind) {
		sqlite3_bind_text(st, 19, l->egress_kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 20, l->egress_bytes);
	} else {
		sqlite3_bind_null(st, 19);
		sqlite3_bind_null(st, 20);
	}
	sqlite3_bind_int64(st, 21, b->c->import_id);
}

/* Store the rows of BT in order; sqlite3_changes tells whether a row was
 * inserted or replaced (0 when the WHERE of the upsert kept the stored
 * row).  Runs on the writer thread (or in line). */
static enum perr_code
write_batch(struct bill_ctx *b, struct bill_batch *bt, long long *rows_new,
	    struct perr *e)
{
	struct import_ctx *c = b->c;
	size_t i, k;
	int rc;

	for (i = 0; i < bt->n; i++) {
		struct bill_row *r = &bt->row[i];

		for (k = 0; k < NTEXT; k++)
			line_text(&r->l, k)->s = bt->arena.p + r->off[k];
		bind_line(b, &r->l, bt->arena.p + r->key_off, r->key_n);
		rc = sqlite3_step(b->put);
		sqlite3_reset(b->put);
		if (rc != SQLITE_DONE)
			return store_fail(c->store, rc, e,
					  "storing a billing row");
		if (sqlite3_changes(c->store->db) > 0)
			(*rows_new)++;
	}
	return P_OK;
}

/* The writer thread: write full batches in order and give them back,
 * until bill_finish says there are no more. */
static void *
writer_main(void *arg)
{
	struct bill_ctx *b = arg;
	struct bill_writer *w = b->w;
	struct perr e = { P_OK, "" };

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct bill_batch *bt = w->full;
		enum perr_code rc = P_OK;
		int skip = w->cancel || w->rc != P_OK;

		if (bt == NULL) {
			if (w->done)
				break;
			pthread_cond_wait(&w->cv, &w->mu);
			continue;
		}
		w->full = bt->next;
		pthread_mutex_unlock(&w->mu);
		if (!skip)
			rc = write_batch(b, bt, &w->rows_new, &e);
		pthread_mutex_lock(&w->mu);
		if (rc != P_OK) {
			w->rc = rc;
			w->e = e;
		}
		bt->next = w->free;
		w->free = bt;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Queue the batch being filled for the writer (or write it in line). */
static void
hand_on(struct bill_ctx *b)
{
	struct bill_writer *w = b->w;
	struct bill_batch *bt = w->cur;
	enum perr_code rc;

	w->cur = NULL;
	if (bt == NULL)
		return;
	if (!w->live) {
		if (w->rc == P_OK && (rc = write_batch(b, bt, &w->rows_new,
						       &w->e)) != P_OK)
			w->rc = rc;
		bt->next = w->free;
		w->free = bt;
		return;
	}
	pthread_mutex_lock(&w->mu);
	bt->next = NULL;
	if (w->full_tail && w->full)
		w->full_tail->next = bt;
	else
		w->full = bt;
	w->full_tail = bt;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* Make sure there is a batch to fill, waiting for the writer to free
 * one if need be; P_OK, or the writer's error (copied into E), which is
 * so looked at once a batch. */
static enum perr_code
take_batch(struct bill_ctx *b, struct perr *e)
{
	struct bill_writer *w = b->w;
	enum perr_code rc;

	if (w->cur != NULL)
		return P_OK;
	if (w->live)
		pthread_mutex_lock(&w->mu);
	while (w->live && w->free == NULL && w->rc == P_OK)
		pthread_cond_wait(&w->cv, &w->mu);
	if ((rc = w->rc) != P_OK)
		*e = w->e;
	else {
		w->cur = w->free;
		w->free = w->cur->next;
		w->cur->n = 0;
		w->cur->arena.n = 0;
	}
	if (w->live)
		pthread_mutex_unlock(&w->mu);
	return rc;
}

/* Copy L and its key (b->key) into the batch being filled. */
static int
keep_row(struct bill_ctx *b, const struct bill_line *l)
{
	struct bill_batch *bt = b->w->cur;
	struct bill_row *r = &bt->row[bt->n];
	size_t k;

	r->l = *l;
	for (k = 0; k < NTEXT; k++) {
		struct csvin_field *f = line_text(&r->l, k);

		r->off[k] = bt->arena.n;
		if (buf_add(&bt->arena, f->s, f->n))
			return -1;
	}
	r->key_off = bt->arena.n;
	r->key_n = b->key.n;
	if (buf_add(&bt->arena, b->key.p, b->key.n))
		return -1;
	/* Used only for the key, which is built: nothing may point into
	 * the CSV record once it is gone. */
	r->l.charge.n = r->l.charge_class.n = r->l.credit_type.n = 0;
	r->l.charge.s = r->l.charge_class.s = r->l.credit_type.s = "";
	bt->n++;
	return 0;
}

/* Load the SKU table, prepare the upsert once for the file, and start
 * the writer. */
enum perr_code
bill_open(struct bill_ctx *b, struct import_ctx *c, struct perr *e)
{
	struct bill_writer *w;
	enum perr_code rc;
	size_t i;

	memset(b, 0, sizeof(*b));
	b->c = c;
	if ((rc = egress_skus_load(&b->skus, e)) != P_OK ||
	    (rc = store_prepare(c->store, put_sql, &b->put, e)) != P_OK)
		return rc;
	if ((w = b->w = calloc(1, sizeof(*w))) == NULL)
		return perr_set(e, P_ENOMEM, "%s: out of memory", c->path);
	for (i = 0; i < BATCHES; i++) {
		w->batch[i].next = w->free;
		w->free = &w->batch[i];
	}
	if (pthread_mutex_init(&w->mu, NULL) == 0) {
		if (pthread_cond_init(&w->cv, NULL) == 0)
			w->live = pthread_create(&w->thread, NULL, writer_main,
						 b) == 0;
		if (!w->live)
			pthread_mutex_destroy(&w->mu);
	}
	return P_OK;
}

/* Stop the writer: with CANCEL, the batches still queued are dropped
 * (the import is failing and will be rolled back). */
static void
writer_stop(struct bill_ctx *b, int cancel)
{
	struct bill_writer *w = b->w;

	if (w == NULL || !w->live)
		return;
	pthread_mutex_lock(&w->mu);
	w->done = 1;
	w->cancel = cancel;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	w->live = 0;
}

/* Hand on the last batch, wait for the writer to store everything, and
 * count what changed. */
enum perr_code
bill_finish(struct bill_ctx *b, struct perr *e)
{
	struct bill_writer *w = b->w;

	hand_on(b);
	writer_stop(b, 0);
	b->c->res->rows_new += w->rows_new;
	w->rows_new = 0;
	if (w->rc != P_OK)
		*e = w->e;
	return w->rc;
}

/* Stop the writer, finalize the statement and free the buffers (safe
 * if never open). */
void
bill_close(struct bill_ctx *b)
{
	size_t i;

	writer_stop(b, 1);
	if (b->w != NULL)
		for (i = 0; i < BATCHES; i++)
			free(b->w->batch[i].arena.p);
	free(b->w);
	b->w = NULL;
	sqlite3_finalize(b->put);
	b->put = NULL;
	egress_skus_release(&b->skus);
	free(b->labels.p);
	free(b->key.p);
	memset(&b->labels, 0, sizeof(b->labels));
	memset(&b->key, 0, sizeof(b->key));
}

/* "|tag=value" when F is not empty. */
static int
key_tail(struct bill_buf *k, const char *tag, const struct csvin_field *f)
{
	if (f->n == 0)
		return 0;
	return buf_str(k, tag) || buf_esc(k, f->s, f->n, ESC_LOWER);
}

static int
build_key(struct bill_ctx *b, const struct bill_line *l)
{
	const struct csvin_field *res = l->res_global.n ? &l->res_global :
	    &l->res_name;
	struct bill_buf *k = &b->key;

	k->n = 0;
	return buf_esc(k, l->account.s, l->account.n, 0) ||
	    buf_str(k, "|") || buf_esc(k, l->sku_id.s, l->sku_id.n, 0) ||
	    buf_str(k, "|") || buf_esc(k, l->project.s, l->project.n, 0) ||
	    buf_str(k, "|") || buf_esc(k, res->s, res->n, 0) ||
	    buf_str(k, "|") || buf_int(k, l->usage_start) ||
	    buf_str(k, "|") || buf_int(k, l->usage_end) ||
	    buf_str(k, "|") || buf_add(k, b->labels.p, b->labels.n) ||
	    key_tail(k, "|ct=", &l->charge) ||
	    key_tail(k, "|cc=", &l->charge_class) ||
	    key_tail(k, "|cr=", &l->credit_type);
}

/* Build the key and queue the row for the writer; a batch is handed on
 * when it is full. */
enum perr_code
bill_put(struct bill_ctx *b, const struct bill_line *l, struct perr *e)
{
	struct bill_batch *bt;
	enum perr_code rc;

	if (build_key(b, l) != 0)
		return perr_set(e, P_ELIMIT, "%s: natural key longer than %d "
				"bytes", b->c->path, LIM_CSV_ROW);
	if ((rc = take_batch(b, e)) != P_OK)
		return rc;
	bt = b->w->cur;
	if (keep_row(b, l) != 0) {
		/* The arena's cap: start a fresh batch for this row. */
		hand_on(b);
		if ((rc = take_batch(b, e)) != P_OK)
			return rc;
		bt = b->w->cur;
		if (keep_row(b, l) != 0)
			return perr_set(e, P_ELIMIT, "%s: billing row longer "
					"than %d bytes", b->c->path,
					LIM_CSV_ROW);
	}
	if (bt->n == BATCH_ROWS || bt->arena.n > BATCH_BYTES)
		hand_on(b);
	return P_OK;
}
