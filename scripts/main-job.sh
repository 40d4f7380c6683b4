#!/usr/bin/env bash
# The main job: install, build, then classify and evaluate the shared sample
# images with the int8 MobileNetV2 (700 of the 800: every 8th image is kept
# for calibration, in every mode): bit-exact digital mode, then the analog
# engine (the `ideal` preset, which must equal digital, and the seed
# cluster's `ima-paper` preset after one day of PCM drift, unmitigated and
# with the mitigations that bring it back, on every conv and on the placement
# the search found), each printing
# top-1, top-5 and images/s, the analog runs also their latency and energy
# per image on the IMA cluster. Extra arguments go to every `aimc eval`
# (e.g. `--limit 16`, as CI runs it).
set -euo pipefail
# A failing step must never end the job silently.
trap 'status=$?; echo "main-job: failed (exit $status) at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
source ./scripts/build-env.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release "${AIMC_CMAKE_LAUNCHER[@]}"
cmake --build build-release -j "$(nproc)" --target aimc
B=./build-release/aimc
# A glob, not a pipe from ls into head: under pipefail, head closing the pipe early
# kills ls with SIGPIPE and ends the script.
images=(../shared/data/imagenet-sample/*.JPEG)
if [ ! -f "${images[0]}" ]; then
  echo "main-job: no sample images in ../shared/data/imagenet-sample" >&2
  exit 1
fi
image="${images[0]}"
$B classify "$image"
$B classify --mode analog --analog ima-paper --set t_inf=86400 --seed 1 "$image"
echo "== digital (bit-exact int8)"
$B eval --mode digital "$@"
echo "== analog, ideal preset (equals digital)"
$B eval --mode analog --analog ideal --timing "$@"
echo "== analog, ima-paper preset, PCM after 1 day, global drift compensation"
$B eval --mode analog --analog ima-paper --set t_inf=86400 --seed 1 --timing "$@"
echo "== the same chip mitigated: GPTQ 4-bit weights, 4 pairs per weight, per-channel affine correction"
$B eval --mode analog --analog ima-paper --set t_inf=86400 --seed 1 --set weight_quantizer=gptq \
  --set pairs_per_weight=4 --set affine_correction=channel --timing "$@"
echo "== mitigated, with the cheapest placement within 2 points of digital (aimc place --max-drop 2,"
echo "   searched on the calibration split: demos/studies/pareto/placement-2.json)"
$B eval --mode analog --analog ima-paper --set t_inf=86400 --seed 1 --set weight_quantizer=gptq \
  --set pairs_per_weight=4 --set affine_correction=channel \
  --placement demos/studies/pareto/placement-2.json --timing "$@"
echo "== cluster timing of the paper's MobileNetV2 on the multi-array system"
summary="$($B timing --spec mobilenetv2-paper --scenario multi-array)"
echo "${summary##*$'\n'}"
echo "main-job: done"
