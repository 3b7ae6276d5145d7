-- report_alerts.sql: the alerts raised by the nightly runs of the month
-- (runs that planned :month), identical ones counted once, latest
-- first.  Parameter :month (YYYY-MM).  Read by reports/figures.c.
SELECT a.kind, a.subject, a.message, COUNT(*) AS times,
       MIN(a.raised_at) AS first_raised, MAX(a.raised_at) AS last_raised
FROM alert AS a JOIN run AS r ON r.id = a.run_id
WHERE r.month = :month
GROUP BY a.kind, a.subject, a.message
ORDER BY last_raised DESC, a.kind, a.subject, a.message;
