#!/bin/sh
# t0700 - planner report on the demo inputs: every file is written and
# is what it says, every PDF page renders, the HTML's totals equal the
# plan's, the HTML and the JSON equal what the sql/report_*.sql queries
# give, the page needs nothing but itself; usage errors and failures.
. "$(dirname "$0")/lib.sh"
SQL="$TOP_DIR/sql"
export PLANNER_NOW=2025-07-02T03:00:00Z
LC_ALL=C
export LC_ALL

"$PLANNER" --db "$T/p.db" --month 2025-06 \
	--vast-instances "$DEMO/vast_instances.json" \
	--gcp-instances "$DEMO/gcp_instances.json" \
	--gcp-billing "$DEMO/gcp_billing.csv" \
	--vast-billing "$DEMO/vast_billing.csv" \
	--plan-json "$T/plan.json" >/dev/null 2>&1
R="$T/r"
H="$R/report.html"

expect_status 0 "report for 2025-06" \
	"$PLANNER" report --db "$T/p.db" --month 2025-06 --out "$R" --json
cp "$T/out" "$T/fig.json"

# ---- the files
for f in report.html report.pdf report.json savings.png savings.svg \
	region_pairs.png region_pairs.svg hit_rate.png hit_rate.svg \
	latency.png latency.svg world_map.png world_map.svg; do
	check "writes $f" test -s "$R/$f"
done
png_sig=$(printf '\211PNG\r\n\032\n' | od -An -tx1)
for f in "$R"/*.png; do
	expect_eq "$(basename "$f") is a PNG" "$(head -c 8 "$f" | od -An -tx1)" \
		"$png_sig"
done
for f in "$R"/*.svg; do
	check "$(basename "$f") is an SVG" grep -q '<svg' "$f"
done
expect_eq "no temporary file is left" \
	"$(ls -A "$R" | grep -c '^\.')" 0
check "--json prints JSON" jq -e .summary "$T/fig.json" >/dev/null
check "--json prints report.json" cmp -s "$T/fig.json" "$R/report.json"

# ---- every page of the PDF renders
pages=$(pdfinfo "$R/report.pdf" | awk '/^Pages:/ { print $2 }')
check "the PDF is A4" sh -c "pdfinfo '$R/report.pdf' | grep -q 'A4'"
check "the PDF has several pages ($pages)" test "${pages:-0}" -ge 3
pdftoppm -png -r 40 "$R/report.pdf" "$T/pg" 2>"$T/pdftoppm.err"
expect_eq "pdftoppm renders every page" "$(ls "$T"/pg-*.png | wc -l)" \
	"$pages"
expect_eq "pdftoppm has nothing to say" "$(cat "$T/pdftoppm.err")" ""
small=0
for f in "$T"/pg-*.png; do
	[ "$(wc -c <"$f")" -gt 2000 ] || small=$((small + 1))
done
expect_eq "every page has content" "$small" 0
pdftotext "$R/report.pdf" "$T/pdf.txt"
check "PDF text: title" grep -q "Cross-region traffic savings" "$T/pdf.txt"
check "PDF text: the cost" grep -q '\$1,832.87' "$T/pdf.txt"
check "PDF text: accents survive" grep -q "Île-de-France" "$T/pdf.txt"
check "PDF text: no latency yet" grep -q "No latency measurements yet" \
	"$T/pdf.txt"
check "PDF text: no migrations" grep -q "Migrations completed" "$T/pdf.txt"
# The demo's pair tables are short: the PDF lists them whole.
check "PDF: no pair is left out" sh -c "! grep -q 'not listed here' \
	'$T/pdf.txt'"
expect_eq "PDF: every crossing pair, in order" \
	"$(sed -n '/^Pairs that cross regions/,/^Cross-region traffic by/p' \
	   "$T/pdf.txt" | grep -o 'cpu-worker-[0-9]*' | tr '\n' ' ')" \
	"$(jq -r '.cross_region_pairs[].cpu_name' "$T/fig.json" |
	   tr '\n' ' ')"

# ---- the HTML's totals are the plan's
# The text of the element with id $1, without "$", "," and " %".
fig() { sed -n "s/.*<td id=\"$1\">\([^<]*\)<.*/\1/p" "$H" |
	tr -d '$, %'; }
