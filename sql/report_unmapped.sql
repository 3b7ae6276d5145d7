-- report_unmapped.sql: locations the resolver could not place, with the
-- number of GPUs each had at the latest nightly run that saw it, most
-- frequent first.  No parameters.  Read by reports/figures.c.  The
-- location is '' for an empty string, '<null>' or '<missing>'.
SELECT location, count, first_seen, last_seen
FROM unmapped_location
ORDER BY count DESC, location;
