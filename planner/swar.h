/*
 * swar.h - eight bytes at a time in a 64-bit word, for the readers'
 * hot loops (csvin.c, billing_fast.c, billing.c).
 *
 * Owner: nothing but these helpers; header-only.
 *
 * The classic bit trick: (v - 0x01..01) & ~v & 0x80..80 is nonzero
 * exactly when some byte of v is zero, and its lowest set bit marks the
 * first such byte exactly (bits above it may be false alarms).
 */
#ifndef PLANNER_SWAR_H
#define PLANNER_SWAR_H

#include <stdint.h>
#include <string.h>

#define SWAR_ONES	0x0101010101010101ULL
#define SWAR_HIGHS	0x8080808080808080ULL

/* The 8 bytes at P as a word (any alignment). */
static inline uint64_t
swar_load(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Nonzero when a byte of V is below N (N at most 0x80). */
static inline uint64_t
swar_below(uint64_t v, unsigned n)
{
	return (v - SWAR_ONES * n) & ~v & SWAR_HIGHS;
}

/* Nonzero when a byte of V is zero. */
static inline uint64_t
swar_zero(uint64_t v)
{
	return swar_below(v, 1);
}

/* Nonzero when a byte of V is C. */
static inline uint64_t
swar_byte(uint64_t v, unsigned char c)
{
	return swar_zero(v ^ (SWAR_ONES * c));
}

#endif
