/*
 * outfile.h - writing an output file (the plan, metrics) so that a reader
 * never sees half of it, without clobbering what is not ours.
 *
 * A regular file (or a new one) is written to a temporary file in the
 * same directory, created exclusively, and renamed over it.  A symbolic
 * link is followed and its target treated the same way.  A character
 * device, FIFO or socket (/dev/stdout, a pipe) is written in place, since
 * it cannot be replaced.  A directory is an error.
 */
#ifndef PLANNER_OUTFILE_H
#define PLANNER_OUTFILE_H

#include <stdio.h>

#include "err.h"

/* Writes the content to F; returns P_OK or fills E. */
typedef enum perr_code (*outfile_fn)(void *ctx, FILE *f, struct perr *e);

/* Write PATH through FN.  WHAT names the option in messages
 * ("--plan-json"). */
enum perr_code outfile_write(const char *path, const char *what,
			     outfile_fn fn, void *ctx, struct perr *e);

#endif
