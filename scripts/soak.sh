#!/usr/bin/env bash
# The soak of the concurrent parts: the concurrency tests in their soak mode (tests/soak.h), each
# implementation of each subject for SECONDS (default 10), in each build given (default: the
# release and tsan presets), every answer checked as in the tests (the oracle for routers, owner
# tags for pools, exactly-once and order for queues). Prints one line per implementation and
# per subject, "soak BUILD SUBJECT: N ops, E errors", and fails on any error. A test that dies
# (a sanitizer report, an abort on a poisoned snapshot, a timeout) counts as one error more.
#   --sabotage  instead: for each build switch that plants a defect (CMakeLists.txt,
#               HOTPATH_SABOTAGE), a Release build with it soaks the subject it breaks, and the
#               run passes only when every sabotaged soak reports errors. One build directory,
#               build-Sabotage, serves every switch, and only the subject's test is built: a
#               switch rebuilds the implementations and that test, not the whole harness.
# Logs: build*/soak-SUBJECT.log. Usage: scripts/soak.sh [SECONDS] [--sabotage | PRESET ...]
set -euo pipefail
cd "$(dirname "$0")/.."

# The subjects: name, test executable, Criterion filter of its stress tests (the Tsan build's
# stand-in for Criterion runs the whole executable). A new subject is one line, its test
# printing soak_report lines.
subjects=(
  "router_republish   test_router_concurrency router_concurrency/*"
  "pool_owner_tags    test_pools              pools/concurrent_stress*"
  "queue_exactly_once test_queues             queues/exactly_once*"
)
# The sabotage switches and the subject each must break.
sabotages=(
  "skip_grace_period router_republish"
  "no_aba_tag        pool_owner_tags"
)

seconds=10
if [[ "${1:-}" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
  seconds=$1
  shift
fi
sabotage=0
presets=()
for arg in "$@"; do
  case "$arg" in
  --sabotage) sabotage=1 ;;
  release | debug | tsan) presets+=("$arg") ;;
  *) echo "soak.sh: unknown argument '$arg' (SECONDS, --sabotage, release, debug, tsan)" >&2; exit 2 ;;
  esac
done
[ ${#presets[@]} -gt 0 ] || presets=(release tsan)

subject_field() { # subject_field NAME FIELD (1: executable, 2: filter)
  local line
  for line in "${subjects[@]}"; do
    read -r -a f <<<"$line"
    [ "${f[0]}" = "$1" ] && { echo "${f[$2]}"; return; }
  done
  echo "soak.sh: no subject $1" >&2
  return 2
}

# soak BUILD_DIR SUBJECT: runs it, prints its lines, sets ops and errors.
ops=0 errors=0
soak() {
  local dir=$1 subject=$2 exe filter log status=0
  exe=$(subject_field "$subject" 1)
  filter=$(subject_field "$subject" 2)
  log="$dir/soak-$subject.log"
  HOTPATH_SOAK_SECONDS=$seconds TSAN_OPTIONS=halt_on_error=1 \
    ASAN_OPTIONS=halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1 \
    timeout "$(awk -v s="$seconds" 'BEGIN { printf "%d", s * 40 + 300 }')" \
    "$dir/$exe" --filter "$filter" --jobs=1 >"$log" 2>&1 || status=$?
  grep '^soak ' "$log" | sed "s|^soak |soak $(basename "$dir") |" || true
  ops=$(awk '/^soak / { n += $(NF-3) } END { print n + 0 }' "$log")
  errors=$(awk '/^soak / { n += $(NF-1) } END { print n + 0 }' "$log")
  if [ "$status" -ne 0 ]; then
    local why="failed (exit $status)"
    grep -q 'CRASH' "$log" && why="crashed"
    grep -q 'ThreadSanitizer\|AddressSanitizer\|runtime error' "$log" && why="had a sanitizer report"
    [ "$status" -eq 124 ] && why="timed out"
    errors=$((errors + 1))
    echo "soak $(basename "$dir") $subject: the test $why: one error more; see $log"
  fi
  echo "soak $(basename "$dir") $subject: $ops ops, $errors errors"
}

build_tests() { # build_tests DIR SUBJECT|all [cmake args]: builds the subjects' executables
  local dir=$1 only=$2 line
  shift 2
  local targets=()
  for line in "${subjects[@]}"; do
    read -r -a f <<<"$line"
    [ "$only" = all ] || [ "$only" = "${f[0]}" ] && targets+=("${f[1]}")
  done
  cmake -S . -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}" >/dev/null
}

status=0
if [ "$sabotage" = 1 ]; then
  for line in "${sabotages[@]}"; do
    read -r name subject <<<"$line"
    dir=build-Sabotage
    build_tests "$dir" "$subject" -DCMAKE_BUILD_TYPE=Release -DHOTPATH_SABOTAGE="$name"
    soak "$dir" "$subject"
    if [ "$errors" -eq 0 ]; then
      echo "soak.sh: sabotage $name: the soak of $subject found no error" >&2
      status=1
    else
      echo "soak.sh: sabotage $name: caught ($errors errors in $ops ops)"
    fi
  done
  exit $status
fi

total_ops=0 total_errors=0
for preset in "${presets[@]}"; do
  case "$preset" in
  release) dir=build ;;
  debug) dir=build-Debug ;;
  tsan) dir=build-Tsan ;;
  esac
  cmake --preset "$preset" >/dev/null
  build_tests "$dir" all
  for line in "${subjects[@]}"; do
    read -r -a f <<<"$line"
    soak "$dir" "${f[0]}"
    total_ops=$((total_ops + ops))
    total_errors=$((total_errors + errors))
  done
done
echo "soak: $total_ops ops, $total_errors errors (${seconds} s per implementation; ${presets[*]})"
[ "$total_errors" -eq 0 ]
