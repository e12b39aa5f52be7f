#!/usr/bin/env bash
# Runs the Catch2 suite (build/tests/convis_tests, without [slow] and [large] cases) under
# valgrind memcheck with the caching allocator and the object pools on -- what ASan's build
# turns off -- so that a block kept by a cache or a pool and never given back shows as a leak.
#   bash scripts/valgrind.sh                 # the whole suite: about 20 minutes on 2 cores
#   bash scripts/valgrind.sh "[retina]"      # one tag
# valgrind hides AVX-512 from the program, so the kernels run at their avx2 level here.
set -euo pipefail
cd "$(dirname "$0")/.."
tags=${1:-"~[slow]~[large]"}
valgrind --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
  --error-exitcode=9 --suppressions=scripts/valgrind.supp ./build/tests/convis_tests "$tags"
