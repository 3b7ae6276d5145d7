#!/bin/sh
# demo.sh - run the nightly job on the shipped demo inputs (data/demo) with
# a fresh database, print the plan summary, write the month's report, and
# leave the plan JSON, the database and the report under build/demo for a
# look.  Used by `make demo`.
set -eu
planner=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/demo
mkdir -p "$out"
rm -f "$out/planner.db" "$out/planner.db-wal" "$out/planner.db-shm"
set +e
"$planner" --db "$out/planner.db" --month 2025-06 \
	--vast-instances "$top/data/demo/vast_instances.json" \
	--gcp-instances "$top/data/demo/gcp_instances.json" \
	--gcp-billing "$top/data/demo/gcp_billing.csv" \
	--vast-billing "$top/data/demo/vast_billing.csv" \
	--plan-json "$out/plan.json"
rc=$?
set -e
echo
echo "plan JSON: $out/plan.json   database: $out/planner.db   (exit $rc)"
# 3 means "done, with alerts" (the demo has unmapped locations on purpose).
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ]
"$planner" report --db "$out/planner.db" --month 2025-06 --out "$out/report"
