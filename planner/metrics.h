/*
 * metrics.h - the nightly run's numbers as a Prometheus textfile, for the
 * node exporter's textfile collector.  Written to a temporary file in the
 * same directory and renamed, so the collector never reads half a file.
 */
#ifndef PLANNER_METRICS_H
#define PLANNER_METRICS_H

#include <stdint.h>

#include "err.h"
#include "plan.h"

struct run_stats {
	int64_t finished_at;		/* unix seconds */
	int64_t duration_ms;
	long long rows_imported, rows_rejected;
	long unmapped;			/* distinct unmapped locations */
	long alerts;
	int status;			/* the exit status */
};

/* Write PATH from plan P (NULL when no plan was made) and RS. */
enum perr_code metrics_write(const char *path, const struct plan *p,
			     const struct run_stats *rs, struct perr *e);

#endif
