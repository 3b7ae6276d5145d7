-- report_months.sql: one row per calendar month of the trend charts.
-- Parameter :month (YYYY-MM).  Read by reports/figures.c.
--
-- The twelve months ending with :month, from the first of them that has
-- a plan snapshot (plan_run) on; a month in between without a snapshot
-- is kept, with has_plan 0 and NULL figures, so gaps show as gaps.  No
-- snapshot in the window: no rows.  projected_micro is the month's
-- saving still open (pairs crossing regions); hit_rate_bp as in
-- report_summary.sql.
WITH RECURSIVE span(month, k) AS (
  SELECT :month, 0
  UNION ALL
  SELECT strftime('%Y-%m', month || '-01', '-1 month'), k + 1
  FROM span WHERE k < 11
), first AS (
  SELECT MIN(r.month) AS month FROM plan_run AS r
  WHERE r.month IN (SELECT month FROM span)
)
SELECT span.month,
       r.month IS NOT NULL AS has_plan,
       r.pairs, r.cross_region_pairs,
       r.pairs - r.cross_region_pairs - r.undetermined_pairs
         AS same_region_pairs,
       r.undetermined_pairs,
       CASE WHEN r.pairs - r.undetermined_pairs > 0 THEN
         ((r.pairs - r.cross_region_pairs - r.undetermined_pairs) * 10000
          + (r.pairs - r.undetermined_pairs) / 2)
         / (r.pairs - r.undetermined_pairs)
       END AS hit_rate_bp,
       r.egress_bytes, r.cost_micro,
       r.savings_micro AS projected_micro
FROM span JOIN first ON span.month >= first.month
LEFT JOIN plan_run AS r ON r.month = span.month
ORDER BY span.month;
