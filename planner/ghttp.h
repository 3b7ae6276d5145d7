/*
 * ghttp.h - HTTP for the GCP client, its token exchange and the alert
 * webhook: one request, retried with exponential backoff and jitter
 * until a deadline.
 *
 * Retried: transport failures (refused or reset connections, timeouts),
 * 429, 5xx, and 403 whose reason is rateLimitExceeded or
 * userRateLimitExceeded (how Compute Engine reports rate quotas).  The
 * pause doubles from GHTTP_BACKOFF_MS up to GHTTP_BACKOFF_MAX_MS, drawn
 * uniformly from its upper half (jitter, so that many clients do not
 * retry in step), and is never shorter than the server's Retry-After.
 * Nothing is retried past the caller's deadline.  A 401 is retried once
 * after asking the token source for a fresh token.
 *
 * Bearer tokens travel only in the Authorization header: they are never
 * logged, never part of an error message.  URLs must be https, or plain
 * http to a loopback address (for tests against a local server); no
 * redirect is followed and loopback is never sent through a proxy.
 *
 * Ownership: struct ghttp owns a libcurl handle (reused across calls so
 * connections are kept); a struct ghttp_resp owns its body, freed by
 * ghttp_resp_release().  Never prints except through log.h.
 *
 * Owned by the migration work.
 */
#ifndef PLANNER_GHTTP_H
#define PLANNER_GHTTP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define GHTTP_BACKOFF_MS	500	/* first pause */
#define GHTTP_BACKOFF_MAX_MS	30000	/* longest pause */

/* Where a request gets its bearer token.  TOKEN returns a token valid
 * for a while (borrowed until the next call); INVALIDATE forgets it
 * after a 401 and says whether a fresh one can be had (1) or not (0). */
struct ghttp_auth {
	enum perr_code (*token)(void *ctx, int64_t deadline_ms,
				const char **tok, struct perr *e);
	int (*invalidate)(void *ctx);
	void *ctx;
};

struct ghttp_req {
	const char *method;		/* "GET", "POST", "DELETE" */
	const char *url;
	const char *body;		/* NULL: none; POST sends "" then */
	const char *content_type;	/* NULL: application/json */
	const struct ghttp_auth *auth;	/* NULL: no Authorization */
	long attempt_timeout_ms;	/* one attempt, at most */
};

struct ghttp_resp {
	long status;		/* the last HTTP status; 0 if none came */
	char *body;		/* NUL-terminated; owned; NULL if empty */
	size_t len;
	long retry_after_ms;	/* of the last answer; -1 if none given */
	int attempts;
};

struct ghttp;

enum perr_code ghttp_open(struct ghttp **h, struct perr *e);
void ghttp_free(struct ghttp *h);

/* P_EUSAGE unless URL is https, or http whose host is a loopback
 * address literal (127.0.0.0/8 or ::1).  WHAT names it in the message
 * ("--api-endpoint"). */
enum perr_code ghttp_check_url(const char *url, const char *what,
			       struct perr *e);

/* Send RQ until it gets an answer that retrying cannot change, or
 * DEADLINE_MS (a ghttp_now_ms() instant) comes.  P_OK: RS holds that
 * answer, whatever its status (the caller judges it).  P_EHTTP: no
 * such answer before the deadline (RS holds the last one, if any).
 * P_ESTOPPED: a signal asked the run to stop (runctl.h). */
enum perr_code ghttp_send(struct ghttp *h, const struct ghttp_req *rq,
			  int64_t deadline_ms, struct ghttp_resp *rs,
			  struct perr *e);

void ghttp_resp_release(struct ghttp_resp *rs);

/* Milliseconds on the monotonic clock. */
int64_t ghttp_now_ms(void);

/* Sleep MS milliseconds unless a signal asks the run to stop first;
 * returns 0, or -1 when stopped. */
int ghttp_sleep_ms(int64_t ms);

/* The pause before retry number N (1 = first retry): GHTTP_BACKOFF_MS *
 * 2^(N-1), capped, drawn from its upper half with R (a random number),
 * and at least RETRY_AFTER_MS.  Exposed for tests. */
long ghttp_backoff_ms(int n, unsigned long r, long retry_after_ms);

#endif
