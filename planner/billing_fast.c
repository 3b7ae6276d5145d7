/*
 * billing_fast.c - a GCP billing CSV read on every core at once.
 *
 * Owner: the billing importers.
 *
 * One core parses a large export at about 300 MB/s through libcsv, less
 * than the disk gives.  Here the rest of the file after the header is
 * cut into one part per core, each cut just after a line end, and each
 * part is read (pread, in blocks), parsed and checked by its own thread
 * into one shared sink (billsink.h), a batch of rows at a time.
 *
 * This reader knows only what a well-formed export holds.  Anything
 * else makes it give up: a record it cannot parse plainly (stray quote,
 * NUL, bad UTF-8, a limit passed, an unterminated quote), a row the
 * layout refuses, a cut that fell inside a quoted field (the part
 * before it then does not end on a record end), a file that changed
 * size under it, or any error at all.  The database then goes back to
 * where it was (a savepoint), and the file is read again from the
 * header on by the one-thread reader (billing_gcp.c), which is the
 * reference for what a file means: it reports the problem with line and
 * column, or skips the row under --keep-going.  So errors cost a second
 * reading, and a good file is read once.  Tests compare both readers
 * on every sample, variant and fuzz seed.
 *
 * Memory per thread: one block (BLOCK bytes, more for a longer record)
 * and one record's fields (LIM_CSV_ROW at most).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "billing_gcp.h"
#include "caps.h"
#include "swar.h"
#include "utf8.h"

#define BLOCK		(1024 * 1024)
#define MAX_READERS	8
/* Pieces: at least four per reader, and small enough (PIECE_BYTES)
 * that the reader still busy with the last one keeps the others waiting
 * for a few milliseconds only. */
#define PIECES_EACH	4
#define PIECE_BYTES	(8LL * 1024 * 1024)
#define MAX_PIECES	128		/* BILL_ORDER keeps 8 bits */
/* Below this many bytes per thread, threads cost more than they save. */
#define PART_MIN	(4 * 1024 * 1024)

enum { REC_OK, REC_MORE, REC_ODD };

/* The file's pieces, handed to the readers in turn: a reader that is
 * done early takes the next, so they finish near together. */
struct pieces {
	long long at[MAX_PIECES + 1];	/* piece k is [at[k], at[k + 1]) */
	int n;
	int next;			/* the next to hand out (atomic) */
};

struct part {
	struct pieces *pieces;
	struct gcp_in g;		/* a copy; g.r holds only the record */
	struct import_ctx c;
	struct import_result res;
	int fd;
	long long off, end;		/* the bytes of this part left */
	long long size;			/* of the file */
	int last;			/* read up to the file's end */
	unsigned char *buf;		/* the block being parsed */
	size_t len, pos, cap;
	struct csvin_field *fv;		/* the record: LIM_CSV_COLUMNS */
	struct span *span;		/* its fields in the block */
	unsigned char *used;		/* columns the layout reads */
	int gave_up;
	enum perr_code rc;		/* an error that is not a give-up */
	struct perr e;
	pthread_t thread;
};

/* ---- one record ---------------------------------------------------- */

/* Nonzero when one of the 8 bytes at P ends an unquoted field or is a
 * quote (which only the one-thread reader judges). */
static uint64_t
stop8(const unsigned char *p)
{
	uint64_t v = swar_load(p);

	return swar_byte(v, ',') | swar_byte(v, '\n') | swar_byte(v, '\r') |
	    swar_byte(v, '"');
}

/* The first quote in [P, END), or NULL: eight bytes at a time in line
 * (JSON cells have a quote every few bytes; a memchr call for each cost
 * more than the search), then the lowest flagged byte, which the bit
 * trick gets exactly right. */
static unsigned char *
find_quote(unsigned char *p, const unsigned char *end)
{
	uint64_t m;

	for (; p + 8 <= end; p += 8)
		if ((m = swar_byte(swar_load(p), '"')) != 0)
			return p + (__builtin_ctzll(m) >> 3);
	for (; p < end; p++)
		if (*p == '"')
			return p;
	return NULL;
}

