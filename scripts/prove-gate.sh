#!/usr/bin/env bash
# Proves the regression gate on this machine (docs/ci.md has the figures it printed):
#   A/A        PAIRS trials of one build against itself: every gate must pass.
#   slowdown   builds with -DHOTPATH_TEST_SLOWDOWN_PCT=P (demo/fnv64 does >= P% more work per op)
#              against the default build: every gate must fail, on demo/fnv64.
#   alloc      a build with -DHOTPATH_TEST_EXTRA_ALLOC=1 (one more malloc per op in demo/fnv64):
#              every gate must fail, on demo/fnv64.
# Each trial is scripts/gate-interleaved.sh: ROUNDS alternating runs per build over a small set
# of cases, `hotpath gate`, and when that fails one confirmation on fresh runs. Both the single
# attempt's figures and the confirmed ones are printed. Instructions are not counted here (the
# instruction gate is deterministic; tests/test_gate.c covers it).
#
# With --deterministic, the trials count instructions (run --instructions, valgrind) and gate
# only the deterministic metrics (gate --deterministic): the slowdown knob adds instructions, so
# it must be caught there every time, and A/A must never fail.
#
# Usage: scripts/prove-gate.sh [--pairs N] [--trials N] [--rounds N] [--slowdowns "10 20"]
#                              [--deterministic]
# Exit status: 0 when A/A had no (confirmed) failure and every injected regression was caught.
set -euo pipefail
pairs=10 trials=10 rounds=4 slowdowns="10 20" deterministic=0
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) pairs=$2; shift 2 ;;
    --trials) trials=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --slowdowns) slowdowns=$2; shift 2 ;;
    --deterministic) deterministic=1; shift ;;
    *) echo "usage: $0 [--pairs N] [--trials N] [--rounds N] [--slowdowns \"10 20\"]" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/hotpath-prove-gate.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
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
default="$work/build-default/hotpath"

# trial NAME CURRENT_BIN INDEX: sets first (the single attempt's exit status), final (after
# confirmation) and fnv (1 when demo/fnv64 regressed in the deciding attempt).
trial() {
  local dir="$work/$1-$3"
  final=0
  local gate_args=()
  [ "$deterministic" = 0 ] || gate_args=(--deterministic)
  HOTPATH_INSTRUCTIONS=$deterministic "$root/scripts/gate-interleaved.sh" "$default" "$2" "$dir" \
    "$rounds" "${gate_args[@]}" -- "${cases[@]}" >"$dir.txt" 2>/dev/null || final=$?
  [ "$final" != 2 ] || { echo "prove-gate: gate error in $dir" >&2; cat "$dir.txt" >&2; exit 2; }
  # Inconclusive after the retries (the machine drifted): neither a false alarm nor a catch.
  inconclusive=0
  if [ "$final" = 3 ]; then inconclusive=1 final=0; fi
  first=0
  grep -q '^FAILED' "$dir/first/gate.txt" && first=1
  fnv=0
  if grep -q '^demo/fnv64/threads=1 *REGRESSED' "$dir/$(cat "$dir/deciding")/gate.txt"; then
    fnv=1
  fi
  local line
  line=$(grep '^demo/fnv64/threads=1' "$dir/$(cat "$dir/deciding")/gate.txt" | tr -s ' ' | cut -c1-150)
  echo "   $1 $3: first attempt exit $first, final exit $final$([ "$inconclusive" = 0 ] || echo " (inconclusive: 3)"); $line" >&2
  grep -h 'REGRESSED' "$dir/first/gate.txt" | grep -v '^demo/fnv64' | tr -s ' ' | cut -c1-150 \
    | sed 's/^/      (first attempt) /' >&2 || true
}

ok=1
summary=()

echo "== A/A: $pairs pairs" >&2
raw=0 confirmed=0 open=0
for ((i = 1; i <= pairs; i++)); do
  trial aa "$default" "$i"
  raw=$((raw + first))
  confirmed=$((confirmed + final))
  open=$((open + inconclusive))
done
summary+=("A/A, $pairs pairs: single attempt $raw failure(s); after confirmation $confirmed; inconclusive (machine drift, exit 3) $open")
[ "$confirmed" = 0 ] || ok=0

detect() { # NAME BUILD LABEL
  local raw=0 caught=0 on_fnv=0 open=0
  for ((i = 1; i <= trials; i++)); do
    trial "$1" "$work/build-$2/hotpath" "$i"
    raw=$((raw + first))
    caught=$((caught + final))
    on_fnv=$((on_fnv + (final == 1 ? fnv : 0)))
    open=$((open + inconclusive))
  done
  summary+=("$3, $trials trials: single attempt failed $raw; after confirmation failed $caught, on demo/fnv64 $on_fnv; inconclusive $open")
  [ "$on_fnv" = "$trials" ] || ok=0
}

for p in $slowdowns; do
  echo "== slowdown $p%: $trials trials" >&2
  detect "slow$p" "slow$p" "slowdown $p%"
done
echo "== extra allocation: $trials trials" >&2
detect alloc alloc "one extra allocation per op"

echo
echo "prove-gate on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, load average at the end $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
[ "$deterministic" = 0 ] || echo "deterministic metrics only (gate --deterministic), instructions counted by callgrind in the first run of each build"
echo "per trial: $rounds alternating runs per build (5 samples of 10 ms each); cases demo/fnv64, demo/allocs-1, router/github/static (radix), pool/get_put (treiber), null"
for line in "${summary[@]}"; do echo "  $line"; done
if [ "$ok" = 1 ]; then echo "PROVED"; else echo "NOT PROVED"; fi
[ "$ok" = 1 ]
