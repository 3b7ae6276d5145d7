/*
 * report.h - `planner report`: the monthly savings report.
 *
 * Owned by the report work.  Writes report.html, report.pdf,
 * report.json and every chart as <name>.png and <name>.svg into a
 * directory, from the database alone (see reports/figures.h for where
 * each figure comes from).
 */
#ifndef PLANNER_REPORT_H
#define PLANNER_REPORT_H

/* `planner report --month YYYY-MM --out DIR [--db FILE] [--json]
 * [--config FILE] [-q] [-v]`: ARGV holds the arguments after "report".
 * Returns the exit status: 0 written, 1 runtime failure, 2 usage. */
int cmd_report(int argc, char **argv);

#endif
