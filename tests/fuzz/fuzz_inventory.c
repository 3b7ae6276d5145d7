/*
 * fuzz_inventory.c - libFuzzer target: the inventory readers (Vast and
 * gcloud, JSON and CSV) on arbitrary bytes, into an in-memory database.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "import.h"
#include "store.h"

static void
run(struct store *s, const uint8_t *data, size_t n, int gcp)
{
	struct import_opts o = { 1, "paired-gpu", NULL, NULL, NULL };
	struct import_result res;
	struct import_ctx c = { s, "fuzz.json", 0, &o, &res };
	struct perr e = { P_OK, "" };
	char head[4096];
	size_t h = n < sizeof(head) - 1 ? n : sizeof(head) - 1;
	FILE *f = fmemopen((void *)data, n, "rb");

	if (f == NULL)
		return;
	memset(&res, 0, sizeof(res));
	memcpy(head, data, h);
	head[h] = '\0';
	if (store_begin(s, &e) == P_OK &&
	    store_add_import(s, "fuzz.json", "vast-instances", (long long)n,
			     NULL, &c.import_id, &e) == P_OK) {
		if (gcp)
			import_gcp_instances(&c, f, head, &e);
		else
			import_vast_instances(&c, f, head, &e);
	}
	store_rollback(s);
	fclose(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct store s;
	static int opened;
	struct perr e;

	if (!opened && store_open(&s, ":memory:", &e) == P_OK)
		opened = 1;
	if (!opened || n == 0)
		return 0;
	run(&s, data + 1, n - 1, data[0] & 1);
	return 0;
}
