/*
 * billsink.c - billing rows into billing_usage and billing_seen.  See
 * billsink.h for what is stored and why.
 *
 * Owner: the billing importers.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "billsink.h"
#include "caps.h"

/* Rows waiting in memory before the hours are merged (72 bytes each). */
#define SINK_RECS	65536
/* Hours waiting at once; more means the rows are not in time order. */
#define SINK_HOURS	64

/* A stored entry: h[0], h[1], export_us, usage, cost, credits, egress,
 * order, each 8 bytes little-endian. */
#define ENTRY_BYTES	64

/* ---- the id map ---------------------------------------------------- */

struct bill_idslot {
	uint64_t hash;
	size_t off, n;		/* the key in the arena; n 0: empty */
	int64_t id;
};

/* Word at a time: the keys are a few hundred bytes and looked up once
 * per row.  Quality is enough for a table: collisions only cost a
 * comparison. */
uint64_t
bill_hash(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
	h ^= h >> 29;
	return h ? h : 1;
}

static struct bill_idslot *
map_find(const struct bill_idmap *m, const char *key, size_t n,
	 uint64_t h)
{
	size_t i;

	for (i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct bill_idslot *s = &m->slot[i];

		if (s->n == 0 || (s->hash == h && s->n == n &&
				  memcmp(m->arena + s->off, key, n) == 0))
			return s;
	}
}

/* Look KEY up (see billsink.h). */
int
bill_idmap_get(const struct bill_idmap *m, const char *key, size_t n,
	       int64_t *id)
{
	return bill_idmap_get_h(m, key, n, bill_hash(key, n), id);
}

/* bill_idmap_get with the key's hash H given (see billsink.h). */
int
bill_idmap_get_h(const struct bill_idmap *m, const char *key, size_t n,
		 uint64_t h, int64_t *id)
{
	struct bill_idslot *s;

	if (m->cap == 0 || n == 0)
		return 0;
	s = map_find(m, key, n, h ? h : 1);
	if (s->n == 0)
		return 0;
	*id = s->id;
	return 1;
}

static int
map_grow(struct bill_idmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 256, i;
	struct bill_idslot *old = m->slot, *v = calloc(cap, sizeof(*v));

	if (v == NULL)
		return -1;
	m->slot = v;
	for (i = 0; i < m->cap; i++)
		if (old[i].n) {
			struct bill_idslot *s = &v[old[i].hash & (cap - 1)];

			while (s->n)
				s = s + 1 < v + cap ? s + 1 : v;
			*s = old[i];
		}
	m->cap = cap;
	free(old);
	return 0;
}

/* Remember KEY -> ID (see billsink.h). */
int
bill_idmap_put(struct bill_idmap *m, const char *key, size_t n, int64_t id)
{
	return bill_idmap_put_h(m, key, n, bill_hash(key, n), id);
}

/* bill_idmap_put with the key's hash H given (see billsink.h). */
int
bill_idmap_put_h(struct bill_idmap *m, const char *key, size_t n,
		 uint64_t h, int64_t id)
{
	struct bill_idslot *s;

	h = h ? h : 1;		/* 0 marks nothing: see map_find */
	if (n == 0 || ((m->n + 1) * 2 > m->cap && map_grow(m) != 0))
		return -1;
	if (m->alen + n > m->acap) {
		size_t cap = m->acap ? m->acap : 4096;
		char *p;

		while (cap < m->alen + n)
			cap *= 2;
		if ((p = realloc(m->arena, cap)) == NULL)
			return -1;
		m->arena = p;
		m->acap = cap;
	}
	s = map_find(m, key, n, h);
	if (s->n == 0) {
		memcpy(m->arena + m->alen, key, n);
		s->hash = h;
		s->off = m->alen;
		s->n = n;
		m->alen += n;
		m->n++;
	}
	s->id = id;
	return 0;
}

void
bill_idmap_free(struct bill_idmap *m)
{
	free(m->slot);
	free(m->arena);
	memset(m, 0, sizeof(*m));
}

/* ---- the sink ------------------------------------------------------ */

struct hour_buf {
	int64_t hour;
	struct bill_rec *v;
	size_t n, cap;
	uint64_t used;		/* tick of the last put */
};

/* What an import changes in one usage total. */
struct delta {
	int64_t id, rows, cost, credits, egress;
};

