#!/usr/bin/env bash
# The tree stands alone: no tracked file (comments included) holds an absolute path of some
# machine (a home or work directory), nor a path to a directory beside the tree (../shared),
# except the optional reference comparison of tests/test_route_sets.c.
# Usage (ctest runs it): tests/no_machine_paths.sh   (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
self=tests/no_machine_paths.sh
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -d '' files < <(git ls-files -z)
else # an exported tree: every file but build and results directories
  mapfile -d '' files < <(find . -type f -not -path './.git/*' -not -path './build*' \
    -not -path './results/*' -printf '%P\0')
fi
# /Users/ only with a lowercase name after it: "/Users/42" and "/Users/:id" are example routes.
machine='(^|[^A-Za-z0-9_.~-])/(work|home|farm|root|scratch|mnt|media|Volumes)/|/Users/[a-z]'
beside='\.\./shared'
others=()
for f in "${files[@]}"; do
  [ "$f" = "$self" ] || [ ! -f "$f" ] || others+=("$f")
done
status=0
grep -nEI "$machine" -- "${others[@]}" && status=1
beside_allowed=tests/test_route_sets.c # its optional comparison with a reference list
for i in "${!others[@]}"; do
  [ "${others[$i]}" != "$beside_allowed" ] || unset 'others[i]'
done
grep -nI "$beside" -- "${others[@]}" && status=1
if [ "$status" -ne 0 ]; then
  echo "no_machine_paths: the lines above name a machine's absolute path or ../shared;" \
    "the tree must stand alone (name files relative to it)" >&2
fi
exit $status
