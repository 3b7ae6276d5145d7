-- 005_migrate.sql: the journal of cleanup waves (planner --migrate).
-- Each step is written here before it is taken and again when it ends,
-- so a run killed at any point can be started again and finish the job
-- (see planner/migrate.h for how the journal is replayed).

-- One row per VM move.  finished_at is NULL while the move is open; a
-- later run resumes open moves before it starts new ones.
CREATE TABLE migration (
  id            INTEGER PRIMARY KEY,
  uid           TEXT NOT NULL UNIQUE,  -- random; seeds the request ids
  run_id        INTEGER REFERENCES run(id),  -- the run that started it
  month         TEXT,                  -- the plan it came from
  project       TEXT NOT NULL,
  vm_name       TEXT NOT NULL,         -- the VM being moved (the source)
  from_zone     TEXT NOT NULL,
  from_region   TEXT NOT NULL,
  gpu_id        INTEGER NOT NULL,
  pair_value    TEXT,                  -- the pairing label's value
  best_region   TEXT NOT NULL,         -- the GPU's best region and zone
  best_zone     TEXT NOT NULL,
  image_name    TEXT NOT NULL,         -- machine image carrying the disks
  new_name      TEXT,                  -- the new VM, once validated
  to_zone       TEXT,                  -- its zone, once validated
  to_region     TEXT,
  state         TEXT NOT NULL          -- started -> validated -> done;
                CHECK (state IN ('started', 'validated', 'done', 'failed',
                                 'rolled-back', 'refused')),
  started_at    TEXT NOT NULL,         -- ISO 8601 UTC
  finished_at   TEXT,
  savings_micro INTEGER,               -- the plan's monthly saving
  latency_ms    REAL,                  -- median handshake GPU -> new VM
  probe_loss    REAL,                  -- share of probes lost
  error         TEXT                   -- why it failed or was refused
);
CREATE UNIQUE INDEX migration_open ON migration(project, vm_name, from_zone)
  WHERE finished_at IS NULL;

-- Every step of every move, in order.
CREATE TABLE migration_step (
  id           INTEGER PRIMARY KEY,
  migration_id INTEGER NOT NULL REFERENCES migration(id),
  step         TEXT NOT NULL,   -- image, quota, zone, create, probe,
                                -- rollback, label-new, label-source,
                                -- stop-source, delete-source
  region       TEXT,
  zone         TEXT,
  target       TEXT,            -- the resource acted on
  request_id   TEXT,            -- the requestId sent with the call
  state        TEXT NOT NULL
               CHECK (state IN ('started', 'done', 'failed', 'skipped')),
  class        TEXT,            -- zone, region, project, config,
                                -- transient, unknown, latency
  code         TEXT,            -- the raw GCP error code
  detail       TEXT,
  started_at   TEXT NOT NULL,
  finished_at  TEXT
);
CREATE INDEX migration_step_of ON migration_step(migration_id);

-- Every latency probe of a wave, one row per TCP handshake: the report's
-- latency per region (sql/report_latency.sql) reads region, rtt_ms and
-- measured_at.
CREATE TABLE latency_probe (
  id           INTEGER PRIMARY KEY,
  migration_id INTEGER REFERENCES migration(id),
  region       TEXT NOT NULL,   -- the probed VM's region
  zone         TEXT,
  target       TEXT,            -- the VM probed
  vantage      TEXT NOT NULL    -- where from: the GPU host, or here
               CHECK (vantage IN ('ssh', 'local')),
  rtt_ms       REAL,            -- the handshake; NULL when unanswered
  measured_at  TEXT NOT NULL    -- ISO 8601 UTC
);
CREATE INDEX latency_probe_time ON latency_probe(measured_at);
