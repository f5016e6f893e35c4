#!/usr/bin/env bash
# The main job, from a fresh Debian machine: install what is missing, build the Release binary,
# run the default comparison and print where its results are.
# Usage: scripts/setup.sh [extra `hotpath run` options]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
build/hotpath run "$@"
