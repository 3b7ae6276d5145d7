/*
 * http.h - small HTTP calls on libcurl for the nightly run (the alert
 * webhook).  The GCP API client has its own module.
 */
#ifndef PLANNER_HTTP_H
#define PLANNER_HTTP_H

#include "err.h"

/* POST BODY (JSON) to URL.  Connection failures, timeouts, 429 and 5xx
 * are retried up to ATTEMPTS times with doubling pauses starting at
 * PAUSE_MS; any other non-2xx answer fails at once.  Each attempt may take
 * TIMEOUT_S seconds.  On failure E says what the last attempt got. */
enum perr_code http_post_json(const char *url, const char *body,
			      int attempts, long pause_ms, long timeout_s,
			      struct perr *e);

#endif
