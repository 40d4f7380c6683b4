#!/usr/bin/env bash
# A quantized ImageNet classifier aimc was not built around, against ONNX
# Runtime: MobileNetV2 written in ONNX Runtime's QOperator form (uint8
# activations, QLinearConv, com.microsoft QLinearAdd,
# QLinearGlobalAveragePool and QGemm) by scripts/quantize_qoperator.py from
# the shared fp32 model, with activation ranges from the first CALIB shared
# images (sorted by name); the remaining images are evaluated, never those.
# Both runtimes see the same pixels: aimc preprocesses every image once
# (its own resize and crop) and ONNX Runtime reads those tensors.
#
# Usage: scripts/qoperator-mobilenet.sh [CALIB=100] [EVAL_LIMIT=all]
# Needs onnxruntime-node (installed from npm into benchmarks/peer, as the
# peer benchmark does) and Debian's python3-onnx and python3-numpy.
set -euo pipefail
trap 'echo "qoperator-mobilenet.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
calib_count=${1:-100}
limit=${2:-0}
shared=${AIMC_SHARED_DIR:-../shared}
source ./scripts/build-env.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release "${AIMC_CMAKE_LAUNCHER[@]}" >/dev/null
cmake --build build-release -j "$(nproc)" --target aimc >/dev/null
(cd benchmarks/peer && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund >/dev/null)
work=build-release/qoperator
rm -rf "$work" && mkdir -p "$work/inputs" "$work/calibration-images"
# Its own copy of the binary, so that a rebuild meanwhile cannot disturb the run.
aimc="$work/aimc"
cp build-release/aimc "$aimc"

images=()
while IFS= read -r f; do images+=("$f"); done < <(find "$shared/data/imagenet-sample" -name '*.JPEG' | sort)
calibration=("${images[@]:0:$calib_count}")
evaluation=("${images[@]:$calib_count}")
if [ "$limit" -gt 0 ]; then evaluation=("${evaluation[@]:0:$limit}"); fi

# aimc's preprocessing, written out: an Identity model run in float mode.
/usr/bin/python3 - "$work/identity.onnx" <<'PY'
import sys
from onnx import helper, TensorProto
io = lambda n: helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", 3, 224, 224])
g = helper.make_graph([helper.make_node("Identity", ["input"], ["output"])], "preprocess",
                      [io("input")], [io("output")])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
m.ir_version = 8
open(sys.argv[1], "wb").write(m.SerializeToString())
PY
preprocess() { "$aimc" run --mode float --model "$work/identity.onnx" --input "$1" --output "$2" >/dev/null; }
calib_inputs=()
for f in "${calibration[@]}"; do
  out="$work/inputs/$(basename "$f" .JPEG).f32"
  preprocess "$f" "$out"
  calib_inputs+=("$out")
  ln -s "$(realpath "$f")" "$work/calibration-images/$(basename "$f")"
done
eval_inputs=()
: > "$work/evaluation.csv"
for f in "${evaluation[@]}"; do
  out="$work/inputs/$(basename "$f" .JPEG).f32"
  preprocess "$f" "$out"
  eval_inputs+=("$out")
  synset=$(basename "$f" | cut -d_ -f1)
  index=$(grep -n "^$synset " "$shared/models/labels.txt" | cut -d: -f1)
  echo "$(realpath "$f"),$((index - 1))" >> "$work/evaluation.csv"
done

model="$work/mobilenetv2_qoperator_uint8.onnx"
/usr/bin/python3 scripts/quantize_qoperator.py --fp32 "$shared/models/mobilenetv2_fp32.onnx" \
  --out "$model" "${calib_inputs[@]}"

# A hundred inputs per process: one process over all 700 crashed onnxruntime-node at exit.
printf '%s\n' "${eval_inputs[@]}" | xargs -d '\n' -n 100 node benchmarks/peer/ort_classify.js "$model" \
  > "$work/ort.jsonl"
run_eval() {
  local name=$1; shift
  "$aimc" eval --model "$model" --images "$work/evaluation.csv" --json "$work/$name.json" "$@" >/dev/null
}
run_eval digital --mode digital
run_eval float --mode float
run_eval ideal --mode analog --analog ideal
run_eval pcm --mode analog --analog aihwkit-standard --calibration "$work/calibration-images"

/usr/bin/python3 - "$work" "${#calibration[@]}" <<'PY'
import json, sys
work, calib = sys.argv[1], int(sys.argv[2])
truth = {}
for line in open(f"{work}/evaluation.csv"):
    path, index = line.strip().rsplit(",", 1)
    truth[path.rsplit("/", 1)[1].rsplit(".", 1)[0]] = int(index)
ort = [json.loads(l) for l in open(f"{work}/ort.jsonl")]
hits1 = sum(truth[o["input"].rsplit("/", 1)[1][:-4]] == o["top5"][0] for o in ort)
hits5 = sum(truth[o["input"].rsplit("/", 1)[1][:-4]] in o["top5"] for o in ort)
n = len(ort)
print(f"MobileNetV2, QOperator uint8 form; calibration: the first {calib} shared images "
      f"(sorted by name); evaluation: the other {n}")
print(f"{'runtime':<44} {'top-1':>12} {'top-5':>12}")
print(f"{'ONNX Runtime (onnxruntime-node)':<44} {hits1:>5}/{n} {hits1/n:6.1%} {hits5:>5}/{n}")
for name, label in [("digital", "aimc --mode digital"), ("float", "aimc --mode float"),
                    ("ideal", "aimc --mode analog --analog ideal"),
                    ("pcm", "aimc --mode analog --analog aihwkit-standard")]:
    j = json.load(open(f"{work}/{name}.json"))
    print(f"{label:<44} {j['top1_count']:>5}/{j['images']} {j['top1']:6.1%} "
          f"{j['top5_count']:>5}/{j['images']}")
PY
