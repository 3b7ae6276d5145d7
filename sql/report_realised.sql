-- report_realised.sql: savings realised by completed migrations, one row.
-- Parameter :month (YYYY-MM).  Read by reports/figures.c only when the
-- migration journal (table migration) exists; without it nothing has
-- been realised.
--
-- A migration in state 'done' saves, in every full month after the one
-- it finished in, the monthly amount it recorded (savings_micro, the
-- pair's saving when it moved).  realised_micro is what completed moves
-- save in :month; realised_since_micro adds that up over every month on
-- record (plan_run) up to :month.  Money in micro-dollars.
SELECT
  (SELECT COALESCE(SUM(m.savings_micro), 0) FROM migration AS m
   WHERE m.state = 'done' AND substr(m.finished_at, 1, 7) < :month)
    AS realised_micro,
  (SELECT COALESCE(SUM(m.savings_micro), 0)
   FROM plan_run AS r JOIN migration AS m
     ON m.state = 'done' AND substr(m.finished_at, 1, 7) < r.month
   WHERE r.month <= :month)
    AS realised_since_micro,
  (SELECT COUNT(*) FROM migration AS m
   WHERE m.state = 'done' AND substr(m.finished_at, 1, 7) < :month)
    AS moves_before;
