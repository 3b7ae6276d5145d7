/*
 * ratecard.c - reading rate cards and pricing volumes.  See ratecard.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed.h"
#include "money.h"
#include "ratecard.h"

void
rate_flat(struct rate_schedule *s, int64_t micro_per_gib)
{
	s->n = 1;
	s->t[0].upto_bytes = INT64_MAX;
	s->t[0].micro_per_gib = micro_per_gib;
}

int64_t
rate_cost(const struct rate_schedule *s, int64_t bytes)
{
	__int128 sum = 0;
	int64_t low = 0;
	int i;

	for (i = 0; i < s->n && bytes > low; i++) {
		int64_t high = bytes < s->t[i].upto_bytes ? bytes :
		    s->t[i].upto_bytes;

		sum += (__int128)(high - low) * s->t[i].micro_per_gib;
		low = high;
	}
	return (int64_t)((sum + BYTES_PER_GIB / 2) / BYTES_PER_GIB);
}

/* Bytes in one UNIT of a tier boundary, or 0 if UNIT is unknown. */
static int64_t
unit_bytes(const char *unit)
{
	static const struct { const char *name; int64_t bytes; } u[] = {
		{ "GiB", 1LL << 30 }, { "TiB", 1LL << 40 },
		{ "PiB", 1LL << 50 }, { "GB", 1000000000LL },
		{ "TB", 1000000000000LL }, { "PB", 1000000000000000LL }
	};
	size_t i;

	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (strcmp(unit, u[i].name) == 0)
			return u[i].bytes;
	return 0;
}

struct card {
	const char *name;	/* for messages */
	struct rate_schedule *cross, *same;
	int64_t *per_day;
	int closed_cross, closed_same;
};

/* PRICE in UNIT as micro-dollars per GiB. */
static enum perr_code
price(const struct card *c, long n, const char *text, const char *unit,
      int64_t *out, struct perr *e)
{
	const char *why;
	int64_t v;

	if (dec_parse(text, strlen(text), 6, DEC_STRICT, &v, &why) || v < 0)
		return perr_set(e, P_EDATA, "%s:%ld: price '%s': expected a "
				"non-negative decimal", c->name, n, text);
	if (strcmp(unit, "USD/GiB") == 0)
		*out = v;
	else if (strcmp(unit, "USD/GB") == 0)	/* a GiB is 1.073741824 GB */
		*out = (int64_t)(((__int128)v * BYTES_PER_GIB + 500000000) /
				 1000000000);
	else
		return perr_set(e, P_EDATA, "%s:%ld: price unit '%s': expected "
				"USD/GiB or USD/GB", c->name, n, unit);
	return P_OK;
}

/* "upto AMOUNT UNIT" into bytes. */
static enum perr_code
boundary(const struct card *c, long n, char **f, int nf, int64_t *out,
	 struct perr *e)
{
	const char *why;
	int64_t milli, per;

	*out = INT64_MAX;
	if (nf == 3)
		return P_OK;
	if (nf != 6 || strcmp(f[3], "upto") != 0)
		return perr_set(e, P_EDATA, "%s:%ld: expected KEY PRICE UNIT "
				"[upto AMOUNT UNIT]", c->name, n);
	if ((per = unit_bytes(f[5])) == 0)
		return perr_set(e, P_EDATA, "%s:%ld: boundary unit '%s': "
				"expected GiB, TiB, PiB, GB, TB or PB",
				c->name, n, f[5]);
	if (dec_parse(f[4], strlen(f[4]), 3, DEC_STRICT, &milli, &why) ||
	    milli <= 0 || milli / 1000 > INT64_MAX / per)
		return perr_set(e, P_EDATA, "%s:%ld: boundary '%s': expected "
				"a positive amount", c->name, n, f[4]);
	*out = (int64_t)((__int128)milli * per / 1000);
	return P_OK;
}

