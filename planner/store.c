/*
 * store.c - SQLite file, schema upgrades, small helpers.  See store.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "billing.h"
#include "embed.h"
#include "store.h"

/* How long a writer waits for another run's transaction (ms). */
#define STORE_BUSY_MS	10000

enum perr_code
store_fail(struct store *s, int rc, struct perr *e, const char *what)
{
	const char *m = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

	return perr_set(e, P_EDB, "database '%s': %s: %s",
			s && s->path ? s->path : "?", what, m);
}

enum perr_code
store_exec(struct store *s, const char *sql, struct perr *e)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? P_OK : store_fail(s, rc, e, "statement");
}

enum perr_code
store_foreign_keys(struct store *s, int on, struct perr *e)
{
	return store_exec(s, on ? "PRAGMA foreign_keys = ON" :
			  "PRAGMA foreign_keys = OFF", e);
}

/*
 * In WAL mode a transaction's pages are written twice, to the WAL and
 * by the checkpoint to the database, and SQLite finds a page among the
 * transaction's frames with a lookup that slows as the WAL grows: an
 * import of a 2 GB export took 34 s in WAL mode, 13 s with the rollback
 * journal (a new page goes straight to the database; only the old pages
 * the import changes are journalled).  So a large import leaves WAL
 * mode for its transaction.  It is as durable (synchronous stays FULL);
 * what it gives up is concurrency: while it runs, readers wait for it.
 * Leaving WAL needs the database to itself, so the switch is tried with
 * no busy wait, and the import stays in the WAL if it fails.
 */
void
store_bulk(struct store *s, int on)
{
	if (on)
		sqlite3_busy_timeout(s->db, 0);
	sqlite3_exec(s->db, on ? "PRAGMA journal_mode = DELETE" :
		     "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
}

enum perr_code
store_prepare(struct store *s, const char *sql, sqlite3_stmt **stmt,
	      struct perr *e)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL);

	return rc == SQLITE_OK ? P_OK : store_fail(s, rc, e, "prepare");
}

enum perr_code
store_rerun(struct store *s, sqlite3_stmt *st, const char *what,
	    struct perr *e)
{
	int rc = sqlite3_step(st);
	enum perr_code r = rc == SQLITE_DONE ? P_OK :
	    store_fail(s, rc, e, what);

	sqlite3_reset(st);
	return r;
}

enum perr_code
store_run(struct store *s, sqlite3_stmt *st, const char *what,
	  struct perr *e)
{
	enum perr_code r = store_rerun(s, st, what, e);

	sqlite3_finalize(st);
	return r;
}

enum perr_code
store_row(struct store *s, sqlite3_stmt *st, const char *what,
	  struct perr *e)
{
	int rc = sqlite3_step(st);

	return rc == SQLITE_ROW ? P_OK : store_fail(s, rc, e, what);
}

int
store_bind_text(sqlite3_stmt *st, int i, const char *s, int n)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, n, SQLITE_TRANSIENT);
}

enum perr_code
store_begin(struct store *s, struct perr *e)
{
	return store_exec(s, "BEGIN IMMEDIATE", e);
}

enum perr_code
store_commit(struct store *s, struct perr *e)
{
	return store_exec(s, "COMMIT", e);
}

