-- report_unpriced.sql: the month's pairs left out of the money, because
-- the GPU's location is unknown or names only a large country (the plan
-- cannot tell whether they cross regions).  Parameter :month (YYYY-MM).
-- Read by reports/figures.c.  Data in bytes.
SELECT gpu_id, gpu_location, method, confidence, cpu_name, cpu_zone,
       cpu_region, egress_bytes, egress_source
FROM plan_pair
WHERE month = :month AND cross_region IS NULL
ORDER BY cpu_name, cpu_zone;
