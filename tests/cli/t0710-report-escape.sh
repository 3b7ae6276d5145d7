#!/bin/sh
# t0710 - strings from the inputs reach the report as text, never as
# markup: a VM name and GPU locations carrying an HTML payload, and
# bytes that are not UTF-8, go through import, plan and report; the page
# shows them escaped, its embedded JSON hides every '<', and every output
# is valid UTF-8.
. "$(dirname "$0")/lib.sh"
export PLANNER_NOW=2025-07-02T03:00:00Z
P='</script><img src=x onerror=alert(1)>'

jq --arg p "$P" 'map(if .id == 21345337 then .geolocation = ($p + ", US")
	elif .id == 21349338 then .geolocation = $p else . end)' \
	"$DEMO/vast_instances.json" >"$T/vast.json"
jq --arg p "$P" 'map(if .name == "cpu-worker-02" then .name = $p
	else . end)' "$DEMO/gcp_instances.json" >"$T/gcp.json"
"$PLANNER" --db "$T/p.db" --month 2025-06 --vast-instances "$T/vast.json" \
	--gcp-instances "$T/gcp.json" --gcp-billing "$DEMO/gcp_billing.csv" \
	--plan-json "$T/plan.json" >/dev/null 2>&1
expect_eq "the payload is a VM name in the plan" \
	"$(jq -r --arg p "$P" '[.pairs[] | select(.cpu_name == $p)] | length' \
	   "$T/plan.json")" 1
# A location that is not UTF-8 ("Montréal" in Latin-1 and a stray byte),
# as a database written by other tools could hold.
sqlite3 "$T/p.db" "UPDATE plan_pair SET gpu_location =
	CAST(X'4D6F6E7472E9616C2C20FF' AS TEXT) WHERE cpu_name = 'cpu-worker-05'"

expect_status 0 "the report is written" \
	"$PLANNER" report --db "$T/p.db" --month 2025-06 --out "$T/r" --json
H="$T/r/report.html"
check "the payload never appears raw" sh -c "! grep -qF '$P' '$H'"
check "no <img element at all" sh -c "! grep -qi '<img src=x' '$H'"
expect_eq "only the page's own script element closes" \
	"$(grep -o '</script' "$H" | wc -l)" 1
check "the VM name is shown as text" \
	grep -qF '<td>&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</td>' "$H"
check "the unmapped location is shown as text" \
	grep -qF '&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;, US' "$H"
check "the alert is shown as text" \
	grep -qF "no GCP region for location &#39;&lt;/script&gt;" "$H"
check "the embedded JSON escapes '<'" \
	grep -qF '\u003c/script\u003e\u003cimg src=x onerror=alert(1)\u003e' "$H"
check "report.html is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$H" -o /dev/null
check "report.json is valid UTF-8" \
	iconv -f UTF-8 -t UTF-8 "$T/r/report.json" -o /dev/null
check "--json is valid JSON" jq -e . "$T/out" >/dev/null
expect_eq "the JSON gives the payload back" \
	"$(jq -r --arg p "$P" '[.cross_region_pairs[] | select(.cpu_name ==
	   $p)] | length' "$T/out")" 1
expect_eq "bytes that are not UTF-8 became U+FFFD" \
	"$(jq -r '.cross_region_pairs[] | select(.cpu_name ==
	   "cpu-worker-05") | .gpu_location' "$T/out")" \
	"Montr$(printf '\357\277\275')al, $(printf '\357\277\275')"
check "so does the page" grep -qF \
	"Montr$(printf '\357\277\275')al, $(printf '\357\277\275')" "$H"

# The PDF sets them as text, too (pango gets valid UTF-8 only).
pdftotext "$T/r/report.pdf" "$T/pdf.txt"
check "the PDF shows the payload as text" sh -c "tr -d ' \n' <'$T/pdf.txt' |
	grep -qF '</script><imgsrc=xonerror=alert(1)>'"
check "the PDF shows the replaced bytes" \
	grep -qF "Montr$(printf '\357\277\275')al" "$T/pdf.txt"
pages=$(pdfinfo "$T/r/report.pdf" | awk '/^Pages:/ { print $2 }')
pdftoppm -png -r 30 "$T/r/report.pdf" "$T/pg" 2>/dev/null
expect_eq "every page renders" "$(ls "$T"/pg-*.png | wc -l)" "$pages"
finish
