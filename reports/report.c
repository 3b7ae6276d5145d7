/*
 * report.c - `planner report`: options, then figures, charts, HTML, PDF
 * and JSON written all or nothing into the output directory.  See
 * report.h.
 *
 * Owned by the report work.  This is the only part of reports/ that
 * prints: errors on stderr ("planner: ..."), the figures (--json) or a
 * one-line note of what was written on stdout.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart.h"
#include "cli.h"
#include "draw.h"
#include "figures.h"
#include "html.h"
#include "log.h"
#include "outdir.h"
#include "pdf.h"
#include "report.h"
#include "timeutil.h"

/* Pixels per point of the PNG charts: 1040 px wide, sharp in print. */
#define PNG_SCALE	2.0

struct ropts {
	const char *month, *out, *db, *config;
	int json, verbosity, help;
};

static const char *const captions[CHART_COUNT] = {
	"Realised savings come from completed migrations, counted from the "
	"month after each move; projected savings are what moving the pairs "
	"that still cross regions would save in that month.",
	"Cross-region egress and its cost this month by region pair (CPU VM "
	"region to GPU region): the ten costliest, then all others "
	"together. The table further down has every figure.",
	"The share of priced pairs whose CPU VM sits in its GPU's region, "
	"per month, against the goal of 95 %.",
	"Median and 95th percentile of the measured round trip between GPU "
	"hosts and their CPU VMs, per VM region, against the 20 ms limit.",
	"GPU hosts and the GCP regions of their CPU VMs: red lines cross "
	"regions; a green ring marks a GPU whose VM is in its region."
};

static void
usage(FILE *f)
{
	fputs("usage: planner report [--month YYYY-MM] --out DIR "
	      "[--db FILE] [--json]\n"
	      "                      [--config FILE] [-q] [-v]\n"
	      "  --month YYYY-MM  the month to report (default: the latest "
	      "planned)\n"
	      "  --out DIR        where report.html, report.pdf, report.json "
	      "and the\n"
	      "                   charts (<name>.png, <name>.svg) go; "
	      "created if missing\n"
	      "  --db FILE        the database (default: planner.db, or the "
	      "settings file's)\n"
	      "  --json           print every figure of the report as JSON "
	      "on stdout\n"
	      "exit status: 0 written, 1 runtime failure, 2 usage error\n",
	      f);
}

/* The value of option ARGV[*I] ("--out DIR" or "--out=DIR"), or NULL
 * when it is not option NAME; *BAD when the value is missing. */
static const char *
value(int argc, char **argv, int *i, const char *name, int *bad)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*bad = 1;
		return NULL;
	}
	return argv[++*i];
}

/* Parse the options; returns 0, or -1 after a message. */
static int
parse(int argc, char **argv, struct ropts *o)
{
	const char *v;
	int i, bad = 0;

	for (i = 0; i < argc && !bad; i++) {
		const char *a = argv[i];

		if ((v = value(argc, argv, &i, "--month", &bad)))
			o->month = v;
		else if ((v = value(argc, argv, &i, "--out", &bad)))
			o->out = v;
		else if ((v = value(argc, argv, &i, "--db", &bad)))
			o->db = v;
		else if ((v = value(argc, argv, &i, "--config", &bad)))
			o->config = v;
		else if (bad)
			break;
		else if (strcmp(a, "--json") == 0)
			o->json = 1;
		else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
			o->verbosity = -1;
		else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
			o->verbosity++;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			o->help = 1;
		else {
			log_error("report: unknown option '%s' (try --help)",
				  a);
			return -1;
		}
	}
	if (bad) {
		log_error("report: option '%s' needs a value", argv[i - 1]);
		return -1;
	}
	return 0;
}

/* Check the options; the database path comes from the settings file
 * when --db is not given.  Returns 0, or -1 after a message. */
static int
check(struct ropts *o, struct options *settings)
{
	char *argv[4];
	struct perr e = { P_OK, "" };
	int64_t a, b;

	argv[0] = (char *)"planner";
	argv[1] = (char *)"--config";
	argv[2] = (char *)o->config;
	argv[3] = NULL;
	if (cli_parse(o->config ? 3 : 1, argv, settings, &e)) {
		log_error("%s", e.msg);
		return -1;
	}
	if (o->db == NULL)
		o->db = settings->db ? settings->db : "planner.db";
	if (o->out == NULL) {
		log_error("report: --out DIR is required (try --help)");
		return -1;
	}
	if (o->month && month_parse(o->month, &a, &b)) {
		log_error("report: --month '%s': expected YYYY-MM", o->month);
		return -1;
	}
	return 0;
}

/* Everything one run holds, released by job_release(). */
struct job {
	struct store store;
	int store_open;
	struct report_figures f;
	char month[8];
	char *json;
	struct outdir od;
	struct rbuf svg[CHART_COUNT];
};

/* Write the N bytes at P as file NAME of the report. */
static enum perr_code
put_file(struct job *j, const char *name, const void *p, size_t n,
	 struct perr *e)
{
	FILE *fp;

	if (outdir_create(&j->od, name, &fp, e))
		return e->code;
	fwrite(p, 1, n, fp);
	return outdir_close(&j->od, fp, e);
}