plan() { jq -r ".totals.$1" "$T/plan.json"; }
expect_eq "HTML GPUs = plan" "$(fig gpus)" "$(plan gpus)"
expect_eq "HTML pairs = plan" "$(fig pairs)" "$(plan pairs)"
expect_eq "HTML cross-region pairs = plan" "$(fig cross-region-pairs)" \
	"$(plan cross_region_pairs)"
expect_eq "HTML egress = plan" "$(fig egress)" \
	"$(printf '%.3f' "$(plan egress_gb)")"
expect_eq "HTML cost = plan" "$(fig cost)" \
	"$(printf '%.2f' "$(plan cost_usd)")"
expect_eq "HTML cost after = plan" "$(fig cost-after)" \
	"$(printf '%.2f' "$(plan cost_after_usd)")"
expect_eq "HTML savings = plan" "$(fig savings)" \
	"$(printf '%.2f' "$(plan savings_usd)")"
expect_eq "HTML hit rate = plan" "$(fig hit-rate)" \
	"$(awk -v h="$(plan hit_rate)" 'BEGIN { printf "%.2f", h * 100 }')"
expect_eq "HTML rate card = plan" \
	"$(sed -n 's/.*<td id="rate-card">\$\([^ ]*\) across.*/\1/p' "$H")" \
	"$(jq -r .rates.cross_region_usd_per_gb "$T/plan.json")"

# ---- the HTML and the JSON are what the queries give
q() { sqlite3 "$T/p.db" ".parameter set :month \"'2025-06'\"" \
	".read $SQL/$1.sql"; }
usd() { awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000000 }'; }
col() { q "$1" | awk -F'|' -v c="$2" '{ print $c }'; }
S=$(q report_summary)
s() { echo "$S" | awk -F'|' -v c="$1" '{ print $c }'; }
expect_eq "query: cost = HTML" "$(usd "$(s 13)")" "$(fig cost)"
expect_eq "query: cost = JSON" "$(usd "$(s 13)")" \
	"$(jq -r .summary.cost_usd "$T/fig.json" | xargs printf '%.2f')"
expect_eq "query: savings = HTML" "$(usd "$(s 15)")" "$(fig savings)"
expect_eq "query: projected since = HTML" "$(usd "$(s 18)")" \
	"$(fig projected-since)"
expect_eq "query: hit rate = JSON" "$(s 11)" \
	"$(jq -r '.summary.hit_rate * 10000 | round' "$T/fig.json")"
expect_eq "query: GPUs = JSON" "$(s 6)" "$(jq -r .summary.gpus "$T/fig.json")"
expect_eq "query: egress sources = JSON" "$(s 19) $(s 20) $(s 21)" \
	"$(jq -r '.summary.egress_sources |
	   "\(."gcp-billing") \(."vast-billing") \(.assumed)"' "$T/fig.json")"
expect_eq "query: crossing pairs, in order = JSON" \
	"$(col report_pairs 7 | tr '\n' ' ')" \
	"$(jq -r '.cross_region_pairs[].cpu_name' "$T/fig.json" | tr '\n' ' ')"
expect_eq "query: crossing pairs, in order = HTML" \
	"$(col report_pairs 7 | tr '\n' ' ')" \
	"$(sed -n '/<section id="crossing">/,/<\/section>/p' "$H" |
	   grep -o '<td>cpu-worker-[0-9]*</td>' | sed 's/<[^>]*>//g' |
	   tr '\n' ' ')"
expect_eq "query: pair savings = JSON" \
	"$(col report_pairs 14 | while read -r m; do usd "$m"; echo; done |
	   tr '\n' ' ')" \
	"$(jq -r '.cross_region_pairs[].savings_usd' "$T/fig.json" |
	   xargs printf '%.2f\n' | tr '\n' ' ')"
expect_eq "query: region pairs' cost = JSON" \
	"$(col report_region_pairs 7 | while read -r m; do usd "$m"; echo; done |
	   tr '\n' ' ')" \
	"$(jq -r '.region_pairs[].cost_usd' "$T/fig.json" |
	   xargs printf '%.2f\n' | tr '\n' ' ')"
expect_eq "region pairs: ten and the others" \
	"$(jq -r '"\(.region_pairs | length) \(.region_pairs[10].others)"' \
	   "$T/fig.json")" \
	"11 true"
expect_eq "query: months = JSON" "$(q report_months | wc -l)" \
	"$(jq -r '.months | length' "$T/fig.json")"
