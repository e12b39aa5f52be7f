#!/usr/bin/env bash
# Installs the Debian 12 packages convis needs to build, test and benchmark (run as root).
# Only what is missing is installed; nothing else is downloaded.
set -euo pipefail
packages=(cmake ninja-build g++ pkg-config catch2 libfmt-dev nlohmann-json3-dev libbenchmark-dev libpng-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
