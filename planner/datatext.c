/*
 * datatext.c - reading the tables shipped in data/.  See datatext.h.
 * Owned by the resolver work.
 */
#include <stdint.h>
#include <string.h>

#include "datatext.h"
#include "embed.h"
#include "money.h"

/* Digits kept after the point: 1e-6 degree is 0.1 m, 1e-6 ms is 1 ns. */
#define DT_SCALE	6

/* Start reading embedded file NAME. */
enum perr_code
dt_open(struct dt_lines *l, const char *name, struct perr *e)
{
	const struct embedded_file *f;

	f = embed_find(name);
	if (f == NULL)
		return perr_set(e, P_EDATA, "%s: not built into this binary",
				name);
	l->name = name;
	l->p = (const char *)f->data;
	l->end = l->p + f->len;
	l->lineno = 0;
	return P_OK;
}

/* The next record line: comments, blank lines and a CR are skipped. */
int
dt_next(struct dt_lines *l, const char **s, size_t *n)
{
	const char *nl;
	size_t len;

	while (l->p < l->end) {
		nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
		len = nl ? (size_t)(nl - l->p) : (size_t)(l->end - l->p);
		*s = l->p;
		l->p += len + (nl != NULL);
		l->lineno++;
		if (len > 0 && (*s)[len - 1] == '\r')
			len--;
		if (len == 0 || (*s)[0] == '#')
			continue;
		*n = len;
		return 1;
	}
	return 0;
}

/* Cut a line into fields at SEP; the count may exceed MAX. */
size_t
dt_split(const char *s, size_t n, char sep, struct dt_field *f, size_t max)
{
	size_t count = 0;
	const char *end = s + n, *q;

	for (;;) {
		q = memchr(s, sep, (size_t)(end - s));
		if (count < max) {
			f[count].s = s;
			f[count].n = q ? (size_t)(q - s) : (size_t)(end - s);
		}
		count++;
		if (q == NULL)
			return count;
		s = q + 1;
	}
}

/* A decimal number, read without the locale (money.h's parser). */
int
dt_number(const struct dt_field *f, double *out)
{
	int64_t v;
	const char *why;

	if (dec_parse(f->s, f->n, DT_SCALE, DEC_STRICT, &v, &why) != 0)
		return -1;
	*out = (double)v / 1e6;
	return 0;
}

/* A field as a C string, if it fits. */
int
dt_copy(const struct dt_field *f, char *buf, size_t sz)
{
	if (f->n >= sz)
		return -1;
	memcpy(buf, f->s, f->n);
	buf[f->n] = '\0';
	return 0;
}

/* Whether a field is exactly S. */
int
dt_eq(const struct dt_field *f, const char *s)
{
	return strlen(s) == f->n && memcmp(f->s, s, f->n) == 0;
}

/* A P_EDATA error at the current line. */
enum perr_code
dt_error(const struct dt_lines *l, struct perr *e, const char *what)
{
	return perr_set(e, P_EDATA, "%s:%d: %s", l->name, l->lineno, what);
}
