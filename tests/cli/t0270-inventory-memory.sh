#!/bin/sh
# t0270 - memory per instance: the plan of a large inventory must not
# hold much per GPU and VM.  Peak RSS is measured at 200 and at 20,000
# instances of each kind (tests/tools/inv_rss.py, from wait4), and the
# difference divided by the instances added: about 300 bytes a GPU and
# its VM now, 950 before the plan was made compact, so 600 is the line.
# The baseline (libraries, gazetteer) cancels out, and nothing here
# depends on time.  Skipped under AddressSanitizer, whose shadow memory
# and quarantine are most of the RSS.
. "$(dirname "$0")/lib.sh"
TOOLS="$TOP_DIR/tests/tools"

if grep -q __asan_init "$PLANNER"; then
	echo "ok $_name: skipped under AddressSanitizer"
	finish
	exit
fi
small=$(python3 "$TOOLS/inv_rss.py" "$PLANNER" "$T" 200)
check "run on 200 instances" [ -n "$small" ]
check "the plan has 200 pairs" grep -q '"pairs":200,' "$T/plan.json"
large=$(python3 "$TOOLS/inv_rss.py" "$PLANNER" "$T" 20000)
check "run on 20,000 instances" [ -n "$large" ]
check "the plan has 20,000 pairs" grep -q '"pairs":20000,' "$T/plan.json"
per=$(( (${large:-0} - ${small:-0}) * 1024 / 19800 ))
echo "peak RSS: $small KiB at 200, $large KiB at 20,000: $per bytes each"
check "at most 600 bytes of RSS per GPU and VM (got $per)" [ "$per" -le 600 ]
finish
