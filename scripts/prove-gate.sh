#!/usr/bin/env bash
# Proves the regression gate on this machine (docs/ci.md has the figures it printed):
#   A/A        PAIRS pairs of interleaved runs of one build: every gate must pass.
#   slowdown   builds with -DHOTPATH_TEST_SLOWDOWN_PCT=P (demo/fnv64 does >= P% more work per op)
#              against the default build: every gate must fail, on demo/fnv64's time.
#   alloc      a build with -DHOTPATH_TEST_EXTRA_ALLOC=1 (one more malloc per op in demo/fnv64):
#              every gate must fail, on demo/fnv64's allocations.
# Each trial is one `scripts/interleave-runs.sh` of ROUNDS alternating runs per side over a small
# set of cases, then `hotpath gate`. Instructions are not counted here (time and allocations are
# what is being proved; the instruction gate is deterministic).
#
# Usage: scripts/prove-gate.sh [--pairs N] [--trials N] [--rounds N] [--slowdowns "10 20"]
# Exit status: 0 when A/A had no failure and every injected regression was caught.
set -euo pipefail
pairs=10 trials=10 rounds=3 slowdowns="10 20"
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) pairs=$2; shift 2 ;;
    --trials) trials=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --slowdowns) slowdowns=$2; shift 2 ;;
    *) echo "usage: $0 [--pairs N] [--trials N] [--rounds N] [--slowdowns \"10 20\"]" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/hotpath-prove-gate.XXXXXX)
trap 'rm -rf "$work"' EXIT
cases=(--workload 'demo/fnv64,demo/allocs-1,router/github/static,pool/get_put'
       --router radix --pool treiber --samples 5 --target-time 10ms)

build() { # NAME CFLAGS
  cmake -S "$root" -B "$work/build-$1" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="$2" >/dev/null
  cmake --build "$work/build-$1" --target hotpath -j2 >"$work/build-$1.log" 2>&1 || {
    cat "$work/build-$1.log" >&2
    exit 2
  }
}

echo "== building: default, extra allocation, slowdowns $slowdowns" >&2
build default ""
build alloc "-DHOTPATH_TEST_EXTRA_ALLOC=1"
for p in $slowdowns; do build "slow$p" "-DHOTPATH_TEST_SLOWDOWN_PCT=$p"; done
gate="$work/build-default/hotpath"

# trial NAME BASE_BIN CURRENT_BIN INDEX: prints the gate's exit status and keeps its output.
trial() {
  local dir="$work/$1-$4"
  local lists
  lists=$("$root/scripts/interleave-runs.sh" "$2" "$3" "$dir" "$rounds" "${cases[@]}")
  local status=0
  "$gate" gate "$(sed -n 's/^A=//p' <<<"$lists")" "$(sed -n 's/^B=//p' <<<"$lists")" \
    --json "$dir/gate.json" >"$dir/gate.txt" || status=$?
  echo "$status"
}

ok=1
summary=()

echo "== A/A: $pairs pairs" >&2
fails=0
for ((i = 1; i <= pairs; i++)); do
  s=$(trial aa "$gate" "$gate" "$i")
  if [ "$s" = 1 ]; then
    fails=$((fails + 1))
    grep REGRESSED "$work/aa-$i/gate.txt" >&2 || true
  elif [ "$s" != 0 ]; then
    echo "prove-gate: gate error in A/A pair $i" >&2; cat "$work/aa-$i/gate.txt" >&2; exit 2
  fi
  echo "   pair $i: exit $s" >&2
done
summary+=("A/A: $fails false alarm(s) in $pairs pairs")
[ "$fails" = 0 ] || ok=0

detect() { # NAME BUILD LABEL
  local caught=0 fnv=0
  for ((i = 1; i <= trials; i++)); do
    s=$(trial "$1" "$gate" "$work/build-$2/hotpath" "$i")
    [ "$s" != 2 ] || { cat "$work/$1-$i/gate.txt" >&2; exit 2; }
    if [ "$s" = 1 ]; then caught=$((caught + 1)); fi
    if grep -q '^demo/fnv64/threads=1 *REGRESSED' "$work/$1-$i/gate.txt"; then fnv=$((fnv + 1)); fi
    local line
    line=$(grep '^demo/fnv64/threads=1' "$work/$1-$i/gate.txt" | tr -s ' ' | cut -c1-160)
    echo "   trial $i: exit $s: $line" >&2
  done
  summary+=("$3: gate failed $caught/$trials, on demo/fnv64 $fnv/$trials")
  [ "$fnv" = "$trials" ] || ok=0
}

for p in $slowdowns; do
  echo "== slowdown $p%: $trials trials" >&2
  detect "slow$p" "slow$p" "slowdown $p% (demo/fnv64)"
done
echo "== extra allocation: $trials trials" >&2
detect alloc alloc "one extra allocation per op (demo/fnv64)"

echo
echo "prove-gate on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "rounds per side per trial: $rounds (5 samples each), cases: demo/fnv64, demo/allocs-1, router/github/static (radix), pool/get_put (treiber), null"
for line in "${summary[@]}"; do echo "  $line"; done
[ "$ok" = 1 ] && echo "PROVED" || echo "NOT PROVED"
[ "$ok" = 1 ]
