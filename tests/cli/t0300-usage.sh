#!/bin/sh
# t0300 - the command line: help, version, usage errors, settings file.
. "$(dirname "$0")/lib.sh"

expect_status 0 "--help" "$PLANNER" --help
check "--help lists the inputs" grep -q -- "--vast-instances" "$T/out"
check "--help states exit codes" grep -q "Exit status" "$T/out"
expect_status 0 "--version" "$PLANNER" --version
expect_status 2 "unknown option" "$PLANNER" --no-such-option
check "unknown option named" grep -q -- "--no-such-option" "$T/err"
expect_status 2 "stray argument" "$PLANNER" stray
expect_status 2 "missing option value" "$PLANNER" --db
expect_status 2 "bad month" "$PLANNER" --db "$T/x.db" --month 2025-6
expect_status 2 "bad rate" "$PLANNER" --db "$T/x.db" \
	--rate-cross-region 1,5
expect_status 2 "--migrate without credentials" env -u \
	GOOGLE_OAUTH_ACCESS_TOKEN -u GOOGLE_APPLICATION_CREDENTIALS \
	"$PLANNER" --migrate --db "$T/nocred.db"
check "missing credentials explained" grep -q "no GCP credentials" "$T/err"
check "no database made before the check" test ! -e "$T/nocred.db"
expect_status 2 "--dry-run alone" "$PLANNER" --dry-run --db "$T/x.db"
expect_status 1 "database in a missing directory" "$PLANNER" \
	--db "$T/no/such/dir/p.db"

# Settings file: keys are long options; the command line wins.
cat >"$T/planner.conf" <<CONF
# a comment
db = $T/conf.db
month = 2025-06
rate-cross-region = 0.02
CONF
expect_status 0 "settings file" "$PLANNER" --config "$T/planner.conf" \
	--plan-json "$T/plan.json" --rate-cross-region 0.03
check "settings file named the database" test -f "$T/conf.db"
expect_eq "command line wins" \
	"$(jq -r .rates.cross_region_usd_per_gb "$T/plan.json")" 0.03
printf 'no-such-key = 1\n' >"$T/bad.conf"
expect_status 2 "unknown setting" "$PLANNER" --config "$T/bad.conf"
check "unknown setting has its line" grep -q "bad.conf:1" "$T/err"
expect_status 2 "missing settings file" "$PLANNER" --config "$T/none.conf"

# A database from a newer planner is refused, not misread.
sqlite3 "$T/new.db" "PRAGMA user_version = 999"
expect_status 1 "newer schema refused" "$PLANNER" --db "$T/new.db"
check "newer schema explained" grep -q "newer planner" "$T/err"
finish
