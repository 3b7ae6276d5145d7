/*
 * strpool.h - many short strings in few allocations.
 *
 * A plan of 100,000 pairs holds half a million short strings: VM names
 * and zones, pairing labels, GPU locations, regions.  A malloc'd copy
 * of each costs its length plus 16 to 32 bytes of allocator overhead,
 * and most of them repeat (a few dozen regions, a few thousand
 * locations).  A pool packs the strings end to end in large blocks and
 * frees them all at once; an interned string is stored once however
 * often it is added, so equal interned strings share one pointer.
 *
 * Ownership: the pool owns every string it returns, until
 * strpool_free().  A zeroed struct strpool is an empty pool.
 */
#ifndef PLANNER_STRPOOL_H
#define PLANNER_STRPOOL_H

#include <stddef.h>

struct strpool_block;

struct strpool {
	struct strpool_block *blocks;	/* the newest first */
	char *next;			/* free room in blocks */
	size_t left;
	const char **set;		/* interned strings, open addressing */
	size_t nset, setcap;
	int nomem;			/* an allocation failed */
};

/* A copy of S in P.  NULL when S is NULL, or when memory ran out (then
 * P->nomem is set, so a caller may check once after many calls). */
const char *strpool_add(struct strpool *p, const char *s);

/* Like strpool_add, but a string equal to one interned before is not
 * stored again: the earlier copy is returned. */
const char *strpool_intern(struct strpool *p, const char *s);

/* N bytes in P for a small record that lives as long as the strings
 * (aligned for any type; not zeroed).  NULL when memory ran out. */
void *strpool_alloc(struct strpool *p, size_t n);

/* Free every string of P and empty it. */
void strpool_free(struct strpool *p);

/* The hash of S used by the pool (FNV-1a), for other tables of
 * strings. */
size_t strpool_hash(const char *s);

#endif
