#!/usr/bin/env bash
# ThreadSanitizer run of the threaded executor (every mode at 1 and 2 threads,
# batch 1 and 8) and of the sweep (threads, calibration cache, resume), built
# with clang and LLVM's OpenMP runtime plus its Archer tool, which tells TSan
# about OpenMP's barriers and locks (GCC's libgomp is not instrumented, so
# TSan would take its barriers for races). Any report fails the run.
#   scripts/tsan.sh            (after scripts/install-deps.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build-tsan
archer=/usr/lib/llvm-14/lib/libarcher.so
[ -f "$archer" ] || { echo "tsan.sh: $archer missing (Debian package libomp-14-dev)"; exit 2; }
cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DAIMC_SANITIZE_THREAD=ON ${AIMC_TSAN_CMAKE_ARGS:-}
cmake --build "$dir" -j "$(nproc)" --target aimc aimc_engine_tests aimc_cli_tests
export OMP_TOOL_LIBRARIES="$archer"
# ignore_noninstrumented_modules: Archer's advice for LLVM's OpenMP runtime.
export TSAN_OPTIONS="halt_on_error=1 abort_on_error=1 second_deadlock_stack=1 history_size=4 ignore_noninstrumented_modules=1 suppressions=$PWD/tests/tsan.supp"
# First prove the set-up sees races: a deliberate one inside a parallel
# region must be reported (a TSan that cannot fail proves nothing).
probe="$dir/race_probe"
printf '%s\n' '#include <cstdio>' 'int main() { int x = 0;' '#pragma omp parallel num_threads(2)' \
  '  { x++; }' '  std::printf("%d\n", x); }' > "$probe.cpp"
clang++-14 -fsanitize=thread -fopenmp -g "$probe.cpp" -o "$probe"
probe_out=$(TSAN_OPTIONS="${TSAN_OPTIONS/halt_on_error=1 abort_on_error=1 /}" "$probe" 2>&1 || true)
if grep -q "data race" <<<"$probe_out"; then
  echo "tsan.sh: the probe's deliberate race was reported (the set-up works)"
else
  echo "tsan.sh: TSan missed the probe's deliberate race; the set-up is broken" >&2
  exit 1
fi
# The CLI tests start aimc itself, which inherits these settings.
"$dir/tests/aimc_engine_tests" --gtest_filter='Modes/Determinism.*:FloatMobileNet.*:TensorArena*:*FuseConvClip*:FloatDepthwise3x3.*:FloatDirectConv3x3.*'
"$dir/tests/aimc_cli_tests" --gtest_filter='CliSweep.*:-CliSweep.Mpirun*'
echo "tsan.sh: no data races reported"
