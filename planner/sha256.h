/*
 * sha256.h - SHA-256 (FIPS 180-4), to recognise a file already imported
 * by its content.  Streaming: init, update any number of times, final.
 */
#ifndef PLANNER_SHA256_H
#define PLANNER_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	unsigned char buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* Write the digest as 64 lowercase hex digits and a NUL into HEX. */
void sha256_final_hex(struct sha256 *s, char hex[65]);

#endif
