#!/usr/bin/env bash
# The default job, from a fresh Debian machine: install what is missing, build the Release
# binary, run Bolt's optimization plan phase by phase (workloads/bolt.phases on request/static,
# request/dynamic and request/concurrent), the Go peers when Go is installed, and write its
# report (report.md, report.html, charts).
# Usage: scripts/setup.sh [extra `hotpath run` options, e.g. --samples 20]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
out="results/$(date +%Y%m%d-%H%M%S)-bolt"
build/hotpath run --phases workloads/bolt.phases --out "$out" "$@"
# Gin and httprouter beside the C phases when Go and their Debian packages are installed
# (skipped with a one-line hint otherwise).
scripts/peers/run.sh "$out" || echo "setup: peer benchmarks failed; the report goes on without them" >&2
build/hotpath report "$out"