/* The record's bytes are text: ASCII without NUL, eight at a time, and
 * the full UTF-8 check only for records that hold other bytes. */
static int
text_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;
	uint64_t v;

#ifdef __SSE2__
	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)
					    (s + i));

		if (_mm_movemask_epi8(x) |
		    _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128())))
			break;
	}
#endif
	for (; i + 8 <= n; i += 8) {
		v = swar_load(s + i);
		if ((v & SWAR_HIGHS) | swar_zero(v))
			break;
	}
	for (; i < n; i++)
		if (s[i] == 0 || s[i] >= 0x80)
			return utf8_invalid_at((const char *)s, n) ==
			    (size_t)-1;
	return 1;
}

/*
 * Fields are not copied: each is made NUL-terminated where it lies in
 * the block, its separator or closing quote overwritten, and a quoted
 * field's doubled quotes are made single in place (the text only
 * shrinks).  Nothing is written until the whole record is parsed, so a
 * record that needs more bytes is parsed again from intact text.
 */
struct span {
	unsigned char *s;
	size_t n;
	int doubled;		/* holds "" to make single */
};

/* The quote that closes a quoted field whose text starts at P, or NULL
 * when none is in [P, END); *DOUBLED is set when the text holds "".  A
 * quote in the last byte is returned: the caller cannot tell yet whether
 * it closes the field.  Sixteen bytes at a time where SSE2 is there (it
 * is on every x86-64): one compare gives every quote of the block, so a
 * JSON cell with a quote every few bytes is not searched quote by
 * quote. */
static unsigned char *
closing_quote(unsigned char *p, unsigned char *end, int *doubled)
{
	int pair = 0;		/* the next quote ends a "" pair */

#ifdef __SSE2__
	const __m128i q = _mm_set1_epi8('"');

	for (; p + 16 <= end; p += 16) {
		unsigned all = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)p), q));
		unsigned m = all;

		while (m != 0) {
			int i = __builtin_ctz(m);

			m &= m - 1;
			if (pair) {
				pair = 0;
				continue;
			}
			if (i < 15 ? (all >> (i + 1) & 1) :
			    p + 16 < end && p[16] == '"') {
				pair = *doubled = 1;
				continue;
			}
			return p + i;
		}
	}
#endif
	for (; p < end; p++) {
		if (*p != '"')
			continue;
		if (pair) {
			pair = 0;
			continue;
		}
		if (p + 1 < end && p[1] == '"') {
			pair = *doubled = 1;
			continue;
		}
		return p;
	}
	return NULL;
}

/* A quoted field from *PP (just after its opening quote) to its closing
 * quote; *PP past that quote. */
static int
quoted(struct part *w, unsigned char **pp, unsigned char *end,
       struct span *f)
{
	unsigned char *q;

	f->s = *pp;
	f->doubled = 0;
	if ((q = closing_quote(*pp, end, &f->doubled)) == NULL)
		return w->last ? REC_ODD : REC_MORE;
	if (q + 1 == end && !w->last)
		return REC_MORE;	/* "" or the end? */
	f->n = (size_t)(q - f->s);
	*pp = q + 1;
	return REC_OK;
}

/* An unquoted field: up to a comma or line end; *PP there. */
static int
plain(unsigned char **pp, unsigned char *end, struct span *f)
{
	unsigned char *p = *pp;
	uint64_t m = 0;

	f->s = p;
	f->doubled = 0;

#ifdef __SSE2__
	/* Sixteen bytes at a time first: one compare per stop byte. */
	for (; p + 16 <= end; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned b = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')),
				 _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))),
		    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
				 _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')))));

		if (b != 0) {
			m = 1;
			p += __builtin_ctz(b);
			goto found;
		}
	}
#endif
	while (p + 8 <= end && (m = stop8(p)) == 0)
		p += 8;
	if (m != 0)		/* the lowest flag is exact */
		p += __builtin_ctzll(m) >> 3;
	else
		while (p < end && *p != ',' && *p != '\n' && *p != '\r' &&
		       *p != '"')
			p++;
