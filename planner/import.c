/*
 * import.c - one input file, one transaction.  See import.h.
 */
#define _GNU_SOURCE	/* fopencookie, for the progress line */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "import.h"
#include "log.h"
#include "runctl.h"

/* A progress line appears when an import has run this long (s). */
#define PROGRESS_AFTER	2

/* Files from this size on are imported in the store's bulk mode (the
 * rollback journal rather than the WAL: see store_bulk).  Below it the
 * WAL costs nothing measurable and readers are never kept waiting. */
#define IMPORT_BULK_BYTES	(16LL * 1024 * 1024)

/*
 * The readers see a FILE that counts what passes through it.  On a
 * terminal it redraws one progress line on stderr a few times a second
 * once the import has taken a while; and when a signal asked the run to
 * stop, it fails the next read, so the reader gives up and the import
 * rolls back.  (sqlite3_interrupt alone is not enough: between two rows
 * no statement is running and the interrupt is lost.)  Readers need not
 * know about any of this.
 */
struct progress {
	FILE *f;
	const char *path;
	long long size, done;
	struct timespec start, last;
	int tty;	/* draw the progress line */
	int shown;
	int drawing;	/* a thread is drawing */
};

static double
since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Count N more bytes read and redraw the line when it is time.  Several
 * threads may call this (billing_fast.c): the count is atomic, and one
 * thread at a time draws. */
static void
progress_add(struct progress *p, long long n)
{
	long long done = __atomic_add_fetch(&p->done, n, __ATOMIC_RELAXED);
	struct timespec now;

	if (!p->tty || __atomic_exchange_n(&p->drawing, 1, __ATOMIC_ACQUIRE))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (since(&p->start, &now) >= PROGRESS_AFTER &&
	    since(&p->last, &now) >= 0.25 && p->size > 0) {
		fprintf(stderr, "\rplanner: importing %s: %3d%% (%lld of "
			"%lld MiB)", p->path, (int)(done * 100 / p->size),
			done >> 20, p->size >> 20);
		p->last = now;
		p->shown = 1;
	}
	__atomic_store_n(&p->drawing, 0, __ATOMIC_RELEASE);
}

static ssize_t
progress_read(void *cookie, char *buf, size_t n)
{
	struct progress *p = cookie;
	size_t got;

	if (runctl_stopped()) {
		errno = EINTR;
		return -1;
	}
	got = fread(buf, 1, n, p->f);
	progress_add(p, (long long)got);
	return ferror(p->f) ? -1 : (ssize_t)got;
}

/* A reader that reads the file by itself (see import.h). */
int
import_advance(struct import_ctx *c, long long bytes)
{
	if (runctl_stopped())
		return -1;
	if (c->prog)
		progress_add(c->prog, bytes);
	return 0;
}

static int
progress_seek(void *cookie, off64_t *off, int whence)
{
	struct progress *p = cookie;

	if (fseeko(p->f, (off_t)*off, whence) != 0)
		return -1;
	*off = (off64_t)ftello(p->f);
	p->done = (long long)*off;
	return 0;
}

/* F wrapped for progress and stop requests (F itself if that fails). */
static FILE *
progress_wrap(struct progress *p, FILE *f, const char *path, long long size)
{
	cookie_io_functions_t io = { progress_read, NULL, progress_seek,
				     NULL };
	FILE *w;

	memset(p, 0, sizeof(*p));
	p->tty = isatty(STDERR_FILENO) && log_enabled(LOG_WARN);
	p->f = f;
	p->path = path;
	p->size = size;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	w = fopencookie(p, "rb", io);
	return w ? w : f;
}

static void
progress_end(struct progress *p, FILE *w)
{
	if (w != p->f && p->f)
		fclose(w);
	if (p->shown)
		fprintf(stderr, "\r\033[K");
}

const char *
import_kind_name(enum import_kind kind)
{
	switch (kind) {
	case IMPORT_VAST_INSTANCES:
		return "vast-instances";
	case IMPORT_GCP_INSTANCES:
		return "gcp-instances";
	case IMPORT_GCP_BILLING:
		return "gcp-billing";
	case IMPORT_VAST_BILLING:
		return "vast-billing";
	}
	return "?";
}

