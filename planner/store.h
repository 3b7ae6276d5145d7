/*
 * store.h - the SQLite database, the only module that talks SQL.
 *
 * store_open() opens (or creates) the file and brings its schema up to
 * date by applying, in order and each in its own transaction, the
 * numbered files sql/NNN_*.sql compiled into the binary; PRAGMA
 * user_version records the last one applied.  A database written by a
 * newer planner is refused rather than misread.
 *
 * Ownership: a struct store owns its sqlite3 handle; store_close()
 * releases it.  Statements prepared with store_prepare() belong to the
 * caller, who finalizes them.  Every value from input is bound as a
 * parameter; no SQL text is ever built from data.
 */
#ifndef PLANNER_STORE_H
#define PLANNER_STORE_H

#include <sqlite3.h>

#include "err.h"

struct store {
	sqlite3 *db;
	const char *path;	/* borrowed from the caller */
	int schema_version;	/* after upgrade */
};

/* Open PATH, creating it if needed, and upgrade its schema. */
enum perr_code store_open(struct store *s, const char *path,
			  struct perr *e);
void store_close(struct store *s);

/* The highest schema version this binary knows. */
int store_latest_version(void);

/* Transactions.  store_begin starts an IMMEDIATE transaction, so a
 * second writer waits (busy timeout) instead of failing half-way. */
enum perr_code store_begin(struct store *s, struct perr *e);
enum perr_code store_commit(struct store *s, struct perr *e);
void store_rollback(struct store *s);

/* Switch foreign key checks on or off; only outside a transaction.
 * import_path switches them off for its transaction (see import.c). */
enum perr_code store_foreign_keys(struct store *s, int on, struct perr *e);

/* Bulk mode for one large write transaction: the rollback journal
 * instead of the WAL (see store.c for why).  Call with ON before
 * store_begin and with !ON after the transaction ends.  Switching on
 * does not wait: when another connection has the database open, the
 * transaction simply goes through the WAL. */
void store_bulk(struct store *s, int on);

/* Execute SQL that takes no parameters (schema, pragmas). */
enum perr_code store_exec(struct store *s, const char *sql, struct perr *e);

/* Prepare SQL into *STMT; on failure fills E with SQLite's message. */
enum perr_code store_prepare(struct store *s, const char *sql,
			     sqlite3_stmt **stmt, struct perr *e);

/* Record an SQLite failure RC on S in E and return P_EDB. */
enum perr_code store_fail(struct store *s, int rc, struct perr *e,
			  const char *what);

/* Step ST, which must finish without a row, and finalize it; a failure
 * names WHAT.  For one-shot INSERT, UPDATE and DELETE statements. */
enum perr_code store_run(struct store *s, sqlite3_stmt *st,
			 const char *what, struct perr *e);

/* store_run for a statement kept to run again: ST is reset, not
 * finalized, and its bindings stay. */
enum perr_code store_rerun(struct store *s, sqlite3_stmt *st,
			   const char *what, struct perr *e);

/* Step ST, which must yield a row (it is not finalized).  Anything else
 * is an error naming WHAT: a corrupt page or an overflow in SUM must not
 * pass for "no data". */
enum perr_code store_row(struct store *s, sqlite3_stmt *st,
			 const char *what, struct perr *e);

/* Bind helpers: bind text of length N, or NULL when S is NULL. */
int store_bind_text(sqlite3_stmt *st, int i, const char *s, int n);

/* Insert a row in import_file for PATH of KIND and SIZE bytes (SHA256
 * may be NULL), in the current transaction; its id goes to *ID. */
enum perr_code store_add_import(struct store *s, const char *path,
				const char *kind, long long size,
				const char *sha256, long long *id,
				struct perr *e);

/* *SEEN = 1 when a file of KIND with content SHA256 was imported before;
 * with LATEST_ONLY, only when it was the last import of that KIND. */
enum perr_code store_seen_import(struct store *s, const char *kind,
				 const char *sha256, int latest_only,
				 int *seen, struct perr *e);

/* Record the start of a nightly run (*ID) and its end. */
enum perr_code store_begin_run(struct store *s, long long *id,
			       struct perr *e);
enum perr_code store_end_run(struct store *s, long long id, int status,
			     const char *month, long long rows_imported,
			     long long rows_rejected, long long duration_ms,
			     struct perr *e);

/* Update the row counts of import ID. */
enum perr_code store_finish_import(struct store *s, long long id,
				   long long rows_read, long long rows_new,
				   struct perr *e);

/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ" in BUF (>= 21 bytes);
 * honours PLANNER_NOW (same format) so tests are reproducible. */
const char *store_now(char *buf, unsigned n);

#endif
