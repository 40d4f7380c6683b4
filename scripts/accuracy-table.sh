#!/bin/bash
# The analog accuracy table of benchmarks/RESULTS.md: `aimc eval` on the shared
# images (700 of the 800: every 8th calibrates, in every mode) for digital,
# the `ideal` preset, PCM (8-bit weights, ideal converters) at five drift
# times without and with global drift compensation, and the `ima-paper`
# preset at t = 0 and 1 day; noisy rows over SEEDS seeds (default 3). Writes
# one JSON per run under OUT and prints the Markdown table (mean ± sample std
# over seeds).
# Usage: scripts/accuracy-table.sh [BUILD_DIR] [OUT_DIR] [SEEDS]
set -euo pipefail
B=${1:-build}/aimc
OUT=${2:-accuracy-runs}
SEEDS=${3:-3}
THREADS=${THREADS:-$(nproc)}
mkdir -p "$OUT"
run() {  # name seed args...
  local name=$1 seed=$2
  shift 2
  local f="$OUT/$name.seed$seed.json"
  [ -s "$f" ] || "$B" eval --threads "$THREADS" --seed "$seed" --json "$f" "$@" >/dev/null
}
run digital 0 --mode digital
run ideal 0 --mode analog --analog ideal
for seed in $(seq 1 "$SEEDS"); do
  for t in 0 3600 86400 2592000 31536000; do
    for comp in none global; do
      run "pcm_t${t}_${comp}" "$seed" --mode analog --analog ideal --set device=pcm \
        --set t_inf=$t --set drift_compensation=$comp
    done
  done
  for t in 0 86400; do
    run "ima-paper_t${t}" "$seed" --mode analog --analog ima-paper --set t_inf=$t
  done
done
python3 - "$OUT" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
rows = {}
for f in sorted(glob.glob(os.path.join(out, "*.json"))):
    name = os.path.basename(f).rsplit(".seed", 1)[0]
    j = json.load(open(f))
    rows.setdefault(name, []).append((j["top1"], j["top5"], j["images"]))
def fmt(v):
    m = 100 * statistics.mean(v)
    return f"{m:.2f}" if len(v) < 2 else f"{m:.2f} ± {100 * statistics.stdev(v):.2f}"
labels = {"digital": "digital (bit-exact int8)", "ideal": "analog, `ideal` preset"}
times = {"0": "0 s", "3600": "1 h", "86400": "1 day", "2592000": "1 month", "31536000": "1 year"}
order = ["digital", "ideal"] + [f"pcm_t{t}_{c}" for t in times for c in ("none", "global")] + \
        ["ima-paper_t0", "ima-paper_t86400"]
print("| configuration | seeds | images | top-1 % | top-5 % |")
print("|---|---|---|---|---|")
for name in order:
    if name not in rows: continue
    v = rows[name]
    if name.startswith("pcm_t"):
        t, c = name[5:].split("_")
        label = f"PCM, 8-bit weights, t = {times[t]}, " + ("no compensation" if c == "none" else "global drift compensation")
    elif name.startswith("ima-paper_t"):
        label = f"`ima-paper`, t = {times[name[11:]]}"
    else:
        label = labels[name]
    print(f"| {label} | {len(v)} | {v[0][2]} | {fmt([a for a, _, _ in v])} | {fmt([b for _, b, _ in v])} |")
PY
