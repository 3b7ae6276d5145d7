/*
 * caps.h - every cap on input-driven sizes, in one place.
 *
 * A value past a cap is a clean P_ELIMIT error naming the file and line,
 * never an out-of-memory crash.  Each cap says why it is what it is.
 */
#ifndef PLANNER_CAPS_H
#define PLANNER_CAPS_H

/* One CSV field.  The largest real cells are JSON label and credit arrays
 * of a few kilobytes; 1 MiB leaves room and still bounds memory. */
#define LIM_CSV_FIELD		(1024 * 1024)

/* Columns in one CSV row.  FOCUS 1.2 has about 60, the GCP export 32. */
#define LIM_CSV_COLUMNS		512

/* All the fields of one CSV record together.  A real billing row is a
 * few kilobytes; 8 MiB keeps a record with a few maximal JSON cells and
 * still bounds memory (512 columns x LIM_CSV_FIELD would be 512 MiB). */
#define LIM_CSV_ROW		(8 * 1024 * 1024)

/* A whole JSON inventory file.  gcloud prints about 3.5 KB per VM and the
 * Vast CLI about 3 KB per instance: 256 MiB is 70,000 of either. */
#define LIM_JSON_FILE		(256L * 1024 * 1024)

/* One element of a streamed JSON list (one instance): real ones are a
 * few kilobytes. */
#define LIM_JSON_ELEMENT	(16L * 1024 * 1024)

/* Nesting depth accepted in JSON input (cJSON's own default is 1000). */
#define LIM_JSON_DEPTH		64

/* A location string from an inventory. */
#define LIM_LOCATION		512

/* One HTTP response body from the GCP API or a token endpoint.  The
 * largest real answers are instance lists and zone lists of a few
 * hundred kilobytes; 8 MiB bounds memory with room to spare. */
#define LIM_HTTP_BODY		(8L * 1024 * 1024)

/* A service-account key file (about 2.4 KB) or an access-token file
 * (a token is a few hundred bytes, at most 2 KB per Google's docs). */
#define LIM_KEY_FILE		(64 * 1024)

/* The output of a latency probe run on the GPU host through ssh: one
 * short line per probe. */
#define LIM_PROBE_OUTPUT	(64 * 1024)

#endif
