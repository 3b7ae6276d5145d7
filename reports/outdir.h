/*
 * outdir.h - writing the report's files all or nothing.
 *
 * Owned by the report work.  Every file is written under a temporary
 * name in the output directory (".NAME.tmp.PID") and renamed over its
 * real name only by outdir_commit(), after all of them were written and
 * closed without error; outdir_abort() removes the temporary files.  So
 * a run that fails while rendering leaves the directory as it was.
 *
 * Also here: the two sinks cairo streams write into (a FILE and a
 * growable memory buffer).
 *
 * Ownership: struct outdir owns its names and open files; commit or
 * abort releases them.
 */
#ifndef PLANNER_OUTDIR_H
#define PLANNER_OUTDIR_H

#include <stddef.h>
#include <stdio.h>

#include <cairo.h>

#include "err.h"

#define OUTDIR_MAX_FILES	16

struct outdir {
	char *dir;
	struct {
		char *tmp, *final;
		FILE *f;		/* open until outdir_close() */
	} file[OUTDIR_MAX_FILES];
	int n;
};

/* Use DIR, creating it (one level) when missing. */
enum perr_code outdir_open(struct outdir *o, const char *dir,
			   struct perr *e);

/* Start writing file NAME (a plain name, no '/'): *F is the open
 * temporary file, owned by O. */
enum perr_code outdir_create(struct outdir *o, const char *name, FILE **f,
			     struct perr *e);

/* Finish file F (from outdir_create): flush and close it, failing if
 * anything written to it was lost. */
enum perr_code outdir_close(struct outdir *o, FILE *f, struct perr *e);

/* Give every file its real name.  Fails without renaming anything when
 * a file is still open or a real name is taken by a directory. */
enum perr_code outdir_commit(struct outdir *o, struct perr *e);

/* Remove the temporary files and release O. */
void outdir_abort(struct outdir *o);

/* A growable byte buffer, filled by rbuf_write. */
struct rbuf {
	unsigned char *p;
	size_t n, cap;
	int oom;
};

/* cairo_write_func_t sinks: CLOSURE is a FILE * / a struct rbuf *. */
cairo_status_t outdir_file_write(void *closure, const unsigned char *data,
				 unsigned int len);
cairo_status_t rbuf_write(void *closure, const unsigned char *data,
			  unsigned int len);

#endif
