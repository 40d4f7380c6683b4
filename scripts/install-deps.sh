#!/usr/bin/env bash
# Installs every build, test and plotting dependency of aimc from Debian's
# packages, and nothing from anywhere else (no downloads at build time, nothing vendored).
#
# Usage: scripts/install-deps.sh
#   python3-torch is for the PyTorch example (demos/pytorch_to_tiles, run by
#   the tests) and the training recipes; the engine never imports it.
set -euo pipefail
if [ "$#" -gt 0 ]; then echo "install-deps.sh: takes no options" >&2; exit 2; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
# ocl-icd-opencl-dev: Debian's oneDNN is built with its OpenCL GPU runtime, so
# its CMake package config needs the OpenCL headers and library to configure.
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libeigen3-dev libdnnl-dev ocl-icd-opencl-dev libstb-dev libcxxopts-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libonnx-dev libonnx-testdata libprotobuf-dev protobuf-compiler zlib1g-dev
  nlohmann-json3-dev librandom123-dev libgemmlowp-dev
  libopenmpi-dev openmpi-bin
  python3 python3-matplotlib python3-numpy python3-onnx
  python3-dev pybind11-dev python3-pytest python3-torch
  clang clang-format libclang-rt-14-dev libomp-dev
  ccache
)
# Skip apt entirely when everything is already present (fast re-runs, offline CI caches).
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
