#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang++-14 under ASan and
# UBSan and runs each for SECONDS_PER_TARGET seconds (default 60), FUZZ_JOBS
# targets side by side (default: one per core). scripts/test.sh (= .ci/run)
# runs it briefly after the two test builds; give it minutes for real fuzzing.
#
# Usage: scripts/fuzz.sh [seconds_per_target=60]   (scripts/test.sh runs 10 s)
#   FUZZ_TARGETS="fuzz_image fuzz_sweep_grid" scripts/fuzz.sh 300   # a subset
#   FUZZ_JOBS=1 scripts/fuzz.sh                                     # one at a time
#
# Needs clang-14, libclang-rt-14-dev (libFuzzer, sanitizer runtimes) and
# libomp-dev (OpenMP for clang), all in scripts/install-deps.sh;
# libonnx-testdata provides ONNX seeds.
#
# Targets (one tests/fuzz/<target>.cpp each):
#   fuzz_onnx_import    import_onnx_bytes + Model::from_graph (digital mode:
#                       shape inference, QDQ lowering, kernel preparation;
#                       no inference)
#   fuzz_image          decode_image_bytes (stb_image, compiled instrumented
#                       into the target) + preprocess_reference (<= 4 Mpixel)
#   fuzz_analog_config  analog_config_from_json ("device_table" files in /tmp)
#   fuzz_hardware_json  timing::hardware_from_json
#   fuzz_sweep_grid     models::sweep_grid_from_json
# aimc::BadInput is the expected refusal; any other exception, a sanitizer
# report, a leak, a > 10 s input or > 2 GB RSS is a finding.
#
# Build: build-fuzz/ (-O1 -g1, BUILD_TESTING=OFF, AIMC_FUZZ=ON). The
# whole project is compiled with -fsanitize=fuzzer-no-link,address,undefined
# (CMAKE_CXX_FLAGS) so the libraries are instrumented; only the fuzz
# executables link -fsanitize=fuzzer; UBSan aborts (-fno-sanitize-recover),
# except for the arithmetic checks silenced in Debian's stb_image (see
# tests/fuzz/CMakeLists.txt).
#
# Corpora: build-fuzz/corpus-run/<target>/ is the working corpus, seeded on
# every run from tests/fuzz/corpus/<target>/ (hand-made valid and near-valid
# inputs; the QDQ ONNX seeds are encoded from tests/fuzz/corpus/onnx_textproto/
# with protoc) and, for fuzz_onnx_import, ~30 small models of Debian's
# libonnx-testdata. It keeps what libFuzzer adds between runs; delete it to
# start afresh. Nothing from ../shared is used.
#
# Findings: crash-*, leak-*, timeout-*, oom-* files go to
# build-fuzz/artifacts/<target>/, the full log to build-fuzz/logs/<target>.log.
# Reproduce one with: build-fuzz/tests/fuzz/<target> <artifact file>
# Once fixed, keep the input in tests/fuzz/regressions/<target>/: every file
# there is run once through its target before fuzzing, so that fixed
# crashes stay fixed (a failing regression fails the script).
#
# Exit status: 0 when every regression input and every fuzz run passed;
# otherwise 1, after naming the failed targets.
set -euo pipefail

DURATION=${1:-60}
if ! [[ "$DURATION" =~ ^[0-9]+$ ]] || [ "$DURATION" -lt 1 ]; then
  echo "usage: $0 [seconds_per_target=60]" >&2
  exit 2
fi
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build-fuzz"
ALL_TARGETS=(fuzz_onnx_import fuzz_image fuzz_analog_config fuzz_hardware_json fuzz_sweep_grid)
read -r -a TARGETS <<<"${FUZZ_TARGETS:-${ALL_TARGETS[*]}}"

max_len() {
  case "$1" in
    fuzz_onnx_import | fuzz_image) echo 1048576 ;;
    *) echo 65536 ;;
  esac
}

# Small libonnx-testdata node models whose operators aimc implements.
ONNX_TESTDATA=/usr/share/libonnx-testdata/data/node
ONNX_SEED_TESTS=(
  test_basic_conv_with_padding test_conv_with_strides_padding test_conv_with_autopad_same
  test_gemm_all_attributes test_gemm_default_vector_bias test_matmul_2d
  test_quantizelinear test_quantizelinear_axis test_dequantizelinear test_dequantizelinear_axis
  test_relu test_clip test_clip_default_inbounds test_sigmoid test_softmax_axis_1
  test_globalaveragepool test_averagepool_2d_pads test_averagepool_2d_ceil
  test_maxpool_2d_strides test_maxpool_2d_pads test_maxpool_2d_dilations
  test_flatten_axis1 test_reshape_reordered_all_dims test_reshape_negative_dim
  test_transpose_all_permutations_0 test_concat_2d_axis_0
  test_constant_pad test_edge_pad test_batchnorm_example
  test_add_bcast test_sub test_mul_bcast test_div
)

start=$(date +%s)
echo "== configure + build ($BUILD)"
mkdir -p "$BUILD"
cd "$ROOT"
source "$ROOT/scripts/build-env.sh"
cmake -S "$ROOT" -B "$BUILD" "${AIMC_CMAKE_LAUNCHER[@]}" \
  -DBUILD_TESTING=OFF -DAIMC_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
  "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  >"$BUILD/configure.log" 2>&1 || {
  cat "$BUILD/configure.log" >&2
  exit 1
}
cmake --build "$BUILD" -j"$(nproc)" --target "${TARGETS[@]}"
echo "== build done in $(($(date +%s) - start)) s"

