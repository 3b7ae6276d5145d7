/*
 * main.c - planner's entry point: the nightly run and the subcommands.
 *
 * The exit status contract is shared/design/cli.md (and err.h): 0 done,
 * 1 runtime failure, 2 usage, 3 done with alerts, 4 locked out.  Errors
 * are printed once, by the module that decides the exit status.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "nightly.h"
#include "report.h"
#include "resolve.h"

#define PLANNER_VERSION "0.2.0"

static int
run_options(int argc, char **argv)
{
	static struct options o;
	struct perr e = { P_OK, "" };
	int status;

	if (cli_parse(argc, argv, &o, &e)) {
		log_error("%s", e.msg);
		status = EXIT_USAGE;
	} else if (o.help) {
		cli_usage(stdout);
		status = EXIT_DONE;
	} else if (o.version) {
		printf("planner %s\n", PLANNER_VERSION);
		status = EXIT_DONE;
	} else {
		log_set_level(o.verbosity < 0 ? LOG_ERROR :
			      o.verbosity == 0 ? LOG_WARN :
			      o.verbosity == 1 ? LOG_INFO : LOG_DEBUG);
		if (o.log_format && strcmp(o.log_format, "json") == 0)
			log_set_json(1);
		status = nightly_run(&o);
	}
	cli_release(&o);
	return status;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "resolve") == 0)
		return cmd_resolve(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "report") == 0)
		return cmd_report(argc - 2, argv + 2);
	return run_options(argc, argv);
}