void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Schema files are "sql/NNN_name.sql"; NNN is the version they bring. */
static int
schema_file_version(const char *name)
{
	const char *p = name + 4;
	int v = 0, i;

	if (strncmp(name, "sql/", 4) != 0)
		return -1;
	for (i = 0; i < 3; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return p[3] == '_' ? v : -1;
}

int
store_latest_version(void)
{
	const struct embedded_file *f;
	int v, max = 0;

	for (f = embedded_files; f->name; f++)
		if ((v = schema_file_version(f->name)) > max)
			max = v;
	return max;
}

/* Another file bringing the same version as F, or NULL.  Two branches
 * that each add a schema file can merge into two files with one number,
 * and the second would never be applied: refuse that loudly. */
static const struct embedded_file *
schema_twin(const struct embedded_file *f)
{
	const struct embedded_file *g;
	int v = schema_file_version(f->name);

	for (g = embedded_files; g->name; g++)
		if (g != f && schema_file_version(g->name) == v)
			return g;
	return NULL;
}

static const struct embedded_file *
schema_file(int version)
{
	const struct embedded_file *f;

	for (f = embedded_files; f->name; f++)
		if (schema_file_version(f->name) == version)
			return f;
	return NULL;
}

/* Schema steps that need the program as well as SQL; each runs after
 * its file, in the same transaction. */
static const struct {
	int version;
	enum perr_code (*run)(struct store *, struct perr *);
} schema_steps[] = {
	{ 7, bill_upgrade_7 },	/* billing_line into billing_usage */
};

static enum perr_code
schema_step(struct store *s, int version, struct perr *e)
{
	struct perr local;
	size_t i;

	if (e == NULL)
		e = &local;
	for (i = 0; i < sizeof(schema_steps) / sizeof(schema_steps[0]); i++)
		if (schema_steps[i].version == version)
			return schema_steps[i].run(s, e);
	return P_OK;
}

static enum perr_code
apply_schema(struct store *s, int version, struct perr *e)
{
	const struct embedded_file *f = schema_file(version);
	char pragma[64];

	if (f == NULL)
		return perr_set(e, P_EDATA, "schema version %d missing from "
				"this build", version);
	if (schema_twin(f) != NULL)
		return perr_set(e, P_EDATA, "schema version %d is brought by "
				"both %s and %s: renumber one", version,
				f->name, schema_twin(f)->name);
	if (store_begin(s, e) || store_exec(s, (const char *)f->data, e) ||
	    schema_step(s, version, e))
		goto fail;
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", version);
	if (store_exec(s, pragma, e) || store_commit(s, e))
		goto fail;
	return P_OK;
fail:
	store_rollback(s);
	perr_prefix(e, "upgrading to schema %d (%s)", version, f->name);
	return e ? e->code : P_EDB;
}

static int
read_user_version(struct store *s)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static enum perr_code
upgrade(struct store *s, struct perr *e)
{
	int v = read_user_version(s), latest = store_latest_version();

	if (v < 0)
		return perr_set(e, P_EDB, "database '%s': not an SQLite "
				"database or unreadable: %s", s->path,
				sqlite3_errmsg(s->db));
	if (v > latest)
		return perr_set(e, P_EDB, "database '%s' has schema %d; this "
				"planner knows up to %d: use a newer planner",
				s->path, v, latest);
	for (v++; v <= latest; v++)
		if (apply_schema(s, v, e))
			return e ? e->code : P_EDB;
	s->schema_version = latest;
	return P_OK;
}

/*
 * Open, set the connection up, upgrade.  The settings, chosen with the
 * benchmark (bench/, README "Performance"):
 * - journal_mode WAL: a report or an operator's query can read while
 *   the nightly run writes.  A large import leaves it for its own
 *   transaction (store_bulk): the WAL would write it twice.
 * - synchronous stays FULL (SQLite's default): a committed import
 *   survives a power cut.  There is one commit per file, so its fsync
 *   costs nothing measurable; NORMAL would save nothing either, as the
 *   checkpoint syncs the WAL anyway.
 * - cache_size and temp_store stay at their defaults (2 MB; temporary
 *   files on disk): with billing keys indexed in time order (schema 3)
 *   a larger cache made no measurable difference, and a bounded cache
 *   keeps peak memory near 30 MB whatever the export's size.
 * - foreign_keys ON, except inside an import transaction (import.c).
 */
enum perr_code
store_open(struct store *s, const char *path, struct perr *e)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->path = path;
	rc = sqlite3_open_v2(path, &s->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		store_fail(s, rc, e, "open");
		store_close(s);
		return P_EDB;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	if (store_foreign_keys(s, 1, e) ||
	    store_exec(s, "PRAGMA journal_mode = WAL", e) ||
	    upgrade(s, e)) {
		store_close(s);
		return e ? e->code : P_EDB;
	}
	return P_OK;
}

void
store_close(struct store *s)
{
	if (s->db)
		sqlite3_close(s->db);
	s->db = NULL;
}

const char *
store_now(char *buf, unsigned n)
{
	const char *fixed = getenv("PLANNER_NOW");
	time_t t = time(NULL);
	struct tm tm;

	if (fixed && *fixed) {
		snprintf(buf, n, "%s", fixed);
		return buf;
	}
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

enum perr_code
store_add_import(struct store *s, const char *path, const char *kind,
		 long long size, const char *sha256, long long *id,
		 struct perr *e)
{
	sqlite3_stmt *st;
	char now[32];

	if (store_prepare(s, "INSERT INTO import_file(path, kind, bytes, "
			  "imported_at, sha256) VALUES (?, ?, ?, ?, ?)", &st,
			  e))
		return P_EDB;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, size);
	sqlite3_bind_text(st, 4, store_now(now, sizeof(now)), -1,
			  SQLITE_TRANSIENT);
	store_bind_text(st, 5, sha256, -1);
	if (store_run(s, st, "recording the import", e))
		return e->code;
	*id = sqlite3_last_insert_rowid(s->db);
	return P_OK;
}

enum perr_code
store_finish_import(struct store *s, long long id, long long rows_read,
		    long long rows_new, struct perr *e)
{
	sqlite3_stmt *st;

	if (store_prepare(s, "UPDATE import_file SET rows_read = ?, "
			  "rows_new = ? WHERE id = ?", &st, e))
		return P_EDB;
	sqlite3_bind_int64(st, 1, rows_read);
	sqlite3_bind_int64(st, 2, rows_new);
	sqlite3_bind_int64(st, 3, id);
	return store_run(s, st, "recording the import", e);
}

enum perr_code
store_seen_import(struct store *s, const char *kind, const char *sha256,
		  int latest_only, int *seen, struct perr *e)
{
	static const char any[] = "SELECT COUNT(*) FROM import_file WHERE "
	    "kind = ?1 AND sha256 = ?2";
	static const char last[] = "SELECT sha256 = ?2 FROM import_file "
	    "WHERE kind = ?1 ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *st;

	*seen = 0;
	if (store_prepare(s, latest_only ? last : any, &st, e))
		return e->code;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sha256, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*seen = sqlite3_column_int(st, 0) > 0;
		/* FALLTHROUGH */
	case SQLITE_DONE:	/* no import of KIND yet */
		sqlite3_finalize(st);
		return P_OK;
	default:
		return store_run(s, st, "looking up earlier imports", e);
	}
}

