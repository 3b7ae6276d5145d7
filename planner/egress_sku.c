/*
 * egress_sku.c - the egress SKU table.  See egress_sku.h.
 *
 * Owner: the billing importers.
 */
#include <stdlib.h>
#include <string.h>

#include "egress_sku.h"
#include "embed.h"

/* Whole-string match; '*' is one or more bytes. */
int
egress_glob(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;

	/* Greedy match with one backtrack point: the last '*' seen, which
	 * has consumed s[..mark) and must consume at least one byte. */
	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			star = pi++;
			mark = ++si;
		} else if (pi < pn && p[pi] == s[si]) {
			pi++;
			si++;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else
			return 0;
	}
	return pi == pn;
}

static const char *
kind_name(const char *s, size_t n)
{
	if (n == 8 && memcmp(s, "internet", 8) == 0)
		return "internet";
	if (n == 12 && memcmp(s, "inter-region", 12) == 0)
		return "inter-region";
	return NULL;
}

/* Parse one non-comment line L (N bytes) into *OUT; -1 if malformed. */
static int
parse_line(const char *l, size_t n, struct egress_sku *out)
{
	const char *tab = memchr(l, '\t', n);

	if (n > 0 && l[n - 1] == '\r')
		n--;
	if (tab == NULL || tab + 1 >= l + n)
		return -1;
	out->kind = kind_name(l, (size_t)(tab - l));
	out->pat = tab + 1;
	out->n = (size_t)(l + n - out->pat);
	return out->kind == NULL || memchr(out->pat, '\t', out->n) ? -1 : 0;
}

/* One entry per non-blank, non-comment line; any bad line fails the
 * table (it is shipped data, so a bad line is a build defect). */
enum perr_code
egress_skus_parse(struct egress_skus *t, const char *name, const char *text,
		  size_t n, struct perr *e)
{
	const char *p = text, *end = text + n, *nl;
	size_t lines = 1, i;
	int line = 0;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++)
		lines += text[i] == '\n';
	if ((t->v = calloc(lines, sizeof(*t->v))) == NULL)
		return perr_set(e, P_ENOMEM, "%s: out of memory", name);
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		line++;
		if (nl == p || *p == '#' || (nl == p + 1 && *p == '\r'))
			continue;
		if (parse_line(p, (size_t)(nl - p), &t->v[t->n]) != 0) {
			egress_skus_release(t);
			return perr_set(e, P_EDATA, "%s:%d: expected "
					"'internet' or 'inter-region', a tab "
					"and a SKU description pattern", name,
					line);
		}
		t->n++;
	}
	return P_OK;
}

/* The table compiled into the binary by tools/embed.sh. */
enum perr_code
egress_skus_load(struct egress_skus *t, struct perr *e)
{
	const struct embedded_file *f = embed_find(EGRESS_SKU_FILE);

	memset(t, 0, sizeof(*t));
	if (f == NULL)
		return perr_set(e, P_EDATA, "%s is missing from this build",
				EGRESS_SKU_FILE);
	return egress_skus_parse(t, EGRESS_SKU_FILE, (const char *)f->data,
				 f->len, e);
}

/* Free the entry array. */
void
egress_skus_release(struct egress_skus *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

/* First matching pattern wins; the table's order is its priority. */
const char *
egress_skus_match(const struct egress_skus *t, const char *desc, size_t n)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (egress_glob(t->v[i].pat, t->v[i].n, desc, n))
			return t->v[i].kind;
	return NULL;
}
