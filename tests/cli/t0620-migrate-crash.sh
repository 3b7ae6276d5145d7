#!/bin/sh
# t0620 - kill -9 at every step of a move, then run again: the move
# finishes with exactly one new VM, the old VM is stopped only after the
# new one was validated, and never lost.  The stub holds the chosen
# request (before it acts, or after it acted but before it answers), the
# test kills planner while it waits, then lets the request go.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/miglib.sh"
start_listener
NEW=feeder-a-northamerica-northeast1

# wait_held: until the stub holds a request (at most 10 s).
wait_held() {
	i=0
	while [ "$(sstate | jq -r .held)" != true ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1)); done
	[ $i -lt 100 ]
}

# wait_step STEP: until the journal shows STEP started (at most 10 s).
wait_step() {
	i=0
	while [ "$(q "SELECT COUNT(*) FROM migration_step WHERE step = '$1'
	    AND state = 'started'" 2>/dev/null)" != 1 ] && [ $i -lt 200 ]; do
		sleep 0.05; i=$((i + 1)); done
	[ $i -lt 200 ]
}

# crash NAME MATCH WHEN OLD: hold the request matching MATCH (WHEN is
# before or after), kill planner there, and drop that request: "before"
# means the server never acted on it, "after" that it acted but planner
# never heard.  The old VM must then be OLD.
crash() {
	name=$1 match=$2 when=$3 old=$4
	start_stub
	DB=$T/$name.db
	# shellcheck disable=SC2086
	"$PLANNER" --db "$DB" --month 2025-06 $INPUTS >/dev/null 2>&1
	if [ "$when" = probe ]; then
		mig_bg --max-migrations 1
		wait_step probe
		reached=$?
	else
		ctl "{\"hang\": {\"match\": \"$match\", \"when\": \"$when\"}}"
		mig_bg --max-migrations 1
		wait_held
		reached=$?
	fi
	kill -9 "$MIGPID"
	wait "$MIGPID" 2>/dev/null
	ctl '{"release": true, "drop": true}'
	if [ $reached -eq 0 ]; then pass "$name: killed there"
	else fail "$name: the step was never reached"; fi
	sleep 0.3	# let a released operation finish in the stub
	expect_eq "$name: old VM after the kill" "$(vm_status feeder-a)" "$old"
	after_kill
	expect_status 0 "$name: the re-run finishes" mig --max-migrations 1
	expect_eq "$name: one new VM" "$(new_vms feeder-a)" $NEW
	expect_eq "$name: made once" "$(creates)" 1
	expect_eq "$name: old VM stopped" "$(vm_status feeder-a)" TERMINATED
	expect_eq "$name: pairing moved" "$(vm_label $NEW paired-gpu) \
$(vm_label feeder-a paired-gpu)" "101 -"
	expect_eq "$name: move done" "$(q "SELECT state FROM migration")" done
	expect_eq "$name: stopped only after validation" "$(q "SELECT
		(SELECT MIN(id) FROM migration_step WHERE step = 'stop-source')
		> (SELECT MAX(id) FROM migration_step WHERE step = 'probe' AND
		state = 'done')")" 1
	expect_eq "$name: no image twice" "$(sstate | jq '.images | length')" 1
}
after_kill() { :; }

I='POST .*/zones/[^/]*/instances\\?'
crash image-before 'POST .*/global/machineImages\\?' before RUNNING
crash image-after 'POST .*/global/machineImages\\?' after RUNNING
crash image-wait 'POST .*/global/operations/.*/wait' before RUNNING
crash create-before "$I" before RUNNING

# After this kill, a dry run shows the resumed move and changes nothing.
after_kill() {
	n=$(grep -c . "$T/stub.log")
	expect_status 0 "dry run of an open move" mig --dry-run
	check "dry run looks the new VM up (to adopt it)" grep -q \
		"^GET .*/zones/northamerica-northeast1-a/instances/$NEW$" \
		"$T/out"
	check "dry run lists the steps left" grep -q \
		"^POST .*/instances/feeder-a/stop?requestId=" "$T/out"
	expect_eq "dry run sent only reads" "$(tail -n +$((n + 1)) \
		"$T/stub.log" | jq -r .method | sort -u | tr '\n' ' ')" "GET "
	expect_eq "dry run left the journal alone" "$(q "SELECT COUNT(*)
		FROM migration_step")" 3
}
crash create-after "$I" after RUNNING
after_kill() { :; }
crash create-wait 'POST .*/zones/[^/]*/operations/.*-insert/wait' before \
	RUNNING
crash probe '' probe RUNNING
crash label-new-before "POST .*/instances/$NEW/setLabels" before RUNNING
crash label-new-after "POST .*/instances/$NEW/setLabels" after RUNNING
crash label-old-before 'POST .*/instances/feeder-a/setLabels' before RUNNING
crash label-old-after 'POST .*/instances/feeder-a/setLabels' after RUNNING
crash stop-before 'POST .*/instances/feeder-a/stop' before RUNNING
crash stop-after 'POST .*/instances/feeder-a/stop' after TERMINATED
crash stop-wait 'POST .*/operations/.*-stop/wait' before TERMINATED

# SIGTERM while a request is in flight: the transfer is abandoned at
# once, the move left open, exit 1; the next run finishes it.
start_stub --control '{"hang": {"match": "POST .*/zones/[^/]*/instances\\?",
	"when": "after"}}'
DB=$T/term.db
# shellcheck disable=SC2086
"$PLANNER" --db "$DB" --month 2025-06 $INPUTS >/dev/null 2>&1
mig_bg --max-migrations 1
wait_held
kill -TERM "$MIGPID"
wait "$MIGPID"
expect_eq "SIGTERM: exit 1" "$?" 1
check "SIGTERM: said so" grep -q "left open; the next run resumes it): \
stopped by signal 15" "$T/bg.err"
ctl '{"release": true, "drop": true}'
expect_eq "SIGTERM: the move is open" "$(q "SELECT state FROM migration")" \
	started
expect_status 0 "SIGTERM: the re-run finishes" mig --max-migrations 1
expect_eq "SIGTERM: one new VM" "$(new_vms feeder-a)" $NEW
expect_eq "SIGTERM: made once" "$(creates)" 1
finish
