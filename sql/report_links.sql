-- report_links.sql: the month's GPU-to-VM links for the world map, one
-- row per distinct (GPU location, GPU region, VM region, crossing) with
-- how many pairs share it; pairs whose crossing is undetermined are
-- left out (their GPU has no trustworthy point).  Parameter :month
-- (YYYY-MM).  Read by reports/figures.c.
SELECT gpu_location, best_region, cpu_region, cross_region,
       COUNT(*) AS pairs
FROM plan_pair
WHERE month = :month AND cross_region IS NOT NULL
GROUP BY gpu_location, best_region, cpu_region, cross_region
ORDER BY cross_region, pairs DESC, gpu_location, cpu_region;