expect_eq "query: unpriced pairs = JSON" "$(q report_unpriced | wc -l)" \
	"$(jq -r '.unpriced_pairs | length' "$T/fig.json")"
expect_eq "query: unmapped = JSON" "$(q report_unmapped | wc -l)" \
	"$(jq -r '.unmapped_locations | length' "$T/fig.json")"
expect_eq "query: alerts = JSON" "$(q report_alerts | wc -l)" \
	"$(jq -r '.alerts | length' "$T/fig.json")"
expect_eq "no migration journal: none" \
	"$(jq -r '.migrations | length' "$T/fig.json")" 0
check "HTML says no migrations" grep -q 'id="migrations-none">None' "$H"

# ---- the page needs nothing but itself
check "no remote resource" \
	sh -c "! grep -Eiq '(src|href)=\"(https?:)?//' '$H'"
check "no linked style or script" \
	sh -c "! grep -Eiq '<link|<script[^>]*src' '$H'"
expect_eq "one script element, inert JSON" \
	"$(grep -o '<script[^>]*>' "$H")" \
	'<script type="application/json" id="report-figures">'
check "a CSP forbids scripts" grep -q "default-src 'none'" "$H"
expect_eq "element ids are unique" \
	"$(grep -o ' id="[^"]*"' "$H" | sort | uniq -d)" ""
expect_eq "five charts inline as SVG" \
	"$(grep -o 'src="data:image/svg+xml;base64,' "$H" | wc -l)" 5
sed -n '/<script type="application\/json"/,/<\/script>/p' "$H" |
	sed '1d;$d' >"$T/embedded.json"
expect_eq "the page's JSON is report.json" "$(jq -S . "$T/embedded.json")" \
	"$(jq -S . "$R/report.json")"

# ---- a month without a plan: the report says so
expect_status 0 "a month without a plan is written" \
	"$PLANNER" report --db "$T/p.db" --month 2025-09 --out "$T/empty"
check "it warns" grep -q "no plan for 2025-09" "$T/err"
check "the page says no data" grep -q "No data: there is no plan" \
	"$T/empty/report.html"
expect_eq "its figures are null" \
	"$(jq -r '.has_plan, .summary.cost_usd' "$T/empty/report.json" |
	   tr '\n' ' ')" "false null "

# ---- defaults, usage and failures
expect_status 0 "the month defaults to the latest planned" \
	"$PLANNER" report --db "$T/p.db" --out "$T/d" --json
expect_eq "default month" "$(jq -r .month "$T/out")" 2025-06
expect_status 0 "--help" "$PLANNER" report --help
check "--help shows --out" grep -q -- "--out DIR" "$T/out"
expect_status 2 "--out is required" "$PLANNER" report --db "$T/p.db"
check "says what is missing" grep -q "planner: .*--out" "$T/err"
expect_status 2 "a bad month" \
	"$PLANNER" report --db "$T/p.db" --month 2025-6 --out "$T/x"
expect_status 2 "an unknown option" \
	"$PLANNER" report --db "$T/p.db" --out "$T/x" --colour
expect_status 2 "an option without its value" "$PLANNER" report --out
expect_status 1 "a missing database" \
	"$PLANNER" report --db "$T/none.db" --out "$T/x"
check "no database is created" test ! -e "$T/none.db"
check "no directory is created" test ! -e "$T/x"
sqlite3 "$T/empty.db" "CREATE TABLE t(x)"
expect_status 2 "an empty database has no month to default to" \
	"$PLANNER" report --db "$T/empty.db" --out "$T/x"

# A failed run leaves no half report: a directory in the way of
# report.pdf makes the run fail before anything is renamed.
mkdir -p "$T/bad/report.pdf"
expect_status 1 "report.pdf cannot be replaced" \
	"$PLANNER" report --db "$T/p.db" --month 2025-06 --out "$T/bad"
expect_eq "nothing else is left behind" "$(ls -A "$T/bad")" report.pdf
: >"$T/afile"
expect_status 1 "--out names a file" \
	"$PLANNER" report --db "$T/p.db" --out "$T/afile"

# Writing over an earlier report replaces it.
expect_status 0 "a second run over the first" \
	"$PLANNER" report --db "$T/p.db" --month 2025-06 --out "$R"
check "the same figures" cmp -s "$R/report.json" "$T/fig.json"
finish
