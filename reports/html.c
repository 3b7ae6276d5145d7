/*
 * html.c - the HTML report.  See html.h.
 *
 * Owned by the report work.  Numbers are formatted by rtext.h from the
 * figures' integers, the same way the PDF does, so both show the same
 * text for the same figure.
 */
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "rtext.h"
#include "summary.h"

static const char style[] =
	"body{font-family:'DejaVu Sans',Verdana,sans-serif;color:#222;"
	"max-width:64rem;margin:1.5rem auto;padding:0 1rem;"
	"line-height:1.4}\n"
	"h1{font-size:1.6rem;margin-bottom:.2rem}"
	"h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}\n"
	".meta,.note,figcaption{color:#555;font-size:.9rem}\n"
	"table{border-collapse:collapse;margin:.5rem 0;font-size:.85rem}\n"
	"th,td{padding:.25rem .5rem;text-align:left;vertical-align:top;"
	"overflow-wrap:break-word}\n"
	"thead th{border-bottom:2px solid #555}"
	"tbody tr:nth-child(even),table.kv tr:nth-child(even)"
	"{background:#f2f2f2}\n"
	"td.num,th.num{text-align:right;white-space:nowrap}\n"
	"table.kv{width:100%;max-width:46rem;font-size:.95rem}"
	"table.kv th{font-weight:normal;color:#444}"
	"table.kv td{font-weight:bold;text-align:right;white-space:nowrap}\n"
	".warn{border-left:4px solid #b2182b;padding:.5rem 1rem;"
	"background:#fbeaea}\n"
	"figure{margin:1.5rem 0}figure img{width:100%;max-width:52rem;"
	"height:auto;border:1px solid #ddd}\n"
	"@media print{body{margin:0;font-size:10pt}table{font-size:7.5pt}"
	"h2{break-after:avoid}figure,tr{break-inside:avoid}}\n";

/* S as HTML text: the five characters that can start or
 * end markup or an attribute become character references. */
void
html_escape(FILE *out, const char *s)
{
	size_t run;

	while (s && *s) {
		/* Text without markup characters goes out in one write. */
		run = strcspn(s, "&<>\"'");
		fwrite(s, 1, run, out);
		s += run;
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: return;	/* the end of S */
		}
		s++;
	}
}

/* ---- pieces ------------------------------------------------------ */

/* A location as shown: "(empty)" and "(unknown)" for the odd cases. */
static const char *
shown(const char *s, const char *if_null)
{
	if (s == NULL)
		return if_null;
	return *s ? s : "(empty)";
}

static void
cell(FILE *out, const char *s)
{
	fputs("<td>", out);
	html_escape(out, s);
	fputs("</td>", out);
}

static void
num(FILE *out, const char *s)
{
	fputs("<td class=\"num\">", out);
	html_escape(out, s);
	fputs("</td>", out);
}

/* A table head from a '|'-separated list; names ending in '#' are
 * numeric columns (the '#' is not shown). */
static void
thead(FILE *out, const char *cols)
{
	const char *p = cols, *q;

	fputs("<table>\n<thead><tr>", out);
	while (*p) {
		size_t n;

		q = strchr(p, '|');
		n = q ? (size_t)(q - p) : strlen(p);
		if (p[n - 1] == '#')
			fprintf(out, "<th class=\"num\">%.*s</th>",
				(int)n - 1, p);
		else
			fprintf(out, "<th>%.*s</th>", (int)n, p);
		p += n + (q != NULL);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
}

static void
tend(FILE *out)
{
	fputs("</tbody></table>\n", out);
}

static void
summary(FILE *out, const struct report_figures *f)
{
	struct summary_row rows[SUMMARY_MAX_ROWS];
	char m[RTEXT_BUF], note[600];
	size_t i, n = summary_rows(f, rows);

	fputs("<section id=\"summary\">\n<h2>Summary</h2>\n", out);
	if (!f->has_plan)
		fprintf(out, "<p class=\"warn\">No data: there is no plan "
			"for %s. Run the nightly job with --month %s.</p>\n",
			rtext_month_name(f->month, m), f->month);
	fputs("<table class=\"kv\">\n", out);
	for (i = 0; i < n; i++) {
		fputs("<tr><th>", out);
		html_escape(out, rows[i].label);
		fprintf(out, "</th><td id=\"%s\">", rows[i].id);
		html_escape(out, rows[i].value);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
	if (f->has_plan) {
		summary_assumptions(f, note, sizeof(note));
		fputs("<p class=\"note\" id=\"assumptions\">", out);
		html_escape(out, note);
		fputs("</p>\n", out);
	}
	fputs("</section>\n", out);
}

/* ---- charts ------------------------------------------------------ */

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
base64(FILE *out, const unsigned char *p, size_t n)
{
	char buf[4096];
	size_t i, o = 0;

	/* Whole groups into a buffer, written a few kilobytes at a time. */
	for (i = 0; i + 2 < n; i += 3) {
		buf[o++] = b64[p[i] >> 2];
		buf[o++] = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		buf[o++] = b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		buf[o++] = b64[p[i + 2] & 63];
		if (o + 4 > sizeof(buf)) {
			fwrite(buf, 1, o, out);
			o = 0;
		}
	}
	fwrite(buf, 1, o, out);
	if (i < n) {
		fputc(b64[p[i] >> 2], out);
		if (i + 1 < n) {
			fputc(b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)], out);
			fputc(b64[(p[i + 1] & 15) << 2], out);
		} else {
			fputc(b64[(p[i] & 3) << 4], out);
			fputc('=', out);
		}
		fputc('=', out);
	}
}

