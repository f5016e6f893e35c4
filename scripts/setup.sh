#!/usr/bin/env bash
# The default job, from a fresh Debian machine: install what is missing (Go, Gin and httprouter
# included, unless HOTPATH_NO_GO=1 declines them: peers/go.external, docs/external-cases.md),
# build the Release binary, run Bolt's optimization plan phase by phase (workloads/bolt.phases on
# request/static, request/dynamic and request/concurrent), and write its report (report.md,
# report.html, charts).
# Usage: scripts/setup.sh [extra `hotpath run` options, e.g. --samples 20]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
out="results/$(date +%Y%m%d-%H%M%S)-bolt"
build/hotpath run --phases workloads/bolt.phases --out "$out" "$@"
build/hotpath report "$out"
