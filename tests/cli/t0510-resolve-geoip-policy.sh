#!/bin/sh
# t0510 - the resolver's IP fallback (a MaxMind database built here with
# MaxMind's own writer), the region policy, the resolution cache in the
# database and the unmapped-location history, through `planner resolve`
# and the nightly run.  Owned by the resolver work.
. "$(dirname "$0")/lib.sh"
TOOLS="$TOP_DIR/tests/tools"

check "test GeoIP database builds" perl "$TOOLS/make_mmdb.pl" "$T/geo.mmdb"
geo="--geoip $T/geo.mmdb"

# field LOCATION IP KEY...: one resolve --json answer's fields.
field() {
	loc=$1 ip=$2; shift 2
	# shellcheck disable=SC2086
	"$PLANNER" resolve --json $geo --ip "$ip" -- "$loc" 2>/dev/null |
		jq -r "[$*] | map(tostring) | join(\" \")"
}

expect_eq "large country + precise IP: the IP's point" \
	"$(field ", CA" 192.0.2.10 .region,.method,.confidence)" \
	"northamerica-northeast1 ip high"
expect_eq "empty location + precise IP" \
	"$(field "" 192.0.2.10 .region,.method,.confidence)" \
	"northamerica-northeast1 ip high"
expect_eq "unknown place + IP" \
	"$(field "Atlantis, ZZ" 192.0.2.10 .method)" ip
expect_eq "a subdivision is not overridden by the IP" \
	"$(field "Texas, US" 192.0.2.10 .region,.method)" \
	"us-south1 subdivision"
expect_eq "an IP in another country is not used" \
	"$(field ", US" 192.0.2.10 .method,.confidence)" "country-default low"
expect_eq "country-only IP row stays low" \
	"$(field ", US" 198.51.100.7 .confidence)" low
expect_eq "country-only IP for an empty location: low, method ip" \
	"$(field "" 198.51.100.7 .region,.method,.confidence)" \
	"us-central1 ip low"
expect_eq "a 200 km radius is medium" \
	"$(field "Germany, DE" 203.0.113.5 .region,.method,.confidence)" \
	"europe-west3 ip medium"
expect_eq "no location in the IP row: the country, low" \
	"$(field "" 203.0.113.200 .region,.method,.confidence)" \
	"europe-west3 ip low"
expect_eq "an address the database lacks changes nothing" \
	"$(field ", CA" 192.0.2.300 .method)" country-default
expect_status 2 "--geoip of a file that is no database" "$PLANNER" \
	resolve --geoip "$TOP_DIR/README.md" --ip 192.0.2.10 "US"
check "the bad database is named" grep -q "README.md" "$T/err"
expect_status 0 "--ip without --geoip" "$PLANNER" resolve --ip \
	192.0.2.10 "Texas, US" "Quebec, CA"
expect_eq "says once that no GeoIP database is configured" \
	"$(grep -c "no GeoIP database" "$T/err")" 1

# Region policy.
expect_eq "excluded region: the nearest allowed one" "$("$PLANNER" resolve \
	--exclude-regions europe-west10 "Berlin, DE" | cut -f2)" europe-west4
expect_eq "allow list" "$("$PLANNER" resolve --allow-regions \
	us-east1,us-west1 "Texas, US" | cut -f2)" us-east1
expect_eq "a large country's default falls back by measured RTT" \
	"$("$PLANNER" resolve --exclude-regions us-central1 ", US" | cut -f2)" \
	us-south1
expect_status 2 "unknown region is a usage error" "$PLANNER" resolve \
	--allow-regions us-central1,mars-north1 "Texas, US"
check "the unknown region is named" grep -q "mars-north1" "$T/err"
expect_status 2 "no region left" "$PLANNER" resolve --allow-regions \
	us-east1 --exclude-regions us-east1 "Texas, US"
printf 'exclude-regions = us-south1\ngeoip = %s\n' "$T/geo.mmdb" \
	>"$T/planner.conf"
expect_eq "resolve --config reads the policy and database" \
	"$("$PLANNER" resolve --config "$T/planner.conf" --ip 192.0.2.10 \
	"Texas, US" "" | cut -f2,4 | tr '\t\n' '  ')" \
	"us-central1 subdivision northamerica-northeast1 ip "

# --file: one location a line, stdin too; empty lines are locations.
printf 'Texas, US\n\nQuebec, CA\r\n' >"$T/locs"
expect_status 3 "--file with an empty line" "$PLANNER" resolve --json \
	--file "$T/locs"
expect_eq "--file answers in order" "$(jq -r .region "$T/out" | tr '\n' ' ')" \
	"us-south1 null northamerica-northeast1 "
expect_eq "--file - reads stdin" "$(printf 'Utah, US\n' | "$PLANNER" \
	resolve --file - | cut -f2)" us-west3
expect_status 2 "--file and locations together" "$PLANNER" resolve \
	--file "$T/locs" "Texas, US"
expect_status 1 "--file that cannot be read" "$PLANNER" resolve --file \
	"$T/nothing-here"

