#!/usr/bin/env bash
# Installs the build tree's convis into a scratch prefix, then builds and runs a consumer
# program against it twice: with find_package(convis CONFIG) and with pkg-config.
# Usage: run.sh <convis build dir> <scratch dir>
set -euo pipefail
build=$1
scratch=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$scratch"
cmake --install "$build" --prefix "$scratch/prefix" > /dev/null
cmake -S "$here" -B "$scratch/cmake-build" -G Ninja -DCMAKE_PREFIX_PATH="$scratch/prefix" > /dev/null
cmake --build "$scratch/cmake-build" > /dev/null
"$scratch/cmake-build/consumer"
libdir=$(ls -d "$scratch"/prefix/lib*/pkgconfig | head -n 1)
flags=$(PKG_CONFIG_PATH="$libdir" pkg-config --cflags --libs convis)
# shellcheck disable=SC2086
c++ "$here/main.cpp" -o "$scratch/consumer-pc" $flags
"$scratch/consumer-pc"
