# miglib.sh - the stand-in GCP API, the probe target and the credentials
# of the --migrate tests; sourced after lib.sh by tests/cli/t06*.sh.
#
# start_stub [ARGS...] starts tests/tools/gcp_stub.py on 127.0.0.1 with
# the VMs of tests/data/migrate/gcp.json and sets $STUB (its URL);
# start_listener starts the TCP listener the probes aim at ($LPORT).
# mig [ARGS...] runs planner --migrate against them, probing from here.
# Only processes started here are stopped, by their pid.
TOOLS="$TOP_DIR/tests/tools"
MIG="$TOP_DIR/tests/data/migrate"
STUB_PID=
LPID=
# NSEXEC runs the stub, the listener and planner inside a network
# namespace made by the test ("ip netns exec NAME"); NS is its name, to
# delete at the end.
NSEXEC=
NS=
unset GOOGLE_OAUTH_ACCESS_TOKEN GOOGLE_APPLICATION_CREDENTIALS

mig_cleanup() {
	[ -n "$STUB_PID" ] && kill "$STUB_PID" 2>/dev/null
	[ -n "$LPID" ] && kill "$LPID" 2>/dev/null
	[ -n "${DELAY_PID:-}" ] && kill "$DELAY_PID" 2>/dev/null
	wait 2>/dev/null
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap mig_cleanup EXIT

# wait_for FILE: until FILE exists (at most 10 s).
wait_for() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$1" ]
}

start_stub() {
	stop_stub
	rm -f "$T/stub.port"
	: >"$T/stub.log"
	$NSEXEC python3 "$TOOLS/gcp_stub.py" --port-file "$T/stub.port" \
		--log "$T/stub.log" --regions "$TOP_DIR/data/gcp_regions.csv" \
		--instances "$MIG/gcp.json" --token test-token --op-delay 0.1 \
		"$@" &
	STUB_PID=$!
	wait_for "$T/stub.port" || { echo "stub did not start"; exit 1; }
	STUB="http://127.0.0.1:$(cat "$T/stub.port")"
}

stop_stub() {
	if [ -n "$STUB_PID" ]; then
		kill "$STUB_PID" 2>/dev/null
		wait "$STUB_PID" 2>/dev/null
	fi
	STUB_PID=
}

# start_listener [ADDR]: the probe target on ADDR (default 127.0.0.1).
start_listener() {
	stop_listener
	rm -f "$T/l.port"
	$NSEXEC python3 "$TOOLS/tcp_listener.py" "$T/l.port" \
		${1:-127.0.0.1} &
	LPID=$!
	wait_for "$T/l.port" || { echo "listener did not start"; exit 1; }
	LPORT=$(cat "$T/l.port")
}

stop_listener() {
	if [ -n "$LPID" ]; then
		kill "$LPID" 2>/dev/null
		wait "$LPID" 2>/dev/null
	fi
	LPID=
}

# ctl JSON: script the stub; sstate: its state as JSON.
ctl() { $NSEXEC python3 "$TOOLS/stub_ctl.py" "$STUB" "$1" >/dev/null; }
sstate() { $NSEXEC python3 "$TOOLS/stub_ctl.py" "$STUB"; }

# new VMs of the stub whose name starts with $1- (one line each).
new_vms() {
	sstate | jq -r --arg p "$1-" \
		'.instances[] | select(.name | startswith($p)) | .name'
}
vm_status() {
	sstate | jq -r --arg n "$1" '.instances[] | select(.name == $n) |
		.status'
}
vm_label() {
	sstate | jq -r --arg n "$1" --arg k "$2" '.instances[] |
		select(.name == $n) | .labels[$k] // "-"'
}
creates() { sstate | jq -r .counters.creates; }

# Requests the stub saw: "METHOD PATH?QUERY" lines.
requests() {
	jq -r '.method + " " + .path + (if .query != "" then "?" + .query
		else "" end)' "$T/stub.log"
}

printf 'test-token\n' >"$T/token"
chmod 600 "$T/token"

# The nightly inputs, imported once per database.
INPUTS="--vast-instances $MIG/vast.json --gcp-instances $MIG/gcp.json"

# mig [ARGS...]: the wave on $DB (default $T/m.db).
mig() {
	$NSEXEC "$PLANNER" --db "${DB:-$T/m.db}" --month 2025-06 --migrate \
		--api-endpoint "$STUB" --access-token-file "$T/token" \
		--probe-via local --probe-port "$LPORT" "$@"
}

# mig_bg [ARGS...]: mig in the background; its pid (planner's own, so a
# kill reaches it) in $MIGPID.
mig_bg() {
	$NSEXEC "$PLANNER" --db "${DB:-$T/m.db}" --month 2025-06 --migrate \
		--api-endpoint "$STUB" --access-token-file "$T/token" \
		--probe-via local --probe-port "$LPORT" "$@" \
		>"$T/bg.out" 2>"$T/bg.err" &
	MIGPID=$!
}

# fresh [STUB ARGS...]: a new stub and a new database with the inputs.
fresh() {
	start_stub "$@"
	DB=$T/$(date +%s%N).db
	# shellcheck disable=SC2086
	"$PLANNER" --db "$DB" --month 2025-06 $INPUTS >/dev/null 2>&1
}

# q SQL: one query on the database.
q() { sqlite3 "${DB:-$T/m.db}" "$1"; }
