#!/bin/sh
# t0200 - bad input: each refused file names file and line, exits 1 and
# leaves the database exactly as it was.
. "$(dirname "$0")/lib.sh"

db="$T/p.db"
"$PLANNER" --db "$db" --vast-instances "$DEMO/vast_instances.json" \
	--gcp-instances "$DEMO/gcp_instances.json" >/dev/null 2>&1
digest=$(db_digest "$db")

# refused NAME KIND FILE PATTERN: import must fail, stderr match PATTERN.
refused() {
	expect_status 1 "$1: refused" "$PLANNER" --db "$db" "--$2" "$3"
	if grep -q -- "$4" "$T/err"; then pass "$1: message"
	else fail "$1: message lacks '$4'"; sed 's/^/  | /' "$T/err"; fi
	expect_eq "$1: database unchanged" "$(db_digest "$db")" "$digest"
}

head -c 3000 "$DEMO/vast_instances.json" >"$T/trunc.json"
refused "truncated JSON" vast-instances "$T/trunc.json" "trunc.json:[0-9]*:"

printf '{"instances":[{"id":7,"geolocation":"Texas, US"}]}\nCurrent: {}\n' \
	>"$T/b03.json"
refused "B03 trailing data" vast-instances "$T/b03.json" \
	"b03.json:2:1: unexpected data after the JSON document"

printf '[{"id":1},\n{"id":2}' >"$T/open.json"
refused "list never closed" vast-instances "$T/open.json" \
	"open.json:2:9: expected the end of the list: the file ends early"
printf '[{"id":1},\n,{"id":2}]' >"$T/comma.json"
refused "double comma" vast-instances "$T/comma.json" \
	"comma.json:2:1: expected a list element, found ','"
printf '[{"id":1}]\n]' >"$T/after.json"
refused "data after the list" vast-instances "$T/after.json" \
	"after.json:2:1: unexpected data after the JSON document"
printf '[{"id":1},\n {"id":2,}]' >"$T/elem.json"
refused "bad element" vast-instances "$T/elem.json" \
	"elem.json:2:10: element 2: not valid JSON here"

printf '[\n {"id": 1},\n {"id": "2"}\n]\n' >"$T/type.json"
refused "wrong type" vast-instances "$T/type.json" \
	"type.json:3: element 2: field 'id': expected a positive integer"

printf '[{"name":"a","zone":"us-central1-a","labels":{"x":1}}]' \
	>"$T/labels.json"
refused "label not a string" gcp-instances "$T/labels.json" "'labels'"

{ head -n 3 "$DEMO/gcp_billing.csv"; echo "a,b,c"; } >"$T/short.csv"
refused "CSV row with too few fields" gcp-billing "$T/short.csv" \
	"short.csv:4"

refused "missing file" gcp-billing "$T/nonexistent.csv" \
	"nonexistent.csv: cannot open"
: >"$T/empty.json"
refused "empty file" vast-instances "$T/empty.json" "empty"

d=0
while [ $d -lt 100 ]; do printf '['; d=$((d + 1)); done >"$T/deep.json"
refused "deep nesting" vast-instances "$T/deep.json" "nesting deeper"

printf '[{"id":1,"geolocation":"Qu\351bec, CA"}]' >"$T/latin1.json"
refused "invalid UTF-8" vast-instances "$T/latin1.json" "invalid UTF-8"

# B04: null, empty and absent lists are an empty inventory, not an error.
for doc in '[]' '{"instances": []}' '{}' '{"instances": null}'; do
	printf '%s' "$doc" >"$T/b04.json"
	expect_status 0 "B04 $doc" "$PLANNER" --db "$T/b04.db" \
		--vast-instances "$T/b04.json" --month 2025-06
	expect_eq "B04 $doc: no GPUs" \
		"$(sqlite3 "$T/b04.db" 'SELECT COUNT(*) FROM gpu')" 0
done
check "B04 warns of a null list" grep -q "null" "$T/err"

# --keep-going: the bad element is reported, the rest imported, exit 3.
printf '[{"id":1,"geolocation":"Texas, US"},{"id":"x"},{"id":3}]' \
	>"$T/kg.json"
expect_status 3 "keep-going exits 3" "$PLANNER" --db "$T/kg.db" \
	--keep-going --vast-instances "$T/kg.json" --month 2025-06
check "keep-going names the element" grep -q "element 2" "$T/err"
expect_eq "keep-going imports the rest" \
	"$(sqlite3 "$T/kg.db" 'SELECT COUNT(*) FROM gpu')" 2
# \u escapes, surrogate pairs included, become UTF-8; a lone surrogate
# is not text.
printf '[{"id":8,"geolocation":"Hafnarfjar\\u00f0ur \\ud83d\\ude00, IS"}]' \
	>"$T/u.json"
expect_status 0 "escapes and a surrogate pair" "$PLANNER" --db "$T/u.db" \
	--vast-instances "$T/u.json" --month 2025-06
expect_eq "stored as UTF-8" "$(sqlite3 "$T/u.db" \
	"SELECT hex(location) FROM gpu")" \
	"$(printf 'Hafnarfjar\303\260ur \360\237\230\200, IS' | od -An -tx1 |
	tr -d ' \n' | tr a-f A-F)"
printf '[{"id":9,"geolocation":"x\\ud83d, IS"}]' >"$T/lone.json"
expect_status 1 "a lone surrogate refused" "$PLANNER" --db "$T/u.db" \
	--vast-instances "$T/lone.json"

# A location holding terminal escapes is shown, not obeyed.
printf '[{"id":5,"geolocation":"\\u001b[31mred, ZZ"}]' >"$T/esc.json"
"$PLANNER" --db "$T/esc.db" --vast-instances "$T/esc.json" \
	--month 2025-06 >"$T/out" 2>"$T/err"
check "no escape byte reaches the terminal" sh -c \
	"! cat '$T/out' '$T/err' | tr -d '\\n' | grep -q \"\$(printf '\\033')\""
check "the location is still named" grep -q "31mred, ZZ" "$T/err"
finish