# The nightly run: GeoIP for the demo GPUs whose location is null or
# empty (their addresses are in the test database), the policy, and the
# cache.
inputs="--vast-instances $DEMO/vast_instances.json \
	--gcp-instances $DEMO/gcp_instances.json --month 2025-06"
# shellcheck disable=SC2086
PLANNER_NOW=2025-06-01T00:00:00Z "$PLANNER" --db "$T/n.db" $inputs \
	--plan-json "$T/plan1.json" >/dev/null 2>&1
expect_eq "without GeoIP the null and empty locations are unmapped" \
	"$(jq '.unmapped_locations | length' "$T/plan1.json")" 3
# shellcheck disable=SC2086
PLANNER_NOW=2025-06-02T00:00:00Z "$PLANNER" --db "$T/n.db" $inputs $geo \
	--plan-json "$T/plan2.json" >/dev/null 2>&1
expect_eq "with GeoIP a null location is placed by its IP" \
	"$(jq -r '.pairs[] | select(.gpu_id == "21337524") |
	[.best_region, .method, .confidence] | join(" ")' "$T/plan2.json")" \
	"northamerica-northeast1 ip high"
expect_eq "an empty location with a coarse IP row" \
	"$(jq -r '.pairs[] | select(.gpu_id == "21333485") | .method' \
	"$T/plan2.json")" ip
expect_eq "the answer is cached with its IP" "$(sqlite3 "$T/n.db" \
	"SELECT region, method FROM resolution WHERE ip = '192.0.2.73'")" \
	"northamerica-northeast1|ip"
expect_eq "one data version in the cache" "$(sqlite3 "$T/n.db" \
	"SELECT COUNT(DISTINCT data_version) FROM resolution")" 1

# Unmapped locations keep when they were first and last seen: run 2
# placed them (rows unchanged), run 3 without GeoIP sees them again.
expect_eq "unmapped after two runs" "$(sqlite3 "$T/n.db" \
	"SELECT location, count, first_seen, last_seen FROM
	unmapped_location ORDER BY location")" \
	"$(printf '%s\n' '|1|2025-06-01T00:00:00Z|2025-06-01T00:00:00Z' \
	'<missing>|1|2025-06-01T00:00:00Z|2025-06-01T00:00:00Z' \
	'<null>|1|2025-06-01T00:00:00Z|2025-06-01T00:00:00Z')"
PLANNER_NOW=2025-06-03T00:00:00Z "$PLANNER" --db "$T/n.db" --month \
	2025-06 >/dev/null 2>&1
expect_eq "a later run moves last_seen only" "$(sqlite3 "$T/n.db" \
	"SELECT location, count, first_seen, last_seen FROM
	unmapped_location ORDER BY location")" \
	"$(printf '%s\n' '|1|2025-06-01T00:00:00Z|2025-06-03T00:00:00Z' \
	'<missing>|1|2025-06-01T00:00:00Z|2025-06-03T00:00:00Z' \
	'<null>|1|2025-06-01T00:00:00Z|2025-06-03T00:00:00Z')"
# The cache is read: an answer planted in it is what the plan shows.
sqlite3 "$T/n.db" "UPDATE resolution SET region = 'asia-east1', zone = \
	'asia-east1-a' WHERE location = 'Texas, US'"
# shellcheck disable=SC2086
"$PLANNER" --db "$T/n.db" --month 2025-06 --plan-json "$T/plan3.json" \
	>/dev/null 2>&1
expect_eq "the nightly run answers from the cache" "$(jq -r '[.pairs[] |
	select(.gpu_location == "Texas, US") | .best_region] | unique |
	join(" ")' "$T/plan3.json")" asia-east1
# A new policy is a new data version: the planted answer goes.
# shellcheck disable=SC2086
"$PLANNER" --db "$T/n.db" --month 2025-06 $geo --exclude-regions \
	us-east4 --plan-json "$T/plan4.json" >/dev/null 2>&1
expect_eq "a policy change re-resolves" "$(jq -r '[.pairs[] |
	select(.gpu_location == "Texas, US") | .best_region] | unique |
	join(" ")' "$T/plan4.json")" us-south1
expect_eq "the nightly run honours the policy" "$(jq -r '[.pairs[] |
	select(.gpu_location == "Virginia, US") | .best_region] | unique |
	join(" ")' "$T/plan4.json")" us-east5
expect_eq "the old version's rows are dropped" "$(sqlite3 "$T/n.db" \
	"SELECT COUNT(DISTINCT data_version) FROM resolution")" 1
expect_status 2 "nightly: unknown region is a usage error" "$PLANNER" \
	--db "$T/n.db" --exclude-regions nowhere-east9
printf 'allow-regions = us-east1\n' >"$T/bad.conf"
expect_eq "allow-regions as a settings key" "$("$PLANNER" --config \
	"$T/bad.conf" --db "$T/n.db" --month 2025-06 --plan-json - \
	2>/dev/null | jq -r '[.pairs[].best_region | select(. != null)] |
	unique | join(" ")')" us-east1

finish
