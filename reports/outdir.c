/*
 * outdir.c - all-or-nothing output files.  See outdir.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outdir.h"

static char *
join(const char *dir, const char *a, const char *b, const char *c)
{
	size_t n = strlen(dir) + strlen(a) + strlen(b) + strlen(c) + 2;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "%s/%s%s%s", dir, a, b, c);
	return s;
}

/* Use DIR for the output, creating it (one level) when
 * missing; P_EIO when it cannot be made or is not a directory. */
enum perr_code
outdir_open(struct outdir *o, const char *dir, struct perr *e)
{
	struct stat sb;

	memset(o, 0, sizeof(*o));
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return perr_set(e, P_EIO, "cannot create directory '%s': %s",
				dir, strerror(errno));
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return perr_set(e, P_EIO, "'%s' is not a directory", dir);
	if ((o->dir = strdup(dir)) == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	return P_OK;
}

/* Open the temporary file for NAME; O owns it until
 * outdir_close().  An existing temporary name is never overwritten. */
enum perr_code
outdir_create(struct outdir *o, const char *name, FILE **f,
	      struct perr *e)
{
	char pid[32];
	int i = o->n;

	if (i == OUTDIR_MAX_FILES)
		return perr_set(e, P_ELIMIT, "too many output files");
	snprintf(pid, sizeof(pid), ".tmp.%ld", (long)getpid());
	o->file[i].final = join(o->dir, name, "", "");
	o->file[i].tmp = join(o->dir, ".", name, pid);
	o->n++;
	if (o->file[i].final == NULL || o->file[i].tmp == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	if ((o->file[i].f = fopen(o->file[i].tmp, "wbx")) == NULL) {
		free(o->file[i].tmp);	/* not ours to remove */
		o->file[i].tmp = NULL;
		return perr_set(e, P_EIO, "cannot write '%s/.%s%s': %s",
				o->dir, name, pid, strerror(errno));
	}
	*f = o->file[i].f;
	return P_OK;
}

/* Flush and close F; P_EIO if any write to it failed. */
enum perr_code
outdir_close(struct outdir *o, FILE *f, struct perr *e)
{
	int i, bad;

	for (i = 0; i < o->n && o->file[i].f != f; i++)
		;
	if (i == o->n || f == NULL)
		return perr_set(e, P_EIO, "closing a file that is not open");
	o->file[i].f = NULL;
	bad = fflush(f) != 0 || ferror(f);
	bad |= fclose(f) != 0;
	if (bad)
		return perr_set(e, P_EIO, "writing '%s' failed: %s",
				o->file[i].final, strerror(errno));
	return P_OK;
}

static void
release(struct outdir *o)
{
	int i;

	for (i = 0; i < o->n; i++) {
		free(o->file[i].tmp);
		free(o->file[i].final);
	}
	free(o->dir);
	memset(o, 0, sizeof(*o));
}

/* Whether every file is closed and no real name is a directory. */
static enum perr_code
can_commit(const struct outdir *o, struct perr *e)
{
	struct stat sb;
	int i;

	for (i = 0; i < o->n; i++) {
		if (o->file[i].f != NULL || o->file[i].tmp == NULL)
			return perr_set(e, P_EIO, "'%s' was not finished",
					o->file[i].final);
		if (lstat(o->file[i].final, &sb) == 0 && S_ISDIR(sb.st_mode))
			return perr_set(e, P_EIO, "cannot replace '%s': it is "
					"a directory", o->file[i].final);
	}
	return P_OK;
}

/* Rename every temporary file to its real name, after
 * checking that all are closed and no real name is a directory. */
enum perr_code
outdir_commit(struct outdir *o, struct perr *e)
{
	int i;

	if (can_commit(o, e))
		return e->code;
	for (i = 0; i < o->n; i++)
		if (rename(o->file[i].tmp, o->file[i].final) != 0)
			return perr_set(e, P_EIO, "cannot rename '%s' to "
					"'%s': %s", o->file[i].tmp,
					o->file[i].final, strerror(errno));
	release(o);
	return P_OK;
}

/* Close and remove what is left of the temporary files,
 * and release O (nothing is left after a commit). */
void
outdir_abort(struct outdir *o)
{
	int i;

	for (i = 0; i < o->n; i++) {
		if (o->file[i].f != NULL)
			fclose(o->file[i].f);
		if (o->file[i].tmp != NULL)
			unlink(o->file[i].tmp);
	}
	release(o);
}

/* cairo_write_func_t onto the FILE in CLOSURE. */
cairo_status_t
outdir_file_write(void *closure, const unsigned char *data,
		  unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ?
	    CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* cairo_write_func_t into the struct rbuf in CLOSURE. */
cairo_status_t
rbuf_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct rbuf *b = closure;
	unsigned char *np;
	size_t ncap;

	if (b->n + len > b->cap) {
		ncap = b->cap ? b->cap : 4096;
		while (ncap < b->n + len)
			ncap *= 2;
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->oom = 1;
			return CAIRO_STATUS_NO_MEMORY;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->n, data, len);
	b->n += len;
	return CAIRO_STATUS_SUCCESS;
}
