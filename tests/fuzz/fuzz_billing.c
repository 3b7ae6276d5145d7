/*
 * fuzz_billing.c - libFuzzer target: the billing CSV importers (GCP
 * export, FOCUS, cost table, Vast charges) on arbitrary bytes, into an
 * in-memory database.  Any crash, leak or sanitizer report is a bug; a
 * clean error is the expected answer to most inputs.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "import.h"
#include "store.h"

static void
run(struct store *s, const uint8_t *data, size_t n, int vast)
{
	struct import_opts o = { 1, "paired-gpu", NULL, NULL, NULL };
	struct import_result res;
	struct import_ctx c = { s, "fuzz.csv", 0, &o, &res };
	struct perr e = { P_OK, "" };
	char head[4096];
	FILE *f = fmemopen((void *)data, n, "rb");

	if (f == NULL)
		return;
	memset(&res, 0, sizeof(res));
	memcpy(head, data, n < sizeof(head) - 1 ? n : sizeof(head) - 1);
	head[n < sizeof(head) - 1 ? n : sizeof(head) - 1] = '\0';
	if (store_begin(s, &e) == P_OK &&
	    store_add_import(s, "fuzz.csv", "gcp-billing", (long long)n, NULL,
			     &c.import_id, &e) == P_OK) {
		if (vast)
			import_vast_billing(&c, f, head, &e);
		else
			import_gcp_billing(&c, f, head, &e);
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
