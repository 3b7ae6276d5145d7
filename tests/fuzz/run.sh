#!/bin/sh
# run.sh DIR SECONDS: run each libFuzzer target in DIR for SECONDS on a
# scratch corpus grown from tests/fuzz/seeds; a crash input is copied into
# tests/fuzz/regress/TARGET/ (commit it: `make test` replays it for ever)
# and the run fails.
set -u
dir=$1 secs=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
status=0
for bin in "$dir"/fuzz_*; do
	[ -x "$bin" ] || continue
	t=$(basename "$bin")
	corpus="$dir/corpus/$t"
	art="$dir/artifacts/$t/"
	mkdir -p "$corpus" "$art"
	echo "fuzz: $t for ${secs}s"
	if ! "$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 \
		-rss_limit_mb=1024 -artifact_prefix="$art" -print_final_stats=0 \
		"$corpus" "$top/tests/fuzz/seeds/$t" >"$dir/$t.log" 2>&1; then
		status=1
		tail -n 30 "$dir/$t.log"
		cp "$art"* "$top/tests/fuzz/regress/$t/" 2>/dev/null
		echo "fuzz: $t found a failure; input saved in tests/fuzz/regress/$t"
	else
		grep -E '^(#[0-9]+.*DONE|Done)' "$dir/$t.log" | tail -n 1
	fi
done
exit $status
