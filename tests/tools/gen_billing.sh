#!/bin/sh
# gen_billing.sh SAMPLE DAYS > OUT: a large detailed-export CSV shaped like
# SAMPLE (the demo export), for tests of long imports.  Each copy moves the
# usage interval by one day per copy, so every row is a new natural key.
set -eu
sample=$1 copies=$2
head -n 1 "$sample"
awk -v copies="$copies" -F, 'NR == FNR && FNR > 1 { row[++n] = $0 }
END {
	for (c = 0; c < copies; c++)
		for (i = 1; i <= n; i++) {
			line = row[i]
			# a distinct, valid year per copy keeps every key new
			gsub(/2025-/, sprintf("%04d-", 2100 + c), line)
			print line
		}
}' "$sample"
