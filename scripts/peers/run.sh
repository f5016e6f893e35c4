#!/usr/bin/env bash
# Peer benchmarks (Gin, httprouter) beside a hotpath run: writes RESULTS_DIR/peers.txt in Go's
# benchmark format, which `hotpath report RESULTS_DIR` shows as a "Peers" section.
# Skips cleanly (exit 0, one line on stderr) when Go or the Debian packages are missing:
#   apt-get install golang-go golang-github-gin-gonic-gin-dev golang-github-julienschmidt-httprouter-dev
# Usage: scripts/peers/run.sh RESULTS_DIR [COUNT]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
results="${1:?usage: scripts/peers/run.sh RESULTS_DIR [COUNT]}"
count="${2:-5}"
[ -d "$results" ] || { echo "peers: $results is not a directory" >&2; exit 2; }
if ! command -v go >/dev/null 2>&1; then
    echo "peers: skipped (no Go; apt-get install golang-go golang-github-gin-gonic-gin-dev golang-github-julienschmidt-httprouter-dev)" >&2
    exit 0
fi
gocode=/usr/share/gocode
for pkg in github.com/gin-gonic/gin github.com/julienschmidt/httprouter; do
    if [ ! -d "$gocode/src/$pkg" ]; then
        echo "peers: skipped ($pkg not in $gocode; apt-get install golang-github-gin-gonic-gin-dev golang-github-julienschmidt-httprouter-dev)" >&2
        exit 0
    fi
done
# Debian's Go packages live in a GOPATH tree, not a module cache: build in GOPATH mode, offline.
export GOPATH="$gocode" GO111MODULE=off GOPROXY=off
export HOTPATH_WORKLOADS="$here/../../workloads"
tmp="$results/.peers.txt.tmp"
(cd "$here" && go test -run '^$' -bench . -benchmem -benchtime 100ms -count "$count" -cpu 1,2) >"$tmp"
mv "$tmp" "$results/peers.txt"
echo "peers: $results/peers.txt"
