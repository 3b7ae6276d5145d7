/*
 * err.h - one error vocabulary for the whole program.
 *
 * Modules never print.  A function that can fail returns an enum perr_code
 * and, on failure, fills a caller-owned struct perr with one line of text
 * that names the subject (file, line, field) and what was expected.  Only
 * main.c turns that into a message on stderr and an exit status.
 */
#ifndef PLANNER_ERR_H
#define PLANNER_ERR_H

#include <stddef.h>

enum perr_code {
	P_OK = 0,
	P_EUSAGE,	/* the caller asked for something meaningless */
	P_EIO,		/* a file could not be read or written */
	P_EPARSE,	/* input is not what its format says it must be */
	P_ELIMIT,	/* input exceeds a documented limit (caps.h) */
	P_EDB,		/* SQLite failed */
	P_ENOMEM,	/* an allocation failed */
	P_EDATA,	/* a shipped data file is broken */
	P_EHTTP,	/* a remote API call failed */
	P_ELOCKED,	/* another run holds the database */
	P_ESTOPPED	/* a signal asked the run to stop */
};

struct perr {
	enum perr_code code;
	char msg[1024];
};

/* Record CODE and a printf-formatted message in E (which may be NULL);
 * returns CODE so callers can write `return perr_set(e, P_EIO, ...)`. */
enum perr_code perr_set(struct perr *e, enum perr_code code,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the message already in E with a printf-formatted context. */
void perr_prefix(struct perr *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Exit statuses: the contract in shared/design/cli.md. */
enum exit_status {
	EXIT_DONE = 0,		/* nothing needs a human */
	EXIT_FAILURE_RT = 1,	/* I/O, database, API; input refused */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_ALERTS = 3,	/* done, with alerts */
	EXIT_LOCKED = 4		/* another run holds the database */
};

#endif
