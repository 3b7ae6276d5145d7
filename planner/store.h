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

/* Execute SQL that takes no parameters (schema, pragmas). */
enum perr_code store_exec(struct store *s, const char *sql, struct perr *e);

/* Prepare SQL into *STMT; on failure fills E with SQLite's message. */
enum perr_code store_prepare(struct store *s, const char *sql,
			     sqlite3_stmt **stmt, struct perr *e);

/* Record an SQLite failure RC on S in E and return P_EDB. */
enum perr_code store_fail(struct store *s, int rc, struct perr *e,
			  const char *what);

/* Bind helpers: bind text of length N, or NULL when S is NULL. */
int store_bind_text(sqlite3_stmt *st, int i, const char *s, int n);

/* Insert a row in import_file for PATH of KIND and SIZE bytes, in the
 * current transaction; its id goes to *ID. */
enum perr_code store_add_import(struct store *s, const char *path,
				const char *kind, long long size,
				long long *id, struct perr *e);

/* Update the row counts of import ID. */
enum perr_code store_finish_import(struct store *s, long long id,
				   long long rows_read, long long rows_new,
				   struct perr *e);

/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ" in BUF (>= 21 bytes);
 * honours PLANNER_NOW (same format) so tests are reproducible. */
const char *store_now(char *buf, unsigned n);

#endif
