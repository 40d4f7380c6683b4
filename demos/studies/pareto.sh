#!/usr/bin/env bash
# The accuracy–cost frontier of MobileNetV2 on the seed cluster: top-1
# against energy and latency per image, over placements × weight bits ×
# mitigations × drift time × seeds. Every configuration is the `ima-paper`
# preset (8-bit DAC, calibrated 8-bit ADC, PCM pairs, global drift
# compensation) with the keys below. For each, two placements: every layer
# the preset puts on the arrays (its own), and the cheapest placement within
# MAX_DROP points of digital that `aimc place --max-drop` finds after a day
# of drift on the calibration split (seed 1). Each is evaluated at t = 0,
# 1 h, 1 day, 30 days and 1 year over SEEDS seeds on the first LIMIT
# evaluation images (the shared images outside the calibration split), and
# costed by `eval --timing`. Writes OUT_DIR/pareto.csv and the plot
# OUT_DIR/pareto.png (demos/plots/plot_pareto.py). Re-running resumes: a
# finished search is kept and the sweeps skip their finished points.
#   usage: demos/studies/pareto.sh [LIMIT] [SEEDS] [OUT_DIR] [MAX_DROP] [SEARCH_LIMIT]
# SEARCH_LIMIT: the first N images of the calibration split the search
# measures on (default: all 100 of the shared images' split). AIMC_BIN: the
# aimc binary (default build-release/aimc; a copy keeps a long study safe
# from rebuilds).
set -euo pipefail
cd "$(dirname "$0")/../.."
limit="${1:-700}"
seeds="${2:-5}"
out="${3:-build-release/pareto}"
max_drop="${4:-2}"
search_limit=()
[ -n "${5:-}" ] && search_limit=(--limit "$5")
B="${AIMC_BIN:-./build-release/aimc}"
threads="$(nproc)"
mkdir -p "$out"
# name | analog configuration keys over ima-paper (JSON members)
configs=(
  "4-bit|"
  "4-bit, GPTQ + affine|\"weight_quantizer\": \"gptq\", \"affine_correction\": \"channel\""
  "4-bit, GPTQ + affine + 4 pairs|\"weight_quantizer\": \"gptq\", \"affine_correction\": \"channel\", \"pairs_per_weight\": 4"
  "8-bit|\"weight_bits\": 8"
  "8-bit, affine + 4 pairs|\"weight_bits\": 8, \"affine_correction\": \"channel\", \"pairs_per_weight\": 4"
)
times='[0, 3600, 86400, 2592000, 31536000]'
fail() { echo "pareto: $*" >&2; exit 1; }

# The digital reference: top-1 on the same images and the all-cores cost.
$B eval --mode digital --limit "$limit" --threads "$threads" --timing --json "$out/digital.json" \
  >/dev/null 2>&1 || fail "digital eval failed"

i=0
for entry in "${configs[@]}"; do
  IFS='|' read -r name keys <<<"$entry"
  config="$out/$i.config.json"
  printf '{"preset": "ima-paper"%s}\n' "${keys:+, $keys}" >"$config"
  printf '%s\n' "$name" >"$out/$i.name"
  # The search, on the calibration split after a day of drift (skipped when done).
  if [ ! -s "$out/$i.search.json" ]; then
    $B place --analog "$config" --set t_inf=86400 --seed 1 --max-drop "$max_drop" \
      --threads "$threads" "${search_limit[@]}" --out "$out/$i.placement.json" --json "$out/$i.search.json" \
      >"$out/$i.search.txt" 2>&1 || fail "$name: placement search failed"
  fi
  for placement in own searched; do
    args=()
    [ "$placement" = searched ] && args=(--placement "$out/$i.placement.json")
    printf '{"analog": %s, "grid": {"t_inf": %s}, "seeds": %s}\n' "$(cat "$config")" "$times" \
      "$seeds" >"$out/$i-$placement.grid.json"
    $B sweep --grid "$out/$i-$placement.grid.json" --out "$out/$i-$placement.jsonl" \
      --limit "$limit" --threads "$threads" "${args[@]}" >/dev/null 2>&1 ||
      fail "$name, $placement placement: sweep failed"
    $B eval --mode analog --analog "$config" --limit 1 --threads "$threads" --timing \
      --json "$out/$i-$placement.cost.json" "${args[@]}" >/dev/null 2>&1 ||
      fail "$name, $placement placement: timing failed"
  done
  i=$((i + 1))
done
/usr/bin/python3 demos/plots/plot_pareto.py "$out" "$i" --max-drop "$max_drop" \
  --csv "$out/pareto.csv" --out "$out/pareto.png"
