#!/bin/sh
# t0260 - schema upgrades keep the data.  A schema 2 database holding
# billing rows as planner 0.2.0 stored them (billing_line, one row each:
# tests/data/schema6_billing.sql) is upgraded to the latest schema:
# schema 7 moves the rows into usage totals and keys (billsink.h).  The
# totals are the rows' sums, the same files imported again add nothing
# (the keys are recognised), and the plan equals that of a fresh import.
. "$(dirname "$0")/lib.sh"

legacy="SELECT COUNT(*), SUM(cost_micro), SUM(credits_micro),
	SUM(egress_bytes) FROM billing_line"
totals="SELECT SUM(rows), SUM(cost_micro), SUM(credits_micro),
	SUM(egress_bytes) FROM billing_usage"
by_vm="SELECT ifnull(vm_instance_id, '-'), source, SUM(rows),
	SUM(egress_bytes), SUM(cost_micro) FROM billing_usage
	GROUP BY 1, 2 ORDER BY 1, 2"
excerpt=$TESTS_DIR/data/gcp_billing_excerpt.csv
table=$TESTS_DIR/data/variants/gcp_cost_table_console.csv

cat "$TOP_DIR/sql/001_init.sql" "$TOP_DIR/sql/002_nightly.sql" |
	sqlite3 "$T/v2.db"
sqlite3 "$T/v2.db" "PRAGMA user_version = 2" \
	".read $TESTS_DIR/data/schema6_billing.sql"
expect_eq "the old rows" "$(sqlite3 "$T/v2.db" "$legacy")" \
	"50|38357780589|-6856931|308317079010234"

expect_status 0 "a schema 2 database opens and upgrades" "$PLANNER" \
	--db "$T/v2.db" --month 2025-06
latest=$(ls "$TOP_DIR"/sql/[0-9][0-9][0-9]_*.sql | wc -l)
expect_eq "the latest schema" \
	"$(sqlite3 "$T/v2.db" "PRAGMA user_version")" "$latest"
expect_eq "billing_line is gone" "$(sqlite3 "$T/v2.db" "SELECT COUNT(*)
	FROM sqlite_schema WHERE name = 'billing_line'")" 0
expect_eq "the totals are the old rows' sums" \
	"$(sqlite3 "$T/v2.db" "$totals")" \
	"50|38357780589|-6856931|308317079010234"
check "the database is sound" sh -c \
	"sqlite3 '$T/v2.db' 'PRAGMA integrity_check' | grep -qx ok"

expect_status 0 "the export again" "$PLANNER" --db "$T/v2.db" \
	--gcp-billing "$excerpt" --month 2025-06 -v
check "its rows are recognised" grep -q "7 rows read, 0 new" "$T/err"
expect_status 0 "the cost table again" "$PLANNER" --db "$T/v2.db" \
	--gcp-billing "$table" --month 2025-06 -v
check "its rows are recognised" grep -q "43 rows read, 0 new" "$T/err"
expect_eq "nothing counted twice" "$(sqlite3 "$T/v2.db" "$totals")" \
	"50|38357780589|-6856931|308317079010234"

"$PLANNER" --db "$T/new.db" --gcp-billing "$excerpt" \
	--gcp-billing "$table" --month 2025-06 >/dev/null 2>&1
expect_eq "the same totals as a fresh import" \
	"$(sqlite3 "$T/v2.db" "$by_vm" | sha256sum)" \
	"$(sqlite3 "$T/new.db" "$by_vm" | sha256sum)"
finish
