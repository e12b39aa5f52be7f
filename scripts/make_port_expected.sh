#!/usr/bin/env bash
# Builds tests/port/libtorch_style.cpp against LibTorch (Debian's libtorch-dev) and writes what it
# prints to tests/port/expected.txt, which the CTest port/libtorch_style compares convis with.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
g++ -std=c++17 -O1 -DPORT_WITH_LIBTORCH -I/usr/include/torch/csrc/api/include \
  "$root/tests/port/libtorch_style.cpp" -o "$out/port" -ltorch -ltorch_cpu -lc10
"$out/port" >"$root/tests/port/expected.txt"
echo "wrote tests/port/expected.txt ($(wc -l <"$root/tests/port/expected.txt") lines)"
