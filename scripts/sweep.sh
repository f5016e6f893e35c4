#!/usr/bin/env bash
# The route-count sweep: every router on router/generated/realistic (a generated route set with
# shared prefixes, params and some catch-alls, seed 1, and 4096 Zipf requests over it) at 10,
# 100, 1k, 10k and 100k routes, all cases in the same interleaved rounds, then its report: the
# complexity fits (README, "Sweeps and complexity fits"), the log-log chart of ns/op against
# routes and the time/space chart of what each router holds. It fails when the `linear` oracle
# (a scan of every route) does not fit O(n), and says when it ran over its budget (docs/ci.md).
# Usage: scripts/sweep.sh [OUT_DIR] [-- more `hotpath run` options]
#        HOTPATH=path/to/hotpath scripts/sweep.sh ...   (default: build/hotpath)
set -euo pipefail
budget_s=300
root=$(cd "$(dirname "$0")/.." && pwd)
hotpath=${HOTPATH:-$root/build/hotpath}
out=results/$(date +%Y%m%d-%H%M%S)-sweep
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
  out=$1
  shift
fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
[ -x "$hotpath" ] || { echo "sweep.sh: no hotpath at $hotpath (build it: cmake --preset release && cmake --build --preset release)" >&2; exit 2; }

start=$(date +%s%N)
"$hotpath" run --workload router/generated/realistic --router all --param routes=10..100k \
  --quiet --out "$out" "$@" >/dev/null
"$hotpath" report "$out"
took=$(( ($(date +%s%N) - start) / 1000000 ))
printf 'sweep.sh: %s in %d.%03d s (budget %d s)\n' "$out" $((took / 1000)) $((took % 1000)) "$budget_s"
sed -n '/^## Complexity/,/^## /p' "$out/report.md" | grep '^|' || true
status=0
if ! grep -q '^| `router/generated/realistic` | `routes` | `linear/1t[^`]*` | [^|]* | O(n)' "$out/report.md"; then
  echo "sweep.sh: the linear router's lookups did not fit O(n) in routes ($out/report.md)" >&2
  status=1
fi
if [ "$took" -gt $((budget_s * 1000)) ]; then
  echo "sweep.sh: over its budget of $budget_s s (a loaded machine? see docs/ci.md)" >&2
fi
exit $status
