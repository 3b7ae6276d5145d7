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
# A long settings file, then a flag whose id is a character (-q).
{
	echo "db = $T/long.db"
	for k in month=2025-06 pair-label=paired-gpu rate-cross-region=0.01 \
	    rate-same-region=0 metrics-file=$T/m.prom log-format=text \
	    project=p api-endpoint=http://127.0.0.1:9 \
	    access-token-file=$T/none max-migrations=1 \
	    latency-threshold-ms=20 probe-via=local probe-port=22 \
	    vast-instances-glob=$T/none* gcp-instances-glob=$T/none* \
	    alert-webhook=http://127.0.0.1:9/x allow-regions=us-central1 \
	    exclude-regions=asia-east1 plan-json=$T/long.json; do
		echo "${k%%=*} = ${k#*=}"
	done
	echo "quiet = true"
} >"$T/long.conf"
expect_status 0 "a long settings file ending in quiet" "$PLANNER" \
	--config "$T/long.conf"
printf 'quiet = true\nquiet = true\n' >"$T/twice.conf"
expect_status 2 "a flag set twice" "$PLANNER" --config "$T/twice.conf"
check "set twice: the first line named" grep -q "first on line 1)" \
	"$T/err"
printf 'no-such-key = 1\n' >"$T/bad.conf"
expect_status 2 "unknown setting" "$PLANNER" --config "$T/bad.conf"
check "unknown setting has its line" grep -q "bad.conf:1" "$T/err"
expect_status 2 "missing settings file" "$PLANNER" --config "$T/none.conf"

# A tiered rate card: the first 1024 GiB at $0.12, the rest at $0.08.
printf 'cross_region 0.12 USD/GiB upto 1 TiB\ncross_region 0.08 USD/GiB\nsame_region 0 USD/GiB\n' \
	>"$T/tiers.tsv"
"$PLANNER" --db "$T/r.db" --month 2025-06 --rate-card "$T/tiers.tsv" \
	--vast-instances "$DEMO/vast_instances.json" \
	--gcp-instances "$DEMO/gcp_instances.json" \
	--gcp-billing "$DEMO/gcp_billing.csv" --plan-json "$T/tier.json" \
	>/dev/null 2>&1
expect_eq "tiered price of 15628.399 GiB" "$(jq -r '.pairs[] |
	select(.cpu_name == "cpu-worker-02") | .cost_usd' "$T/tier.json")" \
	1291.23
expect_eq "tiers in the plan" \
	"$(jq -c '.rates.cross_region_tiers' "$T/tier.json")" \
	'[{"upto_gib":1024,"usd_per_gb":0.12},{"upto_gib":null,"usd_per_gb":0.08}]'
printf 'cross_region 0.12 USD/GiB upto 1 TB\n' >"$T/open.tsv"
expect_status 2 "an open rate card refused" "$PLANNER" --db "$T/r.db" \
	--rate-card "$T/open.tsv"
check "the rate card error names the file" grep -q "open.tsv" "$T/err"

# A database from a newer planner is refused, not misread.
sqlite3 "$T/new.db" "PRAGMA user_version = 999"
expect_status 1 "newer schema refused" "$PLANNER" --db "$T/new.db"
check "newer schema explained" grep -q "newer planner" "$T/err"
finish
