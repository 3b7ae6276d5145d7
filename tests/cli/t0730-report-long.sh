#!/bin/sh
# t0730 - a month with more pairs than the PDF lists: the PDF's pair
# tables hold the 100 that matter most (largest saving; most egress for
# the pairs not priced), say how many are left out and what they add up
# to, and name the files that list them; report.html and report.json
# still hold every pair.
. "$(dirname "$0")/lib.sh"
export PLANNER_NOW=2025-07-02T03:00:00Z
LC_ALL=C
export LC_ALL

python3 "$TOP_DIR/bench/geninv.py" vast 2000 "$T/vast.json"
python3 "$TOP_DIR/bench/geninv.py" gcloud 2000 "$T/gcloud.json"
"$PLANNER" -q --db "$T/p.db" --month 2025-06 \
	--vast-instances "$T/vast.json" --gcp-instances "$T/gcloud.json" \
	>/dev/null 2>&1
# Every pair is priced as assumed (3,000 GiB, $30): give them different
# savings and volumes, so that "the 100 that matter most" is a choice.
sqlite3 "$T/p.db" "UPDATE plan_pair SET
	savings_micro = (gpu_id * 7919 % 100003) * 1000
	WHERE cross_region = 1;
	UPDATE plan_pair SET egress_bytes = (gpu_id * 104729 % 9973) << 30
	WHERE cross_region IS NULL"

R="$T/r"
expect_status 0 "report for 2025-06" \
	"$PLANNER" report --db "$T/p.db" --month 2025-06 --out "$R"
J="$R/report.json"
H="$R/report.html"
ncross=$(sqlite3 "$T/p.db" "SELECT count(*) FROM plan_pair
	WHERE month = '2025-06' AND cross_region = 1")
nunpriced=$(sqlite3 "$T/p.db" "SELECT count(*) FROM plan_pair
	WHERE month = '2025-06' AND cross_region IS NULL")
check "more crossing pairs than the PDF lists ($ncross)" \
	test "$ncross" -gt 100
check "more unpriced pairs than the PDF lists ($nunpriced)" \
	test "$nunpriced" -gt 100

# 12345 as 12,345
thousands() { echo "$1" | sed ':a
s/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/
ta'; }
# micro-dollars as $12,345.67
money() { d=$(awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000000 }')
	echo "\$$(thousands "${d%.*}").${d#*.}"; }

# ---- the HTML and the JSON keep every pair
expect_eq "JSON: every crossing pair" \
	"$(jq '.cross_region_pairs | length' "$J")" "$ncross"
expect_eq "JSON: every unpriced pair" \
	"$(jq '.unpriced_pairs | length' "$J")" "$nunpriced"
expect_eq "HTML: every crossing pair" \
	"$(sed -n '/<section id="crossing">/,/<\/section>/p' "$H" |
	   grep -c '<td>cpu-worker-[0-9]*</td>')" "$ncross"
expect_eq "HTML: every unpriced pair" \
	"$(sed -n '/<section id="unpriced">/,/<\/section>/p' "$H" |
	   grep -c '<td>cpu-worker-[0-9]*</td>')" "$nunpriced"

# ---- the PDF lists 100 of each, the ones that matter most
pdftotext -layout "$R/report.pdf" "$T/pdf.txt"
sed -n '/^Pairs that cross regions/,/more pairs/p' "$T/pdf.txt" \
	>"$T/cross.txt"
# (the summary has a line "Pairs not priced (GPU location unknown)")
sed -n '/^Pairs not priced (GPU location unknown or/,/more pairs/p' \
	"$T/pdf.txt" >"$T/unpriced.txt"
grep -o 'cpu-worker-[0-9]*' "$T/cross.txt" >"$T/cross.pdf"
grep -o 'cpu-worker-[0-9]*' "$T/unpriced.txt" >"$T/unpriced.pdf"
sqlite3 "$T/p.db" "SELECT cpu_name FROM plan_pair
	WHERE month = '2025-06' AND cross_region = 1
	ORDER BY savings_micro DESC, cpu_name LIMIT 100" >"$T/cross.want"
sqlite3 "$T/p.db" "SELECT cpu_name FROM plan_pair
	WHERE month = '2025-06' AND cross_region IS NULL
	ORDER BY egress_bytes DESC, cpu_name LIMIT 100" >"$T/unpriced.want"
expect_eq "PDF: 100 crossing pairs" "$(wc -l <"$T/cross.pdf")" 100
check "PDF: the largest savings, largest first" \
	cmp -s "$T/cross.pdf" "$T/cross.want"
expect_eq "PDF: 100 unpriced pairs" "$(wc -l <"$T/unpriced.pdf")" 100
check "PDF: the most egress, most first" \
	cmp -s "$T/unpriced.pdf" "$T/unpriced.want"

# ---- ... and says what it leaves out, and where it is
pdftotext "$R/report.pdf" - | tr '\n' ' ' | tr -s ' ' >"$T/flat.txt"
total=$(sqlite3 "$T/p.db" "SELECT sum(savings_micro) FROM plan_pair
	WHERE month = '2025-06' AND cross_region = 1")
top=$(sqlite3 "$T/p.db" "SELECT sum(s) FROM (SELECT savings_micro AS s
	FROM plan_pair WHERE month = '2025-06' AND cross_region = 1
	ORDER BY s DESC LIMIT 100)")
check "PDF: the share the 100 crossing pairs carry" grep -qF \
	"The 100 pairs with the largest saving, of $(thousands "$ncross") \
that cross regions: $(money "$top") (" "$T/flat.txt"
check "PDF: of the month's saving" grep -qF \
	"of the $(money "$total") a month" "$T/flat.txt"
check "PDF: how many crossing pairs are left out, and their saving" \
	grep -qF "$(thousands $((ncross - 100))) more pairs (saving \
$(money $((total - top))) a month) are not listed here; report.html and \
report.json, written next to this PDF, list every pair." "$T/flat.txt"
check "PDF: how many unpriced pairs are left out" grep -qF \
	"$(thousands $((nunpriced - 100))) more pairs (" "$T/flat.txt"
check "PDF: the share the 100 unpriced pairs carry" grep -qF \
	"The 100 pairs with the most egress, of $(thousands "$nunpriced") \
not priced:" "$T/flat.txt"
finish
