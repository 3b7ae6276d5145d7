#!/bin/sh
# t0100 - the nightly run on the demo inputs (the project's samples):
# the plan's pairs, money and lists, and that running it twice changes
# nothing.
. "$(dirname "$0")/lib.sh"

run() {
	"$PLANNER" --db "$T/p.db" --month 2025-06 \
		--vast-instances "$DEMO/vast_instances.json" \
		--gcp-instances "$DEMO/gcp_instances.json" \
		--gcp-billing "$DEMO/gcp_billing.csv" \
		--vast-billing "$DEMO/vast_billing.csv" \
		--plan-json "$1" >"$T/summary" 2>"$T/err"
}
run "$T/plan1.json"
expect_eq "exit status 3: unmapped locations are alerts" "$?" 3
P="$T/plan1.json"
q() { jq -r "$1" "$P"; }
pair() { jq -r --arg n "$1" ".pairs[] | select(.cpu_name == \$n) | $2" "$P"; }

expect_eq "month" "$(q .month)" "2025-06"
expect_eq "all labelled VMs with a known GPU are pairs" "$(q '.pairs|length')" 37
expect_eq "GPUs" "$(q .totals.gpus)" 40
expect_eq "cross-region pairs" "$(q .totals.cross_region_pairs)" 23
expect_eq "rate" "$(q .rates.cross_region_usd_per_gb)" 0.01
expect_eq "Quebec pair in place" "$(pair cpu-worker-01 .cross_region)" false
expect_eq "Quebec region" "$(pair cpu-worker-02 .best_region)" \
	northamerica-northeast1
expect_eq "egress from billing, GiB" "$(pair cpu-worker-02 .egress_gb)" \
	15628.399
expect_eq "cost at \$0.01/GiB" "$(pair cpu-worker-02 .cost_usd)" 156.28
expect_eq "savings" "$(pair cpu-worker-02 .savings_usd)" 156.28
expect_eq "after the move" "$(pair cpu-worker-02 .cost_after_usd)" 0
expect_eq "egress source" "$(pair cpu-worker-02 .egress_source)" gcp-billing
expect_eq "vast- prefix pairs" "$(pair cpu-worker-13 .gpu_id)" 21349338
expect_eq "second VM of one GPU" "$(pair cpu-worker-37 .gpu_id)" 21312913
expect_eq "', US' is low" "$(pair cpu-worker-06 .confidence)" low
expect_eq "low is undetermined" "$(pair cpu-worker-06 .cross_region)" null
expect_eq "low has no cost" "$(pair cpu-worker-06 .cost_usd)" null
expect_eq "null location unmapped" "$(pair cpu-worker-10 .method)" unmapped
expect_eq "North Carolina zone is real" "$(pair cpu-worker-25 .best_zone)" \
	us-east1-b
expect_eq "Indiana is not India" "$(pair cpu-worker-12 .best_region)" \
	us-east5
expect_eq "dangling label" \
	"$(q '.unpaired_cpus[] | .cpu_name' | tr '\n' ' ')" "cpu-worker-38 "
expect_eq "GPUs without a VM" \
	"$(q '.unpaired_gpus[] | .gpu_id' | sort | tr '\n' ' ')" \
	"21448418 21452363 21456635 21460699 "
expect_eq "unmapped list" "$(q '.unmapped_locations | length')" 3
expect_eq "total cost is the sum of the pairs" \
	"$(q '[.pairs[].cost_usd // 0] | add * 100 | round')" \
	"$(q '.totals.cost_usd * 100 | round')"
expect_eq "hit rate: 7 of 30 determined pairs" "$(q .totals.hit_rate)" \
	0.2333
check "summary names the month" grep -q "Plan for 2025-06" "$T/summary"
check "summary warns of unmapped locations" grep -q "unmapped" "$T/err"

# The same inputs again: nothing changes, in the plan or the database.
before=$(sqlite3 "$T/p.db" "SELECT (SELECT SUM(rows) FROM billing_usage),
	(SELECT COUNT(*) FROM gpu), (SELECT COUNT(*) FROM vm),
	(SELECT COUNT(*) FROM vast_charge)")
run "$T/plan2.json"
after=$(sqlite3 "$T/p.db" "SELECT (SELECT SUM(rows) FROM billing_usage),
	(SELECT COUNT(*) FROM gpu), (SELECT COUNT(*) FROM vm),
	(SELECT COUNT(*) FROM vast_charge)")
expect_eq "re-import adds no rows" "$after" "$before"
check "re-import leaves the plan unchanged" cmp -s "$T/plan1.json" \
	"$T/plan2.json"

# A run with no inputs plans from what the database holds.
"$PLANNER" --db "$T/p.db" --month 2025-06 --plan-json "$T/plan3.json" \
	>/dev/null 2>&1
check "a run without inputs gives the same plan" cmp -s "$T/plan1.json" \
	"$T/plan3.json"
"$PLANNER" --db "$T/p.db" --plan-json "$T/plan4.json" >/dev/null 2>&1
expect_eq "default month is the latest billed" \
	"$(jq -r .month "$T/plan4.json")" 2025-06
finish
