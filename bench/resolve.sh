#!/bin/sh
# resolve.sh - how fast `planner resolve --file` is: N locations (default
# 1,000,000) drawn in turn from a few thousand distinct real-shaped
# strings (the case tables' locations, each also with a continent suffix
# and in lower case), against the start-up alone (one location).
# usage: bench/resolve.sh [PLANNER] [N]
# A benchmark, not a test: timings depend on the machine.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
planner=${1:-$top/bin/planner}
n=${2:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cut -f1 "$top"/tests/data/locations*.tsv | grep -v '^#' | sort -u \
	>"$tmp/base"
{
	cat "$tmp/base"
	sed 's/$/, NA/' "$tmp/base"
	sed 's/$/, EU/' "$tmp/base"
	tr '[:upper:]' '[:lower:]' <"$tmp/base"
} | sort -u >"$tmp/distinct"
awk -v n="$n" '{ l[NR] = $0 } END { for (i = 0; i < n; i++)
	print l[i % NR + 1] }' "$tmp/distinct" >"$tmp/input"

secs() {
	s=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || true
	e=$(date +%s.%N)
	echo "$e - $s" | bc
}
start=$(secs "$planner" resolve "Texas, US")
text=$(secs "$planner" resolve --file "$tmp/input")
json=$(secs "$planner" resolve --json --file "$tmp/input")
echo "distinct locations: $(wc -l <"$tmp/distinct"), lines: $n"
echo "start-up (one location): ${start} s"
echo "text output: ${text} s (less start-up: $(echo "$text - $start" | bc) s)"
echo "JSON output: ${json} s (less start-up: $(echo "$json - $start" | bc) s)"