# Leaks are findings; UBSan is fatal already (-fno-sanitize-recover).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:symbolize=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

mkdir -p "$BUILD/logs" "$BUILD/status"
rm -f "$BUILD/status"/*

# One target: its regression inputs once, then DURATION seconds of fuzzing.
# Writes "<summary line>" to status/<target>.ok or status/<target>.failed.
fuzz_target() {
  local t=$1
  local exe="$BUILD/tests/fuzz/$t" log="$BUILD/logs/$t.log"
  local artifacts="$BUILD/artifacts/$t" corpus="$BUILD/corpus-run/$t"
  local status=ok notes=""
  mkdir -p "$artifacts" "$corpus"
  local common=(-timeout=10 -rss_limit_mb=2048 "-max_len=$(max_len "$t")" "-artifact_prefix=$artifacts/")

  # Fixed crashes stay fixed: each regression input once (stdin closed, so
  # that nothing can block on it).
  local regressions=()
  if [ -d "$ROOT/tests/fuzz/regressions/$t" ]; then
    while IFS= read -r -d '' f; do regressions+=("$f"); done \
      < <(find "$ROOT/tests/fuzz/regressions/$t" -type f -print0 | sort -z)
  fi
  if [ "${#regressions[@]}" -gt 0 ]; then
    if ! "$exe" "${common[@]}" "${regressions[@]}" </dev/null >"$BUILD/logs/$t.regressions.log" 2>&1; then
      status=FAILED
      notes=" (a regression input fails again: $BUILD/logs/$t.regressions.log)"
    fi
  fi

  # Seeds: the checked-in ones (and for ONNX, testdata models) into the
  # working corpus, which keeps its earlier finds.
  if [ -d "$ROOT/tests/fuzz/corpus/$t" ]; then
    cp -f "$ROOT/tests/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null || true
  fi
  if [ "$t" = fuzz_onnx_import ] && [ -d "$ONNX_TESTDATA" ]; then
    for name in "${ONNX_SEED_TESTS[@]}"; do
      if [ -f "$ONNX_TESTDATA/$name/model.onnx" ]; then
        cp -f "$ONNX_TESTDATA/$name/model.onnx" "$corpus/$name.onnx"
      fi
    done
  fi

  local seeds t0 elapsed runs cov
  seeds=$(find "$corpus" -type f | wc -l)
  t0=$(date +%s)
  if ! "$exe" "${common[@]}" "-max_total_time=$DURATION" -print_final_stats=1 "$corpus" \
    </dev/null >"$log" 2>&1; then
    status=FAILED
    notes="$notes (log: $log; artifacts: $artifacts/)"
  fi
  elapsed=$(($(date +%s) - t0))
  runs=$(grep -oE "^Done [0-9]+ runs in [0-9]+ second" "$log" | tail -n 1 | awk '{print $2}' || true)
  if [ -z "$runs" ]; then
    runs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$log" | awk '{print $2}' | tail -n 1 || true)
  fi
  cov=$(grep -oE "cov: [0-9]+" "$log" | tail -n 1 | awk '{print $2}' || true)
  local line="$t: ${#regressions[@]} regression input(s), ${runs:-?} runs in ${elapsed} s from $seeds seeds, cov ${cov:-?}, corpus $(find "$corpus" -type f | wc -l) files: $status$notes"
  if [ "$status" = ok ]; then
    echo "$line" >"$BUILD/status/$t.ok"
  else
    echo "$line" >"$BUILD/status/$t.failed"
  fi
  echo "== $line"
}

# Targets run side by side, FUZZ_JOBS at a time (default: one per core);
# each libFuzzer process is single-threaded.
JOBS=${FUZZ_JOBS:-$(nproc)}
echo "== fuzzing ${#TARGETS[@]} target(s) for $DURATION s each, $JOBS at a time"
running=0
for t in "${TARGETS[@]}"; do
  fuzz_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

echo
echo "== summary (${DURATION} s per target, total wall time $(($(date +%s) - start)) s incl. build)"
failed=()
for t in "${TARGETS[@]}"; do
  if [ -f "$BUILD/status/$t.ok" ]; then
    echo "  $(cat "$BUILD/status/$t.ok")"
  else
    failed+=("$t")
    if [ -f "$BUILD/status/$t.failed" ]; then
      echo "  $(cat "$BUILD/status/$t.failed")"
    else
      echo "  $t: no result (the run was killed)"
    fi
  fi
done
for t in "${failed[@]}"; do
  log="$BUILD/logs/$t.log"
  [ -f "$log" ] || continue
  echo "-- $t: findings" >&2
  grep -E "^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*deadly signal|.*Test unit written)" "$log" | head -n 20 >&2 || true
  tail -n 40 "$log" >&2
  [ -f "$BUILD/logs/$t.regressions.log" ] && tail -n 20 "$BUILD/logs/$t.regressions.log" >&2
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED targets: ${failed[*]}" >&2
  exit 1
fi
echo "all fuzz targets passed"
