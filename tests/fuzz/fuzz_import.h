/*
 * fuzz_import.h - what the importer fuzz targets share: feed arbitrary
 * bytes to one per-format reader, inside a transaction on an in-memory
 * database that is rolled back after each input.
 */
#ifndef PLANNER_FUZZ_IMPORT_H
#define PLANNER_FUZZ_IMPORT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "import.h"
#include "store.h"

typedef enum perr_code (*fuzz_reader)(struct import_ctx *, FILE *,
				      const char *, struct perr *);

/* Run READER over DATA[0..N) as file "fuzz" of KIND, under keep_going
 * (so the row-level paths run too).  The database is opened once. */
static void
fuzz_import(const uint8_t *data, size_t n, fuzz_reader reader,
	    const char *kind)
{
	static struct store s;
	static int opened;
	struct import_opts o = { 1, "paired-gpu", NULL, NULL, NULL, 0, 0 };
	struct import_result res;
	struct import_ctx c = { &s, "fuzz", 0, &o, &res, -1, NULL };
	struct perr e = { P_OK, "" };
	char head[4096];
	size_t h = n < sizeof(head) - 1 ? n : sizeof(head) - 1;
	FILE *f;

	if (!opened && store_open(&s, ":memory:", &e) == P_OK)
		opened = 1;
	if (!opened || (f = fmemopen((void *)data, n ? n : 1, "rb")) == NULL)
		return;
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
