#!/usr/bin/env bash
# Installs the Debian 12 packages convis needs to build, test and benchmark (run as root).
# Only what is missing is installed; nothing else is downloaded.
set -euo pipefail
packages=(cmake ninja-build g++ pkg-config catch2 libfmt-dev nlohmann-json3-dev libbenchmark-dev
          python3-dev python3-venv libopenmpi-dev openmpi-bin libavformat-dev libavcodec-dev libswscale-dev libavutil-dev)
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

# The Python package (python/): a virtual environment .venv at the repository root with
# nanobind (the bindings), NumPy and pytest (its tests), matplotlib (the example's plots) and
# scikit-build-core (pip install .), from PyPI.  CMake finds it (cmake/python.cmake).  Without
# network the C++ library still builds and tests; only the Python package is left out.
root=$(cd "$(dirname "$0")/.." && pwd)
python_packages=(nanobind numpy pytest matplotlib scikit-build-core)
if ! "$root/.venv/bin/python3" -c "import nanobind, numpy, pytest, matplotlib, scikit_build_core" 2>/dev/null; then
  echo "making $root/.venv with ${python_packages[*]}"
  if ! { /usr/bin/python3 -m venv "$root/.venv" && "$root/.venv/bin/pip" install -q "${python_packages[@]}"; }; then
    echo "warning: could not make .venv (no network?): the Python package will not be built" >&2
  fi
fi
