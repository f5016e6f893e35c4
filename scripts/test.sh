#!/usr/bin/env bash
# The whole test suite: installs what is missing, then builds and runs every test in the three
# builds the project promises: Release, Debug (ASan + UBSan) and Tsan (ThreadSanitizer), and the
# Go peers' checks (gofmt, go vet, go test: peers/), which fail on error and never skip. HOTPATH_NO_GO=1
# declines Go (install-deps.sh) and leaves the Go tests out.
# Usage: scripts/test.sh [Release|Debug|Tsan|Go ...]   (default: all four; Go only with Go)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
types=("$@")
if [ ${#types[@]} -eq 0 ]; then
  types=(Release Debug Tsan)
  [ "${HOTPATH_NO_GO:-}" = 1 ] || types+=(Go)
fi
jobs=$(nproc)
status=0
for type in "${types[@]}"; do
  case "$type" in
    Release) dir=build ;;
    Debug | Tsan) dir="build-$type" ;;
    Go)
      if [ "${HOTPATH_NO_GO:-}" = 1 ]; then
        echo "test.sh: Go tests asked for, but HOTPATH_NO_GO=1 declined Go" >&2
        exit 2
      fi
      echo "== Go peers (build/go)"
      start=$SECONDS
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
      ;;
    *) echo "test.sh: unknown build type '$type' (valid: Release, Debug, Tsan, Go)" >&2; exit 2 ;;
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
