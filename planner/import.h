/*
 * import.h - reading the four input families into the store.
 *
 * import_path() is the only entry point the program uses: it opens the
 * file, detects its format from its content (never from its name), and
 * imports it inside one transaction.  A file that fails is rolled back
 * whole, so the database is exactly as before; the error names the file,
 * the line (and column or field), what was expected and what was found.
 *
 * Under keep_going, a row that cannot be read is reported through
 * opts->reject and skipped, and the rest of the file is imported; the
 * caller then exits 3.  A file whose structure is broken (no header,
 * truncated JSON) is refused whole even then.
 *
 * Re-importing a file, or an export overlapping an earlier one, adds
 * nothing twice: inventories replace the previous snapshot; billing rows
 * are keyed by their natural key and the newest export_time wins.
 */
#ifndef PLANNER_IMPORT_H
#define PLANNER_IMPORT_H

#include <stdio.h>

#include "err.h"
#include "store.h"

enum import_kind {
	IMPORT_VAST_INSTANCES,	/* vastai show instances --raw (JSON/CSV) */
	IMPORT_GCP_INSTANCES,	/* gcloud compute instances list (JSON/CSV) */
	IMPORT_GCP_BILLING,	/* detailed export CSV, FOCUS CSV, cost table */
	IMPORT_VAST_BILLING	/* Vast charges flattened to CSV */
};

struct import_opts {
	int keep_going;			/* skip bad rows instead of failing */
	const char *pair_label_key;	/* VM label naming the GPU */
	/* Called once per skipped row with a one-line message (keep_going). */
	void (*reject)(void *ctx, const char *msg);
	void *reject_ctx;
	const char *sha256;		/* the file's hash, if known */
	/* Read a GCP billing CSV with the one-thread reader only (tests
	 * compare it with the parallel one, billing_fast.c). */
	int serial;
	/* Threads for the parallel reader; 0: one per core, as the file's
	 * size warrants.  Tests set it to cut small files. */
	int readers;
};

struct import_result {
	const char *format;	/* static name of the detected format */
	long long rows_read;	/* data rows seen */
	long long rows_new;	/* rows that added or changed something */
	long long rows_rejected; /* rows skipped under keep_going */
	int reread;		/* the parallel reader gave up: read again */
	const char *note;	/* static remark for the user, or NULL */
};

/* The per-format readers below share this context. */
struct progress;

struct import_ctx {
	struct store *store;
	const char *path;		/* for messages */
	long long import_id;		/* row in import_file */
	const struct import_opts *opts;
	struct import_result *res;
	int fd;				/* of the file, for pread */
	struct progress *prog;		/* import.c's, or NULL */
};

/* For a reader that reads the file by itself rather than through the
 * FILE it was given (billing_fast.c): count BYTES more read for the
 * progress line.  -1 when a signal asked the run to stop (give up).
 * Any thread may call it. */
int import_advance(struct import_ctx *c, long long bytes);

/* Import PATH as KIND.  See the comment at the top of this file. */
enum perr_code import_path(struct store *s, enum import_kind kind,
			   const char *path, const struct import_opts *opts,
			   struct import_result *res, struct perr *e);

/* Open PATH for reading if it is a regular file (never blocking on a
 * FIFO); its size goes to *SIZE.  The caller closes *F. */
enum perr_code import_open(const char *path, FILE **f, long long *size,
			   struct perr *e);

/* Name of KIND as used in import_file.kind and messages. */
const char *import_kind_name(enum import_kind kind);

/*
 * Per-format readers, called by import_path inside its transaction with F
 * positioned at the start of the file.  HEAD holds the first bytes of the
 * file (up to 4096, NUL-terminated) for format detection.  Each returns
 * P_OK or an error in E, and must not commit or roll back.
 */
enum perr_code import_vast_instances(struct import_ctx *c, FILE *f,
				     const char *head, struct perr *e);
enum perr_code import_gcp_instances(struct import_ctx *c, FILE *f,
				    const char *head, struct perr *e);
enum perr_code import_gcp_billing(struct import_ctx *c, FILE *f,
				  const char *head, struct perr *e);
enum perr_code import_vast_billing(struct import_ctx *c, FILE *f,
				   const char *head, struct perr *e);

/* The CSV forms of the inventories (import_csvinv.c). */
enum perr_code import_vast_instances_csv(struct import_ctx *c, FILE *f,
					 struct perr *e);
enum perr_code import_gcp_instances_csv(struct import_ctx *c, FILE *f,
					struct perr *e);

/* Report a rejected row under keep_going (counts it), or fail with E.
 * Returns P_OK when the caller should skip the row and go on. */
enum perr_code import_reject(struct import_ctx *c, struct perr *e);

#endif
