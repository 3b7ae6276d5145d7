-- report_months_realised.sql: savings realised by completed migrations
-- in each month of the trend charts (the months of report_months.sql).
-- Parameter :month (YYYY-MM).  Read by reports/figures.c only when the
-- migration journal (table migration) exists.  The rule is the one of
-- report_realised.sql: a move done in month F saves its recorded
-- monthly amount in every month after F.  Money in micro-dollars.
WITH RECURSIVE span(month, k) AS (
  SELECT :month, 0
  UNION ALL
  SELECT strftime('%Y-%m', month || '-01', '-1 month'), k + 1
  FROM span WHERE k < 11
)
SELECT span.month,
       (SELECT COALESCE(SUM(m.savings_micro), 0) FROM migration AS m
        WHERE m.state = 'done' AND substr(m.finished_at, 1, 7) < span.month)
         AS realised_micro
FROM span
ORDER BY span.month;
