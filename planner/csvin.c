/*
 * csvin.c - streaming CSV records over libcsv.  See csvin.h.
 *
 * Owner: the billing importers.
 *
 * libcsv is a push parser: it calls back per field and per record while
 * it eats a buffer.  To know the line a record starts on, csvin feeds it
 * one segment at a time, a segment ending at the first CR or LF, so at
 * most one record can end per call.  The same pass over the bytes checks
 * UTF-8 (with its state carried across chunks) and counts lines: LF, CR
 * LF and a lone CR each end one physical line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "csvin.h"
#include "swar.h"

/* libcsv's field buffer holds the field, a closing quote it removes
 * later and the NUL of CSV_APPEND_NULL. */
#define FIELD_BUF_MAX	((size_t)LIM_CSV_FIELD + 2)
#define FIELD_BUF_STEP	4096
#define ARENA_START	4096

/* libcsv grows its field buffer through this; refusing past the cap
 * makes an endless field a clean CSV_ENOMEM instead of exhausting
 * memory. */
static void *
capped_realloc(void *p, size_t n)
{
	if (n > FIELD_BUF_MAX)
		return NULL;
	return realloc(p, n);
}

/* Blanks are data: nothing is trimmed from a field. */
static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int
arena_fit(struct csvin *r, size_t need)
{
	size_t cap = r->acap ? r->acap : ARENA_START;
	char *p;

	if (need <= r->acap)
		return 0;
	while (cap < need)
		cap *= 2;
	if (cap > LIM_CSV_ROW)
		cap = LIM_CSV_ROW;
	if ((p = realloc(r->arena, cap)) == NULL)
		return -1;
	r->arena = p;
	r->acap = cap;
	return 0;
}

static void
on_field(void *s, size_t n, void *data)
{
	struct csvin *r = data;

	if (r->err)
		return;
	if (n > LIM_CSV_FIELD)
		r->err = perr_set(r->e, P_ELIMIT, "%s:%ld: field %zu is longer "
				  "than %d bytes", r->path, r->line,
				  r->nfv + 1, LIM_CSV_FIELD);
	else if (r->nfv == LIM_CSV_COLUMNS)
		r->err = perr_set(r->e, P_ELIMIT, "%s:%ld: more than %d fields "
				  "in one record", r->path, r->line,
				  LIM_CSV_COLUMNS);
	else if (r->alen + n + 1 > LIM_CSV_ROW)
		r->err = perr_set(r->e, P_ELIMIT, "%s:%ld: record longer than "
				  "%d bytes", r->path, r->line, LIM_CSV_ROW);
	else if (arena_fit(r, r->alen + n + 1))
		r->err = perr_set(r->e, P_ENOMEM, "%s:%ld: out of memory",
				  r->path, r->line);
	if (r->err)
		return;
	memcpy(r->arena + r->alen, s, n);
	r->arena[r->alen + n] = '\0';
	r->fo[r->nfv] = r->alen;
	r->fv[r->nfv].n = n;
	r->nfv++;
	r->alen += n + 1;
}

static void
on_record(int c, void *data)
{
	struct csvin *r = data;

	(void)c;
	r->rec_done = 1;
	r->rec_open = 0;
}

/* Allocate the chunk and record buffers and set libcsv up: strict
 * quoting, no trimming, a capped field buffer. */
enum perr_code
csvin_open(struct csvin *r, FILE *f, const char *path, struct perr *e)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	r->path = path;
	r->cur_line = 1;
	r->buf = malloc(CSVIN_CHUNK);
	r->fv = calloc(LIM_CSV_COLUMNS, sizeof(*r->fv));
	r->fo = calloc(LIM_CSV_COLUMNS, sizeof(*r->fo));
	if (r->buf == NULL || r->fv == NULL || r->fo == NULL)
		return perr_set(e, P_ENOMEM, "%s: out of memory", path);
	if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		return perr_set(e, P_ENOMEM, "%s: cannot start the CSV parser",
				path);
	r->p_live = 1;
	csv_set_space_func(&r->p, no_space);
	csv_set_realloc_func(&r->p, capped_realloc);
	csv_set_blk_size(&r->p, FIELD_BUF_STEP);
	return P_OK;
}

/* Free everything; safe on a reader whose open failed half-way. */
void
csvin_close(struct csvin *r)
{
	if (r->p_live)
		csv_free(&r->p);
	r->p_live = 0;
	free(r->buf);
	free(r->fv);
	free(r->fo);
	free(r->arena);
	free(r->harena);
	free(r->hv);
	r->buf = NULL;
	r->arena = r->harena = NULL;
	r->fv = r->hv = NULL;
	r->fo = NULL;
}

/* Read the next chunk; strips a byte order mark from the first one. */
static enum perr_code
fill(struct csvin *r, struct perr *e)
{
	int first = r->off == 0 && r->len == 0;

	r->off += (long long)r->len;
	r->pos = 0;
	r->len = fread(r->buf, 1, CSVIN_CHUNK, r->f);
	if (r->len == 0) {
		if (ferror(r->f))
			return perr_set(e, P_EIO, "%s: read error after byte "
					"%lld", r->path, r->off);
		r->at_eof = 1;
	}
	if (first && r->len >= 3 && r->buf[0] == 0xEF &&
	    r->buf[1] == 0xBB && r->buf[2] == 0xBF)
		r->pos = 3;
	return P_OK;
}