enum perr_code
store_begin_run(struct store *s, long long *id, struct perr *e)
{
	sqlite3_stmt *st;
	char now[32];

	if (store_prepare(s, "INSERT INTO run(started_at) VALUES (?)", &st,
			  e))
		return e->code;
	sqlite3_bind_text(st, 1, store_now(now, sizeof(now)), -1,
			  SQLITE_TRANSIENT);
	if (store_run(s, st, "recording the run", e))
		return e->code;
	*id = sqlite3_last_insert_rowid(s->db);
	return P_OK;
}

enum perr_code
store_end_run(struct store *s, long long id, int status, const char *month,
	      long long rows_imported, long long rows_rejected,
	      long long duration_ms, struct perr *e)
{
	sqlite3_stmt *st;
	char now[32];

	if (store_prepare(s, "UPDATE run SET finished_at = ?, status = ?, "
			  "month = ?, rows_imported = ?, rows_rejected = ?, "
			  "duration_ms = ? WHERE id = ?", &st, e))
		return e->code;
	sqlite3_bind_text(st, 1, store_now(now, sizeof(now)), -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, status);
	store_bind_text(st, 3, month, -1);
	sqlite3_bind_int64(st, 4, rows_imported);
	sqlite3_bind_int64(st, 5, rows_rejected);
	sqlite3_bind_int64(st, 6, duration_ms);
	sqlite3_bind_int64(st, 7, id);
	return store_run(s, st, "recording the run", e);
}
