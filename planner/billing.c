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
#include "swar.h"
#include "timeutil.h"

enum { ESC_LABEL = 1, ESC_LOWER = 2 };

/* ---- buffers and key text ------------------------------------------ */

/* Room for N more bytes in B (at most LIM_CSV_ROW in all). */
static int
buf_room(struct bill_buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

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
	return 0;
}

static int
buf_add(struct bill_buf *b, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (buf_room(b, n))
		return -1;
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

/* 1 when none of the 8 bytes at S needs an escape without flags: every
 * key is built from a few hundred such bytes per row. */
static int
plain8(const char *s)
{
	uint64_t v = swar_load(s);

	return (swar_below(v, 0x20) | swar_byte(v, 0x7F) | swar_byte(v, '%') |
		swar_byte(v, '|')) == 0;
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

		run = i;
		if (flags == 0)
			while (run + 8 <= n && plain8(s + run))
				run += 8;
		for (; run < n && plain_byte((unsigned char)s[run], flags);
		     run++)
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

/* Labels cells remembered per reader: the rows of one resource repeat
 * its labels, and resources come back every hour; parsing a cell with
 * cJSON costs a dozen allocations.  Direct-mapped by a hash of the cell;
 * cells or results longer than a slot are not remembered. */
#define LABEL_SLOTS	2048	/* 1 MB a reader: an hour of 1,000 VMs */

struct label_slot {
	int kind;		/* 0: empty; else as bill_memo */
	size_t n, rn;
	char cell[240], res[240];
};

static struct label_slot *
label_slot(struct bill_ctx *b, int kind, const struct csvin_field *f,
	   int *hit)
{
	struct label_slot *sl;

	*hit = 0;
	if (f->n > sizeof(sl->cell))
		return NULL;
	if (b->label_cache == NULL &&
	    (b->label_cache = calloc(LABEL_SLOTS, sizeof(*sl))) == NULL)
		return NULL;
	sl = &b->label_cache[bill_hash(f->s, f->n) % LABEL_SLOTS];
	*hit = sl->kind == kind && sl->n == f->n &&
	    memcmp(sl->cell, f->s, f->n) == 0;
	return sl;
}

static int
parse_labels(struct bill_ctx *b, const struct csvin_field *f, int array,
	     const char **why)
{
	cJSON *j;
	int rc;

	b->labels.n = 0;
	if (f->n == 0)
		return 0;
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
	return rc;
}

/* Parse the cell with cJSON, sort the pairs, write them escaped; or
 * take the result of the same cell read before. */
int
bill_labels(struct bill_ctx *b, const struct csvin_field *f, int array,
	    const char **why)
{
	struct label_slot *sl;
	int hit;

	if (memo_hit(&b->labels_memo, array + 1, f))
		return 0;
	b->labels_memo.kind = 0;
	sl = label_slot(b, array + 1, f, &hit);
	if (hit) {
		b->labels.n = 0;
		if (buf_add(&b->labels, sl->res, sl->rn))
			return -1;
	} else if (parse_labels(b, f, array, why) != 0)
		return -1;
	else if (sl && b->labels.n <= sizeof(sl->res)) {
		sl->kind = array + 1;
		sl->n = f->n;
		memcpy(sl->cell, f->s, f->n);
		sl->rn = b->labels.n;
		if (sl->rn > 0)
			memcpy(sl->res, b->labels.p, sl->rn);
	}
	memo_keep(&b->labels_memo, array + 1, f);
	return 0;
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
/* ---- the usual credits cell, without cJSON ------------------------- */

/*
 * Most credits cells are a list of flat objects of strings and numbers:
 * [{"name":"Sustained usage discount","amount":-0.61,...}].  shape()
 * reads exactly that much of JSON, no more, and gives the number of
 * objects, each with one numeric "amount", and their sum: what cJSON,
 * credit_count and credit_scan give for such a text.  On anything else
 * (escapes, nesting, literals, a missing or repeated amount, text after
 * the list) it answers -2 and cJSON decides, as before: a strict
 * subset of JSON, so that whatever it takes, cJSON takes the same way.
 * It saves a dozen allocations for each cell that holds a credit.
 */
#define UNSURE	(-2)

/* A string without escapes or control bytes from S[*I] (a quote);
 * *I past it.  0, or -1 when it is not one. */
static int
plain_string(const char *s, size_t n, size_t *i)
{
	size_t j;

	for (j = *i + 1; j < n && s[j] != '"'; j++)
		if (s[j] == '\\' || (unsigned char)s[j] < 0x20)
			return -1;
	if (j >= n)
		return -1;
	*i = j + 1;
	return 0;
}

/* A JSON number (RFC 8259 grammar) at S[*I]; *I past it.  0 or -1. */
static int
json_number(const char *s, size_t n, size_t *i)
{
	size_t j = *i, d;

	if (j < n && s[j] == '-')
		j++;
	if (j < n && s[j] == '0')
		j++;
	else {
		for (d = j; j < n && s[j] >= '0' && s[j] <= '9'; j++)
			;
		if (j == d)
			return -1;
	}
	if (j < n && s[j] == '.') {
		for (d = ++j; j < n && s[j] >= '0' && s[j] <= '9'; j++)
			;
		if (j == d)
			return -1;
	}
	if (j < n && (s[j] == 'e' || s[j] == 'E')) {
		if (++j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		for (d = j; j < n && s[j] >= '0' && s[j] <= '9'; j++)
			;
		if (j == d)
			return -1;
	}
	*i = j;
	return 0;
}

/* Add the amount written at S (N bytes) to *SUM as credit_amount does;
 * -1 where it would refuse (then cJSON's path gives the reason). */
static int
add_amount(const char *s, size_t n, int64_t *sum)
{
	const char *why;
	int64_t v;

	if (dec_parse(s, n, 6, DEC_STRICT, &v, &why) != 0 ||
	    (v > 0 && *sum > INT64_MAX - v) || (v < 0 && *sum < INT64_MIN - v))
		return -1;
	*sum += v;
	return 0;
}

/* One flat object at S[*I] ('{'); 0 with one numeric "amount", added
 * to *SUM, else -1. */
static int
flat_object(const char *s, size_t n, size_t *i, int64_t *sum)
{
	size_t j = skip_blank(s, n, *i + 1), k, v;
	int amounts = 0, number;

	if (j < n && s[j] == '}')
		return -1;
	for (;;) {
		k = j;
		if (j >= n || s[j] != '"' || plain_string(s, n, &j))
			return -1;
		number = 0;
		j = skip_blank(s, n, j);
		if (j >= n || s[j] != ':')
			return -1;
		j = v = skip_blank(s, n, j + 1);
		if (j < n && s[j] == '"') {
			if (plain_string(s, n, &j))
				return -1;
		} else if (json_number(s, n, &j) == 0)
			number = 1;
		else
			return -1;
		if (k + 8 <= n && memcmp(s + k, "\"amount\"", 8) == 0 &&
		    (amounts++ || !number || add_amount(s + v, j - v, sum)))
			return -1;
		j = skip_blank(s, n, j);
		if (j < n && s[j] == ',') {
			j = skip_blank(s, n, j + 1);
			continue;
		}
		if (j < n && s[j] == '}')
			break;
		return -1;
	}
	*i = j + 1;
	return amounts == 1 ? 0 : -1;
}

/* The number of credits in S (N bytes), their sum in *SUM; or
 * UNSURE. */
static int
shape(const char *s, size_t n, int64_t *sum)
{
	size_t i = skip_blank(s, n, 0);
	int count = 0;

	*sum = 0;
	if (i >= n || s[i] != '[')
		return UNSURE;
	i = skip_blank(s, n, i + 1);
	if (i < n && s[i] == ']')
		return skip_blank(s, n, i + 1) == n ? 0 : UNSURE;
	for (;;) {
		if (i >= n || s[i] != '{' || flat_object(s, n, &i, sum))
			return UNSURE;
		count++;
		i = skip_blank(s, n, i);
		if (i < n && s[i] == ',') {
			i = skip_blank(s, n, i + 1);
			continue;
		}
		if (i < n && s[i] == ']')
			break;
		return UNSURE;
	}
	return skip_blank(s, n, i + 1) == n ? count : UNSURE;
}

int
bill_credits(const struct csvin_field *f, int64_t *sum, const char **why)
{
	cJSON *j;
	int want, got = 0;

	*sum = 0;
	if (f->n == 0)
		return 0;
	if (shape(f->s, f->n, sum) != UNSURE)
		return 0;
	*sum = 0;
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

/* ---- into the sink ------------------------------------------------- */

/* Rows handed to the sink at a time. */
#define BATCH_ROWS	512

static enum perr_code
bill_start(struct bill_ctx *b, struct bill_sink *sink, struct perr *e)
{
	enum perr_code rc;

	b->sink = sink;
	b->last_hour = INT64_MIN;
	if ((rc = egress_skus_load(&b->skus, e)) != P_OK)
		return rc;
	/* Fetched once: EVP_sha256() would look the digest up, under a
	 * lock, for every row. */
	if ((b->batch = malloc(BATCH_ROWS * sizeof(*b->batch))) == NULL ||
	    (b->md = EVP_MD_CTX_new()) == NULL ||
	    (b->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	return P_OK;
}

/* Load the SKU table and start a sink of the file's own. */
enum perr_code
bill_open(struct bill_ctx *b, struct import_ctx *c, struct perr *e)
{
	struct bill_sink *k;

	memset(b, 0, sizeof(*b));
	b->c = c;
	b->seq = BILL_ORDER(c->import_id, 0, 0);
	if (bill_sink_open(&k, c->store, e) != P_OK) {
		bill_sink_free(k);
		return e->code;
	}
	b->own_sink = 1;
	return bill_start(b, k, e);
}

/* A reader of part of a file, sharing SINK (billing_fast.c). */
enum perr_code
bill_open_shared(struct bill_ctx *b, struct import_ctx *c,
		 struct bill_sink *sink, struct perr *e)
{
	memset(b, 0, sizeof(*b));
	b->c = c;
	return bill_start(b, sink, e);
}

static enum perr_code
hand_on(struct bill_ctx *b, struct perr *e)
{
	enum perr_code rc;

	if (b->nbatch == 0)
		return P_OK;
	rc = bill_sink_put(b->sink, b->batch, b->nbatch, e);
	b->nbatch = 0;
	return rc;
}

/* Hand on what waits; with a sink of its own, merge and write it all and
 * count what changed. */
enum perr_code
bill_finish(struct bill_ctx *b, struct perr *e)
{
	long long changed;

	if (hand_on(b, e))
		return e->code;
	if (!b->own_sink)
		return P_OK;
	if (bill_sink_finish(b->sink, &changed, e))
		return e->code;
	if (b->c)
		b->c->res->rows_new += changed;
	return P_OK;
}

/* Free the buffers, and the sink when it is the file's own (what was not
 * finished is dropped: the caller is failing).  Safe if never open. */
void
bill_close(struct bill_ctx *b)
{
	size_t i;

	if (b->own_sink)
		bill_sink_free(b->sink);
	b->sink = NULL;
	egress_skus_release(&b->skus);
	for (i = 0; i < b->nuent; i++)
		EVP_MD_CTX_free(b->uent[i].pre);
	EVP_MD_CTX_free(b->md);
	EVP_MD_free(b->sha256);
	b->md = NULL;
	b->sha256 = NULL;
	free(b->batch);
	b->batch = NULL;
	bill_idmap_free(&b->usage);
	free(b->labels.p);
	free(b->key.p);
	free(b->ukey.p);
	free(b->label_cache);
	b->label_cache = NULL;
	free(b->uent);
	free(b->prefixes.p);
	b->uent = NULL;
	b->prefixes.p = NULL;
	memset(&b->labels, 0, sizeof(b->labels));
	memset(&b->key, 0, sizeof(b->key));
	memset(&b->ukey, 0, sizeof(b->ukey));
}

/* "|tag=value" when F is not empty. */
static int
key_tail(struct bill_buf *k, const char *tag, const struct csvin_field *f)
{
	if (f->n == 0)
		return 0;
	return buf_str(k, tag) || buf_esc(k, f->s, f->n, ESC_LOWER);
}


/* The hour holding unix time T, rounded down. */
static int64_t
hour_of(int64_t t)
{
	return t >= 0 ? t / 3600 : -((-t + 3599) / 3600);
}

/* The descriptive columns of L (those of billing_usage) into COL, and
 * "YYYY-MM|" of its usage start into b->month. */
static void
usage_cols(struct bill_ctx *b, const struct bill_line *l,
	   struct bill_col *col)
{
	const struct csvin_field *f[BU_NCOLS] = {
		NULL, &l->account, &l->project, &l->service, &l->sku_id,
		&l->sku_desc, &l->region, &l->zone, &l->res_name,
		&l->res_global, NULL, &l->currency, NULL
	};
	int i;

	/* The instance id is the end of res_global: found only for a
	 * total this reader has not met (usage_of). */
	col[BU_INSTANCE_ID].s = "";
	col[BU_INSTANCE_ID].n = 0;
	col[BU_SOURCE].s = l->source;
	col[BU_SOURCE].n = strlen(l->source);
	col[BU_EGRESS_KIND].s = l->egress_kind ? l->egress_kind : "";
	col[BU_EGRESS_KIND].n = strlen(col[BU_EGRESS_KIND].s);
	for (i = 0; i < BU_NCOLS; i++)
		if (f[i]) {
			col[i].s = f[i]->s;
			col[i].n = f[i]->n;
		}
	if (hour_of(l->usage_start) != b->last_hour) {
		int ymd[3], hms[3];

		b->last_hour = hour_of(l->usage_start);
		civil(l->usage_start, ymd, hms);
		digits(b->month, ymd[0] % 10000, 4);
		b->month[4] = '-';
		digits(b->month + 5, ymd[1], 2);
		b->month[7] = '|';
		b->month[8] = '\0';
	}
}

/* The month and COL as b->ukey, for this reader's own table of ids: each
 * column as its length and bytes, copied, not escaped (escaping every
 * row's three hundred bytes cost more than the lookup). */
static int
raw_key(struct bill_ctx *b, const struct bill_col *col)
{
	struct bill_buf *k = &b->ukey;
	size_t need = 8 + BU_NCOLS * sizeof(uint32_t);
	uint32_t n;
	char *p;
	int i;

	/* The instance id, which follows from res_global, is still empty
	 * here (usage_cols): it adds nothing to the key. */
	for (i = 0; i < BU_NCOLS; i++)
		need += col[i].n;
	k->n = 0;
	if (buf_room(k, need))		/* one check for all of it */
		return -1;
	memcpy(k->p, b->month, 8);
	p = k->p + 8;
	for (i = 0; i < BU_NCOLS; i++) {
		n = (uint32_t)col[i].n;
		memcpy(p, &n, sizeof(n));
		memcpy(p + sizeof(n), col[i].s, col[i].n);
		p += sizeof(n) + col[i].n;
	}
	k->n = need;
	return 0;
}

/* The key of the usage total in the database (billing_usage.usage_key,
 * after "YYYY-MM|"): COL escaped as in the natural key and joined by
 * '|', into b->key. */
static int
usage_key(struct bill_ctx *b, const struct bill_col *col)
{
	struct bill_buf *k = &b->key;
	int i;

	k->n = 0;
	if (buf_add(k, b->month, 8))
		return -1;
	for (i = 0; i < BU_NCOLS; i++)
		if ((i > 0 && buf_str(k, "|")) ||
		    buf_esc(k, col[i].s, col[i].n, 0))
			return -1;
	return 0;
}

/* "account|sku|project|resource|" of L, escaped: the start of its
 * natural key, the same for every row of its usage total. */
static int
key_prefix(struct bill_buf *k, const struct bill_line *l)
{
	const struct csvin_field *res = l->res_global.n ? &l->res_global :
	    &l->res_name;

	return buf_esc(k, l->account.s, l->account.n, 0) ||
	    buf_str(k, "|") || buf_esc(k, l->sku_id.s, l->sku_id.n, 0) ||
	    buf_str(k, "|") || buf_esc(k, l->project.s, l->project.n, 0) ||
	    buf_str(k, "|") || buf_esc(k, res->s, res->n, 0) ||
	    buf_str(k, "|");
}

/* This reader's entry for the usage total of L (columns COL): its id
 * and its key prefix (key_prefix), found in the reader's table or made
 * (the sink finds or makes the id). */
static enum perr_code
usage_of(struct bill_ctx *b, const struct bill_line *l,
	 struct bill_col *col, struct bill_uent **out, struct perr *e)
{
	struct csvin_field id;
	struct bill_uent *u;
	enum perr_code rc;
	int64_t at;

	/* The table's hash: SKU, resource and month, which nearly always
	 * tell totals apart; hashing all of the key cost more than the
	 * rare extra comparison. */
	uint64_t h = bill_hash(col[BU_SKU_ID].s, col[BU_SKU_ID].n) ^
	    bill_hash(col[BU_RES_GLOBAL].s, col[BU_RES_GLOBAL].n) * 31 ^
	    bill_hash(col[BU_RES_NAME].s, col[BU_RES_NAME].n) * 131 ^
	    bill_hash(b->month, 7);

	if (raw_key(b, col) != 0)
		return perr_set(e, P_ELIMIT, "billing row longer than %d "
				"bytes", LIM_CSV_ROW);
	if (bill_idmap_get_h(&b->usage, b->ukey.p, b->ukey.n, h, &at)) {
		*out = &b->uent[at];
		return P_OK;
	}
	if (b->nuent == b->uent_cap) {
		size_t cap = b->uent_cap ? b->uent_cap * 2 : 256;

		if ((u = realloc(b->uent, cap * sizeof(*u))) == NULL)
			return perr_set(e, P_ENOMEM, "out of memory");
		b->uent = u;
		b->uent_cap = cap;
	}
	u = &b->uent[b->nuent];
	id = bill_instance_id(&l->res_global);
	col[BU_INSTANCE_ID].s = id.s;
	col[BU_INSTANCE_ID].n = id.n;
	u->off = b->prefixes.n;
	if (key_prefix(&b->prefixes, l) != 0 || usage_key(b, col) != 0)
		return perr_set(e, P_ELIMIT, "billing row longer than %d "
				"bytes", LIM_CSV_ROW);
	u->n = b->prefixes.n - u->off;
	/* SHA-256 state after the prefix: each row then hashes only the
	 * rest of its key (the digest is that of the whole key). */
	if ((u->pre = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(u->pre, b->sha256, NULL) != 1 ||
	    EVP_DigestUpdate(u->pre, b->prefixes.p + u->off, u->n) != 1) {
		EVP_MD_CTX_free(u->pre);
		return perr_set(e, P_ENOMEM, "SHA-256 failed");
	}
	b->nuent++;	/* owns pre from here */
	rc = bill_sink_usage(b->sink, b->key.p, b->key.n, col, &u->id, e);
	if (rc != P_OK)
		return rc;
	if (bill_idmap_put_h(&b->usage, b->ukey.p, b->ukey.n, h,
			     (int64_t)b->nuent - 1) != 0)
		return perr_set(e, P_ENOMEM, "out of memory");
	*out = u;
	return P_OK;
}

/* The number in the N digits at T. */
static int64_t
num(const char *t, int n)
{
	int64_t v = 0;

	while (n-- > 0)
		v = v * 10 + (*t++ - '0');
	return v;
}

/* Unix microseconds of a normalised export time (bill_norm_time), read
 * at its fixed places: "YYYY-MM-DDTHH:MM:SS.ffffffZ". */
static int64_t
export_us(const char *t)
{
	int64_t days;

	if (strlen(t) != 27)
		return BILL_NO_EXPORT;
	days = days_from_civil(num(t, 4), (unsigned)num(t + 5, 2),
			       (unsigned)num(t + 8, 2));
	return ((days * 86400 + num(t + 11, 2) * 3600 + num(t + 14, 2) * 60 +
		 num(t + 17, 2)) * 1000000) + num(t + 20, 6);
}

static enum perr_code put_digest(struct bill_ctx *, const struct bill_line *,
				 const struct bill_uent *, struct perr *);

/* The rec of L, whose natural key is KEY (N bytes) and usage total U,
 * into the batch. */
static enum perr_code
put_rec(struct bill_ctx *b, const struct bill_line *l, const char *key,
	size_t n, const struct bill_uent *u, struct perr *e)
{
	if (EVP_DigestInit_ex(b->md, b->sha256, NULL) != 1 ||
	    EVP_DigestUpdate(b->md, key, n) != 1)
		return perr_set(e, P_ENOMEM, "SHA-256 failed");
	return put_digest(b, l, u, e);
}

/* The rec of L, whose key b->md has taken whole, into the batch. */
static enum perr_code
put_digest(struct bill_ctx *b, const struct bill_line *l,
	   const struct bill_uent *u, struct perr *e)
{
	struct bill_rec *r = &b->batch[b->nbatch];
	unsigned char md[EVP_MAX_MD_SIZE];
	int64_t usage = u->id;
	int i;

	if (EVP_DigestFinal_ex(b->md, md, NULL) != 1)
		return perr_set(e, P_ENOMEM, "SHA-256 failed");
	r->h[0] = r->h[1] = 0;
	/* Little-endian, so that the blob holds the digest's bytes. */
	for (i = 0; i < 8; i++) {
		r->h[0] |= (uint64_t)md[i] << (8 * i);
		r->h[1] |= (uint64_t)md[8 + i] << (8 * i);
	}
	r->usage = usage;
	r->hour = hour_of(l->usage_start);
	r->export_us = l->export_time[0] ? export_us(l->export_time) :
	    BILL_NO_EXPORT;
	r->cost = l->cost_micro;
	r->credits = l->credits_micro;
	r->egress = l->egress_kind ? l->egress_bytes : 0;
	r->order = b->seq++;
	if (++b->nbatch == BATCH_ROWS)
		return hand_on(b, e);
	return P_OK;
}

/* L with its natural key KEY (N bytes) given (schema 7's upgrade). */
static enum perr_code
put_keyed(struct bill_ctx *b, const struct bill_line *l, const char *key,
	  size_t n, struct perr *e)
{
	struct bill_col col[BU_NCOLS];
	struct bill_uent *u;

	usage_cols(b, l, col);
	if (usage_of(b, l, col, &u, e) != P_OK)
		return e->code;
	return put_rec(b, l, key, n, u, e);
}

/* put_rec for a key whose prefix U's SHA-256 state has taken: REST
 * (N bytes) is what follows it. */
static enum perr_code
put_primed(struct bill_ctx *b, const struct bill_line *l, const char *rest,
	   size_t n, const struct bill_uent *u, struct perr *e)
{
	if (EVP_MD_CTX_copy_ex(b->md, u->pre) != 1 ||
	    EVP_DigestUpdate(b->md, rest, n) != 1)
		return perr_set(e, P_ENOMEM, "SHA-256 failed");
	return put_digest(b, l, u, e);
}

/* Build the key and queue the row (see billing.h).  The key's start
 * comes from the row's usage total, escaped once for all its rows. */
enum perr_code
bill_put(struct bill_ctx *b, const struct bill_line *l, struct perr *e)
{
	struct bill_col col[BU_NCOLS];
	struct bill_uent *u;
	struct bill_buf *k = &b->key;

	usage_cols(b, l, col);
	if (usage_of(b, l, col, &u, e) != P_OK)
		return e->code;
	k->n = 0;
	if (buf_add(k, b->prefixes.p + u->off, u->n) ||
	    buf_int(k, l->usage_start) ||
	    buf_str(k, "|") || buf_int(k, l->usage_end) ||
	    buf_str(k, "|") || buf_add(k, b->labels.p, b->labels.n) ||
	    key_tail(k, "|ct=", &l->charge) ||
	    key_tail(k, "|cc=", &l->charge_class) ||
	    key_tail(k, "|cr=", &l->credit_type))
		return perr_set(e, P_ELIMIT, "%s: natural key longer than %d "
				"bytes", b->c->path, LIM_CSV_ROW);
	return put_primed(b, l, k->p + u->n, k->n - u->n, u, e);
}

/* ---- schema 7 ------------------------------------------------------ */

static const char legacy_sql[] =
	"SELECT natural_key, source, export_time, account, project, service, "
	"sku_id, sku_desc, usage_start, region, zone, resource_name, "
	"resource_global, currency, egress_kind, cost_micro, credits_micro, "
	"egress_bytes FROM billing_line ORDER BY usage_start, id";

static struct csvin_field
column_field(sqlite3_stmt *st, int i)
{
	struct csvin_field f;

	f.s = (const char *)sqlite3_column_text(st, i);
	f.n = (size_t)sqlite3_column_bytes(st, i);
	if (f.s == NULL) {
		f.s = "";
		f.n = 0;
	}
	return f;
}

/* A stored billing_line row as the line that made it. */
static void
legacy_line(sqlite3_stmt *st, struct bill_line *l)
{
	struct csvin_field t = column_field(st, 2);

	memset(l, 0, sizeof(*l));
	l->source = column_field(st, 1).s;
	if (t.n < sizeof(l->export_time))
		memcpy(l->export_time, t.s, t.n + 1);
	l->account = column_field(st, 3);
	l->project = column_field(st, 4);
	l->service = column_field(st, 5);
	l->sku_id = column_field(st, 6);
	l->sku_desc = column_field(st, 7);
	l->usage_start = sqlite3_column_int64(st, 8);
	l->region = column_field(st, 9);
	l->zone = column_field(st, 10);
	l->res_name = column_field(st, 11);
	l->res_global = column_field(st, 12);
	l->currency = column_field(st, 13);
	l->egress_kind = (const char *)sqlite3_column_text(st, 14);
	l->cost_micro = sqlite3_column_int64(st, 15);
	l->credits_micro = sqlite3_column_int64(st, 16);
	l->egress_bytes = sqlite3_column_int64(st, 17);
}

/* Move billing_line into the sink (see billing.h).  Its natural keys
 * were built as bill_put builds them, so a row imported again after the
 * upgrade is still recognised. */
enum perr_code
bill_upgrade_7(struct store *s, struct perr *e)
{
	struct bill_ctx b;
	struct bill_sink *k = NULL;
	sqlite3_stmt *st = NULL;
	enum perr_code rc;
	int step = SQLITE_DONE;

	memset(&b, 0, sizeof(b));
	if ((rc = bill_sink_open(&k, s, e)) != P_OK) {
		bill_sink_free(k);
		return rc;
	}
	b.own_sink = 1;
	if ((rc = bill_start(&b, k, e)) == P_OK)
		rc = store_prepare(s, legacy_sql, &st, e);
	while (rc == P_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct bill_line l;
		struct csvin_field key = column_field(st, 0);

		legacy_line(st, &l);
		rc = put_keyed(&b, &l, key.s, key.n, e);
	}
	if (rc == P_OK && step != SQLITE_DONE)
		rc = store_fail(s, step, e, "reading billing_line");
	sqlite3_finalize(st);
	if (rc == P_OK && (rc = bill_finish(&b, e)) == P_OK)
		rc = store_exec(s, "DROP TABLE billing_line", e);
	bill_close(&b);
	return rc;
}
