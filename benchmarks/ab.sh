#!/usr/bin/env bash
# A/B of two aimc builds on this noisy machine: runs `aimc bench` of build A
# and build B alternately, ROUNDS times, and prints each pair's images/s and
# the median of the ratios B/A (each B run against the A run right before
# it, so slow spells of the machine hit both sides alike).
# Usage: benchmarks/ab.sh AIMC_A AIMC_B [ROUNDS] [THREADS] [BATCH] [-- extra bench args]
#   e.g. benchmarks/ab.sh /tmp/aimc_old build-release/aimc 8 2 1 -- --mode float
# The model defaults to ../shared's fp32 MobileNetV2 (AIMC_MODEL overrides);
# the input is the bench's synthetic one.
set -euo pipefail
a=$1 b=$2 rounds=${3:-8} threads=${4:-2} batch=${5:-1}
shift $(($# < 5 ? $# : 5))
[ "${1:-}" = "--" ] && shift
extra=("$@")
[ ${#extra[@]} -eq 0 ] && extra=(--mode float)
model=${AIMC_MODEL:-$(dirname "$0")/../../shared/models/mobilenetv2_fp32.onnx}
iterations=$((200 / batch + 10))
ips() {
  "$1" bench --model "$model" --batch "$batch" --threads "$threads" --iterations "$iterations" \
    "${extra[@]}" | grep -o '[0-9.]* images/s' | head -1 | cut -d' ' -f1
}
ratios=()
for _ in $(seq "$rounds"); do
  x=$(ips "$a")
  y=$(ips "$b")
  echo "A $x  B $y images/s"
  ratios+=("$(awk -v x="$x" -v y="$y" 'BEGIN { printf "%.4f", y / x }')")
done
printf '%s\n' "${ratios[@]}" | sort -n |
  awk '{ r[NR] = $1 } END { m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2;
         printf "median B/A over %d pairs: %.3f\n", NR, m }'
