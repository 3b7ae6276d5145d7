/*
 * test_report_text.c - text that reaches the report: input strings made
 * valid UTF-8, HTML escaping, the number formats, and the all-or-nothing
 * output directory.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "html.h"
#include "outdir.h"
#include "rtext.h"
#include "t.h"

static void
check_dup(const char *in, size_t n, const char *want)
{
	int oom = 0;
	char *got = rtext_dup(in, n, &oom);

	CHECK_STR(got, want);
	CHECK_INT(oom, 0);
	free(got);
}

static void
test_dup(void)
{
	char big[600], *got;
	int oom = 0;
	size_t i;

	check_dup("Québec, CA", 11, "Québec, CA");
	check_dup("a\xff" "b", 3, "a\xef\xbf\xbd" "b");
	check_dup("a\0b", 3, "a\xef\xbf\xbd" "b");		/* NUL */
	check_dup("\xc3", 1, "\xef\xbf\xbd");			/* cut short */
	check_dup("\xed\xa0\x80", 3,				/* surrogate */
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	check_dup("\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd");	/* overlong */
	check_dup("a\tb\nc\rd", 7, "a b c d");
	check_dup("bell\a", 5, "bell\xef\xbf\xbd");
	check_dup("", 0, "");
	CHECK(rtext_dup(NULL, 0, &oom) == NULL && oom == 0);

	/* a long label is cut at a character boundary, with an ellipsis */
	for (i = 0; i + 2 <= sizeof(big); i += 2)
		memcpy(big + i, "\xc3\xa9", 2);			/* é... */
	got = rtext_dup(big, sizeof(big), &oom);
	CHECK(got != NULL && strlen(got) <= RTEXT_MAX_LABEL);
	CHECK(got && strcmp(got + strlen(got) - 3, "\xe2\x80\xa6") == 0);
	CHECK(got && (strlen(got) - 3) % 2 == 0);		/* whole é */
	free(got);
}

static void
test_numbers(void)
{
	char b[RTEXT_BUF];

	CHECK_STR(rtext_money(1832870000, b), "$1,832.87");
	CHECK_STR(rtext_money(0, b), "$0.00");
	CHECK_STR(rtext_money(5000, b), "$0.01");	/* half up */
	CHECK_STR(rtext_money(4999, b), "$0.00");
	CHECK_STR(rtext_money(-5000000, b), "-$5.00");
	CHECK_STR(rtext_money(1234567890123456LL, b), "$1,234,567,890.12");
	CHECK_STR(rtext_usd(1832870000, b), "1832.87");
	CHECK_STR(rtext_gib(306757114797843LL, b), "285,689.826");
	CHECK_STR(rtext_gib(0, b), "0.000");
	CHECK_STR(rtext_count(1234567, b), "1,234,567");
	CHECK_STR(rtext_count(-1000, b), "-1,000");
	CHECK_STR(rtext_count(999, b), "999");
	CHECK_STR(rtext_percent(2333, b), "23.33 %");
	CHECK_STR(rtext_percent(10000, b), "100.00 %");
	CHECK_STR(rtext_rate(10000, b), "$0.01");
	CHECK_STR(rtext_rate(0, b), "$0");
	CHECK_STR(rtext_rate(8500, b), "$0.0085");
	CHECK_STR(rtext_ms(12.34, b), "12.3");
	CHECK_STR(rtext_month_name("2025-06", b), "June 2025");
	CHECK_STR(rtext_month_short("2024-12", b), "Dec 2024");
	CHECK_STR(rtext_month_name("2025-13", b), "2025-13");
}

static void
test_escape(void)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	html_escape(f, "</script><img src=x onerror=alert(1)>&\"'é");
	fclose(f);
	CHECK_STR(buf, "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
		  "&amp;&quot;&#39;é");
	free(buf);
}

/* Whether PATH exists. */
static int
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

static void
test_outdir(void)
{
	char dir[64], p[128];
	struct outdir o;
	struct perr e = { P_OK, "" };
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/test_report_text.%ld",
		 (long)getpid());
	CHECK_INT(outdir_open(&o, dir, &e), P_OK);
	CHECK_INT(outdir_create(&o, "a.txt", &f, &e), P_OK);
	fputs("first", f);
	CHECK_INT(outdir_close(&o, f, &e), P_OK);
	snprintf(p, sizeof(p), "%s/a.txt", dir);
	CHECK(!exists(p));			/* not before the commit */
	CHECK_INT(outdir_commit(&o, &e), P_OK);
	CHECK(exists(p));

	/* a failure leaves the old file and no temporary one */
	CHECK_INT(outdir_open(&o, dir, &e), P_OK);
	CHECK_INT(outdir_create(&o, "a.txt", &f, &e), P_OK);
	fputs("second", f);
	outdir_abort(&o);
	f = fopen(p, "r");
	CHECK(f != NULL);
	if (f) {
		char line[16] = "";

		CHECK(fgets(line, sizeof(line), f) != NULL);
		CHECK_STR(line, "first");
		fclose(f);
	}
	snprintf(p, sizeof(p), "%s/.a.txt.tmp.%ld", dir, (long)getpid());
	CHECK(!exists(p));

	/* a directory in the way: nothing is renamed */
	snprintf(p, sizeof(p), "%s/b.txt", dir);
	CHECK(mkdir(p, 0700) == 0);
	CHECK_INT(outdir_open(&o, dir, &e), P_OK);
	CHECK_INT(outdir_create(&o, "c.txt", &f, &e), P_OK);
	CHECK_INT(outdir_close(&o, f, &e), P_OK);
	CHECK_INT(outdir_create(&o, "b.txt", &f, &e), P_OK);
	CHECK_INT(outdir_close(&o, f, &e), P_OK);
	CHECK_INT(outdir_commit(&o, &e), P_EIO);
	CHECK(strstr(e.msg, "directory") != NULL);
	outdir_abort(&o);
	snprintf(p, sizeof(p), "%s/c.txt", dir);
	CHECK(!exists(p));

	/* clean up */
	snprintf(p, sizeof(p), "%s/a.txt", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/b.txt", dir);
	rmdir(p);
	CHECK(rmdir(dir) == 0);			/* nothing else was left */
}

int
main(void)
{
	T_RUN(test_dup);
	T_RUN(test_numbers);
	T_RUN(test_escape);
	T_RUN(test_outdir);
	return T_DONE();
}
