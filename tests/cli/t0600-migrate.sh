#!/bin/sh
# t0600 - planner --migrate, a clean wave against the stand-in GCP API:
# which VMs move and in what order, what the journal and the VMs look
# like afterwards, request ids, refusals, options and usage errors.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/miglib.sh"
start_stub
start_listener

# A wave of one: the four pairs save the same, so names break the tie.
# shellcheck disable=SC2086
expect_status 0 "clean wave exits 0" mig $INPUTS --max-migrations 1
check "the move is reported" grep -q "^moved feeder-a (us-central1-a) to \
feeder-a-northamerica-northeast1 (northamerica-northeast1-a)" "$T/out"
NEW=feeder-a-northamerica-northeast1
expect_eq "one new VM" "$(new_vms feeder-a)" $NEW
expect_eq "created once" "$(creates)" 1
expect_eq "the new VM runs" "$(vm_status $NEW)" RUNNING
expect_eq "the new VM carries the pairing" "$(vm_label $NEW paired-gpu)" 101
expect_eq "the new VM keeps the other labels" "$(vm_label $NEW env)" test
expect_eq "the old VM is stopped" "$(vm_status feeder-a)" TERMINATED
expect_eq "the old VM lost the pairing" "$(vm_label feeder-a paired-gpu)" -
expect_eq "the old VM says where it went" \
	"$(vm_label feeder-a planner-moved-to)" $NEW
expect_eq "journal: the move" "$(q "SELECT vm_name, from_zone, to_zone, \
state, savings_micro FROM migration")" \
	"feeder-a|us-central1-a|northamerica-northeast1-a|done|30000000"
expect_eq "journal: every step, in order" "$(q "SELECT group_concat(s, ' ')
	FROM (SELECT step || ':' || state AS s FROM migration_step
	ORDER BY id)")" "image:done quota:done create:done probe:done \
label-new:done label-source:done stop-source:done"
expect_eq "journal: times" "$(q "SELECT COUNT(*) FROM migration WHERE
	started_at <= finished_at AND finished_at IS NOT NULL")" 1
expect_eq "journal: latency" "$(q "SELECT COUNT(*) FROM migration WHERE
	latency_ms > 0 AND latency_ms < 20 AND probe_loss = 0")" 1

# Every write carries a request id: well formed, never zero, never reused.
requests | grep -v '^GET ' | grep -v '/wait$' >"$T/writes"
check "writes were made" test -s "$T/writes"
check "every write has a requestId" sh -c \
	"! grep -v 'requestId=[0-9a-f]\{8\}-[0-9a-f]\{4\}-8' '$T/writes'"
check "no zero UUID" sh -c "! grep -q 'requestId=00000000-' '$T/writes'"
expect_eq "no request id used twice" \
	"$(grep -o 'requestId=[0-9a-f-]*' "$T/writes" | sort | uniq -d)" ""
check "the disk travels in a machine image" grep -q "^POST /compute/v1/\
projects/test-proj/global/machineImages?requestId=.*&sourceInstance=\
projects/test-proj/zones/us-central1-a/instances/feeder-a$" "$T/writes"

# The next wave takes the next pair, not the one already moved.
expect_status 0 "second wave" mig --max-migrations 1
check "the next pair moved" grep -q "^moved feeder-b" "$T/out"
expect_eq "feeder-a is not moved again" "$(new_vms feeder-a | wc -l)" 1

# Brussels: europe-west1 has no zone -a; the zone comes from the catalog.
expect_status 0 "wave with --delete-source" mig --max-migrations 1 \
	--delete-source
check "moved to europe-west1-b" grep -q "^moved feeder-c (us-central1-c) \
to feeder-c-europe-west1 (europe-west1-b).*old VM deleted" "$T/out"
requests >"$T/req"
check "no europe-west1-a ever asked for" sh -c \
	"! grep -q 'europe-west1-a' '$T/req'"
expect_eq "the old VM is deleted" "$(vm_status feeder-c)" ""

# A VM with a local SSD is refused unless allowed (B23).
expect_status 0 "local-SSD VM refused" mig --max-migrations 1
check "the refusal says why" grep -q "not moved feeder-d.*local SSD" \
	"$T/out"
requests >"$T/req"
check "no call about it" sh -c "! grep -q feeder-d '$T/req'"
expect_status 0 "--allow-local-ssd" mig --max-migrations 1 \
	--allow-local-ssd
