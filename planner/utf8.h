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

#endif
