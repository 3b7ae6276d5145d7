#!/bin/sh
# t0250 - what a demanding user (and a tester) threw at planner: output
# paths that are links or pipes, a corrupt database, error replies saved
# as inventories, duplicate ids, FIFOs, stray dates, settings mistakes.
. "$(dirname "$0")/lib.sh"

inv="--vast-instances $DEMO/vast_instances.json
	--gcp-instances $DEMO/gcp_instances.json"
# shellcheck disable=SC2086
"$PLANNER" --db "$T/p.db" $inv --gcp-billing "$DEMO/gcp_billing.csv" \
	--month 2025-06 >/dev/null 2>&1

# Output paths: a link is written through, a FIFO fed, a directory refused.
echo old >"$T/real.json"
ln -s real.json "$T/link.json"
"$PLANNER" --db "$T/p.db" --plan-json "$T/link.json" -q
check "a link stays a link" test -L "$T/link.json"
expect_eq "its target gets the plan" "$(jq -r .month "$T/real.json")" 2025-06
mkfifo "$T/fifo.json"
(jq -r .month <"$T/fifo.json" >"$T/fifo.out") &
reader=$!
"$PLANNER" --db "$T/p.db" --plan-json "$T/fifo.json" -q
wait $reader
check "a FIFO stays a FIFO" test -p "$T/fifo.json"
expect_eq "its reader gets the plan" "$(cat "$T/fifo.out")" 2025-06
expect_status 2 "a directory is refused" "$PLANNER" --db "$T/p.db" \
	--plan-json "$T"
ln -s real.json "$T/m.prom"
"$PLANNER" --db "$T/p.db" --metrics-file "$T/m.prom" -q
check "metrics through a link" grep -q "^planner_pairs " "$T/real.json"

# A corrupt database is an error, not an empty plan.
cp "$T/p.db" "$T/cor.db"
sqlite3 "$T/cor.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
page=$(sqlite3 "$T/cor.db" "SELECT rootpage FROM sqlite_master
	WHERE name = 'vm'")
psize=$(sqlite3 "$T/cor.db" "PRAGMA page_size")
printf '\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377' |
	dd of="$T/cor.db" bs=1 seek=$(((page - 1) * psize)) conv=notrunc \
	2>/dev/null
expect_status 1 "corrupt database: exit 1" "$PLANNER" --db "$T/cor.db" \
	--month 2025-06
check "corrupt database: said so" grep -q "malformed" "$T/err"

# An API error reply saved as an inventory must not wipe the inventory.
digest=$(db_digest "$T/p.db")
printf '{"success": false, "error": "invalid_api_key"}' >"$T/err1.json"
expect_status 1 "Vast error reply refused" "$PLANNER" --db "$T/p.db" \
	--vast-instances "$T/err1.json"
printf '{"error": {"code": 403, "status": "PERMISSION_DENIED"}}' \
	>"$T/err2.json"
expect_status 1 "gcloud error reply refused" "$PLANNER" --db "$T/p.db" \
	--gcp-instances "$T/err2.json"
expect_eq "inventories kept" "$(db_digest "$T/p.db")" "$digest"

# Two VMs with one instance id would both be billed its egress.
jq '. + [.[1] | .name = "cpu-worker-02-clone"]' \
	"$DEMO/gcp_instances.json" >"$T/dup.json"
expect_status 1 "duplicate instance id refused" "$PLANNER" \
	--db "$T/p.db" --gcp-instances "$T/dup.json"
check "duplicate id named" grep -q "1461355347999167323" "$T/err"

# An empty Vast inventory with VMs still labelled (UBSan once objected).
printf '[]' >"$T/none.json"
expect_status 0 "no GPUs, labelled VMs" "$PLANNER" --db "$T/e.db" \
	--vast-instances "$T/none.json" \
	--gcp-instances "$DEMO/gcp_instances.json" --month 2025-06

# Ids a double cannot hold, and ids beyond 64 bits.
printf '[{"id": 9007199254740993}]' >"$T/big.json"
expect_status 1 "Vast id beyond 2^53 refused" "$PLANNER" --db "$T/i.db" \
	--vast-instances "$T/big.json"
printf '[{"name":"a","zone":"us-central1-a","id":"99999999999999999999"}]' \
	>"$T/gid.json"
expect_status 1 "GCP id beyond 2^64 refused" "$PLANNER" --db "$T/i.db" \
	--gcp-instances "$T/gid.json"

# A FIFO as an input is refused at once instead of hanging the run.
mkfifo "$T/in.csv"
expect_status 1 "FIFO input refused" timeout 10 "$PLANNER" \
	--db "$T/f.db" --gcp-billing "$T/in.csv"

# A spreadsheet's "never" (9999-12-31) is not a billing month.
{ head -n 1 "$DEMO/gcp_billing.csv"
  sed -n 2p "$DEMO/gcp_billing.csv" | sed 's/2025-06-01 00:00:00 UTC/9999-12-31 00:00:00 UTC/'
} >"$T/never.csv"
expect_status 1 "year 9999 refused" "$PLANNER" --db "$T/n.db" \
	--gcp-billing "$T/never.csv"
check "the line is named" grep -q "never.csv:2" "$T/err"

# Impossible billing values are refused with their line and field.
python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))[:8]
rows[7][rows[0].index("usage.amount")] = "-5"
csv.writer(sys.stdout, lineterminator="\n").writerows([rows[0], rows[7]])
' "$DEMO/gcp_billing.csv" >"$T/neg.csv"
expect_status 1 "negative egress refused" "$PLANNER" --db "$T/n.db" \
	--gcp-billing "$T/neg.csv"
