#!/bin/sh
# t0630 - planner --migrate --dry-run: prints every call the wave would
# make, in order, sends only reads (the stub logs every request), writes
# nothing to the journal, and a real run afterwards does the same moves.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/miglib.sh"
start_stub
start_listener
# shellcheck disable=SC2086
"$PLANNER" --db "$T/m.db" --month 2025-06 $INPUTS >/dev/null 2>&1

expect_status 0 "dry run" mig --dry-run --max-migrations 1 --delete-source
expect_eq "only reads were sent" \
	"$(jq -r .method "$T/stub.log" | sort -u | tr '\n' ' ')" "GET "
check "every read was printed" test "$(grep -c '^GET ' "$T/out")" -eq \
	"$(grep -c . "$T/stub.log")"
expect_eq "nothing journaled" "$(q "SELECT (SELECT COUNT(*) FROM migration)
	+ (SELECT COUNT(*) FROM migration_step)")" 0
expect_eq "nothing made" "$(creates)" 0
expect_eq "the old VM untouched" "$(vm_status feeder-a) \
$(vm_label feeder-a paired-gpu)" "RUNNING 101"

# The calls, in order (request ids and the image's uid masked).
P=/compute/v1/projects/test-proj
Z=$P/zones
NE=northamerica-northeast1
sed -n 's/requestId=[0-9a-f-]*/requestId=ID/; /^\(GET\|POST\|DELETE\) /p;
	/^# probe/p' "$T/out" >"$T/calls"
cat >"$T/want" <<WANT
GET $Z/us-central1-a/instances/feeder-a
GET $P/global/machineImages/feeder-a-img-dry-run
POST $P/global/machineImages?requestId=ID&sourceInstance=projects/test-proj/zones/us-central1-a/instances/feeder-a
POST $P/global/operations/operation-dry-run/wait
GET $P/regions/$NE?fields=status,quotas
GET $P/zones?maxResults=500
GET $Z/$NE-a/instances/feeder-a-$NE
POST $Z/$NE-a/instances?requestId=ID
POST $Z/$NE-a/operations/operation-dry-run/wait
# probe: 10 TCP handshakes to feeder-a-$NE's networkIP port $LPORT from this host, pass at most 20.000 ms
POST $Z/$NE-a/instances/feeder-a-$NE/setLabels?requestId=ID
POST $Z/$NE-a/operations/operation-dry-run/wait
GET $Z/us-central1-a/instances/feeder-a
POST $Z/us-central1-a/instances/feeder-a/setLabels?requestId=ID
POST $Z/us-central1-a/operations/operation-dry-run/wait
GET $Z/us-central1-a/instances/feeder-a
POST $Z/us-central1-a/instances/feeder-a/stop?requestId=ID
POST $Z/us-central1-a/operations/operation-dry-run/wait
GET $Z/us-central1-a/instances/feeder-a
DELETE $Z/us-central1-a/instances/feeder-a?requestId=ID
POST $Z/us-central1-a/operations/operation-dry-run/wait
WANT
diff "$T/want" "$T/calls" >&2
check "the calls, in order" cmp -s "$T/calls" "$T/want"
check "the outcome is said" grep -q "^would move feeder-a (us-central1-a) \
to feeder-a-$NE ($NE-a)" "$T/out"

# Faults are read, not acted on: a full zone shows in the real run only.
expect_status 0 "a second dry run is the same" mig --dry-run \
	--max-migrations 1 --delete-source
sed -n 's/requestId=[0-9a-f-]*/requestId=ID/; /^\(GET\|POST\|DELETE\) /p;
	/^# probe/p' "$T/out" >"$T/calls2"
check "dry runs repeat" cmp -s "$T/calls" "$T/calls2"

# The real run after the dry runs sends the writes the dry run printed,
# in the same order.  (It also reads back what its writes made, which a
# dry run cannot do.)
: >"$T/stub.log"
expect_status 0 "the real run" mig --max-migrations 1 --delete-source
requests | grep -v '^GET ' | sed 's/requestId=[0-9a-f-]*/requestId=ID/;
	s/operation-[0-9]*-[a-zA-Z]*/operation-dry-run/' >"$T/real"
grep -v '^GET \|^# probe' "$T/want" >"$T/want2"
diff "$T/want2" "$T/real" >&2
check "the real run made the writes the dry run printed" \
	cmp -s "$T/want2" "$T/real"
expect_eq "the real run moved it" "$(q "SELECT state FROM migration")" done
finish
