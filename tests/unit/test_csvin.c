/*
 * test_csvin.c - the streaming CSV reader (csvin.h): RFC 4180 cases,
 * byte order mark (B15), quoted commas and field counts (B19), line
 * numbers, NUL bytes, malformed UTF-8 and the size limits.
 */
#include <stdlib.h>
#include <unistd.h>

#include "csvin.h"
#include "caps.h"
#include "t.h"

#define MAX_RECS	8

/* A file holding the N bytes at S, opened for reading. */
static FILE *
file_of(const char *s, size_t n)
{
	FILE *f = tmpfile();

	if (f == NULL || fwrite(s, 1, n, f) != n) {
		perror("tmpfile");
		exit(2);
	}
	rewind(f);
	return f;
}

/* What reading a whole file gave: the records (as "f1|f2|..." with
 * their start lines), and the error that ended it, if any. */
struct got {
	char rec[MAX_RECS][256];
	long line[MAX_RECS];
	int n;
	enum perr_code rc;
	struct perr e;
};

static void
join(const struct csvin *r, char *out, size_t size)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < r->nf && o < size; i++)
		o += (size_t)snprintf(out + o, size - o, "%s%s", i ? "|" : "",
				      r->field[i].s);
}

static void
read_all(const char *s, size_t n, struct got *g)
{
	FILE *f = file_of(s, n);
	struct csvin r;
	int have = 1;

	memset(g, 0, sizeof(*g));
	g->rc = csvin_open(&r, f, "t.csv", &g->e);
	while (g->rc == P_OK && have) {
		g->rc = csvin_next(&r, &have, &g->e);
		if (g->rc == P_OK && have && g->n < MAX_RECS) {
			join(&r, g->rec[g->n], sizeof(g->rec[0]));
			g->line[g->n++] = r.line;
		}
	}
	csvin_close(&r);
	fclose(f);
}

#define READ(lit, g) read_all(lit, sizeof(lit) - 1, g)

static void
test_rfc4180(void)
{
	struct got g;

	READ("a,b,c\r\n1,\"x,y\",\"he said \"\"hi\"\"\"\r\n", &g);
	CHECK_INT(g.rc, P_OK);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.rec[0], "a|b|c");
	CHECK_STR(g.rec[1], "1|x,y|he said \"hi\"");

	/* a line break inside quotes; lines count physical lines */
	READ("h1,h2\n\"multi\nline\",2\n3,4\n", &g);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.rec[1], "multi\nline|2");
	CHECK_INT(g.line[1], 2);
	CHECK_INT(g.line[2], 4);

	/* CRLF inside quotes is kept; CR-only line ends count as lines */
	READ("\"a\r\nb\",c\r\nd,e", &g);
	CHECK_STR(g.rec[0], "a\r\nb|c");
	CHECK_INT(g.line[1], 3);
	READ("a\rb\rc", &g);
	CHECK_INT(g.n, 3);
	CHECK_INT(g.line[2], 3);
}

static void
test_edges(void)
{
	struct got g;

	READ("a,b\n1,2", &g);			/* no final newline */
	CHECK_INT(g.n, 2);
	CHECK_STR(g.rec[1], "1|2");
	READ("a,b,\n,,\n\"\",x", &g);		/* empty fields */
	CHECK_STR(g.rec[0], "a|b|");
	CHECK_STR(g.rec[1], "||");
	CHECK_STR(g.rec[2], "|x");
	READ("a\n\n\r\nb\n", &g);		/* blank lines are skipped */
	CHECK_INT(g.n, 2);
	CHECK_INT(g.line[1], 4);
	READ(" a , b \n", &g);			/* blanks are data */
	CHECK_STR(g.rec[0], " a | b ");
	READ("", &g);
	CHECK_INT(g.rc, P_OK);
	CHECK_INT(g.n, 0);
	READ("Qu\xC3\xA9" "bec,\xE5\x8F\xB0\xE4\xB8\xAD\n", &g);
	CHECK_INT(g.rc, P_OK);
	CHECK_STR(g.rec[0], "Qu\xC3\xA9" "bec|\xE5\x8F\xB0\xE4\xB8\xAD");
}

/* B15: the BOM is stripped at the start only, so the first header is
 * found; elsewhere it is data. */
