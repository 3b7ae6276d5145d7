-- report_has_table.sql: 1 when the database has a table or view called
-- :name (the journals other parts of planner add: migration,
-- latency_probe), else 0.  Read by reports/figures.c.
SELECT COUNT(*) > 0 FROM sqlite_master
WHERE type IN ('table', 'view') AND name = :name;
