-- report_summary.sql: the key figures of the month's report, one row.
-- Parameter :month (YYYY-MM).  Read by reports/figures.c; run it with
-- the sqlite3 shell as: .parameter set :month "'2025-06'"
--
-- The month's own figures come from its plan snapshot (plan_run, written
-- by the nightly run); every column is NULL when the month has none.
-- hit_rate_bp is the share of determined pairs already in their GPU's
-- region, in ten-thousandths, rounded half up as the plan JSON does.
-- projected_since_micro adds up the savings still open (pairs crossing
-- regions) over every month on record up to :month.  Money is in
-- micro-dollars, data in bytes.
WITH this AS (
  SELECT * FROM plan_run WHERE month = :month
), history AS (
  SELECT MIN(month) AS first_month, COUNT(*) AS months_on_record,
         SUM(savings_micro) AS projected_since_micro
  FROM plan_run WHERE month <= :month
), sources AS (
  SELECT SUM(egress_source = 'gcp-billing') AS src_gcp,
         SUM(egress_source = 'vast-billing') AS src_vast,
         SUM(egress_source = 'assumed') AS src_assumed
  FROM plan_pair WHERE month = :month
)
SELECT :month AS month,
       (SELECT COUNT(*) FROM this) AS has_plan,
       this.created_at,
       this.rate_cross_micro, this.rate_same_micro,
       this.gpus, this.pairs, this.cross_region_pairs,
       this.pairs - this.cross_region_pairs - this.undetermined_pairs
         AS same_region_pairs,
       this.undetermined_pairs,
       CASE WHEN this.pairs - this.undetermined_pairs > 0 THEN
         ((this.pairs - this.cross_region_pairs - this.undetermined_pairs)
          * 10000 + (this.pairs - this.undetermined_pairs) / 2)
         / (this.pairs - this.undetermined_pairs)
       END AS hit_rate_bp,
       this.egress_bytes, this.cost_micro, this.cost_after_micro,
       this.savings_micro,
       history.first_month, history.months_on_record,
       COALESCE(history.projected_since_micro, 0) AS projected_since_micro,
       COALESCE(sources.src_gcp, 0) AS src_gcp,
       COALESCE(sources.src_vast, 0) AS src_vast,
       COALESCE(sources.src_assumed, 0) AS src_assumed
FROM history CROSS JOIN sources LEFT JOIN this ON 1;
