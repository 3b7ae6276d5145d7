# lib.sh - helpers for the command-line tests; sourced by tests/cli/t*.sh.
#
# Each script calls `check NAME COMMAND...` (passes when the command exits
# 0) or the expect_* helpers, and ends with `finish`.  Scratch files go in
# $T, removed at exit.  The binary under test is $PLANNER.
set -u
: "${PLANNER:?run through tests/run.sh or set PLANNER}"
: "${TOP_DIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
DEMO="$TOP_DIR/data/demo"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
_name=$(basename "$0" .sh)
_pass=0
_fail=0

pass() { _pass=$((_pass + 1)); echo "ok $_name: $1"; }
fail() { _fail=$((_fail + 1)); echo "FAIL $_name: $1"; }

# check DESCRIPTION CMD...: passes when CMD exits 0.
check() {
	d=$1; shift
	if "$@"; then pass "$d"; else fail "$d"; fi
}

# expect_status WANT DESCRIPTION CMD...: CMD's exit status must be WANT.
expect_status() {
	want=$1 d=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq "$want" ]; then pass "$d"
	else fail "$d (exit $got, want $want)"; sed 's/^/  | /' "$T/err" | head -5
	fi
}

# expect_eq DESCRIPTION GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"
	else fail "$1: got '$2', want '$3'"
	fi
}

# A fingerprint of the data a database holds (schema and input-derived
# rows; the log of runs and alerts is left out, as every run adds to it).
db_digest() {
	{
		sqlite3 "$1" .schema
		for t in import_file gpu vm billing_usage billing_seen \
			vast_charge plan_run plan_pair unmapped_location; do
			sqlite3 "$1" "SELECT * FROM $t ORDER BY 1, 2, 3"
		done
	} | sha256sum | cut -c1-64
}

finish() {
	echo "$_name: $_pass passed, $_fail failed"
	[ "$_fail" -eq 0 ]
}
