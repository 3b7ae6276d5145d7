/*
 * cli.h - the command line and the settings file, one set of options.
 *
 * Every long option can also be written in a settings file (--config) as
 * "name = value" (a flag as "name = true"); command-line options win.
 * Repeatable options (--gcp-billing, --vast-billing) accumulate; the
 * command line's list replaces the file's when both give one.
 */
#ifndef PLANNER_CLI_H
#define PLANNER_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define CLI_MAX_FILES	64	/* billing files per kind in one run */

struct file_list {
	const char *path[CLI_MAX_FILES];
	int n;
};

struct options {
	const char *config;
	const char *db;
	const char *vast_instances;
	const char *gcp_instances;
	struct file_list gcp_billing;
	struct file_list vast_billing;
	const char *month;
	const char *plan_json;
	const char *pair_label;
	const char *rate_cross;		/* USD per GiB, as given */
	const char *rate_same;
	int64_t rate_cross_micro;	/* the same, parsed (when given) */
	int64_t rate_same_micro;
	const char *rate_card;		/* file; NULL: the built-in one */
	const char *metrics_file;
	const char *alert_webhook;
	const char *log_format;		/* "text" or "json" */
	const char *geoip;		/* MaxMind-format database */
	const char *allow_regions;	/* comma-separated region names */
	const char *exclude_regions;
	/* Input discovery: glob patterns; the newest match of an inventory
	 * pattern, every match of a billing pattern not imported before. */
	const char *vast_instances_glob;
	const char *gcp_instances_glob;
	struct file_list gcp_billing_glob;
	struct file_list vast_billing_glob;
	int keep_going;
	int verbosity;			/* -1 quiet, 0 normal, 1+ verbose */
	int migrate, dry_run;
	/* The cleanup wave (--migrate); numbers as text, checked when
	 * parsed (cli_parse) and converted by nightly.c. */
	const char *project;
	const char *api_endpoint;
	const char *access_token_file;
	const char *max_migrations;
	const char *latency_threshold_ms;
	const char *probe_via;		/* "local" or "ssh" */
	const char *probe_port;
	int delete_source, allow_local_ssd;
	int help, version;
	char *owned[CLI_MAX_FILES * 2 + 32];	/* settings-file values */
	int nowned;
	long set_line[64];	/* settings-file line that set an option */
};

/* Parse ARGV (the whole command line) into O; the settings file named by
 * --config (or a default) is read first.  Returns P_OK or P_EUSAGE with
 * the message in E.  Strings point into ARGV or into memory that lives
 * until cli_release(). */
enum perr_code cli_parse(int argc, char **argv, struct options *o,
			 struct perr *e);

/* Read only the settings file at PATH into O (for `planner resolve
 * --config`); P_EUSAGE naming the line if it is wrong.  Release O with
 * cli_release() either way. */
enum perr_code cli_read_settings(const char *path, struct options *o,
				 struct perr *e);

/* Free the strings O holds from the settings file. */
void cli_release(struct options *o);

/* The --help text. */
void cli_usage(FILE *f);

#endif
