/*
 * reqid.h - request ids for the GCP API, derived from the plan step.
 *
 * Every mutating Compute Engine call carries ?requestId=<UUID>; the
 * server ignores a second request with the same id, so a retried or
 * resumed call can never create a second VM.  The id must therefore be
 * the same every time the same step is attempted: it is computed, not
 * drawn at random, from text naming the step (the migration's id, the
 * step, the zone, the resource name).
 *
 * The UUID is the first 128 bits of SHA-256 of that text with the
 * version set to 8 ("custom", RFC 9562) and the RFC 4122 variant, so it
 * is never the zero UUID, which the API refuses.  No I/O, no state.
 *
 * Owned by the migration work.
 */
#ifndef PLANNER_REQID_H
#define PLANNER_REQID_H

#define REQID_LEN	36	/* "xxxxxxxx-xxxx-8xxx-yxxx-xxxxxxxxxxxx" */

/* Write the request id of the step named by the parts (joined with '|'
 * so "a","bc" and "ab","c" differ) into OUT (REQID_LEN + 1 bytes). */
void reqid_make(char out[REQID_LEN + 1], const char *const *parts,
		int nparts);

/* Whether S has the shape of a UUID (8-4-4-4-12 lowercase hex) and is
 * not the zero UUID. */
int reqid_valid(const char *s);

#endif
