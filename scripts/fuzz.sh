#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ (one per reader of outside input, fuzz/README.md) for
# SECONDS each (default 60), two at a time, from its committed seeds (fuzz/corpus/NAME/) plus
# the inputs earlier runs found (build-Fuzz/corpus/NAME/, kept between runs, never committed).
# Builds the `fuzz` preset first (clang; the gcc builds never need it).
# A target fails when it crashes, breaks a property, hangs, or ends below its floors: fewer
# than MIN_EXEC_PER_S executions per second run, or fewer than MIN_EDGES covered edges (a
# target that does nothing, or stops at its first input, must not pass). A failing input is
# left in build-Fuzz/crashes/; make it a regression test (fuzz/README.md).
# Prints one line per target: "fuzz NAME: N executions in S s, E edges: ok|FAILED".
# Usage: scripts/fuzz.sh [SECONDS] [TARGET ...]
#   MIN_EXEC_PER_S (default 20), MIN_EDGES (default 30), FUZZ_JOBS (default 2) override.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: SECONDS must be a positive integer" >&2; exit 2; }
min_exec_per_s=${MIN_EXEC_PER_S:-20}
min_edges=${MIN_EDGES:-30}
jobs=${FUZZ_JOBS:-2}

mapfile -t all < <(ls fuzz/fuzz_*.c | sed 's|fuzz/fuzz_||; s|\.c$||')
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
  [ -f "fuzz/fuzz_$t.c" ] || { echo "fuzz.sh: no target '$t' (${all[*]})" >&2; exit 2; }
  [ -d "fuzz/corpus/$t" ] || { echo "fuzz.sh: fuzz/corpus/$t/ (the seeds) is missing" >&2; exit 2; }
done

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)" >/dev/null
build=build-Fuzz
mkdir -p "$build/crashes" "$build/logs"

# One target: its log in build-Fuzz/logs/NAME.log, its verdict line on stdout.
run_one() {
  local t=$1 log="$build/logs/$1.log" status=0
  mkdir -p "$build/corpus/$t"
  "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/crashes/$t-" \
    "$build/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1 || status=$?
  local runs edges took
  runs=$(awk '/stat::number_of_executed_units:/ { print $2 }' "$log" | tail -1)
  took=$(awk '/stat::slowest_unit_time_sec:/ { next } /Done [0-9]+ runs in/ { print $(NF-1) }' "$log" | tail -1)
  edges=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | awk '{ print $2 }')
  runs=${runs:-0} edges=${edges:-0} took=${took:-$seconds}
  local verdict=ok
  if [ "$status" -ne 0 ]; then
    verdict="FAILED (exit $status; see $log and $build/crashes/)"
  elif [ "$runs" -lt $((min_exec_per_s * seconds)) ]; then
    verdict="FAILED (below the floor of $((min_exec_per_s * seconds)) executions)"
  elif [ "$edges" -lt "$min_edges" ]; then
    verdict="FAILED (below the floor of $min_edges edges)"
  fi
  echo "fuzz $t: $runs executions in $took s, $edges edges: $verdict"
  [ "$verdict" = ok ]
}

status=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do
  wait "$pid" || status=1
done
exit $status
