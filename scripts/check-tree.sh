#!/usr/bin/env bash
# The tree's habits, as checks (.ci/run runs this, and so does ctest):
#   1. every tracked C file is formatted as the committed .clang-format says (the Criterion
#      stand-in under tests/tsan_criterion/ excepted);
#   2. no #include climbs out of its directory ("../"): a layer reaches another only through
#      the include path its library declares (CMakeLists.txt);
#   3. no absolute machine path anywhere (tests/no_machine_paths.sh);
#   4. an implementation's opening comment (every .c file under impls/) is at most 25 lines:
#      technique, claim, what it models, the one difference, memory orders; history belongs in
#      commit messages and docs/design-decisions.md;
#   5. no function in harness/ is longer than 80 lines (from its opening to its closing brace):
#      commands parse and delegate, and each step of a view or a run is a function of its own.
# Usage: scripts/check-tree.sh   (from anywhere; prints every finding, exits 1 if any)
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
fail() {
  echo "check-tree: $*" >&2
  status=1
}

# The tracked files matching the patterns (a tree without git: every file but build outputs).
tracked() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files "$@"
  else
    local p args=()
    for p in "$@"; do args+=(-o -path "./$p"); done
    find . -type f -not -path './build*' \( "${args[@]:1}" \) -printf '%P\n' | sort
  fi
}

mapfile -t c_files < <(tracked '*.c' '*.h' | grep -v '^tests/tsan_criterion/')

if ! command -v clang-format >/dev/null; then
  fail "clang-format is not installed (scripts/install-deps.sh installs it)"
elif ! clang-format --dry-run -Werror "${c_files[@]}" 2>/tmp/check-tree-format.$$; then
  grep -E '^[^ ].*: error:' /tmp/check-tree-format.$$ >&2 || cat /tmp/check-tree-format.$$ >&2
  fail "files above differ from clang-format (run: clang-format -i FILE)"
fi
rm -f /tmp/check-tree-format.$$

if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*\.\./' "${c_files[@]}"; then
  fail "the includes above climb out of their directory"
fi

tests/no_machine_paths.sh || status=1

for f in $(tracked 'impls/*.c'); do
  lines=$(awk '!open && (/^#define/ || /^#pragma/ || /^[ \t]*$/) { next }
    !open { if ($0 !~ /^\/\*/) { print 0; exit } open = 1; first = FNR }
    /\*\// { print FNR - first + 1; exit }' "$f")
  [ "${lines:-0}" -le 25 ] || fail "$f: its opening comment is $lines lines (at most 25)"
done

# Functions: a line that is just "{" at depth 0 opens one (the project's brace style); braces
# in string and character literals and in comments are not counted.
mapfile -t harness_c < <(tracked 'harness/*.c')
long=$(awk '
  FNR == 1 { depth = 0; start = 0; in_comment = 0 }
  {
    line = $0
    if (in_comment) { if (sub(/^.*\*\//, "", line)) in_comment = 0; else next }
    gsub(/"([^"\\]|\\.)*"/, "", line)
    gsub(/\047([^\047\\]|\\.)*\047/, "", line)
    gsub(/\/\*.*\*\//, "", line)
    if (sub(/\/\*.*$/, "", line)) in_comment = 1
    sub(/\/\/.*$/, "", line)
    if (depth == 0 && line ~ /^\{[ \t]*$/) { start = FNR; name = previous }
    opened = gsub(/\{/, "{", line); closed = gsub(/\}/, "}", line)
    depth += opened - closed
    if (depth == 0 && start && closed) {
      if (FNR - start + 1 > 80)
        printf "%s:%d: %d lines: %s\n", FILENAME, start, FNR - start + 1, previous_signature
      start = 0
    }
    if ($0 !~ /^[ \t]*$/ && depth == 0) previous_signature = (start ? name : $0)
    if ($0 !~ /^[ \t]*$/) previous = $0
  }' "${harness_c[@]}")
if [ -n "$long" ]; then
  echo "$long" >&2
  fail "the functions above are longer than 80 lines"
fi

[ "$status" -ne 0 ] || echo "check-tree: passed"
exit $status