#ifdef __SSE2__
found:
#endif
	if (p < end && *p == '"')
		return REC_ODD;
	f->n = (size_t)(p - f->s);
	*pp = p;
	return REC_OK;
}

/* Make field I of the parsed record a C string where it lies. */
static void
settle(struct part *w, struct span *f, size_t i)
{
	/* Columns the layout never reads (an export's system labels, say)
	 * keep their doubled quotes: only a repeated header is compared
	 * whole, and one with quotes in its names, seen as a data row,
	 * makes this reader give up. */
	if (f->doubled && w->used[i]) {
		/* Every quote inside is the first of a pair (quoted() saw
		 * to it): keep it, drop the next, move the runs between. */
		unsigned char *r = f->s, *o = f->s, *end = f->s + f->n, *q;

		while ((q = find_quote(r, end)) != NULL) {
			memmove(o, r, (size_t)(q + 1 - r));
			o += q + 1 - r;
			r = q + 2;
		}
		memmove(o, r, (size_t)(end - r));
		f->n = (size_t)(o + (end - r) - f->s);
	}
	f->s[f->n] = '\0';
	w->fv[i].s = (const char *)f->s;
	w->fv[i].n = f->n;
}

/* Parse the record at *PP (blank lines before it skipped) into w->fv.
 * REC_OK moves *PP past its line end; REC_MORE when it runs past END
 * (more bytes are needed); REC_ODD for what this reader does not judge.
 * END must be writable (the block keeps a spare byte after its data). */
static int
record(struct part *w, unsigned char **pp, unsigned char *end)
{
	unsigned char *p = *pp, *start;
	size_t nf = 0, i;
	int rc;

	while (p < end && (*p == '\n' || *p == '\r'))
		p++;
	if (p == end)
		return REC_MORE;
	start = p;
	for (;;) {
		if (nf == LIM_CSV_COLUMNS)
			return REC_ODD;
		if (p < end && *p == '"') {
			p++;
			rc = quoted(w, &p, end, &w->span[nf]);
		} else
			rc = plain(&p, end, &w->span[nf]);
		if (rc != REC_OK)
			return rc;
		if (w->span[nf++].n > LIM_CSV_FIELD)
			return REC_ODD;
		if (p == end && !w->last)
			return REC_MORE;
		if (p == end || *p == '\n' || *p == '\r')
			break;
		if (*p != ',')
			return REC_ODD;
		p++;
	}
	if ((size_t)(p - start) > LIM_CSV_ROW ||
	    !text_ok(start, (size_t)(p - start)))
		return REC_ODD;
	if (p < end)
		p++;
	for (i = 0; i < nf; i++)
		settle(w, &w->span[i], i);
	w->g.r.field = w->fv;
	w->g.r.nf = nf;
	*pp = p;
	return REC_OK;
}

/* ---- one part ------------------------------------------------------ */

/* Keep the unparsed bytes and read the next block after them; 0 when
 * the part has no more bytes, -1 on a read error or a file that got
 * shorter. */
static int
refill(struct part *w)
{
	size_t keep = w->len - w->pos, want;
	ssize_t got;

	if (w->off == w->end)
		return 0;
	if (keep > 0)
		memmove(w->buf, w->buf + w->pos, keep);
	w->len = keep;
	w->pos = 0;
	if (keep + BLOCK > w->cap) {
		size_t cap = keep + BLOCK;
		unsigned char *p;

		if (cap > LIM_CSV_ROW + BLOCK || (p = realloc(w->buf, cap)) ==
		    NULL)
			return -1;
		w->buf = p;
		w->cap = cap;
	}
	want = w->cap - keep - 1;	/* a spare byte for a NUL at the end */
	if ((long long)want > w->end - w->off)
		want = (size_t)(w->end - w->off);
	got = pread(w->fd, w->buf + keep, want, w->off);
	if (got <= 0 || import_advance(&w->c, got) != 0)
		return -1;
	w->len += (size_t)got;
	w->off += got;
	return 1;
}

