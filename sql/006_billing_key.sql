-- 006_billing_key.sql: billing_line's natural key is kept unique by an
-- index that starts with the usage start, instead of by a UNIQUE
-- constraint on the key text alone.
--
-- The key text holds the usage start (billing.h), so a key is unique
-- exactly when (usage_start, key) is: nothing changes in what is stored.
-- What changes is where a new key goes.  Ordered by the key text alone,
-- an export's rows land all over the index (one place per SKU and
-- resource, thousands of places), so a large import rereads and
-- rewrites index pages that no page cache of bounded size can hold:
-- 1.4 million page reads for a 500 MB export.  Ordered by time first,
-- an export's rows, which come hour by hour, land at the index's end.
--
-- SQLite cannot drop a column constraint, so the table is rebuilt (a
-- copy of every row: once, when a database is upgraded).

CREATE TABLE billing_line_v3 (
  id              INTEGER PRIMARY KEY,
  natural_key     TEXT NOT NULL,  -- unique: see billing_key below
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
INSERT INTO billing_line_v3 SELECT * FROM billing_line;
DROP TABLE billing_line;
ALTER TABLE billing_line_v3 RENAME TO billing_line;
CREATE UNIQUE INDEX billing_key ON billing_line(usage_start, natural_key);
CREATE INDEX billing_egress ON billing_line(usage_start)
  WHERE egress_kind IS NOT NULL;
