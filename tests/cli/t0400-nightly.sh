#!/bin/sh
# t0400 - nightly operation: the run lock, a signal mid-import, glob
# discovery with content hashes, alerts (database, webhook), metrics.
. "$(dirname "$0")/lib.sh"
TOOLS="$TOP_DIR/tests/tools"

inputs="--vast-instances $DEMO/vast_instances.json \
	--gcp-instances $DEMO/gcp_instances.json"

# One run at a time: while the lock is held, a second run exits 4.
# shellcheck disable=SC2086
"$PLANNER" --db "$T/p.db" $inputs --month 2025-06 >/dev/null 2>&1
( flock 9; sleep 3 ) 9>"$T/p.db.lock" &
holder=$!
sleep 0.5
expect_status 4 "second run refused" "$PLANNER" --db "$T/p.db" \
	--month 2025-06
check "refusal says why" grep -q "another planner run" "$T/err"
wait $holder
expect_status 3 "runs again once the lock is free" "$PLANNER" \
	--db "$T/p.db" --month 2025-06

# Wait until planner (pid $1) is writing its import into database $2:
# the rollback journal of a large import exists, or a megabyte is in the
# WAL; a fixed sleep would race a fast import.  Gives up after 10 s.
wait_writing() {
	i=0
	while [ $i -lt 200 ] && kill -0 "$1" 2>/dev/null; do
		[ -e "$2-journal" ] && return 0
		[ "$(stat -c %s "$2-wal" 2>/dev/null || echo 0)" -gt 1048576 ] &&
			return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# SIGTERM in the middle of a long import: the file is rolled back whole,
# the rest of the database is as it was, and a re-run completes it.
sh "$TOOLS/gen_billing.sh" "$DEMO/gcp_billing.csv" 60 >"$T/big.csv"
rows=$(($(wc -l <"$T/big.csv") - 1))
digest=$(db_digest "$T/p.db")
"$PLANNER" --db "$T/p.db" --gcp-billing "$T/big.csv" --month 2025-06 \
	>/dev/null 2>"$T/term.err" &
pid=$!
wait_writing $pid "$T/p.db"
kill -TERM $pid
wait $pid
st=$?
if [ "$st" -ne 0 ] && [ "$st" -ne 3 ]; then pass "SIGTERM stops the run"
else fail "SIGTERM stops the run (exit $st; import too fast?)"; fi
check "SIGTERM is reported" grep -q "stopped by signal" "$T/term.err"
expect_eq "SIGTERM: database as before" "$(db_digest "$T/p.db")" "$digest"
check "SIGTERM: database intact" sh -c \
	"sqlite3 '$T/p.db' 'PRAGMA integrity_check' | grep -qx ok"
cp "$T/p.db" "$T/k.db"	# for SIGKILL below, before the import
"$PLANNER" --db "$T/p.db" --gcp-billing "$T/big.csv" --month 2025-06 \
	>/dev/null 2>&1
expect_eq "re-run imports every row" \
	"$(sqlite3 "$T/p.db" "SELECT SUM(rows) FROM billing_usage")" "$rows"

# SIGKILL is no better: the transaction never commits.
digest=$(db_digest "$T/k.db")
"$PLANNER" --db "$T/k.db" --gcp-billing "$T/big.csv" >/dev/null 2>&1 &
pid=$!
wait_writing $pid "$T/k.db"
kill -KILL $pid
wait $pid 2>/dev/null
expect_eq "SIGKILL: database as before" "$(db_digest "$T/k.db")" "$digest"
"$PLANNER" --db "$T/k.db" --gcp-billing "$T/big.csv" --month 2025-06 \
	>/dev/null 2>&1
expect_eq "SIGKILL: a re-run completes the import" \
	"$(sqlite3 "$T/k.db" "SELECT SUM(rows) FROM billing_usage")" "$rows"

# Discovery: new files by content; a copy of a seen file is skipped.
mkdir -p "$T/in"
cp "$DEMO/gcp_billing.csv" "$T/in/a.csv"
"$PLANNER" --db "$T/g.db" $inputs --gcp-billing-glob "$T/in/*.csv" \
	--month 2025-06 -v >/dev/null 2>"$T/g1"
cp "$T/in/a.csv" "$T/in/b.csv"
"$PLANNER" --db "$T/g.db" --gcp-billing-glob "$T/in/*.csv" \
	--month 2025-06 -v >/dev/null 2>"$T/g2"
check "first run imports the file" grep -q "a.csv: gcp-export" "$T/g1"
check "same content is skipped" grep -q "b.csv: already imported" "$T/g2"
expect_eq "one billing import recorded" "$(sqlite3 "$T/g.db" \
	"SELECT COUNT(*) FROM import_file WHERE kind = 'gcp-billing'")" 1

# Alerts go to the database and the webhook; metrics to the textfile.
python3 "$TOOLS/webhook_listener.py" "$T/port" "$T/hook.json" 1 &
lpid=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
expect_status 3 "run with alerts" "$PLANNER" --db "$T/a.db" $inputs \
	--month 2025-06 --metrics-file "$T/planner.prom" \
	--alert-webhook "http://127.0.0.1:$(cat "$T/port")/hook"
wait $lpid
expect_eq "webhook got the alerts (after one 503)" \
	"$(jq -r '.alerts[0].kind' "$T/hook.json")" unmapped-location
expect_eq "alerts stored" "$(sqlite3 "$T/a.db" \
	"SELECT COUNT(*) FROM alert WHERE kind = 'unmapped-location'")" 3
check "metrics parse as Prometheus text" python3 "$TOOLS/check_prom.py" \
	"$T/planner.prom"
check "metrics carry the pair count" grep -qx "planner_pairs 37" \
	"$T/planner.prom"
expect_eq "run recorded" "$(sqlite3 "$T/a.db" \
	"SELECT status FROM run ORDER BY id DESC LIMIT 1")" 3

# JSON logs: one object per line.
"$PLANNER" --db "$T/a.db" --month 2025-06 --log-format json \
	>/dev/null 2>"$T/log.json"
check "json log lines parse" sh -c "jq -e .level '$T/log.json' >/dev/null"

# make install into a staging root, then run from elsewhere.
bindir=$(dirname "$PLANNER")
make --no-print-directory -s -C "$TOP_DIR" install DESTDIR="$T/root" \
	PREFIX=/usr OUT="$bindir" -o "$PLANNER" >/dev/null 2>"$T/inst.err"
check "installed binary" test -x "$T/root/usr/bin/planner"
check "installed man page" test -f "$T/root/usr/share/man/man1/planner.1"
(cd / && "$T/root/usr/bin/planner" --db "$T/i.db" $inputs \
	--month 2025-06 >/dev/null 2>&1)
expect_eq "installed binary runs from /" "$(sqlite3 "$T/i.db" \
	"SELECT pairs FROM plan_run")" 37
check "man page renders without warnings" sh -c \
	"groff -ww -man -Tutf8 '$TOP_DIR/doc/planner.1' 2>&1 >/dev/null | \
	 grep -c . | grep -qx 0"
make --no-print-directory -s -C "$TOP_DIR" uninstall DESTDIR="$T/root" \
	PREFIX=/usr >/dev/null 2>&1
check "uninstall removes the binary" test ! -e "$T/root/usr/bin/planner"
finish
