-- 007_billing_usage.sql: billing rows are no longer stored one by one.
--
-- Storing every row of a detailed export (billing_line) cost more than
-- reading the file, and the planner reads only per-VM monthly totals.
-- A row now adds to a usage total (billing_usage) and leaves its key in
-- the hour of its usage start (billing_seen), which keeps imports
-- idempotent.  planner/billsink.h says how.  The rows of billing_line
-- are moved over by the program right after this file (store.c runs
-- bill_upgrade_7 in the same transaction), then the table goes.

-- One row per month and set of descriptive columns.  usage_key joins
-- those columns without ambiguity (billing.c, bill_usage_key).
CREATE TABLE billing_usage (
  id              INTEGER PRIMARY KEY,
  month           TEXT NOT NULL,      -- YYYY-MM of the usage start
  usage_key       TEXT NOT NULL,
  source          TEXT NOT NULL,      -- gcp-export, focus, cost-table
  account         TEXT,
  project         TEXT,
  service         TEXT,
  sku_id          TEXT,
  sku_desc        TEXT,
  region          TEXT,
  zone            TEXT,
  resource_name   TEXT,
  resource_global TEXT,
  vm_instance_id  TEXT,               -- from resource_global
  currency        TEXT,               -- of the export; amounts are USD
  egress_kind     TEXT,               -- 'internet', 'inter-region', NULL
  rows            INTEGER NOT NULL DEFAULT 0,
  cost_micro      INTEGER NOT NULL DEFAULT 0,   -- USD micro-dollars
  credits_micro   INTEGER NOT NULL DEFAULT 0,
  egress_bytes    INTEGER NOT NULL DEFAULT 0,   -- 0 unless egress_kind
  UNIQUE (month, usage_key)
);

-- The rows already counted, per hour of usage start: sorted 64-byte
-- entries (key hash, export time, usage id, amounts; billsink.c).
CREATE TABLE billing_seen (
  hour            INTEGER PRIMARY KEY,  -- unix time / 3600
  entries         BLOB NOT NULL
);
