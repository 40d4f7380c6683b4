#!/usr/bin/env bash
# Installs dependencies, then builds and runs the whole test suite twice:
# a Release build and an AddressSanitizer+UndefinedBehaviorSanitizer build;
# then fuzzes each libFuzzer target for 60 s (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
jobs=$(nproc)
for variant in release asan; do
  dir="build-$variant"
  extra=()
  [ "$variant" = asan ] && extra=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DAIMC_SANITIZE=ON)
  # The Release build also compiles the benchmarks, so they cannot rot.
  [ "$variant" = release ] && extra=(-DCMAKE_BUILD_TYPE=Release -DAIMC_BENCHMARKS=ON)
  cmake -S . -B "$dir" -G Ninja "${extra[@]}"
  cmake --build "$dir" -j "$jobs"
  # halt_on_error: a sanitizer report fails the test instead of scrolling by.
  ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --test-dir "$dir" -j "$jobs" --output-on-failure
done
# Every fuzz target for 60 s (two at a time on two cores), after its
# regression inputs: a crash, leak, hang or sanitizer report fails the run.
./scripts/fuzz.sh 60
