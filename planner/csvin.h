/*
 * csvin.h - a streaming RFC 4180 reader on top of libcsv.
 *
 * Owner: the billing importers (billing_gcp.c, billing_vast.c); any CSV
 * importer may use it.
 *
 * csvin reads a FILE in fixed chunks and hands out one record at a time,
 * so memory does not grow with the file: it is bounded by one chunk, one
 * field (LIM_CSV_FIELD) and one record (LIM_CSV_ROW, LIM_CSV_COLUMNS).
 * It strips a UTF-8 byte order mark at the very start of the file (and
 * nowhere else), accepts LF, CRLF and CR line ends, quoted fields with
 * commas, doubled quotes and line breaks, and a missing final newline.
 * Fields are kept byte for byte: no blanks are trimmed.  Blank lines
 * between records are skipped.  It refuses NUL bytes, malformed UTF-8
 * (with the byte offset), bad quoting and oversized fields or records.
 *
 * Call order: csvin_open, then csvin_next until it reports no record;
 * csvin_set_header may make the current record the header, after which
 * csvin_col / csvin_need find columns by exact name and csvin_check_width
 * compares a record's width with it; csvin_close in every case.
 *
 * Ownership: struct csvin owns its buffers.  The fields of a record stay
 * valid until the next csvin_next or csvin_close.  Each field is
 * NUL-terminated, but may itself contain no NUL (they are refused).
 */
#ifndef PLANNER_CSVIN_H
#define PLANNER_CSVIN_H

#include <stdio.h>

#include <csv.h>

#include "err.h"

/* Bytes read from the file at a time. */
#define CSVIN_CHUNK	65536

struct csvin_field {
	const char *s;		/* NUL-terminated */
	size_t n;		/* length without the NUL */
};

struct csvin {
	/* The current record, after csvin_next returned P_OK with *GOT. */
	const struct csvin_field *field;
	size_t nf;
	long line;		/* physical line where the record starts */

	/* The header, after csvin_set_header. */
	const struct csvin_field *head;
	size_t nh;
	long head_line;

	/* Private. */
	FILE *f;
	const char *path;
	struct csv_parser p;
	int p_live;
	unsigned char *buf;	/* CSVIN_CHUNK bytes */
	size_t len, pos;
	long long off;		/* file offset of buf[0] */
	int at_eof, done;
	long cur_line;		/* line of buf[pos] */
	int prev_cr;
	unsigned u_need, u_lo, u_hi;	/* UTF-8 state */
	long long u_start;	/* offset where the pending sequence began */
	int rec_open, rec_done;
	char *arena;		/* fields of the record being built */
	size_t alen, acap;
	struct csvin_field *fv;	/* LIM_CSV_COLUMNS slots */
	size_t *fo;		/* offsets of the fields in arena */
	size_t nfv;
	char *harena;		/* the header's copy */
	struct csvin_field *hv;
	struct perr *e;		/* where callbacks report */
	enum perr_code err;
};

/* Start reading F, named PATH in messages (both borrowed). */
enum perr_code csvin_open(struct csvin *r, FILE *f, const char *path,
			  struct perr *e);

/* Read the next record.  *GOT is 1 with r->field, r->nf and r->line set,
 * or 0 at the end of the file.  Errors name the file and line; after an
 * error the reader must only be closed. */
enum perr_code csvin_next(struct csvin *r, int *got, struct perr *e);

/* Release everything R holds (safe after a failed csvin_open). */
void csvin_close(struct csvin *r);

/* Make the current record the header (it is copied). */
enum perr_code csvin_set_header(struct csvin *r, struct perr *e);

/* Index of the header column named exactly NAME, or -1. */
int csvin_col(const struct csvin *r, const char *name);

/* Like csvin_col, but a missing column is an error that lists the
 * columns the header does have. */
enum perr_code csvin_need(const struct csvin *r, const char *name,
			  int *idx, struct perr *e);

/* P_EPARSE naming the line when the current record's field count
 * differs from the header's. */
enum perr_code csvin_check_width(const struct csvin *r, struct perr *e);

/* 1 when the current record repeats the header exactly. */
int csvin_is_header(const struct csvin *r);

/* Between records: the file offset of the next byte to read, and its
 * line.  A byte right after a CR that may be the LF of a CRLF is
 * skipped.  -1 while a record is open. */
long long csvin_offset(const struct csvin *r, long *line);

/* Field I of the current record; an empty field when I < 0 (an absent
 * optional column). */
struct csvin_field csvin_get(const struct csvin *r, int i);

#endif