static void
test_bom(void)
{
	static const char s[] = "\xEF\xBB\xBF" "Billing account ID,Service,"
		"Cost\nA1,Compute Engine,10.00\n";
	FILE *f = file_of(s, sizeof(s) - 1);
	struct csvin r;
	struct perr e;
	struct got g;
	int have, col;

	CHECK_INT(csvin_open(&r, f, "b15.csv", &e), P_OK);
	CHECK_INT(csvin_next(&r, &have, &e), P_OK);
	CHECK_INT(csvin_set_header(&r, &e), P_OK);
	CHECK_INT(csvin_need(&r, "Billing account ID", &col, &e), P_OK);
	CHECK_INT(col, 0);
	CHECK_INT(csvin_next(&r, &have, &e), P_OK);
	CHECK_STR(csvin_get(&r, csvin_col(&r, "Cost")).s, "10.00");
	CHECK_STR(csvin_get(&r, col).s, "A1");
	csvin_close(&r);
	fclose(f);

	READ("a,b\n\xEF\xBB\xBFx,y\n", &g);
	CHECK_STR(g.rec[1], "\xEF\xBB\xBFx|y");
}

/* B19: a quoted comma stays in its field; a row of another width is an
 * error naming the line. */
static void
test_b19(void)
{
	static const char s[] = "Service,Cost\n\"Support (Premium, Business)\","
		"42.00\nA,1,extra\n";
	FILE *f = file_of(s, sizeof(s) - 1);
	struct csvin r;
	struct perr e;
	int have;

	csvin_open(&r, f, "b19.csv", &e);
	csvin_next(&r, &have, &e);
	csvin_set_header(&r, &e);
	CHECK_INT(csvin_next(&r, &have, &e), P_OK);
	CHECK_INT(csvin_check_width(&r, &e), P_OK);
	CHECK_STR(csvin_get(&r, csvin_col(&r, "Cost")).s, "42.00");
	CHECK_STR(csvin_get(&r, 0).s, "Support (Premium, Business)");
	CHECK_INT(csvin_next(&r, &have, &e), P_OK);
	CHECK_INT(csvin_check_width(&r, &e), P_EPARSE);
	CHECK(strstr(e.msg, "b19.csv:3:") != NULL);
	CHECK(strstr(e.msg, "expected 2 fields") != NULL);
	CHECK(strstr(e.msg, "found 3") != NULL);
	csvin_close(&r);
	fclose(f);
}

static void
test_header(void)
{
	static const char s[] = "a,b,c\n1,2,3\na,b,c\n";
	FILE *f = file_of(s, sizeof(s) - 1);
	struct csvin r;
	struct perr e;
	int have, col;

	csvin_open(&r, f, "h.csv", &e);
	csvin_next(&r, &have, &e);
	csvin_set_header(&r, &e);
	CHECK_INT(csvin_need(&r, "Cost ($)", &col, &e), P_EPARSE);
	CHECK_INT(col, -1);
	CHECK(strstr(e.msg, "h.csv:1: no column 'Cost ($)'") != NULL);
	CHECK(strstr(e.msg, "'a', 'b', 'c'") != NULL);
	CHECK_INT(csvin_col(&r, "B"), -1);	/* exact names only */
	csvin_next(&r, &have, &e);
	CHECK(!csvin_is_header(&r));
	csvin_next(&r, &have, &e);
	CHECK(csvin_is_header(&r));
	CHECK_INT(csvin_get(&r, -1).n, 0);
	csvin_close(&r);
	fclose(f);
}

static void
test_bad_bytes(void)
{
	struct got g;

	read_all("a,b\n1,\0\n", 8, &g);
	CHECK_INT(g.rc, P_EPARSE);
	CHECK(strstr(g.e.msg, "t.csv:2: NUL byte at byte offset 6") != NULL);

	READ("a\n\xC3\x28\n", &g);		/* cut-short sequence */
	CHECK_INT(g.rc, P_EPARSE);
	CHECK(strstr(g.e.msg, "t.csv:2: invalid UTF-8 at byte offset 2")
	      != NULL);
	READ("ab\x80", &g);			/* lone continuation byte */
	CHECK(strstr(g.e.msg, "t.csv:1: invalid UTF-8 at byte offset 2")
	      != NULL);
	READ("\xC0\xAF", &g);			/* overlong */
	CHECK_INT(g.rc, P_EPARSE);
	READ("x\xED\xA0\x80", &g);		/* surrogate */
	CHECK(strstr(g.e.msg, "offset 1") != NULL);
	READ("\xF4\x90\x80\x80", &g);		/* above U+10FFFF */
	CHECK_INT(g.rc, P_EPARSE);
	READ("abc\xE2\x82", &g);		/* cut by the end of file */
	CHECK(strstr(g.e.msg, "offset 3") != NULL);
}

