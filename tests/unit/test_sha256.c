/*
 * test_sha256.c - the FIPS 180-4 example vectors.
 */
#include "sha256.h"
#include "t.h"

static const char *
digest(const char *s, size_t chunk)
{
	static char hex[65];
	struct sha256 h;
	size_t n = strlen(s), i;

	sha256_init(&h);
	for (i = 0; i < n; i += chunk)
		sha256_update(&h, s + i, n - i < chunk ? n - i : chunk);
	sha256_final_hex(&h, hex);
	return hex;
}

int
main(void)
{
	static char million[1000001];
	size_t chunks[] = { 1, 3, 64, 1000 }, i;

	CHECK_STR(digest("", 1), "e3b0c44298fc1c149afbf4c8996fb924"
		  "27ae41e4649b934ca495991b7852b855");
	for (i = 0; i < 4; i++) {
		CHECK_STR(digest("abc", chunks[i]), "ba7816bf8f01cfea414140de"
			  "5dae2223b00361a396177a9cb410ff61f20015ad");
		CHECK_STR(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklm"
				 "nlmnomnopnopq", chunks[i]),
			  "248d6a61d20638b8e5c026930c3e6039"
			  "a33ce45964ff2167f6ecedd419db06c1");
	}
	memset(million, 'a', 1000000);
	CHECK_STR(digest(million, 4096), "cdc76e5c9914fb9281a1c7e284d73e67"
		  "f1809a48a497200e046d39ccc7112cd0");
	return T_DONE();
}
