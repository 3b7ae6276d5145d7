-- 001_init.sql: the first schema.  Applied once, in one transaction, by
-- store_open(); PRAGMA user_version records that it was.  Money is in
-- integer micro-dollars, data in bytes, instants in unix seconds (UTC).

-- One row per input file that was imported (or re-imported).
CREATE TABLE import_file (
  id          INTEGER PRIMARY KEY,
  path        TEXT NOT NULL,
  kind        TEXT NOT NULL,     -- vast-instances, gcp-instances, ...
  bytes       INTEGER NOT NULL,
  rows_read   INTEGER NOT NULL DEFAULT 0,
  rows_new    INTEGER NOT NULL DEFAULT 0,
  imported_at TEXT NOT NULL      -- ISO 8601 UTC
);

-- The Vast.ai inventory: the latest snapshot replaces the previous one.
CREATE TABLE gpu (
  vast_id        INTEGER PRIMARY KEY,
  location       TEXT,           -- geolocation text; NULL if null/missing
  location_state TEXT NOT NULL   -- 'value', 'null' or 'missing'
                 CHECK (location_state IN ('value', 'null', 'missing')),
  status         TEXT,
  label          TEXT,
  gpu_name       TEXT,
  num_gpus       INTEGER,
  public_ip      TEXT,
  ssh_host       TEXT,
  ssh_port       INTEGER,
  import_id      INTEGER NOT NULL REFERENCES import_file(id)
);

-- The GCP inventory: the latest snapshot replaces the previous one.
CREATE TABLE vm (
  name          TEXT NOT NULL,
  zone          TEXT NOT NULL,
  region        TEXT NOT NULL,
  project       TEXT,
  instance_id   TEXT,            -- uint64 as decimal text; NULL from CSV
  machine_type  TEXT,
  status        TEXT,
  network_ip    TEXT,
  nat_ip        TEXT,
  pair_label    TEXT,            -- raw value of the pairing label
  labels        TEXT,            -- "k=v" lines, sorted
  local_ssd     INTEGER NOT NULL DEFAULT 0,
  import_id     INTEGER NOT NULL REFERENCES import_file(id),
  PRIMARY KEY (name, zone)
);
CREATE INDEX vm_instance ON vm(instance_id);

-- GCP billing rows (detailed export, FOCUS, console cost table), one per
-- natural key; a re-export with a newer export_time replaces the row.
CREATE TABLE billing_line (
  id              INTEGER PRIMARY KEY,
  natural_key     TEXT NOT NULL UNIQUE,
  source          TEXT NOT NULL,  -- gcp-export, focus, cost-table
  export_time     TEXT,           -- ISO 8601 UTC; NULL if the format lacks it
  account         TEXT,
  project         TEXT,
  service         TEXT,
  sku_id          TEXT,
  sku_desc        TEXT,
  usage_start     INTEGER NOT NULL,
  usage_end       INTEGER NOT NULL,
  region          TEXT,
  zone            TEXT,
  resource_name   TEXT,
  resource_global TEXT,
  vm_instance_id  TEXT,           -- from resource_global ".../instances/ID"
  cost_micro      INTEGER NOT NULL,   -- in USD after conversion
  credits_micro   INTEGER NOT NULL DEFAULT 0,
  currency        TEXT,
  egress_kind     TEXT,           -- 'internet', 'inter-region' or NULL
  egress_bytes    INTEGER,        -- usage of an egress row, in bytes
  import_id       INTEGER NOT NULL REFERENCES import_file(id)
);
CREATE INDEX billing_egress ON billing_line(usage_start)
  WHERE egress_kind IS NOT NULL;

-- Vast.ai charges, one row per charge item.
CREATE TABLE vast_charge (
  instance_id    INTEGER NOT NULL,
  item_type      TEXT NOT NULL,   -- gpu, disk, bwu, bwd, ...
  start          INTEGER NOT NULL,
  end            INTEGER NOT NULL,
  amount_micro   INTEGER NOT NULL,
  quantity_milli INTEGER,         -- e.g. GB x 1000 for bwu/bwd items
  quantity_unit  TEXT,            -- unit of quantity_milli ('GB', 'hours')
  description    TEXT,
  label          TEXT,
  import_id      INTEGER NOT NULL REFERENCES import_file(id),
  PRIMARY KEY (instance_id, item_type, start, end)
);

-- One plan per month: the latest nightly run's view, kept as history.
CREATE TABLE plan_run (
  month              TEXT PRIMARY KEY,   -- YYYY-MM
  created_at         TEXT NOT NULL,
  rate_cross_micro   INTEGER NOT NULL,   -- micro-dollars per GiB
  rate_same_micro    INTEGER NOT NULL,
  gpus               INTEGER NOT NULL,
  pairs              INTEGER NOT NULL,
  cross_region_pairs INTEGER NOT NULL,
  undetermined_pairs INTEGER NOT NULL,
  egress_bytes       INTEGER NOT NULL,
  cost_micro         INTEGER NOT NULL,
  cost_after_micro   INTEGER NOT NULL,
  savings_micro      INTEGER NOT NULL
);

CREATE TABLE plan_pair (
  month         TEXT NOT NULL REFERENCES plan_run(month) ON DELETE CASCADE,
  cpu_name      TEXT NOT NULL,
  cpu_zone      TEXT NOT NULL,
  gpu_id        INTEGER NOT NULL,
  gpu_location  TEXT,
  best_region   TEXT,
  best_zone     TEXT,
  method        TEXT NOT NULL,
  distance_km   REAL,
  confidence    TEXT NOT NULL,
  cpu_region    TEXT NOT NULL,
  cross_region  INTEGER,          -- 1, 0 or NULL (undetermined)
  egress_bytes  INTEGER NOT NULL,
  egress_source TEXT NOT NULL,
  cost_micro    INTEGER,
  cost_after_micro INTEGER,
  savings_micro INTEGER,
  PRIMARY KEY (month, cpu_name, cpu_zone)
);

-- Locations the resolver could not place, with how often they were seen.
CREATE TABLE unmapped_location (
  location   TEXT PRIMARY KEY,   -- '' for empty, '<null>' / '<missing>'
  count      INTEGER NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen  TEXT NOT NULL
);