enum perr_code
import_reject(struct import_ctx *c, struct perr *e)
{
	if (!c->opts->keep_going)
		return e->code ? e->code : P_EPARSE;
	c->res->rows_rejected++;
	if (c->opts->reject)
		c->opts->reject(c->opts->reject_ctx, e->msg);
	e->code = P_OK;
	e->msg[0] = '\0';
	return P_OK;
}

/* The first bytes of F, for format detection; F is rewound. */
static void
read_head(FILE *f, char *head, size_t n)
{
	size_t got = fread(head, 1, n - 1, f);

	head[got] = '\0';
	rewind(f);
}

static enum perr_code
dispatch(struct import_ctx *c, enum import_kind kind, FILE *f,
	 const char *head, struct perr *e)
{
	switch (kind) {
	case IMPORT_VAST_INSTANCES:
		return import_vast_instances(c, f, head, e);
	case IMPORT_GCP_INSTANCES:
		return import_gcp_instances(c, f, head, e);
	case IMPORT_GCP_BILLING:
		return import_gcp_billing(c, f, head, e);
	case IMPORT_VAST_BILLING:
		return import_vast_billing(c, f, head, e);
	}
	return perr_set(e, P_EUSAGE, "unknown input kind");
}

enum perr_code
import_open(const char *path, FILE **f, long long *size, struct perr *e)
{
	struct stat st;
	int fd, flags;

	/* O_NONBLOCK so that a FIFO cannot hang the run in open(). */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return perr_set(e, P_EIO, "%s: cannot open: %s", path,
				strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return perr_set(e, P_EIO, "%s: not a regular file", path);
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ||
	    (*f = fdopen(fd, "rb")) == NULL) {
		int err = errno;

		close(fd);
		return perr_set(e, P_EIO, "%s: %s", path, strerror(err));
	}
	*size = (long long)st.st_size;
	return P_OK;
}

/*
 * One transaction per file.  Foreign keys are not checked inside it:
 * every row an importer writes references the import_file row that the
 * same transaction inserted first (c.import_id), so the check cannot
 * fail, and while checks are on SQLite keeps a statement journal for
 * every row (a copy of each page the row touches, in case the check
 * fails half-way), which wrote several times the data of the import.
 * Checks are switched back on when the transaction ends, either way.
 * A large file is imported in bulk mode (IMPORT_BULK_BYTES).
 */
enum perr_code
import_path(struct store *s, enum import_kind kind, const char *path,
	    const struct import_opts *opts, struct import_result *res,
	    struct perr *e)
{
	struct import_ctx c = { s, path, 0, opts, res, -1, NULL };
	struct perr fk = { P_OK, "" };
	struct progress prog;
	char head[4096];
	long long size = 0;
	int bulk;
	FILE *f, *r;
	enum perr_code rc = P_OK;

	memset(res, 0, sizeof(*res));
	if (import_open(path, &f, &size, e))
		return e->code;
	read_head(f, head, sizeof(head));
	r = progress_wrap(&prog, f, path, size);
	c.fd = fileno(f);
	c.prog = r != f ? &prog : NULL;
	bulk = size >= IMPORT_BULK_BYTES;
	if (bulk)
		store_bulk(s, 1);
	if (store_foreign_keys(s, 0, e) || store_begin(s, e) ||
	    store_add_import(s, path, import_kind_name(kind), size,
			     opts->sha256, &c.import_id, e) ||
	    dispatch(&c, kind, r, head, e) ||
	    store_finish_import(s, c.import_id, res->rows_read,
				res->rows_new, e) ||
	    store_commit(s, e)) {
		store_rollback(s);
		rc = e->code ? e->code : P_EDB;
	}
	if (store_foreign_keys(s, 1, rc ? &fk : e) && rc == P_OK)
		rc = e->code;
	if (bulk)
		store_bulk(s, 0);
	progress_end(&prog, r);
	fclose(f);
	return rc;
}
