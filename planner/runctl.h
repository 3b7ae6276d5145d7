/*
 * runctl.h - being a good citizen of a server: one run at a time, and a
 * clean stop on SIGTERM or SIGINT.
 *
 * runctl_lock() takes an exclusive flock(2) on "<database>.lock" for the
 * life of the process; a second run fails at once instead of waiting
 * behind the first.  runctl_signals() makes SIGTERM and SIGINT interrupt
 * the SQLite statement in progress, so the open transaction rolls back
 * whole, and records the signal for runctl_stopped().
 */
#ifndef PLANNER_RUNCTL_H
#define PLANNER_RUNCTL_H

#include <sqlite3.h>

#include "err.h"

/* Lock DB_PATH's lock file.  P_ELOCKED (message naming the holder's pid)
 * when another process holds it.  The descriptor stays open on purpose
 * until exit; runctl_unlock() releases it earlier. */
enum perr_code runctl_lock(const char *db_path, struct perr *e);
void runctl_unlock(void);

/* Install the handlers; DB (may be NULL) is interrupted on a signal. */
void runctl_signals(sqlite3 *db);

/* The signal that asked the run to stop, or 0. */
int runctl_stopped(void);

#endif
