-- report_region_pairs.sql: cross-region traffic by region pair (the CPU
-- VM's region, the GPU's best region), the ten costliest, then one row
-- adding up all the others (from_region and to_region NULL,
-- region_pairs = how many).  Parameter :month (YYYY-MM).  Read by
-- reports/figures.c.  Money in micro-dollars, data in bytes.
WITH g AS (
  SELECT cpu_region AS from_region, best_region AS to_region,
         COUNT(*) AS pairs, SUM(egress_bytes) AS egress_bytes,
         SUM(cost_micro) AS cost_micro, SUM(savings_micro) AS savings_micro
  FROM plan_pair
  WHERE month = :month AND cross_region = 1
  GROUP BY cpu_region, best_region
), ranked AS (
  SELECT *, ROW_NUMBER() OVER (ORDER BY cost_micro DESC,
                               egress_bytes DESC, from_region, to_region)
              AS rank
  FROM g
)
SELECT rank, from_region, to_region, 1 AS region_pairs, pairs,
       egress_bytes, cost_micro, savings_micro
FROM ranked WHERE rank <= 10
UNION ALL
SELECT 11, NULL, NULL, COUNT(*), SUM(pairs), SUM(egress_bytes),
       SUM(cost_micro), SUM(savings_micro)
FROM ranked WHERE rank > 10
HAVING COUNT(*) > 0
ORDER BY 1;
