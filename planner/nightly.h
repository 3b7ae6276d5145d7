/*
 * nightly.h - the nightly run: lock, import, plan, alerts, metrics.
 */
#ifndef PLANNER_NIGHTLY_H
#define PLANNER_NIGHTLY_H

#include "cli.h"

/* Run the nightly job described by O; returns the exit status. */
int nightly_run(const struct options *o);

#endif
