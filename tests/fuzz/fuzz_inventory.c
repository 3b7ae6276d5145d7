/*
 * fuzz_inventory.c - libFuzzer target: the inventory readers (Vast, or
 * gcloud when the first byte is odd; JSON and CSV) on arbitrary bytes.
 */
#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	if (n == 0)
		return 0;
	fuzz_import(data + 1, n - 1, data[0] & 1 ? import_gcp_instances :
		    import_vast_instances, "vast-instances", 0);
	return 0;
}
