#!/usr/bin/env bash
# The layers depend one way, and the build enforces it: each probe in tests/layering/ is built
# as an object library with the include paths of one layer (CMakeLists.txt, layering_probe_*).
# A probe that includes a header of a layer above its own (or names a header by its path from
# the repository root) must fail to compile, and for that include: the compiler must say the
# header is not found. The controls (*_own, *_down: headers of the layer itself and of the
# layers below) must compile, so a broken probe cannot pass as a refused include.
# Usage (ctest runs it): tests/layering.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
status=0
for probe in "$source"/tests/layering/*.c; do
  name=$(basename "$probe" .c)
  header=$(sed -n 's/^#include "\(.*\)"$/\1/p' "$probe" | head -n 1)
  log=$(cmake --build "$build" --target "layering_probe_$name" 2>&1) && built=1 || built=0
  case "$name" in
  *_own | *_down)
    if [ "$built" -ne 1 ]; then
      echo "layering: control $name does not compile:"$'\n'"$log" >&2
      status=1
    fi
    ;;
  *)
    if [ "$built" -eq 1 ]; then
      echo "layering: $name compiled: $header is reachable from that layer" >&2
      status=1
    elif ! grep -qF "$header: No such file or directory" <<<"$log"; then
      echo "layering: $name failed, but not for its include of $header:"$'\n'"$log" >&2
      status=1
    fi
    ;;
  esac
done
[ "$status" -ne 0 ] || echo "layering: every upward include refused, every control compiled"
exit $status
