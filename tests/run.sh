#!/bin/sh
# run.sh - run every test: the C unit tests, then the command-line cases.
# usage: tests/run.sh PLANNER_BINARY UNIT_TEST_DIR
# Each part prints "NAME: N passed, N failed"; this adds them up and ends
# with the plain total line; the exit status is 1 if anything failed.
set -u
planner=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
unitdir=$2
export PLANNER="$planner"
export TESTS_DIR="$(cd "$(dirname "$0")" && pwd)"
export TOP_DIR="$(cd "$TESTS_DIR/.." && pwd)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0

for t in "$unitdir"/test_*; do
	[ -x "$t" ] || continue
	"$t" >>"$log" 2>&1 || status=1
done
for t in "$unitdir"/replay_*; do
	[ -x "$t" ] || continue
	name=fuzz_${t##*/replay_}
	"$t" "$TESTS_DIR/fuzz/seeds/$name"/* \
		$(ls "$TESTS_DIR/fuzz/regress/$name"/* 2>/dev/null) \
		>>"$log" 2>&1 || status=1
done
for t in "$TESTS_DIR"/cli/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	sh "$t" >>"$log" 2>&1 || status=1
done

# Show failures in full, successes as their count lines.
grep -v ': [0-9]* passed, 0 failed$' "$log" | grep -v '^ok ' || true
grep ': [0-9]* passed, 0 failed$' "$log"
awk -F': ' '/: [0-9]+ passed, [0-9]+ failed$/ {
	split($NF, a, /[ ,]+/); p += a[1]; f += a[3] }
	END { printf "tests: %d passed, %d failed\n", p, f; exit f > 0 }' \
	"$log" || status=1
exit $status
