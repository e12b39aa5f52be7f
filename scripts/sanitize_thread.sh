#!/usr/bin/env bash
# Builds convis and its tests with ThreadSanitizer (CONVIS_SANITIZE_THREAD=ON) in build-tsan/
# and runs the suite there.  OpenMP's runtime (libgomp) is not instrumented, so TSan would
# report its own barriers as races: the kernels run on one thread (OMP_NUM_THREADS=1), and what
# TSan checks is everything between std::threads -- the caching allocator's per-thread lists and
# cross-thread frees, the object pools, grad mode, the tests that train and infer on several
# threads at once.  The CUDA emulator's fibers (tests/cuda) switch stacks under TSan's feet and
# are left out here; ASan covers them (scripts/sanitize.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONVIS_SANITIZE_THREAD=ON -DCONVIS_CUDA=OFF \
      -DCONVIS_BUILD_EXAMPLES=OFF -DCONVIS_PYTHON=OFF "$@"
cmake --build build-tsan
export OMP_NUM_THREADS=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
ctest --test-dir build-tsan --output-on-failure -j2 -E "install_consumer|^cuda/"
