#!/bin/sh
# run.sh - the benchmark of issue #8: planner against DuckDB and sqlite3
# on the same generated files, in the same run.  Started by `make bench`.
#
# usage: bench/run.sh PLANNER TOOLDIR
#
# TOOLDIR holds the benchmark's own programs, built from bench/*.c:
# genbill (the export), runstat (the timer) and csvpass (a libcsv pass).
#
# Settings (environment):
#   BENCH_SIZES        billing export sizes in MB (default "100 500 2000",
#                      the sizes of issue #8; 2 GB needs ~8.5 GB of disk,
#                      and a size that does not fit is skipped, saying so)
#   BENCH_RUNS         runs of each command; medians are reported (3)
#   BENCH_VMS          VMs in the billing export and its inventory (1000)
#   BENCH_INVENTORIES  inventory sizes (default "1000 10000 100000")
#   BENCH_LOCATIONS    locations for planner resolve (1000000)
#   BENCH_DUCKDB       0 skips DuckDB; otherwise @duckdb/node-api is
#                      installed with npm into BENCH_DIR/duckdb if missing
#   BENCH_KEEP         1 keeps the generated inputs and databases
#   BENCH_DIR          where everything goes (build/bench)
#
# Each billing size: genbill writes the export; then, BENCH_RUNS times
# and interleaved, planner imports it into a fresh database with the
# matching inventories and writes the plan, DuckDB computes the same
# per-VM egress with read_csv, and sqlite3 .imports the file into a
# table; cat and wc -l give the machine's floor, csvpass the floor of
# any importer built on libcsv.  The first run's plan is checked
# against DuckDB's aggregate.  Results: BENCH_DIR/results.tsv (one line
# per run) and BENCH_DIR/results.md (the tables).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
planner=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tools=$(cd "$2" && pwd)
genbill=$tools/genbill runstat=$tools/runstat csvpass=$tools/csvpass
dir=${BENCH_DIR:-$top/build/bench}
sizes=${BENCH_SIZES:-100 500 2000}
runs=${BENCH_RUNS:-3}
vms=${BENCH_VMS:-1000}
invs=${BENCH_INVENTORIES:-1000 10000 100000}
nloc=${BENCH_LOCATIONS:-1000000}
keep=${BENCH_KEEP:-0}
bench=$top/bench
log=$dir/results.tsv
mkdir -p "$dir"
: >"$log"

say() { printf 'bench: %s\n' "$*" >&2; }

# measure NAME SIZE [-i IN] [-o OUT] -- COMMAND...
measure() { "$runstat" "$log" "$@"; }

# Free MB on the benchmark's file system.
free_mb() { df -Pm "$dir" | awk 'NR == 2 { print $4 }'; }

# ---- DuckDB, for the benchmark only ------------------------------------
duck_mods=$dir/duckdb/node_modules
export NODE_PATH="$duck_mods"
duck=0
if [ "${BENCH_DUCKDB:-1}" = 0 ]; then
	say "DuckDB skipped (BENCH_DUCKDB=0)"
elif ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	say "DuckDB skipped: node and npm are not installed"
else
	if [ ! -d "$duck_mods/@duckdb/node-api" ]; then
		say "installing @duckdb/node-api into $dir/duckdb (npm)"
		mkdir -p "$dir/duckdb"
		npm install --prefix "$dir/duckdb" --no-audit --no-fund \
			--silent @duckdb/node-api >&2
	fi
	if node -e "require('@duckdb/node-api')" 2>/dev/null; then
		duck=1
	else
		say "DuckDB skipped: @duckdb/node-api is missing or broken"
	fi
fi

# ---- the machine --------------------------------------------------------
machine() {
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' \
		/proc/meminfo)
	echo "Machine: $cpu, $(nproc) cores, $mem, Linux $(uname -r);"
	echo "$("$planner" --version), sqlite3 $(sqlite3 --version |
		cut -d' ' -f1), node $(node --version 2>/dev/null || echo -)," \
		"@duckdb/node-api $(node -p \
		"require('@duckdb/node-api/package.json').version" \
		2>/dev/null || echo -); load average at the start:" \
		"$(cut -d' ' -f1-3 /proc/loadavg)."
}

# ---- inventories --------------------------------------------------------
inventory() {
	n=$1
	[ -f "$dir/vast_$n.json" ] ||
		python3 "$bench/geninv.py" vast "$n" "$dir/vast_$n.json"
	[ -f "$dir/gcloud_$n.json" ] ||
		python3 "$bench/geninv.py" gcloud "$n" "$dir/gcloud_$n.json"
}

bench_inventory() {
	n=$1
	say "inventories of $n instances"
	inventory "$n"
	for r in $(seq "$runs"); do
		fresh "$dir/inv.db"
		measure inventory "$n" -- "$planner" -q --db "$dir/inv.db" \
			--vast-instances "$dir/vast_$n.json" \
			--gcp-instances "$dir/gcloud_$n.json" \
			--plan-json "$dir/inv_plan.json" ||
			[ $? -eq 3 ] || say "planner failed on $n instances"
	done
	fresh "$dir/inv.db"
}

