/*
 * outfile.c - atomic output files.  See outfile.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

/* Run FN on F and close it; any failure is an error naming PATH. */
static enum perr_code
fill(FILE *f, const char *path, const char *what, outfile_fn fn,
     void *ctx, struct perr *e)
{
	enum perr_code rc = fn(ctx, f, e);
	int err = 0;

	if (fflush(f) != 0 || ferror(f))
		err = errno ? errno : EIO;
	if (fclose(f) != 0 && err == 0)
		err = errno;
	if (rc == P_OK && err)
		rc = perr_set(e, P_EIO, "%s %s: %s", what, path,
			      strerror(err));
	return rc;
}

/* Write in place: devices and pipes. */
static enum perr_code
in_place(const char *path, const char *what, outfile_fn fn, void *ctx,
	 struct perr *e)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return perr_set(e, P_EIO, "%s %s: %s", what, path,
				strerror(errno));
	return fill(f, path, what, fn, ctx, e);
}

/* Write TARGET (a regular file, or none yet) through a temporary. */
static enum perr_code
replace(const char *target, const char *what, outfile_fn fn, void *ctx,
	struct perr *e)
{
	char tmp[PATH_MAX];
	int fd;
	FILE *f;
	enum perr_code rc;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", target,
		     (long)getpid()) >= (int)sizeof(tmp))
		return perr_set(e, P_EIO, "%s %s: name too long", what,
				target);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		return perr_set(e, P_EIO, "%s %s: %s", what, target,
				strerror(err));
	}
	rc = fill(f, target, what, fn, ctx, e);
	if (rc == P_OK && rename(tmp, target) != 0)
		rc = perr_set(e, P_EIO, "%s %s: %s", what, target,
			      strerror(errno));
	if (rc != P_OK)
		unlink(tmp);
	return rc;
}

enum perr_code
outfile_write(const char *path, const char *what, outfile_fn fn,
	      void *ctx, struct perr *e)
{
	char real[PATH_MAX];
	struct stat st;

	if (*path == '\0')
		return perr_set(e, P_EUSAGE, "%s: empty file name", what);
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT)
			return perr_set(e, P_EIO, "%s %s: %s", what, path,
					strerror(errno));
		return replace(path, what, fn, ctx, e);
	}
	if (S_ISLNK(st.st_mode)) {
		if (stat(path, &st) != 0) {
			if (errno != ENOENT)
				return perr_set(e, P_EIO, "%s %s: %s", what,
						path, strerror(errno));
			/* A dangling link: create its target. */
			return in_place(path, what, fn, ctx, e);
		}
		if (S_ISREG(st.st_mode)) {
			if (realpath(path, real) == NULL)
				return perr_set(e, P_EIO, "%s %s: %s", what,
						path, strerror(errno));
			return replace(real, what, fn, ctx, e);
		}
	}
	if (S_ISDIR(st.st_mode))
		return perr_set(e, P_EUSAGE, "%s %s: is a directory", what,
				path);
	if (S_ISREG(st.st_mode))
		return replace(path, what, fn, ctx, e);
	return in_place(path, what, fn, ctx, e);
}