/* Refuse the byte at buf[I]: a NUL, or the end of a malformed UTF-8
 * sequence, which is reported by the offset of its first byte. */
static enum perr_code
bad_byte(struct csvin *r, size_t i, struct perr *e)
{
	long long at = r->off + (long long)i;
	unsigned c = r->buf[i];

	if (c == 0 && !r->u_need)
		return perr_set(e, P_EPARSE, "%s:%ld: NUL byte at byte offset "
				"%lld: expected text", r->path, r->cur_line,
				at);
	if (r->u_need)
		return perr_set(e, P_EPARSE, "%s:%ld: invalid UTF-8 at byte "
				"offset %lld: malformed multi-byte character "
				"(unexpected byte 0x%02X)", r->path,
				r->cur_line, r->u_start, c);
	return perr_set(e, P_EPARSE, "%s:%ld: invalid UTF-8 at byte offset "
			"%lld: byte 0x%02X cannot start a character", r->path,
			r->cur_line, at, c);
}

/* Start a multi-byte UTF-8 sequence at lead byte C; -1 if C cannot
 * lead one.  The bounds exclude overlongs, surrogates and values above
 * U+10FFFF (RFC 3629). */
static int
utf8_lead(struct csvin *r, unsigned c)
{
	r->u_lo = 0x80;
	r->u_hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		r->u_need = 1;
	else if (c >= 0xE0 && c <= 0xEF) {
		r->u_need = 2;
		r->u_lo = c == 0xE0 ? 0xA0 : 0x80;
		r->u_hi = c == 0xED ? 0x9F : 0xBF;
	} else if (c >= 0xF0 && c <= 0xF4) {
		r->u_need = 3;
		r->u_lo = c == 0xF0 ? 0x90 : 0x80;
		r->u_hi = c == 0xF4 ? 0x8F : 0xBF;
	} else
		return -1;
	return 0;
}

/* 1 when the 8 bytes at P hold only ASCII other than NUL, CR and LF:
 * bytes scan() can pass over without looking at them one by one. */
static int
plain8(const unsigned char *p)
{
	uint64_t v = swar_load(p);

	return ((v & SWAR_HIGHS) | swar_zero(v) | swar_byte(v, '\n') |
		swar_byte(v, '\r')) == 0;
}

/* Check bytes from r->pos through the first CR or LF (or the end of the
 * chunk), counting lines; *END is one past the segment.  Runs of plain
 * ASCII go eight bytes at a time: this pass touches every byte of the
 * file, so it is one of the import's hot loops. */
static enum perr_code
scan(struct csvin *r, size_t *end, struct perr *e)
{
	size_t i;

	for (i = r->pos; i < r->len; i++) {
		unsigned c;

		if (!r->u_need && i + 8 <= r->len && plain8(r->buf + i)) {
			r->prev_cr = 0;
			i += 7;
			continue;
		}
		c = r->buf[i];
		if (r->u_need) {
			if (c < r->u_lo || c > r->u_hi)
				return bad_byte(r, i, e);
			r->u_lo = 0x80;
			r->u_hi = 0xBF;
			r->u_need--;
			continue;
		}
		if (c >= 0x80) {
			if (utf8_lead(r, c))
				return bad_byte(r, i, e);
			r->u_start = r->off + (long long)i;
			continue;
		}
		if (c == 0)
			return bad_byte(r, i, e);
		if (c == '\n' || c == '\r') {
			if (c == '\r' || !r->prev_cr)
				r->cur_line++;
			r->prev_cr = c == '\r';
			i++;
			break;
		}
		r->prev_cr = 0;
	}
	*end = i;
	return P_OK;
}

static enum perr_code
parse_failed(struct csvin *r, size_t at, long line, struct perr *e)
{
	int st = csv_error(&r->p);

	if (r->err)
		return r->err;
	if (st == CSV_ENOMEM || st == CSV_ETOOBIG)
		return perr_set(e, P_ELIMIT, "%s:%ld: field %zu is longer than "
				"%d bytes", r->path, r->line, r->nfv + 1,
				LIM_CSV_FIELD);
	return perr_set(e, P_EPARSE, "%s:%ld: field %zu: malformed quoting at "
			"byte offset %lld: expected a quote only around a "
			"whole field and doubled inside it", r->path,
			line, r->nfv + 1, r->off + (long long)at);
}

/* Feed the next segment to libcsv. */
static enum perr_code
feed(struct csvin *r, struct perr *e)
{
	long seg_line = r->cur_line;
	size_t end = r->pos, n;
	enum perr_code rc;

	if ((rc = scan(r, &end, e)))
		return rc;
	if (!r->rec_open && end > r->pos && r->buf[r->pos] != '\n' &&
	    r->buf[r->pos] != '\r') {
		r->rec_open = 1;
		r->line = seg_line;
	}
	n = csv_parse(&r->p, r->buf + r->pos, end - r->pos, on_field,
		      on_record, r);
	if (n != end - r->pos || r->err)
		return parse_failed(r, r->pos + n, seg_line, e);
	r->pos = end;
	return P_OK;
}