static void
test_quoting_errors(void)
{
	struct got g;

	READ("a,b\"c\n", &g);
	CHECK_INT(g.rc, P_EPARSE);
	CHECK(strstr(g.e.msg, "t.csv:1: field 2: malformed quoting") != NULL);
	READ("x\n\"ab\"c,d\n", &g);
	CHECK(strstr(g.e.msg, "t.csv:2: field 1: malformed quoting") != NULL);
	READ("x\n\"ab\nc\n", &g);
	CHECK_INT(g.rc, P_EPARSE);
	CHECK(strstr(g.e.msg, "t.csv:2: the quoted field") != NULL);
}

/* A character split across two reads is still one character. */
static void
test_chunk_boundary(void)
{
	size_t n = CSVIN_CHUNK + 16, i;
	char *s = malloc(n);
	struct got g;

	for (i = 0; i < n; i++)
		s[i] = (char)('a' + i % 26);
	s[CSVIN_CHUNK - 1] = (char)0xC3;
	s[CSVIN_CHUNK] = (char)0xA9;
	s[CSVIN_CHUNK + 5] = '\n';
	read_all(s, n, &g);
	CHECK_INT(g.rc, P_OK);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.line[1], 2);
	s[CSVIN_CHUNK] = 'x';
	read_all(s, n, &g);
	CHECK_INT(g.rc, P_EPARSE);
	CHECK(strstr(g.e.msg, "offset 65535") != NULL);
	free(s);
}

static void
test_limits(void)
{
	size_t n = LIM_CSV_FIELD + 8, i;
	char *s = malloc(n + 2 * LIM_CSV_COLUMNS + 8);
	struct got g;

	/* exactly the limit is fine; one byte more is P_ELIMIT */
	memcpy(s, "h\n", 2);
	memset(s + 2, 'x', n - 2);
	read_all(s, 2 + LIM_CSV_FIELD, &g);
	CHECK_INT(g.rc, P_OK);
	CHECK_INT(g.n, 2);
	memset(s + 2, 'x', LIM_CSV_FIELD + 1);
	memcpy(s + 3 + LIM_CSV_FIELD, "\n", 1);
	read_all(s, 4 + LIM_CSV_FIELD, &g);
	CHECK_INT(g.rc, P_ELIMIT);
	CHECK(strstr(g.e.msg, "t.csv:2: field 1 is longer than") != NULL);
	s[2] = '"';				/* an unclosed quoted field */
	read_all(s, n, &g);
	CHECK_INT(g.rc, P_ELIMIT);

	for (i = 0; i < LIM_CSV_COLUMNS; i++)
		memcpy(s + 2 * i, "x,", 2);
	memcpy(s + 2 * i, "x\n", 2);
	read_all(s, 2 * i + 2, &g);
	CHECK_INT(g.rc, P_ELIMIT);
	CHECK(strstr(g.e.msg, "more than 512 fields") != NULL);
	read_all(s + 2, 2 * i, &g);
	CHECK_INT(g.rc, P_OK);
	free(s);
}

/* Many records through many chunks: counts and lines stay right. */
static void
test_many(void)
{
	FILE *f = tmpfile();
	struct csvin r;
	struct perr e;
	long i, n = 0, last = 0;
	int have = 1;

	for (i = 0; i < 100000; i++)
		fprintf(f, i % 1000 ? "%ld,plain\r\n" :
			"%ld,\"two\nlines\"\r\n", i);
	rewind(f);
	csvin_open(&r, f, "many.csv", &e);
	while (csvin_next(&r, &have, &e) == P_OK && have) {
		n++;
		last = r.line;
	}
	CHECK_INT(n, 100000);
	CHECK_INT(last, 100000 + 100);	/* 100 records span two lines */
	csvin_close(&r);
	fclose(f);
}

int
main(void)
{
	T_RUN(test_rfc4180);
	T_RUN(test_edges);
	T_RUN(test_bom);
	T_RUN(test_b19);
	T_RUN(test_header);
	T_RUN(test_bad_bytes);
	T_RUN(test_quoting_errors);
	T_RUN(test_chunk_boundary);
	T_RUN(test_limits);
	T_RUN(test_many);
	return T_DONE();
}
