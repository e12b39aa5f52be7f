#!/usr/bin/env bash
# Checks the rule of Note [One source, three capabilities] (kernels/cpu/capability.h) on the
# object files of one level: every function in them that uses an AVX instruction (a VEX or
# EVEX one: a mnemonic starting with "v", or a ymm, zmm or mask register) belongs to that
# level's namespace, convis::cpu::<level>::.  An inline function from outside (std::, fmt::)
# compiled with AVX-512 enabled would be a weak copy that the linker might keep for the whole
# program, and a processor without AVX-512 would crash in it.  Outside functions compiled
# here for baseline x86-64 (as the rule makes them) are fine.
# Usage: check_capability_objects.sh <level> "<object>;<object>;..."
set -euo pipefail
level=$1
IFS=';' read -r -a objects <<< "$2"
[ "${#objects[@]}" -gt 0 ] || { echo "no object files given"; exit 1; }
# The level's namespace in a mangled name: _ZN (_ZNK: a const member; _ZZN, _ZZZN: something
# local to a function, or to a lambda in one) 6convis 3cpu 6avx512.
prefix="^_Z+NK?6convis3cpu${#level}${level}"
bad=$(for o in "${objects[@]}"; do
  objdump -d --no-show-raw-insn "$o" | awk -v prefix="$prefix" -v file="$o" '
    /^[0-9a-f]+ <.*>:$/ { name = substr($2, 2, length($2) - 3); next }
    name != "" && name !~ prefix && ($0 ~ /\tv[a-z]/ || $0 ~ /%[yz]mm|%k[0-7]/) { print file ": " name; name = "" }'
done | c++filt)
if [ -n "$bad" ]; then
  echo "AVX code outside convis::cpu::$level:: in the $level kernels (see Note [One source, three capabilities]):"
  echo "$bad"
  exit 1
fi
echo "${#objects[@]} $level object files: all AVX code is in convis::cpu::$level::"
