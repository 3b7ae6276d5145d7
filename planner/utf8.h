/*
 * utf8.h - UTF-8 validation, shared by every reader and writer that must
 * not pass broken text on (to SQLite, JSON output, cairo).
 */
#ifndef PLANNER_UTF8_H
#define PLANNER_UTF8_H

#include <stddef.h>

/* Offset of the first byte of S[0..N) that is not part of well-formed
 * UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF), or
 * (size_t)-1 when all of it is valid.  NUL bytes count as invalid. */
size_t utf8_invalid_at(const char *s, size_t n);

/* Decode the UTF-8 sequence at S (N > 0 bytes): returns its code point
 * and its length in *LEN, or -1 with *LEN = 1 for a byte that does not
 * start a well-formed sequence.  NUL decodes as 0. */
long utf8_decode(const unsigned char *s, size_t n, size_t *len);

#endif