static void
charts(FILE *out, const struct html_chart *c, size_t n)
{
	size_t i;

	fputs("<section id=\"charts\">\n<h2>Charts</h2>\n", out);
	for (i = 0; i < n; i++) {
		fprintf(out, "<figure id=\"chart-%s\"><img alt=\"", c[i].name);
		html_escape(out, c[i].title);
		fputs("\" src=\"data:image/svg+xml;base64,", out);
		base64(out, c[i].svg, c[i].svg_len);
		fputs("\">\n<figcaption>", out);
		html_escape(out, c[i].caption);
		fputs("</figcaption></figure>\n", out);
	}
	fputs("</section>\n", out);
}

/* ---- tables ------------------------------------------------------ */

static void
pair_row(FILE *out, const struct rf_pair *p)
{
	char b[RTEXT_BUF];

	snprintf(b, sizeof(b), "%lld", p->gpu_id);
	fputs("<tr>", out);
	cell(out, b);
	cell(out, shown(p->gpu_location, "(unknown)"));
	cell(out, shown(p->best_zone, "-"));
	cell(out, p->cpu_name);
	cell(out, p->cpu_zone);
	num(out, rtext_gib(p->egress_bytes, b));
	cell(out, p->egress_source);
	num(out, rtext_money(p->cost_micro, b));
	num(out, rtext_money(p->savings_micro, b));
	fputs("</tr>\n", out);
}

static void
pairs_table(FILE *out, const struct report_figures *f)
{
	size_t i;

	fputs("<section id=\"crossing\">\n<h2>Pairs that cross regions, "
	      "largest saving first</h2>\n", out);
	if (f->npairs_cross == 0) {
		fputs("<p>None.</p>\n</section>\n", out);
		return;
	}
	thead(out, "GPU|GPU location|GPU's best zone|CPU VM|VM zone|"
	      "Egress (GiB)#|Egress from|Cost now#|Saving#");
	for (i = 0; i < f->npairs_cross; i++)
		pair_row(out, &f->pairs_cross[i]);
	tend(out);
	fputs("</section>\n", out);
}

static void
region_pairs_table(FILE *out, const struct report_figures *f)
{
	char b[RTEXT_BUF], l[RTEXT_BUF];
	size_t i;

	if (f->nregion_pairs == 0)
		return;
	fputs("<section id=\"region-pairs\">\n<h2>Cross-region traffic by "
	      "region pair</h2>\n", out);
	thead(out, "CPU VM region|GPU region|Pairs#|Egress (GiB)#|"
	      "Cost now#|Saving#");
	for (i = 0; i < f->nregion_pairs; i++) {
		const struct rf_region_pair *r = &f->region_pairs[i];

		fputs("<tr>", out);
		if (r->other) {
			snprintf(l, sizeof(l), "%ld other region pairs",
				 r->region_pairs);
			fprintf(out, "<td colspan=\"2\">%s</td>", l);
		} else {
			cell(out, shown(r->from_region, "?"));
			cell(out, shown(r->to_region, "?"));
		}
		num(out, rtext_count(r->pairs, b));
		num(out, rtext_gib(r->egress_bytes, b));
		num(out, rtext_money(r->cost_micro, b));
		num(out, rtext_money(r->savings_micro, b));
		fputs("</tr>\n", out);
	}
	tend(out);
	fputs("</section>\n", out);
}

static void
unpriced_table(FILE *out, const struct report_figures *f)
{
	char b[RTEXT_BUF];
	size_t i;

	fputs("<section id=\"unpriced\">\n<h2>Pairs not priced (GPU "
	      "location unknown or only a large country)</h2>\n", out);
	if (f->npairs_unpriced == 0) {
		fputs("<p>None.</p>\n</section>\n", out);
		return;
	}
	thead(out, "GPU|GPU location|Method|Confidence|CPU VM|VM zone|"
	      "Egress (GiB)#");
	for (i = 0; i < f->npairs_unpriced; i++) {
		const struct rf_pair *p = &f->pairs_unpriced[i];

		snprintf(b, sizeof(b), "%lld", p->gpu_id);
		fputs("<tr>", out);
		cell(out, b);
		cell(out, shown(p->gpu_location, "(unknown)"));
		cell(out, p->method);
		cell(out, p->confidence);
		cell(out, p->cpu_name);
		cell(out, p->cpu_zone);
		num(out, rtext_gib(p->egress_bytes, b));
		fputs("</tr>\n", out);
	}
	tend(out);
	fputs("</section>\n", out);
}

