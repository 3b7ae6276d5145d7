-- 002_nightly.sql: what unattended nightly runs need: content hashes of
-- imported files (to skip what a cron run has seen), the alerts raised,
-- and a record of each run.

ALTER TABLE import_file ADD COLUMN sha256 TEXT;
CREATE INDEX import_file_hash ON import_file(kind, sha256);

-- Everything that needed a human, as it was raised.
CREATE TABLE alert (
  id        INTEGER PRIMARY KEY,
  run_id    INTEGER REFERENCES run(id),
  raised_at TEXT NOT NULL,          -- ISO 8601 UTC
  kind      TEXT NOT NULL,          -- unmapped-location, rejected-rows,
                                    -- latency, migration-rollback, ...
  subject   TEXT,                   -- the location, file or VM concerned
  message   TEXT NOT NULL
);

-- One row per nightly run.
CREATE TABLE run (
  id            INTEGER PRIMARY KEY,
  started_at    TEXT NOT NULL,
  finished_at   TEXT,
  status        INTEGER,            -- the exit status
  month         TEXT,
  rows_imported INTEGER NOT NULL DEFAULT 0,
  rows_rejected INTEGER NOT NULL DEFAULT 0,
  duration_ms   INTEGER
);
