/*
 * fuzz_import.h - what the importer fuzz targets share: feed arbitrary
 * bytes to one per-format reader, inside a transaction on an in-memory
 * database that is rolled back after each input.  The bytes are in a
 * memory file (memfd) with a descriptor, as a real file is, so that the
 * parallel billing reader (billing_fast.c), which reads by descriptor,
 * runs too.
 */
#ifndef PLANNER_FUZZ_IMPORT_H
#define PLANNER_FUZZ_IMPORT_H

#define _GNU_SOURCE	/* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "import.h"
#include "store.h"

typedef enum perr_code (*fuzz_reader)(struct import_ctx *, FILE *,
				      const char *, struct perr *);

/* DATA[0..N) as a FILE on a memory file, or NULL. */
static FILE *
fuzz_file(const uint8_t *data, size_t n)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	FILE *f;

	if (fd < 0)
		return NULL;
	if ((n > 0 && write(fd, data, n) != (ssize_t)n) ||
	    lseek(fd, 0, SEEK_SET) != 0 || (f = fdopen(fd, "rb")) == NULL) {
		close(fd);
		return NULL;
	}
	return f;
}

/* Run READER over DATA[0..N) as file "fuzz" of KIND, under keep_going
 * (so the row-level paths run too), the parallel billing reader with
 * READERS threads.  The database is opened once. */
static void
fuzz_import(const uint8_t *data, size_t n, fuzz_reader reader,
	    const char *kind, int readers)
{
	static struct store s;
	static int opened;
	struct import_opts o = { 1, "paired-gpu", NULL, NULL, NULL, 0,
				 readers };
	struct import_result res;
	struct import_ctx c = { &s, "fuzz", 0, &o, &res, -1, NULL };
	struct perr e = { P_OK, "" };
	char head[4096];
	size_t h = n < sizeof(head) - 1 ? n : sizeof(head) - 1;
	FILE *f;

	if (!opened && store_open(&s, ":memory:", &e) == P_OK)
		opened = 1;
	if (!opened || (f = fuzz_file(data, n)) == NULL)
		return;
	c.fd = fileno(f);
	memset(&res, 0, sizeof(res));
	memcpy(head, data, h);
	head[h] = '\0';
	if (store_begin(&s, &e) == P_OK &&
	    store_add_import(&s, "fuzz", kind, (long long)n, NULL,
			     &c.import_id, &e) == P_OK)
		reader(&c, f, head, &e);
	store_rollback(&s);
	fclose(f);
}

#endif
