#!/bin/sh
# t0720 - the report over several months: three months of billing made
# from the demo export with shifted dates, one nightly run per month,
# then the trend charts have one point per month; a month missing from
# the history shows as a gap; the migration and latency journals, once
# they exist, feed the realised savings, the migrations table and the
# latency chart, and agree with their queries.
. "$(dirname "$0")/lib.sh"
SQL="$TOP_DIR/sql"
export PLANNER_NOW=2025-07-02T03:00:00Z
LC_ALL=C
export LC_ALL

# The demo billing (June 2025) moved to month $1, whose next month is $2.
shift_billing() {
	awk -v m="$1" -v nm="$2" '{
		gsub(/2025-06/, "2025-" m)
		gsub(/2025-07-01/, "2025-" nm "-01")
		gsub(/,202506,/, ",2025" m ",")
		print
	}' "$DEMO/gcp_billing.csv"
}
shift_billing 04 05 >"$T/bill-04.csv"
shift_billing 05 06 >"$T/bill-05.csv"
cp "$DEMO/gcp_billing.csv" "$T/bill-06.csv"
expect_eq "April's billing is April's" \
	"$(grep -c '2025-06' "$T/bill-04.csv")" 0
for m in 04 05 06; do
	"$PLANNER" --db "$T/p.db" --month "2025-$m" \
		--vast-instances "$DEMO/vast_instances.json" \
		--gcp-instances "$DEMO/gcp_instances.json" \
		--gcp-billing "$T/bill-$m.csv" \
		--plan-json "$T/plan-$m.json" >/dev/null 2>&1
	expect_eq "the nightly run plans 2025-$m" \
		"$(jq -r .month "$T/plan-$m.json")" "2025-$m"
done
expect_eq "three snapshots" "$(sqlite3 "$T/p.db" \
	"SELECT group_concat(month, ' ') FROM plan_run")" \
	"2025-04 2025-05 2025-06"

# The colours cairo writes for the dark series (hit-rate markers) and
# the light one (projected savings): one fill per point, plus the
# legend's.
DARK='fill:rgb(12.156863%,30.588235%,47.45098%)'
LIGHT='fill:rgb(61.568627%,76.470588%,90.196078%)'
fills() { grep -o "$1" "$2" | wc -l; }

expect_status 0 "the June report" \
	"$PLANNER" report --db "$T/p.db" --month 2025-06 --out "$T/r" --json
F="$T/out"
cp "$F" "$T/june.json"
expect_eq "the trend has three months" \
	"$(jq -r '[.months[] | select(.has_plan)] | length' "$F")" 3
expect_eq "in order" "$(jq -r '.months[].month' "$F" | tr '\n' ' ')" \
	"2025-04 2025-05 2025-06 "
expect_eq "hit rate: one marker per month" \
	"$(fills "$DARK" "$T/r/hit_rate.svg")" 4
expect_eq "savings: one projected bar per month" \
	"$(fills "$LIGHT" "$T/r/savings.svg")" 4
expect_eq "since the first month" \
	"$(jq -r '.summary.since_first_month |
	   "\(.first_month) \(.months_on_record)"' "$F")" \
	"2025-04 3"
q() { sqlite3 "$T/p.db" ".parameter set :month \"'$1'\"" \
	".read $SQL/$2.sql"; }
usd() { awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000000 }'; }
expect_eq "projected since the first month = the query" \
	"$(usd "$(q 2025-06 report_summary | cut -d'|' -f18)")" \
	"$(jq -r .summary.since_first_month.projected_usd "$F" |
	   xargs printf '%.2f')"
expect_eq "= the three months added up" \
	"$(jq -s 'map(.totals.savings_usd) | add * 100 | round' \
	   "$T"/plan-0[456].json)" \
	"$(jq -r '.summary.since_first_month.projected_usd * 100 | round' "$F")"
expect_eq "the months = the query" \
	"$(q 2025-06 report_months | cut -d'|' -f1,2,7 | tr '\n' ' ')" \
	"$(jq -r '.months[] | "\(.month)|\(if .has_plan then 1 else 0 end)|" +
	   "\(.hit_rate * 10000 | round)"' "$F" | tr '\n' ' ')"

expect_status 0 "the April report" \
	"$PLANNER" report --db "$T/p.db" --month 2025-04 --out "$T/r4" --json
expect_eq "April's trend is April alone" \
	"$(jq -r '.months | length' "$T/out")" 1
expect_eq "April: one marker" "$(fills "$DARK" "$T/r4/hit_rate.svg")" 2