requests >"$T/req"
check "its stop discards the local SSD" grep -q \
	"feeder-d/stop?requestId=.*&discardLocalSsd=true" "$T/req"

expect_status 0 "nothing left to move" mig
expect_eq "four VMs made in all" "$(creates)" 4
expect_eq "four moves done" \
	"$(q "SELECT COUNT(*) FROM migration WHERE state = 'done'")" 4

# The wave's options work from the settings file too.
start_stub
cat >"$T/mig.conf" <<CONF
db = $T/c.db
month = 2025-06
api-endpoint = $STUB
access-token-file = $T/token
probe-via = local
probe-port = $LPORT
max-migrations = 1
latency-threshold-ms = 25.5
CONF
# shellcheck disable=SC2086
expect_status 0 "options from the settings file" "$PLANNER" \
	--config "$T/mig.conf" --migrate $INPUTS
check "moved by the settings" grep -q "^moved feeder-a" "$T/out"
expect_eq "threshold from the settings" "$(sqlite3 "$T/c.db" "SELECT
	COUNT(*) FROM migration_step WHERE step = 'probe' AND
	detail LIKE '%threshold 25.500 ms%'")" 1

# The report reads the journal: the move and its latency probes.
start_stub
DB=$T/r.db
# shellcheck disable=SC2086
expect_status 0 "a wave dated June" env PLANNER_NOW=2025-06-20T10:00:00Z \
	"$PLANNER" --db "$DB" --month 2025-06 --migrate $INPUTS \
	--api-endpoint "$STUB" --access-token-file "$T/token" \
	--probe-via local --probe-port "$LPORT" --max-migrations 1
expect_eq "every handshake journaled" "$(q "SELECT COUNT(*) || ' ' ||
	COUNT(rtt_ms) || ' ' || MIN(region) || ' ' || MIN(vantage) FROM
	latency_probe")" "10 10 northamerica-northeast1 local"
expect_status 0 "the June report" "$PLANNER" report --db "$DB" \
	--month 2025-06 --out "$T/rep" --json
expect_eq "the report lists the move" "$(jq -r '.migrations[] |
	.vm_name + " " + .to_zone' "$T/out")" \
	"feeder-a northamerica-northeast1-a"
expect_eq "the report has its latency" \
	"$(jq -r '.latency[].region' "$T/out")" northamerica-northeast1
unset DB

# Largest saving first: the demo's top two pairs, in a dry run.
start_stub --instances "$TOP_DIR/data/demo/gcp_instances.json"
expect_status 3 "demo dry run (its unmapped locations alert)" \
	"$PLANNER" --db "$T/demo.db" --month 2025-06 --migrate --dry-run \
	--vast-instances "$DEMO/vast_instances.json" \
	--gcp-instances "$DEMO/gcp_instances.json" \
	--gcp-billing "$DEMO/gcp_billing.csv" \
	--vast-billing "$DEMO/vast_billing.csv" --max-migrations 2 \
	--api-endpoint "$STUB" --access-token-file "$T/token"
expect_eq "largest savings first" "$(grep -o \
	'^GET [^?]*/zones/us-central1-[a-f]/instances/cpu-worker-[0-9]*$' \
	"$T/out" | uniq | sed 's/.*instances.//' | tr '\n' ' ')" \
	"cpu-worker-02 cpu-worker-25 "

expect_status 0 "--help" "$PLANNER" --help
for o in --migrate --dry-run --max-migrations --project --api-endpoint \
    --access-token-file --latency-threshold-ms --probe-via --probe-port \
    --delete-source --allow-local-ssd; do
	check "--help lists $o" grep -q -- "$o" "$T/out"
done

# Usage errors, before any work.
expect_status 2 "plain http to another host" mig \
	--api-endpoint http://192.0.2.1:80
check "the refusal names loopback" grep -q "loopback" "$T/err"
expect_status 2 "not http" mig --api-endpoint ftp://127.0.0.1/
expect_status 2 "bad --probe-via" mig --probe-via pigeon
expect_status 2 "bad --max-migrations" mig --max-migrations -1
expect_status 2 "bad --latency-threshold-ms" mig \
	--latency-threshold-ms 1,5
expect_status 2 "bad --probe-port" mig --probe-port 70000
chmod 644 "$T/token"
expect_status 2 "a token file others can read" mig
check "the refusal explains" grep -q "group or others may read" "$T/err"
chmod 600 "$T/token"
expect_status 2 "a missing token file" mig \
	--access-token-file "$T/none"
finish
