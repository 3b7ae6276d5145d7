#!/bin/sh
# t0500 - planner resolve: output shapes, options and exit statuses
# (shared/design/cli.md).  Owned by the resolver work.
. "$(dirname "$0")/lib.sh"

expect_status 0 "one location" "$PLANNER" resolve "Quebec, CA, NA"
expect_eq "text line" "$(cat "$T/out")" "$(printf \
	'Quebec, CA, NA\tnorthamerica-northeast1\tnorthamerica-northeast1-a\tsubdivision\t74.4\thigh')"

expect_status 3 "unmapped makes exit 3" "$PLANNER" resolve \
	"Texas, US" "Atlantis, ZZ"
expect_eq "unmapped line" "$(sed -n 2p "$T/out")" "$(printf \
	'Atlantis, ZZ\t-\t-\tunmapped\t-\tnone')"

expect_status 3 "-- ends options: dash and empty locations" \
	"$PLANNER" resolve --json -- "-x" "" "North Carolina, US"
check "three JSON lines" test "$(jq -s length "$T/out")" = 3
expect_eq "empty location is null region" \
	"$(jq -s -r '.[1].region' "$T/out")" null
expect_eq "real zone, never region-a" \
	"$(jq -s -r '.[2].zone' "$T/out")" us-east1-b
expect_eq "keys" "$(jq -s -r '.[2] | [has("location", "region", "zone",
	"method", "distance_km", "est_rtt_ms", "confidence")] | all' \
	"$T/out")" true

expect_status 0 "large country alone is low" "$PLANNER" resolve --json \
	", US, NA"
expect_eq "low confidence" "$(jq -r .confidence "$T/out")" low
expect_eq "country-default" "$(jq -r .method "$T/out")" country-default

printf 'bad\377\001"x' >"$T/loc"
expect_status 3 "escaped JSON" "$PLANNER" resolve --json -- "$(cat "$T/loc")"
expect_eq "control character and invalid UTF-8" \
	"$(jq -r .location "$T/out" | od -An -c | tr -s ' ')" \
	"$(printf 'bad\357\277\275\001"x\n' | od -An -c | tr -s ' ')"

expect_status 2 "unknown option" "$PLANNER" resolve --bogus "Texas, US"
check "unknown option named" grep -q -- "--bogus" "$T/err"
expect_status 2 "no location" "$PLANNER" resolve
expect_status 2 "--ip needs a value" "$PLANNER" resolve --ip
expect_status 0 "--ip warns and goes on" "$PLANNER" resolve --ip \
	192.0.2.1 "Texas, US"
check "--ip warning" grep -q "GeoIP" "$T/err"
expect_status 0 "--explain" "$PLANNER" resolve --explain "Osaka, JP"
check "--explain lists nearest regions" grep -q "asia-northeast2" "$T/out"
finish