static enum perr_code
write_chart(struct job *j, enum chart_id id, struct perr *e)
{
	char name[64];
	FILE *fp;
	enum perr_code rc;

	if (chart_svg(id, &j->f, rbuf_write, &j->svg[id], e))
		return e->code;
	snprintf(name, sizeof(name), "%s.svg", chart_name(id));
	if (put_file(j, name, j->svg[id].p, j->svg[id].n, e))
		return e->code;
	snprintf(name, sizeof(name), "%s.png", chart_name(id));
	if (outdir_create(&j->od, name, &fp, e))
		return e->code;
	rc = chart_png(id, &j->f, PNG_SCALE, outdir_file_write, fp, e);
	if (rc == P_OK)
		rc = outdir_close(&j->od, fp, e);
	return rc;
}

/* report.json: what --json prints. */
static enum perr_code
write_json(struct job *j, struct perr *e)
{
	FILE *fp;

	if (outdir_create(&j->od, "report.json", &fp, e))
		return e->code;
	fputs(j->json, fp);
	fputc('\n', fp);
	return outdir_close(&j->od, fp, e);
}

static enum perr_code
write_html(struct job *j, struct perr *e)
{
	struct html_chart c[CHART_COUNT];
	FILE *fp;
	int id;

	for (id = 0; id < CHART_COUNT; id++) {
		c[id].name = chart_name(id);
		c[id].title = chart_title(id);
		c[id].caption = captions[id];
		c[id].svg = j->svg[id].p;
		c[id].svg_len = j->svg[id].n;
	}
	if (outdir_create(&j->od, "report.html", &fp, e))
		return e->code;
	html_write(fp, &j->f, c, CHART_COUNT, j->json);
	return outdir_close(&j->od, fp, e);
}

static enum perr_code
write_pdf(struct job *j, struct perr *e)
{
	FILE *fp;

	if (outdir_create(&j->od, "report.pdf", &fp, e) ||
	    pdf_write(&j->f, outdir_file_write, fp, e))
		return e->code;
	return outdir_close(&j->od, fp, e);
}

/* Every file, then their real names. */
static enum perr_code
write_all(struct job *j, const char *dir, struct perr *e)
{
	int id;

	if (outdir_open(&j->od, dir, e))
		return e->code;
	for (id = 0; id < CHART_COUNT; id++)
		if (write_chart(j, id, e))
			return e->code;
	if (write_json(j, e) || write_html(j, e) || write_pdf(j, e) ||
	    outdir_commit(&j->od, e))
		return e->code;
	return P_OK;
}

/* Open the database and gather the month's figures. */
static enum perr_code
gather(struct job *j, const struct ropts *o, struct perr *e)
{
	if (access(o->db, F_OK) != 0)
		return perr_set(e, P_EIO, "database '%s' not found (run the "
				"nightly job first, or give --db)", o->db);
	if (store_open(&j->store, o->db, e))
		return e->code;
	j->store_open = 1;
	if (o->month)
		snprintf(j->month, sizeof(j->month), "%s", o->month);
	else if (figures_latest_month(&j->store, j->month, sizeof(j->month),
				      e))
		return e->code;
	if (figures_load(&j->store, j->month, &j->f, e))
		return e->code;
	if ((j->json = figures_json(&j->f)) == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	return P_OK;
}

static void
job_release(struct job *j)
{
	int id;

	outdir_abort(&j->od);	/* nothing left to remove after a commit */
	for (id = 0; id < CHART_COUNT; id++)
		free(j->svg[id].p);
	free(j->json);
	figures_release(&j->f);
	if (j->store_open)
		store_close(&j->store);
}

/* What was written, for people, on stdout. */
static void
say_done(const struct job *j, const char *dir)
{
	printf("report for %s written to %s: report.html, report.pdf, "
	       "report.json and %d charts (PNG and SVG)\n", j->month, dir,
	       CHART_COUNT);
	if (!j->f.has_plan)
		log_warn("no plan for %s: the report says 'no data' (run "
			 "the nightly job with --month %s)", j->month,
			 j->month);
}

static int
run(const struct ropts *o)
{
	struct job j;
	struct perr e = { P_OK, "" };
	int status = EXIT_DONE;

	memset(&j, 0, sizeof(j));
	if (gather(&j, o, &e) || write_all(&j, o->out, &e)) {
		log_error("report: %s", e.msg);
		status = e.code == P_EUSAGE ? EXIT_USAGE : EXIT_FAILURE_RT;
	} else if (o->json) {
		fputs(j.json, stdout);
		fputc('\n', stdout);
	} else if (o->verbosity >= 0) {
		say_done(&j, o->out);
	}
	job_release(&j);
	draw_shutdown();
	if (fflush(stdout) != 0 && status == EXIT_DONE) {
		log_error("report: writing to standard output failed");
		status = EXIT_FAILURE_RT;
	}
	return status;
}

/* `planner report ...`: ARGV holds what follows "report".
 * Returns the exit status (0, 1 runtime failure, 2 usage). */
int
cmd_report(int argc, char **argv)
{
	struct ropts o;
	struct options settings;
	int status;

	memset(&o, 0, sizeof(o));
	if (parse(argc, argv, &o))
		return EXIT_USAGE;
	if (o.help) {
		usage(stdout);
		return EXIT_DONE;
	}
	if (check(&o, &settings)) {
		cli_release(&settings);
		return EXIT_USAGE;
	}
	log_set_level(o.verbosity < 0 ? LOG_ERROR : o.verbosity == 0 ?
		      LOG_WARN : LOG_INFO);
	status = run(&o);
	cli_release(&settings);
	return status;
}
