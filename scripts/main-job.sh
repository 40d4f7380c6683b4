#!/usr/bin/env bash
# The main job: install, build, then classify and evaluate the shared sample
# images with the int8 MobileNetV2 (bit-exact digital mode), printing top-1,
# top-5 and images/s. Extra arguments go to `aimc eval`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build-release -j "$(nproc)" --target aimc
./build-release/aimc classify "$(ls ../shared/data/imagenet-sample/*.JPEG | head -n 1)"
./build-release/aimc eval --mode digital "$@"
