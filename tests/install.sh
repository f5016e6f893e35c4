#!/usr/bin/env bash
# An installed hotpath stands alone: `cmake --install` into a temporary prefix, the prefix moved
# elsewhere, the binary run from another directory runs the main job (a phase plan, then its
# report) from its own data; and a copy of the binary without its data refuses with one message
# saying where it looked (exit 2).
# Usage (ctest runs it): tests/install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hotpath-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "install test: $*" >&2
  exit 1
}
unset HOTPATH_DATA_DIR

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
mv "$tmp/prefix" "$tmp/moved" # nothing may depend on the prefix it was installed to
hotpath="$tmp/moved/bin/hotpath"
data="$tmp/moved/share/hotpath"
for f in workloads/bolt.phases workloads/routes/github.routes \
  workloads/requests/github-realistic.requests gnuplot/chart_common.gp gnuplot/phase_bars.gp; do
  [ -f "$data/$f" ] || fail "cmake --install did not install share/hotpath/$f"
done

# No path of the source or build tree in the binary's constant data (file names of sources, which
# assertions and sanitizers print, excepted): nothing to find data by.
if compiled_in=$(readelf -p .rodata "$hotpath" | grep -F -e "$source" -e "$build" |
  grep -vE '\.[ch]$'); then
  fail "paths compiled into $hotpath: $compiled_in"
fi

cd "$tmp"
"$hotpath" run --phases "$data/workloads/bolt.phases" --samples 2 --target-time 1ms --threads 1 \
  --mode batch --workload request/static --out "$tmp/run" --quiet >"$tmp/run.log" 2>&1 ||
  fail "the installed hotpath's run failed: $(cat "$tmp/run.log")"
[ -f "$tmp/run/results.json" ] || fail "no results.json from the installed hotpath"
"$hotpath" report "$tmp/run" >"$tmp/report.log" 2>&1 ||
  fail "the installed hotpath's report failed: $(cat "$tmp/report.log")"
for f in report.md report.html charts/phase_bars.png charts/phase_bars.svg; do
  [ -s "$tmp/run/$f" ] || fail "the installed hotpath's report wrote no $f"
done

# A shipped plan by its name, as `list` shows it.
"$hotpath" list >"$tmp/list.txt" || fail "list failed"
grep -qF "in $data/workloads/" "$tmp/list.txt" || fail "list does not show the data directory"
grep -qx '  bolt.phases' "$tmp/list.txt" || fail "list does not show bolt.phases"
"$hotpath" run --phases bolt.phases --samples 2 --target-time 1ms --threads 1 --mode batch \
  --workload request/static --out "$tmp/run2" --quiet >"$tmp/run2.log" 2>&1 ||
  fail "--phases bolt.phases (by name) failed: $(cat "$tmp/run2.log")"
status=0
"$hotpath" run --phases nosuch.phases --out "$tmp/run3" 2>"$tmp/err" || status=$?
[ "$status" -eq 2 ] || fail "--phases nosuch.phases: exit $status, expected 2"
grep -qF "$data/workloads" "$tmp/err" || fail "--phases nosuch.phases: $(cat "$tmp/err")"

# A copy with no data beside it: one message naming every place looked in, exit 2, nothing
# written; for every command that needs the data.
mkdir -p "$tmp/lonely/bin"
cp "$hotpath" "$tmp/lonely/bin/hotpath"
lonely="$tmp/lonely/bin/hotpath"
for command in "run --workload null --samples 2 --out $tmp/lonely-run" "list" \
  "report $tmp/run"; do
  status=0
  # shellcheck disable=SC2086 # the command's words
  "$lonely" $command >"$tmp/out" 2>"$tmp/err" || status=$?
  [ "$status" -eq 2 ] || fail "copied binary, $command: exit $status, expected 2"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "copied binary, $command: not one line: $(cat "$tmp/err")"
  for place in '$HOTPATH_DATA_DIR' "$tmp/lonely/share/hotpath" "$tmp/lonely/bin/share/hotpath"; do
    grep -qF "$place" "$tmp/err" || fail "copied binary, $command: '$place' not named: $(cat "$tmp/err")"
  done
done
[ ! -e "$tmp/lonely-run" ] && [ ! -e "$tmp/lonely-run.partial" ] || fail "copied binary wrote results"

# The same copy pointed at the data.
HOTPATH_DATA_DIR="$data" "$lonely" run --workload router/github/static --router radix \
  --samples 2 --target-time 1ms --out "$tmp/with-data" --quiet >"$tmp/run4.log" 2>&1 ||
  fail "HOTPATH_DATA_DIR=$data: run failed: $(cat "$tmp/run4.log")"
status=0
HOTPATH_DATA_DIR="$tmp/nowhere" "$lonely" run --workload null --out "$tmp/x" 2>"$tmp/err" || status=$?
[ "$status" -eq 2 ] && grep -qF "HOTPATH_DATA_DIR=$tmp/nowhere" "$tmp/err" ||
  fail "HOTPATH_DATA_DIR naming no data directory: exit $status, $(cat "$tmp/err")"
echo "install test: passed"