# ---- billing ------------------------------------------------------------
fresh() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal" "$1.lock"; }

bench_billing() {
	mb=$1 csv=$dir/billing_$1.csv
	need=$((mb * 4 + 500))
	if [ "$(free_mb)" -lt "$need" ]; then
		say "skipping $mb MB: needs about $need MB free"
		return
	fi
	say "billing export of $mb MB"
	[ -f "$csv" ] || "$genbill" "$mb" "$vms" >"$csv" || return
	measure cat "$mb" -- cat "$csv"
	measure wc "$mb" -- wc -l "$csv"
	measure csvpass "$mb" -- "$csvpass" "$csv"
	for r in $(seq "$runs"); do
		fresh "$dir/p.db"
		measure planner "$mb" -- "$planner" -q --db "$dir/p.db" \
			--vast-instances "$dir/vast_$vms.json" \
			--gcp-instances "$dir/gcloud_$vms.json" \
			--gcp-billing "$csv" --plan-json "$dir/plan_$mb.json" ||
			[ $? -eq 3 ] || say "planner failed on $csv"
		if [ "$duck" = 1 ]; then
			measure duckdb "$mb" \
				-o "$dir/duck_$mb.tsv" -- node \
				"$bench/duck.cjs" "$csv" 2025-06 ||
				say "DuckDB failed on $csv"
		fi
		fresh "$dir/s.db"
		measure sqlite3 "$mb" -- sqlite3 "$dir/s.db" -cmd '.mode csv' \
			".import $csv billing" || say "sqlite3 failed on $csv"
		if [ "$r" = 1 ] && [ "$duck" = 1 ]; then
			python3 "$bench/summary.py" check "$dir/plan_$mb.json" \
				"$dir/duck_$mb.tsv" | sed "s/^/$mb MB: /" |
				tee -a "$dir/checks.txt" >&2
			grep -q DISAGREE "$dir/checks.txt" && status=1
		fi
	done
	fresh "$dir/p.db"
	fresh "$dir/s.db"
	[ "$keep" = 1 ] || rm -f "$csv"
}

# ---- resolve and report -------------------------------------------------
bench_resolve() {
	say "planner resolve on $nloc locations"
	python3 "$bench/geninv.py" locations "$nloc" "$dir/locations.txt"
	for r in $(seq "$runs"); do
		if "$planner" resolve --help 2>&1 | grep -q -- '--file'; then
			measure resolve "$nloc" -o "$dir/resolved.txt" -- \
				"$planner" resolve --file "$dir/locations.txt"
		else
			# No --file yet (a colleague is adding it): the
			# locations go in as arguments, in batches that fit
			# the kernel's argument limit.
			measure resolve "$nloc" -i "$dir/locations.txt" \
				-o "$dir/resolved.txt" -- xargs -d '\n' \
				-s 1000000 "$planner" resolve --
		fi
	done
	got=$(wc -l <"$dir/resolved.txt")
	[ "$got" -eq "$nloc" ] ||
		say "resolve printed $got lines for $nloc locations"
	[ "$keep" = 1 ] || rm -f "$dir/locations.txt" "$dir/resolved.txt"
}

bench_report() {
	if ! "$planner" report --help >/dev/null 2>&1; then
		say "report skipped: 'planner report --help' fails (the" \
			"report is not in this build)"
		return
	fi
	say "planner report: 10000 pairs over 12 months"
	inventory 10000
	fresh "$dir/r.db"
	"$planner" -q --db "$dir/r.db" --vast-instances "$dir/vast_10000.json" \
		--gcp-instances "$dir/gcloud_10000.json" --month 2024-07
	for m in 2024-08 2024-09 2024-10 2024-11 2024-12 2025-01 2025-02 \
		2025-03 2025-04 2025-05 2025-06; do
		"$planner" -q --db "$dir/r.db" --month "$m"
	done
	for r in $(seq "$runs"); do
		rm -rf "$dir/report"
		measure report 10000 -- "$planner" report --db "$dir/r.db" \
			--month 2025-06 --out "$dir/report" ||
			say "planner report failed"
	done
	fresh "$dir/r.db"
}

status=0
: >"$dir/checks.txt"
say "writing into $dir ($(free_mb) MB free)"
machine >"$dir/machine.txt"
inventory "$vms"
for n in $invs; do
	bench_inventory "$n"
done
for mb in $sizes; do
	bench_billing "$mb"
done
bench_resolve
bench_report
{
	cat "$dir/machine.txt"
	echo
	python3 "$bench/summary.py" table "$log"
	if [ -s "$dir/checks.txt" ]; then
		echo "Cross-check of planner's per-VM egress with DuckDB's:"
		echo
		sed 's/^/- /' "$dir/checks.txt"
	fi
} >"$dir/results.md"
cat "$dir/results.md"
[ "$keep" = 1 ] || rm -f "$dir"/vast_*.json "$dir"/gcloud_*.json \
	"$dir"/inv_plan.json
exit $status
