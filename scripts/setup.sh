#!/usr/bin/env bash
# The default job, from a fresh Debian machine: install what is missing (Go, Gin and httprouter
# included, unless HOTPATH_NO_GO=1 declines them: peers/go.external, docs/external-cases.md),
# build the Release binary, run Bolt's optimization plan phase by phase (workloads/bolt.phases on
# request/static, request/dynamic and request/concurrent), profile request/static in every phase
# under callgrind (its own step, after the main job: RESULTS/profile/, docs/profiling.md), and
# write the report (report.md, report.html, charts, a flame graph per phase).
# Usage: scripts/setup.sh [extra `hotpath run` options, e.g. --samples 20]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
out="results/$(date +%Y%m%d-%H%M%S)-bolt"
build/hotpath run --phases workloads/bolt.phases --external peers/go.external --out "$out" "$@"
# The profiling step: budget 60 s (README, docs/ci.md); skipped, and said, without valgrind.
if command -v valgrind >/dev/null; then
  start=$SECONDS
  build/hotpath profile --phases workloads/bolt.phases --workload request/static --threads 1 \
    --mode batch --out "$out/profile" >/dev/null
  took=$((SECONDS - start))
  echo "setup: profiling step $took s (budget 60 s)"
  [ "$took" -le 60 ] || echo "setup: the profiling step took $took s, over its budget of 60 s" >&2
else
  echo "setup: no valgrind, so no profiles (the report leaves them out)" >&2
fi
build/hotpath report "$out"
