#!/usr/bin/env bash
# Runs a port program and compares what it prints with what the LibTorch build of the same
# source printed: the same lines in the same order, "name value" with the values equal within
# 1e-5 + 2e-4 |expected| (float32 training differs in the last bits from LibTorch's kernels).
# Usage: compare.sh <program> <expected.txt>
set -euo pipefail
program=$1 expected=$2
got=$(mktemp)
trap 'rm -f "$got"' EXIT
"$program" >"$got"
awk -v expected_file="$expected" '
  { got_name[NR] = $1; got_value[NR] = $2; n = NR }
  END {
    bad = 0; m = 0
    while ((getline line < expected_file) > 0) {
      m++; split(line, f, " ")
      if (m > n) { print "missing line " m ": " line; bad++; continue }
      if (f[1] != got_name[m]) { print "line " m ": expected " f[1] ", got " got_name[m]; bad++; continue }
      if (f[2] ~ /^[-+0-9.eE]+$/) {
        d = got_value[m] - f[2]; if (d < 0) d = -d
        a = f[2] < 0 ? -f[2] : f[2]
        if (d > 1e-5 + 2e-4 * a) { print f[1] ": expected " f[2] ", got " got_value[m]; bad++ }
      } else if (f[2] != got_value[m]) { print f[1] ": expected " f[2] ", got " got_value[m]; bad++ }
    }
    if (n > m) { print "extra lines: " n - m; bad++ }
    if (bad) { print bad " differences"; exit 1 }
    print m " lines match LibTorch"
  }' "$got"
