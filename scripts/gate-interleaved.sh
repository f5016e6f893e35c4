#!/usr/bin/env bash
# Interleaved runs of two builds, then the gate, with one confirmation: a shared machine has
# bursts of load that can land on one build's runs (seconds long, longer than one run), so a
# failing verdict is checked once on fresh interleaved runs, and the gate fails only when a case
# regressed in both. A real regression is there every time and fails both; a burst rarely
# strikes the same case of the same build twice. docs/ci.md gives the measured rates.
#
# An inconclusive verdict (the gate's exit status 3: the machine drifted between the two
# builds' runs, or a run marked itself unreliable) is not a verdict on the code: the attempt is
# repeated on fresh runs, up to $HOTPATH_GATE_DRIFT_RETRIES times (default 2), before giving up
# with status 3.
#
# Usage: scripts/gate-interleaved.sh BIN_A BIN_B OUT_DIR ROUNDS [gate options] -- [run options]
#   BIN_A is the baseline build, BIN_B the current one; BIN_B's `hotpath gate` decides.
# Writes OUT_DIR/first/ (OUT_DIR/retry-N/ after an inconclusive attempt, OUT_DIR/confirm/ when
# needed) with runs, lists (the pooled run lists, A=... and B=...), gate.txt and gate.json;
# prints the deciding table (text) and writes OUT_DIR/deciding (the name of the attempt that
# decided). Exit status: 0 pass, 1 a regression (confirmed), 2 bad input, 3 still inconclusive
# after the retries.
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 BIN_A BIN_B OUT_DIR ROUNDS [gate options] -- [run options]" >&2
  exit 2
fi
bin_a=$1 bin_b=$2 out=$3 rounds=$4
shift 4
gate_args=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do gate_args+=("$1"); shift; done
[ $# -eq 0 ] || shift
here=$(cd "$(dirname "$0")" && pwd)

attempt() { # NAME RUN_OPTIONS...: runs and gates into OUT_DIR/NAME, returns the gate's status
  local dir="$out/$1" lists status=0
  shift
  mkdir -p "$dir"
  lists=$("$here/interleave-runs.sh" "$bin_a" "$bin_b" "$dir" "$rounds" "$@") || return 2
  echo "$lists" >"$dir/lists"
  "$bin_b" gate "$(sed -n 's/^A=//p' <<<"$lists")" "$(sed -n 's/^B=//p' <<<"$lists")" \
    "${gate_args[@]}" --json "$dir/gate.json" >"$dir/gate.txt" 2>"$dir/gate.err" || status=$?
  [ "$status" != 2 ] || cat "$dir/gate.err" >&2
  return "$status"
}

regressed_cases() { # gate.txt -> names of REGRESSED rows, sorted
  awk '$2 == "REGRESSED" || $2 == "**REGRESSED**" { print $1 }' "$1" | sort
}

retries=${HOTPATH_GATE_DRIFT_RETRIES:-2}
status=0
attempt first "$@" || status=$?
deciding=first
for ((retry = 1; retry <= retries && status == 3; retry++)); do
  echo "gate-interleaved: $deciding was inconclusive (the machine drifted, or a run is" \
    "unreliable); retry $retry of $retries on fresh runs" >&2
  deciding=retry-$retry
  status=0
  attempt "$deciding" "$@" || status=$?
done
echo "$deciding" >"$out/deciding"
if [ "$status" = 2 ]; then exit 2; fi
if [ "$status" != 1 ]; then
  cat "$out/$deciding/gate.txt"
  exit "$status"
fi
echo "gate-interleaved: regression in attempt $deciding; confirming on fresh runs" >&2
first=$deciding
status=0
attempt confirm "$@" || status=$?
if [ "$status" = 2 ]; then exit 2; fi
echo confirm >"$out/deciding"
if [ "$status" = 3 ]; then
  cat "$out/confirm/gate.txt"
  echo "not confirmed: the confirming attempt was inconclusive (first: $(regressed_cases "$out/$first/gate.txt" | tr '\n' ' '))"
  exit 3
fi
both=$(comm -12 <(regressed_cases "$out/$first/gate.txt") <(regressed_cases "$out/confirm/gate.txt"))
cat "$out/confirm/gate.txt"
if [ -n "$both" ]; then
  echo "confirmed: regressed in both attempts:"
  sed 's/^/  /' <<<"$both"
  exit 1
fi
echo "not confirmed: no case regressed in both attempts (first: $(regressed_cases "$out/$first/gate.txt" | tr '\n' ' '))"
exit 0
