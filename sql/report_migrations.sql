-- report_migrations.sql: the migrations completed in the month.
-- Parameter :month (YYYY-MM).  Read by reports/figures.c only when the
-- migration journal (table migration: vm_name, from_zone, to_zone,
-- state, finished_at as ISO 8601 UTC text, savings_micro per month)
-- exists; without it there are none.  Money in micro-dollars.
SELECT vm_name, from_zone, to_zone, finished_at, savings_micro
FROM migration
WHERE state = 'done' AND substr(finished_at, 1, 7) = :month
ORDER BY finished_at, vm_name;