static void
unmapped_table(FILE *out, const struct report_figures *f)
{
	char b[RTEXT_BUF];
	size_t i;

	fputs("<section id=\"unmapped\">\n<h2>Unmapped locations</h2>\n"
	      "<p class=\"note\">Locations no GCP region could be found for, "
	      "with the GPUs that had them at the latest nightly run.</p>\n",
	      out);
	if (f->nunmapped == 0) {
		fputs("<p>None.</p>\n</section>\n", out);
		return;
	}
	thead(out, "Location|GPUs#|First seen|Last seen");
	for (i = 0; i < f->nunmapped; i++) {
		fputs("<tr>", out);
		cell(out, shown(f->unmapped[i].location, "(unknown)"));
		num(out, rtext_count(f->unmapped[i].count, b));
		cell(out, shown(f->unmapped[i].first_seen, ""));
		cell(out, shown(f->unmapped[i].last_seen, ""));
		fputs("</tr>\n", out);
	}
	tend(out);
	fputs("</section>\n", out);
}

static void
alerts_table(FILE *out, const struct report_figures *f)
{
	char b[RTEXT_BUF];
	size_t i;

	fputs("<section id=\"alerts\">\n<h2>Alerts this month</h2>\n", out);
	if (f->nalerts == 0) {
		fputs("<p>None.</p>\n</section>\n", out);
		return;
	}
	thead(out, "Kind|Subject|Message|Times#|Last raised");
	for (i = 0; i < f->nalerts; i++) {
		const struct rf_alert *a = &f->alerts[i];

		fputs("<tr>", out);
		cell(out, shown(a->kind, ""));
		cell(out, shown(a->subject, ""));
		cell(out, shown(a->message, ""));
		num(out, rtext_count(a->times, b));
		cell(out, shown(a->last_raised, ""));
		fputs("</tr>\n", out);
	}
	tend(out);
	fputs("</section>\n", out);
}

static void
migrations_table(FILE *out, const struct report_figures *f)
{
	char b[RTEXT_BUF];
	size_t i;

	fputs("<section id=\"migrations\">\n<h2>Migrations completed this "
	      "month</h2>\n", out);
	if (f->nmigrations == 0) {
		fputs("<p id=\"migrations-none\">None.</p>\n</section>\n",
		      out);
		return;
	}
	thead(out, "CPU VM|From zone|To zone|Finished|Saving per month#");
	for (i = 0; i < f->nmigrations; i++) {
		const struct rf_migration *m = &f->migrations[i];

		fputs("<tr>", out);
		cell(out, shown(m->vm_name, ""));
		cell(out, shown(m->from_zone, ""));
		cell(out, shown(m->to_zone, ""));
		cell(out, shown(m->finished_at, ""));
		num(out, rtext_money(m->savings_micro, b));
		fputs("</tr>\n", out);
	}
	tend(out);
	fputs("</section>\n", out);
}

static void
latency_table(FILE *out, const struct report_figures *f)
{
	char b[RTEXT_BUF];
	size_t i;

	if (f->nlatency == 0)
		return;
	fputs("<section id=\"latency\">\n<h2>Latency per region</h2>\n", out);
	thead(out, "VM region|Probes answered#|Lost#|Median (ms)#|"
	      "p95 (ms)#");
	for (i = 0; i < f->nlatency; i++) {
		const struct rf_latency *l = &f->latency[i];

		fputs("<tr>", out);
		cell(out, shown(l->region, "?"));
		num(out, rtext_count(l->samples, b));
		num(out, rtext_count(l->lost, b));
		num(out, rtext_ms(l->median_ms, b));
		num(out, rtext_ms(l->p95_ms, b));
		fputs("</tr>\n", out);
	}
	tend(out);
	fputs("</section>\n", out);
}

/* ---- the page ---------------------------------------------------- */

static void
head(FILE *out, const struct report_figures *f)
{
	char m[RTEXT_BUF];

	rtext_month_name(f->month, m);
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" "
		"content=\"default-src 'none'; img-src data:; "
		"style-src 'unsafe-inline'\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, "
		"initial-scale=1\">\n"
		"<title>Cross-region savings, %s</title>\n<style>\n%s"
		"</style>\n</head>\n<body>\n", m, style);
	fprintf(out, "<h1>Cross-region traffic savings, %s</h1>\n", m);
	fprintf(out, "<p class=\"meta\">GPU hosts on Vast.ai and their CPU "
		"VMs on Google Cloud. Generated %s", f->generated_at);
	if (f->has_plan)
		fprintf(out, " from the plan of %s made %s", f->month,
			f->plan_created_at);
	fputs(".</p>\n", out);
}

/* The whole page; write errors are left in ferror(OUT). */
void
html_write(FILE *out, const struct report_figures *f,
	   const struct html_chart *c, size_t n, const char *json)
{
	head(out, f);
	summary(out, f);
	charts(out, c, n);
	pairs_table(out, f);
	region_pairs_table(out, f);
	latency_table(out, f);
	unpriced_table(out, f);
	unmapped_table(out, f);
	alerts_table(out, f);
	migrations_table(out, f);
	fputs("<script type=\"application/json\" id=\"report-figures\">\n",
	      out);
	fputs(json, out);
	fputs("\n</script>\n</body>\n</html>\n", out);
}
