#!/bin/sh
# t0260 - schema upgrades keep the data: a schema 2 database holding the
# demo export is upgraded to the latest schema (among others, schema 6
# keeps billing_line's key unique by the index on usage start and key)
# with every row as it was, and the export imported again adds nothing.
. "$(dirname "$0")/lib.sh"

# The demo export as this planner stores it ...
"$PLANNER" --db "$T/new.db" --gcp-billing "$DEMO/gcp_billing.csv" \
	--month 2025-06 >/dev/null 2>&1
rows="SELECT COUNT(*), SUM(cost_micro), SUM(egress_bytes), MAX(id),
	group_concat(natural_key, '') FROM billing_line"
before=$(sqlite3 "$T/new.db" "$rows" | sha256sum)

# ... copied into a database built with schemas 1 and 2 only.
cat "$TOP_DIR/sql/001_init.sql" "$TOP_DIR/sql/002_nightly.sql" |
	sqlite3 "$T/v2.db"
sqlite3 "$T/v2.db" "PRAGMA user_version = 2;
	ATTACH '$T/new.db' AS n;
	INSERT INTO import_file SELECT * FROM n.import_file;
	INSERT INTO billing_line SELECT * FROM n.billing_line;"

expect_status 0 "a schema 2 database opens and upgrades" "$PLANNER" \
	--db "$T/v2.db" --gcp-billing "$DEMO/gcp_billing.csv" \
	--month 2025-06 -v
check "re-import adds nothing" grep -q "1680 rows read, 0 new" "$T/err"
latest=$(ls "$TOP_DIR"/sql/[0-9][0-9][0-9]_*.sql | wc -l)
expect_eq "the latest schema" \
	"$(sqlite3 "$T/v2.db" "PRAGMA user_version")" "$latest"
expect_eq "every row as it was" "$(sqlite3 "$T/v2.db" "$rows" |
	sha256sum)" "$before"
expect_eq "the key index" "$(sqlite3 "$T/v2.db" "SELECT sql FROM
	sqlite_schema WHERE name = 'billing_key'")" "CREATE UNIQUE INDEX \
billing_key ON billing_line(usage_start, natural_key)"
check "the database is sound" sh -c \
	"sqlite3 '$T/v2.db' 'PRAGMA integrity_check' | grep -qx ok"
sqlite3 "$T/v2.db" "INSERT INTO billing_line(natural_key, source,
	usage_start, usage_end, cost_micro, import_id) SELECT natural_key,
	source, usage_start, usage_end, 0, import_id FROM billing_line
	LIMIT 1" 2>"$T/dup"
check "a key is still unique" grep -q "UNIQUE constraint failed" "$T/dup"
finish