struct bill_sink {
	struct store *s;
	sqlite3_stmt *find_usage, *add_usage, *get_seen, *put_seen;
	sqlite3_stmt *upd_usage;
	struct bill_idmap usage;	/* "month|key" -> id */
	pthread_mutex_t buf_mu;	/* hours, waiting, tick, pending */
	pthread_mutex_t db_mu;	/* the rest: SQLite, totals, merges */
	struct hour_buf hours[SINK_HOURS];
	size_t nhours, waiting;
	struct hour_buf *pending;	/* taken off hours, to merge */
	size_t npending, pending_cap;
	uint64_t tick;
	struct delta *d;		/* open addressing on id */
	size_t dcap, dn;
	unsigned char *blob;		/* merged entries being written */
	size_t blob_cap;
	struct bill_rec *old;		/* stored entries being merged */
	size_t old_cap;
	struct bill_rec *scratch;	/* for sort_recs */
	size_t scratch_cap;
	size_t bucket[(1 << 16) + 1];
	long long changed;
};

static const char find_usage_sql[] =
	"SELECT id FROM billing_usage WHERE month = ?1 AND usage_key = ?2";
static const char add_usage_sql[] =
	"INSERT INTO billing_usage(month, usage_key, source, account, "
	"project, service, sku_id, sku_desc, region, zone, resource_name, "
	"resource_global, vm_instance_id, currency, egress_kind) VALUES "
	"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
static const char upd_usage_sql[] =
	"UPDATE billing_usage SET rows = rows + ?2, "
	"cost_micro = cost_micro + ?3, credits_micro = credits_micro + ?4, "
	"egress_bytes = egress_bytes + ?5 WHERE id = ?1";
static const char get_seen_sql[] =
	"SELECT entries FROM billing_seen WHERE hour = ?1";
static const char put_seen_sql[] =
	"INSERT OR REPLACE INTO billing_seen(hour, entries) VALUES (?1, ?2)";

