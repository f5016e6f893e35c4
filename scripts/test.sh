#!/usr/bin/env bash
# The whole test suite: installs what is missing, then configures, builds and tests the three
# builds the project promises through the presets of CMakePresets.json: release (build/), debug
# = ASan + UBSan (build-Debug/) and tsan = ThreadSanitizer (build-Tsan/); and runs the Go peers'
# checks (gofmt, go vet, go test: peers/), which fail on error and never skip. HOTPATH_NO_GO=1
# declines Go (install-deps.sh) and leaves the Go checks out.
# Usage: scripts/test.sh [release|debug|tsan|go ...]   (default: all four, go only with Go;
#        Release, Debug, Tsan and Go are accepted too)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
steps=()
for arg in "$@"; do
  case "${arg,,}" in
  release | debug | tsan | go) steps+=("${arg,,}") ;;
  *) echo "test.sh: unknown build '$arg' (valid: release, debug, tsan, go)" >&2; exit 2 ;;
  esac
done
if [ ${#steps[@]} -eq 0 ]; then
  steps=(release debug tsan)
  [ "${HOTPATH_NO_GO:-}" = 1 ] || steps+=(go)
fi
jobs=$(nproc)
status=0
for step in "${steps[@]}"; do
  start=$SECONDS
  if [ "$step" = go ]; then
    if [ "${HOTPATH_NO_GO:-}" = 1 ]; then
      echo "test.sh: Go tests asked for, but HOTPATH_NO_GO=1 declined Go" >&2
      exit 2
    fi
    echo "== Go peers (build/go)"
    unformatted=$(gofmt -l peers)
    if [ -n "$unformatted" ]; then
      echo "test.sh: not gofmt-formatted (run gofmt -w peers): $unformatted" >&2
      status=1
    fi
    if ! scripts/go-peers.sh build/go vet . || ! scripts/go-peers.sh build/go test -count=1 .; then
      status=1
    fi
    echo "== Go vet and tests: $((SECONDS - start)) s"
    continue
  fi
  echo "== $step build"
  cmake --preset "$step" >/dev/null
  cmake --build --preset "$step" -j"$jobs"
  # The test presets set halt_on_error: a sanitizer report fails the test that triggered it.
  ctest --preset "$step" -j"$jobs" || status=1
  echo "== $step build and tests: $((SECONDS - start)) s"
done
exit $status
