/*
 * fuzz_billing.c - libFuzzer target: the billing CSV importers (GCP
 * export, FOCUS, cost table; Vast charges when the first byte is odd) on
 * arbitrary bytes.  Any crash, leak or sanitizer report is a bug; a clean
 * error is the expected answer to most inputs.
 */
#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	if (n == 0)
		return 0;
	fuzz_import(data + 1, n - 1, data[0] & 1 ? import_vast_billing :
		    import_gcp_billing, "gcp-billing", 1 + (data[0] >> 1 & 3));
	return 0;
}
