/*
 * alert.h - what needs a human, gathered during a run.
 *
 * Alerts are collected in memory as they are raised, then written to the
 * database (table alert), to stderr, and optionally posted as one JSON
 * document to a webhook.  Any alert makes the exit status 3.
 *
 * Ownership: struct alerts owns its strings; alerts_release() frees them.
 */
#ifndef PLANNER_ALERT_H
#define PLANNER_ALERT_H

#include <stddef.h>

#include "err.h"
#include "store.h"

struct alert {
	char kind[32];		/* unmapped-location, rejected-rows, ... */
	char *subject;		/* what it is about; may be NULL */
	char *message;
};

struct alerts {
	struct alert *v;
	size_t n, cap;
};

/* Add an alert; a failed allocation drops the text but keeps the count
 * (an alert is never lost to out-of-memory: the exit status still says). */
void alerts_add(struct alerts *a, const char *kind, const char *subject,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Write every alert into table alert for run RUN_ID (one transaction). */
enum perr_code alerts_save(struct store *s, long long run_id,
			   const struct alerts *a, struct perr *e);

/* The webhook document: {"source":"planner","month":...,"status":...,
 * "alerts":[{"kind","subject","message"}...]}.  Caller frees. */
char *alerts_json(const struct alerts *a, const char *month, int status);

void alerts_release(struct alerts *a);

#endif
