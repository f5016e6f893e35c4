#!/usr/bin/env bash
# The whole test suite: installs what is missing, then configures, builds and tests the three
# builds the project promises through the presets of CMakePresets.json: release (build/), debug
# = ASan + UBSan (build-Debug/) and tsan = ThreadSanitizer (build-Tsan/).
# Usage: scripts/test.sh [release|debug|tsan ...]   (default: all three; Release, Debug and
#        Tsan are accepted too)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
presets=()
for arg in "$@"; do
  case "${arg,,}" in
  release | debug | tsan) presets+=("${arg,,}") ;;
  *) echo "test.sh: unknown build '$arg' (valid: release, debug, tsan)" >&2; exit 2 ;;
  esac
done
[ ${#presets[@]} -gt 0 ] || presets=(release debug tsan)
jobs=$(nproc)
status=0
for preset in "${presets[@]}"; do
  echo "== $preset build"
  start=$SECONDS
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  # The test presets set halt_on_error: a sanitizer report fails the test that triggered it.
  ctest --preset "$preset" -j"$jobs" || status=1
  echo "== $preset build and tests: $((SECONDS - start)) s"
done
exit $status
