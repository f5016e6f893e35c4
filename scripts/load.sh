#!/usr/bin/env bash
# The load run (README "Load runs"; budget about 18 minutes on 2 cores): not part of the main
# job (setup.sh) nor of CI's test step. One `hotpath run`, every case interleaved in its rounds:
#   - every step of bolt.phases' main path (the steps that name a group: baseline, phase1..3),
#     each as `hotpath serve` of its composition on one core, under the closed loop (32 x 1, and
#     32 x 16 and 32 x 64 pipelined) and wrk (the generator's cross-check);
#   - nginx and h2o (workloads/anchors/) under the same loads (a missing one is a row that says
#     so; the run goes on);
#   - the rate sweep: open loop at 10% .. 110% of each server's closed-loop maximum, latency
#     from each request's intended send time;
# then `hotpath report` (the load table, wrk's cross-check, the hockey stick chart).
# Usage: scripts/load.sh [extra `hotpath run` options]   (HOTPATH=path/to/hotpath, default
# build/hotpath, built as Release when missing; OUT=results dir, default results/DATE-load)
set -euo pipefail
cd "$(dirname "$0")/.."
hotpath=${HOTPATH:-build/hotpath}
if [ ! -x "$hotpath" ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j"$(nproc)"
fi
out=${OUT:-results/$(date +%Y%m%d-%H%M%S)-load}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The main path: the sections of bolt.phases that name a group (the side steps name none),
# without their claims (whose own workloads a phase run would add to every step: the load run
# judges none of them).
awk '/^\[/ { flush(); section = $0; body = ""; grouped = 0; next }
     /^group *=/ { grouped = 1 }
     /^claims *=/ { next }
     { body = body $0 "\n" }
     function flush() { if (section != "" && grouped) printf "%s\n%s", section, body }
     END { flush() }' workloads/bolt.phases >"$work/bolt-main.phases"
start=$SECONDS
"$hotpath" run --phases "$work/bolt-main.phases" \
  --workload 'load/closed/*,load/wrk/*,load/open/*,load/nginx/*,load/h2o/*' \
  --threads 1 --mode both --samples 3 --warmup 0 --target-time 1s --out "$out" "$@"
took=$((SECONDS - start))
echo "load: run $took s (budget 1100 s)"
[ "$took" -le 1100 ] || echo "load: the run took $took s, over its budget of 1100 s" >&2
"$hotpath" report "$out"
