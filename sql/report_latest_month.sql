-- report_latest_month.sql: the latest month with a plan snapshot, the
-- default of `planner report`; NULL when there is none.
SELECT MAX(month) FROM plan_run;
