#!/usr/bin/env bash
# Long-run memory checks: a 10,000-inference loop on the analog
# engine and a 1,000-point sweep, each with its RSS sampled over time by
# rss_monitor.py; memory must stay flat (the README reports the slopes).
#   benchmarks/longrun/run.sh [build dir, default build-release] [out dir, default longrun-results]
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build-release}
OUT=${2:-longrun-results}
PY=/usr/bin/python3
mkdir -p "$OUT"
[ -x "$B/aimc" ] || { echo "no $B/aimc: build first (scripts/main-job.sh or scripts/test.sh)"; exit 2; }

# 10,000 inferences of the ima-paper analog engine (noisy devices, calibrated
# ADCs), batch 1, through the same Model::run loop eval uses.
$PY benchmarks/longrun/rss_monitor.py --label inference-10000 --out "$OUT" -- \
  "$B/aimc" bench --mode analog --analog ima-paper --no-compare --batch 1 --threads 2 \
  --iterations 10000

# 1,000 sweep items: ADC bits 4-8 x DAC bits 4-8 x 40 seeds of the ideal
# device, 2 images each: every item loads the model, builds its tiles and
# runs, so a leak per item would show as a rising line.
GRID="$OUT/longrun-grid.json"
echo '{"analog": {"preset": "ideal"}, "grid": {"adc_bits": [4, 5, 6, 7, 8], "dac_bits": [4, 5, 6, 7, 8]}, "seeds": 40}' > "$GRID"
rm -f "$OUT/longrun-sweep.jsonl" "$OUT/longrun-sweep.csv"
$PY benchmarks/longrun/rss_monitor.py --label sweep-1000 --out "$OUT" -- \
  "$B/aimc" sweep --grid "$GRID" --out "$OUT/longrun-sweep.jsonl" --limit 2 --batch 2 --threads 2
wc -l "$OUT/longrun-sweep.jsonl"
