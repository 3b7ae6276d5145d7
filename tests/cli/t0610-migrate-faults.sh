#!/bin/sh
# t0610 - the wave against a GCP that says no: a zone out of capacity, a
# zone down, an unknown error code, a regional quota (read ahead, or met
# at insert), a project-wide quota, 429 bursts, 503s, reset connections
# and slow operations (B08, B24).  One VM moves per case: feeder-a, whose
# GPU is in Quebec (northamerica-northeast1, zones a b c; the next region
# by RTT within 10 ms is northamerica-northeast2).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/miglib.sh"
start_listener

steps() {
	q "SELECT group_concat(s, ' ') FROM (SELECT step || ':' || state ||
		COALESCE(':' || zone, '') || COALESCE(':' || code, '') AS s
		FROM migration_step WHERE step IN ('create', 'quota', 'zone')
		ORDER BY id)"
}
NE1=northamerica-northeast1
NE2=northamerica-northeast2

# Zone out of capacity, both spellings: the next zone of the region.
for code in ZONE_RESOURCE_POOL_EXHAUSTED \
    ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS; do
	fresh --control "{\"zone_error\": {\"$NE1-a\": \"$code\"}}"
	expect_status 0 "$code: moved" mig --max-migrations 1
	expect_eq "$code: skips only the zone" "$(steps)" \
		"quota:done create:failed:$NE1-a:$code create:done:$NE1-b"
	expect_eq "$code: one VM" "$(new_vms feeder-a)" "feeder-a-$NE1"
	expect_eq "$code: in zone b" "$(q "SELECT to_zone FROM migration")" \
		"$NE1-b"
done

# An unknown code skips the zone too, and is logged as it came.
fresh --control "{\"zone_error\": {\"$NE1-a\": \"BRAND_NEW_ERROR\"}}"
expect_status 0 "unknown code: moved" mig --max-migrations 1
check "unknown code logged raw" grep -q "unknown error code \
'BRAND_NEW_ERROR' creating in $NE1-a" "$T/err"
expect_eq "unknown code journaled" "$(q "SELECT class || ' ' || code FROM
	migration_step WHERE step = 'create' AND state = 'failed'")" \
	"unknown BRAND_NEW_ERROR"

# A zone that zones.list says is DOWN is not asked at all.
fresh --control "{\"zone_status\": {\"$NE1-a\": \"DOWN\"}}" \
	--zones-page-size 7
expect_status 0 "zone down: moved" mig --max-migrations 1
expect_eq "zone down: skipped" "$(steps)" \
	"quota:done zone:skipped:$NE1-a:ZONE_DOWN create:done:$NE1-b"
check "zones.list read page by page" grep -q "pageToken=p7" "$T/stub.log"

# Every zone of the region full: the next region by RTT.
fresh --control "{\"zone_error\": {\"$NE1-a\": \"ZONE_RESOURCE_POOL_EXHAUSTED\",
	\"$NE1-b\": \"ZONE_RESOURCE_POOL_EXHAUSTED\",
	\"$NE1-c\": \"ZONE_RESOURCE_POOL_EXHAUSTED\"}}"
expect_status 0 "region full: moved" mig --max-migrations 1
expect_eq "region full: next region" "$(q "SELECT to_zone FROM migration")" \
	"$NE2-a"
expect_eq "region full: one VM" "$(new_vms feeder-a)" "feeder-a-$NE2"

# A regional quota seen in regions.get: no insert there, the next region.
fresh --control "{\"quota\": {\"region\": \"$NE1\", \"metric\": \"CPUS\",
	\"limit\": 24, \"usage\": 22}}"
expect_status 0 "regional quota ahead: moved" mig --max-migrations 1
expect_eq "regional quota ahead: region skipped" "$(steps)" \
	"quota:failed:QUOTA_EXCEEDED quota:done create:done:$NE2-a"
requests >"$T/req"
check "no insert in the full region" sh -c \
	"! grep -q 'POST .*/zones/$NE1-./instances' '$T/req'"

# A regional quota met at insert (QUOTA_EXCEEDED, region dimension).
fresh --control "{\"insert_quota\": {\"region\": \"$NE1\",
	\"metric\": \"CPUS\"}}"
expect_status 0 "regional quota at insert: moved" mig --max-migrations 1
expect_eq "regional quota at insert: next region" "$(steps)" \
	"quota:done create:failed:$NE1-a:QUOTA_EXCEEDED quota:done \
create:done:$NE2-a"

# A project-wide quota stops the wave: nothing else is tried.
fresh --control '{"insert_quota": {"metric": "CPUS_ALL_REGIONS"}}'
expect_status 3 "project quota: alert" mig --max-migrations 3
expect_eq "project quota: one attempt in all" \
	"$(q "SELECT COUNT(*) FROM migration_step WHERE step = 'create'")" 1
expect_eq "project quota: the move failed" \
	"$(q "SELECT vm_name || ' ' || state FROM migration")" "feeder-a failed"
expect_eq "project quota: alert stored" "$(q "SELECT COUNT(*) FROM alert
	WHERE kind = 'migration-stopped'")" 1
expect_eq "project quota: no VM made" "$(creates)" 0
check "project quota: said so" grep -q "wave stopped early" "$T/err"

# A burst of 429s with Retry-After is ridden out.
fresh --control '{"fault": {"match": ".", "status": 429, "count": 3,
	"retry_after": 1}}'
t0=$(date +%s%N)
expect_status 0 "429 burst: moved" mig --max-migrations 1
t1=$(date +%s%N)
expect_eq "429 burst: all three seen" \
	"$(jq -r 'select(.status == 429) | .status' "$T/stub.log" | wc -l)" 3
check "429 burst: Retry-After honoured (>= 3 s)" \
	test $(((t1 - t0) / 1000000)) -ge 3000
expect_eq "429 burst: one VM" "$(creates)" 1

# 503s and a reset connection on the insert: the retry carries the same
# request id, so there is still one VM.
fresh --control '{"fault": {"match": "POST .*/zones/[^/]*/instances\\?",
	"status": 503, "count": 2}}' \
	--control '{"fault": {"match": "POST .*/zones/[^/]*/instances\\?",
	"reset": true, "count": 1}}'
expect_status 0 "503 and reset: moved" mig --max-migrations 1
expect_eq "503 and reset: one VM" "$(creates)" 1
expect_eq "503 and reset: four tries, one request id" "$(jq -r \
	'select(.method == "POST" and (.path | endswith("/instances"))) |
	.query' "$T/stub.log" | sort | uniq -c | sed 's/ *\([0-9]*\) .*/\1/')" 4

# An insert the server made but whose answer was lost (reset after the
# action): the retry returns the same operation, not a second VM.
fresh --control '{"hang": {"match": "POST .*/zones/[^/]*/instances\\?",
	"when": "after"}}'
mig_bg --max-migrations 1
i=0
while [ "$(sstate | jq -r .held)" != true ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1)); done
ctl '{"release": true}'
wait "$MIGPID"
expect_eq "answer released late: done" "$(q "SELECT state FROM migration")" \
	done
expect_eq "answer released late: one VM" "$(creates)" 1

# Slow operations: many waits, one VM.
fresh --op-delay 3
expect_status 0 "slow operations: moved" mig --max-migrations 1
check "slow operations: waited more than once" test "$(jq -r \
	'select(.path | endswith("/wait")) | .path' "$T/stub.log" | wc -l)" -gt 4
finish
