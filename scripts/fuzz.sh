#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (CONVIS_FUZZ=ON: libFuzzer + ASan + UBSan
# in the whole library) in build-fuzz/ and runs each one (fuzz/README.md).
#   bash scripts/fuzz.sh                     # every target for 20 s (the smoke run)
#   bash scripts/fuzz.sh -runs=1000000 npy   # libFuzzer flags, then target names
# Needs clang and libFuzzer (Debian: clang, libclang-rt-14-dev, libomp-dev; scripts/install-deps.sh
# does not install them: the normal build and suite do not need them).
set -euo pipefail
cd "$(dirname "$0")/.."
flags=() names=()
for a in "$@"; do
  if [[ $a == -* ]]; then flags+=("$a"); else names+=("$a"); fi
done
[ ${#flags[@]} -eq 0 ] && flags=(-max_total_time=20)
[ ${#names[@]} -eq 0 ] && names=(npy npz safetensors module_load layer_parameters optimizer_load retina_xml inr)
clang=$(command -v clang++ || command -v clang++-14)
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER="$clang" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONVIS_FUZZ=ON \
      -DCONVIS_BUILD_TESTS=OFF -DCONVIS_BUILD_EXAMPLES=OFF -DCONVIS_CUDA=OFF -DCONVIS_PYTHON=OFF "${launcher[@]}" > /dev/null
cmake --build build-fuzz --target $(printf 'fuzz_%s ' "${names[@]}")
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for name in "${names[@]}"; do
  work=build-fuzz/corpus/$name  # libFuzzer adds what it finds here; fuzz/corpus stays as committed
  mkdir -p "$work"
  case $name in  # the targets that read another target's format share its dictionary
    module_load | optimizer_load) format=safetensors ;;
    layer_parameters) format=npz ;;
    *) format=$name ;;
  esac
  dict=()
  [ -f fuzz/dict/$format.dict ] && dict=(-dict=fuzz/dict/$format.dict)
  echo "== $name"
  (cd build-fuzz && ./fuzz/fuzz_$name -malloc_limit_mb=512 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
     "${dict[@]/#-dict=/-dict=../}" "${flags[@]}" "corpus/$name" "../fuzz/corpus/$name" "../fuzz/regressions/$name" 2>&1 |
     grep -E "^#[0-9]+ *DONE|^stat::|ERROR|SUMMARY|Done [0-9]+ runs|artifact" || true)
done