/* Parse and put every record of the part.  Returns with gave_up set,
 * or rc set, or both clear when the part ended on a record end. */
static void
read_part(struct part *w)
{
	if (refill(w) <= 0) {
		w->gave_up = 1;
		return;
	}
	for (;;) {
		unsigned char *p = w->buf + w->pos;
		unsigned char *end = w->buf + w->len;
		int rc, more;

		w->last = w->off == w->end && w->end == w->size;
		rc = record(w, &p, end);
		if (rc == REC_ODD)
			break;
		if (rc == REC_MORE) {
			if ((more = refill(w)) < 0)
				break;
			if (more > 0)
				continue;
			/* Nothing left: only blank lines may remain. */
			while (p < end && (*p == '\n' || *p == '\r'))
				p++;
			if (p == end)
				return;
			break;
		}
		w->pos = (size_t)(p - w->buf);
		if ((w->rc = gcp_record(&w->g, &w->e)) != P_OK)
			break;
	}
	w->gave_up = 1;
}

static void *
part_main(void *arg)
{
	struct part *w = arg;
	struct pieces *ps = w->pieces;
	int k;

	while (!w->gave_up &&
	       (k = __atomic_fetch_add(&ps->next, 1, __ATOMIC_RELAXED)) <
	       ps->n) {
		w->off = ps->at[k];
		w->end = ps->at[k + 1];
		w->len = w->pos = 0;
		w->g.b.seq = BILL_ORDER(w->c.import_id, k, 0);
		read_part(w);
	}
	if (!w->gave_up && w->rc == P_OK)
		w->rc = bill_finish(&w->g.b, &w->e);
	if (w->rc != P_OK)
		w->gave_up = 1;
	return NULL;
}

/* ---- the file ------------------------------------------------------ */

/* The first byte after the line end at or after OFF, or -1. */
static long long
cut_after(int fd, long long off, long long size)
{
	unsigned char b[65536];
	ssize_t got;
	const unsigned char *nl;

	got = pread(fd, b, sizeof(b), off);
	if (got <= 0 || (nl = memchr(b, '\n', (size_t)got)) == NULL)
		return -1;
	off += nl - b + 1;
	return off < size ? off : -1;
}

/* Cut [FROM, SIZE) into at most MAX pieces; their starts into AT[],
 * AT[n] = SIZE.  Returns n. */
static int
cut(int fd, long long from, long long size, int max, long long *at)
{
	if (max > MAX_PIECES)
		max = MAX_PIECES;
	int n = 1, i;

	at[0] = from;
	for (i = 1; i < max; i++) {
		long long c = cut_after(fd, from + (size - from) * i / max,
					size);

		if (c > at[n - 1])
			at[n++] = c;
	}
	at[n] = size;
	return n;
}

static int
readers(const struct import_opts *o, long long bytes)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long long n = bytes / PART_MIN;

	if (o->readers > 0)
		return o->readers < MAX_READERS ? o->readers : MAX_READERS;
	if (cpus < 1)
		cpus = 1;
	if (n > cpus)
		n = cpus;
	if (n > MAX_READERS)
		n = MAX_READERS;
	return n < 1 ? 1 : (int)n;
}

static enum perr_code
part_open(struct part *w, const struct gcp_in *g, struct bill_sink *sink,
	  struct perr *e)
{
	int c;

