#!/usr/bin/env bash
# Checks that the layers only point down (docs/ARCHITECTURE.md):
#   1. includes: kernels/ include only kernels/ and the base headers of core (dtype, device,
#      error, cuda, cuda_memory (device memory and copies), cpu_capability, conv_algorithm,
#      generator: the counter-based generator, which
#      the spiking kernel draws from; small_vector, std only); core/ includes no autograd/ or nn/ header; autograd/ no nn/.
#   2. symbols: no function that libconvis_core uses is defined by libconvis_autograd or
#      libconvis_nn, and none that libconvis_autograd uses is defined by libconvis_nn.
#      (Headers alone cannot show this: core/tensor.h declares Tensor methods that the autograd
#      layer defines, and a call to one from core would compile and only fail to link later.)
# Usage: check_layers.sh <source dir> <libconvis_core> <libconvis_autograd> <libconvis_nn>
set -euo pipefail
src=$1 core=$2 autograd=$3 nn=$4
fail=0

bad_includes() {  # <dir> <allowed-regex>: lines of <dir> that include a convis header not allowed
  grep -rnE '#include "convis/' "$src/$1" --include='*.h' --include='*.cpp' --include='*.cu' --include='*.cuh' |
    grep -vE "#include \"convis/($2)" || true
}
report() {  # <what> <lines>
  if [ -n "$2" ]; then
    echo "layer violation: $1"
    echo "$2" | sed "s|$src/||"
    fail=1
  fi
}
report "kernels/ includes more than kernels/ and core's base headers" \
  "$(bad_includes kernels 'kernels/|core/(dtype|device|error|cuda|cuda_memory|cpu_capability|conv_algorithm|generator|small_vector)\.h')"
report "core/ includes a higher layer" "$(bad_includes core 'core/|kernels/')"
report "autograd/ includes nn/" "$(bad_includes autograd 'core/|kernels/|autograd/')"

defined() { nm -C --defined-only "$@" 2>/dev/null | awk '$2 ~ /^[TWVDBR]$/ { $1 = ""; $2 = ""; print substr($0, 3) }' | sort -u; }
undefined() { nm -C -u "$@" 2>/dev/null | awk '{ $1 = ""; print substr($0, 2) }' | sort -u; }
uses_from() {  # <lower lib> <higher libs...>: symbols the lower uses that only a higher defines
  local lower=$1; shift
  comm -12 <(comm -23 <(undefined "$lower") <(defined "$lower")) <(defined "$@")
}
report "convis_core uses symbols of a higher layer" "$(uses_from "$core" "$autograd" "$nn")"
report "convis_autograd uses symbols of convis_nn" "$(uses_from "$autograd" "$nn")"

if [ "$fail" -ne 0 ]; then exit 1; fi
echo "layers ok: kernels -> core -> autograd -> nn, every arrow pointing down"
