#!/bin/sh
# t0640 - latency validation: the median of timed TCP handshakes from the
# chosen vantage point, loss counted.  Above the threshold (or too much
# loss): an alert, the new VM deleted, the next region tried, exit 3,
# and the old VM untouched.  A real network delay comes from a network
# namespace the test makes (tc netem when the kernel has it, else a TUN
# device that delays packets, tests/tools/tun_delay.py); without root or
# namespaces that part is skipped, and says so.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/miglib.sh"
start_listener
NE1=northamerica-northeast1
NE2=northamerica-northeast2

# rolled_back NAME: the checks common to every rolled-back move.
rolled_back() {
	expect_eq "$1: the move rolled back" \
		"$(q "SELECT state FROM migration")" rolled-back
	expect_eq "$1: both candidate regions tried" "$(q "SELECT
		group_concat(zone, ' ') FROM migration_step WHERE
		step = 'rollback' AND state = 'done'")" "$NE1-a $NE2-a"
	expect_eq "$1: a latency alert per region" "$(q "SELECT COUNT(*)
		FROM alert WHERE kind = 'latency' AND subject = 'feeder-a'")" 2
	expect_eq "$1: no new VM left" "$(new_vms feeder-a)" ""
	expect_eq "$1: the old VM untouched" "$(vm_status feeder-a) \
$(vm_label feeder-a paired-gpu)" "RUNNING 101"
	requests >"$T/req"
	check "$1: the old VM was never stopped" sh -c \
		"! grep -q 'feeder-a/stop' '$T/req'"
}

# Measured handshakes on loopback take microseconds: a threshold of one
# microsecond is above none of them.
fresh
expect_status 3 "below-measurement threshold: exit 3" mig \
	--max-migrations 1 --latency-threshold-ms 0.001
check "the rollback is said" grep -q "rolling back" "$T/err"
check "the failure names the median" grep -q \
	"above threshold: median [0-9.]* ms over 10 of 10 probes" "$T/err"
rolled_back "threshold"
expect_eq "threshold: made twice, deleted twice" "$(creates) $(jq -r \
	'select(.method == "DELETE") | .path' "$T/stub.log" | wc -l)" "2 2"

# Nothing listens on port 1: every probe is refused (B12: loss counts,
# and fewer than 3 successes fail whatever the median).
fresh
expect_status 3 "refused probes: exit 3" mig --max-migrations 1 \
	--probe-port 1
check "refused probes: too few" grep -q "too few successful probes" \
	"$T/err"
rolled_back "refused"
expect_eq "refused: every lost probe journaled" "$(q "SELECT COUNT(*) FROM
	latency_probe WHERE rtt_ms IS NULL")" 20

# From the GPU host through ssh: the Vast ssh host and port, the VM's
# natIP.  The ssh stand-in runs the remote script here.
OLDPATH=$PATH
PATH="$TOOLS/ssh_shim:$PATH"
export SSH_SHIM_LOG="$T/ssh.log"
fresh
expect_status 0 "ssh vantage: moved" mig --max-migrations 1 \
	--probe-via ssh
expect_eq "ssh vantage: the command" "$(cat "$T/ssh.log")" "-p 2201 -o \
BatchMode=yes -o ConnectTimeout=15 -o StrictHostKeyChecking=accept-new \
-o ServerAliveInterval=10 -o LogLevel=ERROR -T root@127.0.0.1 bash -s -- \
127.0.0.1 $LPORT 10 2000 100"
expect_eq "ssh vantage: ten probes counted" "$(q "SELECT COUNT(*) FROM
	migration_step WHERE step = 'probe' AND state = 'done' AND
	detail LIKE '%over 10 of 10 probes%'")" 1
export SSH_SHIM_NO_PYTHON=1
fresh
expect_status 0 "ssh vantage without python3 (bash /dev/tcp)" mig \
	--max-migrations 1 --probe-via ssh
unset SSH_SHIM_NO_PYTHON
fresh
expect_status 3 "ssh vantage, refused probes: exit 3" mig \
	--max-migrations 1 --probe-via ssh --probe-port 1
rolled_back "ssh refused"
PATH=$OLDPATH

# ---- a real delay ---------------------------------------------------
# delay_setup: a namespace whose path to VM_IP takes 2 x 15 ms.
delay_setup() {
	[ "$(id -u)" -eq 0 ] || { why="not root"; return 1; }
	command -v ip >/dev/null 2>&1 || { why="no ip(8)"; return 1; }
	NS=planner-t0640-$$
	ip netns add "$NS" 2>"$T/ns.err" ||
		{ why="ip netns add: $(cat "$T/ns.err")"; NS=; return 1; }
	ip -n "$NS" link set lo up
	NSEXEC="ip netns exec $NS"
	if command -v tc >/dev/null 2>&1 && $NSEXEC tc qdisc add dev lo root \
	    netem delay 15ms 2>"$T/tc.err"; then
		how="tc netem on the namespace's loopback"
		VM_IP=127.0.0.1
		return 0
	fi
	$NSEXEC python3 "$TOOLS/tun_delay.py" tun0 15 "$T/tun.ready" &
	DELAY_PID=$!
	if wait_for "$T/tun.ready" &&
	    ip -n "$NS" addr add 10.77.0.1/24 dev tun0 &&
	    ip -n "$NS" link set tun0 up; then
		how="a TUN device delaying packets (no netem: $(head -c 60 \
			"$T/tc.err"))"
		VM_IP=10.77.0.2
		return 0
	fi
	why="neither tc netem nor a TUN device works: $(cat "$T/tc.err")"
	return 1
}

if delay_setup; then
	echo "t0640: real delay by $how"
	start_listener 0.0.0.0
	fresh --network-ip "$VM_IP"
	expect_status 3 "30 ms path, 20 ms threshold: exit 3" mig \
		--max-migrations 1
	rolled_back "real delay"
	check "real delay: the median is the path's" test -n "$(q "SELECT 1
		FROM migration WHERE latency_ms BETWEEN 29 AND 60")"
	fresh --network-ip "$VM_IP"
	expect_status 0 "30 ms path, 45 ms threshold: moved" mig \
		--max-migrations 1 --latency-threshold-ms 45
	check "real delay: measured about 30 ms" test -n "$(q "SELECT 1
		FROM migration WHERE state = 'done' AND
		latency_ms BETWEEN 29 AND 45")"
else
	echo "SKIP t0640: real network delay not tested: $why"
fi
finish
