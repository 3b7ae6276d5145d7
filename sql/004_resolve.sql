-- 004_resolve.sql: the resolver's answers, cached by everything they
-- depend on: the location text, the IP address used (when a GeoIP
-- database is configured), and the data version (a SHA-256 of the
-- embedded gazetteer and region files, the region policy and the GeoIP
-- database's identity; see resolve.h).  A nightly run reads its answers
-- here first; rows of other data versions are dropped when it writes.

CREATE TABLE resolution (
  location     TEXT NOT NULL,    -- '' for an empty, null or missing one
  ip           TEXT NOT NULL,    -- '' when no IP was used
  data_version TEXT NOT NULL,
  region       TEXT,             -- NULL when unmapped
  zone         TEXT,
  method       TEXT NOT NULL,
  distance_km  REAL,
  est_rtt_ms   REAL,
  confidence   TEXT NOT NULL,    -- high, medium, low, none
  country      TEXT,             -- ISO 3166-1 alpha-2, or NULL
  resolved_at  TEXT NOT NULL,    -- ISO 8601 UTC
  PRIMARY KEY (location, ip, data_version)
);