	w->g = *g;
	memset(&w->g.b, 0, sizeof(w->g.b));
	w->c = *g->c;
	w->res = *g->c->res;
	w->res.rows_read = 0;
	w->c.res = &w->res;
	w->g.c = &w->c;
	w->g.r.field = NULL;
	w->g.r.nf = 0;
	w->g.r.line = 0;	/* messages are the one-thread reader's */
	w->fd = g->c->fd;
	w->fv = calloc(LIM_CSV_COLUMNS, sizeof(*w->fv));
	w->span = calloc(LIM_CSV_COLUMNS, sizeof(*w->span));
	w->used = calloc(LIM_CSV_COLUMNS, 1);
	if (w->fv == NULL || w->span == NULL || w->used == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	for (c = 0; c < C_NCOL; c++)
		if (g->col[c] >= 0 && g->col[c] < LIM_CSV_COLUMNS)
			w->used[g->col[c]] = 1;
	/* Each piece sets the order of its rows (part_main). */
	return bill_open_shared(&w->g.b, &w->c, sink, e);
}

static void
part_close(struct part *w)
{
	bill_close(&w->g.b);
	free(w->buf);
	free(w->fv);
	free(w->span);
	free(w->used);
}

/* Run the parts, one on this thread; 1 when every part ended where the
 * next began, 0 when one gave up. */
static int
run_parts(struct part *w, int n)
{
	int k, ok = 1, live[MAX_READERS] = { 0 };

	for (k = 1; k < n; k++)
		live[k] = pthread_create(&w[k].thread, NULL, part_main,
					 &w[k]) == 0;
	part_main(&w[0]);
	for (k = 1; k < n; k++) {
		if (live[k])
			pthread_join(w[k].thread, NULL);
		else
			part_main(&w[k]);
	}
	for (k = 0; k < n; k++)
		ok &= !w[k].gave_up;
	return ok;
}

static enum perr_code
go(struct gcp_in *g, long long from, long long size, int *done,
   struct perr *e)
{
	struct part w[MAX_READERS];
	struct pieces ps;
	struct bill_sink *sink = NULL;
	long long changed;
	enum perr_code rc;
	int n, k;

	n = readers(g->c->opts, size - from);
	ps.n = cut(g->c->fd, from, size, (size - from) / PIECE_BYTES >
		   n * PIECES_EACH ? (int)((size - from) / PIECE_BYTES) :
		   n * PIECES_EACH, ps.at);
	ps.next = 0;
	if (n > ps.n)
		n = ps.n;
	memset(w, 0, sizeof(w));
	if ((rc = bill_sink_open(&sink, g->c->store, e)) != P_OK)
		goto out;
	for (k = 0; k < n; k++) {
		if ((rc = part_open(&w[k], g, sink, e)) != P_OK)
			goto out;
		w[k].pieces = &ps;
		w[k].size = size;
	}
	if (!run_parts(w, n))
		goto out;
	if ((rc = bill_sink_finish(sink, &changed, e)) != P_OK)
		goto out;
	for (k = 0; k < n; k++)
		g->c->res->rows_read += w[k].res.rows_read;
	g->c->res->rows_new += changed;
	*done = 1;
out:
	for (k = 0; k < n; k++)
		part_close(&w[k]);
	bill_sink_free(sink);
	return rc;
}

/* Read the rest of F on every core (see billing_gcp.h). */
enum perr_code
gcp_fast(struct gcp_in *g, int *done, struct perr *e)
{
	struct store *s = g->c->store;
	struct stat st;
	long long from;
	enum perr_code rc;
	long line;

	*done = 0;
	if ((from = csvin_offset(&g->r, &line)) < 0 ||
	    fstat(g->c->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    from >= (long long)st.st_size)
		return P_OK;
	if ((rc = store_exec(s, "SAVEPOINT bill_fast", e)) != P_OK)
		return rc;
	rc = go(g, from, (long long)st.st_size, done, e);
	if (rc != P_OK || !*done) {
		*done = 0;
		g->c->res->reread = 1;
		if (store_exec(s, "ROLLBACK TO bill_fast", NULL) != P_OK)
			return perr_set(e, P_EDB, "%s: cannot undo a "
					"parallel read", g->c->path);
	}
	if (store_exec(s, "RELEASE bill_fast", NULL) != P_OK && rc == P_OK)
		rc = perr_set(e, P_EDB, "%s: cannot end a parallel read",
			      g->c->path);
	return rc == P_OK || *done ? rc : P_OK;
}
