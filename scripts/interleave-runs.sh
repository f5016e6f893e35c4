#!/usr/bin/env bash
# Runs two hotpath binaries alternately on one machine, in short runs, so that drift (another
# tenant, thermal state, frequency) lands on both alike: round r runs A then B when r is odd and
# B then A when r is even (A B B A A B ...), so neither build always goes first.
# Each run is a separate process: process-to-process variation (memory layout, ASLR) ends up in
# the pooled samples, where the gate's interval sees it.
#
# Usage: scripts/interleave-runs.sh BIN_A BIN_B OUT_DIR ROUNDS [hotpath run options...]
# Writes OUT_DIR/a-R and OUT_DIR/b-R (results directories) and prints two lines:
#   A=OUT_DIR/a-1,OUT_DIR/a-2,...   B=OUT_DIR/b-1,...
# which `hotpath gate` and `hotpath compare` accept as pooled runs.
# With HOTPATH_INSTRUCTIONS=1 the first round of each binary also counts instructions
# (--instructions, valgrind) when that binary knows the flag.
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 BIN_A BIN_B OUT_DIR ROUNDS [hotpath run options...]" >&2
  exit 2
fi
bin_a=$1 bin_b=$2 out=$3 rounds=$4
shift 4
run_args=("$@")
mkdir -p "$out"
list_a="" list_b=""

supports_instructions() {
  "$1" run --help 2>/dev/null | grep -q -- '--instructions'
}

run_one() { # BIN SIDE ROUND
  local extra=()
  if [ "${HOTPATH_INSTRUCTIONS:-0}" = 1 ] && [ "$3" = 1 ] && supports_instructions "$1"; then
    extra=(--instructions)
  fi
  "$1" run --quiet --seed "$3" --out "$out/$2-$3" "${extra[@]}" "${run_args[@]}" >"$out/$2-$3.log" 2>&1 || {
    echo "interleave-runs: $1 run failed, see $out/$2-$3.log" >&2
    cat "$out/$2-$3.log" >&2
    exit 2
  }
}

for ((r = 1; r <= rounds; r++)); do
  if ((r % 2 == 1)); then
    run_one "$bin_a" a "$r"
    run_one "$bin_b" b "$r"
  else
    run_one "$bin_b" b "$r"
    run_one "$bin_a" a "$r"
  fi
  list_a+="${list_a:+,}$out/a-$r"
  list_b+="${list_b:+,}$out/b-$r"
done
echo "A=$list_a"
echo "B=$list_b"
