#!/usr/bin/env bash
# The project's own deterministic-metrics gate (.ci/run): allocations and bytes per op always,
# instructions per op (callgrind) when valgrind is installed, against the small results file
# committed in ci/baselines/. Times are never gated here: the baseline comes from another run,
# perhaps another machine; scripts/ci-compare.sh is the recipe for time.
#
# Usage: scripts/ci-baselines.sh check  [BUILD_DIR]   (default build: the Release dir of test.sh)
#        scripts/ci-baselines.sh update [BUILD_DIR]   (rewrite ci/baselines/results.json; commit it
#                                                     when a change in allocations or instructions
#                                                     is intended, and say why in the message)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-check}
build=${2:-$root/build}
hotpath="$build/hotpath"
baseline="$root/ci/baselines/results.json"
[ -x "$hotpath" ] || { echo "ci-baselines: no $hotpath (build the Release build first)" >&2; exit 2; }

# The zero-allocation paths and the allocation checks, every implementation, one thread.
cases=(--workload 'demo/*,router/github/static,router/github/param2,router/static/static,router/manyparams/all,pool/get_put,pool/hold8,http/parse/line3,http/parse/browser,request/static,request/param2,context/acquire_release'
       --threads 1 --samples 3 --target-time 1ms)
instructions=()
if command -v valgrind >/dev/null; then
  instructions=(--instructions)
elif [ "$mode" = update ]; then
  echo "ci-baselines: update needs valgrind (the baseline carries instruction counts)" >&2
  exit 2
fi

tmp=$(mktemp -d /tmp/hotpath-ci-baselines.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# The route sets are read through a path of one length from every checkout: a route set keeps
# its file's path (for messages), which shifts the heap layout, and callgrind's counts of the
# string functions a lookup calls depend on the alignment of what they compare.
ln -s "$root/workloads" "$tmp/workloads"
"$hotpath" run --quiet "${cases[@]}" "${instructions[@]}" --workloads-dir "$tmp/workloads" \
  --out "$tmp/run" >"$tmp/run.log" 2>&1 || {
  cat "$tmp/run.log" >&2
  exit 2
}
case "$mode" in
  update)
    mkdir -p "$(dirname "$baseline")"
    cp "$tmp/run/results.json" "$baseline"
    echo "ci-baselines: wrote $baseline"
    ;;
  check)
    [ -n "${instructions[*]}" ] || echo "ci-baselines: valgrind not installed: instructions not gated"
    "$hotpath" gate --deterministic "$baseline" "$tmp/run" --json "$tmp/gate.json"
    ;;
  *)
    echo "usage: $0 check|update [BUILD_DIR]" >&2
    exit 2
    ;;
esac
