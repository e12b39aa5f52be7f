#!/usr/bin/env bash
# Builds convis and its tests with ThreadSanitizer (CONVIS_SANITIZE_THREAD=ON) in build-tsan/
# and runs the suite there.  Debian's OpenMP runtime (libgomp) is not built for TSan, so this
# build compiles the OpenMP pragmas out (cmake/dependencies.cmake): every kernel runs on its
# calling thread, and what TSan checks is everything between std::threads -- the caching
# allocator's per-thread lists and cross-thread frees, the object pools, the dispatch table's
# first use, grad mode, the tests that train and infer on several threads at once.  FFmpeg's
# decoder threads are suppressed (scripts/tsan.supp).  The CUDA emulator's fibers switch stacks
# under TSan's feet and are left out (ASan covers them: scripts/sanitize.sh), and so are the
# capability re-runs of the whole suite (the same code at another ISA level).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONVIS_SANITIZE_THREAD=ON -DCONVIS_CUDA=OFF \
      -DCONVIS_BUILD_EXAMPLES=OFF -DCONVIS_PYTHON=OFF "$@"
cmake --build build-tsan
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp"
ctest --test-dir build-tsan --output-on-failure -j2 -E "install_consumer|^cuda/|capability/(default|avx2)"