/* Start a sink (see billsink.h). */
enum perr_code
bill_sink_open(struct bill_sink **kp, struct store *s, struct perr *e)
{
	struct bill_sink *k = calloc(1, sizeof(*k));

	*kp = k;
	if (k == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	k->s = s;
	pthread_mutex_init(&k->buf_mu, NULL);
	pthread_mutex_init(&k->db_mu, NULL);
	if (store_prepare(s, find_usage_sql, &k->find_usage, e) ||
	    store_prepare(s, add_usage_sql, &k->add_usage, e) ||
	    store_prepare(s, upd_usage_sql, &k->upd_usage, e) ||
	    store_prepare(s, get_seen_sql, &k->get_seen, e) ||
	    store_prepare(s, put_seen_sql, &k->put_seen, e))
		return e->code;
	return P_OK;
}

/* Free K (see billsink.h). */
void
bill_sink_free(struct bill_sink *k)
{
	size_t i;

	if (k == NULL)
		return;
	sqlite3_finalize(k->find_usage);
	sqlite3_finalize(k->add_usage);
	sqlite3_finalize(k->upd_usage);
	sqlite3_finalize(k->get_seen);
	sqlite3_finalize(k->put_seen);
	bill_idmap_free(&k->usage);
	for (i = 0; i < SINK_HOURS; i++)
		free(k->hours[i].v);
	for (i = 0; i < k->npending; i++)
		free(k->pending[i].v);
	free(k->pending);
	pthread_mutex_destroy(&k->buf_mu);
	pthread_mutex_destroy(&k->db_mu);
	free(k->d);
	free(k->blob);
	free(k->old);
	free(k->scratch);
	free(k);
}

/* ---- usage totals -------------------------------------------------- */

/* Month "YYYY-MM" is the first 7 bytes of MKEY, the usage key the rest
 * after the '|'. */
static enum perr_code
new_usage(struct bill_sink *k, const char *mkey, size_t n,
	  const struct bill_col *col, int64_t *id, struct perr *e)
{
	sqlite3_stmt *st = k->add_usage;
	int i;

	sqlite3_bind_text(st, 1, mkey, 7, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, mkey + 8, (int)(n - 8), SQLITE_STATIC);
	for (i = 0; i < BU_NCOLS; i++)
		if (col[i].n == 0)
			sqlite3_bind_null(st, i + 3);
		else
			sqlite3_bind_text(st, i + 3, col[i].s, (int)col[i].n,
					  SQLITE_STATIC);
	if (store_rerun(k->s, st, "adding a billing usage total", e))
		return e->code;
	*id = sqlite3_last_insert_rowid(k->s->db);
	return P_OK;
}

static enum perr_code
usage_locked(struct bill_sink *k, const char *mkey, size_t n,
	     const struct bill_col *col, int64_t *id, struct perr *e);

/* The id of a usage total (see billsink.h), under db_mu. */
enum perr_code
bill_sink_usage(struct bill_sink *k, const char *mkey, size_t n,
		const struct bill_col *col, int64_t *id, struct perr *e)
{
	enum perr_code rc;

	pthread_mutex_lock(&k->db_mu);
	rc = usage_locked(k, mkey, n, col, id, e);
	pthread_mutex_unlock(&k->db_mu);
	return rc;
}

static enum perr_code
usage_locked(struct bill_sink *k, const char *mkey, size_t n,
	     const struct bill_col *col, int64_t *id, struct perr *e)
{
	sqlite3_stmt *st = k->find_usage;
	int rc;

	if (n < 9 || mkey[7] != '|')
		return perr_set(e, P_EDATA, "internal: bad usage key");
	if (bill_idmap_get(&k->usage, mkey, n, id))
		return P_OK;
	sqlite3_bind_text(st, 1, mkey, 7, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, mkey + 8, (int)(n - 8), SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(k->s, rc, e, "finding a billing usage total");
	if (rc == SQLITE_DONE && new_usage(k, mkey, n, col, id, e))
		return e->code;
	if (bill_idmap_put(&k->usage, mkey, n, *id) != 0)
		return perr_set(e, P_ENOMEM, "out of memory");
	return P_OK;
}

/* The change to usage ID, found or made. */
static struct delta *
delta_of(struct bill_sink *k, int64_t id)
{
	size_t i;

	if ((k->dn + 1) * 2 > k->dcap) {
		size_t cap = k->dcap ? k->dcap * 2 : 1024, j;
		struct delta *v = calloc(cap, sizeof(*v));

		if (v == NULL)
			return NULL;
		for (j = 0; j < k->dcap; j++)
			if (k->d[j].id) {
				i = (uint64_t)k->d[j].id * 0x9E3779B97F4A7C15ULL
				    >> 20 & (cap - 1);
				while (v[i].id)
					i = (i + 1) & (cap - 1);
				v[i] = k->d[j];
			}
		free(k->d);
		k->d = v;
		k->dcap = cap;
	}
	i = (uint64_t)id * 0x9E3779B97F4A7C15ULL >> 20 & (k->dcap - 1);
	while (k->d[i].id && k->d[i].id != id)
		i = (i + 1) & (k->dcap - 1);
	if (k->d[i].id == 0) {
		k->d[i].id = id;
		k->dn++;
	}
	return &k->d[i];
}

/* Add (SIGN 1) or take away (-1) the amounts of R from its total. */
static enum perr_code
count(struct bill_sink *k, const struct bill_rec *r, int sign,
      struct perr *e)
{
	struct delta *d = delta_of(k, r->usage);

	if (d == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	if (__builtin_add_overflow(d->rows, sign, &d->rows) ||
	    __builtin_add_overflow(d->cost, sign * r->cost, &d->cost) ||
	    __builtin_add_overflow(d->credits, sign * r->credits,
				   &d->credits) ||
	    __builtin_add_overflow(d->egress, sign * r->egress, &d->egress))
		return perr_set(e, P_ELIMIT, "billing totals out of range "
				"(beyond 9.2e12 USD or 8 EiB)");
	return P_OK;
}

/* ---- entries ------------------------------------------------------- */

static void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
encode(unsigned char *p, const struct bill_rec *r)
{
	put64(p, r->h[0]);
	put64(p + 8, r->h[1]);
	put64(p + 16, (uint64_t)r->export_us);
	put64(p + 24, (uint64_t)r->usage);
	put64(p + 32, (uint64_t)r->cost);
	put64(p + 40, (uint64_t)r->credits);
	put64(p + 48, (uint64_t)r->egress);
	put64(p + 56, r->order);
}

static void
decode(struct bill_rec *r, const unsigned char *p)
{
	r->h[0] = get64(p);
	r->h[1] = get64(p + 8);
	r->export_us = (int64_t)get64(p + 16);
	r->usage = (int64_t)get64(p + 24);
	r->cost = (int64_t)get64(p + 32);
	r->credits = (int64_t)get64(p + 40);
	r->egress = (int64_t)get64(p + 48);
	r->order = get64(p + 56);
}

static int
key_cmp(const struct bill_rec *a, const struct bill_rec *b)
{
	if (a->h[0] != b->h[0])
		return a->h[0] < b->h[0] ? -1 : 1;
	if (a->h[1] != b->h[1])
		return a->h[1] < b->h[1] ? -1 : 1;
	return 0;
}

static int
rec_cmp(const void *x, const void *y)
{
	const struct bill_rec *a = x, *b = y;
	int d = key_cmp(a, b);

	if (d)
		return d;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* The rule of the old upsert, row after row: a row replaces its twin
 * only when its export time is newer (a row without one never is); of
 * equal times, the one that stands first (BILL_ORDER) stays. */
static int
newer(const struct bill_rec *a, const struct bill_rec *old)
{
	return a->export_us > old->export_us ||
	    (a->export_us == old->export_us && a->order < old->order);
}

/* Sort V (N rows) by key, then file order.  The keys are hashes, even
 * over their range: one counting pass on their top bits into a scratch
 * buffer the sink keeps, then an insertion sort of each (small) bucket.
 * (qsort allocated and sorted a buffer of megabytes at every flush.) */
static int
sort_recs(struct bill_sink *k, struct bill_rec *v, size_t n)
{
	unsigned bits = 4;
	size_t i, j, b, nb;

	while (bits < 16 && ((size_t)1 << (bits + 2)) < n)
		bits++;
	nb = (size_t)1 << bits;
	if (n > k->scratch_cap) {
		struct bill_rec *t = realloc(k->scratch, n * sizeof(*t));

		if (t == NULL)
			return -1;
		k->scratch = t;
		k->scratch_cap = n;
	}
	memset(k->bucket, 0, (nb + 1) * sizeof(*k->bucket));
	for (i = 0; i < n; i++)
		k->bucket[(v[i].h[0] >> (64 - bits)) + 1]++;
	for (b = 1; b <= nb; b++)
		k->bucket[b] += k->bucket[b - 1];
	for (i = 0; i < n; i++)
		k->scratch[k->bucket[v[i].h[0] >> (64 - bits)]++] = v[i];
	memcpy(v, k->scratch, n * sizeof(*v));
	for (i = 1; i < n; i++) {	/* buckets hold about four rows */
		struct bill_rec t = v[i];

		for (j = i; j > 0 && rec_cmp(&v[j - 1], &t) > 0; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	return 0;
}

/* Sort H's rows and keep, of each key, the row that applying them in
 * file order would leave: the first of those with the newest export.
 * (size_t)-1 when out of memory. */
static size_t
collapse(struct bill_sink *k, struct hour_buf *h)
{
	size_t i, n = 0;

	if (sort_recs(k, h->v, h->n) != 0)
		return (size_t)-1;
	for (i = 0; i < h->n; i++) {
		if (n > 0 && key_cmp(&h->v[n - 1], &h->v[i]) == 0) {
			if (newer(&h->v[i], &h->v[n - 1]))
				h->v[n - 1] = h->v[i];
			continue;
		}
		h->v[n++] = h->v[i];
	}
	return n;
}

/* The stored entries of HOUR into k->old (*N of them). */
static enum perr_code
load_hour(struct bill_sink *k, int64_t hour, size_t *n, struct perr *e)
{
	sqlite3_stmt *st = k->get_seen;
	const unsigned char *p;
	size_t i, bytes;
	int rc;

	*n = 0;
	sqlite3_bind_int64(st, 1, hour);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p = sqlite3_column_blob(st, 0);
		bytes = (size_t)sqlite3_column_bytes(st, 0);
		if (bytes % ENTRY_BYTES != 0) {
			sqlite3_reset(st);
			return perr_set(e, P_EDATA, "billing_seen hour %lld: "
					"%zu bytes is not whole entries",
					(long long)hour, bytes);
		}
		*n = bytes / ENTRY_BYTES;
		if (*n > k->old_cap) {
			struct bill_rec *v = realloc(k->old, *n * sizeof(*v));

			if (v == NULL) {
				sqlite3_reset(st);
				return perr_set(e, P_ENOMEM, "out of memory");
			}
			k->old = v;
			k->old_cap = *n;
		}
		for (i = 0; i < *n; i++)
			decode(&k->old[i], p + i * ENTRY_BYTES);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(k->s, rc, e, "reading billing keys");
	return P_OK;
}

static int
blob_fit(struct bill_sink *k, size_t entries)
{
	size_t need = entries * ENTRY_BYTES;
	unsigned char *p;

	if (need <= k->blob_cap)
		return 0;
	if ((p = realloc(k->blob, need)) == NULL)
		return -1;
	k->blob = p;
	k->blob_cap = need;
	return 0;
}

/* Merge the NEW sorted rows into the NOLD stored ones, into k->blob
 * (*OUT entries), counting what changes. */
static enum perr_code
merge(struct bill_sink *k, const struct bill_rec *nw, size_t nnew,
      size_t nold, size_t *out, struct perr *e)
{
	const struct bill_rec *old = k->old;
	size_t i = 0, j = 0, o = 0;
	enum perr_code rc = P_OK;

	if (blob_fit(k, nnew + nold) != 0)
		return perr_set(e, P_ENOMEM, "out of memory");
	while (rc == P_OK && (i < nnew || j < nold)) {
		int d = i == nnew ? 1 : j == nold ? -1 :
		    key_cmp(&nw[i], &old[j]);

		if (d > 0) {
			encode(k->blob + o++ * ENTRY_BYTES, &old[j++]);
			continue;
		}
		if (d == 0 && !newer(&nw[i], &old[j])) {
			encode(k->blob + o++ * ENTRY_BYTES, &old[j++]);
			i++;
			continue;
		}
		if (d == 0)
			rc = count(k, &old[j++], -1, e);
		if (rc == P_OK)
			rc = count(k, &nw[i], 1, e);
		encode(k->blob + o++ * ENTRY_BYTES, &nw[i++]);
		k->changed++;
	}
	*out = o;
	return rc;
}

/* Merge the rows of H with its stored hour and write it back. */
static enum perr_code
flush_hour(struct bill_sink *k, struct hour_buf *h, struct perr *e)
{
	sqlite3_stmt *st = k->put_seen;
	size_t n = collapse(k, h), nold = 0, out = 0;

	if (n == (size_t)-1)
		return perr_set(e, P_ENOMEM, "out of memory");
	if (load_hour(k, h->hour, &nold, e) ||
	    merge(k, h->v, n, nold, &out, e))
		return e->code;
	h->n = 0;
	sqlite3_bind_int64(st, 1, h->hour);
	sqlite3_bind_blob(st, 2, k->blob, (int)(out * ENTRY_BYTES),
			  SQLITE_STATIC);
	return store_rerun(k->s, st, "writing billing keys", e);
}

/* Take every waiting hour but the last one used (its rows are most
 * likely still coming), or all with ALL, off the table onto the pending
 * list, to be merged without holding buf_mu.  Under buf_mu. */
static enum perr_code
take_hours(struct bill_sink *k, int all, struct perr *e)
{
	size_t i, keep = 0;

	for (i = 1; i < k->nhours; i++)
		if (k->hours[i].used > k->hours[keep].used)
			keep = i;
	for (i = 0; i < k->nhours; i++) {
		struct hour_buf *h = &k->hours[i];

		if ((!all && i == keep) || h->n == 0)
			continue;
		if (k->npending == k->pending_cap) {
			size_t cap = k->pending_cap ? k->pending_cap * 2 : 64;
			struct hour_buf *v = realloc(k->pending,
						     cap * sizeof(*v));

			if (v == NULL)
				return perr_set(e, P_ENOMEM, "out of memory");
			k->pending = v;
			k->pending_cap = cap;
		}
		k->pending[k->npending++] = *h;
		k->waiting -= h->n;
		h->v = NULL;	/* the next rows get a fresh array */
		h->n = h->cap = 0;
	}
	return P_OK;
}

/* Hand the hours taken off (take_hours) to the caller, emptying the
 * list.  Under buf_mu. */
static size_t
take_pending(struct bill_sink *k, struct hour_buf **v)
{
	size_t n = k->npending;

	*v = k->pending;
	k->pending = NULL;
	k->npending = k->pending_cap = 0;
	return n;
}

static void
free_taken(struct hour_buf *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].v);
	free(v);
}

/* Merge the N hours V taken off, under db_mu only, so that the other
 * readers go on adding rows meanwhile; V is freed. */
static enum perr_code
merge_taken(struct bill_sink *k, struct hour_buf *v, size_t n,
	    struct perr *e)
{
	enum perr_code rc = P_OK;
	size_t i;

	if (n > 0) {
		pthread_mutex_lock(&k->db_mu);
		for (i = 0; i < n && rc == P_OK; i++)
			rc = flush_hour(k, &v[i], e);
		pthread_mutex_unlock(&k->db_mu);
	}
	free_taken(v, n);
	return rc;
}

/* The buffer of HOUR: found, an empty one taken, or made free. */
static struct hour_buf *
hour_of(struct bill_sink *k, int64_t hour, struct perr *e)
{
	size_t i;

	for (i = 0; i < k->nhours; i++)
		if (k->hours[i].hour == hour)
			return &k->hours[i];
	for (i = 0; i < k->nhours; i++)
		if (k->hours[i].n == 0)
			break;
	if (i == k->nhours && k->nhours == SINK_HOURS) {
		if (take_hours(k, 0, e))
			return NULL;
		for (i = 0; i < k->nhours && k->hours[i].n != 0; i++)
			;
	}
	if (i == k->nhours)
		k->nhours++;
	k->hours[i].hour = hour;
	return &k->hours[i];
}

/* Add N rows under buf_mu; hours to merge go on the pending list. */
static enum perr_code
add_rows(struct bill_sink *k, const struct bill_rec *r, size_t n,
	 struct perr *e)
{
	struct hour_buf *h = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((h == NULL || h->hour != r[i].hour) &&
		    (h = hour_of(k, r[i].hour, e)) == NULL)
			return e->code;
		if (h->n == h->cap) {
			size_t cap = h->cap ? h->cap * 2 : 256;
			struct bill_rec *v = realloc(h->v, cap * sizeof(*v));

			if (v == NULL)
				return perr_set(e, P_ENOMEM, "out of memory");
			h->v = v;
			h->cap = cap;
		}
		h->v[h->n++] = r[i];
		h->used = ++k->tick;
		if (++k->waiting >= SINK_RECS) {
			if (take_hours(k, 0, e))
				return e->code;
			h = NULL;
		}
	}
	return P_OK;
}

/* Take N rows (see billsink.h). */
enum perr_code
bill_sink_put(struct bill_sink *k, const struct bill_rec *r, size_t n,
	      struct perr *e)
{
	struct hour_buf *v;
	enum perr_code rc;
	size_t nv;

	pthread_mutex_lock(&k->buf_mu);
	rc = add_rows(k, r, n, e);
	nv = take_pending(k, &v);
	pthread_mutex_unlock(&k->buf_mu);
	if (rc != P_OK) {
		free_taken(v, nv);	/* the import is failing */
		return rc;
	}
	return merge_taken(k, v, nv, e);
}

/* Write the changes to the usage totals; a total left with no row goes. */
static enum perr_code
write_totals(struct bill_sink *k, struct perr *e)
{
	sqlite3_stmt *st = k->upd_usage;
	size_t i;

	for (i = 0; i < k->dcap; i++) {
		const struct delta *d = &k->d[i];

		if (d->id == 0)
			continue;
		sqlite3_bind_int64(st, 1, d->id);
		sqlite3_bind_int64(st, 2, d->rows);
		sqlite3_bind_int64(st, 3, d->cost);
		sqlite3_bind_int64(st, 4, d->credits);
		sqlite3_bind_int64(st, 5, d->egress);
		if (store_rerun(k->s, st, "updating billing usage totals", e))
			return e->code;
	}
	return store_exec(k->s, "DELETE FROM billing_usage WHERE rows = 0",
			  e);
}

/* Merge and write everything (see billsink.h). */
enum perr_code
bill_sink_finish(struct bill_sink *k, long long *changed, struct perr *e)
{
	struct hour_buf *v;
	enum perr_code rc;
	size_t nv;

	pthread_mutex_lock(&k->buf_mu);
	rc = take_hours(k, 1, e);
	nv = take_pending(k, &v);
	pthread_mutex_unlock(&k->buf_mu);
	if (rc != P_OK) {
		free_taken(v, nv);	/* the import is failing */
		return rc;
	}
	if (merge_taken(k, v, nv, e) != P_OK)
		return e->code;
	pthread_mutex_lock(&k->db_mu);
	rc = write_totals(k, e);
	pthread_mutex_unlock(&k->db_mu);
	if (rc != P_OK)
		return rc;
	*changed = k->changed;
	return P_OK;
}
