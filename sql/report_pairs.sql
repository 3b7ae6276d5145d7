-- report_pairs.sql: the month's pairs that cross regions, largest saving
-- first.  Parameter :month (YYYY-MM).  Read by reports/figures.c.
-- Money in micro-dollars, data in bytes.
SELECT gpu_id, gpu_location, best_region, best_zone, method, confidence,
       cpu_name, cpu_zone, cpu_region, egress_bytes, egress_source,
       cost_micro, cost_after_micro, savings_micro
FROM plan_pair
WHERE month = :month AND cross_region = 1
ORDER BY savings_micro DESC, cpu_name, cpu_zone;