static enum perr_code
tier_line(struct card *c, long n, char **f, int nf, struct perr *e)
{
	int cross = strcmp(f[0], "cross_region") == 0;
	struct rate_schedule *s = cross ? c->cross : c->same;
	int *closed = cross ? &c->closed_cross : &c->closed_same;
	struct rate_tier t;

	if (*closed)
		return perr_set(e, P_EDATA, "%s:%ld: '%s' already ended with a "
				"tier without 'upto'", c->name, n, f[0]);
	if (price(c, n, f[1], f[2], &t.micro_per_gib, e) ||
	    boundary(c, n, f, nf, &t.upto_bytes, e))
		return e->code;
	if (s->n > 0 && t.upto_bytes <= s->t[s->n - 1].upto_bytes)
		return perr_set(e, P_EDATA, "%s:%ld: tier boundaries must "
				"grow: this one is not beyond the last",
				c->name, n);
	if (s->n == RATE_MAX_TIERS)
		return perr_set(e, P_EDATA, "%s:%ld: more than %d tiers",
				c->name, n, RATE_MAX_TIERS);
	s->t[s->n++] = t;
	*closed = t.upto_bytes == INT64_MAX;
	return P_OK;
}

static enum perr_code
card_line(struct card *c, long n, char *line, struct perr *e)
{
	char *f[8], *save = NULL, *tok;
	int nf = 0;
	int64_t v;
	const char *why;

	for (tok = strtok_r(line, " \t\r", &save); tok && nf < 8;
	     tok = strtok_r(NULL, " \t\r", &save))
		f[nf++] = tok;
	if (nf == 0 || f[0][0] == '#')
		return P_OK;
	if (strcmp(f[0], "cross_region") == 0 ||
	    strcmp(f[0], "same_region") == 0) {
		if (nf < 3)
			return perr_set(e, P_EDATA, "%s:%ld: expected KEY "
					"PRICE UNIT", c->name, n);
		return tier_line(c, n, f, nf, e);
	}
	if (strcmp(f[0], "assumed_egress_per_day") == 0 && nf == 3 &&
	    strcmp(f[2], "GiB/day") == 0 &&
	    dec_parse(f[1], strlen(f[1]), 6, DEC_STRICT, &v, &why) == 0 &&
	    v >= 0) {
		*c->per_day = (int64_t)((__int128)v * BYTES_PER_GIB /
					MICRO_PER_UNIT);
		return P_OK;
	}
	return perr_set(e, P_EDATA, "%s:%ld: unknown or malformed line "
			"'%s'", c->name, n, f[0]);
}

static enum perr_code
card_text(struct card *c, char *text, struct perr *e)
{
	char *line, *next;
	long n = 0;

	for (line = text; line; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (card_line(c, ++n, line, e))
			return e->code;
	}
	if (!c->closed_cross || !c->closed_same)
		return perr_set(e, P_EDATA, "%s: every schedule needs a last "
				"tier without 'upto' (%s is open)", c->name,
				c->closed_cross ? "same_region" :
				"cross_region");
	return P_OK;
}

static char *
read_file(const char *path, struct perr *e)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL) {
		perr_set(e, P_EUSAGE, "--rate-card %s: %s", path,
			 strerror(errno));
		return NULL;
	}
	buf = calloc(1, 65537);
	n = buf ? fread(buf, 1, 65536, f) : 0;
	if (buf && (n == 65536 || ferror(f))) {
		free(buf);
		buf = NULL;
		perr_set(e, P_EUSAGE, "--rate-card %s: unreadable or larger "
			 "than 64 KiB", path);
	}
	fclose(f);
	return buf;
}

enum perr_code
rate_card_read(const char *path, struct rate_schedule *cross,
	       struct rate_schedule *same, int64_t *per_day, struct perr *e)
{
	const struct embedded_file *ef = NULL;
	struct card c = { path ? path : "data/rate_card.tsv", cross, same,
			  per_day, 0, 0 };
	char *text;
	enum perr_code rc;

	memset(cross, 0, sizeof(*cross));
	memset(same, 0, sizeof(*same));
	if (path == NULL && (ef = embed_find("data/rate_card.tsv")) == NULL)
		return perr_set(e, P_EDATA, "data/rate_card.tsv missing");
	text = path ? read_file(path, e) : strdup((const char *)ef->data);
	if (text == NULL)
		return path ? e->code : perr_set(e, P_ENOMEM, "out of memory");
	rc = card_text(&c, text, e);
	free(text);
	if (rc == P_EDATA && path)
		e->code = rc = P_EUSAGE;	/* the user's file, not ours */
	return rc;
}
