#!/bin/sh
# t0520 - the resolver on case tables: tests/data/locations.tsv (a copy
# of the project's acceptance cases) and tests/data/locations_extra.tsv
# (about 960 real-shaped Vast strings: every first-level unit of US, CA,
# AU, DE, IN, CN, JP, BR and RU, the European countries by name and code,
# cities, spellings and shapes; the accepted regions were worked out by
# tools/expect_locations.py from GeoNames population centres, not by
# planner).  Owned by the resolver work.
. "$(dirname "$0")/lib.sh"
TOOLS="$TOP_DIR/tests/tools"
DATA="$TOP_DIR/tests/data"

check "acceptance cases" python3 "$TOOLS/check_locations.py" "$PLANNER" \
	"$DATA/locations.tsv"
check "extra cases" python3 "$TOOLS/check_locations.py" "$PLANNER" \
	"$DATA/locations_extra.tsv"

# The judge can fail: a wrong expectation is caught.
printf 'Texas, US\tus-west1\n' >"$T/wrong.tsv"
check "a wrong answer is a miss" sh -c "! python3 '$TOOLS/check_locations.py' \
	'$PLANNER' '$T/wrong.tsv' >/dev/null"
finish
