#!/bin/sh
# t0150 - every input shape users have gives the same plan: FOCUS against
# the detailed export, gcloud CSV against JSON, the old Vast CLI, a
# re-export overlapping the original, spreadsheet round trips.
. "$(dirname "$0")/lib.sh"
V="$TOP_DIR/tests/data/variants"

# plan DB OUT ARGS...: run the nightly job for June 2025.
plan() {
	db=$1 out=$2
	shift 2
	"$PLANNER" --db "$db" --month 2025-06 --plan-json "$out" "$@" \
		>/dev/null 2>"$T/err"
	st=$?
	[ "$st" -eq 0 ] || [ "$st" -eq 3 ]
}
egress_by_vm() {
	sqlite3 "$1" "SELECT vm_instance_id, SUM(egress_bytes) FROM
		billing_usage WHERE egress_kind IS NOT NULL GROUP BY 1 ORDER BY 1"
}
inv="--vast-instances $DEMO/vast_instances.json
	--gcp-instances $DEMO/gcp_instances.json"

# shellcheck disable=SC2086
check "detailed export" plan "$T/gcp.db" "$T/gcp.json" $inv \
	--gcp-billing "$DEMO/gcp_billing.csv"
# shellcheck disable=SC2086
check "FOCUS export" plan "$T/focus.db" "$T/focus.json" $inv \
	--gcp-billing "$DEMO/focus_billing.csv"
expect_eq "FOCUS and the export give the same egress per VM" \
	"$(egress_by_vm "$T/focus.db" | sha256sum)" \
	"$(egress_by_vm "$T/gcp.db" | sha256sum)"
check "FOCUS and the export give the same plan" cmp -s "$T/gcp.json" \
	"$T/focus.json"

# The same usage seen in both formats is stored once.
before=$(sqlite3 "$T/gcp.db" "SELECT SUM(rows) FROM billing_usage")
check "FOCUS after the export" plan "$T/gcp.db" "$T/both.json" \
	--gcp-billing "$DEMO/focus_billing.csv"
expect_eq "no row counted twice" \
	"$(sqlite3 "$T/gcp.db" "SELECT SUM(rows) FROM billing_usage")" "$before"
check "plan unchanged" cmp -s "$T/gcp.json" "$T/both.json"

# A re-export (BOM, CRLF, a repeated header, corrected rows) after the
# original: totals do not move.
check "re-export" plan "$T/gcp.db" "$T/reexp.json" \
	--gcp-billing "$V/gcp_billing_bom_crlf_reexport.csv"
expect_eq "re-export leaves the totals" \
	"$(jq -c .totals "$T/reexp.json")" "$(jq -c .totals "$T/gcp.json")"
expect_eq "corrected rows replaced, none added" \
	"$(sqlite3 "$T/gcp.db" "SELECT SUM(rows) FROM billing_usage")" "$before"

# gcloud's CSV form instead of its JSON: the same pairs and money (the
# CSV has no instance ids, so billing rows match by name and region).
check "gcloud CSV" plan "$T/csv.db" "$T/csv.json" \
	--vast-instances "$DEMO/vast_instances.json" \
	--gcp-instances "$DEMO/gcp_instances.csv" \
	--gcp-billing "$DEMO/gcp_billing.csv"
expect_eq "CSV inventory gives the same plan" \
	"$(jq -c '[.pairs, .totals]' "$T/csv.json")" \
	"$(jq -c '[.pairs, .totals]' "$T/gcp.json")"

# A Vast inventory as CSV, made from the JSON: the same decisions.  (In
# CSV a null location reads as empty, so the texts may differ.)
jq -r '["id","geolocation","actual_status","public_ipaddr","ssh_host",
	"ssh_port"], (.[] | [.id, .geolocation, .actual_status,
	.public_ipaddr, .ssh_host, .ssh_port]) | @csv' \
	"$DEMO/vast_instances.json" >"$T/vast.csv"
check "Vast CSV" plan "$T/vcsv.db" "$T/vcsv.json" \
	--vast-instances "$T/vast.csv" \
	--gcp-instances "$DEMO/gcp_instances.json" \
	--gcp-billing "$DEMO/gcp_billing.csv"
decisions='[.pairs[] | [.cpu_name, .best_region, .cross_region,
	.cost_usd]], .totals'
expect_eq "Vast CSV gives the same plan" \
	"$(jq -c "$decisions" "$T/vcsv.json")" \
	"$(jq -c "$decisions" "$T/gcp.json")"

# The legacy Vast CLI's output (extra_env as pairs, no duration).
check "old Vast CLI" plan "$T/old.db" "$T/old.json" \
	--vast-instances "$V/vast_instances_old_cli.json"
expect_eq "old CLI rows" "$(sqlite3 "$T/old.db" \
	"SELECT COUNT(*) FROM gpu")" "$(jq length "$V/vast_instances_old_cli.json")"

# An empty gcloud list is an empty inventory.
check "empty gcloud list" plan "$T/old.db" "$T/empty.json" \
	--gcp-instances "$V/gcp_instances_empty.json"
expect_eq "no VMs" "$(sqlite3 "$T/old.db" "SELECT COUNT(*) FROM vm")" 0

# Vast charges after a spreadsheet round trip ($, thousands, BOM, CRLF).
check "Vast charges" plan "$T/v.db" "$T/v.json" \
	--vast-billing "$DEMO/vast_billing.csv"
n=$(sqlite3 "$T/v.db" "SELECT COUNT(*), SUM(amount_micro) FROM vast_charge")
check "spreadsheet round trip" plan "$T/v.db" "$T/v2.json" \
	--vast-billing "$V/vast_billing_spreadsheet_roundtrip.csv"
expect_eq "round trip adds nothing" "$(sqlite3 "$T/v.db" \
	"SELECT COUNT(*), SUM(amount_micro) FROM vast_charge")" "$n"

# The console cost table: project-level, and it says so.
check "cost table" plan "$T/ct.db" "$T/ct.json" \
	--gcp-billing "$V/gcp_cost_table_console.csv"
expect_eq "cost table rows" "$(sqlite3 "$T/ct.db" "SELECT SUM(rows) FROM
	billing_usage WHERE source = 'cost-table'")" 43
finish
