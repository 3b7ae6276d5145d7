#!/bin/sh
# t0260 - a large import goes through the rollback journal (bulk mode)
# and leaves the database in WAL mode; with a reader holding the database
# open it goes through the WAL instead, and either way stores the same.
. "$(dirname "$0")/lib.sh"
TOOLS="$TOP_DIR/tests/tools"

# 20 days of the demo export: about 25 MB, over the 16 MiB of bulk mode.
sh "$TOOLS/gen_billing.sh" "$DEMO/gcp_billing.csv" 20 >"$T/big.csv"
rows=$(($(wc -l <"$T/big.csv") - 1))
sums="SELECT SUM(rows), SUM(cost_micro), SUM(egress_bytes) FROM billing_usage"

expect_status 0 "bulk import" "$PLANNER" --db "$T/a.db" \
	--gcp-billing "$T/big.csv" --month 2100-06
expect_eq "every row stored" "$(sqlite3 "$T/a.db" \
	"SELECT SUM(rows) FROM billing_usage")" "$rows"
expect_eq "back in WAL mode" "$(sqlite3 "$T/a.db" "PRAGMA journal_mode")" \
	wal
expect_status 0 "bulk re-import" "$PLANNER" --db "$T/a.db" \
	--gcp-billing "$T/big.csv" --month 2100-06 -v
check "re-import adds nothing" grep -q "$rows rows read, 0 new" "$T/err"

# A reader keeps the database open in a read transaction throughout.
"$PLANNER" --db "$T/b.db" --month 2100-06 >/dev/null 2>&1
python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN")
c.execute("SELECT COUNT(*) FROM billing_usage").fetchone()
open(sys.argv[2], "w").close()
time.sleep(60)' "$T/b.db" "$T/reading" &
reader=$!
i=0
while [ ! -e "$T/reading" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
expect_status 0 "import beside a reader" "$PLANNER" --db "$T/b.db" \
	--gcp-billing "$T/big.csv" --month 2100-06
kill $reader
wait $reader 2>/dev/null
expect_eq "same rows as in bulk mode" "$(sqlite3 "$T/b.db" "$sums")" \
	"$(sqlite3 "$T/a.db" "$sums")"
expect_eq "still in WAL mode" "$(sqlite3 "$T/b.db" "PRAGMA journal_mode")" \
	wal
finish
