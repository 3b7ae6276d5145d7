-- report_latency.sql: round-trip time between GPU hosts and their CPU
-- VMs per VM region, over the month's measurements, highest p95 first.
-- Parameter :month (YYYY-MM).  Read by reports/figures.c only when the
-- probe journal (table latency_probe: region, rtt_ms, NULL for a probe
-- that got no answer, and measured_at as ISO 8601 UTC text) exists.
--
-- median_ms is the median of the answered probes (the mean of the two
-- middle ones for an even count); p95_ms the 95th percentile by nearest
-- rank (the ceil(0.95 n)-th smallest).  lost counts unanswered probes.
WITH month_probes AS (
  SELECT region, rtt_ms FROM latency_probe
  WHERE substr(measured_at, 1, 7) = :month
), ranked AS (
  SELECT region, rtt_ms,
         ROW_NUMBER() OVER (PARTITION BY region ORDER BY rtt_ms) AS k,
         COUNT(*) OVER (PARTITION BY region) AS n
  FROM month_probes WHERE rtt_ms IS NOT NULL
), stats AS (
  SELECT region, MAX(n) AS samples,
         AVG(CASE WHEN k IN ((n + 1) / 2, (n + 2) / 2) THEN rtt_ms END)
           AS median_ms,
         MAX(CASE WHEN k = (n * 95 + 99) / 100 THEN rtt_ms END) AS p95_ms
  FROM ranked GROUP BY region
)
SELECT s.region, s.samples,
       (SELECT COUNT(*) FROM month_probes AS p
        WHERE p.region = s.region AND p.rtt_ms IS NULL) AS lost,
       s.median_ms, s.p95_ms
FROM stats AS s
ORDER BY s.p95_ms DESC, s.region;
