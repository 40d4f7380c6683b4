#!/bin/bash
# The peer benchmark (aimc against ONNX Runtime): installs onnxruntime-node (from the npm
# registry, into benchmarks/peer/node_modules; not needed to build or test),
# builds aimc in Release and prints the aimc-vs-ORT table.
# Usage: benchmarks/peer/run.sh [RUNS] [extra compare.py args...]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
shift || true
# The CPU binaries ship in the package; skip its optional CUDA download.
(cd benchmarks/peer && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund >/dev/null)
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DAIMC_BENCHMARKS=ON >/dev/null
cmake --build build-release -j "$(nproc)" --target aimc >/dev/null
/usr/bin/python3 benchmarks/peer/compare.py --aimc build-release/aimc --shared ../shared \
    --runs "$RUNS" --json build-release/peer.json "$@"
