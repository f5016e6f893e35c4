#!/usr/bin/env bash
# The CI recipe: is the working tree slower, or more allocating, than BASE_REF?
#
# Builds BASE_REF (a git worktree in a temporary directory) and the working tree in two Release
# build directories, runs both builds' cases interleaved on this machine in short alternating
# runs (scripts/interleave-runs.sh: A B B A A B ...), pools each side's samples, and gates
# (`hotpath gate`); a failing verdict is confirmed once on fresh runs
# (scripts/gate-interleaved.sh), an inconclusive one (the machine drifted) repeated. Exit 0 pass,
# 1 regression, 2 bad input, 3 inconclusive after the retries (the deterministic metrics passed;
# the times could not be judged). docs/ci.md explains.
#
# Usage: scripts/ci-compare.sh BASE_REF [options] [-- hotpath run options]
#   --rounds N      alternating runs per build (default 5)
#   --config FILE   gate config (thresholds, budgets; docs/ci.md)
#   --format F      text or md (default text; md for a pull-request comment)
#   --out DIR       keep runs and verdicts there (default: a temporary directory)
#   --keep          keep the temporary directory and the base worktree
# Run options default to the quick tour (no --workload), 4 samples per run, a 10 ms target; e.g.
#   -- --workload 'router/*' --samples 4
# With valgrind installed, the first run of each build also counts instructions per op.
set -euo pipefail
usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
base_ref=$1
shift
rounds=5 config="" format=text out="" keep=0
run_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --config) config=$2; shift 2 ;;
    --format) format=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --) shift; run_args=("$@"); break ;;
    *) echo "ci-compare: unknown option '$1'" >&2; usage ;;
  esac
done
[ ${#run_args[@]} -gt 0 ] || run_args=(--samples 4 --target-time 10ms)

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
git rev-parse --verify --quiet "$base_ref^{commit}" >/dev/null || {
  echo "ci-compare: '$base_ref' is not a commit of this repository" >&2
  exit 2
}
tmp=$(mktemp -d /tmp/hotpath-ci-compare.XXXXXX)
cleanup() {
  if [ "$keep" = 0 ]; then
    git -C "$root" worktree remove --force "$tmp/base" 2>/dev/null || true
    rm -rf "$tmp"
  else
    echo "ci-compare: kept $tmp" >&2
  fi
}
trap cleanup EXIT
[ -n "$out" ] || out="$tmp/runs"
mkdir -p "$out"

echo "== building $base_ref and the working tree" >&2
git worktree add --detach --quiet "$tmp/base" "$base_ref"
jobs=$(nproc)
[ "$jobs" -le 2 ] || jobs=2
for side in base current; do
  src="$tmp/base"
  [ "$side" = current ] && src="$root"
  cmake -S "$src" -B "$tmp/build-$side" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$tmp/build-$side" --target hotpath -j"$jobs" >"$tmp/build-$side.log" 2>&1 || {
    cat "$tmp/build-$side.log" >&2
    echo "ci-compare: the $side build failed" >&2
    exit 2
  }
done

echo "== running both builds interleaved, $rounds rounds, then the gate" >&2
instructions=0
command -v valgrind >/dev/null && instructions=1
gate_args=()
[ -z "$config" ] || gate_args+=(--config "$config")
status=0
HOTPATH_INSTRUCTIONS=$instructions "$root/scripts/gate-interleaved.sh" \
  "$tmp/build-base/hotpath" "$tmp/build-current/hotpath" "$out" "$rounds" "${gate_args[@]}" \
  -- "${run_args[@]}" >"$out/gate-interleaved.txt" || status=$?
if [ "$status" = 2 ]; then
  cat "$out/gate-interleaved.txt"
  exit 2
fi
if [ "$format" = md ]; then
  # The deciding attempt's table again, as Markdown for a pull-request comment.
  deciding=$(cat "$out/deciding")
  source <(sed 's/^\(A\|B\)=\(.*\)$/\1="\2"/' "$out/$deciding/lists")
  "$tmp/build-current/hotpath" gate "$A" "$B" --format md "${gate_args[@]}" || true
  grep -E '^(confirmed|not confirmed|  )' "$out/gate-interleaved.txt" || true
else
  cat "$out/gate-interleaved.txt"
fi
exit "$status"
