/*
 * strpool.c - strings packed in blocks, optionally interned.  See
 * strpool.h.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strpool.h"

struct strpool_block {
	struct strpool_block *next;
	max_align_t data[];
};

/* 64 KiB blocks: few enough allocations, little waste at the end.  A
 * string longer than a sixteenth of a block gets a block of its own,
 * so a long one never wastes the rest of a block. */
#define BLOCK_BYTES	(64 * 1024 - sizeof(struct strpool_block))
#define OWN_BLOCK	(BLOCK_BYTES / 16)

/* N bytes of room in P. */
static char *
room(struct strpool *p, size_t n)
{
	struct strpool_block *b;
	char *s;

	if (n <= p->left) {
		s = p->next;
		p->next += n;
		p->left -= n;
		return s;
	}
	b = malloc(sizeof(*b) + (n > OWN_BLOCK ? n : BLOCK_BYTES));
	if (b == NULL) {
		p->nomem = 1;
		return NULL;
	}
	b->next = p->blocks;
	p->blocks = b;
	if (n <= OWN_BLOCK) {	/* else the current block stays current */
		p->next = (char *)b->data + n;
		p->left = BLOCK_BYTES - n;
	}
	return (char *)b->data;
}

/* A copy of S packed into P's blocks. */
const char *
strpool_add(struct strpool *p, const char *s)
{
	size_t n;
	char *c;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if ((c = room(p, n)) != NULL)
		memcpy(c, s, n);
	return c;
}

/* N aligned bytes from P's blocks, for a small record. */
void *
strpool_alloc(struct strpool *p, size_t n)
{
	size_t pad = (size_t)(-(uintptr_t)p->next % sizeof(max_align_t));

	/* Skip to an aligned address; a new block starts aligned. */
	if (p->left >= pad + n) {
		p->next += pad;
		p->left -= pad;
	}
	return room(p, n);
}

/* FNV-1a: short keys, few collisions, no setup. */
size_t
strpool_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

/* Double the set (or make its first 64 slots) and rehash. */
static int
grow_set(struct strpool *p)
{
	size_t cap = p->setcap ? p->setcap * 2 : 64, i, j;
	const char **set = calloc(cap, sizeof(*set));

	if (set == NULL)
		return -1;
	for (i = 0; i < p->setcap; i++) {
		if (p->set[i] == NULL)
			continue;
		for (j = strpool_hash(p->set[i]) & (cap - 1); set[j];
		     j = (j + 1) & (cap - 1))
			;
		set[j] = p->set[i];
	}
	free(p->set);
	p->set = set;
	p->setcap = cap;
	return 0;
}

/* S stored once: the copy already in P's set, or a new one added. */
const char *
strpool_intern(struct strpool *p, const char *s)
{
	const char *c;
	size_t i, mask;

	if (s == NULL)
		return NULL;
	/* At most half full, so a probe ends soon on an empty slot. */
	if (p->nset * 2 >= p->setcap && grow_set(p)) {
		p->nomem = 1;
		return NULL;
	}
	mask = p->setcap - 1;
	for (i = strpool_hash(s) & mask; p->set[i]; i = (i + 1) & mask)
		if (strcmp(p->set[i], s) == 0)
			return p->set[i];
	if ((c = strpool_add(p, s)) == NULL)
		return NULL;
	p->set[i] = c;
	p->nset++;
	return c;
}

/* Every block and the set, at once. */
void
strpool_free(struct strpool *p)
{
	struct strpool_block *b, *next;

	for (b = p->blocks; b; b = next) {
		next = b->next;
		free(b);
	}
	free(p->set);
	memset(p, 0, sizeof(*p));
}