static enum perr_code
finish(struct csvin *r, struct perr *e)
{
	r->done = 1;
	if (r->u_need)
		return perr_set(e, P_EPARSE, "%s:%ld: invalid UTF-8 at byte "
				"offset %lld: the file ends inside a character",
				r->path, r->cur_line, r->u_start);
	if (csv_fini(&r->p, on_field, on_record, r) != 0)
		return perr_set(e, P_EPARSE, "%s:%ld: the quoted field opened "
				"in the record starting here is never closed",
				r->path, r->line);
	return r->err;
}

static void
publish(struct csvin *r)
{
	size_t i;

	for (i = 0; i < r->nfv; i++)
		r->fv[i].s = r->arena + r->fo[i];
	r->field = r->fv;
	r->nf = r->nfv;
}

/* Read, check and feed segments until one record is complete or the
 * file ends; an error leaves the reader done. */
enum perr_code
csvin_next(struct csvin *r, int *got, struct perr *e)
{
	enum perr_code rc = P_OK;

	*got = 0;
	r->e = e;
	r->nfv = r->alen = 0;
	r->rec_done = 0;
	r->field = NULL;
	r->nf = 0;
	while (!r->rec_done && !r->done && rc == P_OK) {
		if (r->pos == r->len && !r->at_eof)
			rc = fill(r, e);
		else if (r->pos == r->len)
			rc = finish(r, e);
		else
			rc = feed(r, e);
	}
	if (rc) {
		r->done = 1;
		return rc;
	}
	if (r->rec_done) {
		publish(r);
		*got = 1;
	}
	return P_OK;
}

/* Where the next record starts (see csvin.h). */
long long
csvin_offset(const struct csvin *r, long *line)
{
	size_t pos = r->pos;

	if (r->rec_open || r->done)
		return -1;
	if (r->prev_cr && pos < r->len && r->buf[pos] == '\n')
		pos++;
	*line = r->cur_line;
	return r->off + (long long)pos;
}

/* Copy the current record, so it outlives the next csvin_next. */
enum perr_code
csvin_set_header(struct csvin *r, struct perr *e)
{
	size_t i;

	free(r->harena);
	free(r->hv);
	r->harena = malloc(r->alen ? r->alen : 1);
	r->hv = calloc(r->nf ? r->nf : 1, sizeof(*r->hv));
	if (r->harena == NULL || r->hv == NULL)
		return perr_set(e, P_ENOMEM, "%s: out of memory", r->path);
	memcpy(r->harena, r->arena, r->alen);
	for (i = 0; i < r->nf; i++) {
		r->hv[i].s = r->harena + r->fo[i];
		r->hv[i].n = r->fv[i].n;
	}
	r->head = r->hv;
	r->nh = r->nf;
	r->head_line = r->line;
	return P_OK;
}

/* Exact, case-sensitive lookup; the first of duplicate names wins. */
int
csvin_col(const struct csvin *r, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < r->nh; i++)
		if (r->head[i].n == n && memcmp(r->head[i].s, name, n) == 0)
			return (int)i;
	return -1;
}

/* csvin_col, or an error listing (as much as fits of) the header. */
enum perr_code
csvin_need(const struct csvin *r, const char *name, int *idx,
	   struct perr *e)
{
	char list[640];
	size_t i, o = 0;

	if ((*idx = csvin_col(r, name)) >= 0)
		return P_OK;
	list[0] = '\0';
	for (i = 0; i < r->nh && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s'%s'",
				      i ? ", " : "", r->head[i].s);
	if (o >= sizeof(list))
		memcpy(list + sizeof(list) - 4, "...", 4);
	return perr_set(e, P_EPARSE, "%s:%ld: no column '%s' in the header; "
			"the header has %zu: %s", r->path, r->head_line, name,
			r->nh, list);
}

/* B19: a record of another width is refused, never padded or cut. */
enum perr_code
csvin_check_width(const struct csvin *r, struct perr *e)
{
	if (r->nf == r->nh)
		return P_OK;
	return perr_set(e, P_EPARSE, "%s:%ld: expected %zu fields as in the "
			"header (line %ld), found %zu", r->path, r->line,
			r->nh, r->head_line, r->nf);
}

/* Field by field comparison with the header. */
int
csvin_is_header(const struct csvin *r)
{
	size_t i;

	if (r->nf != r->nh)
		return 0;
	for (i = 0; i < r->nf; i++)
		if (r->field[i].n != r->head[i].n ||
		    memcmp(r->field[i].s, r->head[i].s, r->head[i].n) != 0)
			return 0;
	return 1;
}

/* Field I, or an empty field for an absent column or short record. */
struct csvin_field
csvin_get(const struct csvin *r, int i)
{
	struct csvin_field none = { "", 0 };

	if (i < 0 || (size_t)i >= r->nf)
		return none;
	return r->field[i];
}
