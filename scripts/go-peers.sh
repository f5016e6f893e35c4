#!/usr/bin/env bash
# Runs `go ARGS...` in peers/ (the Go peers and twins, docs/external-cases.md) offline: GOPATH
# mode against Debian's Go packages (golang-github-gin-gonic-gin-dev,
# golang-github-julienschmidt-httprouter-dev, installed by scripts/install-deps.sh), nothing
# downloaded, no user Go settings read, the build cache in OUT_DIR/go-cache (never $HOME).
#   scripts/go-peers.sh build/go build -o "$PWD/build/go/hotpath-peers" .
#   scripts/go-peers.sh build/go vet .
#   scripts/go-peers.sh build/go test -count=1 .
# Exit status 2 with one message when Go or a package is missing (HOTPATH_NO_GO=1 declines them
# in install-deps.sh, setup.sh and test.sh; this script is then not called).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: scripts/go-peers.sh OUT_DIR GO_ARGS...}"
shift
[ $# -gt 0 ] || { echo "go-peers: no go command given (usage: scripts/go-peers.sh OUT_DIR GO_ARGS...)" >&2; exit 2; }
gocode=/usr/share/gocode # where Debian's golang-*-dev packages put their sources
if ! command -v go >/dev/null 2>&1; then
  echo "go-peers: Go is not installed (scripts/install-deps.sh installs it unless HOTPATH_NO_GO=1)" >&2
  exit 2
fi
for pkg in github.com/gin-gonic/gin github.com/julienschmidt/httprouter; do
  if [ ! -d "$gocode/src/$pkg" ]; then
    echo "go-peers: $pkg is not in $gocode/src (scripts/install-deps.sh installs it unless HOTPATH_NO_GO=1)" >&2
    exit 2
  fi
done
mkdir -p "$out/go-cache"
out="$(cd "$out" && pwd)"
# GOENV=off: no $HOME/.config/go/env; GOFLAGS: no user flags (and no -mod, which GOPATH mode
# refuses); -buildvcs=false: no git call, the binary does not depend on the worktree's state;
# CGO_ENABLED=0: a pure Go net package, no C toolchain involved; GOTOOLCHAIN=local (Go 1.21+,
# ignored before): never fetch another toolchain.
export GOENV=off GOFLAGS=-buildvcs=false GO111MODULE=off GOPATH="$gocode" GOPROXY=off \
  GOSUMDB=off GOTOOLCHAIN=local CGO_ENABLED=0 GOCACHE="$out/go-cache"
cd "$root/peers"
exec go "$@"