check "negative egress: field named" grep -q "neg.csv:2.*usage.amount" \
	"$T/err"
{ head -n 1 "$DEMO/vast_billing.csv"
  echo '1748736000,1751327999,instance,instance-7,Instance 7,9,x,,bwd,1748736000,1751327999,,lots of GB,1.000'
} >"$T/vbad.csv"
expect_status 1 "unreadable bandwidth item refused" "$PLANNER" \
	--db "$T/n.db" --vast-billing "$T/vbad.csv"
{ head -n 1 "$DEMO/vast_billing.csv"
  echo '1748736000,1751327999,instance,instance-7,Instance 7,9,x,,bwd,1748736000,1751327999,,0.785544 TB at $10/TB,7.855'
} >"$T/vtb.csv"
"$PLANNER" --db "$T/tb.db" --vast-billing "$T/vtb.csv" -q
expect_eq "TB read as 1000 GB" "$(sqlite3 "$T/tb.db" \
	"SELECT quantity_milli, quantity_unit FROM vast_charge")" "785544|GB"

# One refused file: the others are imported, no plan is made, exit 1.
printf 'a,b\n1,2\n' >"$T/bad.csv"
expect_status 1 "a refused file among good ones" "$PLANNER" \
	--db "$T/part.db" --vast-instances "$DEMO/vast_instances.json" \
	--gcp-billing "$T/bad.csv" --gcp-billing "$DEMO/gcp_billing.csv"
check "says no plan was made" grep -q "no plan was made" "$T/err"
expect_eq "the good files were imported" "$(sqlite3 "$T/part.db" \
	"SELECT COUNT(*) FROM import_file")" 2
expect_eq "no plan" "$(sqlite3 "$T/part.db" \
	"SELECT COUNT(*) FROM plan_run")" 0

# A glob that matches nothing is worth a warning in a cron job.
expect_status 0 "empty glob" "$PLANNER" --db "$T/g.db" --month 2025-06 \
	--gcp-billing-glob "$T/nothing/*.csv"
check "empty glob warned" grep -q "no file matches" "$T/err"

# Settings-file mistakes are named with their line.
printf 'db = %s/c.db   # the nightly database\nmonth = 2025-06\n' "$T" \
	>"$T/a.conf"
expect_status 0 "a comment after a value" "$PLANNER" --config "$T/a.conf"
check "the value ends before the comment" test -f "$T/c.db"
printf 'month = 2025-13\n' >"$T/b.conf"
expect_status 2 "bad value in the file" "$PLANNER" --config "$T/b.conf"
check "bad value has its line" grep -q "b.conf:1: --month" "$T/err"
printf 'db = x.db\ndb = y.db\n' >"$T/c.conf"
expect_status 2 "a setting given twice" "$PLANNER" --config "$T/c.conf"
check "the repeat has its line" grep -q "c.conf:2" "$T/err"
expect_status 2 "a directory as settings" "$PLANNER" --config "$T"
printf '\357\273\277month = 2025-06\ndb = %s/bom.db\n' "$T" >"$T/d.conf"
expect_status 0 "a byte order mark" "$PLANNER" --config "$T/d.conf"
expect_status 2 "missing value" "$PLANNER" --db "$T/x.db" --month
check "missing value named" grep -q "'--month' needs a value" "$T/err"
expect_status 2 "empty database name" "$PLANNER" --db ''
expect_status 2 "negative price" "$PLANNER" --rate-cross-region -1
check "negative price named" grep -q "cannot be negative" "$T/err"
expect_status 2 "webhook scheme" "$PLANNER" --alert-webhook ftp://x/y
finish
