#!/usr/bin/env bash
# Installs dependencies, then builds and runs the whole test suite twice:
# a Release build (which also compiles the benchmarks, so they cannot rot)
# and an AddressSanitizer+UndefinedBehaviorSanitizer build; runs the main
# job (README command 1) on a few images; checks that every include points
# down the layers; then fuzzes each libFuzzer target briefly
# (scripts/fuzz.sh; run it alone with a longer budget for real fuzzing).
#
# Usage: scripts/test.sh   (FUZZ_SECONDS=60 for a longer fuzz run)
set -euo pipefail
trap 'status=$?; echo "test.sh: failed (exit $status) at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
source ./scripts/build-env.sh
jobs=$(nproc)
python3 scripts/check-layers.py
for variant in release asan; do
  dir="build-$variant"
  if [ "$variant" = release ]; then
    extra=(-DCMAKE_BUILD_TYPE=Release -DAIMC_BENCHMARKS=ON)
  else
    # -O1 with line tables only: half the compile time of -O2 -g, and the
    # sanitizer reports still name file and line.
    # Eight shards per test program: a sanitized process takes about half a
    # second to start, too much to pay once per test.
    extra=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DAIMC_SANITIZE=ON
      "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" -DAIMC_TEST_SHARDS=8)
  fi
  cmake -S . -B "$dir" -G Ninja "${extra[@]}" "${AIMC_CMAKE_LAUNCHER[@]}"
  cmake --build "$dir" -j "$jobs"
  # halt_on_error: a sanitizer report fails the test instead of scrolling by.
  ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --test-dir "$dir" -j "$jobs" --output-on-failure
  if [ "$variant" = release ]; then
    # The Python module into the system interpreter's path, then its tests
    # (tests/python) on this build.
    cmake --install "$dir" --component python
    (cd / && /usr/bin/python3 -c "import aimc")
    AIMC_BUILD_DIR="$dir" /usr/bin/python3 -m pytest -q tests/python
    # README command 1 on a few images, so that it cannot break unnoticed.
    ./scripts/main-job.sh --limit 16
  fi
done
# Every fuzz target briefly, after its regression inputs: a crash, leak,
# hang or sanitizer report fails the run.
./scripts/fuzz.sh "${FUZZ_SECONDS:-10}"