# ---- a month missing from the history is a gap
cp "$T/p.db" "$T/gap.db"
sqlite3 "$T/gap.db" "DELETE FROM plan_run WHERE month = '2025-05'"
expect_status 0 "a report over a gap" \
	"$PLANNER" report --db "$T/gap.db" --month 2025-06 --out "$T/rg" \
	--json
expect_eq "May is there, without a plan" \
	"$(jq -r '.months[1] | "\(.month) \(.has_plan) \(.hit_rate)"' "$T/out")" \
	"2025-05 false null"
expect_eq "two markers" "$(fills "$DARK" "$T/rg/hit_rate.svg")" 3
expect_eq "two projected bars" "$(fills "$LIGHT" "$T/rg/savings.svg")" 3

# ---- the wave's journals (sql/005_migrate.sql), as it writes them
sqlite3 "$T/p.db" <<'EOF'
INSERT INTO migration(uid, project, vm_name, from_zone, from_region, gpu_id,
  best_region, best_zone, image_name, to_zone, state, started_at,
  finished_at, savings_micro) VALUES
  ('u1', 'acme', 'cpu-worker-02', 'us-central1-b', 'us-central1', 1,
   'northamerica-northeast1', 'northamerica-northeast1-a', 'i1',
   'northamerica-northeast1-a', 'done', '2025-04-20T09:00:00Z',
   '2025-04-20T10:00:00Z', 156280000),
  ('u2', 'acme', 'cpu-worker-25', 'us-central1-a', 'us-central1', 2,
   'us-east1', 'us-east1-b', 'i2', 'us-east1-b', 'done',
   '2025-06-12T09:00:00Z', '2025-06-12T10:00:00Z', 135650000),
  ('u3', 'acme', 'cpu-worker-04', 'us-central1-f', 'us-central1', 3,
   'us-south1', 'us-south1-a', 'i3', 'us-south1-a', 'rolled-back',
   '2025-06-13T09:00:00Z', '2025-06-13T10:00:00Z', 131150000);
INSERT INTO latency_probe(region, vantage, rtt_ms, measured_at) VALUES
  ('northamerica-northeast1', 'ssh', 3.1, '2025-06-01T00:00:00Z'),
  ('northamerica-northeast1', 'ssh', 2.9, '2025-06-02T00:00:00Z'),
  ('northamerica-northeast1', 'ssh', 4.4, '2025-06-03T00:00:00Z'),
  ('us-east1', 'ssh', 24.0, '2025-06-03T00:00:00Z'),
  ('us-east1', 'ssh', NULL, '2025-06-04T00:00:00Z'),
  ('us-east1', 'ssh', 8.0, '2025-05-04T00:00:00Z');
EOF
expect_status 0 "the June report with journals" \
	"$PLANNER" report --db "$T/p.db" --month 2025-06 --out "$T/rj" --json
F="$T/out"
expect_eq "realised this month: the April move" \
	"$(jq -r .summary.realised_savings_usd "$F")" 156.28
expect_eq "realised since April: May and June" \
	"$(jq -r .summary.since_first_month.realised_usd "$F")" 312.56
expect_eq "realised = the query" \
	"$(usd "$(q 2025-06 report_realised | cut -d'|' -f1)")" \
	"$(jq -r .summary.realised_savings_usd "$F" | xargs printf '%.2f')"
expect_eq "realised per month" \
	"$(jq -r '.months[].realised_savings_usd' "$F" | tr '\n' ' ')" \
	"0 156.28 156.28 "
expect_eq "June's completed migration" \
	"$(jq -r '.migrations[] | "\(.vm_name) \(.savings_usd)"' "$F")" \
	"cpu-worker-25 135.65"
check "the page lists it" grep -q '<td>cpu-worker-25</td><td>us-central1-a' \
	"$T/rj/report.html"
ms() { awk -F'|' '{ printf "%s|%s|%s|%.2f|%.2f ", $1, $2, $3, $4, $5 }'; }
expect_eq "latency = the query" "$(q 2025-06 report_latency | ms)" \
	"$(jq -r '.latency[] |
	   "\(.region)|\(.samples)|\(.lost)|\(.median_ms)|\(.p95_ms)"' "$F" |
	   ms)"
expect_eq "latency: the slow region first" \
	"$(jq -r '.latency[0].region' "$F")" us-east1
pdftotext "$T/rj/report.pdf" "$T/pdf.txt"
check "the PDF has the latency table" grep -q "Probes answered" "$T/pdf.txt"
check "the latency chart is not empty" \
	sh -c "! grep -q 'No latency measurements yet' '$T/pdf.txt'"
expect_eq "the realised bars: two months and the legend" \
	"$(fills "$DARK" "$T/rj/savings.svg")" 3
finish
