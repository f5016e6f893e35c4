#!/usr/bin/env bash
# The whole test suite: installs what is missing, then builds and runs every test in the three
# builds the project promises: Release, Debug (ASan + UBSan) and Tsan (ThreadSanitizer).
# Usage: scripts/test.sh [Release|Debug|Tsan ...]   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
types=("$@")
[ ${#types[@]} -gt 0 ] || types=(Release Debug Tsan)
jobs=$(nproc)
status=0
for type in "${types[@]}"; do
  case "$type" in
    Release) dir=build ;;
    Debug | Tsan) dir="build-$type" ;;
    *) echo "test.sh: unknown build type '$type' (valid: Release, Debug, Tsan)" >&2; exit 2 ;;
  esac
  echo "== $type build ($dir)"
  start=$SECONDS
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" >/dev/null
  cmake --build "$dir" -j"$jobs"
  # halt_on_error: a sanitizer report fails the test that triggered it.
  if ! (cd "$dir" && ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
        ctest --output-on-failure -j"$jobs"); then
    status=1
  fi
  echo "== $type build and tests: $((SECONDS - start)) s"
done
exit $status
